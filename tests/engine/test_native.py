"""The native engine on its own: verdicts, evidence, unknown paths, the chain and the sums.

The verdict tables are those of tests/engine/test_semantics.py (written out, never computed),
so the native engine and the reference semantics are held to one and the same table; and a
property test checks the two agree on any condition over any facts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.engine.evidence import Evidence, Explanation
from imsa_eligibility.engine.facts import FactBase, control_chain
from imsa_eligibility.engine.interface import Target
from imsa_eligibility.engine.native import Evaluator, NativeEngine
from imsa_eligibility.engine.semantics import verdict as plain_verdict
from imsa_eligibility.rules.ast import (
    CONTROL_CHAIN,
    Aggregate,
    AllOf,
    AnyOf,
    CompareOp,
    Node,
    Not,
    Quantified,
)
from imsa_eligibility.rules.ast import Test as Leaf
from imsa_eligibility.source import PathKey
from imsa_eligibility.vocabulary import Verdict
from tests.engine.test_semantics import ALL, ANY, FLAGS, ITEM_LEAF, LEAF, NOT, SOME_EVERY, items

T, C, U = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN
APPLICANT = {"id": "applicant", "name": "Applicant"}


def facts(data: dict[str, Any]) -> FactBase:
    """Facts of plain data, with the control chain derived when there is an organisation."""
    return FactBase(data, control_chain(data) if "organisation" in data else ())


def explain(node: Node, data: dict[str, Any]) -> Explanation:
    return Evaluator(facts(data)).decide(node)


def paths(explained: Explanation) -> list[PathKey]:
    return [e.path for e in explained.evidence]


# --- three-valued logic, with evidence ------------------------------------------------------


@pytest.mark.parametrize("part", [T, C, U])
def test_not_flips_the_verdict_and_keeps_what_it_rests_on(part: Verdict) -> None:
    inner, outer = explain(LEAF[part], FLAGS), explain(Not(LEAF[part]), FLAGS)
    assert outer.verdict == NOT[part]
    assert (outer.evidence, outer.unknown) == (inner.evidence, inner.unknown)


@pytest.mark.parametrize(("left", "right"), list(ALL))
def test_all_of(left: Verdict, right: Verdict) -> None:
    got = explain(AllOf((LEAF[left], LEAF[right])), FLAGS)
    assert got.verdict == ALL[left, right]
    _rests_on_the_decisive_parts(got, (left, right), decisive=C)


@pytest.mark.parametrize(("left", "right"), list(ANY))
def test_any_of(left: Verdict, right: Verdict) -> None:
    got = explain(AnyOf((LEAF[left], LEAF[right])), FLAGS)
    assert got.verdict == ANY[left, right]
    _rests_on_the_decisive_parts(got, (left, right), decisive=T)


_PATH = {T: ("t",), C: ("c",), U: ("u",)}


def _rests_on_the_decisive_parts(
    got: Explanation, parts: tuple[Verdict, Verdict], decisive: Verdict
) -> None:
    """A decisive part alone explains the verdict; otherwise every part does.

    Unknown facts are listed only when the verdict is unknown (they would settle it).
    """
    shown = [decisive] if decisive in parts else list(dict.fromkeys(parts))
    assert paths(got) == [_PATH[v] for v in shown]
    assert got.unknown == ((("u",),) if got.verdict == U else ())


def test_empty_junctions() -> None:
    assert explain(AllOf(()), {}).verdict == T
    assert explain(AnyOf(()), {}).verdict == C


# --- some and every -------------------------------------------------------------------------


@pytest.mark.parametrize(("verdicts", "some", "every"), SOME_EVERY)
def test_some_and_every(
    verdicts: tuple[Verdict, ...] | None, some: Verdict, every: Verdict
) -> None:
    data = {"xs": items(verdicts)}
    for kind, expected in (("some", some), ("every", every)):
        got = explain(Quantified(kind, ("xs",), ITEM_LEAF), data)  # type: ignore[arg-type]
        assert got.verdict == expected, kind
        if verdicts is None:
            assert got.unknown == (("xs",),)
        elif expected == U:  # exactly the unknown items' facts would settle it
            assert got.unknown == tuple(("xs", i, "f") for i, v in enumerate(verdicts) if v == U)
        else:
            assert got.unknown == ()


def test_a_decisive_item_is_the_evidence_and_the_others_are_not() -> None:
    data = {"xs": items((C, U, T, C))}
    some = explain(Quantified("some", ("xs",), ITEM_LEAF), data)
    assert ("xs", 2, "f") in paths(some)
    assert {("xs", 0, "f"), ("xs", 1, "f"), ("xs", 3, "f")}.isdisjoint(paths(some))
    every = explain(Quantified("every", ("xs",), ITEM_LEAF), data)
    assert {("xs", 0, "f"), ("xs", 3, "f")} <= set(paths(every))
    assert {("xs", 1, "f"), ("xs", 2, "f")}.isdisjoint(paths(every))


def test_an_empty_list_is_shown_as_empty_and_an_unknown_one_as_unknown() -> None:
    empty = explain(Quantified("every", ("xs",), ITEM_LEAF), {"xs": []})
    assert empty == Explanation(T, (Evidence(("xs",), []),))
    missing = explain(Quantified("every", ("a", "xs"), ITEM_LEAF), {"a": {}})
    assert missing == Explanation(U, (Evidence(("a", "xs"), None),), (("a", "xs"),))


def test_unknown_paths_inside_nested_lists_name_each_index() -> None:
    """``people[1].affiliations[0].current`` is what a profile author must provide."""
    current = Leaf(("current",), "is", True)
    node = Quantified("some", ("people",), Quantified("some", ("affiliations",), current))
    data = {
        "people": [
            {"affiliations": [{"current": False}]},
            {"affiliations": [{"current": None}, {"current": False}]},
        ]
    }
    got = explain(node, data)
    assert got.verdict == U
    assert got.unknown == (("people", 1, "affiliations", 0, "current"),)


# --- leaves: unknowns, has_all, exact numbers ------------------------------------------------


@pytest.mark.parametrize("data", [{"governance": {}}, {"governance": None}, {}])
def test_an_unknown_fact_is_named_by_its_full_path(data: dict[str, Any]) -> None:
    node = Leaf(("governance", "ico_registered"), "is", True)
    path = ("governance", "ico_registered")
    assert explain(node, data) == Explanation(U, (Evidence(path, None),), (path,))


def test_a_fact_to_fact_test_lists_only_the_unknown_side() -> None:
    node = Leaf(("a",), "le", None, ("b",))
    assert explain(node, {"a": 1, "b": None}).unknown == (("b",),)
    assert explain(node, {"a": None, "b": 1}).unknown == (("a",),)
    assert explain(node, {}).unknown == (("a",), ("b",))
    known = explain(node, {"a": 1, "b": 2})
    assert known == Explanation(T, (Evidence(("a",), 1), Evidence(("b",), 2)))


def test_unknown_paths_are_listed_once_in_order() -> None:
    first, second = Leaf(("x",), "is", True), Leaf(("y",), "equals", 3)
    node = AllOf((first, AnyOf((second, Not(first))), second))
    assert explain(node, {}).unknown == (("x",), ("y",))


def test_has_all_says_which_values_are_missing() -> None:
    node = Leaf(("areas",), "has_all", ("a", "b", "c"))
    lacking = explain(node, {"areas": ["x", "b"]})
    assert lacking == Explanation(C, (Evidence(("areas",), ["x", "b"], missing=("a", "c")),))
    complete = explain(node, {"areas": ["c", "b", "a"]})
    assert complete == Explanation(T, (Evidence(("areas",), ["c", "b", "a"]),))
    assert explain(Leaf(("areas",), "has_any", ("a", "z")), {"areas": ["x"]}).evidence == (
        Evidence(("areas",), ["x"]),
    )


def test_numbers_compare_exactly() -> None:
    share = {"share": Decimal("0.1") + Decimal("0.2")}
    assert explain(Leaf(("share",), "equals", Decimal("0.3")), share).verdict == T
    assert explain(Leaf(("share",), "gt", Decimal("0.3")), share).verdict == C
    assert explain(Leaf(("n",), "gt", 2**53), {"n": 2**53 + 1}).verdict == T
    assert explain(Leaf(("flag",), "equals", 1), {"flag": True}).verdict == C


# --- the control chain ----------------------------------------------------------------------


def org(
    ident: str,
    relations: list[str] | None = None,
    controlled_by: list[str] | None = None,
    functions: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.upper(),
        "functions": functions if functions is not None else ["other"],
        "relations": relations or [],
        "controlled_by": controlled_by or [],
    }


def chain_of(related: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each chain member's id -> the ids on its path from the applicant."""
    data = {"organisation": APPLICANT, "related_organisations": related}
    links = control_chain(data)
    assert [link.index for link in links] == sorted(link.index for link in links)
    return {related[link.index]["id"]: [step[0] for step in link.path] for link in links}


