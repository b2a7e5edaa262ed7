"""Outcomes from findings: the precedence that turns verdicts into a nation's outcome.

Outcomes are derived from findings alone, so anything that changes how findings count
(a panel's waiver marks a finding ``waived``) re-derives them with :func:`reassess`,
without deciding the profile again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..vocabulary import Effect, Nation, Outcome, Verdict
from .model import Decision, Finding, NationDecision


def nation_outcome(findings: Sequence[Finding]) -> Outcome:
    """The outcome the findings lead to, most severe first.

    Ineligible when an exclude rule is triggered; else incomplete when a counting rule is
    unknown; else refer_to_panel, eligible_with_conditions, eligible. Advice and waived
    findings never count.
    """
    return _outcome([f for f in findings if f.counts])


def _outcome(counting: Sequence[Finding]) -> Outcome:
    """The outcome of the findings that count (see :func:`nation_outcome`)."""
    triggered = {f.effect for f in counting if f.verdict is Verdict.TRIGGERED}
    if Effect.EXCLUDE in triggered:
        return Outcome.INELIGIBLE
    if any(f.verdict is Verdict.UNKNOWN for f in counting):
        return Outcome.INCOMPLETE
    if Effect.REFER in triggered:
        return Outcome.REFER_TO_PANEL
    if Effect.CONDITION in triggered:
        return Outcome.ELIGIBLE_WITH_CONDITIONS
    return Outcome.ELIGIBLE


def nation_decision(nation: Nation, findings: Sequence[Finding]) -> NationDecision:
    """A nation's decision: its outcome and the facts to provide, from its findings."""
    counting = [f for f in findings if f.counts]
    to_provide = tuple(
        dict.fromkeys(
            path for f in counting if f.verdict is Verdict.UNKNOWN for path in f.to_provide
        )
    )
    return NationDecision(nation, _outcome(counting), to_provide, tuple(findings))


def reassess(decision: Decision) -> Decision:
    """``decision`` with every outcome derived again from its findings as they now stand."""
    nations = tuple(nation_decision(n.nation, n.findings) for n in decision.nations)
    overall = Outcome.most_severe([n.outcome for n in nations])
    return dataclasses.replace(decision, nations=nations, outcome=overall)
