"""What a rule change does: the rules that differ between two rule sets, and the decisions
that move with them (``rules diff``).

Two parts, both pure and deterministic:

- :func:`rule_changes` compares two loaded rule sets rule by rule and nation by nation.
  Each rule set is first taken as it stands on its own date (:meth:`RuleSet.in_force`), so
  one rule set can also be compared with itself on two days. A rule is ``added`` when it
  is in the new set only, or is in both but applies in no nation on the old date and in
  some on the new; ``removed`` the other way round; ``changed`` when it differs in some
  nation. What differs is named among :data:`FIELDS`. The condition is compared as it
  reads once parameters and named lists are filled in, so an edit to a named list or a
  parameter is a change (``lists``, ``parameters``) to every rule and nation that uses
  it, and never a ``condition`` change; ``condition`` means the rule's ``when`` (or a
  derived sum it uses) was rewritten so that it reads differently.
- :class:`Impact` decides profiles under both rule sets, as ``check`` does, and gives the
  :class:`Flip` of every nation whose outcome or any verdict changed.

:func:`diff_json` is the ``imsa-eligibility/diff/v1`` document; :mod:`.impact_text`
renders the same diff for people (text) and for a change request (Markdown).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..rules.model import Derived, Rule, RuleSet, Variant
from ..rules.templating import PLACEHOLDER, TEXT_FIELDS, TEXT_PLACEHOLDERS
from ..vocabulary import Nation, Outcome, Verdict

if TYPE_CHECKING:  # pydantic's models load with the first profile, not with this module
    from ..engine.interface import ExplainingEngine
    from ..profile.load import LoadedProfile

SCHEMA = "imsa-eligibility/diff/v1"
#: The formats ``rules diff`` writes (the CLI offers exactly these).
FORMATS = ("text", "json", "markdown")
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CHANGES = (ADDED, REMOVED, CHANGED)
FIELDS = ("condition", "effect", "waivable", "parameters", "lists", "texts", "dates", "nations")
"""What can differ in a rule, in the order reports name them."""


# --- values, compared and shown -------------------------------------------------------------


def _canon(value: Any) -> Any:
    """``value`` in a form that compares as written: booleans apart from numbers, numbers
    exactly (``0.50`` is ``0.5``), mappings whatever their key order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
        return {"#number": format(number, "f")}
    if isinstance(value, Mapping):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    return str(value)


def _same(a: Any, b: Any) -> bool:
    return bool(_canon(a) == _canon(b))


def shown(value: Any) -> str:
    """A value as the text and Markdown reports show it (``0.5``, ``[a, b]``, ``none``)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)).normalize()
        return format(number, "f") if not isinstance(value, int) else f"{value:,}"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)).normalize()
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


# --- what a rule uses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Uses:
    """The named lists, parameters and derived sums a rule's condition and texts name."""

    lists: frozenset[str]
    parameters: frozenset[str]
    text_parameters: frozenset[str]
    derived: frozenset[str]


def _walk(value: Any, lists: set[str], params: set[str], derived: set[str]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "list" and isinstance(item, str):
                lists.add(item)
            elif key == "param" and isinstance(item, str):
                params.add(item)
            elif key == "derived" and isinstance(item, str):
                derived.add(item)
            else:
                _walk(item, lists, params, derived)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, lists, params, derived)


def _texts(rule: Rule, nation: str) -> dict[str, str]:
    """The rule's texts for ``nation`` as written (its override's where it has one)."""
    override = rule.overrides.get(nation)
    return {
        name: (getattr(override, name, None) if override else None) or getattr(rule, name)
        for name in TEXT_FIELDS
    }


def uses(rule: Rule, derived: Mapping[str, Derived]) -> Uses:
    """What ``rule`` names: from its raw ``when``, the derived sums that uses (and what
    they name in turn), and the placeholders of its texts, overrides included."""
    lists: set[str] = set()
    params: set[str] = set()
    sums: set[str] = set()
    _walk(rule.when, lists, params, sums)
    seen: set[str] = set()
    while pending := sums - seen:
        name = min(pending)
        seen.add(name)
        spec = derived.get(name)
        if spec is not None:
            _walk(spec.where, lists, params, sums)
    texts = [getattr(rule, name) for name in TEXT_FIELDS]
    for override in rule.overrides.values():
        texts += [t for t in (getattr(override, n) for n in TEXT_FIELDS) if t]
    text_params = {
        p for text in texts for p in PLACEHOLDER.findall(text) if p not in TEXT_PLACEHOLDERS
    }
    return Uses(frozenset(lists), frozenset(params), frozenset(text_params), frozenset(sums))


