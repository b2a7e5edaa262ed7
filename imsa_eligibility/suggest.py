"""Did-you-mean hints for misspelt keys, enum values, ids and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word``, or None when nothing is close enough."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[matches[0]] if matches else None
    return matches[0]


def did_you_mean(word: str, candidates: Iterable[str], *, noun: str = "one") -> str:
    """A hint sentence: "did you mean 'x'?", or else every allowed value, comma-separated.

    The allowed values are listed whatever their number: a person who wrote something far
    from all of them needs to see what they may write, not be sent to look it up.
    """
    pool = sorted(set(candidates))
    if not pool:
        return f"there are no {noun}s to choose from: define the {noun} first"
    guess = closest(word, pool)
    if guess is not None:
        return f"did you mean '{guess}'?"
    if len(pool) == 1:
        return f"write '{pool[0]}', the only {noun} allowed here"
    return f"use one of these {noun}s: " + ", ".join(pool)
