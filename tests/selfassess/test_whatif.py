"""``check --what-if`` in the library: every suggestion re-verified here, and its limits.

For every shipped example (and the what-if test profiles in tests/data/whatif), each
suggestion's changes are applied to the profile's own data by this test, the changed
profile is validated and decided again with a fresh engine, and the nation's outcome is
compared with the one the suggestion claims. The limits are checked on the way: at most
five sets a nation, one to three changes a set, only changeable facts and never the
profile's identity, each fact once a set, a better outcome, and no shown set containing
another shown set whose outcome is at least as good (a superset is shown only when it does
strictly better than every shown set inside it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from imsa_eligibility.decision import Decision, NationDecision, WhatIf, evaluate
from imsa_eligibility.engine import ENGINES, durable_ready, engine_for
from imsa_eligibility.engine.facts import facts_from_profile
from imsa_eligibility.engine.interface import ExplainingEngine
from imsa_eligibility.profile.load import LoadedProfile, load_profile, load_profile_text
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.selfassess.whatif import (
    MAX_CHANGES,
    MAX_SETS,
    what_if,
    what_if_counted,
)
from imsa_eligibility.vocabulary import Outcome
from tests.conftest import DATA, EXAMPLES, ROOT
from tests.strategies import profile_documents

AS_OF = dt.date(2026, 11, 28)
RULESET = load_ruleset(ROOT / "rules")
NATIVE = engine_for("native", RULESET)
PROFILES = sorted(EXAMPLES.glob("*.yaml")) + sorted((DATA / "whatif").glob("*.yaml"))
FORBIDDEN = {"schema_version", "organisation.id", "organisation.name", "organisation.nations"}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def _field(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def _get(data: Any, path: str) -> Any:
    for step in _steps(path):
        if data is None:
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
    return data


def _apply(data: dict[str, Any], suggestion: WhatIf) -> dict[str, Any]:
    """The profile's data with the suggestion's changes made (by this test's own code)."""
    out: dict[str, Any] = json.loads(json.dumps(data, default=_plain))
    for change in suggestion.changes:
        *parents, last = _steps(change.path)
        node: Any = out
        for step in parents:
            if isinstance(step, str) and node.get(step) is None:
                node[step] = {}
            node = node[step]
        node[last] = change.after
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


def _decide(loaded: LoadedProfile, engine: ExplainingEngine) -> Decision:
    return evaluate(loaded, RULESET, as_of=AS_OF, engine=engine)


def _check_nation(data: dict[str, Any], base: NationDecision, engine: ExplainingEngine) -> None:
    suggestions = base.what_if
    assert suggestions is not None
    if base.outcome is Outcome.ELIGIBLE:
        assert suggestions == ()
        return
    assert len(suggestions) <= MAX_SETS
    shown: list[tuple[set[tuple[str, str]], Outcome]] = []
    for suggestion in suggestions:
        assert 1 <= len(suggestion.changes) <= MAX_CHANGES
        paths = [c.path for c in suggestion.changes]
        assert len(set(paths)) == len(paths), f"a fact changed twice: {paths}"
        for change in suggestion.changes:
            assert _field(change.path) in RULESET.changeable, change.path
            assert _field(change.path) not in FORBIDDEN
            assert change.after is not None
            assert change.after != change.before
            assert change.before == _get(data, change.path), change.path
        assert suggestion.outcome.severity > base.outcome.severity, "not a better outcome"
        # verified again here: the changes applied by this test, decided afresh
        changed = load_profile_text("changed.json", json.dumps(_apply(data, suggestion)).encode())
        again = {n.nation: n.outcome for n in _decide(changed, engine).nations}
        assert again[base.nation] is suggestion.outcome, (paths, again)
        this = {(c.path, json.dumps(c.after)) for c in suggestion.changes}
        for earlier, outcome in shown:
            assert not (earlier <= this and outcome.severity >= suggestion.outcome.severity), (
                f"not minimal: {paths} contains a shown set at least as good"
            )
        shown.append((this, suggestion.outcome))
    ranks = [(-s.outcome.severity, len(s.changes)) for s in suggestions]
    assert ranks == sorted(ranks), "best outcome first, then fewest changes"


def _data(loaded: LoadedProfile) -> dict[str, Any]:
    data: dict[str, Any] = loaded.profile.model_dump(mode="python", exclude_unset=True)
    return data


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_suggestion_is_verified_and_within_the_limits(path: Path, engine: str) -> None:
    if engine == "durable" and not durable_ready():
        pytest.skip("durable_rules cannot run on this Python")
    runner = engine_for(engine, RULESET)
    loaded = load_profile(path)
    base = _decide(loaded, runner)
    suggested = what_if(base, facts_from_profile(loaded.profile), RULESET, runner, as_of=AS_OF)
    for nation in suggested.nations:
        _check_nation(_data(loaded), nation, NATIVE)
    # nothing else of the decision changes
    assert [n.findings for n in suggested.nations] == [n.findings for n in base.nations]
    assert suggested.outcome is base.outcome


def _suggested(name: str) -> dict[str, list[tuple[Outcome, list[tuple[str, Any]]]]]:
    path = EXAMPLES / name if (EXAMPLES / name).exists() else DATA / "whatif" / name
    loaded = load_profile(path)
    base = _decide(loaded, NATIVE)
    decided = what_if(base, facts_from_profile(loaded.profile), RULESET, NATIVE, as_of=AS_OF)
    return {
        n.nation: [(w.outcome, [(c.path, c.after) for c in w.changes]) for w in n.what_if or ()]
        for n in decided.nations
    }


def test_a_superset_is_shown_when_it_reaches_a_better_outcome() -> None:
    """Insurance alone leaves a condition (the vetting checks); insurance and the checks
    make the charity eligible, so that set is shown too, and first, though it contains the
    smaller one."""
    insurance = ("insurance.employers_liability", True)
    vetting = ("imsa_service.vetting_checks", ["basic_dbs", "enhanced_dbs_adults_barred"])
    assert _suggested("unincorporated-charity-no-insurance.yaml")["england"] == [
        (Outcome.ELIGIBLE, [vetting, insurance]),
        (Outcome.ELIGIBLE_WITH_CONDITIONS, [insurance]),
    ]


def test_what_cannot_change_is_never_suggested() -> None:
    """A police force cannot stop being one; a council's legal form stays what it is."""
    assert _suggested("police-force.yaml") == {"england": []}
    assert _suggested("county-council-england.yaml") == {"england": []}


def test_either_fix_of_unregulated_advice_is_offered() -> None:
    assert _suggested("unregulated-immigration-advice.yaml")["england"] == [
        (Outcome.ELIGIBLE, [("imsa_service.gives_immigration_advice", False)]),
        (Outcome.ELIGIBLE, [("imsa_service.immigration_advice_regulated", True)]),
    ]


def test_a_compromising_funding_condition_is_dropped_and_the_rest_kept() -> None:
    assert _suggested("scio-funder-wants-case-data.yaml")["scotland"] == [
        (
            Outcome.ELIGIBLE_WITH_CONDITIONS,
            [("related_organisations[0].funding_conditions", ["referral_quotas"])],
        )
    ]


def test_two_exclusions_need_a_pair_of_changes() -> None:
    found = _suggested("two-exclusions-and-conditions.yaml")
    pair = [("governance.safeguarding_policy", True), ("governance.ico_registered", True)]
    # in England a third change clears the condition the pair leaves, so both are shown
    eligible = [*pair, ("imsa_service.accredited_imsas", 2)]
    assert found["england"] == [
        (Outcome.ELIGIBLE, eligible),
        (Outcome.ELIGIBLE_WITH_CONDITIONS, pair),
    ]
    assert found["scotland"] == [(Outcome.ELIGIBLE_WITH_CONDITIONS, pair)]


def test_three_conditions_need_three_changes_and_the_right_vetting_scheme() -> None:
    assert _suggested("three-conditions.yaml")["england"] == [
        (
            Outcome.ELIGIBLE,
            [
                ("governance.conflict_of_interest_policy", True),
                ("imsa_service.accredited_imsas", 2),
                ("imsa_service.vetting_checks", ["basic_dbs", "enhanced_dbs_adults_barred"]),
            ],
        )
    ]


def test_an_unknown_fact_takes_the_value_that_clears() -> None:
    assert _suggested("unknown-changeable-facts.yaml")["england"] == [
        (
            Outcome.ELIGIBLE,
            [("governance.ico_registered", True), ("imsa_service.clinical_supervision", True)],
        )
    ]


def test_the_search_keeps_to_its_budget() -> None:
    loaded = load_profile(DATA / "whatif" / "three-conditions.yaml")
    base = _decide(loaded, NATIVE)
    facts = facts_from_profile(loaded.profile)
    _, made = what_if_counted(base, facts, RULESET, NATIVE, as_of=AS_OF)
    assert 0 < made <= 40
    limited, made = what_if_counted(base, facts, RULESET, NATIVE, as_of=AS_OF, budget=3)
    assert made <= 3
    assert all(n.what_if == () for n in limited.nations)  # the triple was never reached


def test_suggestions_are_deterministic() -> None:
    loaded = load_profile(EXAMPLES / "unregulated-immigration-advice.yaml")
    base = _decide(loaded, NATIVE)
    facts = facts_from_profile(loaded.profile)
    first = what_if(base, facts, RULESET, NATIVE, as_of=AS_OF)
    assert what_if(base, facts, RULESET, NATIVE, as_of=AS_OF) == first


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(value)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=profile_documents())
def test_property_any_profile_gets_only_verified_minimal_suggestions(
    document: Mapping[str, Any],
) -> None:
    loaded = load_profile_text("drawn.json", json.dumps(document, default=_json).encode())
    base = _decide(loaded, NATIVE)
    decided, made = what_if_counted(
        base, facts_from_profile(loaded.profile), RULESET, NATIVE, as_of=AS_OF
    )
    assert made <= 400
    for nation in decided.nations:
        _check_nation(_data(loaded), nation, NATIVE)
