"""Rule engines behind one interface: durable_rules (the default) and the native evaluator."""

from __future__ import annotations

from .interface import Engine, Target

ENGINES = ("durable", "native")


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


def make_engine(name: str, targets: list[Target]) -> Engine:
    """An engine of kind ``name``, prepared for ``targets``."""
    engine: Engine
    if name == "durable":
        from .durable import DurableEngine

        engine = DurableEngine()
    elif name == "native":
        from .native import NativeEngine

        engine = NativeEngine()
    else:
        raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
    engine.prepare(targets)
    return engine


__all__ = ["ENGINES", "Engine", "Target", "default_engine", "durable_ready", "make_engine"]
