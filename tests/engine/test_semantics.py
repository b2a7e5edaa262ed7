"""The reference semantics, piece by piece: lookups, leaf tests, bounds, three-valued verdicts.

Expected values are written out as tables, never computed with the code under test, so a
wrong table entry in :mod:`imsa_eligibility.engine.semantics` fails here. The native
engine is held to the same tables in tests/engine/test_native.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from imsa_eligibility.engine.semantics import compare_bounds, lookup, verdict
from imsa_eligibility.engine.semantics import test_value as passes  # not a pytest test
from imsa_eligibility.rules.ast import (
    CONTROL_CHAIN,
    Aggregate,
    AllOf,
    AnyOf,
    CompareOp,
    LeafOp,
    Node,
    Not,
    Quantified,
)
from imsa_eligibility.rules.ast import Test as Leaf
from imsa_eligibility.vocabulary import Verdict

T, C, U = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN

#: A scope where the leaf ``LEAF[v]`` has verdict ``v``: ``is true`` on true, false, unknown.
FLAGS: dict[str, Any] = {"t": True, "c": False, "u": None}
LEAF = {T: Leaf(("t",), "is", True), C: Leaf(("c",), "is", True), U: Leaf(("u",), "is", True)}

# Kleene's three-valued logic (docs/contracts.md, "Evaluation semantics").
NOT = {T: C, C: T, U: U}
ALL = {
    (T, T): T, (T, C): C, (T, U): U,
    (C, T): C, (C, C): C, (C, U): C,
    (U, T): U, (U, C): C, (U, U): U,
}  # fmt: skip
ANY = {
    (T, T): T, (T, C): T, (T, U): T,
    (C, T): T, (C, C): C, (C, U): U,
    (U, T): T, (U, C): U, (U, U): U,
}  # fmt: skip

# some/every over a list of items whose condition has the given verdicts; None: unknown list.
SOME_EVERY: list[tuple[tuple[Verdict, ...] | None, Verdict, Verdict]] = [
    ((), C, T),
    (None, U, U),
    ((T,), T, T),
    ((C,), C, C),
    ((U,), U, U),
    ((T, T), T, T),
    ((C, C), C, C),
    ((T, C), T, C),
    ((T, U), T, U),
    ((C, U), U, C),
    ((U, C, T), T, C),
    ((U, U), U, U),
]
ITEM_FLAG = {T: True, C: False, U: None}
ITEM_LEAF = Leaf(("f",), "is", True)


def items(verdicts: tuple[Verdict, ...] | None) -> list[dict[str, Any]] | None:
    """List items whose ``f is true`` has the given verdicts (None: the list is unknown)."""
    return None if verdicts is None else [{"f": ITEM_FLAG[v]} for v in verdicts]


def _plain(node: Node, scope: dict[str, Any]) -> Verdict:
    return verdict(node, scope, [], [])


# --- lookup ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "path", "expected"),
    [
        ({"a": {"b": 1}}, ("a", "b"), 1),
        ({"a": {"b": False}}, ("a", "b"), False),
        ({"a": {"b": 1}}, ("a",), {"b": 1}),
        ({"a": {"b": 1}}, (), {"a": {"b": 1}}),
        ({"a": {"b": 1}}, ("a", "x"), None),
        ({"a": None}, ("a", "b"), None),  # an unknown parent makes the child unknown
        ({"a": [{"b": 1}]}, ("a", "b"), None),  # a list is not a mapping: no field b
        ({"a": "text"}, ("a", "b"), None),
        (None, ("a",), None),
    ],
)
def test_lookup(scope: Any, path: tuple[str, ...], expected: Any) -> None:
    assert lookup(scope, path) == expected
    assert type(lookup(scope, path)) is type(expected)  # False stays False, not None


# --- leaf tests -----------------------------------------------------------------------------

EQUALS: list[tuple[Any, Any, bool]] = [
    (Decimal("0.1") + Decimal("0.2"), Decimal("0.3"), True),  # exact, not 0.30000000000000004
    (Decimal("0.30"), Decimal("0.3"), True),
    (1, Decimal("1.0"), True),
    (1000, Decimal("1E+3"), True),
    (2**53 + 1, 2**53, False),  # beyond a float's precision, still distinct
    (Decimal("0.30000000000000001"), Decimal("0.3"), False),
    (True, 1, False),  # true is not the number 1
    (1, True, False),
    (False, 0, False),
    (True, True, True),
    ("1", 1, False),  # text is not a number
    ("policing", "policing", True),
    ("é", "e\u0301", False),  # texts compare exactly (the loader reads them as NFC)
    ("a", "A", False),
]


@pytest.mark.parametrize(("value", "target", "expected"), EQUALS)
def test_equals_is_exact_and_typed(value: Any, target: Any, expected: bool) -> None:
    assert passes(Leaf(("x",), "equals", target), value) is expected
    assert passes(Leaf(("x",), "not_equals", target), value) is (not expected)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [(True, True, True), (False, False, True), (False, True, False), (1, True, False)],
)
def test_is_is_identity_with_a_boolean(value: Any, target: bool, expected: bool) -> None:
    assert passes(Leaf(("x",), "is", target), value) is expected


ORDER: list[tuple[Any, Any, dict[str, bool]]] = [
    (Decimal("0.5"), Decimal("0.50"), {"lt": False, "le": True, "gt": False, "ge": True}),
    (Decimal("0.1") + Decimal("0.2"), Decimal("0.3"), {"lt": False, "le": True, "gt": False}),
    (Decimal("0.30000000000000001"), Decimal("0.3"), {"gt": True, "le": False}),
    (2**53 + 1, 2**53, {"gt": True, "le": False}),
    (2_000_000, Decimal("1999999.999"), {"gt": True, "lt": False}),
    (Decimal("-0.00001"), 0, {"lt": True, "ge": False}),
    (3, 3, {"lt": False, "le": True, "gt": False, "ge": True}),
]


@pytest.mark.parametrize(("value", "target", "expected"), ORDER)
def test_comparisons_are_exact(value: Any, target: Any, expected: dict[str, bool]) -> None:
    for op, holds in expected.items():
        assert passes(Leaf(("x",), op, target), value) is holds, op  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "value", "target", "expected"),
    [
        ("one_of", "a", ("a", "b"), True),
        ("one_of", "c", ("a", "b"), False),
        ("one_of", "a", (), False),
        ("has_any", ["x", "a"], ("a", "b"), True),
        ("has_any", ["x"], ("a", "b"), False),
        ("has_any", [], ("a",), False),
        ("has_any", ["a"], (), False),
        ("has_all", ["a", "x", "b"], ("a", "b"), True),
        ("has_all", ["a"], ("a", "b"), False),
        ("has_all", [], ("a",), False),
        ("has_all", [], (), True),  # nothing is required, so nothing is lacking
    ],
)
def test_set_operators(op: LeafOp, value: Any, target: tuple[str, ...], expected: bool) -> None:
    assert passes(Leaf(("x",), op, target), value) is expected


def test_a_fact_to_fact_test_compares_with_the_other_fact_not_the_value() -> None:
    node = Leaf(("a",), "lt", None, ("b",))
    assert passes(node, 1, 2) is True
    assert passes(node, 2, 1) is False
    assert passes(Leaf(("a",), "equals", None, ("b",)), Decimal("0.5"), Decimal("0.50"))


# --- sums known exactly or as a lower bound -------------------------------------------------

#: ``sum <op> t`` when the sum is only known to be at least L, for L below, at and above t.
BOUNDS: dict[str, tuple[Verdict, Verdict, Verdict]] = {
    "ge": (U, T, T),
    "gt": (U, U, T),
    "lt": (U, C, C),
    "le": (U, U, C),
    "equals": (U, U, C),
    "not_equals": (U, U, T),
}
#: The same when the sum is exactly L.
EXACT: dict[str, tuple[Verdict, Verdict, Verdict]] = {
    "ge": (C, T, T),
    "gt": (C, C, T),
    "lt": (T, C, C),
    "le": (T, T, C),
    "equals": (C, T, C),
    "not_equals": (T, C, T),
}
THRESHOLD = Decimal("0.5")
LOWERS = (Decimal("0.49"), Decimal("0.50"), Decimal("0.51"))


@pytest.mark.parametrize("op", BOUNDS)
def test_a_lower_bound_decides_only_what_every_larger_sum_would(op: CompareOp) -> None:
    got = tuple(compare_bounds(op, lower, False, THRESHOLD) for lower in LOWERS)
    assert got == BOUNDS[op]


@pytest.mark.parametrize("op", EXACT)
def test_a_complete_sum_is_compared_exactly(op: CompareOp) -> None:
    got = tuple(compare_bounds(op, lower, True, THRESHOLD) for lower in LOWERS)
    assert got == EXACT[op]


@pytest.mark.parametrize("op", BOUNDS)
@pytest.mark.parametrize("lower", range(4))
@pytest.mark.parametrize("threshold", range(4))
def test_a_lower_bound_is_sound_and_as_sharp_as_it_can_be(
    op: CompareOp, lower: int, threshold: int
) -> None:
    """Triggered (clear) only if every sum from ``lower`` up holds (fails); else unknown."""
    low, limit = Decimal(lower), Decimal(threshold)
    candidates = {low, limit, limit + Decimal("0.5"), low + Decimal("0.5"), low + 10}
    sums = sorted(s for s in candidates if s >= low)  # every behaviour of sum <op> limit
    holds = {passes(Leaf(("s",), op, limit), s) for s in sums}
    expected = {frozenset({True}): T, frozenset({False}): C}.get(frozenset(holds), U)
    assert compare_bounds(op, low, False, limit) == expected


# --- three-valued verdicts ------------------------------------------------------------------


@pytest.mark.parametrize("part", [T, C, U])
def test_not(part: Verdict) -> None:
    assert _plain(Not(LEAF[part]), FLAGS) == NOT[part]
    assert part.negated == NOT[part]


@pytest.mark.parametrize(("left", "right"), list(ALL))
def test_all_of(left: Verdict, right: Verdict) -> None:
    assert _plain(AllOf((LEAF[left], LEAF[right])), FLAGS) == ALL[left, right]


@pytest.mark.parametrize(("left", "right"), list(ANY))
def test_any_of(left: Verdict, right: Verdict) -> None:
    assert _plain(AnyOf((LEAF[left], LEAF[right])), FLAGS) == ANY[left, right]


def test_empty_junctions() -> None:
    """All of nothing holds; any of nothing does not."""
    assert _plain(AllOf(()), FLAGS) == T
    assert _plain(AnyOf(()), FLAGS) == C


def test_a_leaf_with_an_unknown_other_fact_is_unknown() -> None:
    assert _plain(Leaf(("t",), "equals", None, ("u",)), FLAGS) == U
    assert _plain(Leaf(("u",), "equals", None, ("t",)), FLAGS) == U
    assert _plain(Leaf(("t",), "equals", None, ("c",)), FLAGS) == C


@pytest.mark.parametrize(("verdicts", "some", "every"), SOME_EVERY)
def test_some_and_every(
    verdicts: tuple[Verdict, ...] | None, some: Verdict, every: Verdict
) -> None:
    scope = {"xs": items(verdicts)}
    assert _plain(Quantified("some", ("xs",), ITEM_LEAF), scope) == some
    assert _plain(Quantified("every", ("xs",), ITEM_LEAF), scope) == every


def test_a_missing_list_is_unknown_not_empty() -> None:
    assert _plain(Quantified("every", ("xs",), ITEM_LEAF), {}) == U
    assert _plain(Quantified("some", ("xs",), ITEM_LEAF), {"xs": []}) == C


def test_the_control_chain_ranges_over_its_members_only() -> None:
    related = [{"functions": ["policing"]}, {"functions": ["advocacy"]}]
    policing = Quantified("some", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("policing",)))
    assert verdict(policing, {}, related, [1]) == C
    assert verdict(policing, {}, related, [0, 1]) == T
    assert verdict(policing, {}, related, []) == C


def test_a_sum_is_not_decided_here() -> None:
    node = Aggregate("s", "income_share", ("xs",), ITEM_LEAF, "ge", Decimal("0.5"))
    with pytest.raises(ValueError, match="derived sum"):
        _plain(node, {"xs": []})
