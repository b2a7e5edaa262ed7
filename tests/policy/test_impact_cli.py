"""``imsa-eligibility rules diff OLD NEW`` end to end, as policy staff run it.

Goldens under tests/golden/diff/ (``pytest --update-goldens`` rewrites them); the rule sets
and profiles are those of tests/policy/test_impact.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from imsa_eligibility.schemas import schema_text
from tests.conftest import ROOT, Run
from tests.goldens import assert_golden as _golden

D = "tests/data/diff"
PROFILES = f"{D}/profiles"
GOLDEN = ROOT / "tests" / "golden" / "diff"
AS_OF = ("--as-of", "2026-12-01")
NATIVE = ("--engine", "native")
FORMATS = {"text": "text", "json": "json", "markdown": "md"}


def _rules(name: str) -> str:
    return f"{D}/rules/{name}"


CASES = [
    ("threshold", "text"),
    ("threshold", "json"),
    ("threshold", "markdown"),
    ("list-member", "json"),
    ("effect-scotland", "text"),
    ("added-removed", "markdown"),
    ("added-removed", "json"),
    ("base", "text"),
]


@pytest.mark.parametrize(("edit", "fmt"), CASES)
def test_diff_goldens(run_cli: Run, update_goldens: bool, edit: str, fmt: str) -> None:
    result = run_cli(
        "rules", "diff", _rules("base"), _rules(edit), "--profiles", PROFILES, *AS_OF, *NATIVE,
        "-o", fmt,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("profile(s)\n")
    _golden(GOLDEN / f"{edit}.{FORMATS[fmt]}", result.stdout, update_goldens)


def test_the_json_validates_against_the_published_schema(run_cli: Run) -> None:
    import jsonschema

    schema = json.loads(schema_text("diff"))
    for edit in ("threshold", "added-removed"):
        result = run_cli(
            "rules", "diff", _rules("base"), _rules(edit), "--profiles", PROFILES, *NATIVE,
            "-o", "json",
        )  # fmt: skip
        jsonschema.validate(json.loads(result.stdout), schema)


def test_the_default_engine_gives_the_same_diff(run_cli: Run) -> None:
    args = ("rules", "diff", _rules("base"), _rules("threshold"), "--profiles", PROFILES, *AS_OF)
    default = run_cli(*args, "-o", "json")
    native = run_cli(*args, *NATIVE, "-o", "json")
    assert default.returncode == native.returncode == 0
    assert default.stdout == native.stdout


def test_without_profiles_only_the_rules_are_compared(run_cli: Run) -> None:
    result = run_cli("rules", "diff", _rules("base"), _rules("threshold"), *AS_OF, "-o", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["profiles"] == 0
    assert document["flips"] == []
    assert [r["rule"] for r in document["rules"]] == ["TST-002"]


def test_a_register_is_a_cohort(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "panel.sqlite"
    recorded = run_cli(
        "check", PROFILES, "--rules", _rules("base"), *AS_OF, *NATIVE, "--record", str(db),
        "-o", "json",
    )  # fmt: skip
    assert recorded.returncode == 4, recorded.stderr  # refer to panel at worst
    from_files = run_cli(
        "rules", "diff", _rules("base"), _rules("threshold"), "--profiles", PROFILES, *NATIVE,
        *AS_OF, "-o", "json",
    )  # fmt: skip
    from_register = run_cli(
        "rules", "diff", _rules("base"), _rules("threshold"), "--profiles", str(db), *NATIVE,
        *AS_OF, "-o", "json",
    )  # fmt: skip
    assert from_register.returncode == 0, from_register.stderr
    assert from_register.stdout == from_files.stdout  # the stored files keep their names


def test_a_jsonl_cohort_names_each_record_by_line(run_cli: Run, tmp_path: Path) -> None:
    import yaml

    lines = [
        json.dumps(yaml.safe_load((ROOT / PROFILES / name).read_text(encoding="utf-8")))
        for name in ("all-good.yaml", "scottish-mid-income.yaml")
    ]
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(
        "rules", "diff", _rules("base"), _rules("threshold"), "--profiles", str(cohort),
        *NATIVE, *AS_OF, "-o", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["profiles"] == 2
    assert [f["file"] for f in document["flips"]] == [f"{cohort}:2"]


def test_an_invalid_old_rule_set_is_located_and_nothing_is_written(run_cli: Run) -> None:
    result = run_cli(
        "rules", "diff", _rules("broken"), _rules("base"), "--profiles", PROFILES, *NATIVE
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{D}/rules/broken/10-rules.yaml:36:13:" in result.stderr
    assert "did you mean 'governance.whistleblowing_policy'?" in result.stderr
    assert "problem(s) in the old rule set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_rule_set_folder(run_cli: Run) -> None:
    result = run_cli("rules", "diff", _rules("base"), _rules("nowhere"))
    assert result.returncode == 2
    assert "the rules directory does not exist" in result.stderr
    assert "problem(s) in the new rule set" in result.stderr


def test_an_invalid_profile_stops_the_diff(run_cli: Run, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    shutil.copytree(ROOT / PROFILES, cohort)
    bad = cohort / "all-good.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace(
            "legal_form: charitable_company", "legal_form: charity"
        ),
        encoding="utf-8",
    )
    output = tmp_path / "diff.json"
    result = run_cli(
        "rules", "diff", _rules("base"), _rules("threshold"), "--profiles", str(cohort),
        *NATIVE, "-o", "json", "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert not output.exists()
    assert f"{bad}:6:" in result.stderr
    assert "no diff written" in result.stderr


def test_a_missing_profiles_path(run_cli: Run) -> None:
    result = run_cli("rules", "diff", _rules("base"), _rules("base"), "--profiles", "nowhere")
    assert result.returncode == 2
    assert "nowhere:1:1" in result.stderr
    assert "no such file or folder" in result.stderr


def test_output_file_and_dates(run_cli: Run, tmp_path: Path) -> None:
    output = tmp_path / "change-request.md"
    result = run_cli(
        "rules", "diff", _rules("base"), _rules("threshold"), "--profiles", PROFILES, *NATIVE,
        "--old-as-of", "2027-03-31", "--new-as-of", "2027-04-01", "-o", "markdown",
        "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == ""
    text = output.read_text(encoding="utf-8")
    assert "| as of | 2027-03-31 | 2027-04-01 |" in text


def test_a_bad_date_or_format_is_a_usage_error(run_cli: Run) -> None:
    bad_date = run_cli("rules", "diff", _rules("base"), _rules("base"), "--new-as-of", "April")
    assert bad_date.returncode == 2
    assert "'April' is not a date; write YYYY-MM-DD" in bad_date.stderr
    bad_format = run_cli("rules", "diff", _rules("base"), _rules("base"), "-o", "mardown")
    assert bad_format.returncode == 2
    assert "markdown" in bad_format.stderr


def test_the_reference_rules_against_themselves(run_cli: Run) -> None:
    result = run_cli(
        "rules", "diff", "rules", "rules", "--profiles", "profiles/examples", *NATIVE, "-o", "json"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["rules"], document["flips"]) == ([], [])
    assert document["profiles"] == len(list((ROOT / "profiles" / "examples").glob("*.yaml")))