def test_the_chain_follows_control_upwards_only() -> None:
    """Parents and controlling members, then whoever controls them; never the controlled."""
    related = [
        org("sub", ["subsidiary"], controlled_by=["member"]),  # controlled by, not controlling
        org("member", ["controlling_member"], controlled_by=["grand"]),
        org("funder", ["funder", "commissioner"]),
        org("grand"),
        org("parent", ["parent"]),
    ]
    assert chain_of(related) == {
        "member": ["applicant", "member"],
        "grand": ["applicant", "member", "grand"],
        "parent": ["applicant", "parent"],
    }


def test_each_member_gets_its_shortest_path() -> None:
    related = [
        org("a", ["parent"], controlled_by=["c"]),
        org("c", controlled_by=["d"]),
        org("d"),
        org("b", ["parent"], controlled_by=["d"]),  # d: via b (3 steps), not via a, c (4)
    ]
    assert chain_of(related)["d"] == ["applicant", "b", "d"]


def test_equally_short_paths_are_broken_by_id() -> None:
    related = [
        org("y", ["parent"], controlled_by=["z"]),  # listed first, but 'x' < 'y'
        org("x", ["parent"], controlled_by=["z"]),
        org("z", controlled_by=["w"]),
        org("w"),
    ]
    assert chain_of(related)["z"] == ["applicant", "x", "z"]
    assert chain_of(related)["w"] == ["applicant", "x", "z", "w"]
    deeper = [
        org("a", ["parent"], controlled_by=["q", "p"]),  # named out of order
        org("q", controlled_by=["r"]),
        org("p", controlled_by=["r"]),
        org("r"),
    ]
    assert chain_of(deeper)["r"] == ["applicant", "a", "p", "r"]


