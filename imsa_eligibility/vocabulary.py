"""The words every layer shares, each defined once: Nation, Effect, Verdict and Outcome.

Each is a :class:`~enum.StrEnum`, so a member *is* its contract word (``Outcome.ELIGIBLE ==
"eligible"``, and JSON writes it as such), and each carries what the layers above need:
the order reports use, plain-words labels, and for outcomes the severity and exit code.
Nothing here imports another module of the project: every layer may import it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache


class Nation(StrEnum):
    """A UK nation where the organisation would employ IMSAs; declared in report order."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        """The nation's name as people write it (``Northern Ireland``)."""
        return self.value.replace("_", " ").title()

    @property
    def rank(self) -> int:
        """The nation's place in report order (England first)."""
        return _rank(Nation)[self]


class Effect(StrEnum):
    """What a triggered rule does to the outcome, most severe first."""

    EXCLUDE = "exclude"
    REFER = "refer"
    CONDITION = "condition"
    ADVISE = "advise"

    @property
    def counts(self) -> bool:
        """Whether a finding with this effect can change the outcome (advice never does)."""
        return self is not Effect.ADVISE

    @property
    def rank(self) -> int:
        """0 for the most severe effect."""
        return _rank(Effect)[self]


class Verdict(StrEnum):
    """A rule's three-valued verdict for one nation."""

    TRIGGERED = "triggered"
    CLEAR = "clear"
    UNKNOWN = "unknown"

    @property
    def negated(self) -> Verdict:
        """The verdict of ``not`` this one: triggered and clear swap, unknown stays."""
        return _NEGATED[self]


_NEGATED = {
    Verdict.TRIGGERED: Verdict.CLEAR,
    Verdict.CLEAR: Verdict.TRIGGERED,
    Verdict.UNKNOWN: Verdict.UNKNOWN,
}


class Outcome(StrEnum):
    """A nation's outcome (and a decision's, over its nations), most severe first."""

    INELIGIBLE = "ineligible"
    INCOMPLETE = "incomplete"
    REFER_TO_PANEL = "refer_to_panel"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions"
    ELIGIBLE = "eligible"

    @property
    def severity(self) -> int:
        """0 for the most severe outcome (ineligible), 4 for eligible."""
        return _rank(Outcome)[self]

    @property
    def exit_code(self) -> int:
        """The command's exit code for this outcome."""
        return _EXIT_CODES[self]

    @property
    def label(self) -> str:
        """The outcome in plain words (``refer to panel``)."""
        return self.value.replace("_", " ")

    @staticmethod
    def most_severe(outcomes: list[Outcome]) -> Outcome:
        """The most severe of ``outcomes`` (eligible when there are none)."""
        return min(outcomes, key=lambda o: o.severity, default=Outcome.ELIGIBLE)


_EXIT_CODES = {
    Outcome.ELIGIBLE: 0,
    Outcome.ELIGIBLE_WITH_CONDITIONS: 3,
    Outcome.REFER_TO_PANEL: 4,
    Outcome.INCOMPLETE: 5,
    Outcome.INELIGIBLE: 6,
}


@cache
def _rank(kind: type[StrEnum]) -> dict[StrEnum, int]:
    return {member: index for index, member in enumerate(kind)}


__all__ = ["Effect", "Nation", "Outcome", "Verdict"]
