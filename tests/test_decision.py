"""Outcome precedence, effective dates and per-nation overrides in decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from imsa_eligibility.decision import Finding, evaluate, nation_outcome, reassess
from imsa_eligibility.engine import engine_for
from imsa_eligibility.profile import load_profile
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Effect, Nation, Outcome, Verdict
from tests.conftest import EXAMPLES, ROOT


def _finding(effect: str, verdict: str) -> Finding:
    return Finding(
        rule="X-001",
        title="t",
        section=4,
        effect=Effect(effect),
        verdict=Verdict(verdict),
        waivable=False,
        because="b",
        remedy="r",
        source="s",
        evidence=(),
    )


@pytest.mark.parametrize(
    ("findings", "outcome"),
    [
        ([], "eligible"),
        ([("advise", "triggered"), ("advise", "unknown")], "eligible"),
        ([("condition", "triggered")], "eligible_with_conditions"),
        ([("condition", "triggered"), ("refer", "triggered")], "refer_to_panel"),
        ([("refer", "triggered"), ("condition", "unknown")], "incomplete"),
        ([("exclude", "unknown"), ("refer", "triggered")], "incomplete"),
        ([("exclude", "triggered"), ("exclude", "unknown")], "ineligible"),
        ([("exclude", "clear"), ("refer", "clear"), ("condition", "clear")], "eligible"),
    ],
)
def test_outcome_precedence(findings: list[tuple[str, str]], outcome: str) -> None:
    assert nation_outcome([_finding(e, v) for e, v in findings]) == outcome


def test_rules_apply_only_within_their_effective_dates(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "60-dated.yaml").write_text(
        "kind: rules\nrules:\n  - id: TST-001\n    title: Dated\n    section: 1\n"
        "    effect: exclude\n    waivable: false\n    effective_from: 2027-01-01\n"
        "    effective_to: 2027-12-31\n"
        "    when: {fact: organisation.functions, has: advocacy}\n"
        "    because: b\n    remedy: r\n    source: policy choice\n",
        encoding="utf-8",
    )
    ruleset = load_ruleset(rules)
    loaded = load_profile(EXAMPLES / "survivor-charity-eligible.yaml")

    def outcome_on(day: dt.date) -> tuple[str, bool]:
        decision = evaluate(loaded, ruleset, as_of=day, engine=engine_for("native", ruleset))
        rules_seen = {f.rule for n in decision.nations for f in n.findings}
        return decision.outcome, "TST-001" in rules_seen

    assert outcome_on(dt.date(2026, 12, 31)) == ("eligible", False)
    assert outcome_on(dt.date(2027, 1, 1)) == ("ineligible", True)
    assert outcome_on(dt.date(2027, 12, 31)) == ("ineligible", True)
    assert outcome_on(dt.date(2028, 1, 1)) == ("eligible", False)


def test_scotland_override_makes_a_council_ineligible_and_waivable() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    decision = evaluate(
        load_profile(EXAMPLES / "cross-border-council-scotland-england.yaml"),
        ruleset,
        as_of=dt.date(2026, 11, 28),
        engine=engine_for("native", ruleset),
    )
    by_nation = {n.nation: n for n in decision.nations}
    ind004 = {n: next(f for f in d.findings if f.rule == "IND-004") for n, d in by_nation.items()}
    assert (ind004[Nation.ENGLAND].effect, ind004[Nation.ENGLAND].verdict) == ("refer", "triggered")
    assert (ind004[Nation.SCOTLAND].effect, ind004[Nation.SCOTLAND].waivable) == ("exclude", True)
    assert by_nation[Nation.SCOTLAND].outcome == "ineligible"
    assert not any(f.waived for n in decision.nations for f in n.findings)


def test_per_nation_parameters_reach_the_texts() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    england = ruleset.variant("ROL-001", "england")
    scotland = ruleset.variant("ROL-001", "scotland")
    assert england is not None and scotland is not None
    assert "Independent Child Trafficking Guardians" in england.remedy
    assert "Scottish Guardianship Service" in scotland.remedy
    assert "{" not in england.remedy + scotland.remedy


def test_reassess_derives_outcomes_again_from_waived_findings() -> None:
    """A waived exclude no longer counts: the outcome follows without deciding again."""
    ruleset = load_ruleset(ROOT / "rules")
    decision = evaluate(
        load_profile(EXAMPLES / "cross-border-council-scotland-england.yaml"),
        ruleset,
        as_of=dt.date(2026, 11, 28),
        engine=engine_for("native", ruleset),
    )
    assert reassess(decision) == decision
    nations = tuple(
        dataclasses.replace(
            n,
            findings=tuple(
                dataclasses.replace(f, waived=True)
                if f.rule == "IND-004" and n.nation == "scotland"
                else f
                for f in n.findings
            ),
        )
        for n in decision.nations
    )
    waived = reassess(dataclasses.replace(decision, nations=nations))
    by_nation = {n.nation: n.outcome for n in waived.nations}
    assert by_nation[Nation.SCOTLAND] is not Outcome.INELIGIBLE
    assert (
        by_nation[Nation.ENGLAND] == {n.nation: n.outcome for n in decision.nations}[Nation.ENGLAND]
    )
    assert waived.outcome == Outcome.most_severe(list(by_nation.values()))
