"""``panel conflicts`` end to end: the shipped example, formats, exit codes, a golden JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema

from imsa_eligibility.schemas import SCHEMAS
from tests.conftest import ROOT, Run

AS_OF = ("--as-of", "2026-11-28")
PANEL = "profiles/panel-example.yaml"
GOLDEN = ROOT / "tests" / "golden" / "conflicts" / "examples.json"


def _panel(tmp_path: Path, interests: str) -> str:
    path = tmp_path / "panel.yaml"
    path.write_text(
        "schema_version: 1\npanel: Test panel\nmembers:\n  - id: m-one\n    name: One\n"
        f"    interests: {interests}\n",
        encoding="utf-8",
    )
    return str(path)


def test_the_example_panel_finds_recusals_in_the_examples(run_cli: Run) -> None:
    result = run_cli("panel", "conflicts", "--panel", PANEL, "profiles/examples", *AS_OF)
    assert result.returncode == 4, result.stderr
    assert "RECUSE Dr Sam Ellis (m-ellis): a former employee of Northshire Police" in result.stdout
    assert "DECLARE" in result.stdout
    assert "recusal(s)" in result.stderr


def test_the_json_matches_the_golden_file(run_cli: Run, update_goldens: bool) -> None:
    result = run_cli(
        "panel", "conflicts", "--panel", PANEL, "profiles/examples", *AS_OF, "-o", "json"
    )
    assert result.returncode == 4, result.stderr
    body = json.loads(result.stdout)
    assert body["schema"] == "imsa-eligibility/conflicts/v1"
    assert body["errors"] == []
    first = body["conflicts"][0]
    assert set(first) >= {"member", "organisation", "file", "action", "interest", "matched"}
    assert set(first["interest"]) >= {"line", "relation"}
    assert set(first["matched"]) >= {"path", "line", "name", "kind"}
    if update_goldens:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8"), (
        "tests/golden/conflicts/examples.json differs; run pytest --update-goldens and review"
    )


def test_csv_has_a_row_per_conflict(run_cli: Run) -> None:
    result = run_cli(
        "panel", "conflicts", "--panel", PANEL, "profiles/examples", *AS_OF, "-o", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["action"] for r in rows} == {"recuse", "declare"}


def test_no_conflict_exits_0(tmp_path: Path, run_cli: Run) -> None:
    panel = _panel(tmp_path, "[]")
    result = run_cli("panel", "conflicts", "--panel", panel, "profiles/examples", *AS_OF)
    assert result.returncode == 0, result.stderr
    assert "no conflicts" in result.stdout


def test_declarations_only_exit_3(tmp_path: Path, run_cli: Run) -> None:
    panel = _panel(tmp_path, "[{organisation: The Anchor Trust Fund, relation: volunteer}]")
    result = run_cli(
        "panel", "conflicts", "--panel", panel, "profiles/examples/cio-with-pcc-grant.yaml"
    )
    assert result.returncode == 3, result.stderr


def test_a_malformed_panel_file_exits_2_deciding_nothing(tmp_path: Path, run_cli: Run) -> None:
    panel = _panel(tmp_path, "[{organisation: X, relation: famly_member}]")
    result = run_cli("panel", "conflicts", "--panel", panel, "profiles/examples")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "panel.yaml:6" in result.stderr and "family_member" in result.stderr


def test_an_invalid_profile_is_reported_and_exits_2(tmp_path: Path, run_cli: Run) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\n", encoding="utf-8")
    result = run_cli("panel", "conflicts", "--panel", PANEL, str(bad), "-o", "json", *AS_OF)
    assert result.returncode == 2
    assert json.loads(result.stdout)["errors"]


def test_the_example_follows_the_published_schema() -> None:
    import yaml

    data = yaml.safe_load((ROOT / PANEL).read_text(encoding="utf-8"))
    for member in data["members"]:
        for interest in member["interests"]:
            if "until" in interest:
                interest["until"] = str(interest["until"])
    jsonschema.validate(data, SCHEMAS["panel"].build())


def test_a_members_file_in_a_folder_is_skipped_not_read_as_a_profile(run_cli: Run) -> None:
    result = run_cli("validate", "profiles")
    assert "profiles/panel-example.yaml: a panel's members file, not a profile" in result.stderr
    assert "panel-example" not in result.stdout


def test_the_recusal_sentence_names_the_path_and_relations(tmp_path: Path, run_cli: Run) -> None:
    panel = _panel(tmp_path, "[{organisation: Office of the Glanmor PCC, relation: funder}]")
    profile = "profiles/examples/charity-mostly-pcc-funded.yaml"
    result = run_cli("panel", "conflicts", "--panel", panel, profile, "-o", "json", *AS_OF)
    assert result.returncode == 0, result.stdout  # a different name: no match
    panel = _panel(tmp_path, "[{organisation: Glanmor Police, relation: former_employee}]")
    result = run_cli("panel", "conflicts", "--panel", panel, profile, "-o", "json", *AS_OF)
    assert result.returncode == 4
    (conflict,) = json.loads(result.stdout)["conflicts"]
    assert conflict["because"] == (
        "a former employee of Glanmor Police, which funds the applicant "
        "(related_organisations[1], funder, 10%)"
    )
    assert conflict["matched"] == {
        "path": "related_organisations[1]",
        "line": 27,
        "name": "Glanmor Police",
        "kind": "related_organisation",
    }
    assert conflict["interest"]["line"] == 6
