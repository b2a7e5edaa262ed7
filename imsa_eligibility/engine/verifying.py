"""One engine decides, another decides again and explains: the two must agree.

durable_rules decides the verdicts but cannot say why; the native evaluator decides them
too, with evidence. :class:`VerifyingEngine` runs both on the same facts and reports the
deciding engine's verdicts with the explaining engine's evidence, or raises
:class:`~imsa_eligibility.errors.EngineError` at the first disagreement: a wrong report is
never made.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..errors import EngineError
from ..vocabulary import Verdict
from .evidence import Explanation
from .facts import FactBase
from .interface import Engine, ExplainingEngine, Target


class VerifyingEngine(ExplainingEngine):
    """``decider``'s verdicts, checked and explained by ``explainer``."""

    def __init__(self, decider: Engine, explainer: ExplainingEngine) -> None:
        self.decider = decider
        self.explainer = explainer
        self.name = decider.name
        self.verified_by = explainer.name

    def prepare(self, targets: Sequence[Target]) -> None:
        """Prepare both engines for the same targets."""
        self.decider.prepare(targets)
        self.explainer.prepare(targets)

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdicts, checked (see :meth:`explain`)."""
        return {key: found.verdict for key, found in self.explain(facts, keys).items()}

    def explain(
        self, facts: FactBase, keys: Collection[str] | None = None
    ) -> dict[str, Explanation]:
        """The explainer's explanations, once every verdict agrees with the decider's."""
        decided = self.decider.decide(facts, keys)
        explained = self.explainer.explain(facts, keys)
        for key in sorted(set(decided) | set(explained)):
            mine = decided.get(key)
            theirs = explained[key].verdict if key in explained else None
            if mine != theirs:
                raise EngineError(
                    f"the {self.name} engine decided {mine} for {key} but the "
                    f"{self.verified_by} engine decided {theirs}; no decision is reported"
                )
        return explained
