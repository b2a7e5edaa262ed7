"""Both engines agree on every verdict of the shipped rules for thousands of profiles.

The benchmark's seeded generator makes realistic applicants; each is decided by the durable
engine, and ``evaluate`` compares every verdict with the native evaluator's (a disagreement
raises EngineError). Hypothesis covers odd shapes; this covers volume.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from bench.generate import profile_texts
from imsa_eligibility.decision import evaluate
from imsa_eligibility.engine import Target, durable_ready, make_engine
from imsa_eligibility.profile import load_profile_text
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import ROOT

COUNT = 1000


@pytest.mark.skipif(not durable_ready(), reason="durable_rules cannot run on this Python")
def test_engines_agree_on_generated_applicants() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    engine = make_engine("durable", [Target(v.key, v.node) for v in ruleset.variants.values()])
    outcomes: Counter[str] = Counter()
    for index, text in enumerate(profile_texts(COUNT, seed=7)):
        loaded = load_profile_text(f"generated-{index}.yaml", text)
        nations = ["england", "wales", "scotland", "northern_ireland"]
        decision = evaluate(
            loaded, ruleset, nations=nations, as_of=dt.date(2026, 11, 28), engine=engine
        )
        outcomes.update(n.outcome for n in decision.nations)
    assert sum(outcomes.values()) == COUNT * 4
    assert len(outcomes) == 5, outcomes  # every outcome occurs: the sample is varied
