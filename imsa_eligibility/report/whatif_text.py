"""The what-if suggestions of a nation (``check --what-if``) in plain words, for the text report.

Each suggestion is one sentence ("If you adopt a written conflict of interest policy and
register with the Information Commissioner's Office, you would be eligible in Wales."),
worded from the plain questions of :mod:`imsa_eligibility.profile.questions`, followed by
the exact changes to make in the profile for whoever edits it. A fact without a plain
phrase falls back to its question, and a fact without a question to its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..decision import Change, NationDecision, WhatIf
from ..profile.questions import action
from ..vocabulary import Outcome

Mark = Callable[[str, str], str]

_WOULD = {
    Outcome.ELIGIBLE: "you would be eligible in {nation}",
    Outcome.ELIGIBLE_WITH_CONDITIONS: "you would be eligible with conditions in {nation}",
    Outcome.REFER_TO_PANEL: "the accreditation panel would decide your case in {nation}",
    Outcome.INCOMPLETE: "nothing would exclude you in {nation}, though some facts would "
    "still be missing",
    Outcome.INELIGIBLE: "you would still be ineligible in {nation}",
}


def _value(value: Any) -> str:
    """A value as it is written in a profile: true/false, [a, b], not given."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _phrase(change: Change) -> str:
    """What the organisation would do, as words that follow "If you"."""
    try:
        words = action(change.path, change.before, change.after)
    except (KeyError, IndexError, ValueError):  # a phrase with a placeholder it cannot fill
        words = ""
    if not words:
        words = f"change {change.path} to {_value(change.after)}"
    if change.about:
        for whose in ("this organisation", "this person"):
            if whose in words:
                return words.replace(whose, change.about, 1)
        return f"{words} ({change.about})"
    return words


def _and(parts: list[str]) -> str:
    """``a, b and c``; with semicolons when a part has commas of its own."""
    if len(parts) <= 1:
        return "".join(parts)
    comma = "; " if any("," in p for p in parts) else ", "
    last = "; and " if comma == "; " else " and "
    return comma.join(parts[:-1]) + last + parts[-1]


def sentence(suggestion: WhatIf, nation: str) -> str:
    """A suggestion as one sentence: "If you ..., you would be eligible in Wales."."""
    doing = _and([_phrase(c) for c in suggestion.changes])
    return f"If you {doing}, {_WOULD[suggestion.outcome].format(nation=nation)}."


def edits(suggestion: WhatIf) -> str:
    """The changes to write in the profile: ``path: before → after``, separated by ``;``."""
    return "; ".join(
        f"{c.path}: {_value(c.before)} → {_value(c.after)}" for c in suggestion.changes
    )


def what_if_lines(result: NationDecision, nation: str, mark: Mark) -> list[str]:
    """The nation's suggestions, indented for its part of the note (none when not asked)."""
    if result.what_if is None or result.outcome is Outcome.ELIGIBLE:
        return []
    head = mark("What would change this", "heading")
    if not result.what_if:
        after = (
            " Answer the questions above first, then check again."
            if result.outcome is Outcome.INCOMPLETE
            else ""
        )
        return [
            f"    {head}: nothing you could change yourself, up to three answers at a time, "
            f"would give a better outcome in {nation}.{after}"
        ]
    lines = [f"    {head} (each one checked by deciding again):"]
    for suggestion in result.what_if:
        lines.append(f"      {sentence(suggestion, nation)}")
        lines.append(f"        In the profile: {edits(suggestion)}")
    return lines


__all__ = ["edits", "sentence", "what_if_lines"]
