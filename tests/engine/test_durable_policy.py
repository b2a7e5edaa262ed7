"""The shipped rule set, decided by both engines on every example, target by target.

``python -m tests.engine.test_durable_policy`` measures decisions per CPU second of each
engine on the rule set's targets alone (no loading, no evidence, no report; printed, never
asserted: timings do not belong in tests). ``bench/run.py`` measures the whole path.
"""

from __future__ import annotations

import sys
import time

import pytest

from imsa_eligibility.engine.durable import DurableEngine, durable_available
from imsa_eligibility.engine.facts import FactBase, facts_from_profile
from imsa_eligibility.engine.interface import Engine, Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import EXAMPLES, ROOT


def policy_targets() -> list[Target]:
    """Every rule-and-nation variant of the reference rule set."""
    ruleset = load_ruleset(ROOT / "rules")
    return [Target(v.key, v.node) for v in ruleset.variants.values()]


def example_facts() -> list[FactBase]:
    """The facts of every shipped example profile."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_profile(path)
        out.append(facts_from_profile(loaded.profile, loaded.document))
    return out


@pytest.mark.skipif(not durable_available(), reason="durable_rules not available")
def test_engines_agree_on_every_example() -> None:
    targets = policy_targets()
    assert len(targets) >= 100
    native, durable = NativeEngine(), DurableEngine()
    native.prepare(targets)
    durable.prepare(targets)
    facts = example_facts()
    assert facts
    some = [t.key for t in targets if t.key.endswith("@wales")]
    assert some, "a subset of the targets, or the second comparison is of two empty dicts"
    for fact_base in facts:
        assert durable.decide(fact_base) == native.decide(fact_base)
        chosen = durable.decide(fact_base, some)
        assert set(chosen) == set(some)
        assert chosen == native.decide(fact_base, some)


def rate(engine: Engine, facts: list[FactBase], seconds: float = 3.0) -> float:
    """Decisions (one profile, every target) per CPU second, over at least ``seconds``.

    CPU time rather than wall-clock time, which a shared machine makes noisy.
    """
    engine.prepare(policy_targets())
    for fact_base in facts:  # warm up: the ruleset is created once per process
        engine.decide(fact_base)
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for fact_base in facts:
            engine.decide(fact_base)
        count += len(facts)
    return count / (time.process_time() - start)


def main() -> None:
    """Print each engine's rate."""
    facts = example_facts()
    for engine in (DurableEngine(), NativeEngine()):
        sys.stdout.write(
            f"{engine.name}: {rate(engine, facts):.0f} decisions per CPU second "
            f"({len(policy_targets())} targets, {len(facts)} example profiles)\n"
        )


if __name__ == "__main__":
    main()
