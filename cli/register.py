"""``imsa-eligibility register list|show|history|export|replay``: the panel's register.

A register is the SQLite file ``check --record DB`` writes (see
:mod:`imsa_eligibility.panel.register`). These commands read it: what was decided, for
whom, and whether each decision is made again, byte for byte, from what it was made from.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from imsa_eligibility.errors import UsageError
from imsa_eligibility.printable import printable
from imsa_eligibility.report.stream import WRITERS
from imsa_eligibility.suggest import did_you_mean
from imsa_eligibility.vocabulary import Outcome

from . import console
from .exitcodes import OK, REPLAY_DIFFERS
from .params import Command, Format, Group, choices, parser

if TYPE_CHECKING:
    from imsa_eligibility.panel.register import Entry, Register
    from imsa_eligibility.panel.replay import Replayed

app = typer.Typer(
    help="Read the decision register that 'check --record DB' writes: list, show, replay.",
    cls=Group,
    no_args_is_help=True,
)

if TYPE_CHECKING:
    from enum import StrEnum

    ListFormat = StrEnum
    ExportFormat = StrEnum
    OutcomeName = StrEnum
else:
    ListFormat = choices("ListFormat", ("text", "json"))
    ExportFormat = choices("ExportFormat", ("jsonl",))
    OutcomeName = choices("OutcomeName", Outcome)

TEXT = ListFormat("text")
SHOW_TEXT = Format("text")
JSONL = ExportFormat("jsonl")

DbArg = Annotated[
    Path,
    typer.Argument(help="The register (an SQLite file written by check --record).", metavar="DB"),
]
ListFormatOpt = Annotated[
    ListFormat,
    typer.Option(
        "-o", "--format", help="Output format.", parser=parser(ListFormat, "format", "--format")
    ),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write to FILE.", metavar="FILE")]


def _show_format(value: Any) -> Any:
    """A report format for ``show`` (any of the report writers)."""
    return parser(Format, "format", "--format")(value)


def _open(path: Path) -> Register:
    from imsa_eligibility.panel.register import Register

    return Register.open(path)


# --- list and history ------------------------------------------------------------------------


def _listing_json(entries: Iterable[Entry]) -> str:
    from imsa_eligibility.panel.register import LIST_SCHEMA

    document = {"schema": LIST_SCHEMA, "entries": [e.to_json() for e in entries]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _table(entries: list[Entry], *, organisation: bool = True) -> str:
    """The entries as a table for people, one a line, oldest first (without the
    organisation column when every entry is of one organisation: its history)."""
    head = ["ID", "RECORDED", "OUTCOME", "AS OF", "NATIONS", "ORGANISATION", "FILE"]
    rows = [
        [
            str(e.id),
            e.recorded_at,
            e.outcome.replace("_", " "),
            e.as_of,
            ",".join(e.nations),
            f"{e.organisation_id} ({e.organisation_name})",
            e.file,
        ]
        for e in entries
    ]
    if not organisation:
        for row in [head, *rows]:
            del row[5]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = []
    for row in [head, *rows]:
        cells = [row[0].rjust(widths[0])]
        cells += [cell.ljust(width) for cell, width in zip(row[1:-1], widths[1:], strict=True)]
        lines.append(printable("  ".join([*cells, row[-1]])))
    return "\n".join(lines) + "\n"


def _write_listing(
    entries: list[Entry], fmt: str, output: Path | None, *, heading: str = "", empty: str = ""
) -> None:
    if fmt == "json":
        console.write(_listing_json(entries), output)
    elif entries:
        text = _table(entries, organisation=not heading)
        console.write((printable(heading) + "\n" if heading else "") + text, output)
    else:
        console.write(empty + "\n", output)


@app.command("list", cls=Command)
def list_entries(
    db: DbArg,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation",
            help="Only this organisation's decisions (its organisation.id).",
            metavar="ID",
        ),
    ] = None,
    outcome: Annotated[
        OutcomeName | None,
        typer.Option(
            "--outcome",
            help="Only decisions with this overall outcome.",
            parser=parser(OutcomeName, "outcome", "--outcome"),
        ),
    ] = None,
    output_format: ListFormatOpt = TEXT,
    output: OutputOpt = None,
) -> None:
    """List the recorded decisions, oldest first."""
    with _open(db) as register:
        entries = register.entries(
            organisation=organisation, outcome=outcome.value if outcome else None
        )
        _write_listing(
            entries, output_format.value, output, empty=f"no decisions in {register.name}"
        )
    raise typer.Exit(OK)


@app.command(cls=Command)
def history(
    db: DbArg,
    organisation: Annotated[
        str, typer.Argument(help="The organisation's id (organisation.id).", metavar="ORGANISATION")
    ],
    output_format: ListFormatOpt = TEXT,
    output: OutputOpt = None,
) -> None:
    """Every decision recorded for one organisation, oldest first."""
    with _open(db) as register:
        entries = register.entries(organisation=organisation)
        if not entries:
            known = register.organisations()
            raise UsageError(
                f"the register {register.name} holds no decision for "
                f"'{printable(organisation)}': "
                + (
                    did_you_mean(organisation, known, noun="organisation")
                    if known
                    else "it holds no decisions yet"
                )
            )
        last = entries[-1]
        count = f"{len(entries)} decision{'s' if len(entries) != 1 else ''}"
        heading = f"{last.organisation_id} ({last.organisation_name}): {count}, oldest first"
        _write_listing(entries, output_format.value, output, heading=heading)
    raise typer.Exit(OK)


# --- show --------------------------------------------------------------------------------------


@app.command(cls=Command)
def show(
    db: DbArg,
    ident: Annotated[
        int, typer.Argument(help="The decision's id (see 'register list').", metavar="ID")
    ],
    output_format: Annotated[
        Format,
        typer.Option("-o", "--format", help="Report format.", parser=_show_format),
    ] = SHOW_TEXT,
    output: OutputOpt = None,
) -> None:
    """Show one recorded decision as the report showed it (text, JSON, or a one-applicant pack)."""
    from imsa_eligibility.panel.stored import shown_decision
    from imsa_eligibility.report.stream import ReportWriter, TextWriter, render
    from imsa_eligibility.report.text import plain

    fmt = output_format.value
    with _open(db) as register:
        stored = register.stored(ident)
        if stored is None:
            raise UsageError(
                f"the register {register.name} holds no decision {ident}; "
                f"'imsa-eligibility register list {register.name}' lists them"
            )
    decision = shown_decision(ident, stored.decision_json)
    styled = fmt == "text" and output is None and sys.stdout.isatty()
    mark = console.mark if styled else plain
    writer: ReportWriter = TextWriter(mark) if fmt == "text" else WRITERS[fmt]()
    sink = console.Sink(output, styled=styled)
    try:
        sink.write(render(writer, [decision], []))
        sink.close()
    except BaseException:
        sink.abort()
        raise
    raise typer.Exit(OK)


# --- export ------------------------------------------------------------------------------------


@app.command(cls=Command)
def export(
    db: DbArg,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "-o",
            "--format",
            help="Export format: jsonl, one stored decision a line (as check -o jsonl).",
            parser=parser(ExportFormat, "format", "--format"),
        ),
    ] = JSONL,
    output: OutputOpt = None,
) -> None:
    """Every stored decision's JSON, one a line, oldest first."""
    from imsa_eligibility.panel.register import compact

    with _open(db) as register:
        sink = console.Sink(output)
        try:
            for ident, text in register.decision_texts():
                try:
                    line = compact(text)
                except ValueError:
                    raise UsageError(
                        f"decision {ident} in {register.name} is not JSON: the register has "
                        "been changed by hand; 'register replay' names the difference"
                    ) from None
                sink.write(line + "\n")
            sink.close()
        except BaseException:
            sink.abort()
            raise
    raise typer.Exit(OK)


