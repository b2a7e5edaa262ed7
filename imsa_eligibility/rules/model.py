"""The loaded rule set: lists, parameters, derived sums, rules and their per-nation variants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import Effect, Nation
from .ast import Node


@dataclass(frozen=True)
class NamedList:
    """A list of values kept in one place (``law_enforcement_functions``)."""

    name: str
    description: str
    values: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Parameter:
    """A value that differs by nation (``vetting_scheme``)."""

    name: str
    description: str
    by_nation: dict[str, Any]
    source: str = ""


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

    @property
    def key(self) -> str:
        """``IND-001@england``: the engine target key."""
        return f"{self.rule.id}@{self.nation}"


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

    def in_force(self, as_of: dt.date) -> RuleSet:
        """The rule set with the parameters and named lists in force on ``as_of``.

        Variants (conditions and texts) are built with the values in force that day. A rule
        set without dated values is its own only period.
        """
        return self

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
