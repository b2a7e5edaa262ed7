"""The loaded rule set: lists, parameters, derived sums, rules and their per-nation variants.

Dated values. A parameter or a named list may take new values on a date (its ``changes``,
each with an ``effective_from``). The change dates cut time into *periods*; inside one
period every value is fixed. The rule set is built once per period at load time (so a
loaded rule set pickles whole), and :meth:`RuleSet.in_force` picks the period of a date.

The API other modules rely on (stable):

- :meth:`Parameter.value` ``(nation, as_of=None)``, :meth:`Parameter.by_nation_on`
  ``(as_of)``, :meth:`Parameter.since` ``(nation, as_of)`` and :attr:`Parameter.changes`
  (:class:`ParameterChange`: ``effective_from``, ``by_nation``, ``source``);
- :meth:`NamedList.values_on` ``(as_of)`` and :attr:`NamedList.changes`
  (:class:`ListChange`: ``effective_from``, ``values``, ``source``);
- :attr:`RuleSet.change_dates`, :meth:`RuleSet.in_force` ``(as_of)``,
  :attr:`RuleSet.as_written` (the rule set as loaded, whose lists and parameters keep
  their changes; the lists and parameters of ``in_force(d)`` hold d's values only),
  :attr:`RuleSet.since` / :attr:`RuleSet.until` (the period a rule set's variants hold
  for), :meth:`RuleSet.periods` (:class:`Period`: ``start``, ``end``, ``variants``) and
  :meth:`RuleSet.all_variants` (what an engine is prepared with);
- :attr:`Variant.since`: the first day its condition holds; :attr:`Variant.key` names one
  condition across periods (``IND-008@scotland@2027-04-01`` for a condition a change
  made), while ``RuleSet.variant(rule_id, nation)`` looks a variant up in any period.

``as_of=None`` always means "as written": the values before any change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import Effect, Nation
from .ast import Node


@dataclass(frozen=True)
class ListChange:
    """A named list's values from ``effective_from`` on (until its next change)."""

    effective_from: dt.date
    values: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class NamedList:
    """A list of values kept in one place (``law_enforcement_functions``).

    ``values`` are the values as written, before any change; ``changes`` are in date order.
    """

    name: str
    description: str
    values: tuple[str, ...]
    source: str = ""
    changes: tuple[ListChange, ...] = ()

    def values_on(self, as_of: dt.date | None) -> tuple[str, ...]:
        """The values in force on ``as_of`` (None: as written, before any change)."""
        values = self.values
        for change in self.changes:
            if as_of is None or change.effective_from > as_of:
                break
            values = change.values
        return values


@dataclass(frozen=True)
class ParameterChange:
    """New values of a parameter, for the nations named, from ``effective_from`` on."""

    effective_from: dt.date
    by_nation: dict[str, Any]
    source: str = ""


@dataclass(frozen=True)
class Parameter:
    """A value that differs by nation (``vetting_scheme``), and may change on dates.

    ``by_nation`` holds the values as written, before any change; each of ``changes`` (in
    date order) replaces the values of the nations it names from its date on. A value may
    be a single value or a list of values.
    """

    name: str
    description: str
    by_nation: dict[str, Any]
    source: str = ""
    changes: tuple[ParameterChange, ...] = ()

    def by_nation_on(self, as_of: dt.date | None) -> dict[str, Any]:
        """The value for each nation on ``as_of`` (None: as written)."""
        values = dict(self.by_nation)
        for change in self.changes:
            if as_of is None or change.effective_from > as_of:
                break
            values.update(change.by_nation)
        return values

    def value(self, nation: str, as_of: dt.date | None = None) -> Any:
        """The value for ``nation`` on ``as_of`` (None: as written); None when it has none."""
        return self.by_nation_on(as_of).get(nation)

    def since(self, nation: str, as_of: dt.date | None) -> dt.date | None:
        """The date of the change that set ``nation``'s value in force on ``as_of`` (None:
        the value as written)."""
        found = None
        for change in self.changes:
            if as_of is None or change.effective_from > as_of:
                break
            if nation in change.by_nation:
                found = change.effective_from
        return found


@dataclass(frozen=True)
class Derived:
    """A sum the engine derives (``law_enforcement_income_share``)."""

    name: str
    description: str
    sum: str
    over: str
    where: Any


@dataclass(frozen=True)
class Override:
    """What changes for one nation: effect, waivability, texts or parameters."""

    effect: Effect | None = None
    waivable: bool | None = None
    title: str | None = None
    because: str | None = None
    remedy: str | None = None
    source: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """A rule as written, with where it was written."""

    id: str
    title: str
    section: int
    effect: Effect
    waivable: bool
    nations: tuple[Nation, ...]
    when: Any
    because: str
    remedy: str
    source: str
    file: str
    line: int
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    overrides: dict[str, Override] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def applies(self, nation: Nation, as_of: dt.date) -> bool:
        """Whether the rule is applicable to ``nation`` on ``as_of``."""
        if nation not in self.nations:
            return False
        if self.effective_from and as_of < self.effective_from:
            return False
        return not (self.effective_to and as_of > self.effective_to)


