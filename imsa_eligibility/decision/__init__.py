"""Decisions: per-nation verdicts for every applicable rule, outcomes, evidence and gaps.

- :mod:`.model`: the result objects (``Decision``, ``NationDecision``, ``Finding``,
  ``EvidenceItem``);
- :mod:`.decide`: deciding a profile with an explaining engine (``evaluate``);
- :mod:`.outcome`: outcomes derived from findings (``nation_outcome``, ``reassess``).
"""

from __future__ import annotations

from .decide import decide_nations, evaluate
from .model import Decision, EvidenceItem, Finding, NationDecision
from .outcome import nation_decision, nation_outcome, reassess

__all__ = [
    "Decision",
    "EvidenceItem",
    "Finding",
    "NationDecision",
    "decide_nations",
    "evaluate",
    "nation_decision",
    "nation_outcome",
    "reassess",
]