def test_cycles_and_self_control_terminate() -> None:
    related = [
        org("a", ["parent"], controlled_by=["b"]),
        org("b", controlled_by=["a", "b", "nobody"]),  # a cycle, itself, and an unknown id
    ]
    assert chain_of(related) == {"a": ["applicant", "a"], "b": ["applicant", "a", "b"]}


def test_a_chain_condition_ranges_over_the_chain_with_its_paths() -> None:
    related = [
        org("pcc", ["funder"], functions=["policing"]),  # funds, does not control
        org("holding", ["parent"], controlled_by=["force"]),
        org("force", functions=["policing"]),
    ]
    data = {"organisation": APPLICANT, "related_organisations": related}
    policing = Leaf(("functions",), "has_any", ("policing",))
    got = explain(Quantified("some", CONTROL_CHAIN, policing), data)
    assert got.verdict == T
    named = [e for e in got.evidence if e.chain]
    assert named == [
        Evidence(
            ("related_organisations", 2),
            "FORCE",
            chain=(("applicant", "Applicant"), ("holding", "HOLDING"), ("force", "FORCE")),
        )
    ]
    assert ("related_organisations", 0, "functions") not in paths(got)
    related[2]["functions"] = None
    unknown = explain(Quantified("some", CONTROL_CHAIN, policing), data)
    assert (unknown.verdict, unknown.unknown) == (U, (("related_organisations", 2, "functions"),))


