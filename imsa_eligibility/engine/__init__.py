"""Rule engines behind one interface: durable_rules (the default) and the native evaluator.

:data:`ENGINES` is the registry the CLI's ``--engine`` choices are built from.
:func:`make_engine` always returns an explaining engine: ``durable`` is durable_rules
deciding, verified and explained by the native evaluator; ``native`` decides alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from ..errors import UsageError
from ..rules.model import RuleSet
from .interface import Engine, ExplainingEngine, Target

ENGINES: Mapping[str, str] = MappingProxyType(
    {
        "durable": "durable_rules decides; the native evaluator checks every verdict and "
        "explains it",
        "native": "the plain-Python evaluator decides and explains alone",
    }
)


def durable_ready() -> bool:
    """Whether durable_rules can run in this Python (it does not import on 3.13+)."""
    try:
        from .durable import durable_available
    except ImportError:  # the adapter itself could not load
        return False
    return durable_available()


def default_engine() -> str:
    """``durable`` where it can run, else ``native``."""
    return "durable" if durable_ready() else "native"


def make_engine(name: str, targets: Sequence[Target]) -> ExplainingEngine:
    """An engine of kind ``name`` (a key of :data:`ENGINES`), prepared for ``targets``."""
    from .native import NativeEngine

    engine: ExplainingEngine
    if name == "durable":
        from .durable import DurableEngine
        from .verifying import VerifyingEngine

        engine = VerifyingEngine(DurableEngine(), NativeEngine())
    elif name == "native":
        engine = NativeEngine()
    else:
        raise UsageError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
    engine.prepare(targets)
    return engine


def engine_for(name: str, ruleset: RuleSet) -> ExplainingEngine:
    """An engine of kind ``name`` prepared for every variant of ``ruleset``, in every period
    of its dated values (:meth:`~imsa_eligibility.rules.model.RuleSet.all_variants`), so it
    decides ``ruleset.in_force(day)`` for any day.

    For durable_rules, a rule too large for any durable ruleset is refused first, located
    at the rule (:func:`.durable.limits.limit_problems`).
    """
    if name == "durable":
        from ..errors import RuleFileError
        from .durable.limits import limit_problems

        if found := limit_problems(ruleset):
            raise RuleFileError(found)
    return make_engine(name, [Target(v.key, v.node) for v in ruleset.all_variants()])


__all__ = [
    "ENGINES",
    "Engine",
    "ExplainingEngine",
    "Target",
    "default_engine",
    "durable_ready",
    "engine_for",
    "make_engine",
]
