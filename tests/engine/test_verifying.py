"""The verifying engine: the decider's verdicts, the explainer's evidence, or an error."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pytest

from imsa_eligibility.engine.facts import FactBase
from imsa_eligibility.engine.interface import Engine, Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.engine.verifying import VerifyingEngine
from imsa_eligibility.errors import EngineError
from imsa_eligibility.rules.ast import Test as Leaf
from imsa_eligibility.vocabulary import Verdict

TARGETS = [
    Target("A@england", Leaf(("governance", "ico_registered"), "is", True)),
    Target("B@england", Leaf(("governance", "safeguarding_policy"), "is", False)),
]
FACTS = FactBase({"governance": {"ico_registered": True, "safeguarding_policy": None}}, ())


class Fixed(Engine):
    """An engine that answers what it is told to, to prove disagreements are caught."""

    name = "fixed"

    def __init__(self, verdicts: dict[str, Verdict]) -> None:
        self.verdicts = verdicts
        self.prepared: tuple[Target, ...] = ()

    def prepare(self, targets: Sequence[Target]) -> None:
        self.prepared = tuple(targets)

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        return {k: v for k, v in self.verdicts.items() if keys is None or k in keys}


def _engine(verdicts: dict[str, Verdict]) -> VerifyingEngine:
    engine = VerifyingEngine(Fixed(verdicts), NativeEngine())
    engine.prepare(TARGETS)
    return engine


def test_agreeing_engines_give_the_explainers_evidence() -> None:
    engine = _engine({"A@england": Verdict.TRIGGERED, "B@england": Verdict.UNKNOWN})
    explained = engine.explain(FACTS)
    assert {k: e.verdict for k, e in explained.items()} == {
        "A@england": Verdict.TRIGGERED,
        "B@england": Verdict.UNKNOWN,
    }
    assert explained["B@england"].unknown == (("governance", "safeguarding_policy"),)
    assert (engine.name, engine.verified_by) == ("fixed", "native")
    assert isinstance(engine.decider, Fixed) and engine.decider.prepared == tuple(TARGETS)


def test_a_disagreement_is_an_engine_error_never_a_verdict() -> None:
    engine = _engine({"A@england": Verdict.CLEAR, "B@england": Verdict.UNKNOWN})
    with pytest.raises(EngineError, match=r"decided clear for A@england .* decided triggered"):
        engine.explain(FACTS)
    with pytest.raises(EngineError):
        engine.decide(FACTS)


def test_a_verdict_the_decider_left_out_is_a_disagreement() -> None:
    engine = _engine({"A@england": Verdict.TRIGGERED})
    with pytest.raises(EngineError, match="decided None for B@england"):
        engine.explain(FACTS)


def test_keys_limit_both_engines() -> None:
    engine = _engine({"A@england": Verdict.TRIGGERED, "B@england": Verdict.CLEAR})
    assert engine.decide(FACTS, ["A@england"]) == {"A@england": Verdict.TRIGGERED}
