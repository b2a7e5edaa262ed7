"""``imsa-eligibility validate`` end to end (in process, and once as a real process)."""

from __future__ import annotations

import json

from cli.inputs import PROFILE_SUFFIXES
from tests.conftest import DATA, EXAMPLES, ROOT, Run, cli_process

MALFORMED = "tests/data/profiles/malformed"
MALFORMED_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (DATA / "profiles" / "malformed").rglob("*")
    if p.suffix in PROFILE_SUFFIXES
)


def test_examples_and_template_are_valid(run_cli: Run) -> None:
    result = run_cli("validate", "profiles/examples", "profiles/TEMPLATE.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(
        ["profiles/TEMPLATE.yaml"] + [f"profiles/examples/{p.name}" for p in EXAMPLES.glob("*")]
    )
    assert result.stdout == "".join(f"ok: {name}\n" for name in names)
    assert result.stderr.splitlines()[-1] == f"{len(names)} of {len(names)} files valid"


def test_invalid_files_exit_2_and_the_rest_are_still_checked(run_cli: Run) -> None:
    result = run_cli("validate", MALFORMED, "profiles/examples/police-force.yaml")
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("ok: ")] == [
        "ok: profiles/examples/police-force.yaml"
    ]
    errors = [line.removeprefix("error: ") for line in lines if not line.startswith("ok: ")]
    assert len(errors) == len(lines) - 1, "every other line is an error"
    assert sorted({e.split(":", 1)[0] for e in errors}) == MALFORMED_FILES  # each one refused
    assert f"{MALFORMED}/unknown-key-typo.yaml:14:1: goverance:" in result.stdout
    assert "did you mean 'governance'?" in result.stdout
    assert result.stderr == f"1 of {len(MALFORMED_FILES) + 1} files valid\n"


def test_json_output_lists_every_file_and_located_errors(run_cli: Run) -> None:
    result = run_cli(
        "validate",
        "-o",
        "json",
        MALFORMED + "/unknown-key-typo.yaml",
        "profiles/examples/police-force.yaml",
    )
    assert result.returncode == 2
    body = json.loads(result.stdout)
    assert body["schema"] == "imsa-eligibility/validate/v1"
    assert body["files"] == [
        {"file": "profiles/examples/police-force.yaml", "valid": True},
        {"file": MALFORMED + "/unknown-key-typo.yaml", "valid": False},
    ]
    [error] = body["errors"]
    message = error.pop("message")
    assert error == {
        "file": MALFORMED + "/unknown-key-typo.yaml",
        "line": 14,
        "column": 1,
        "path": "goverance",
    }
    assert "did you mean 'governance'?" in message


def test_missing_path_is_an_error_not_a_crash(run_cli: Run) -> None:
    result = run_cli("validate", "no/such/file.yaml")
    assert result.returncode == 2
    [line] = result.stdout.splitlines()
    assert line.startswith("error: no/such/file.yaml:1:1: no such file or folder")


def test_process_validate_is_what_the_in_process_run_says(run_cli: Run) -> None:
    args = ("validate", MALFORMED + "/unknown-key-typo.yaml", "profiles/examples/police-force.yaml")
    real = cli_process(*args)
    assert real.returncode == 2, real.stderr
    here = run_cli(*args)
    assert (here.returncode, here.stdout, here.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
