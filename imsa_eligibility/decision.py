"""Decisions: per-nation verdicts for every applicable rule, outcomes, evidence and gaps.

``evaluate`` is pure and deterministic: the same profile, rule set, nations, date and engine
give the same :class:`Decision`. The chosen engine decides each verdict; the native evaluator
supplies the evidence and must agree with it, or the evaluation fails (never a wrong report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import __version__
from .engine.evidence import Evidence, Outcome
from .engine.facts import FactBase, facts_from_profile
from .engine.interface import Engine
from .engine.native import Evaluator, NativeEngine
from .errors import EngineError
from .profile.enums import NATION_ORDER
from .profile.load import LoadedProfile
from .rules.model import RuleSet, Variant
from .source import format_path

OUTCOMES = ("ineligible", "incomplete", "refer_to_panel", "eligible_with_conditions", "eligible")
SEVERITY = {name: rank for rank, name in enumerate(OUTCOMES)}


@dataclass(frozen=True)
class EvidenceItem:
    """A fact a verdict rests on, located in the profile."""

    path: str
    value: Any
    file: str
    line: int | None
    chain: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    at_least: bool = False


@dataclass(frozen=True)
class Finding:
    """One applicable rule's verdict for one nation, with its reasons."""

    rule: str
    title: str
    section: int
    effect: str
    verdict: str
    waivable: bool
    because: str
    remedy: str
    source: str
    evidence: tuple[EvidenceItem, ...]
    to_provide: tuple[str, ...] = ()
    waived: bool = False

    @property
    def counts(self) -> bool:
        """Whether the finding can change the outcome (not advice, not waived)."""
        return self.effect != "advise" and not self.waived


@dataclass(frozen=True)
class NationDecision:
    """The outcome for one nation and every finding behind it."""

    nation: str
    outcome: str
    to_provide: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Decision:
    """The decision on one profile, with what is needed to replay it."""

    file: str
    organisation_id: str
    organisation_name: str
    outcome: str
    nations: tuple[NationDecision, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    profile_sha256: str
    tool_version: str
    as_of: dt.date
    engine: str
    notes: tuple[str, ...] = field(default=())


def nation_outcome(findings: Sequence[Finding]) -> str:
    """The outcome the findings lead to, by the precedence of DESIGN.md."""
    counting = [f for f in findings if f.counts]
    if any(f.effect == "exclude" and f.verdict == "triggered" for f in counting):
        return "ineligible"
    if any(f.verdict == "unknown" for f in counting):
        return "incomplete"
    if any(f.effect == "refer" and f.verdict == "triggered" for f in counting):
        return "refer_to_panel"
    if any(f.effect == "condition" and f.verdict == "triggered" for f in counting):
        return "eligible_with_conditions"
    return "eligible"


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
    )


def _text(template: str, ruleset: RuleSet, missing: Sequence[str]) -> str:
    """Fill ``{missing}`` (parameters were filled in when the rule set was loaded)."""
    if "{missing}" not in template:
        return template
    listed = ", ".join(ruleset.label(m) for m in missing) or "none at present"
    return template.replace("{missing}", listed)


def _finding(
    variant: Variant,
    outcome: Outcome,
    evidence: tuple[EvidenceItem, ...],
    ruleset: RuleSet,
) -> Finding:
    missing = [m for e in outcome.evidence for m in e.missing]
    return Finding(
        rule=variant.rule.id,
        title=_text(variant.title, ruleset, missing),
        section=variant.rule.section,
        effect=variant.effect,
        verdict=outcome.verdict,
        waivable=variant.waivable,
        because=_text(variant.because, ruleset, missing),
        remedy=_text(variant.remedy, ruleset, missing),
        source=_text(variant.source, ruleset, missing),
        evidence=evidence,
        to_provide=tuple(format_path(p) for p in outcome.unknown),
    )


def evaluate(
    loaded: LoadedProfile,
    ruleset: RuleSet,
    *,
    nations: Sequence[str] | None = None,
    as_of: dt.date,
    engine: Engine | None = None,
) -> Decision:
    """Decide ``loaded`` against ``ruleset`` for ``nations`` (default: the profile's own).

    ``engine`` must have been prepared with a ``Target`` for every variant of this rule
    set (see :func:`.engine.make_engine`); when None, the native evaluator decides alone.
    """
    profile = loaded.profile
    facts = facts_from_profile(profile, loaded.document)
    wanted = [str(n) for n in (nations if nations is not None else profile.organisation.nations)]
    ordered = [str(n) for n in NATION_ORDER if str(n) in wanted]
    applicable = {
        nation: [
            variant
            for rule in ruleset.rules
            if rule.applies(nation, as_of)
            and (variant := ruleset.variant(rule.id, nation)) is not None
        ]
        for nation in ordered
    }
    keys = [variant.key for variants in applicable.values() for variant in variants]
    # The native evaluator below decides every verdict with its evidence; another engine
    # decides them again on its own, and the two must agree.
    other = None if engine is None or isinstance(engine, NativeEngine) else engine
    verdicts = other.decide(facts, keys) if other is not None else None
    evaluator = Evaluator(facts)
    located: dict[int, tuple[EvidenceItem, ...]] = {}  # outcomes are shared across nations
    results = []
    for nation, variants in applicable.items():
        findings = []
        for variant in variants:
            outcome = evaluator.decide(variant.node)
            if (
                other is not None
                and verdicts is not None
                and (verdicts.get(variant.key) != outcome.verdict)
            ):
                raise EngineError(
                    f"the {other.name} engine decided "
                    f"{verdicts.get(variant.key)} for {variant.key} but the native evaluator "
                    f"decided {outcome.verdict}; no decision is reported"
                )
            evidence = located.get(id(outcome))
            if evidence is None:
                evidence = tuple(_item(facts, loaded.file, e) for e in outcome.evidence)
                located[id(outcome)] = evidence
            findings.append(_finding(variant, outcome, evidence, ruleset))
        to_provide = tuple(
            dict.fromkeys(
                p for f in findings if f.counts and f.verdict == "unknown" for p in f.to_provide
            )
        )
        results.append(
            NationDecision(nation, nation_outcome(findings), to_provide, tuple(findings))
        )
    overall = min((r.outcome for r in results), key=SEVERITY.__getitem__, default="eligible")
    declared = {str(n) for n in profile.organisation.nations}
    notes = tuple(
        f"{n} is not among the nations the profile names" for n in ordered if n not in declared
    )
    return Decision(
        file=loaded.file,
        organisation_id=profile.organisation.id,
        organisation_name=profile.organisation.name,
        outcome=overall,
        nations=tuple(results),
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256,
        profile_sha256=loaded.sha256,
        tool_version=__version__,
        as_of=as_of,
        engine=engine.name if engine is not None else "native",
        notes=notes,
    )
