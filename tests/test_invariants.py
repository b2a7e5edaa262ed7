"""Invariants of the decision, as property tests over generated profiles.

Each example costs a generated profile and a decision by both engines (about 20 ms), so
the examples are few: 60 where removing facts has many ways to go wrong, 40 for the plain
exclusion, 20 for the state test (three decisions an example). CI replays the same
examples (derandomised); local runs draw new ones, so coverage grows run by run.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsa_eligibility.decision import Decision, evaluate
from imsa_eligibility.engine import Target, durable_ready, make_engine
from imsa_eligibility.profile import LoadedProfile, Profile
from imsa_eligibility.report import render_json
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.source import Document
from tests.conftest import ROOT
from tests.strategies import profile_documents

AS_OF = dt.date(2026, 11, 28)
RULESET = load_ruleset(ROOT / "rules")
TARGETS = [Target(v.key, v.node) for v in RULESET.variants.values()]
ENGINE = make_engine("durable" if durable_ready() else "native", TARGETS)
LAW_ENFORCEMENT = RULESET.lists["law_enforcement_functions"].values
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decide(doc: dict[str, Any]) -> Decision:
    loaded = LoadedProfile(Profile.model_validate(doc), Document("generated.yaml", doc, "0" * 64))
    return evaluate(loaded, RULESET, as_of=AS_OF, engine=ENGINE)


def _optional_paths(doc: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """Paths of optional facts with no default (omitting them makes them unknown)."""
    paths: list[tuple[str | int, ...]] = []
    org = doc["organisation"]
    paths += [
        ("organisation", k)
        for k in ("delivery_model", "registrations", "annual_income_gbp", "public_funding_gbp")
        if k in org
    ]
    for section in ("governance", "imsa_service", "insurance"):
        if section in doc:
            paths.append((section,))
            paths += [(section, k) for k in doc[section]]
    for i, item in enumerate(doc["related_organisations"]):
        paths += [
            ("related_organisations", i, k)
            for k in ("income_share", "funding_conditions")
            if k in item
        ]
    for i, person in enumerate(doc["people"]):
        if "affiliations" in person:
            paths.append(("people", i, "affiliations"))
            paths += [
                ("people", i, "affiliations", j, "current")
                for j, aff in enumerate(person["affiliations"])
                if "current" in aff
            ]
    return paths


def _without(doc: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node: Any = out
    for step in path[:-1]:
        node = node[step]
    if path[-1] in node:
        del node[path[-1]]
    return out


@settings(SETTINGS, max_examples=40)
@given(profile_documents(), st.sampled_from(LAW_ENFORCEMENT))
def test_law_enforcement_is_always_ineligible(doc: dict[str, Any], function: str) -> None:
    doc["organisation"]["functions"] = sorted({*doc["organisation"]["functions"], function})
    decision = _decide(doc)
    assert decision.outcome == "ineligible"
    assert all(n.outcome == "ineligible" for n in decision.nations)


@SETTINGS
@given(profile_documents(), st.data())
def test_removing_facts_can_only_make_an_outcome_incomplete(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    paths = _optional_paths(doc)
    if not paths:
        return
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4, unique=True))
    reduced = doc
    for path in sorted(chosen, key=len, reverse=True):
        reduced = _without(reduced, path)
    before = {n.nation: n.outcome for n in _decide(doc).nations}
    after = {n.nation: n.outcome for n in _decide(reduced).nations}
    for nation, outcome in after.items():
        assert outcome in (before[nation], "incomplete"), (nation, before[nation], outcome)


@settings(SETTINGS, max_examples=20)
@given(profile_documents(), profile_documents())
def test_a_decision_depends_on_its_own_inputs_only(
    doc: dict[str, Any], other: dict[str, Any]
) -> None:
    """Deciding another profile in between changes nothing: no state leaks between runs.

    (Different processes giving the same bytes is checked in tests/cli/test_check.py.)
    """
    first = render_json([_decide(doc)], [])
    _decide(other)
    assert render_json([_decide(copy.deepcopy(doc))], []) == first