# --- derived sums ---------------------------------------------------------------------------

POLICING = Leaf(("functions",), "has_any", ("policing",))


def share_sum(
    op: CompareOp, threshold: str, over: tuple[str, ...] = ("related_organisations",)
) -> Aggregate:
    return Aggregate("police_share", "income_share", over, POLICING, op, Decimal(threshold))


def funders(*shares: tuple[list[str] | None, str | None]) -> dict[str, Any]:
    related = [
        {"id": f"o{i}", "functions": functions, "income_share": None if s is None else Decimal(s)}
        for i, (functions, s) in enumerate(shares)
    ]
    return {"related_organisations": related}


def test_a_sum_counts_only_the_items_its_condition_may_hold_for() -> None:
    base = facts(funders((["policing"], "0.25"), (["advocacy"], "0.5"), (["policing"], "0.1")))
    derived = base.sum(share_sum("ge", "0.5"))
    assert (derived.total, derived.complete, derived.listed) == (Decimal("0.35"), True, True)
    assert [t.path for t in derived.terms] == [
        ("related_organisations", 0),
        ("related_organisations", 2),
    ]
    assert base.sum(share_sum("ge", "0.5")) is derived  # derived once per profile


def test_a_sum_is_exact() -> None:
    data = funders((["policing"], "0.1"), (["policing"], "0.2"))
    assert explain(share_sum("equals", "0.3"), data).verdict == T
    assert explain(share_sum("gt", "0.3"), data).verdict == C
    assert explain(share_sum("lt", "0.3"), data).verdict == C


def test_an_unknown_term_makes_the_sum_a_lower_bound() -> None:
    """An unknown share, or a share whose condition is unknown, may add anything."""
    data = funders((["policing"], "0.25"), (["policing"], None), (None, "0.5"), (["x"], "0.4"))
    derived = facts(data).sum(share_sum("ge", "0.5"))
    assert (derived.total, derived.complete) == (Decimal("0.25"), False)
    assert [t.verdict for t in derived.terms] == [T, T, U]
    settle = (
        ("related_organisations", 1, "income_share"),
        ("related_organisations", 2, "functions"),
    )
    for op, threshold, expected in [
        ("ge", "0.25", T),  # reached already, whatever the rest
        ("ge", "0.5", U),
        ("gt", "0.25", U),
        ("lt", "0.25", C),  # cannot be below what is already counted
        ("lt", "0.5", U),
        ("equals", "0.2", C),
        ("equals", "0.25", U),
    ]:
        got = explain(share_sum(op, threshold), data)  # type: ignore[arg-type]
        assert got.verdict == expected, (op, threshold)
        summary = got.evidence[0]
        assert summary.path == ("derived", "police_share") and summary.derived
        if expected == U:  # nothing known to show, and the facts that would settle it
            assert (summary.value, summary.at_least) == (None, False)
            assert set(got.unknown) == set(settle)
        else:  # decided on the lower bound, which is shown as such; nothing to provide
            assert (summary.value, summary.at_least) == (Decimal("0.25"), True)
            assert got.unknown == ()


def test_a_complete_sum_is_shown_exactly() -> None:
    got = explain(share_sum("lt", "0.5"), funders((["policing"], "0.25")))
    assert got.verdict == T
    assert got.evidence[0] == Evidence(("derived", "police_share"), Decimal("0.25"), derived=True)
    assert ("related_organisations", 0, "income_share") in paths(got)


