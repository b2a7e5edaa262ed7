"""Deciding with what is worked out once per rule set: the same decisions, never mixed.

:func:`~imsa_eligibility.decision.decide_nations` plans once per rule set, nations and date
(which variants apply, what their findings say before any profile), makes one finding for
the variants of a rule that read the same, and locates each fact once. Its decisions must
be those of the plain way, written out here: every variant's finding made from scratch.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from imsa_eligibility.decision import EvidenceItem, Finding, NationDecision, decide_nations
from imsa_eligibility.decision.decide import applicable
from imsa_eligibility.decision.outcome import nation_decision
from imsa_eligibility.engine import engine_for
from imsa_eligibility.engine.evidence import Evidence
from imsa_eligibility.engine.facts import FactBase, facts_from_profile
from imsa_eligibility.engine.interface import ExplainingEngine
from imsa_eligibility.profile import load_profile
from imsa_eligibility.profile.model import Profile
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from imsa_eligibility.rules.templating import fill_missing
from imsa_eligibility.source import format_path
from imsa_eligibility.vocabulary import Effect, Nation, Verdict
from tests.conftest import EXAMPLES, ROOT
from tests.strategies import profile_documents

AS_OF = dt.date(2026, 11, 28)
RULES = load_ruleset()
ENGINE = engine_for("native", RULES)


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    return value


def _item(facts: FactBase, file: str, e: Evidence) -> EvidenceItem:
    anchor = (
        ("related_organisations",) if e.path[:1] in (("derived",), ("control_chain",)) else e.path
    )
    return EvidenceItem(
        format_path(e.path), _plain_value(e.value), file, facts.line(anchor),
        e.chain, e.missing, e.at_least, e.checked, e.omitted,
    )  # fmt: skip


def plainly(
    facts: FactBase, file: str, ruleset: RuleSet, nations: list[Nation], engine: ExplainingEngine
) -> tuple[NationDecision, ...]:
    """Each nation's decision, every finding made on its own (the plain way)."""
    chosen = applicable(ruleset, nations, AS_OF)
    explained = engine.explain(facts, [v.key for vs in chosen.values() for v in vs])
    results = []
    for nation, variants in chosen.items():
        findings = []
        for v in variants:
            found = explained[v.key]
            missing = [m for e in found.evidence for m in e.missing]

            def text(template: str, missing: list[str] = missing) -> str:
                return fill_missing(template, missing, ruleset.label)

            findings.append(
                Finding(
                    rule=v.rule.id, title=text(v.title), section=v.rule.section,
                    effect=Effect(v.effect), verdict=Verdict(found.verdict),
                    waivable=v.waivable, because=text(v.because), remedy=text(v.remedy),
                    source=text(v.source),
                    evidence=tuple(_item(facts, file, e) for e in found.evidence),
                    to_provide=tuple(format_path(p) for p in found.unknown),
                )
            )  # fmt: skip
        results.append(nation_decision(nation, findings))
    return tuple(results)


def _check(facts: FactBase, nations: list[Nation]) -> None:
    got = decide_nations(facts, "p.yaml", RULES, nations, AS_OF, ENGINE)
    assert got == plainly(facts, "p.yaml", RULES, nations, ENGINE)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_examples_are_decided_as_the_plain_way_decides_them(path: Path) -> None:
    loaded = load_profile(path)
    facts = facts_from_profile(loaded.profile, loaded.document)
    _check(facts, list(Nation))
    _check(facts, [Nation.SCOTLAND, Nation.ENGLAND])


@settings(max_examples=60, deadline=None)
@given(profile_documents())
def test_any_profile_is_decided_as_the_plain_way_decides_it(doc: dict[str, Any]) -> None:
    facts = facts_from_profile(Profile.model_validate(doc))
    _check(facts, list(Nation))
    _check(facts, [Nation(n) for n in doc["organisation"]["nations"]])


def test_variants_that_read_the_same_share_one_finding() -> None:
    loaded = load_profile(EXAMPLES / "survivor-charity-eligible.yaml")
    facts = facts_from_profile(loaded.profile, loaded.document)
    england, wales, *_ = decide_nations(facts, "p.yaml", RULES, list(Nation), AS_OF, ENGINE)
    assert any(f is g for f in england.findings for g in wales.findings)


def test_two_rule_sets_in_turn_each_give_their_own_findings(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    independence = rules / "10-section-4-independence.yaml"
    text = independence.read_text(encoding="utf-8")
    independence.write_text(
        text.replace("title: Law enforcement or prosecution body", "title: Renamed", 1),
        encoding="utf-8",
    )
    renamed = load_ruleset(rules)
    other = engine_for("native", renamed)
    loaded = load_profile(EXAMPLES / "survivor-charity-eligible.yaml")
    facts = facts_from_profile(loaded.profile, loaded.document)

    def title(ruleset: RuleSet, engine: ExplainingEngine) -> str:
        nations = decide_nations(facts, "p.yaml", ruleset, [Nation.ENGLAND], AS_OF, engine)
        return next(f.title for f in nations[0].findings if f.rule == "IND-001")

    assert title(RULES, ENGINE) == "Law enforcement or prosecution body"
    assert title(renamed, other) == "Renamed"
    assert title(RULES, ENGINE) == "Law enforcement or prosecution body"
