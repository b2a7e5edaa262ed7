"""What the panel's files (waivers, members) share when they are read: the field check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Problem
from ..source import Document, PathKey
from ..suggest import closest, did_you_mean, meant


def field_problems(
    doc: Document,
    path: PathKey,
    data: dict[str, Any],
    allowed: tuple[str, ...],
    optional: tuple[str, ...],
    what: Mapping[str, str],
) -> list[Problem]:
    """Unknown fields (with a did-you-mean) and missing required ones, located in ``doc``.

    A misspelt required field is reported once, as the misspelling; ``what`` says what each
    required field holds (for the hint that adds it).
    """
    found: list[Problem] = []
    missing = [k for k in allowed if k not in optional and k not in data]
    guesses: dict[str, str] = {}
    for key in data:
        if key in allowed:
            continue
        guess = closest(str(key), missing)
        if guess is not None and guess not in guesses.values():
            guesses[key] = guess
    for key in data:
        if key in allowed:
            continue
        if key in guesses:
            hint = meant(str(key), guesses[key], note=" (a required field)")
        else:
            hint = did_you_mean(str(key), allowed, noun="field")
        found.append(doc.problem((*path, key), f"unknown field '{key}'", hint, key=True))
    for key in missing:
        if key not in guesses.values():
            message = f"required field '{key}' is missing"
            found.append(doc.problem(path, message, f"add '{key}:' with {what[key]}", key=True))
    return found
