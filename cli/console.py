"""Writing to the terminal: colour only on a terminal, summaries on stderr."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from imsa_eligibility.decision import Decision
from imsa_eligibility.errors import Problem

Renderer = Callable[[Sequence[Decision], Sequence[Problem]], str]

_STYLES = {
    "eligible": "bold green",
    "eligible_with_conditions": "bold yellow",
    "refer_to_panel": "bold magenta",
    "incomplete": "bold cyan",
    "ineligible": "bold red",
    "exclude": "bold red",
    "refer": "bold magenta",
    "condition": "bold yellow",
    "advise": "blue",
    "unknown": "bold cyan",
    "error": "bold red",
    "file": "bold",
}

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


_MARKED = re.compile(r"\x00(\w+)\x01(.*?)\x02", re.S)


def _mark(text: str, style: str) -> str:
    """Wrap a styled piece in control characters that :func:`_styled` turns into style."""
    return f"\x00{style}\x01{text}\x02"


def _styled(marked: str) -> Text:
    """Rich text from marked text: literal text stays literal (``[policing]`` included)."""
    out, last = Text(), 0
    for match in _MARKED.finditer(marked):
        out.append(marked[last : match.start()])
        out.append(match.group(2), style=_STYLES.get(match.group(1), ""))
        last = match.end()
    out.append(marked[last:])
    return out


def emit(
    fmt: str, decisions: Sequence[Decision], errors: Sequence[Problem], output: Path | None
) -> None:
    """Write the report in format ``fmt`` to ``output`` or stdout (styled on a terminal)."""
    from imsa_eligibility.report import FORMATS, render_text

    if output is None and fmt == "text" and sys.stdout.isatty():
        Console(highlight=False, soft_wrap=True).print(
            _styled(render_text(decisions, errors, mark=_mark)), end=""
        )
        return
    write(FORMATS[fmt](decisions, errors), output)


def write(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output``, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {output}: {exc.strerror}") from None


class OutputError(Exception):
    """The report could not be written where the user asked (exit code 2)."""


def notice(message: str) -> None:
    """A one-line notice on stderr."""
    stderr.print(escape(message))


def problems(found: Sequence[Problem]) -> None:
    """Located problems on stderr, one a line."""
    for problem in found:
        stderr.print(_styled(_mark("error", "error") + ": " + problem.render()))
