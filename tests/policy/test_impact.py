"""``rules diff``, the library: rule changes nation by nation, and flips over a cohort.

The rule sets are under tests/data/diff/rules: ``base`` and copies of it with one edit each
(a threshold for Scotland, a list member, an effect for Scotland, a rule added and one
removed); the profiles under tests/data/diff/profiles are chosen so that each edit moves
one of them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from imsa_eligibility.policy.impact import (
    Diff,
    Flip,
    Impact,
    RuleChange,
    VerdictChange,
    diff_json,
    make_diff,
    rule_changes,
    uses,
)
from imsa_eligibility.policy.impact_schema import diff_schema
from imsa_eligibility.policy.impact_text import diff_markdown, diff_text
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from imsa_eligibility.vocabulary import Nation, Outcome, Verdict
from tests.conftest import DATA, ROOT

RULES = DATA / "diff" / "rules"
PROFILES = DATA / "diff" / "profiles"
DAY = dt.date(2026, 12, 1)
ALL = tuple(Nation)


def _rules(name: str) -> RuleSet:
    return load_ruleset(RULES / name)


def _diff(
    old: RuleSet, new: RuleSet, *, old_as_of: dt.date = DAY, new_as_of: dt.date = DAY
) -> Diff:
    impact = Impact(old, new, old_as_of=old_as_of, new_as_of=new_as_of, engine="native")
    flips: list[Flip] = []
    for path in sorted(PROFILES.glob("*.yaml")):
        flips += impact.flips(load_profile(path, display=str(path.relative_to(ROOT))))
    return make_diff(
        old, new, old_as_of=old_as_of, new_as_of=new_as_of, flips=flips, profiles=impact.decided
    )


def _copy(tmp_path: Path, name: str = "base") -> Path:
    folder = tmp_path / name
    shutil.copytree(RULES / "base", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_threshold_for_scotland_is_a_parameter_change_there_only() -> None:
    diff = _diff(_rules("base"), _rules("threshold"))
    assert diff.rules == (
        RuleChange(
            "TST-002",
            "Register of interests for a large organisation",
            "changed",
            (Nation.SCOTLAND,),
            ("parameters",),
            ("parameter large_income_gbp: 500,000 → 300,000",),
        ),
    )
    assert [f.to_json() for f in diff.flips] == [
        {
            "file": "tests/data/diff/profiles/scottish-mid-income.yaml",
            "organisation": {"id": "scottish-mid-income", "name": "Glen Mid-Income Trust"},
            "nation": "scotland",
            "before": "eligible",
            "after": "eligible_with_conditions",
            "rules": [{"rule": "TST-002", "before": "clear", "after": "triggered"}],
        }
    ]
    assert diff.profiles == 5


def test_a_list_member_added_changes_every_rule_and_nation_using_it() -> None:
    diff = _diff(_rules("base"), _rules("list-member"))
    assert [(c.rule, c.change, c.nations, c.fields) for c in diff.rules] == [
        ("TST-001", "changed", ALL, ("lists",))
    ]
    assert diff.rules[0].details == (
        "list law_enforcement_functions: added immigration_enforcement",
    )
    (flip,) = diff.flips
    assert (flip.organisation_id, flip.nation, flip.before, flip.after) == (
        "border-agency-unit",
        Nation.ENGLAND,
        Outcome.ELIGIBLE,
        Outcome.INELIGIBLE,
    )
    assert flip.rules == (VerdictChange("TST-001", Verdict.CLEAR, Verdict.TRIGGERED),)


def test_an_effect_changed_for_one_nation() -> None:
    diff = _diff(_rules("base"), _rules("effect-scotland"))
    assert [(c.rule, c.nations, c.fields, c.details) for c in diff.rules] == [
        ("TST-003", (Nation.SCOTLAND,), ("effect",), ("effect: refer → exclude",))
    ]
    (flip,) = diff.flips
    assert (flip.file, flip.nation, flip.before, flip.after, flip.rules) == (
        "tests/data/diff/profiles/no-whistleblowing.yaml",
        Nation.SCOTLAND,
        Outcome.REFER_TO_PANEL,
        Outcome.INELIGIBLE,
        (),  # the verdict is triggered under both: only the effect moved
    )


def test_a_rule_added_and_one_removed() -> None:
    diff = _diff(_rules("base"), _rules("added-removed"))
    assert [(c.rule, c.change, c.nations, c.fields) for c in diff.rules] == [
        ("TST-004", "removed", ALL, ()),
        ("TST-005", "added", ALL, ()),
    ]
    moved = [f for f in diff.flips if f.before != f.after]
    assert [(f.organisation_id, f.nation, f.after) for f in moved] == [
        ("english-charity", Nation.ENGLAND, Outcome.ELIGIBLE_WITH_CONDITIONS)
    ]
    assert moved[0].rules == (
        VerdictChange("TST-004", Verdict.TRIGGERED, None),
        VerdictChange("TST-005", None, Verdict.TRIGGERED),
    )
    # Every profile and nation has a verdict change (a rule stops or starts applying).
    assert len(diff.flips) == 9
    assert [f.key for f in diff.flips] == sorted(f.key for f in diff.flips)


def test_an_unchanged_rule_set_gives_no_change_and_no_flip(tmp_path: Path) -> None:
    base = _rules("base")
    assert _diff(base, base).rules == ()
    assert _diff(base, base).flips == ()
    copy = _copy(tmp_path)
    _edit(copy / "ruleset.yaml", "# A small rule set", "# An edited comment, a small rule set")
    other = load_ruleset(copy)
    assert other.sha256 != base.sha256
    diff = _diff(base, other)
    assert (diff.rules, diff.flips) == ((), ())


def test_a_parameter_change_is_never_reported_as_a_condition(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    _edit(copy / "ruleset.yaml", "      wales: 500000", "      wales: 400000")
    (change,) = rule_changes(_rules("base"), load_ruleset(copy), old_as_of=DAY, new_as_of=DAY)
    assert (change.rule, change.nations, change.fields) == (
        "TST-002",
        (Nation.WALES,),
        ("parameters",),
    )


def test_a_literal_turned_into_a_parameter_of_the_same_value_is_no_change(tmp_path: Path) -> None:
    old = _copy(tmp_path, "old")
    new = _copy(tmp_path, "new")
    _edit(old / "10-rules.yaml", "at_least: {param: large_income_gbp}", "at_least: 500000")
    _edit(new / "ruleset.yaml", "      scotland: 500000", "      scotland: 450000")
    (change,) = rule_changes(load_ruleset(old), load_ruleset(new), old_as_of=DAY, new_as_of=DAY)
    # England, Wales and Northern Ireland read the same; Scotland's threshold moved.
    assert change.nations == (Nation.SCOTLAND,)
    assert change.fields == ("condition", "parameters")


def test_texts_nations_and_dates(tmp_path: Path) -> None:
    new = _copy(tmp_path)
    rules = new / "10-rules.yaml"
    _edit(rules, "remedy: Adopt a whistleblowing policy.", "remedy: Adopt and publish one.")
    _edit(rules, "    effect: advise\n", "    effect: advise\n    nations: [england, wales]\n")
    _edit(rules, "    effect: exclude\n", "    effect: exclude\n    effective_from: 2027-01-01\n")
    found = rule_changes(_rules("base"), load_ruleset(new), old_as_of=DAY, new_as_of=DAY)
    assert [(c.rule, c.change, c.nations, c.fields) for c in found] == [
        ("TST-001", "removed", ALL, ("dates",)),  # not in force until 2027
        ("TST-003", "changed", ALL, ("texts",)),
        ("TST-004", "changed", (Nation.SCOTLAND, Nation.NORTHERN_IRELAND), ("nations",)),
    ]
    later = dt.date(2027, 1, 1)
    moved = rule_changes(_rules("base"), load_ruleset(new), old_as_of=DAY, new_as_of=later)
    assert (moved[0].rule, moved[0].fields) == ("TST-001", ("dates",))
    assert moved[0].change == "changed"  # in force on both days, with new dates


def test_one_rule_set_on_two_dates(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "10-rules.yaml",
        "    effect: refer\n",
        "    effect: refer\n    effective_to: 2027-03-31\n",
    )
    rules = load_ruleset(folder)
    diff = _diff(rules, rules, old_as_of=dt.date(2027, 3, 31), new_as_of=dt.date(2027, 4, 1))
    assert [(c.rule, c.change, c.fields) for c in diff.rules] == [
        ("TST-003", "removed", ("dates",))
    ]
    assert {(f.organisation_id, f.nation, f.before, f.after) for f in diff.flips} >= {
        ("no-whistleblowing", Nation.ENGLAND, Outcome.REFER_TO_PANEL, Outcome.ELIGIBLE)
    }
    assert diff_json(diff)["old"]["as_of"] == "2027-03-31"


def test_dated_values_compared_on_two_dates(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "ruleset.yaml",
        "    values: [policing, prosecution]\n",
        "    values: [policing, prosecution]\n"
        "    changes:\n"
        "      - effective_from: 2027-04-01\n"
        "        values: [policing, prosecution, immigration_enforcement]\n",
    )
    _edit(
        folder / "ruleset.yaml",
        "      northern_ireland: 500000\n",
        "      northern_ireland: 500000\n"
        "    changes:\n"
        "      - effective_from: 2027-04-01\n"
        "        by_nation: {scotland: 300000}\n",
    )
    rules = load_ruleset(folder)
    if not rules.change_dates:
        pytest.skip("dated parameters and lists are not loaded by this tree yet")
    diff = _diff(rules, rules, old_as_of=dt.date(2027, 3, 31), new_as_of=dt.date(2027, 4, 1))
    assert [(c.rule, c.nations, c.fields) for c in diff.rules] == [
        ("TST-001", ALL, ("lists",)),
        ("TST-002", (Nation.SCOTLAND,), ("parameters",)),
    ]
    assert {(f.organisation_id, f.nation.value, f.after.value) for f in diff.flips} == {
        ("border-agency-unit", "england", "ineligible"),
        ("scottish-mid-income", "scotland", "eligible_with_conditions"),
    }
    same_day = _diff(rules, rules, old_as_of=dt.date(2027, 4, 1), new_as_of=dt.date(2027, 4, 2))
    assert (same_day.rules, same_day.flips) == ((), ())


def test_what_a_reference_rule_uses() -> None:
    reference = load_ruleset(ROOT / "rules")
    ind_008 = reference.rule("IND-008")
    assert ind_008 is not None
    used = uses(ind_008, reference.derived)
    assert "law_enforcement_income_share" in used.derived
    assert {"law_enforcement_functions", "oversight_functions"} <= used.lists


def test_a_list_used_through_a_derived_sum_reaches_its_rules(tmp_path: Path) -> None:
    new = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", new)
    _edit(
        new / "ruleset.yaml",
        "    values: [policing_oversight]",
        "    values: [policing_oversight, research]",
    )
    reference = load_ruleset(ROOT / "rules")
    found = rule_changes(reference, load_ruleset(new), old_as_of=DAY, new_as_of=DAY)
    changed = {c.rule for c in found}
    assert {"IND-008", "IND-009"} <= changed
    assert all(c.fields == ("lists",) for c in found)
    assert all(c.nations == ALL for c in found if c.rule in {"IND-008", "IND-009"})


def test_the_json_follows_its_schema_and_reports_are_deterministic() -> None:
    schema = diff_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for name in ("threshold", "list-member", "effect-scotland", "added-removed", "base"):
        diff = _diff(_rules("base"), _rules(name))
        document = diff_json(diff)
        validator.validate(document)
        again = _diff(_rules("base"), _rules(name))
        assert json.dumps(diff_json(again)) == json.dumps(document)
        assert diff_text(again) == diff_text(diff)
        assert diff_markdown(again) == diff_markdown(diff)


@pytest.mark.parametrize("name", ["threshold", "added-removed"])
def test_text_puts_rule_changes_first_and_groups_flips(name: str) -> None:
    text = diff_text(_diff(_rules("base"), _rules(name)))
    assert text.index("Rule changes:") < text.index("Decisions:")
    if name == "threshold":
        assert (
            "  1 applicant moves from eligible to eligible with conditions in Scotland because "
            "of TST-002 (clear → triggered)\n"
            "    tests/data/diff/profiles/scottish-mid-income.yaml — Glen Mid-Income Trust "
            "(scottish-mid-income)\n"
        ) in text
    else:
        assert "2 applicants stay eligible in England; verdicts change: " in text