@dataclass(frozen=True)
class Variant:
    """A rule resolved for one nation: its effect, texts and compiled condition."""

    rule: Rule
    nation: Nation
    effect: Effect
    waivable: bool
    title: str
    because: str
    remedy: str
    source: str
    node: Node
    parameters: dict[str, Any]
    since: dt.date | None = None
    """The first day of the period from which this condition (``node``) holds (None: from
    the start, the values as written); texts and parameters may change on other days."""

    @property
    def key(self) -> str:
        """The engine target key: ``IND-001@england``, or ``IND-001@england@2027-04-01``
        for a condition that a dated value changed (one key per condition, across every
        period)."""
        base = f"{self.rule.id}@{self.nation}"
        return base if self.since is None else f"{base}@{self.since.isoformat()}"


@dataclass(frozen=True)
class Period:
    """The days from ``start`` (None: from the beginning) up to, not including, ``end``
    (None: no end), and the variants that hold on them, by ``RULE@nation``.

    ``lists`` and ``parameters`` hold the values in force in the period (without changes);
    empty for the first period, whose are the rule set's own.
    """

    start: dt.date | None
    end: dt.date | None
    variants: dict[str, Variant]
    lists: dict[str, NamedList] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def holds(self, day: dt.date) -> bool:
        """Whether ``day`` lies in the period."""
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class RuleSet:
    """A validated, compiled rule set."""

    id: str
    version: str
    title: str
    description: str
    sha256: str
    directory: str
    lists: dict[str, NamedList]
    parameters: dict[str, Parameter]
    derived: dict[str, Derived]
    labels: dict[str, str]
    rules: tuple[Rule, ...]
    variants: dict[str, Variant]
    changeable: tuple[str, ...] = ()
    """Facts an applicant can change (``governance.ico_registered``,
    ``related_organisations.funding_conditions``): what ``check --what-if`` may suggest."""
    change_dates: tuple[dt.date, ...] = ()
    """The days on which a dated parameter or named list takes a new value, ascending."""
    later_periods: tuple[Period, ...] = ()
    """The periods after the first, one per change date, built at load time."""
    since: dt.date | None = None
    """The first day of the period whose values ``variants`` hold (None: the first period,
    the values as written before any change)."""
    _views: dict[dt.date | None, RuleSet] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def until(self) -> dt.date | None:
        """The first day after the period of ``variants`` (None: it never ends)."""
        return next((d for d in self.change_dates if self.since is None or d > self.since), None)

    def periods(self) -> tuple[Period, ...]:
        """Every period, in date order: the first (values as written), then one per change."""
        root = self._root()
        end = self.change_dates[0] if self.change_dates else None
        return (Period(None, end, root.variants), *self.later_periods)

    @property
    def as_written(self) -> RuleSet:
        """The rule set as loaded: the first period's variants, and the lists and
        parameters as written, with their dated changes."""
        return self if self.since is None else self._views[None]

    def _root(self) -> RuleSet:
        return self.as_written

    def in_force(self, as_of: dt.date) -> RuleSet:
        """The rule set with the parameters and named lists in force on ``as_of``.

        Its variants (conditions, effects, texts and :attr:`Variant.parameters`) are built
        with the values in force that day. It is the same object for every day of one
        period (the first period's is the rule set as loaded), so what is kept per rule set
        object (decision plans, durable sessions) is kept per period; its ``sha256`` is the
        rule set's. Its ``lists`` and ``parameters`` hold the values in force in the period
        (``values``, ``by_nation``), without their changes; the rule set as loaded
        (:attr:`as_written`) holds them as written, with their changes, and answers for any
        date (:meth:`Parameter.value`, :meth:`NamedList.values_on`). A rule set without
        dated values is its own only period.
        """
        start = None
        for day in self.change_dates:
            if day > as_of:
                break
            start = day
        if start == self.since:
            return self
        root = self._root()
        if start is None:
            return root
        view = root._views.get(start)
        if view is None:
            period = next(p for p in self.later_periods if p.start == start)
            view = dataclasses.replace(
                root,
                variants=period.variants,
                lists=period.lists,
                parameters=period.parameters,
                since=start,
            )
            object.__setattr__(view, "_views", root._views)
            root._views.setdefault(None, root)
            view = root._views.setdefault(start, view)
        return view

    def all_variants(self) -> tuple[Variant, ...]:
        """Every distinct variant of every period, each once (an engine prepared with these
        decides the rule set on any date); a variant no change touches is listed once."""
        seen: dict[str, Variant] = {}
        for period in self.periods():
            for variant in period.variants.values():
                seen.setdefault(variant.key, variant)
        return tuple(seen.values())

    def variant(self, rule_id: str, nation: str) -> Variant | None:
        """The rule's variant for ``nation`` (None when out of the rule's scope)."""
        return self.variants.get(f"{rule_id}@{nation}")

    def rule(self, ident: str) -> Rule | None:
        """The rule with this id or alias."""
        for rule in self.rules:
            if rule.id == ident or ident in rule.aliases:
                return rule
        return None

    def label(self, value: str) -> str:
        """The plain-words label of an enum value, or the value itself."""
        return self.labels.get(value, value.replace("_", " "))
