"""Decisions: per-nation verdicts for every applicable rule, outcomes, evidence and gaps.

- :mod:`.model`: the result objects (``Decision``, ``NationDecision``, ``Finding``,
  ``EvidenceItem``, ``AppliedWaiver``, and ``Change``/``WhatIf`` for suggestions);
- :mod:`.decide`: deciding a profile with an explaining engine (``evaluate``);
- :mod:`.outcome`: outcomes derived from findings (``nation_outcome``, ``reassess``).
"""

from __future__ import annotations

from .decide import decide_nations, evaluate
from .model import (
    AppliedWaiver,
    Change,
    Decision,
    EvidenceItem,
    Finding,
    NationDecision,
    WhatIf,
)
from .outcome import nation_decision, nation_outcome, reassess

__all__ = [
    "AppliedWaiver",
    "Change",
    "Decision",
    "EvidenceItem",
    "Finding",
    "NationDecision",
    "WhatIf",
    "decide_nations",
    "evaluate",
    "nation_decision",
    "nation_outcome",
    "reassess",
]
