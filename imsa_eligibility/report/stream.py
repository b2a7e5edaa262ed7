"""Report writers that stream: each decision is written as soon as it is made.

A :class:`ReportWriter` turns a batch into text piece by piece: :meth:`~ReportWriter.begin`,
then :meth:`~ReportWriter.decision` for each decision in report order, then
:meth:`~ReportWriter.end` with the errors. Concatenated, the pieces are exactly the whole
report (``render``), so a batch of any size is reported in constant memory, and a batch
decided on several processes gives the same bytes. A format that must see every decision
before writing (the panel pack, :mod:`.pack`, opens with a summary table) keeps them in
memory and writes everything at the end: :data:`STREAMED` names the formats that do not.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType

from ..decision import Decision
from ..errors import Problem
from .encode import indented
from .jsonreport import SCHEMA, decision_json, decision_line, error_json
from .text import Mark, plain, render_decision, render_errors

_INDENT = "    "  # a decision's depth inside the JSON report's "decisions" list
_DEPTH = 2  # that depth in levels of the report's indentation (2 spaces)


class ReportWriter(ABC):
    """Writes one report, a piece at a time.

    :meth:`piece` renders one decision and depends on nothing else, so that pieces can be
    rendered on other processes; :meth:`add` places a piece in the report (with the
    separator between pieces) and counts it.
    """

    separator = ""

    def __init__(self) -> None:
        self.written = 0

    @abstractmethod
    def begin(self) -> str:
        """What comes before the first decision."""

    @abstractmethod
    def piece(self, decision: Decision) -> str:
        """One decision, rendered on its own."""

    @abstractmethod
    def end(self, errors: Sequence[Problem]) -> str:
        """What comes after the last decision: the errors, and any closing."""

    def add(self, piece: str) -> str:
        """``piece`` as the next part of the report."""
        self.written += 1
        return (self.separator if self.written > 1 else "") + piece

    def decision(self, decision: Decision) -> str:
        """The next decision as the next part of the report."""
        return self.add(self.piece(decision))


class TextWriter(ReportWriter):
    """The assessor's notes, one after another, then the errors."""

    separator = "\n"  # a blank line between notes

    def __init__(self, mark: Mark = plain) -> None:
        super().__init__()
        self.mark = mark

    def begin(self) -> str:
        """Nothing: the text report has no heading."""
        return ""

    def piece(self, decision: Decision) -> str:
        """The note on one decision."""
        return render_decision(decision, self.mark)

    def end(self, errors: Sequence[Problem]) -> str:
        """Every error, one a line."""
        if not errors:
            return ""
        return ("\n" if self.written else "") + render_errors(errors, self.mark)


class JsonWriter(ReportWriter):
    """The JSON report, ``{"schema", "decisions", "errors"}``, written as it goes."""

    separator = ","

    def begin(self) -> str:
        """The opening, up to the decisions list."""
        return "{\n" + f'  "schema": {json.dumps(SCHEMA)},\n' + '  "decisions": ['

    def piece(self, decision: Decision) -> str:
        """One decision, indented as the whole document would indent it."""
        return "\n" + _INDENT + indented(decision_json(decision), 2, _DEPTH)

    def end(self, errors: Sequence[Problem]) -> str:
        """The close of the decisions, the errors, and the close of the document."""
        close = "\n  ]" if self.written else "]"
        if errors:
            items = [_INDENT + indented(error_json(e), 2, _DEPTH) for e in errors]
            listed = "[\n" + ",\n".join(items) + "\n  ]"
        else:
            listed = "[]"
        return close + ',\n  "errors": ' + listed + "\n}\n"


class JsonLinesWriter(ReportWriter):
    """One decision a line, then one ``{"error": ...}`` line per error."""

    def begin(self) -> str:
        """Nothing: every line stands alone."""
        return ""

    def piece(self, decision: Decision) -> str:
        """The decision as one line of JSON."""
        return decision_line(decision) + "\n"

    def end(self, errors: Sequence[Problem]) -> str:
        """Each error as its own line."""
        return "".join(
            json.dumps({"error": error_json(e)}, ensure_ascii=False) + "\n" for e in errors
        )


def _pack(name: str) -> Callable[[], ReportWriter]:
    """A maker of the pack writer ``name`` (:mod:`.pack` imports this module)."""

    def make() -> ReportWriter:
        from . import pack

        writer: ReportWriter = getattr(pack, name)()
        return writer

    return make


def _letter() -> ReportWriter:
    """The letter writer (:mod:`.letter` imports this module)."""
    from .letter import LetterWriter

    return LetterWriter()


#: Report formats by name: the CLI's ``-o`` choices are built from this registry.
#: ``markdown``, ``html`` and ``csv`` (the panel pack, :mod:`.pack`) hold the batch in memory;
#: ``letter`` (:mod:`.letter`, a plain-words letter per decision) streams, but is no
#: format of ``validate``, so it is not in :data:`STREAMED`.
WRITERS: Mapping[str, Callable[[], ReportWriter]] = MappingProxyType(
    {
        "text": TextWriter,
        "json": JsonWriter,
        "jsonl": JsonLinesWriter,
        "markdown": _pack("MarkdownWriter"),
        "html": _pack("HtmlWriter"),
        "csv": _pack("CsvWriter"),
        "letter": _letter,
    }
)


#: The formats written as each decision is made (the others hold the batch until the end).
STREAMED: tuple[str, ...] = ("text", "json", "jsonl")


def render(writer: ReportWriter, decisions: Iterable[Decision], errors: Sequence[Problem]) -> str:
    """The whole report from ``writer``: its pieces, joined."""
    return writer.begin() + "".join(writer.decision(d) for d in decisions) + writer.end(errors)
