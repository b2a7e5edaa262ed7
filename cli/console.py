"""Writing to the terminal: colour only on a terminal, summaries on stderr."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from imsa_eligibility.errors import Problem, UsageError
from imsa_eligibility.printable import printable
from imsa_eligibility.vocabulary import Effect, Outcome, Verdict

if TYPE_CHECKING:  # rich is imported when something is styled or written to stderr
    from rich.console import Console
    from rich.text import Text

    from .inputs import Inputs

_STYLES: dict[str, str] = {
    Outcome.ELIGIBLE: "bold green",
    Outcome.ELIGIBLE_WITH_CONDITIONS: "bold yellow",
    Outcome.REFER_TO_PANEL: "bold magenta",
    Outcome.INCOMPLETE: "bold cyan",
    Outcome.INELIGIBLE: "bold red",
    Effect.EXCLUDE: "bold red",
    Effect.REFER: "bold magenta",
    Effect.CONDITION: "bold yellow",
    Effect.ADVISE: "blue",
    Verdict.UNKNOWN: "bold cyan",
    "waived": "bold green",
    "error": "bold red",
    "file": "bold",
}


@cache
def stderr() -> Console:
    """The console that notices and problems are written to (made on first use)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


_MARKED = re.compile(r"\x00(\w+)\x01(.*?)\x02", re.S)


def _mark(text: str, style: str) -> str:
    """Wrap a styled piece in control characters that :func:`_styled` turns into style."""
    return f"\x00{style}\x01{text}\x02"


mark = _mark  # the Mark the text report is styled with on a terminal


def _styled(marked: str) -> Text:
    """Rich text from marked text: literal text stays literal (``[policing]`` included)."""
    from rich.text import Text

    out, last = Text(), 0
    for match in _MARKED.finditer(marked):
        out.append(marked[last : match.start()])
        out.append(match.group(2), style=_STYLES.get(match.group(1), ""))
        last = match.end()
    out.append(marked[last:])
    return out


def write(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` (atomically), or to stdout."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped (``| head``): the rest is not wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError as exc:
            raise OutputError(
                f"cannot write the report to standard output: {exc.strerror}"
            ) from None
        return
    write_atomically(output, text.encode("utf-8"))


def write_atomically(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output`` so that it is whole or untouched, never half-written.

    The bytes go to a temporary file in the same folder, reach the disk, and then replace
    ``output`` in one rename: a run killed part-way leaves the previous file as it was.
    """
    sink = Sink(output)
    try:
        assert sink._handle is not None
        sink._handle.write(data)
    except OSError as exc:
        sink.abort()
        raise _unwritable(output, exc) from None
    sink.close()


class Sink:
    """Where a streamed report goes: standard output (styled on a terminal) or a file.

    A file is written to a temporary file in the same folder and renamed over ``output``
    only by :meth:`close`, so a run that stops part-way leaves the previous file whole.
    """

    def __init__(self, output: Path | None, *, styled: bool = False) -> None:
        self.output = output
        self.styled = styled and output is None and sys.stdout.isatty()
        self._console: Console | None = None
        if self.styled:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=True)
        self._temporary: Path | None = None
        self._handle: BinaryIO | None = None
        if output is not None:
            import tempfile

            try:
                descriptor, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
            except OSError as exc:
                raise _unwritable(output, exc) from None
            self._temporary = Path(name)
            self._handle = os.fdopen(descriptor, "wb")

    def write(self, text: str) -> None:
        """Add ``text`` to the report."""
        if not text:
            return
        if self._console is not None:
            self._console.print(_styled(text), end="")
        elif self._handle is not None:
            try:
                self._handle.write(text.encode("utf-8"))
            except OSError as exc:
                self.abort()
                raise _unwritable(self.output or Path("-"), exc) from None
        else:
            write(text, None)

    def close(self) -> None:
        """Finish the report: flush it, and put a file in place in one rename."""
        if self._handle is None or self._temporary is None or self.output is None:
            return
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            umask = os.umask(0)
            os.umask(umask)
            self._temporary.chmod(0o666 & ~umask)
            self._temporary.replace(self.output)
        except OSError as exc:
            self.abort()
            raise _unwritable(self.output, exc) from None
        self._handle = None

    def abort(self) -> None:
        """Drop a report that will not be finished (the previous file stays as it was)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                self._temporary.unlink()


def _unwritable(output: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write {printable(str(output))}: {reason}; give --output a path in a "
        "folder that exists and that you can write to"
    )


class OutputError(UsageError):
    """The report could not be written where the user asked (exit code 2)."""


def notice(message: str) -> None:
    """A one-line notice on stderr (control characters from inputs shown, never obeyed)."""
    from rich.markup import escape

    stderr().print(escape(printable(message)))


def announce(inputs: Inputs) -> Inputs:
    """Note each skipped input; when an input is also the output, say so (nothing is run)."""
    for skipped in inputs.skipped:
        notice(f"note: skipped {skipped}")
    if inputs.clash:
        problems(inputs.problems)
    return inputs


def problems(found: Sequence[Problem]) -> None:
    """Located problems on stderr, one a line."""
    for problem in found:
        stderr().print(_styled(_mark("error", "error") + ": " + problem.render()))