# --- rule changes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleChange:
    """One rule's change, for the nations where it is the same change.

    ``details`` say what changed in plain words (``effect: refer → exclude``), for the text
    and Markdown reports; the JSON names ``fields`` only.
    """

    rule: str
    title: str
    change: str
    nations: tuple[Nation, ...]
    fields: tuple[str, ...]
    details: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The change as the diff's JSON writes it."""
        return {
            "rule": self.rule,
            "change": self.change,
            "nations": [n.value for n in self.nations],
            "fields": list(self.fields),
        }


def _dates(rule: Rule) -> str:
    start, end = rule.effective_from, rule.effective_to
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "always"


@dataclass
class _Side:
    ruleset: RuleSet
    as_of: dt.date


def _nation_change(
    rule_id: str,
    nation: Nation,
    old: _Side,
    new: _Side,
) -> tuple[set[str], list[str]]:
    """The fields (and details) in which ``rule_id`` differs for ``nation``."""
    old_rule, new_rule = old.ruleset.rule(rule_id), new.ruleset.rule(rule_id)
    assert old_rule is not None and new_rule is not None
    before = old.ruleset.variant(rule_id, nation)
    after = new.ruleset.variant(rule_id, nation)
    fields: set[str] = set()
    details: list[str] = []
    if before is None or after is None:
        if before is None and after is None:
            return fields, details
        fields.add("nations")
        details.append(
            "now among the rule's nations"
            if before is None
            else "no longer among the rule's nations"
        )
        return fields, details
    if before.effect != after.effect:
        fields.add("effect")
        details.append(f"effect: {before.effect} → {after.effect}")
    if before.waivable != after.waivable:
        fields.add("waivable")
        details.append(f"waivable: {shown(before.waivable)} → {shown(after.waivable)}")
    old_uses = uses(old_rule, old.ruleset.derived)
    new_uses = uses(new_rule, new.ruleset.derived)
    _condition(old_rule, new_rule, before, after, old, new, old_uses, new_uses, fields, details)
    _text_change(old_rule, new_rule, before, after, old_uses, new_uses, fields, details)
    dates_before, dates_after = _dates(old_rule), _dates(new_rule)
    if dates_before != dates_after:
        fields.add("dates")
        details.append(f"in force: {dates_before} → {dates_after}")
    applies_before = old_rule.applies(nation, old.as_of)
    applies_after = new_rule.applies(nation, new.as_of)
    if applies_before != applies_after:
        fields.add("dates")
        details.append(
            f"in force on {new.as_of}, not on {old.as_of}"
            if applies_after
            else f"in force on {old.as_of}, not on {new.as_of}"
        )
    return fields, details


def _condition(
    old_rule: Rule,
    new_rule: Rule,
    before: Variant,
    after: Variant,
    old: _Side,
    new: _Side,
    old_uses: Uses,
    new_uses: Uses,
    fields: set[str],
    details: list[str],
) -> None:
    """Condition, list and parameter changes: only where the condition reads differently."""
    if before.node == after.node:
        return
    explained = False
    for name in sorted(old_uses.lists | new_uses.lists):
        was, now = old.ruleset.lists.get(name), new.ruleset.lists.get(name)
        was_values = set(was.values_on(old.as_of)) if was else set()
        now_values = set(now.values_on(new.as_of)) if now else set()
        if was is None or now is None or was_values != now_values:
            fields.add("lists")
            explained = True
            parts = []
            if added := sorted(now_values - was_values):
                parts.append(f"added {', '.join(added)}")
            if removed := sorted(was_values - now_values):
                parts.append(f"removed {', '.join(removed)}")
            if was is None or now is None:
                parts.append("new list" if was is None else "list removed")
            details.append(f"list {name}: {'; '.join(parts)}")
    for name in sorted(old_uses.parameters | new_uses.parameters):
        was_value, now_value = before.parameters.get(name), after.parameters.get(name)
        if not _same(was_value, now_value):
            fields.add("parameters")
            explained = True
            details.append(f"parameter {name}: {shown(was_value)} → {shown(now_value)}")
    rewritten = not _same(old_rule.when, new_rule.when) or any(
        not _same(_derived(old.ruleset, name), _derived(new.ruleset, name))
        for name in sorted(old_uses.derived | new_uses.derived)
    )
    if rewritten or not explained:
        fields.add("condition")
        if not _same(old_rule.when, new_rule.when):
            details.append(f"condition: {shown(old_rule.when)} → {shown(new_rule.when)}")
        for name in sorted(old_uses.derived | new_uses.derived):
            was_sum, now_sum = _derived(old.ruleset, name), _derived(new.ruleset, name)
            if not _same(was_sum, now_sum):
                details.append(f"derived sum {name}: {shown(was_sum)} → {shown(now_sum)}")


