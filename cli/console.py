"""Writing to the terminal: colour only on a terminal, summaries on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

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


def _mark(text: str, style: str) -> str:
    name = _STYLES.get(style)
    return f"[{name}]{escape(text)}[/]" if name else escape(text)


def emit(
    fmt: str, decisions: Sequence[Decision], errors: Sequence[Problem], output: Path | None
) -> None:
    """Write the report in format ``fmt`` to ``output`` or stdout (styled on a terminal)."""
    from imsa_eligibility.report import FORMATS, render_text

    if output is None and fmt == "text" and sys.stdout.isatty():
        Console(highlight=False, soft_wrap=True).print(
            render_text(decisions, errors, mark=_mark), end=""
        )
        return
    write(FORMATS[fmt](decisions, errors), output)


def write(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output``, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8")


def notice(message: str) -> None:
    """A one-line notice on stderr."""
    stderr.print(escape(message))


def problems(found: Sequence[Problem]) -> None:
    """Located problems on stderr, one a line."""
    for problem in found:
        stderr.print(_mark("error", "error") + ": " + escape(problem.render()))
