"""Differential property tests: durable_rules decides exactly what the native engine decides.

Random conditions (bounded depth, every node type and operator, fact-to-fact tests; only
the shapes the rule compiler emits, so each operator on facts of its own kind) over random
facts shaped like profiles (unknown values and lists,
empty lists, control chains with cycles, self-references and diamonds). Where the native
engine raises (a comparison it cannot make), the durable engine must raise EngineError.

This is where agreement is proven for shapes the shipped rules never take, so it keeps the
most examples of the suite: 150 random conditions over random facts (about 12 ms each:
compiling a ruleset dominates), and 40 over valid profiles (whose generation costs more
and whose shapes the bulk test in test_agreement_bulk.py covers too). CI replays the same
examples (derandomised); each local run draws new ones, so coverage grows run by run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsa_eligibility.engine.durable import DurableEngine, durable_available
from imsa_eligibility.engine.facts import FactBase, control_chain, facts_from_profile
from imsa_eligibility.engine.interface import Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.errors import EngineError
from imsa_eligibility.profile.model import Profile
from imsa_eligibility.rules.ast import (
    CONTROL_CHAIN,
    Aggregate,
    AllOf,
    AnyOf,
    CompareOp,
    LeafOp,
    Node,
    Not,
    Path,
    Quantified,
)
from imsa_eligibility.rules.ast import (
    Test as Leaf,
)
from tests.strategies import profile_documents

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable_rules not available")

FUNCTIONS = ["policing", "advocacy", "other", "research", "prosecution"]
RELATIONS = ["parent", "controlling_member", "funder", "commissioner", "partner"]
ROLES = ["trustee", "chair", "imsa"]
WORDS = [*FUNCTIONS, *RELATIONS, *ROLES, "", "Org 1", "é", "e\u0301", "10", "1", "true"]


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _words(values: list[str], max_size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=max_size, unique=True)


FLAGS = _maybe(st.booleans())
SHARES = _maybe(st.integers(0, 10_000).map(lambda n: Decimal(n) / 10_000))


@st.composite
def fact_data(draw: st.DrawFn) -> dict[str, Any]:
    """Profile-shaped plain data: unknowns, empty lists, tangled control links."""
    ids = [f"o{i}" for i in range(draw(st.integers(0, 5)))]
    related = [
        {
            "id": ident,
            "name": f"Org {i}",
            "functions": draw(_words(FUNCTIONS)),
            "relations": draw(_words(RELATIONS, 2)),
            "income_share": draw(SHARES),
            "funding_conditions": draw(_maybe(_words(["case_data_sharing", "referral_quotas"]))),
            "controlled_by": draw(_words(ids, 2)),
        }
        for i, ident in enumerate(ids)
    ]
    people = [
        {
            "id": f"p{i}",
            "name": draw(_maybe(st.sampled_from(WORDS))),
            "roles": draw(_words(ROLES)),
            "affiliations": draw(
                _maybe(
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "organisation": st.sampled_from(WORDS),
                                "functions": _words(FUNCTIONS),
                                "current": FLAGS,
                            }
                        ),
                        max_size=2,
                    )
                )
            ),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    organisation = {
        "id": "applicant",
        "name": "Applicant",
        "functions": draw(_words(FUNCTIONS)),
        "legal_form": draw(st.sampled_from(["charitable_company", "local_authority"])),
        "delivery_model": draw(_maybe(st.sampled_from(["local", "national"]))),
        "registrations": draw(
            _maybe(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "register": st.sampled_from(["oscr", "companies_house"]),
                            "number": st.sampled_from(["SC045326", "06543210", "10"]),
                        }
                    ),
                    max_size=2,
                )
            )
        ),
        "annual_income_gbp": draw(_maybe(st.integers(0, 2_000_000))),
        "public_funding_gbp": draw(_maybe(st.integers(0, 2_000_000))),
    }
    data: dict[str, Any] = {
        "organisation": organisation,
        "related_organisations": related,
        "people": people,
    }
    data["governance"] = draw(
        _maybe(
            st.fixed_dictionaries(
                {}, optional={"safeguarding_policy": FLAGS, "register_of_interests": FLAGS}
            )
        )
    )
    data["imsa_service"] = draw(
        _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "planned_imsas": _maybe(st.integers(1, 5)),
                    "accredited_imsas": _maybe(st.integers(0, 5)),
                    "information_barrier": FLAGS,
                    "key_areas_covered": _maybe(_words(["a", "b", "c"])),
                },
            )
        )
    )
    return data


# Paths by scope: (flags, whole numbers, decimals, texts, lists) and the collections below.
SCOPES: dict[str, dict[str, list[Path]]] = {
    "root": {
        "flag": [
            ("governance", "safeguarding_policy"),
            ("governance", "register_of_interests"),
            ("imsa_service", "information_barrier"),
        ],
        "int": [
            ("organisation", "annual_income_gbp"),
            ("organisation", "public_funding_gbp"),
            ("imsa_service", "planned_imsas"),
            ("imsa_service", "accredited_imsas"),
        ],
        "dec": [],
        "str": [
            ("organisation", "legal_form"),
            ("organisation", "delivery_model"),
            ("organisation", "name"),
        ],
        "list": [("organisation", "functions"), ("imsa_service", "key_areas_covered")],
    },
    "org": {
        "flag": [],
        "int": [],
        "dec": [("income_share",)],
        "str": [("id",), ("name",)],
        "list": [("functions",), ("relations",), ("funding_conditions",), ("controlled_by",)],
    },
    "person": {"flag": [], "int": [], "dec": [], "str": [("name",), ("id",)], "list": [("roles",)]},
    "affiliation": {
        "flag": [("current",)],
        "int": [],
        "dec": [],
        "str": [("organisation",)],
        "list": [("functions",)],
    },
    "registration": {
        "flag": [],
        "int": [],
        "dec": [],
        "str": [("register",), ("number",)],
        "list": [],
    },
    "word": {"flag": [], "int": [], "dec": [], "str": [()], "list": []},
}
COLLECTIONS: dict[str, list[tuple[Path, str]]] = {
    "root": [
        (("related_organisations",), "org"),
        (("people",), "person"),
        (("organisation", "registrations"), "registration"),
        (CONTROL_CHAIN, "org"),
    ],
    "org": [(("controlled_by",), "word"), (CONTROL_CHAIN, "org")],
    "person": [(("affiliations",), "affiliation")],
    "affiliation": [(("functions",), "word")],
    "registration": [],
    "word": [],
}
NUMBERS = st.one_of(
    st.integers(-2, 2_100_000),
    st.integers(0, 10_000).map(lambda n: Decimal(n) / 10_000),
    st.sampled_from([Decimal("0.5"), Decimal("1E+3"), Decimal("1000.0"), Decimal("-0.00001")]),
)
WORD_TUPLES = st.lists(st.sampled_from(WORDS), max_size=3, unique=True).map(tuple)
COMPARE: list[CompareOp] = ["equals", "not_equals", "lt", "le", "gt", "ge"]
FLAG_OPS: list[LeafOp] = ["is", "is", "equals", "not_equals"]
TEXT_OPS: list[LeafOp] = ["equals", "not_equals", "one_of"]
LIST_OPS: list[LeafOp] = ["has_any", "has_all"]


@st.composite
def leaves(draw: st.DrawFn, scope: str) -> Leaf:
    paths = SCOPES[scope]
    kinds = [k for k in ("flag", "int", "dec", "str", "list") if paths[k]]
    kind = draw(st.sampled_from(kinds))
    path = draw(st.sampled_from(paths[kind]))
    same = list(paths[kind])
    if kind == "flag":
        op = draw(st.sampled_from(FLAG_OPS))
        if draw(st.integers(0, 3)) == 0:
            return Leaf(path, op, None, draw(st.sampled_from(same)))
        return Leaf(path, op, draw(st.booleans()))
    if kind in ("int", "dec"):
        op = draw(st.sampled_from(COMPARE))
        if draw(st.integers(0, 3)) == 0:
            return Leaf(path, op, None, draw(st.sampled_from(same)))
        return Leaf(path, op, draw(NUMBERS))
    if kind == "str":
        op = draw(st.sampled_from(TEXT_OPS))
        if draw(st.integers(0, 3)) == 0:
            return Leaf(path, op, None, draw(st.sampled_from(same)))
        return Leaf(path, op, draw(WORD_TUPLES) if op == "one_of" else draw(st.sampled_from(WORDS)))
    op = draw(st.sampled_from(LIST_OPS))
    return Leaf(path, op, draw(WORD_TUPLES))


def nodes(scope: str, depth: int) -> st.SearchStrategy[Node]:
    leaf = leaves(scope)
    if depth == 0:
        return leaf
    inner = nodes(scope, depth - 1)
    choices: list[st.SearchStrategy[Node]] = [
        leaf,
        st.lists(inner, max_size=3).map(lambda parts: AllOf(tuple(parts))),
        st.lists(inner, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
        inner.map(Not),
    ]
    for collection, child in COLLECTIONS[scope]:
        choices.append(
            st.builds(
                Quantified,
                st.sampled_from(["some", "every"]),
                st.just(collection),
                nodes(child, depth - 1),
            )
        )
        if child == "org":
            choices.append(
                st.builds(
                    Aggregate,
                    st.just("share"),
                    st.just("income_share"),
                    st.just(collection),
                    nodes("org", depth - 1),
                    st.sampled_from(COMPARE),
                    st.integers(0, 10_000).map(lambda n: Decimal(n) / 10_000),
                )
            )
    return st.one_of(*choices)


TARGETS = st.lists(nodes("root", 3), min_size=1, max_size=6)


def _outcome(engine: DurableEngine | NativeEngine, facts: FactBase) -> Any:
    try:
        return engine.decide(facts)
    except EngineError:
        return "error"
    except (TypeError, ValueError, ArithmeticError):
        assert isinstance(engine, NativeEngine)
        return "error"


def _agree(nodes_: list[Node], facts: FactBase) -> None:
    targets = [Target(f"t{i}", node) for i, node in enumerate(nodes_)]
    native, durable = NativeEngine(), DurableEngine()
    native.prepare(targets)
    durable.prepare(targets)
    assert _outcome(durable, facts) == _outcome(native, facts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TARGETS, fact_data())
def test_durable_agrees_with_native(nodes_: list[Node], data: dict[str, Any]) -> None:
    _agree(nodes_, FactBase(data, control_chain(data)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TARGETS, profile_documents())
def test_durable_agrees_on_valid_profiles(nodes_: list[Node], doc: dict[str, Any]) -> None:
    _agree(nodes_, facts_from_profile(Profile.model_validate(doc)))
