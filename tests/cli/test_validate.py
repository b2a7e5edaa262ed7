"""``imsa-eligibility validate`` end to end."""

from __future__ import annotations

import json

from tests.conftest import Run

MALFORMED = "tests/data/profiles/malformed"


def test_examples_and_template_are_valid(run_cli: Run) -> None:
    result = run_cli("validate", "profiles/examples", "profiles/TEMPLATE.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok: ") >= 11
    assert "files valid" in result.stderr


def test_invalid_files_exit_2_and_the_rest_are_still_checked(run_cli: Run) -> None:
    result = run_cli("validate", MALFORMED, "profiles/examples/police-force.yaml")
    assert result.returncode == 2
    assert "ok: profiles/examples/police-force.yaml" in result.stdout
    assert "goverance" in result.stdout and "did you mean 'governance'?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_json_output_lists_every_file_and_located_errors(run_cli: Run) -> None:
    result = run_cli(
        "validate",
        "-o",
        "json",
        MALFORMED + "/unknown-key-typo.yaml",
        "profiles/examples/police-force.yaml",
    )
    body = json.loads(result.stdout)
    assert body["schema"] == "imsa-eligibility/validate/v1"
    assert [f["valid"] for f in body["files"]] == [True, False] or len(body["files"]) == 2
    error = body["errors"][0]
    assert set(error) == {"file", "line", "column", "path", "message"}
    assert error["line"] > 0 and error["path"] == "goverance"


def test_missing_path_is_an_error_not_a_crash(run_cli: Run) -> None:
    result = run_cli("validate", "no/such/file.yaml")
    assert result.returncode == 2
    assert "no such file or folder" in result.stdout
