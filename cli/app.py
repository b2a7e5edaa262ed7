"""The ``imsa-eligibility`` command: check, validate, schema (and rules subcommands)."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import console
from .exitcodes import BY_OUTCOME, INTERNAL, INVALID, OK

app = typer.Typer(
    name="imsa-eligibility",
    help="Decide whether an organisation may employ an Independent Modern Slavery Advocate "
    "(IMSA), nation by nation, and explain every decision.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    """Report formats."""

    text = "text"
    json = "json"
    jsonl = "jsonl"


class EngineName(StrEnum):
    """Rule engines."""

    durable = "durable"
    native = "native"


class SchemaName(StrEnum):
    """Published schemas."""

    profile = "profile"
    rules = "rules"


PathsArg = Annotated[
    list[Path], typer.Argument(help="Profile files or folders of them.", show_default=False)
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Write the report to FILE.", metavar="FILE")
]


def _nations(values: list[str] | None) -> list[str] | None:
    from imsa_eligibility.profile.enums import Nation
    from imsa_eligibility.suggest import did_you_mean

    if not values:
        return None
    allowed = [str(n) for n in Nation]
    for value in values:
        if value not in allowed:
            raise typer.BadParameter(
                f"unknown nation '{value}': {did_you_mean(value, allowed, noun='nation')}",
                param_hint="--nation",
            )
    return values


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date; write YYYY-MM-DD", param_hint="--as-of"
        ) from None


@app.command()
def check(
    paths: PathsArg,
    nation: Annotated[
        list[str] | None,
        typer.Option(
            "--nation",
            help="Decide for this nation instead of the profile's own (repeatable): "
            "england, wales, scotland, northern_ireland.",
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Rule set directory (default: the shipped reference rules)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Decide as of this date, YYYY-MM-DD (default: today)."),
    ] = None,
    engine: Annotated[
        EngineName | None,
        typer.Option(
            "--engine", help="Rule engine (default: durable where it can run, else native)."
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("-o", "--format", help="Report format.")
    ] = Format.text,
    output: OutputOpt = None,
) -> None:
    """Decide each profile, per nation, and explain every decision."""
    from .check import run_check

    code = run_check(
        paths,
        nations=_nations(nation),
        rules=rules,
        as_of=_as_of(as_of),
        engine=engine.value if engine else None,
        fmt=output_format.value,
        output=output,
    )
    raise typer.Exit(code)


@app.command()
def validate(
    paths: PathsArg,
    output_format: Annotated[
        Format, typer.Option("-o", "--format", help="Report format.")
    ] = Format.text,
    output: OutputOpt = None,
) -> None:
    """Check profiles against the profile format (no decision). Exit 0 when all are valid."""
    from .validate import run_validate

    raise typer.Exit(run_validate(paths, fmt=output_format.value, output=output))


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="profile or rules")]) -> None:
    """Print a JSON Schema (for editors and other tools)."""
    from imsa_eligibility.schemas import schema_text

    console.write(schema_text(name.value), None)


def _add_rules() -> None:
    from .rules import app as rules_app

    app.add_typer(rules_app, name="rules")


_add_rules()


@app.command()
def version() -> None:
    """Print the tool's version."""
    from imsa_eligibility import __version__

    console.write(f"imsa-eligibility {__version__}\n", None)


def main() -> None:
    """Console-script entry point: never a traceback, exit 1 only for internal errors."""
    try:
        app()
    except SystemExit:
        raise
    except console.OutputError as exc:
        console.notice(f"error: {exc}; check the --output path")
        sys.exit(INVALID)
    except KeyboardInterrupt:
        console.notice("interrupted")
        sys.exit(130)
    except Exception as exc:  # an internal error: say so plainly, exit 1
        console.notice(f"internal error: {type(exc).__name__}: {exc}. Please report this.")
        sys.exit(INTERNAL)


__all__ = ["BY_OUTCOME", "INVALID", "OK", "app", "main"]
