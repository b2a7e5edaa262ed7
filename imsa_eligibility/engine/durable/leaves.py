"""One leaf test as durable_rules conditions on the encoded value it reads.

A leaf reads one :class:`ValueSpec` of its scope: what the adapter encodes from the profile
(:mod:`.encode`, :func:`.run.encode`) into the fields ``a``, ``b`` and ``n`` of a slot of a
value fact. The leaf is true when its *true* conditions hold on those fields and false when
its *false* conditions do; an unknown value sends no fields, so neither holds. Conditions
are a list (all must hold); None is a condition that never holds.

Only the shapes the rule compiler emits are compiled (``is`` with true or false; a
comparison with a number, a text or a flag; a set test of values; a comparison of two facts
of one scope); anything else is refused with :class:`EngineError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ...errors import EngineError, UndecidableError
from ...rules.ast import Path, Test
from . import encode as enc

Condition = dict[str, Any]
Conds = list[Condition] | None
"""Conditions that must all hold; None: conditions that never hold."""

#: Values of one set test (``one_of``, ``has_any``, ``has_all``); a longer list is split.
VALUES = 16


class Encoding(StrEnum):
    """How a value is encoded for durable_rules (see :func:`.run.encode`)."""

    IDENTITY = "is"
    """A typed token: ``true`` is not ``1``."""
    EQUALITY = "eq"
    """A token equal for equal values (``10`` and ``10.0``; not ``"10"``)."""
    ELEMENT = "el"
    """A set member's token."""
    NUMBER = "num"
    """An exact integer: the value times ``10**scale``, its floor in ``a``, ceiling in ``b``."""
    SIGN = "cmp"
    """The sign of ``value - threshold`` (a threshold too large for durable's integers)."""
    PAIR = "num2"
    """Two numbers scaled to integers by one scale: left in ``a``, right in ``b``."""
    SET = "set"
    """A list's element tokens in ``a``, its length in ``n``."""


@dataclass(frozen=True)
class ValueSpec:
    """What one slot of a value fact holds: the fact at ``path`` (and at ``other``)."""

    encoding: Encoding
    path: Path
    other: Path | None = None
    scale: int = 0
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Piece:
    """A leaf, or a part of a split leaf: the value it reads and when it holds or fails."""

    spec: ValueSpec
    true: Conds
    false: Conds


def num_conds(op: str, right: Any) -> tuple[Conds, Conds]:
    """Conditions on ``a`` (floor) and ``b`` (ceiling) for ``value <op> right``."""
    opposite = {"$lt": "$gte", "$gte": "$lt", "$lte": "$gt", "$gt": "$lte"}
    name, side = {"lt": ("$lt", "a"), "le": ("$lte", "b"), "gt": ("$gt", "b"), "ge": ("$gte", "a")}[
        op
    ]
    return [{name: {side: right}}], [{opposite[name]: {side: right}}]


def leaf_pieces(node: Test) -> tuple[bool, list[Piece]]:
    """The pieces of a leaf and whether all of them (else any) must hold.

    A leaf is one piece, except a set test of more than :data:`VALUES` values, which is
    split into pieces of at most that many (``has_all``: all of them; else any).
    """
    if node.other is not None:
        return False, [_pair(node.op, node.path, node.other)]
    try:
        return _constant_leaf(node.op, node.path, node.value)
    except UndecidableError as error:
        raise EngineError(f"the rule compiler never emits this test: {error}") from error


