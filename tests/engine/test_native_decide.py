"""The native engine's fast paths: verdicts without evidence, and what it remembers.

``NativeEngine.decide`` decides without gathering evidence (the reference semantics with
short-circuiting junctions); it must give exactly the verdicts ``explain`` gives, on every
profile, and an engine that has decided one profile must decide the next as a fresh one
would: nothing it remembers (the targets a selection of keys names) holds a verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.engine import engine_for
from imsa_eligibility.engine.facts import FactBase, facts_from_profile
from imsa_eligibility.engine.interface import Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.profile.model import Profile
from imsa_eligibility.rules.ast import AllOf, AnyOf, Not, Quantified
from imsa_eligibility.rules.ast import Test as Leaf
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from imsa_eligibility.vocabulary import Verdict
from tests.strategies import profile_documents

T, C, U = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN
RULES: RuleSet = load_ruleset()


def _facts(doc: dict[str, Any]) -> FactBase:
    return facts_from_profile(Profile.model_validate(doc))


def _engine() -> NativeEngine:
    engine = engine_for("native", RULES)
    assert isinstance(engine, NativeEngine)
    return engine


ENGINE = _engine()  # one engine for every example: what it remembers must not leak


@settings(max_examples=60, deadline=None)
@given(profile_documents())
def test_decide_gives_the_verdicts_explain_gives(doc: dict[str, Any]) -> None:
    explained = ENGINE.explain(_facts(doc))
    assert ENGINE.decide(_facts(doc)) == {k: e.verdict for k, e in explained.items()}
    assert list(ENGINE.decide(_facts(doc))) == list(explained)  # in the order prepared


@settings(max_examples=30, deadline=None)
@given(st.lists(profile_documents(), min_size=2, max_size=4))
def test_one_engine_decides_each_profile_as_a_fresh_engine_would(
    docs: list[dict[str, Any]],
) -> None:
    keys = sorted(RULES.variants)[::3]
    for doc in docs:
        fresh = _engine()
        assert ENGINE.decide(_facts(doc), keys) == fresh.decide(_facts(doc), keys)
        assert ENGINE.explain(_facts(doc), keys) == fresh.explain(_facts(doc), keys)
        assert ENGINE.decide(_facts(doc)) == fresh.decide(_facts(doc))


def _applicant(functions: list[str], related: list[dict[str, Any]]) -> FactBase:
    doc = {
        "schema_version": 1,
        "organisation": {
            "id": "applicant",
            "name": "Applicant",
            "legal_form": "charitable_company",
            "functions": functions,
            "nations": ["england"],
        },
        "related_organisations": related,
        "people": [],
    }
    return _facts(doc)


def test_two_profiles_in_turn_keep_their_own_verdicts() -> None:
    police = [
        {
            "id": "force",
            "name": "Force",
            "functions": ["policing"],
            "relations": ["parent"],
        }
    ]
    engine = _engine()
    conflicted, clean = _applicant(["policing"], police), _applicant(["advocacy"], [])
    first = engine.decide(conflicted)
    second = engine.decide(clean)
    assert first["IND-001@england"] == T and first["IND-002@england"] == T
    assert second["IND-001@england"] == C and second["IND-002@england"] == C
    assert engine.decide(conflicted) == first  # and back again
    assert engine.explain(clean)["IND-001@england"].verdict == C


FLAGS = {"t": True, "c": False, "u": None, "xs": [{"f": True}, {"f": None}]}
SOME_F = Quantified("some", ("xs",), Leaf(("f",), "is", True))
EVERY_F = Quantified("every", ("xs",), Leaf(("f",), "is", True))


@pytest.mark.parametrize(
    ("node", "verdict"),
    [
        (AllOf((Leaf(("c",), "is", True), Leaf(("u",), "is", True))), C),
        (AllOf((Leaf(("u",), "is", True), Leaf(("t",), "is", True))), U),
        (AnyOf((Leaf(("u",), "is", True), Leaf(("t",), "is", True))), T),
        (AnyOf((Leaf(("u",), "is", True), Leaf(("c",), "is", True))), U),
        (Not(AnyOf(())), T),
        (SOME_F, T),
        (EVERY_F, U),
    ],
)
def test_decide_stops_at_the_first_decisive_part_with_the_same_verdict(
    node: Any, verdict: Verdict
) -> None:
    engine = NativeEngine()
    engine.prepare([Target("n", node)])
    base = FactBase(FLAGS, ())
    assert engine.decide(base) == {"n": verdict}
    assert engine.explain(base)["n"].verdict == verdict


def test_keys_select_targets_in_the_order_prepared_whatever_their_order() -> None:
    engine = NativeEngine()
    engine.prepare([Target(k, Leaf((k,), "is", True)) for k in ("t", "c", "u")])
    base = FactBase(FLAGS, ())
    assert list(engine.decide(base, ["u", "t"])) == ["t", "u"]
    assert engine.decide(base, {"c"}) == {"c": C}
    assert engine.decide(base, ("u", "missing")) == {"u": U}
    assert engine.decide(base, []) == {}
    assert list(engine.explain(base, ["u", "t"])) == ["t", "u"]
    engine.prepare([Target("t", Leaf(("c",), "is", True))])  # prepared again: new targets
    assert engine.decide(base, ["u", "t"]) == {"t": C}


def test_many_selections_of_keys_are_each_right() -> None:
    engine = NativeEngine()
    names = [f"k{i}" for i in range(100)]
    engine.prepare([Target(k, Leaf(("t",), "is", True)) for k in names])
    base = FactBase(FLAGS, ())
    for i in range(len(names)):  # more selections than the engine remembers
        assert engine.decide(base, names[i : i + 2]) == dict.fromkeys(names[i : i + 2], T)
