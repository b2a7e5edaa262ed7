"""The plain question for every fact of a profile: what reports, the interview and the letter ask.

SKELETON (being filled in): the API below is fixed; the entries are not complete yet.

A fact is named by its *field path*: dots, no list indexes (``governance.ico_registered``,
``related_organisations.income_share``, ``people.affiliations.current``). Report paths with
indexes (``related_organisations[0].income_share``) are accepted everywhere and read as
their field path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Question:
    """How to ask for one fact, in plain words.

    ``ask`` is the question ("Is your organisation registered with the Information
    Commissioner's Office?"); ``help`` a sentence or two on what it means; ``labels`` the
    plain words for each enum value (for list facts, of each item's values); ``yes`` and
    ``no`` (true/false facts) what the organisation would do to make it true or false, as a
    phrase that follows "If you ..." ("register with the Information Commissioner's Office",
    "stop charging survivors for the service").
    """

    path: str
    ask: str
    help: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    yes: str = ""
    no: str = ""


QUESTIONS: Mapping[str, Question] = {
    "governance.ico_registered": Question(
        "governance.ico_registered",
        "Is your organisation registered with the Information Commissioner's Office (ICO)?",
        "Organisations that handle personal information pay the ICO's data protection fee.",
        yes="register with the Information Commissioner's Office",
        no="",
    ),
}


def field_path(path: str) -> str:
    """``related_organisations[0].income_share`` -> ``related_organisations.income_share``."""
    return _INDEX.sub("", path)


def question(path: str) -> Question | None:
    """The question for the fact at ``path`` (a field path or a report path), if any."""
    return QUESTIONS.get(field_path(path))


def ask(path: str) -> str:
    """The plain question for ``path``; the path itself when there is none."""
    found = question(path)
    return found.ask if found else path


def label(path: str, value: Any) -> str:
    """The plain words for ``value`` of the fact at ``path``."""
    found = question(path)
    text = str(value)
    if found and text in found.labels:
        return found.labels[text]
    return text.replace("_", " ")
