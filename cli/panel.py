"""``imsa-eligibility panel conflicts``: the panel members' own conflicts with applicants."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from imsa_eligibility.errors import Problem, ProfileError
from imsa_eligibility.printable import printable

from . import console
from .exitcodes import INVALID, OK
from .inputs import _same, expand, load
from .params import Command, Group, choices, parse_date, parser

if TYPE_CHECKING:
    from imsa_eligibility.panel.conflicts import Conflict

    ConflictsFormat = StrEnum
else:
    ConflictsFormat = choices("ConflictsFormat", ("text", "json", "csv"))

CONFLICTS_TEXT = ConflictsFormat("text")
DECLARE_ONLY = 3  # declarations, no recusal
RECUSE = 4  # at least one member must step out

app = typer.Typer(
    help="The accreditation panel's own checks: its members' conflicts of interest.",
    cls=Group,
    no_args_is_help=True,
)


@app.command(cls=Command)
def conflicts(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Applicant profiles, or folders of them.", metavar="PATH", show_default=False
        ),
    ],
    panel: Annotated[
        Path,
        typer.Option("--panel", help="The panel's members file (see README).", metavar="FILE"),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The date of the meeting, YYYY-MM-DD (default: today): when an ended "
            "interest's cooling-off period is judged.",
            metavar="DATE",
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="Rule set folder whose panel/conflicts.yaml is the policy (default: the "
            "shipped rules).",
            metavar="DIR",
        ),
    ] = None,
    output_format: Annotated[
        ConflictsFormat,
        typer.Option(
            "-o",
            "--format",
            help="Output format.",
            parser=parser(ConflictsFormat, "format", "--format"),
        ),
    ] = CONFLICTS_TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the list to FILE.", metavar="FILE")
    ] = None,
) -> None:
    """List each member's conflicts with each applicant: who recuses, who declares.

    Exit 0 no conflict, 3 declarations only, 4 any recusal, 2 invalid input.
    """
    from imsa_eligibility.panel.conflicts import find_conflicts
    from imsa_eligibility.panel.members import load_panel, load_policy, policy_path
    from imsa_eligibility.resources import rules_dir

    date = parse_date(as_of)
    # A bad panel file or policy raises PanelFileError: app.main reports it, exit 2.
    policy = load_policy(policy_path(rules if rules is not None else rules_dir()))
    members = load_panel(panel)
    inputs = console.announce(expand(paths, output))
    if inputs.clash:
        raise typer.Exit(INVALID)
    errors: list[Problem] = list(inputs.problems)
    loaded = []
    for path in inputs.files:
        if panel.exists() and _same(path, panel):
            continue
        try:
            loaded.append(load(path))
        except ProfileError as exc:
            errors += exc.problems
    found = find_conflicts(members, loaded, policy, date)
    errors.sort(key=lambda p: (p.file, p.line, p.column))
    fmt = output_format.value
    if fmt == "json":
        from imsa_eligibility.panel.conflicts import conflicts_json

        body = conflicts_json(found, [p.to_json() for p in errors])
        text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = _csv(found)
    else:
        text = _text(members.panel, found, len(loaded), date)
    console.write(text, output)
    if errors:
        console.problems(errors)
    recusals = sum(1 for c in found if c.action.value == "recuse")
    console.notice(
        f"{len(found)} conflict(s): {recusals} recusal(s), {len(found) - recusals} "
        f"declaration(s) among {len(members.members)} member(s) and {len(loaded)} applicant(s)"
    )
    if errors:
        code = INVALID
    elif recusals:
        code = RECUSE
    elif found:
        code = DECLARE_ONLY
    else:
        code = OK
    raise typer.Exit(code)


def _text(panel: str, found: list[Conflict], applicants: int, as_of: dt.date) -> str:
    lines = [f"{printable(panel)}: members' conflicts as of {as_of}"]
    if not found:
        lines.append(f"  no conflicts with the {applicants} applicant(s)")
    current = None
    for conflict in found:
        key = (conflict.file, conflict.organisation_id)
        if key != current:
            current = key
            lines.append(
                f"{printable(conflict.file)} — {printable(conflict.organisation_name)} "
                f"({conflict.organisation_id})"
            )
        lines.append(
            f"  {conflict.action.value.upper()} {printable(conflict.member_name)} "
            f"({conflict.member_id}): {printable(conflict.because)}"
        )
        lines.append(
            f"      interest: {conflict.interest.file}:{conflict.interest.line}; matched: "
            f"{conflict.target.path} ({printable(conflict.file)}:{conflict.target.line}, "
            f"by {conflict.match.value})"
        )
    return "".join(line + "\n" for line in lines)


def _csv(found: list[Conflict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "member_id",
            "member_name",
            "organisation_id",
            "organisation_name",
            "file",
            "action",
            "match",
            "interest_line",
            "relation",
            "matched_path",
            "matched_line",
            "matched_name",
            "because",
        ]
    )
    for c in found:
        writer.writerow(
            [
                c.member_id,
                c.member_name,
                c.organisation_id,
                c.organisation_name,
                c.file,
                c.action.value,
                c.match.value,
                c.interest.line,
                c.interest.relation.value,
                c.target.path,
                c.target.line,
                c.target.name,
                c.because,
            ]
        )
    return out.getvalue()