def _pair(op: str, path: Path, other: Path) -> Piece:
    """A comparison of two facts of one scope (both known, else neither condition holds)."""
    same: Conds = [{"a": {"$m": "b"}}]
    differ: Conds = [{"$neq": {"a": {"$m": "b"}}}]
    if op == "is":
        return Piece(ValueSpec(Encoding.IDENTITY, path, other), same, differ)
    if op in ("equals", "not_equals"):
        spec = ValueSpec(Encoding.EQUALITY, path, other)
        return Piece(spec, same, differ) if op == "equals" else Piece(spec, differ, same)
    if op == "one_of":
        return Piece(ValueSpec(Encoding.ELEMENT, path, other), same, differ)
    if op in ("has_any", "has_all"):
        item = {"$i": {"$m": "b"}}
        return Piece(
            ValueSpec(Encoding.SET, path, other),
            [{"$iany": {"a": item}}],
            [{"$or": [{"n": 0}, {"$iall": {"a": {"$neq": item}}}]}],
        )
    name = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]
    opposite = {"$lt": "$gte", "$gte": "$lt", "$lte": "$gt", "$gt": "$lte"}[name]
    exact = {"$m": "b"}  # both sides exact integers: ``a`` (left) and ``b`` (right)
    return Piece(
        ValueSpec(Encoding.PAIR, path, other), [{name: {"a": exact}}], [{opposite: {"a": exact}}]
    )


def _constant_leaf(op: str, path: Path, value: Any) -> tuple[bool, list[Piece]]:
    if op == "is":
        if not isinstance(value, bool):
            raise EngineError(f"`is` takes true or false, not {value!r}")
        token = enc.identity_token(value)
        return False, [
            Piece(ValueSpec(Encoding.IDENTITY, path), [{"a": token}], [{"$neq": {"a": token}}])
        ]
    if op in ("equals", "not_equals"):
        if not (isinstance(value, bool | str) or enc.is_number(value)):
            raise EngineError(f"cannot compare with {value!r}")
        token = enc.equality_token(value, "")
        true: Conds = [{"a": token}]
        false: Conds = [{"$neq": {"a": token}}]
        spec = ValueSpec(Encoding.EQUALITY, path)
        return False, [Piece(spec, true, false) if op == "equals" else Piece(spec, false, true)]
    if op in ("lt", "le", "gt", "ge"):
        number = enc.numeric(value)
        plain = enc.plain_threshold(number)
        if plain is not None:
            scale, limit = plain
            return False, [
                Piece(ValueSpec(Encoding.NUMBER, path, scale=scale), *num_conds(op, limit))
            ]
        # beyond durable's integers: the adapter sends the sign of value - threshold
        spec = ValueSpec(Encoding.SIGN, path, threshold=number)
        return False, [Piece(spec, *num_conds(op, 0))]
    values = sorted(
        {enc.element_token(v) for v in (value if isinstance(value, tuple) else (value,))}
    )
    groups = [values[i : i + VALUES] for i in range(0, len(values), VALUES)] or [[]]
    make = {"one_of": _one_of, "has_any": _has_any}.get(op, _has_all)
    return op == "has_all", [make(path, group) for group in groups]


def _one_of(path: Path, values: list[str]) -> Piece:
    spec = ValueSpec(Encoding.ELEMENT, path)
    if not values:
        return Piece(spec, None, [])
    return Piece(
        spec,
        [{"$or": [{"a": v} for v in values]} if len(values) > 1 else {"a": values[0]}],
        [{"$and": [{"$neq": {"a": v}} for v in values]}],
    )


def _has_any(path: Path, values: list[str]) -> Piece:
    spec = ValueSpec(Encoding.SET, path)
    if not values:
        return Piece(spec, None, [])
    tests = [{"$iany": {"a": {"$i": v}}} for v in values]
    return Piece(
        spec,
        [tests[0] if len(tests) == 1 else {"$or": tests}],
        [
            {
                "$or": [
                    {"n": 0},
                    {"$iall": {"a": {"$and": [{"$neq": {"$i": v}} for v in values]}}},
                ]
            }
        ],
    )


def _has_all(path: Path, values: list[str]) -> Piece:
    spec = ValueSpec(Encoding.SET, path)
    if not values:  # has_all of nothing
        return Piece(spec, [], None)
    return Piece(
        spec,
        [{"$iany": {"a": {"$i": v}}} for v in values],
        [{"$or": [{"n": 0}, *({"$iall": {"a": {"$neq": {"$i": v}}}} for v in values)]}],
    )
