"""Deciding a profile: every applicable rule's verdict per nation, with located evidence.

:func:`evaluate` is pure and deterministic: the same profile, rule set, nations, date and
engine give the same :class:`~.model.Decision`. It depends only on the engine interface:
the engine decides (and, for durable_rules, has its verdicts checked) and explains each
verdict; this module locates the evidence in the profile and applies the rules' texts.
:func:`decide_nations` decides facts that need not come from a file, so a caller can
re-decide a changed profile with an engine it has already prepared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .. import __version__
from ..engine.evidence import Evidence, Explanation
from ..engine.facts import FactBase, facts_from_profile
from ..engine.interface import ExplainingEngine
from ..profile.load import LoadedProfile
from ..profile.notes import template_notes
from ..rules.model import RuleSet, Variant
from ..rules.templating import fill_missing
from ..source import format_path
from ..vocabulary import Effect, Nation, Outcome, Verdict
from .model import Decision, EvidenceItem, Finding, NationDecision
from .outcome import nation_decision


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _item(facts: FactBase, file: str, evidence: Evidence) -> EvidenceItem:
    path = evidence.path
    anchor = (
        ("related_organisations",) if path and path[0] in ("derived", "control_chain") else path
    )
    return EvidenceItem(
        format_path(path),
        _json_value(evidence.value),
        file,
        facts.line(anchor),
        evidence.chain,
        evidence.missing,
        evidence.at_least,
        evidence.checked,
        evidence.omitted,
    )


def _finding(
    variant: Variant,
    explained: Explanation,
    evidence: tuple[EvidenceItem, ...],
    ruleset: RuleSet,
) -> Finding:
    missing = [m for e in explained.evidence for m in e.missing]

    def text(template: str) -> str:
        return fill_missing(template, missing, ruleset.label)

    return Finding(
        rule=variant.rule.id,
        title=text(variant.title),
        section=variant.rule.section,
        effect=Effect(variant.effect),
        verdict=Verdict(explained.verdict),
        waivable=variant.waivable,
        because=text(variant.because),
        remedy=text(variant.remedy),
        source=text(variant.source),
        evidence=evidence,
        to_provide=tuple(format_path(p) for p in explained.unknown),
    )


def applicable(
    ruleset: RuleSet, nations: Sequence[Nation], as_of: dt.date
) -> dict[Nation, list[Variant]]:
    """The variants that apply to each nation on ``as_of``, in rule-set order."""
    return {
        nation: [
            variant
            for rule in ruleset.rules
            if rule.applies(nation, as_of)
            and (variant := ruleset.variant(rule.id, nation)) is not None
        ]
        for nation in nations
    }


def decide_nations(
    facts: FactBase,
    file: str,
    ruleset: RuleSet,
    nations: Sequence[Nation],
    as_of: dt.date,
    engine: ExplainingEngine,
) -> tuple[NationDecision, ...]:
    """Each nation's decision on ``facts`` (the profile read from ``file``)."""
    chosen = applicable(ruleset, nations, as_of)
    keys = [variant.key for variants in chosen.values() for variant in variants]
    explained = engine.explain(facts, keys)
    located: dict[int, tuple[EvidenceItem, ...]] = {}  # explanations are shared by nations
    results = []
    for nation, variants in chosen.items():
        findings = []
        for variant in variants:
            found = explained[variant.key]
            evidence = located.get(id(found))
            if evidence is None:
                evidence = tuple(_item(facts, file, e) for e in found.evidence)
                located[id(found)] = evidence
            findings.append(_finding(variant, found, evidence, ruleset))
        results.append(nation_decision(nation, findings))
    return tuple(results)


def evaluate(
    loaded: LoadedProfile,
    ruleset: RuleSet,
    *,
    nations: Sequence[str] | None = None,
    as_of: dt.date,
    engine: ExplainingEngine,
) -> Decision:
    """Decide ``loaded`` against ``ruleset`` for ``nations`` (default: the profile's own).

    ``engine`` must have been prepared with a target for every variant of this rule set
    (see :func:`imsa_eligibility.engine.engine_for`).
    """
    profile = loaded.profile
    facts = facts_from_profile(profile, loaded.document)
    declared = {Nation(n) for n in profile.organisation.nations}
    wanted = {Nation(n) for n in nations} if nations is not None else declared
    ordered = [n for n in Nation if n in wanted]
    results = decide_nations(facts, loaded.file, ruleset, ordered, as_of, engine)
    notes = tuple(
        f"{n} is not among the nations the profile names" for n in ordered if n not in declared
    ) + tuple(template_notes(loaded))
    return Decision(
        file=loaded.file,
        organisation_id=profile.organisation.id,
        organisation_name=profile.organisation.name,
        outcome=Outcome.most_severe([r.outcome for r in results]),
        nations=results,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256,
        profile_sha256=loaded.sha256,
        tool_version=__version__,
        as_of=as_of,
        engine=engine.name,
        verified_by=engine.verified_by,
        notes=notes,
    )