# --- replay ------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:159] + "…"


def _difference_lines(result: Replayed) -> list[str]:
    lines = [f"decision {result.id} ({result.file}) differs:"]
    for d in result.differences:
        where = " ".join(part for part in (d.nation, d.rule) if part)
        lines.append(
            f"  {where + ' ' if where else ''}{d.field}: before {_value(d.before)}, "
            f"after {_value(d.after)}"
        )
    return [printable(line) for line in lines]


@app.command(cls=Command)
def replay(
    db: DbArg,
    ids: Annotated[
        list[int] | None,
        typer.Argument(
            help="The decisions to replay (default: all).", metavar="ID...", show_default=False
        ),
    ] = None,
    output_format: ListFormatOpt = TEXT,
) -> None:
    """Decide each stored decision again from what it was made from; compare byte for byte.

    Exit 0 when every decision is reproduced, 7 when any differs (each difference named).
    """
    from imsa_eligibility.panel.replay import REPLAY_SCHEMA, Replayer

    fmt = output_format.value
    with _open(db) as register:
        chosen = register.ids()
        if ids:
            missing = sorted(set(ids) - set(chosen))
            if missing:
                raise UsageError(
                    f"the register {register.name} holds no decision "
                    f"{', '.join(map(str, missing))}; 'imsa-eligibility register list "
                    f"{register.name}' lists them"
                )
            chosen = list(dict.fromkeys(ids))
        results = []
        differ = 0
        with Replayer(register) as replayer:
            for result in replayer.replay_all(chosen):
                if not result.reproduced:
                    differ += 1
                    if fmt == "text":
                        console.write("\n".join(_difference_lines(result)) + "\n", None)
                if fmt == "json":
                    results.append(result.to_json())
    total = len(chosen)
    summary = (
        f"replayed {total} decision{'s' if total != 1 else ''}: {total - differ} reproduced"
        + (f", {differ} differ{'s' if differ == 1 else ''}" if differ else "")
    )
    if fmt == "json":
        document = {
            "schema": REPLAY_SCHEMA,
            "replayed": total,
            "reproduced": total - differ,
            "decisions": results,
        }
        console.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n", None)
        console.notice(summary)
    else:
        console.write(summary + "\n", None)
    raise typer.Exit(REPLAY_DIFFERS if differ else OK)
