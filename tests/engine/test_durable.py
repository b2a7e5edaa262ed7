"""Hand-built cases for the durable_rules engine: every node type and operator.

Each case asserts durable == native == the expected verdict.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from imsa_eligibility.engine.durable import DurableEngine, compile_targets, durable_available
from imsa_eligibility.engine.facts import FactBase, control_chain
from imsa_eligibility.engine.interface import Target
from imsa_eligibility.engine.native import NativeEngine
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
from imsa_eligibility.vocabulary import Verdict

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable_rules not available")

T, C, U = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN
LAW = ("policing", "prosecution")


def org(
    ident: str,
    relations: list[str],
    controlled_by: list[str],
    functions: list[str],
    share: str | None = None,
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.title(),
        "functions": functions,
        "relations": relations,
        "income_share": None if share is None else Decimal(share),
        "funding_conditions": None,
        "controlled_by": controlled_by,
    }


BASE: dict[str, Any] = {
    "organisation": {
        "id": "applicant",
        "name": "Applicant",
        "legal_form": "charitable_company",
        "functions": ["advocacy", "training"],
        "nations": ["england"],
        "delivery_model": None,
        "annual_income_gbp": 850000,
        "public_funding_gbp": 420000,
        "registrations": [{"register": "oscr", "number": "SC045326"}],
    },
    "related_organisations": [],
    "people": [
        {
            "id": "p1",
            "name": "Jane",
            "roles": ["trustee", "chair"],
            "affiliations": [
                {"organisation": "Northshire Police", "functions": ["policing"], "current": False},
                {"organisation": "Food bank", "functions": ["other"], "current": True},
            ],
        },
        {"id": "p2", "name": None, "roles": ["imsa"], "affiliations": []},
    ],
    "governance": {
        "safeguarding_policy": True,
        "register_of_interests": False,
        "complaints_procedure": None,
    },
    "imsa_service": {
        "planned_imsas": 2,
        "accredited_imsas": 1,
        "vetting_checks": [],
        "key_areas_covered": None,
        "information_barrier": True,
    },
    "insurance": None,
}


def data(**changes: Any) -> dict[str, Any]:
    """BASE with dotted-path changes: ``data(**{"organisation.functions": []})``."""
    out = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        here = out
        for part in parents:
            here = here[part]
        here[last] = value
    return out


def decide(node: Node, facts: dict[str, Any]) -> Verdict:
    """The verdict of both engines, which must agree."""
    fact_base = FactBase(facts, control_chain(facts))
    targets = [Target("t", node)]
    native, durable = NativeEngine(), DurableEngine()
    native.prepare(targets)
    durable.prepare(targets)
    expected = native.decide(fact_base)["t"]
    assert durable.decide(fact_base)["t"] == expected
    return expected


SAFEGUARDING = ("governance", "safeguarding_policy")
INTERESTS = ("governance", "register_of_interests")
COMPLAINTS = ("governance", "complaints_procedure")
INCOME = ("organisation", "annual_income_gbp")
PUBLIC = ("organisation", "public_funding_gbp")
FUNCTIONS = ("organisation", "functions")
FORM = ("organisation", "legal_form")

LEAVES: list[tuple[str, Node, dict[str, Any], Verdict]] = [
    ("is true", Leaf(SAFEGUARDING, "is", True), BASE, T),
    ("is true on false", Leaf(INTERESTS, "is", True), BASE, C),
    ("is false", Leaf(INTERESTS, "is", False), BASE, T),
    ("is on unknown", Leaf(COMPLAINTS, "is", True), BASE, U),
    ("is on a missing section", Leaf(("insurance", "employers_liability"), "is", True), BASE, U),
    ("is true on 1", Leaf(INCOME, "is", True), data(**{"organisation.annual_income_gbp": 1}), C),
    ("equals text", Leaf(FORM, "equals", "charitable_company"), BASE, T),
    ("equals other text", Leaf(FORM, "equals", "local_authority"), BASE, C),
    ("equals int and decimal", Leaf(INCOME, "equals", Decimal("850000.00")), BASE, T),
    ("equals '10' and 10", Leaf(FORM, "equals", 10), data(**{"organisation.legal_form": "10"}), C),
    ("equals 1 and true", Leaf(SAFEGUARDING, "equals", 1), BASE, C),
    ("equals on unknown", Leaf(COMPLAINTS, "equals", "x"), BASE, U),
    ("not_equals text", Leaf(FORM, "not_equals", "local_authority"), BASE, T),
    ("not_equals same", Leaf(FORM, "not_equals", "charitable_company"), BASE, C),
    ("not_equals on unknown", Leaf(COMPLAINTS, "not_equals", "x"), BASE, U),
    ("lt", Leaf(INCOME, "lt", 850001), BASE, T),
    ("lt at the bound", Leaf(INCOME, "lt", 850000), BASE, C),
    ("le at the bound", Leaf(INCOME, "le", 850000), BASE, T),
    ("le below", Leaf(INCOME, "le", Decimal("849999.9999")), BASE, C),
    ("gt decimal", Leaf(INCOME, "gt", Decimal("849999.5")), BASE, T),
    ("gt at the bound", Leaf(INCOME, "gt", 850000), BASE, C),
    ("ge at the bound", Leaf(INCOME, "ge", Decimal("850000.0")), BASE, T),
    ("ge above", Leaf(INCOME, "ge", Decimal("850000.00001")), BASE, C),
    ("ge negative threshold", Leaf(INCOME, "ge", -5), BASE, T),
    ("lt on unknown", Leaf(INCOME, "lt", 5), data(**{"organisation.annual_income_gbp": None}), U),
    (
        "gt beyond int64",
        Leaf(INCOME, "gt", 10**18),
        data(**{"organisation.annual_income_gbp": 10**30}),
        T,
    ),
    (
        "lt beyond int64",
        Leaf(INCOME, "lt", 10**18),
        data(**{"organisation.annual_income_gbp": 10**30}),
        C,
    ),
    (
        "le tiny threshold",
        Leaf(INCOME, "le", Decimal("0.00001")),
        data(**{"organisation.annual_income_gbp": 0}),
        T,
    ),
    ("one_of", Leaf(FORM, "one_of", ("local_authority", "charitable_company")), BASE, T),
    ("one_of outside", Leaf(FORM, "one_of", ("local_authority", "nhs_body")), BASE, C),
    ("one_of nothing", Leaf(FORM, "one_of", ()), BASE, C),
    ("one_of on unknown", Leaf(("organisation", "delivery_model"), "one_of", ("local",)), BASE, U),
    ("has_any", Leaf(FUNCTIONS, "has_any", ("policing", "advocacy")), BASE, T),
    ("has_any none", Leaf(FUNCTIONS, "has_any", LAW), BASE, C),
    (
        "has_any on an empty list",
        Leaf(FUNCTIONS, "has_any", LAW),
        data(**{"organisation.functions": []}),
        C,
    ),
    ("has_any of nothing", Leaf(FUNCTIONS, "has_any", ()), BASE, C),
    ("has_any on unknown", Leaf(("imsa_service", "key_areas_covered"), "has_any", ("a",)), BASE, U),
    ("has_all", Leaf(FUNCTIONS, "has_all", ("advocacy", "training")), BASE, T),
    ("has_all lacking one", Leaf(FUNCTIONS, "has_all", ("advocacy", "research")), BASE, C),
    (
        "has_all on an empty list",
        Leaf(("imsa_service", "vetting_checks"), "has_all", ("x",)),
        BASE,
        C,
    ),
    ("has_all of nothing", Leaf(FUNCTIONS, "has_all", ()), BASE, T),
    ("has_all on unknown", Leaf(("imsa_service", "key_areas_covered"), "has_all", ("a",)), BASE, U),
    ("fact le fact", Leaf(PUBLIC, "le", None, INCOME), BASE, T),
    ("fact gt fact", Leaf(PUBLIC, "gt", None, INCOME), BASE, C),
    ("fact le fact, greater", Leaf(INCOME, "le", None, PUBLIC), BASE, C),
    ("fact ge fact, smaller", Leaf(PUBLIC, "ge", None, INCOME), BASE, C),
    ("fact ge fact, equal", Leaf(PUBLIC, "ge", None, PUBLIC), BASE, T),
    ("fact lt fact, equal", Leaf(PUBLIC, "lt", None, PUBLIC), BASE, C),
    (
        "fact lt fact",
        Leaf(("imsa_service", "accredited_imsas"), "lt", None, ("imsa_service", "planned_imsas")),
        BASE,
        T,
    ),
    (
        "fact ge fact, unknown other",
        Leaf(PUBLIC, "ge", None, INCOME),
        data(**{"organisation.annual_income_gbp": None}),
        U,
    ),
    (
        "fact equals fact",
        Leaf(("organisation", "name"), "equals", None, ("organisation", "id")),
        data(**{"organisation.name": "applicant"}),
        T,
    ),
    (
        "fact not_equals fact",
        Leaf(("organisation", "name"), "not_equals", None, ("organisation", "id")),
        BASE,
        T,
    ),
    (
        "fact is fact",
        Leaf(SAFEGUARDING, "is", None, INTERESTS),
        data(**{"governance.register_of_interests": True}),
        T,
    ),
    ("fact is fact, differing", Leaf(SAFEGUARDING, "is", None, INTERESTS), BASE, C),
    (
        "fact one_of fact",
        Leaf(FORM, "one_of", None, ("organisation", "name")),
        data(**{"organisation.name": "charitable_company"}),
        T,
    ),
    (
        "fact has_any fact",
        Leaf(FUNCTIONS, "has_any", None, ("organisation", "name")),
        data(**{"organisation.name": "training"}),
        T,
    ),
    (
        "fact has_all fact, absent",
        Leaf(FUNCTIONS, "has_all", None, ("organisation", "name")),
        BASE,
        C,
    ),
    (
        "fact has_any fact, empty list",
        Leaf(FUNCTIONS, "has_any", None, ("organisation", "name")),
        data(**{"organisation.functions": []}),
        C,
    ),
]


@pytest.mark.parametrize(
    ("node", "facts", "expected"), [case[1:] for case in LEAVES], ids=[case[0] for case in LEAVES]
)
def test_leaf(node: Node, facts: dict[str, Any], expected: Verdict) -> None:
    assert decide(node, facts) == expected


def test_equals_true_on_true_is_triggered() -> None:
    assert decide(Leaf(SAFEGUARDING, "equals", True), BASE) == T
    assert decide(Leaf(SAFEGUARDING, "not_equals", True), BASE) == C
    assert decide(Leaf(SAFEGUARDING, "equals", False), BASE) == C


FLAGS = {T: True, C: False, U: None}


@pytest.mark.parametrize("left", [T, C, U])
@pytest.mark.parametrize("right", [T, C, U])
def test_kleene_tables(left: Verdict, right: Verdict) -> None:
    facts = data(
        **{
            "governance.safeguarding_policy": FLAGS[left],
            "governance.register_of_interests": FLAGS[right],
        }
    )
    a, b = Leaf(SAFEGUARDING, "is", True), Leaf(INTERESTS, "is", True)
    both = {left, right}
    expected_all = C if C in both else U if U in both else T
    expected_any = T if T in both else U if U in both else C
    assert decide(AllOf((a, b)), facts) == expected_all
    assert decide(AnyOf((a, b)), facts) == expected_any
    assert decide(Not(a), facts) == {T: C, C: T, U: U}[left]
    assert decide(Not(Not(a)), facts) == left
    assert decide(AllOf((a, Not(a))), facts) == (U if left == U else C)


def test_junctions_of_nothing_and_of_many() -> None:
    assert decide(AllOf(()), BASE) == T
    assert decide(AnyOf(()), BASE) == C
    many = tuple(Leaf(INCOME, "ge", n) for n in range(20))
    assert decide(AllOf(many), BASE) == T
    assert decide(AnyOf((*many, Leaf(COMPLAINTS, "is", True))), BASE) == T
    assert decide(AllOf((*many, Leaf(COMPLAINTS, "is", True))), BASE) == U
    assert decide(AllOf((*many, Leaf(INCOME, "lt", 0))), BASE) == C


CURRENT_LAW = AllOf((Leaf(("current",), "is", True), Leaf(("functions",), "has_any", LAW)))
SERVING = Quantified("some", ("people",), Quantified("some", ("affiliations",), CURRENT_LAW))


def serving_police(current: bool | None) -> dict[str, Any]:
    """BASE whose first person has one police affiliation, ``current`` as given."""
    affiliation = {"organisation": "Police", "functions": ["policing"], "current": current}
    return data(people=[{**BASE["people"][0], "affiliations": [affiliation]}])


@pytest.mark.parametrize(
    ("name", "node", "facts", "expected"),
    [
        (
            "some person",
            Quantified("some", ("people",), Leaf(("roles",), "has_any", ("chair",))),
            BASE,
            T,
        ),
        (
            "some person, none",
            Quantified("some", ("people",), Leaf(("roles",), "has_any", ("director",))),
            BASE,
            C,
        ),
        (
            "every person",
            Quantified("every", ("people",), Leaf(("roles",), "has_any", ("chair", "imsa"))),
            BASE,
            T,
        ),
        (
            "every person, not all",
            Quantified("every", ("people",), Leaf(("roles",), "has_any", ("chair",))),
            BASE,
            C,
        ),
        (
            "some over empty",
            Quantified("some", ("people",), Leaf(("roles",), "has_any", ("x",))),
            data(people=[]),
            C,
        ),
        (
            "every over empty",
            Quantified("every", ("people",), Leaf(("roles",), "has_any", ("x",))),
            data(people=[]),
            T,
        ),
        (
            "some over unknown",
            Quantified(
                "some", ("organisation", "registrations"), Leaf(("register",), "equals", "oscr")
            ),
            data(**{"organisation.registrations": None}),
            U,
        ),
        (
            "every over unknown",
            Quantified(
                "every", ("organisation", "registrations"), Leaf(("register",), "equals", "oscr")
            ),
            data(**{"organisation.registrations": None}),
            U,
        ),
        (
            "some with an unknown item",
            Quantified("some", ("people",), Leaf(("name",), "equals", "X")),
            BASE,
            U,
        ),
        (
            "some decided despite an unknown item",
            Quantified("some", ("people",), Leaf(("name",), "equals", "Jane")),
            BASE,
            T,
        ),
        (
            "every decided despite an unknown item",
            Quantified("every", ("people",), Leaf(("name",), "equals", "X")),
            BASE,
            C,
        ),
        ("nested: no current law affiliation", SERVING, BASE, C),
        (
            "nested: a current law affiliation",
            SERVING,
            serving_police(current=True),
            T,
        ),
        (
            "nested: unknown currency",
            SERVING,
            serving_police(current=None),
            U,
        ),
        (
            "nested: unknown affiliations",
            SERVING,
            data(**{"people": [{**BASE["people"][1], "affiliations": None}]}),
            U,
        ),
        (
            "every registration in a scope of strings",
            Quantified("every", FUNCTIONS, Leaf((), "one_of", ("advocacy", "training"))),
            BASE,
            T,
        ),
    ],
)
def test_quantifiers(name: str, node: Node, facts: dict[str, Any], expected: Verdict) -> None:
    assert decide(node, facts) == expected


IN_CHAIN_LAW = Quantified("some", CONTROL_CHAIN, Leaf(("functions",), "has_any", LAW))
ALL_CHAIN_OTHER = Quantified("every", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("other",)))


def chain(*orgs: dict[str, Any]) -> dict[str, Any]:
    return data(related_organisations=list(orgs))


CHAINS = {
    "none": chain(org("funder", ["funder"], [], ["policing"])),
    "direct": chain(org("parent", ["parent"], [], ["policing"])),
    "controlling member": chain(org("member", ["controlling_member"], [], ["prosecution"])),
    "three steps": chain(
        org("holdings", ["parent"], ["trading"], ["other"]),
        org("trading", [], ["police"], ["other"]),
        org("police", [], [], ["policing"]),
    ),
    "cycle": chain(
        org("a", ["parent"], ["b"], ["other"]),
        org("b", [], ["a"], ["other"]),
        org("c", [], [], ["policing"]),
    ),
    "cycle reaching law": chain(
        org("a", ["parent"], ["b"], ["other"]),
        org("b", [], ["a", "c"], ["other"]),
        org("c", [], [], ["policing"]),
    ),
    "self-reference": chain(
        org("a", ["parent"], ["a"], ["other"]), org("police", [], [], ["policing"])
    ),
    "diamond": chain(
        org("left", ["parent"], ["top"], ["other"]),
        org("right", ["parent"], ["top"], ["other"]),
        org("top", [], ["police"], ["other"]),
        org("police", [], [], ["policing"]),
    ),
    "unknown functions": chain(
        org("parent", ["parent"], [], ["other"]), {**org("x", [], [], []), "functions": None}
    ),
}


@pytest.mark.parametrize(
    ("name", "some", "every"),
    [
        ("none", C, T),
        ("direct", T, C),
        ("controlling member", T, C),
        ("three steps", T, C),
        ("cycle", C, T),
        ("cycle reaching law", T, C),
        ("self-reference", C, T),
        ("diamond", T, C),
        ("unknown functions", C, T),
    ],
)
def test_control_chain(name: str, some: Verdict, every: Verdict) -> None:
    facts = CHAINS[name]
    assert decide(IN_CHAIN_LAW, facts) == some
    assert decide(ALL_CHAIN_OTHER, facts) == every


def test_control_chain_with_unknown_member_fact() -> None:
    facts = chain(
        org("parent", ["parent"], ["x"], ["other"]), {**org("x", [], [], []), "functions": None}
    )
    assert decide(IN_CHAIN_LAW, facts) == U
    assert decide(ALL_CHAIN_OTHER, facts) == U


def test_chain_inside_a_quantifier() -> None:
    node = Quantified(
        "some", ("people",), AllOf((Leaf(("roles",), "has_any", ("chair",)), IN_CHAIN_LAW))
    )
    assert decide(node, CHAINS["diamond"]) == T
    assert decide(node, CHAINS["cycle"]) == C
    inside_chain = Quantified(
        "some", CONTROL_CHAIN, AllOf((Leaf(("functions",), "has_any", ("other",)), IN_CHAIN_LAW))
    )
    assert decide(inside_chain, CHAINS["three steps"]) == T


def test_chain_membership_comes_from_the_engine() -> None:
    """The durable engine ignores FactBase.chain: it derives the chain itself."""
    facts = CHAINS["three steps"]
    wrong = FactBase(facts, ())  # a FactBase whose precomputed chain is (wrongly) empty
    durable = DurableEngine()
    durable.prepare([Target("t", IN_CHAIN_LAW)])
    assert durable.decide(wrong)["t"] == T
    native = NativeEngine()
    native.prepare([Target("t", IN_CHAIN_LAW)])
    assert native.decide(wrong)["t"] == C


def funders(*shares: str | None) -> dict[str, Any]:
    return chain(
        *(org(f"f{i}", ["funder"], [], ["policing"], share) for i, share in enumerate(shares)),
        org("other", ["funder"], [], ["other"], "0.4"),
    )


def share(
    op: CompareOp, threshold: str, over: tuple[str, ...] = ("related_organisations",)
) -> Node:
    return Aggregate(
        "law_share",
        "income_share",
        over,
        AllOf((Leaf(("relations",), "has_any", ("funder",)), Leaf(("functions",), "has_any", LAW))),
        op,
        Decimal(threshold),
    )


@pytest.mark.parametrize(
    ("name", "node", "facts", "expected"),
    [
        ("complete, reached", share("ge", "0.5"), funders("0.25", "0.25"), T),
        ("complete, not reached", share("ge", "0.5"), funders("0.25", "0.2499"), C),
        ("complete, exact decimals", share("equals", "0.3"), funders("0.1", "0.2"), T),
        ("complete, lt", share("lt", "0.5"), funders("0.1"), T),
        ("complete, gt zero", share("gt", "0"), funders("0"), C),
        ("complete, no terms", share("gt", "0"), funders(), C),
        ("complete, not_equals", share("not_equals", "0.3"), funders("0.1", "0.2"), C),
        ("incomplete, known shares reach it", share("ge", "0.5"), funders("0.5", None), T),
        ("incomplete, below", share("ge", "0.5"), funders("0.4", None), U),
        ("incomplete, gt reached", share("gt", "0"), funders("0.01", None), T),
        ("incomplete, lt beyond", share("lt", "0.5"), funders("0.5", None), C),
        ("incomplete, lt below", share("lt", "0.5"), funders("0.4", None), U),
        ("incomplete, le beyond", share("le", "0.5"), funders("0.5001", None), C),
        ("incomplete, equals beyond", share("equals", "0.5"), funders("0.6", None), C),
        ("incomplete, equals below", share("equals", "0.5"), funders("0.4", None), U),
        ("incomplete, not_equals beyond", share("not_equals", "0.5"), funders("0.6", None), T),
        (
            "unknown where",
            share("ge", "0.5"),
            chain({**org("f", ["funder"], [], [], "0.6"), "functions": None}),
            U,
        ),
        (
            "unknown list, ge zero",
            Aggregate("s", "income_share", ("nothing",), AllOf(()), "ge", Decimal(0)),
            BASE,
            T,
        ),
        (
            "over the chain",
            share("ge", "0.5", CONTROL_CHAIN),
            chain(org("p", ["parent", "funder"], [], ["policing"], "0.6")),
            T,
        ),
        (
            "over the chain, outside it",
            share("ge", "0.5", CONTROL_CHAIN),
            chain(org("p", ["funder"], [], ["policing"], "0.6")),
            C,
        ),
    ],
)
def test_aggregates(name: str, node: Node, facts: dict[str, Any], expected: Verdict) -> None:
    assert decide(node, facts) == expected


def test_many_targets_at_once() -> None:
    nodes = [case[1] for case in LEAVES if case[2] is BASE]
    targets = [Target(f"t{i}", node) for i, node in enumerate(nodes)]
    fact_base = FactBase(BASE, control_chain(BASE))
    native, durable = NativeEngine(), DurableEngine()
    native.prepare(targets)
    durable.prepare(targets)
    assert durable.decide(fact_base) == native.decide(fact_base)


def test_identical_subtrees_compile_once() -> None:
    one = compile_targets([Target("a", SERVING)])
    two = compile_targets(
        [Target("a", SERVING), Target("b", Not(SERVING)), Target("c", AllOf((SERVING,)))]
    )
    assert two.actions.keys() == one.actions.keys()
    assert len({two.roots[k][0] for k in "abc"}) == 1


def test_decide_before_prepare_decides_nothing() -> None:
    assert DurableEngine().decide(FactBase(BASE, ())) == {}


def test_engine_name() -> None:
    assert DurableEngine.name == "durable"
