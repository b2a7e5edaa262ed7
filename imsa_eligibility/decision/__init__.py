"""Decisions: per-nation verdicts for every applicable rule, outcomes, evidence and gaps.

- :mod:`.model`: the result objects (``Decision``, ``NationDecision``, ``Finding``,
  ``EvidenceItem``, ``AppliedWaiver``);
- :mod:`.decide`: deciding a profile with an explaining engine (``evaluate``);
- :mod:`.outcome`: outcomes derived from findings (``nation_outcome``, ``reassess``).
"""

from __future__ import annotations

from .decide import decide_nations, evaluate
from .model import AppliedWaiver, Decision, EvidenceItem, Finding, NationDecision
from .outcome import nation_decision, nation_outcome, reassess

__all__ = [
    "AppliedWaiver",
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
