"""Malformed panel files and conflicts policies: every problem located, with what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imsa_eligibility.errors import PanelFileError, Problem
from imsa_eligibility.panel.members import load_panel, load_panel_text, load_policy
from imsa_eligibility.resources import rules_dir
from tests.conftest import ROOT, Run

HEAD = "schema_version: 1\npanel: Test panel\nmembers:\n"


def _problems(text: str) -> list[Problem]:
    with pytest.raises(PanelFileError) as caught:
        load_panel_text("panel.yaml", text.encode())
    return caught.value.problems


def test_the_shipped_example_reads() -> None:
    panel = load_panel(ROOT / "profiles" / "panel-example.yaml")
    assert panel.panel == "Wales IMSA accreditation panel"
    assert [m.id for m in panel.members] == ["m-ellis", "m-rees", "m-okafor", "m-patel"]
    assert panel.members[-1].interests == ()


def test_an_unknown_key_has_a_did_you_mean() -> None:
    text = HEAD + "  - id: m-one\n    name: One\n    interests:\n"
    text += "      - organisation: X\n        relaton: employee\n"
    (problem,) = _problems(text)
    assert (problem.line, problem.path) == (8, "members[0].interests[0].relaton")
    assert problem.message == "unknown field 'relaton'"
    assert "relation" in problem.hint


def test_an_unknown_top_level_key_has_a_did_you_mean() -> None:
    problems = _problems("schema_version: 1\npanel: P\nmembres: []\n")
    assert any("membres" in p.message and "members" in p.hint for p in problems)


def test_a_bad_relation_is_refused_with_a_suggestion() -> None:
    text = HEAD + "  - id: m-one\n    name: One\n    interests:\n"
    text += "      - organisation: X\n        relation: ex_employee\n"
    (problem,) = _problems(text)
    assert problem.line == 8
    assert "'ex_employee' is not an interest relation" in problem.message
    assert "employee" in problem.hint


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2024-02-30", "not a date on the calendar"),
        ("30/06/2024", "expected a date as YYYY-MM-DD"),
        ("soon", "expected a date as YYYY-MM-DD"),
    ],
)
def test_a_bad_date_is_refused(until: str, message: str) -> None:
    text = HEAD + "  - id: m-one\n    name: One\n    interests:\n"
    text += f"      - organisation: X\n        relation: employee\n        until: {until}\n"
    (problem,) = _problems(text)
    assert problem.line == 9
    assert message in problem.message
    assert "YYYY-MM-DD" in problem.hint


def test_an_interest_names_an_organisation_or_a_person() -> None:
    text = HEAD + "  - id: m-one\n    name: One\n    interests:\n"
    text += "      - relation: employee\n"
    (problem,) = _problems(text)
    assert "an organisation or a person" in problem.message
    both = HEAD + "  - id: m-one\n    name: One\n    interests:\n"
    both += "      - {organisation: X, person: Y, relation: employee}\n"
    assert any("not both" in p.message for p in _problems(both))


def test_missing_fields_and_duplicate_members_are_reported_together() -> None:
    text = HEAD + "  - id: m-one\n    interests: []\n  - id: m-two\n    name: Two\n"
    text += "    interests: []\n  - id: m-two\n    name: Again\n    interests: []\n"
    problems = _problems(text)
    assert [p.line for p in problems] == [4, 9]
    assert "required field 'name' is missing" in problems[0].message
    assert "a second member with id 'm-two'" in problems[1].message


def test_a_wrong_schema_version_and_a_list_are_refused() -> None:
    assert (
        "unsupported schema_version"
        in _problems("schema_version: 2\npanel: P\nmembers: []\n")[0].message
    )
    assert "mapping" in _problems("- a\n- b\n")[0].message


def test_the_shipped_policy_reads() -> None:
    policy = load_policy(rules_dir() / "panel" / "conflicts.yaml")
    assert policy.cooling_off_years == 2
    assert len(policy.recuse) == 2


def _rules_with_policy(tmp_path: Path, policy: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    (rules / "panel" / "conflicts.yaml").write_text(policy, encoding="utf-8")
    return rules


def test_rules_lint_checks_the_conflicts_policy(tmp_path: Path, run_cli: Run) -> None:
    bad = (
        "schema_version: 1\ncooling_off_years: 2\npossible_match_score: 90\nrecuse:\n"
        "  - relations: [employe]\n    matches: [applicant]\n"
    )
    rules = _rules_with_policy(tmp_path, bad)
    result = run_cli("rules", "lint", "--rules", str(rules))
    assert result.returncode == 2
    assert "conflicts.yaml:5" in result.stderr
    assert "employee" in result.stderr


def test_a_policy_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    rules = _rules_with_policy(
        tmp_path, "schema_version: 1\ncooling_off_year: 2\npossible_match_score: 90\nrecuse: []\n"
    )
    with pytest.raises(PanelFileError) as caught:
        load_policy(rules / "panel" / "conflicts.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 2 and "cooling_off_years" in problem.hint
