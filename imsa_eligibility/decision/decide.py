"""Deciding a profile: every applicable rule's verdict per nation, with located evidence.

:func:`evaluate` is pure and deterministic: the same profile, rule set, nations, date and
engine give the same :class:`~.model.Decision`. It depends only on the engine interface:
the engine decides (and, for durable_rules, has its verdicts checked) and explains each
verdict; this module locates the evidence in the profile and applies the rules' texts.
What depends only on the rule set, the nations and the date (which variants apply, what
their findings say before any profile) is worked out once and remembered, so a batch does
none of it per profile; variants of a rule that read the same share one finding.
:func:`decide_nations` decides facts that need not come from a file, so a caller can
re-decide a changed profile with an engine it has already prepared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..engine.evidence import Evidence, Explanation
from ..engine.facts import FactBase, facts_from_profile
from ..engine.interface import ExplainingEngine
from ..rules.model import RuleSet, Variant
from ..rules.templating import fill_missing
from ..source import format_path
from ..vocabulary import Effect, Nation, Outcome, Verdict
from .model import Decision, EvidenceItem, Finding, NationDecision
from .outcome import nation_decision

if TYPE_CHECKING:  # pydantic's models load with the first profile, not with this module
    from ..profile.load import LoadedProfile


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, list | tuple):
        return [v if type(v) is str else _json_value(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


class _Locator:
    """Evidence located in one profile: the same fact in several verdicts is one item."""

    def __init__(self, facts: FactBase, file: str) -> None:
        self.facts = facts
        self.file = file
        self._items: dict[tuple[Any, ...], EvidenceItem] = {}

    def item(self, evidence: Evidence) -> EvidenceItem:
        """One piece of evidence, located.

        A value is known by its identity: the explanations hold every value while the
        profile is decided, so an identity is never another value's.
        """
        e = evidence
        key = (e.path, id(e.value), e.chain, e.missing, e.at_least, e.checked, e.omitted)
        known = self._items.get(key)
        if known is None:
            derived = bool(e.path) and e.path[0] in ("derived", "control_chain")
            line = self.facts.line(("related_organisations",) if derived else e.path)
            value = _json_value(e.value)
            known = EvidenceItem(
                format_path(e.path),
                value,
                self.file,
                line,
                e.chain,
                e.missing,
                e.at_least,
                e.checked,
                e.omitted,
            )
            self._items[key] = known
        return known

    def located(self, explained: Explanation) -> tuple[tuple[EvidenceItem, ...], tuple[str, ...]]:
        """An explanation's evidence, located, and the facts it lacks."""
        evidence = tuple(self.item(e) for e in explained.evidence)
        return evidence, tuple(format_path(p) for p in explained.unknown)


@dataclass(frozen=True)
class _Shape:
    """What a variant's findings take from the rule set: the same for every profile.

    Variants with the same ``group`` (a rule whose texts are the same in several nations)
    give equal findings for the same explanation, so one finding serves them all.
    """

    key: str  # the engine's target
    rule: str
    section: int
    effect: Effect
    waivable: bool
    texts: tuple[str, str, str, str]  # title, because, remedy, source
    fills: bool  # whether a text names {missing}, filled with what the evidence lacks
    group: int


@dataclass(frozen=True)
class _Plan:
    """What deciding for some nations on a date needs from a rule set, worked out once."""

    nations: tuple[tuple[Nation, tuple[_Shape, ...]], ...]
    keys: tuple[str, ...]


def _shapes(chosen: dict[Nation, list[Variant]]) -> dict[Nation, tuple[_Shape, ...]]:
    groups: dict[tuple[Any, ...], int] = {}
    shapes = {}
    for nation, variants in chosen.items():
        listed = []
        for variant in variants:
            rule = variant.rule
            static = (rule.id, rule.section, Effect(variant.effect), variant.waivable)
            texts = (variant.title, variant.because, variant.remedy, variant.source)
            fills = any("{missing}" in text for text in texts)
            group = groups.setdefault((*static, texts), len(groups))
            listed.append(_Shape(variant.key, *static, texts, fills, group))
        shapes[nation] = tuple(listed)
    return shapes


def _make_plan(ruleset: RuleSet, nations: Sequence[Nation], as_of: dt.date) -> _Plan:
    shapes = _shapes(applicable(ruleset, nations, as_of))
    keys = tuple(shape.key for listed in shapes.values() for shape in listed)
    return _Plan(tuple(shapes.items()), keys)


#: Plans made lately, by rule set (identity), nations and date: a batch uses one or a few.
_PLANS: dict[tuple[int, tuple[Nation, ...], dt.date], tuple[RuleSet, _Plan]] = {}
_PLANS_KEPT = 32


def _plan(ruleset: RuleSet, nations: Sequence[Nation], as_of: dt.date) -> _Plan:
    """The plan for ``ruleset``, ``nations`` and ``as_of``: made once, then remembered."""
    key = (id(ruleset), tuple(nations), as_of)
    known = _PLANS.get(key)
    if known is None or known[0] is not ruleset:  # the rule set is kept, so its id is its own
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        known = _PLANS[key] = (ruleset, _make_plan(ruleset, nations, as_of))
    return known[1]


def _finding(
    shape: _Shape,
    explained: Explanation,
    located: tuple[tuple[EvidenceItem, ...], tuple[str, ...]],
    ruleset: RuleSet,
) -> Finding:
    title, because, remedy, source = texts = shape.texts
    if shape.fills:
        missing = [m for e in explained.evidence for m in e.missing]
        title, because, remedy, source = (fill_missing(t, missing, ruleset.label) for t in texts)
    evidence, to_provide = located
    return Finding(
        rule=shape.rule,
        title=title,
        section=shape.section,
        effect=shape.effect,
        verdict=Verdict(explained.verdict),
        waivable=shape.waivable,
        because=because,
        remedy=remedy,
        source=source,
        evidence=evidence,
        to_provide=to_provide,
    )


def applicable(
    ruleset: RuleSet, nations: Sequence[Nation], as_of: dt.date
) -> dict[Nation, list[Variant]]:
    """The variants that apply to each nation on ``as_of``, in rule-set order, with the
    values in force that day."""
    ruleset = ruleset.in_force(as_of)
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
    """Each nation's decision on ``facts`` (the profile read from ``file``), with the
    values of dated parameters and lists in force on ``as_of`` (``engine`` is prepared for
    every period: :func:`imsa_eligibility.engine.engine_for`)."""
    ruleset = ruleset.in_force(as_of)
    plan = _plan(ruleset, nations, as_of)
    explained = engine.explain(facts, plan.keys)
    # Explanations are shared by targets with one condition, and findings by variants
    # with one shape: each is located (and made) once.
    locator = _Locator(facts, file)
    located: dict[int, tuple[tuple[EvidenceItem, ...], tuple[str, ...]]] = {}
    made: dict[tuple[int, int], Finding] = {}
    results = []
    for nation, shapes in plan.nations:
        findings = []
        for shape in shapes:
            found = explained[shape.key]
            finding = made.get((shape.group, id(found)))
            if finding is None:
                where = located.get(id(found))
                if where is None:
                    where = located[id(found)] = locator.located(found)
                finding = made[shape.group, id(found)] = _finding(shape, found, where, ruleset)
            findings.append(finding)
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
    ) + tuple(_template_notes(loaded))
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


def _template_notes(loaded: LoadedProfile) -> list[str]:
    from ..profile.notes import template_notes

    return list(template_notes(loaded))
