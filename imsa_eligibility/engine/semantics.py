"""The meaning of the rule AST, shared by every engine: leaf tests, bounds, plain verdicts.

This is the reference semantics in its smallest form: how a known value passes a leaf test
(exact numbers, ``true`` equal only to ``true``), how a sum known only as a lower bound
compares with a threshold, and the three-valued verdict of a condition without evidence
(used to derive sums once per profile, see :mod:`.facts`). The native engine adds evidence
on top; the durable_rules adapter encodes the same leaf semantics as engine tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Quantified, Test
from ..vocabulary import Verdict

TRIGGERED, CLEAR, UNKNOWN = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN


def lookup(scope: Mapping[str, Any] | None, path: Sequence[str]) -> Any:
    """The value at ``path`` below ``scope``; None when it or any parent is unknown."""
    value: Any = scope
    for part in path:
        if not isinstance(value, dict):  # facts are plain dicts (Mapping checks are slow)
            return None
        value = value.get(part)
    return value


def number(value: Any) -> Decimal:
    """A fact's number as an exact Decimal."""
    return value if isinstance(value, Decimal) else Decimal(int(value))


def test_value(node: Test, value: Any, other: Any = None) -> bool:
    """Whether a known ``value`` (and ``other``, for fact-to-fact tests) passes ``node``."""
    op = node.op
    target = other if node.other is not None else node.value
    if op == "is":
        return value is target
    if op in ("equals", "not_equals"):
        numbers = (int, Decimal)
        if isinstance(value, bool) or isinstance(target, bool):
            same = type(value) is type(target) and value == target
        elif isinstance(value, numbers) and isinstance(target, numbers):
            same = number(value) == number(target)
        else:
            same = type(value) is type(target) and value == target
        return same if op == "equals" else not same
    if op in ("lt", "le", "gt", "ge"):
        left, right = number(value), number(target)
        return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[
            op
        ]
    values = set(target) if isinstance(target, tuple) else {target}
    if op == "one_of":
        return value in values
    present = set(value)
    if op == "has_any":
        return bool(present & values)
    return values <= present  # has_all


def compare_bounds(op: str, lower: Decimal, complete: bool, threshold: Decimal) -> Verdict:
    """The verdict of ``sum <op> threshold`` when the sum is at least ``lower``.

    When ``complete`` the sum is exactly ``lower``; otherwise it may be any larger value.
    """
    if complete:
        holds = test_value(Test((), op, threshold), lower)  # type: ignore[arg-type]
        return TRIGGERED if holds else CLEAR
    if op in ("ge", "gt"):
        reached = lower >= threshold if op == "ge" else lower > threshold
        return TRIGGERED if reached else UNKNOWN
    if op in ("lt", "le", "equals"):
        beyond = lower >= threshold if op == "lt" else lower > threshold
        return CLEAR if beyond else UNKNOWN
    beyond = lower > threshold  # not_equals
    return TRIGGERED if beyond else UNKNOWN


def combine(verdicts: Sequence[Verdict], decisive: Verdict, otherwise: Verdict) -> Verdict:
    """``decisive`` if any part is; else unknown if any part is; else ``otherwise``.

    ``all`` is ``combine(parts, CLEAR, TRIGGERED)``; ``any`` and ``some`` are
    ``combine(parts, TRIGGERED, CLEAR)``; ``every`` is ``combine(parts, CLEAR, TRIGGERED)``.
    """
    if decisive in verdicts:
        return decisive
    return UNKNOWN if UNKNOWN in verdicts else otherwise


def verdict(
    node: Node,
    scope: Mapping[str, Any],
    related: Sequence[Mapping[str, Any]],
    chain: Sequence[int],
) -> Verdict:
    """The three-valued verdict of ``node`` in ``scope``, without evidence.

    ``related`` and ``chain`` (indexes into ``related``) give the control chain, for
    conditions over it. Aggregates are decided by :func:`.facts.FactBase.sum`, not here.
    """
    if isinstance(node, Test):
        value = lookup(scope, node.path)
        other = lookup(scope, node.other) if node.other is not None else None
        if value is None or (node.other is not None and other is None):
            return UNKNOWN
        return TRIGGERED if test_value(node, value, other) else CLEAR
    if isinstance(node, Not):
        return verdict(node.part, scope, related, chain).negated
    if isinstance(node, AllOf):
        return combine([verdict(p, scope, related, chain) for p in node.parts], CLEAR, TRIGGERED)
    if isinstance(node, AnyOf):
        return combine([verdict(p, scope, related, chain) for p in node.parts], TRIGGERED, CLEAR)
    if isinstance(node, Quantified):
        if node.collection == CONTROL_CHAIN:
            items: Sequence[Any] | None = [related[i] for i in chain]
        else:
            items = lookup(scope, node.collection)
        if items is None:
            return UNKNOWN
        parts = [verdict(node.where, item, related, chain) for item in items]
        if node.kind == "some":
            return combine(parts, TRIGGERED, CLEAR)
        return combine(parts, CLEAR, TRIGGERED)
    assert isinstance(node, Aggregate)
    raise ValueError("a derived sum can only stand at the top of a condition")
