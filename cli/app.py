"""The ``imsa-eligibility`` command: check, validate, template, schema (and rules subcommands)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from imsa_eligibility.errors import ImsaError

from . import console
from .exitcodes import INTERNAL, INVALID, OK
from .params import (
    Command,
    Engine,
    Format,
    Group,
    NationName,
    SchemaName,
    ValidateFormat,
    listing,
    parse_date,
    parser,
)

app = typer.Typer(
    name="imsa-eligibility",
    help="Decide whether an organisation may employ an Independent Modern Slavery Advocate "
    "(IMSA), nation by nation, and explain every decision.",
    cls=Group,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    list[Path],
    typer.Argument(help="Profile files or folders of them.", metavar="PATH", show_default=False),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "-o", "--format", help="Report format.", parser=parser(Format, "format", "--format")
    ),
]
ValidateFormatOpt = Annotated[
    ValidateFormat,
    typer.Option(
        "-o",
        "--format",
        help="Output format.",
        parser=parser(ValidateFormat, "format", "--format"),
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Write the report to FILE.", metavar="FILE")
]
TEXT = Format("text")
VALIDATE_TEXT = ValidateFormat("text")


def _version(value: bool) -> None:
    if value:
        from imsa_eligibility import __version__

        console.write(f"imsa-eligibility {__version__}\n", None)
        raise typer.Exit(OK)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the tool's version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Options of the command itself (the commands' own follow each command)."""


@app.command(cls=Command)
def check(
    paths: PathsArg,
    nation: Annotated[
        list[NationName] | None,
        typer.Option(
            "--nation",
            help="Decide for this nation instead of the profile's own (repeatable): "
            f"{listing(NationName)}.",
            metavar="NATION",
            parser=parser(NationName, "nation", "--nation"),
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="Rule set folder (default: the shipped reference rules).",
            metavar="DIR",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Decide as of this date, YYYY-MM-DD (default: today).",
            metavar="DATE",
        ),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            "--engine",
            help="Rule engine (default: durable where it can run, else native).",
            parser=parser(Engine, "engine", "--engine"),
        ),
    ] = None,
    output_format: FormatOpt = TEXT,
    output: OutputOpt = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Decide on N processes (default: every core for batches of 200 profiles "
            "or more, else one). The report is the same whatever N.",
            metavar="N",
            min=1,
        ),
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            help="The accreditation panel's waivers file: waivers in force on the --as-of "
            "date set triggered findings aside (see README, Panels: waivers).",
            metavar="FILE",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            help="Store every decision, with the profile, rules and waivers it was made "
            "from, in the register DB (an SQLite file, made when missing); see 'register'.",
            metavar="DB",
        ),
    ] = None,
    what_if: Annotated[
        bool,
        typer.Option(
            "--what-if",
            help="For each nation not eligible, show the smallest sets of changes (at most "
            "three each) you could make that would give a better outcome, each checked by "
            "deciding again (text, json, jsonl).",
        ),
    ] = False,
) -> None:
    """Decide each profile, per nation, and explain every decision.

    PATHs: profiles (YAML, JSON), folders, .jsonl files (a profile a line), or - (stdin).
    """
    from .check import run_check

    code = run_check(
        paths,
        nations=[n.value for n in nation] if nation else None,
        rules=rules,
        as_of=parse_date(as_of),
        engine=engine.value if engine else None,
        fmt=output_format.value,
        output=output,
        jobs=jobs,
        waivers=waivers,
        record=record,
        what_if=what_if,
    )
    raise typer.Exit(code)


@app.command(cls=Command)
def validate(
    paths: PathsArg, output_format: ValidateFormatOpt = VALIDATE_TEXT, output: OutputOpt = None
) -> None:
    """Check profiles against the profile format (no decision). Exit 0 when all are valid."""
    from .validate import run_validate

    raise typer.Exit(run_validate(paths, fmt=output_format.value, output=output))


@app.command(cls=Command)
def init(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Where to save the profile (default: your organisation's id, .yaml).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", help="Carry on with an unfinished interview saved in FILE.", metavar="FILE"
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Decide as of this date, YYYY-MM-DD (default: today).", metavar="DATE"
        ),
    ] = None,
) -> None:
    """Answer a few questions in plain words: writes your profile, then shows the decision.

    Saves after every answer; stop at any time and carry on with --resume FILE.
    """
    from .init import run_init

    raise typer.Exit(run_init(file, resume, as_of=parse_date(as_of)))


@app.command(cls=Command)
def template() -> None:
    """Print the commented profile template: save it, fill it in, then check it."""
    from imsa_eligibility.resources import template_path

    console.write(template_path().read_text(encoding="utf-8"), None)


@app.command(cls=Command)
def schema(
    name: Annotated[
        SchemaName,
        typer.Argument(
            help="Which schema.", metavar="NAME", parser=parser(SchemaName, "schema", "NAME")
        ),
    ],
) -> None:
    """Print a JSON Schema (for editors and other tools)."""
    from imsa_eligibility.schemas import schema_text

    console.write(schema_text(name.value), None)


def _add_rules() -> None:
    from .rules import app as rules_app

    app.add_typer(rules_app, name="rules")


def _add_register() -> None:
    from .register import app as register_app

    app.add_typer(register_app, name="register")


def _add_panel() -> None:
    from .panel import app as panel_app

    app.add_typer(panel_app, name="panel")


_add_rules()
_add_register()
_add_panel()


@app.command(cls=Command)
def version() -> None:
    """Print the tool's version."""
    _version(True)


def _report(exc: ImsaError) -> int:
    """Say what went wrong, once, in the words its kind calls for; return its exit code."""
    code = exc.exit_code
    if exc.problems:
        console.problems(exc.problems)
        if code == INTERNAL:
            console.notice("internal error: the problem above is a bug. Please report this.")
    elif code == INTERNAL:
        console.notice(f"internal error: {exc}. Please report this.")
    else:
        console.notice(f"error: {exc}")
    return code


def main() -> None:
    """Console-script entry point: never a traceback, exit 1 only for internal errors.

    Every :class:`~imsa_eligibility.errors.ImsaError` a command lets through is reported
    here, with the exit code its kind carries (2 for bad input or usage, 1 for an engine).
    """
    try:
        app()
    except SystemExit:
        raise
    except ImsaError as exc:
        sys.exit(_report(exc))
    except KeyboardInterrupt:
        console.notice("interrupted")
        sys.exit(130)
    except Exception as exc:  # an internal error: say so plainly, exit 1
        console.notice(f"internal error: {type(exc).__name__}: {exc}. Please report this.")
        sys.exit(INTERNAL)


__all__ = ["INVALID", "OK", "app", "main"]
