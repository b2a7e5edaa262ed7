"""What a verdict rests on: facts with their paths, values and profile lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..source import PathKey
from ..vocabulary import Verdict


@dataclass(frozen=True)
class Evidence:
    """One fact a verdict rests on. ``value`` None means the fact is unknown (missing).

    ``chain`` holds the control chain's steps for chain conditions; ``missing`` the values a
    list lacks for ``has_all`` tests; ``derived`` marks a value the engine computed, and
    ``at_least`` a sum known only to be at least ``value`` (some terms are unknown).
    ``checked`` marks a summary of a list: ``value`` items were checked, and the evidence of
    ``omitted`` of them is not listed (evidence stays bounded however long the list).
    """

    path: PathKey
    value: Any
    chain: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    derived: bool = False
    at_least: bool = False
    checked: bool = False
    omitted: int = 0


@dataclass(frozen=True)
class Explanation:
    """A condition's verdict, the evidence for it, and the unknown facts that would settle it."""

    verdict: Verdict
    evidence: tuple[Evidence, ...] = ()
    unknown: tuple[PathKey, ...] = ()


def merge(outcomes: list[Explanation]) -> tuple[tuple[Evidence, ...], tuple[PathKey, ...]]:
    """Evidence and unknown paths of several outcomes, without repeats, in order."""
    if len(outcomes) == 1:
        only = outcomes[0]
        if len(only.evidence) <= 1 and len(only.unknown) <= 1:  # nothing to repeat
            return only.evidence, only.unknown
    evidence: dict[tuple[Any, ...], Evidence] = {}
    unknown: dict[PathKey, None] = {}
    for outcome in outcomes:
        for item in outcome.evidence:
            evidence.setdefault((item.path, item.derived), item)
        for path in outcome.unknown:
            unknown.setdefault(path, None)
    return tuple(evidence.values()), tuple(unknown)
