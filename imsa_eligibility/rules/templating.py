"""Rule texts: placeholders filled per nation, checked when the rules load.

A rule's title, because, remedy and source may name ``{nation}``, any parameter
(``{vetting_scheme}``), and ``{missing}`` (the values a list lacks, filled in when a verdict
is known). Parameters are filled when a variant is built; ``{missing}`` when decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..source import PathKey
from ..suggest import did_you_mean

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
TEXT_PLACEHOLDERS = frozenset({"missing", "nation"})
TEXT_FIELDS = ("title", "because", "remedy", "source")


def fill(text: str, nation: str, values: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """Fill ``{nation}`` and parameter placeholders; ``{missing}`` waits for the verdict."""

    def shown(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "nation":
            return nation.replace("_", " ").title()
        if name not in values:
            return match.group(0)
        value = values[name]
        if isinstance(value, tuple | list):  # a list-valued parameter: its labels, listed
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return f"{value:,}"
        return labels.get(str(value), str(value))

    return PLACEHOLDER.sub(shown, text)


def fill_missing(text: str, missing: Sequence[str], label: Callable[[str], str]) -> str:
    """Fill ``{missing}`` with the labels of the values a list lacks."""
    if "{missing}" not in text:
        return text
    listed = ", ".join(label(m) for m in missing) or "none at present"
    return text.replace("{missing}", listed)


def placeholder_problems(
    text: str,
    where: PathKey,
    nation: str,
    values: Mapping[str, Any],
    known: Sequence[str],
) -> list[tuple[PathKey, str, str]]:
    """``(path, message, hint)`` for each placeholder in ``text`` that cannot be filled."""
    problems = []
    for placeholder in PLACEHOLDER.findall(text):
        if placeholder in TEXT_PLACEHOLDERS or placeholder in values:
            continue
        if placeholder in known:  # a parameter, but without a value for this nation
            problems.append(
                (
                    where,
                    f"the text names '{{{placeholder}}}', which has no value for {nation}",
                    f"add {nation} under its by_nation in ruleset.yaml",
                )
            )
            continue
        problems.append(
            (
                where,
                f"the text names '{{{placeholder}}}', which is not a parameter",
                did_you_mean(placeholder, [*known, *TEXT_PLACEHOLDERS], noun="parameter"),
            )
        )
    return problems