def _derived(ruleset: RuleSet, name: str) -> dict[str, Any] | None:
    spec = ruleset.derived.get(name)
    if spec is None:
        return None
    return {"sum": spec.sum, "over": spec.over, "where": spec.where}


def _text_change(
    old_rule: Rule,
    new_rule: Rule,
    before: Variant,
    after: Variant,
    old_uses: Uses,
    new_uses: Uses,
    fields: set[str],
    details: list[str],
) -> None:
    """Text changes: as written (``texts``); or as filled, through a parameter they name."""
    written_before = _texts(old_rule, before.nation)
    written_after = _texts(new_rule, after.nation)
    rewritten = [n for n in TEXT_FIELDS if written_before[n] != written_after[n]]
    if rewritten:
        fields.add("texts")
        details.append(f"texts rewritten: {', '.join(rewritten)}")
    filled_differ = any(getattr(before, n) != getattr(after, n) for n in TEXT_FIELDS)
    if not filled_differ:
        return
    named = sorted(old_uses.text_parameters | new_uses.text_parameters)
    moved = [
        name for name in named if not _same(before.parameters.get(name), after.parameters.get(name))
    ]
    for name in moved:
        if not any(d.startswith(f"parameter {name}:") for d in details):
            details.append(
                f"parameter {name}: {shown(before.parameters.get(name))} → "
                f"{shown(after.parameters.get(name))}"
            )
        fields.add("parameters")
    if not moved and not rewritten:  # the labels the texts show changed
        fields.add("texts")
        details.append("texts read differently (labels)")


def _applies_anywhere(rule: Rule | None, side: _Side) -> bool:
    return rule is not None and any(rule.applies(n, side.as_of) for n in rule.nations)


def rule_changes(
    old: RuleSet, new: RuleSet, *, old_as_of: dt.date, new_as_of: dt.date
) -> tuple[RuleChange, ...]:
    """Every rule that differs between ``old`` on ``old_as_of`` and ``new`` on
    ``new_as_of``, sorted by rule id, then by nation.

    A rule whose nations differ in different ways gives one change per way (``effect``
    in Scotland, ``texts`` in England and Wales), each with its nations.
    """
    before = _Side(old.in_force(old_as_of), old_as_of)
    after = _Side(new.in_force(new_as_of), new_as_of)
    ids = sorted({r.id for r in before.ruleset.rules} | {r.id for r in after.ruleset.rules})
    out: list[RuleChange] = []
    for rule_id in ids:
        old_rule = next((r for r in before.ruleset.rules if r.id == rule_id), None)
        new_rule = next((r for r in after.ruleset.rules if r.id == rule_id), None)
        if old_rule is None or new_rule is None:
            rule = new_rule or old_rule
            assert rule is not None
            side = after if new_rule is not None else before
            applying = tuple(n for n in rule.nations if rule.applies(n, side.as_of))
            out.append(
                RuleChange(
                    rule_id,
                    rule.title,
                    ADDED if new_rule is not None else REMOVED,
                    applying or rule.nations,
                    (),
                    () if applying else (f"not in force on {side.as_of} ({_dates(rule)})",),
                )
            )
            continue
        was, now = _applies_anywhere(old_rule, before), _applies_anywhere(new_rule, after)
        change = ADDED if now and not was else REMOVED if was and not now else CHANGED
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Nation]] = {}
        for nation in Nation:
            fields, details = _nation_change(rule_id, nation, before, after)
            if fields:
                key = (tuple(f for f in FIELDS if f in fields), tuple(details))
                groups.setdefault(key, []).append(nation)
        for (fields_, details_), nations in groups.items():
            out.append(
                RuleChange(rule_id, new_rule.title, change, tuple(nations), fields_, details_)
            )
    return tuple(sorted(out, key=lambda c: (c.rule, c.nations[0].rank if c.nations else 0)))


# --- flips over a cohort ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictChange:
    """A rule whose verdict differs; None where the rule does not apply."""

    rule: str
    before: Verdict | None
    after: Verdict | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "before": self.before.value if self.before else None,
            "after": self.after.value if self.after else None,
        }


@dataclass(frozen=True)
class Flip:
    """A profile and nation whose outcome, or a verdict, differs under the new rules."""

    file: str
    organisation_id: str
    organisation_name: str
    nation: Nation
    before: Outcome
    after: Outcome
    rules: tuple[VerdictChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "organisation": {"id": self.organisation_id, "name": self.organisation_name},
            "nation": self.nation.value,
            "before": self.before.value,
            "after": self.after.value,
            "rules": [r.to_json() for r in self.rules],
        }

    @property
    def key(self) -> tuple[str, int]:
        """Report order: by file, then nation."""
        return (self.file, self.nation.rank)


