"""The facts an engine sees: the profile as plain values, plus the control chain.

Values are plain Python: ``str`` (enum values), ``bool``, ``int``, ``Decimal`` (income
shares), lists and dicts; ``None`` means unknown. Two kinds of fact are derived here, once
per profile, for every engine to read:

- the control chain, for the native engine and for evidence (shortest path from the
  applicant, ties broken by id); the durable_rules adapter derives chain membership again
  by forward chaining in the engine, so the two derivations check each other;
- the rule set's sums (:meth:`FactBase.sum`), exactly (Decimal), with whether they are
  complete: a term whose value or filter is unknown makes the sum a lower bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..rules.ast import CONTROL_CHAIN, Aggregate
from ..source import Document, PathKey
from ..vocabulary import Verdict
from .semantics import lookup, number, verdict

if TYPE_CHECKING:  # the profile model (pydantic) is imported only where profiles are read
    from ..profile.model import Profile

CONTROLLING_RELATIONS = frozenset({"parent", "controlling_member"})


@dataclass(frozen=True, eq=False)
class ChainLink:
    """A related organisation in the control chain, reached by its shortest path.

    ``via`` is the link it is controlled through (None for a direct controller of the
    applicant), so a chain of any length is held in linear space; :attr:`path` spells the
    path out, from the applicant to this organisation, each step ``(id, name)``.
    """

    index: int
    step: tuple[str, str]
    via: ChainLink | None = None
    start: tuple[str, str] = ("", "")

    @property
    def path(self) -> tuple[tuple[str, str], ...]:
        """The shortest path from the applicant to this organisation, each step (id, name)."""
        steps = []
        link: ChainLink | None = self
        while link is not None:
            steps.append(link.step)
            start = link.start
            link = link.via
        return (start, *reversed(steps))


@dataclass(frozen=True)
class SumTerm:
    """An item that may count towards a sum: its filter's verdict and its value.

    Items whose filter is clear are not terms. ``value`` None means unknown.
    """

    path: PathKey
    item: Mapping[str, Any]
    verdict: Verdict
    value: Any


@dataclass(frozen=True)
class DerivedSum:
    """A sum over a list: exactly ``total`` when ``complete``, else at least ``total``.

    ``listed`` is False when the list itself is unknown (then there are no terms).
    """

    total: Decimal
    complete: bool
    terms: tuple[SumTerm, ...]
    listed: bool = True


@dataclass(frozen=True)
class FactBase:
    """One profile's facts, ready for any engine."""

    data: Mapping[str, Any]
    chain: tuple[ChainLink, ...]
    document: Document | None = field(default=None, compare=False)
    _sums: dict[Aggregate, DerivedSum] = field(
        default_factory=dict, compare=False, repr=False, init=False
    )

    def line(self, path: PathKey) -> int | None:
        """The profile line of ``path`` (its nearest present parent when absent)."""
        return self.document.line(path) if self.document else None

    def sum(self, node: Aggregate) -> DerivedSum:
        """The derived sum ``node`` names, computed once for this profile."""
        found = self._sums.get(node)
        if found is None:
            found = self._sums[node] = _derive_sum(self, node)
        return found


def _derive_sum(facts: FactBase, node: Aggregate) -> DerivedSum:
    related = facts.data.get("related_organisations") or []
    chain = [link.index for link in facts.chain]
    if node.over == CONTROL_CHAIN:
        items: list[tuple[PathKey, Any]] = [
            (("related_organisations", i), related[i]) for i in chain
        ]
    else:
        listed = lookup(facts.data, node.over)
        if listed is None:
            return DerivedSum(Decimal(0), False, (), listed=False)
        items = [((*node.over, i), item) for i, item in enumerate(listed)]
    total, complete, terms = Decimal(0), True, []
    for path, item in items:
        where = verdict(node.where, item, related, chain)
        if where is Verdict.CLEAR:
            continue
        value = item.get(node.value)
        terms.append(SumTerm(path, item, where, value))
        if value is None or where is Verdict.UNKNOWN:
            complete = False
        else:
            total += number(value)
    return DerivedSum(total, complete, tuple(terms))


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value if type(value) is str else str(value)  # StrEnum members: plain values
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def control_chain(data: Mapping[str, Any]) -> tuple[ChainLink, ...]:
    """Every related organisation that controls the applicant, directly or transitively.

    Breadth-first from the applicant. Each level is visited in order of path (a level built
    from an ordered level, children in order of id, is itself in order of path), so each
    organisation gets its shortest path and, among equally short ones, the smallest by id.
    Cycles terminate; an organisation may name itself. Linear in the profile's size.
    """
    related = data.get("related_organisations") or []
    by_id = {item["id"]: i for i, item in enumerate(related)}
    org = data["organisation"]
    start = (org["id"], org["name"])
    direct = sorted(
        item["id"] for item in related if CONTROLLING_RELATIONS & set(item.get("relations") or [])
    )
    frontier: list[tuple[ChainLink | None, list[str]]] = [(None, direct)]
    seen: dict[str, ChainLink] = {}
    while frontier:
        next_frontier: list[tuple[ChainLink | None, list[str]]] = []
        for parent, controllers in frontier:
            for ident in controllers:
                if ident in seen or ident not in by_id:
                    continue
                index = by_id[ident]
                item = related[index]
                link = ChainLink(index, (ident, item["name"]), parent, start)
                seen[ident] = link
                next_frontier.append((link, sorted(set(item.get("controlled_by") or []))))
        frontier = next_frontier
    return tuple(sorted(seen.values(), key=lambda link: link.index))


def facts_from_profile(profile: Profile, document: Document | None = None) -> FactBase:
    """The facts of a validated profile."""
    data = _plain(profile.model_dump(mode="python"))
    return FactBase(data, control_chain(data), document)
