"""The rule condition AST: what every engine evaluates.

Conditions in rule files compile into these immutable nodes, one tree per rule and nation
(named lists and per-nation parameters are already substituted). Paths are relative to the
node's *scope*: the profile for top-level conditions, or the list item a quantifier or
aggregate ranges over. Nothing here is executable: engines interpret the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Path = tuple[str, ...]
Scalar = bool | int | Decimal | str

#: Leaf operators. ``has_any``/``has_all`` test a list fact against a set of values;
#: ``one_of`` tests a single value; the comparisons are exact (Decimal) on numbers.
LeafOp = Literal[
    "is", "equals", "not_equals", "lt", "le", "gt", "ge", "one_of", "has_any", "has_all"
]
CompareOp = Literal["equals", "not_equals", "lt", "le", "gt", "ge"]

#: The control chain: every related organisation that controls the applicant, directly
#: (relation ``parent`` or ``controlling_member``) or through ``controlled_by`` links.
CONTROL_CHAIN: Path = ("control_chain",)


@dataclass(frozen=True)
class Test:
    """A leaf: compare the fact at ``path`` with ``value`` or with the fact at ``other``.

    ``value`` is a bool for ``is``; a scalar for comparisons; a tuple of strings for
    ``one_of``, ``has_any`` and ``has_all``. When ``other`` is set, ``value`` is None and
    the comparison is between two facts of the same scope.
    """

    path: Path
    op: LeafOp
    value: Scalar | tuple[str, ...] | None
    other: Path | None = None


@dataclass(frozen=True)
class AllOf:
    """Triggered when every part is; clear when any part is clear."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """Triggered when any part is; clear when every part is clear."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Swaps triggered and clear; unknown stays unknown."""

    part: Node


@dataclass(frozen=True)
class Quantified:
    """``some``/``every`` item of the list at ``collection`` satisfies ``where``.

    Over an empty list "some" is clear and "every" is triggered; over an unknown list both
    are unknown. ``collection`` may be :data:`CONTROL_CHAIN`.
    """

    kind: Literal["some", "every"]
    collection: Path
    where: Node


@dataclass(frozen=True)
class Aggregate:
    """Compare the exact sum of ``value`` over the items of ``over`` that satisfy ``where``.

    A term whose value is unknown (or whose ``where`` is unknown) makes the sum known only
    to be at least the sum of the known terms.
    """

    name: str
    value: str
    over: Path
    where: Node
    op: CompareOp
    threshold: Decimal


Node = Test | AllOf | AnyOf | Not | Quantified | Aggregate
