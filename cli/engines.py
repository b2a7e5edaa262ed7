"""Which engine a command decides with: the one asked for, or the default for this Python."""

from __future__ import annotations

from . import console


def choose_engine(name: str | None) -> str | None:
    """``name``, or the default engine (with a note when durable_rules cannot run here and
    the native engine decides instead); None, reported, when durable is asked for and cannot
    run on this Python (the caller exits 2)."""
    from imsa_eligibility.engine import default_engine, durable_ready

    if name == "durable" and not durable_ready():
        console.notice(
            "error: the durable engine cannot run on this Python (durable_rules "
            "2.0.28 needs Python < 3.13); use --engine native"
        )
        return None
    if name is None:
        name = default_engine()
        if name != "durable":
            console.notice(
                "note: durable_rules cannot run on this Python; using the native "
                "engine (same rules, same verdicts)"
            )
    return name
