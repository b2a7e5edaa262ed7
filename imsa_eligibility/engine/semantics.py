"""The meaning of the rule AST, shared by every engine: leaf tests, bounds, plain verdicts.

This is the reference semantics in its smallest form: how a known value passes a leaf test
(exact numbers, ``true`` equal only to ``true``), how a sum known only as a lower bound
compares with a threshold, and the three-valued verdict of a condition without evidence
(used to derive sums once per profile, see :mod:`.facts`). The native engine adds evidence
on top; the durable_rules adapter encodes the same leaf semantics as engine tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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


def _same(value: Any, target: Any) -> bool:
    """``equals``: numbers exactly, ``true`` only to ``true``, anything else by type and value."""
    if isinstance(value, bool) or isinstance(target, bool):
        return type(value) is type(target) and value == target
    if isinstance(value, int | Decimal) and isinstance(target, int | Decimal):
        return number(value) == number(target)
    return type(value) is type(target) and value == target


def _values(target: Any) -> set[Any]:
    return set(target) if isinstance(target, tuple) else {target}


#: Each leaf operator as a test of a known value against its target (a value or a fact).
_LEAF_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "is": lambda value, target: value is target,
    "equals": _same,
    "not_equals": lambda value, target: not _same(value, target),
    "lt": lambda value, target: number(value) < number(target),
    "le": lambda value, target: number(value) <= number(target),
    "gt": lambda value, target: number(value) > number(target),
    "ge": lambda value, target: number(value) >= number(target),
    "one_of": lambda value, target: value in _values(target),
    "has_any": lambda value, target: not _values(target).isdisjoint(value),
    "has_all": lambda value, target: _values(target) <= set(value),
}


def test_value(node: Test, value: Any, other: Any = None) -> bool:
    """Whether a known ``value`` (and ``other``, for fact-to-fact tests) passes ``node``."""
    target = other if node.other is not None else node.value
    return _LEAF_TESTS[node.op](value, target)


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
    sums: Callable[[Aggregate], Verdict] | None = None,
) -> Verdict:
    """The three-valued verdict of ``node`` in ``scope``, without evidence.

    ``related`` and ``chain`` (indexes into ``related``) give the control chain, for
    conditions over it. A derived sum is decided by ``sums`` (see :func:`.facts.FactBase.sum`
    and :func:`compare_bounds`); without it, a condition with a sum is an error. Parts are
    decided in order and the first decisive one settles a junction or a quantifier (as
    :func:`combine` would, the rest deciding nothing).
    """
    if isinstance(node, Test):
        value = lookup(scope, node.path)
        other = lookup(scope, node.other) if node.other is not None else None
        if value is None or (node.other is not None and other is None):
            return UNKNOWN
        return TRIGGERED if test_value(node, value, other) else CLEAR
    if isinstance(node, Not):
        return verdict(node.part, scope, related, chain, sums).negated
    if isinstance(node, AllOf | AnyOf):
        decisive = CLEAR if isinstance(node, AllOf) else TRIGGERED
        return _first(decisive, (verdict(p, scope, related, chain, sums) for p in node.parts))
    if isinstance(node, Quantified):
        if node.collection == CONTROL_CHAIN:
            items: Sequence[Any] | None = [related[i] for i in chain]
        else:
            items = lookup(scope, node.collection)
        if items is None:
            return UNKNOWN
        decisive = TRIGGERED if node.kind == "some" else CLEAR
        parts = (verdict(node.where, item, related, chain, sums) for item in items)
        return _first(decisive, parts)
    assert isinstance(node, Aggregate)
    if sums is None:
        raise ValueError("a derived sum can only stand at the top of a condition")
    return sums(node)


def _first(decisive: Verdict, verdicts: Iterable[Verdict]) -> Verdict:
    """:func:`combine` of parts decided one by one, stopping at the first decisive one."""
    unknown = False
    for found in verdicts:
        if found is decisive:
            return decisive
        unknown = unknown or found is UNKNOWN
    return UNKNOWN if unknown else decisive.negated