def test_a_sum_over_an_unknown_list_is_unknown_unless_any_sum_decides() -> None:
    data: dict[str, Any] = {"related_organisations": None}
    over = ("related_organisations",)
    assert facts(data).sum(share_sum("ge", "0.5")).listed is False
    assert explain(share_sum("ge", "0.5"), data) == Explanation(U, (Evidence(over, None),), (over,))
    assert explain(share_sum("ge", "0"), data).verdict == T  # every sum is at least 0
    assert explain(share_sum("lt", "0"), data).verdict == C


def test_a_sum_over_the_chain_counts_its_members_only() -> None:
    related = [
        org("funder", ["funder"], functions=["policing"]) | {"income_share": Decimal("0.4")},
        org("parent", ["parent"], functions=["policing"]) | {"income_share": Decimal("0.2")},
    ]
    data = {"organisation": APPLICANT, "related_organisations": related}
    derived = facts(data).sum(share_sum("ge", "0.3", over=CONTROL_CHAIN))
    assert (derived.total, derived.complete) == (Decimal("0.2"), True)
    assert explain(share_sum("ge", "0.3", over=CONTROL_CHAIN), data).verdict == C


# --- the engine -----------------------------------------------------------------------------


def test_the_engine_decides_the_targets_asked_for_and_shares_equal_conditions() -> None:
    shared = AllOf((LEAF[T], LEAF[U]))
    engine = NativeEngine()
    engine.prepare([Target("a", shared), Target("b", shared), Target("c", LEAF[C])])
    base = facts(FLAGS)
    explained = engine.explain(base, ["a", "b"])
    assert list(explained) == ["a", "b"]
    assert explained["a"] is explained["b"]  # one condition, decided once
    assert explained["a"].unknown == (("u",),)
    assert engine.decide(base) == {"a": U, "b": U, "c": C}
    assert engine.decide(base, ["c", "missing"]) == {"c": C}


# --- the native engine is the reference semantics, with evidence ----------------------------


def _nodes() -> st.SearchStrategy[Node]:
    leaves = st.sampled_from([LEAF[T], LEAF[C], LEAF[U], ITEM_LEAF])
    item_leaves = st.just(ITEM_LEAF)

    def extend(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        parts = st.lists(inner, max_size=3).map(tuple)
        return st.one_of(
            parts.map(AllOf),
            parts.map(AnyOf),
            inner.map(Not),
            st.builds(
                Quantified,
                st.sampled_from(["some", "every"]),
                st.sampled_from([("xs",), CONTROL_CHAIN]),
                st.one_of(item_leaves, inner),
            ),
        )

    return st.recursive(leaves, extend, max_leaves=8)


FLAG = st.sampled_from([True, False, None])
ITEMS = st.lists(st.fixed_dictionaries({"f": FLAG, "t": FLAG, "c": FLAG, "u": FLAG}), max_size=3)


@st.composite
def organisations(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Related organisations with flags, some controlling the applicant (perhaps in a loop)."""
    flags = draw(ITEMS)
    ids = [f"o{i}" for i in range(len(flags))]
    return [
        {
            **item,
            "id": ident,
            "name": ident.upper(),
            "relations": draw(st.sampled_from([[], ["parent"], ["funder"]])),
            "controlled_by": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)),
        }
        for ident, item in zip(ids, flags, strict=True)
    ]


@settings(max_examples=150, deadline=None)
@given(_nodes(), FLAG, st.one_of(st.none(), ITEMS), organisations())
def test_native_verdicts_are_the_reference_semantics(
    node: Node, flag: bool | None, xs: list[dict[str, Any]] | None, related: list[dict[str, Any]]
) -> None:
    data = {**FLAGS, "f": flag, "xs": xs, "organisation": APPLICANT}
    data["related_organisations"] = related
    base = facts(data)
    chain = [link.index for link in base.chain]
    assert Evaluator(base).decide(node).verdict == plain_verdict(node, data, related, chain)