class Impact:
    """Decides profiles under an old and a new rule set, each on its own date.

    ``engine`` names the engine kind (``durable`` or ``native``); one engine is prepared
    per rule set and used for every profile. ``nations`` replaces each profile's own, as
    ``check --nation`` does. Raises
    :class:`~imsa_eligibility.errors.RuleFileError` when a rule set is too large for it.
    """

    def __init__(
        self,
        old: RuleSet,
        new: RuleSet,
        *,
        old_as_of: dt.date,
        new_as_of: dt.date,
        engine: str,
        nations: Sequence[str] | None = None,
    ) -> None:
        from ..engine import engine_for

        self.nations = tuple(nations) if nations is not None else None

        self.old = old.in_force(old_as_of)
        self.new = new.in_force(new_as_of)
        self.old_as_of, self.new_as_of = old_as_of, new_as_of
        self._old_engine: ExplainingEngine = engine_for(engine, self.old)
        self._new_engine: ExplainingEngine = (
            self._old_engine if self.new is self.old else engine_for(engine, self.new)
        )
        self.decided = 0

    def flips(self, loaded: LoadedProfile) -> list[Flip]:
        """The flips of one profile, in nation order, decided for its own nations (or for
        ``nations``, when given)."""
        from ..decision import evaluate

        nations = self.nations
        before = evaluate(
            loaded, self.old, nations=nations, as_of=self.old_as_of, engine=self._old_engine
        )
        after = evaluate(
            loaded, self.new, nations=nations, as_of=self.new_as_of, engine=self._new_engine
        )
        self.decided += 1
        out = []
        for was, now in zip(before.nations, after.nations, strict=True):
            verdicts_before = {f.rule: f.verdict for f in was.findings}
            verdicts_after = {f.rule: f.verdict for f in now.findings}
            changed = tuple(
                VerdictChange(rule, verdicts_before.get(rule), verdicts_after.get(rule))
                for rule in sorted(verdicts_before.keys() | verdicts_after.keys())
                if verdicts_before.get(rule) != verdicts_after.get(rule)
            )
            if changed or was.outcome != now.outcome:
                out.append(
                    Flip(
                        before.file,
                        before.organisation_id,
                        before.organisation_name,
                        was.nation,
                        was.outcome,
                        now.outcome,
                        changed,
                    )
                )
        return out


# --- the diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """A rule set as the diff names it: id, version, sha256, and the date it was taken on."""

    id: str
    version: str
    sha256: str
    as_of: dt.date

    @classmethod
    def of(cls, ruleset: RuleSet, as_of: dt.date) -> Side:
        return cls(ruleset.id, ruleset.version, ruleset.sha256, as_of)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "as_of": self.as_of.isoformat(),
        }


@dataclass(frozen=True)
class Diff:
    """What changed between two rule sets, and (with profiles) which decisions moved.

    ``profiles`` is how many profiles were decided under both (0 without a cohort).
    """

    old: Side
    new: Side
    rules: tuple[RuleChange, ...]
    flips: tuple[Flip, ...]
    profiles: int = 0


def make_diff(
    old: RuleSet,
    new: RuleSet,
    *,
    old_as_of: dt.date,
    new_as_of: dt.date,
    flips: Iterable[Flip] = (),
    profiles: int = 0,
) -> Diff:
    """The diff of ``old`` and ``new``, with ``flips`` (in any order) sorted for reports."""
    return Diff(
        Side.of(old, old_as_of),
        Side.of(new, new_as_of),
        rule_changes(old, new, old_as_of=old_as_of, new_as_of=new_as_of),
        tuple(sorted(flips, key=lambda f: f.key)),
        profiles,
    )


def diff_json(diff: Diff) -> dict[str, Any]:
    """The ``imsa-eligibility/diff/v1`` document of ``diff``."""
    return {
        "schema": SCHEMA,
        "old": diff.old.to_json(),
        "new": diff.new.to_json(),
        "profiles": diff.profiles,
        "rules": [c.to_json() for c in diff.rules],
        "flips": [f.to_json() for f in diff.flips],
    }


__all__ = [
    "CHANGES",
    "FIELDS",
    "SCHEMA",
    "Diff",
    "Flip",
    "Impact",
    "RuleChange",
    "Side",
    "Uses",
    "VerdictChange",
    "diff_json",
    "make_diff",
    "rule_changes",
    "uses",
]
