"""Boolean combinations of leaves compiled into the conditions of one pattern.

Most of a rule's condition is leaves joined by ``all``/``any``/``not`` in one scope. Such a
subtree is a :class:`Formula`: its leaves read slots of one value fact (a *bundle*, see
:class:`Bundle`), and the whole subtree becomes one pattern per verdict, with no verdict
fact or action for its inner nodes. Three-valued logic is kept in the conditions:

- :func:`holds` gives the conditions under which the formula's verdict *is* a value:
  ``all`` holds true when every part does, false when any part does (``any``: the dual;
  ``not``: the other value). An unknown slot sends no fields, so no leaf condition on it
  holds, and the formula is unknown exactly when the native engine says so;
- :func:`fails` gives the conditions under which the verdict is *not* a value (the other
  value or unknown), which a quantifier's negated pattern needs ("no item fails to be
  clear"). A leaf fails a value when it holds the other one or its slot is unknown: the
  adapter sends ``u<slot>`` for an unknown slot that such a condition reads.

A leaf condition that always holds (``has_all`` of nothing) still needs its value known:
it reads ``k<slot>``, which the adapter sends for a known slot that such a condition reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .facts import SLOT_FIELDS, slot_field
from .leaves import Condition, Conds, Piece, ValueSpec


@dataclass(frozen=True)
class Leaf:
    """One piece of a leaf test."""

    piece: Piece


@dataclass(frozen=True)
class Junction:
    """``all`` (``every``) or ``any`` of formulas."""

    every: bool
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Negation:
    """``not`` of a formula."""

    part: Formula


Formula = Leaf | Junction | Negation


def negate(formula: Formula) -> Formula:
    """``not formula``, without double negations."""
    return formula.part if isinstance(formula, Negation) else Negation(formula)


def specs(formula: Formula) -> Iterator[ValueSpec]:
    """The value specs the formula's leaves read, in order (with repeats)."""
    if isinstance(formula, Leaf):
        yield formula.piece.spec
    elif isinstance(formula, Junction):
        for part in formula.parts:
            yield from specs(part)
    else:
        yield from specs(formula.part)


@dataclass
class Bundle:
    """A value fact of one scope kind: numbered slots, one per value spec it carries.

    ``guarded``: slots whose ``k`` field is sent when known; ``flagged``: slots whose ``u``
    field is sent when unknown; ``width``: the tests its patterns start with (bounded so
    that matching one bundle stays inside durable_rules' stack, see :mod:`.limits`).
    """

    fid: int
    slots: dict[ValueSpec, int] = field(default_factory=dict)
    guarded: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)
    width: int = 0

    def slot(self, spec: ValueSpec) -> int:
        found = self.slots.get(spec)
        if found is None:
            found = self.slots[spec] = len(self.slots)
        return found


def all_of(parts: list[Conds]) -> Conds:
    """Conditions that hold when every part's do."""
    joined: list[Condition] = []
    for part in parts:
        if part is None:
            return None
        joined.extend(part)
    return joined


def any_of(parts: list[Conds]) -> Conds:
    """Conditions that hold when any part's do."""
    branches: list[Condition] = []
    for part in parts:
        if part is None:
            continue
        if not part:
            return []
        one = part[0] if len(part) == 1 else {"$and": part}
        branches.extend(one["$or"] if set(one) == {"$or"} else [one])
    if not branches:
        return None
    return [branches[0]] if len(branches) == 1 else [{"$or": branches}]


def _rename(value: Any, slot: int) -> Any:
    """Leaf conditions on ``a``/``b``/``n`` moved to the fields of ``slot``."""
    if isinstance(value, list):
        return [_rename(item, slot) for item in value]
    if not isinstance(value, dict):
        return value
    renamed: dict[str, Any] = {}
    for key, item in value.items():
        if key == "$m":
            renamed[key] = slot_field(item, slot)
        elif key in SLOT_FIELDS:
            renamed[slot_field(key, slot)] = _rename(item, slot)
        else:
            renamed[key] = _rename(item, slot)
    return renamed


def _leaf(piece: Piece, value: int, bundle: Bundle) -> Conds:
    slot = bundle.slot(piece.spec)
    conds = piece.true if value else piece.false
    if conds is None:
        return None
    if not conds:  # always, once the value is known
        bundle.guarded.add(slot)
        return [{slot_field("k", slot): 1}]
    renamed: list[Condition] = _rename(conds, slot)
    return renamed


def holds(formula: Formula, value: int, bundle: Bundle) -> Conds:
    """Conditions on ``bundle`` under which ``formula``'s verdict is ``value`` (1 or 0)."""
    if isinstance(formula, Leaf):
        return _leaf(formula.piece, value, bundle)
    if isinstance(formula, Negation):
        return holds(formula.part, 1 - value, bundle)
    parts = [holds(part, value, bundle) for part in formula.parts]
    decisive = 0 if formula.every else 1
    return any_of(parts) if value == decisive else all_of(parts)


def fails(formula: Formula, value: int, bundle: Bundle) -> Conds:
    """Conditions on ``bundle`` under which ``formula``'s verdict is not ``value``."""
    if isinstance(formula, Leaf):
        slot = bundle.slot(formula.piece.spec)
        bundle.flagged.add(slot)
        return any_of([_leaf(formula.piece, 1 - value, bundle), [{slot_field("u", slot): 1}]])
    if isinstance(formula, Negation):
        return fails(formula.part, 1 - value, bundle)
    parts = [fails(part, value, bundle) for part in formula.parts]
    decisive = 0 if formula.every else 1
    # not decisive: every part fails to be decisive; not the other: any part fails to be it
    return all_of(parts) if value == decisive else any_of(parts)
