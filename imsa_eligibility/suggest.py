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
    """A hint sentence: "did you mean 'x'?" or the list of allowed values when short."""
    pool = sorted(set(candidates))
    guess = closest(word, pool)
    if guess is not None:
        return f"did you mean '{guess}'?"
    if len(pool) <= 12:
        return f"use one of these {noun}s: " + ", ".join(pool)
    return f"see the schema for the allowed {noun}s"
