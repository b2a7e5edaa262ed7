"""Running ``rules diff OLD NEW``: what changed between two rule sets, and what it does.

Both rule sets are loaded first: a problem in either is reported, located, and nothing
else is done (exit 2). With ``--profiles``, every profile is decided under both rule sets,
each on its own date, with the engine ``check`` would use; the profiles are folders or
files as ``check`` reads them (``.jsonl`` files one profile a line), or decision
registers (``check --record DB``), whose stored profile bytes are read: for each file
name the register holds, the latest profile recorded under it. An invalid profile is
reported, located, and no diff is written (exit 2): invalid input never gives a decision.
Otherwise the exit code is 0, whatever changed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from imsa_eligibility.errors import ImsaError, Problem, RuleFileError

from . import console
from .engines import choose_engine
from .exitcodes import INVALID, OK
from .params import Engine, NationName, choices, listing, parse_date, parser

if TYPE_CHECKING:
    from enum import StrEnum

    from imsa_eligibility.policy.impact import Flip, Impact
    from imsa_eligibility.profile.load import LoadedProfile
    from imsa_eligibility.rules.model import RuleSet
    from imsa_eligibility.source import Syntax

if TYPE_CHECKING:
    DiffFormat = StrEnum
else:
    from imsa_eligibility.policy.impact import FORMATS as DIFF_FORMATS

    DiffFormat = choices("DiffFormat", DIFF_FORMATS)

DIFF_TEXT = DiffFormat("text")
SQLITE_HEADER = b"SQLite format 3\x00"


def _is_register(path: Path) -> bool:
    """Whether ``path`` is an SQLite file (a decision register, or meant as one)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _load_rulesets(old: Path, new: Path) -> tuple[RuleSet, RuleSet] | None:
    """Both rule sets, or None once every problem of either has been reported."""
    from imsa_eligibility.rules.load import load_ruleset

    loaded: list[RuleSet] = []
    found: list[Problem] = []
    for which, folder in (("old", old), ("new", new)):
        try:
            loaded.append(load_ruleset(folder))
        except RuleFileError as exc:
            found += exc.problems
            console.notice(
                f"{len(exc.problems)} problem(s) in the {which} rule set {folder}; "
                "fix them (rules lint --rules DIR checks a rule set) and run again"
            )
    if found:
        console.problems(sorted(set(found), key=lambda p: (p.file, p.line, p.column)))
        return None
    return loaded[0], loaded[1]


def _register_profiles(path: Path) -> Iterator[LoadedProfile | list[Problem]]:
    """The latest profile stored under each file name of the register at ``path``."""
    from imsa_eligibility.panel.register import Register
    from imsa_eligibility.profile.load import load_profile_text

    with Register.open(path) as register:
        latest: dict[str, int] = {}
        for entry in register.entries():
            latest[entry.file] = max(entry.id, latest.get(entry.file, 0))
        for _file, ident in sorted(latest.items()):
            stored = register.stored(ident)
            if stored is None:
                continue
            syntax: Syntax = "json" if stored.profile_syntax == "json" else "yaml"
            try:
                yield load_profile_text(stored.entry.file, stored.profile, syntax=syntax)
            except ImsaError as exc:
                yield [
                    p if p.file != stored.entry.file else _in_register(p, path, ident)
                    for p in exc.problems
                ]


def _in_register(problem: Problem, register: Path, ident: int) -> Problem:
    """A stored profile's problem, saying which register and decision it came from."""
    import dataclasses

    return dataclasses.replace(
        problem,
        file=f"{problem.file} (profile of decision {ident} in {register})",
    )


def _profiles(paths: list[Path], output: Path | None) -> Iterator[LoadedProfile | list[Problem]]:
    """Every profile of ``paths`` (registers, files, folders), or the problems of each."""
    from .batch import sources
    from .inputs import expand, load, load_record

    registers = [p for p in paths if _is_register(p)]
    inputs = console.announce(expand([p for p in paths if p not in registers], output))
    if inputs.problems:
        yield list(inputs.problems)
    if inputs.clash:
        return
    for source in sources(inputs.files):
        try:
            if source.line:
                yield load_record(source.path, source.line, source.data)
            else:
                yield load(source.path)
        except ImsaError as exc:
            yield list(exc.problems)
    for register in registers:
        yield from _register_profiles(register)


def _progress(
    items: Iterator[LoadedProfile | list[Problem]],
) -> Iterator[LoadedProfile | list[Problem]]:
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("Deciding under both rule sets: {task.completed} profiles"),
        console=console.stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("diff", total=None)
        for item in items:
            yield item
            bar.advance(task)


def run_diff(
    old: Path,
    new: Path,
    *,
    profiles: list[Path],
    old_as_of: dt.date,
    new_as_of: dt.date,
    engine: str | None,
    fmt: str,
    output: Path | None,
    nations: list[str] | None = None,
) -> int:
    """Compare the rule sets ``old`` and ``new`` (and decide ``profiles``); the exit code."""
    from imsa_eligibility.policy.impact import Impact, diff_json, make_diff

    pair = _load_rulesets(old, new)
    if pair is None:
        return INVALID
    before, after = pair
    flips: list[Flip] = []
    decided = 0
    if profiles:
        name = choose_engine(engine)
        if name is None:
            return INVALID
        try:
            impact = Impact(
                before,
                after,
                old_as_of=old_as_of,
                new_as_of=new_as_of,
                engine=name,
                nations=nations,
            )
        except RuleFileError as exc:  # a rule too large for durable_rules
            console.problems(exc.problems)
            return INVALID
        if nations:
            named = ", ".join(n.replace("_", " ").title() for n in nations)
            console.notice(f"note: every profile is decided for {named}, whatever nations it names")
        found = _decide(impact, _profiles(profiles, output), flips)
        if found:
            found = sorted(set(found), key=lambda p: (p.file, p.line, p.column))
            console.problems(found)
            bad = len({p.file for p in found})
            console.notice(
                f"{bad} input{'s' if bad != 1 else ''} with problems: no diff written "
                "(fix them, or leave them out of --profiles, and run again)"
            )
            return INVALID
        decided = impact.decided
    diff = make_diff(
        before, after, old_as_of=old_as_of, new_as_of=new_as_of, flips=flips, profiles=decided
    )
    if fmt == "json":
        text = json.dumps(diff_json(diff), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        from imsa_eligibility.policy.impact_text import diff_markdown

        text = diff_markdown(diff)
    else:
        from imsa_eligibility.policy.impact_text import diff_text

        styled = output is None and sys.stdout.isatty()
        text = diff_text(diff, console.mark if styled else _plain)
        if styled:
            sink = console.Sink(None, styled=True)
            sink.write(text)
            sink.close()
            text = ""
    if text:
        console.write(text, output)
    changed = len({c.rule for c in diff.rules})
    summary = f"{changed} rule(s) changed"
    if profiles:
        moved = len({f.file for f in diff.flips})
        summary += f"; {len(diff.flips)} flip(s) in {moved} of {decided} profile(s)"
    console.notice(summary)
    return OK


def _plain(text: str, _style: str) -> str:
    return text


def _decide(
    impact: Impact, items: Iterator[LoadedProfile | list[Problem]], flips: list[Flip]
) -> list[Problem]:
    """Decide every profile of ``items`` into ``flips``; the problems of the rest."""
    found: list[Problem] = []
    for item in _progress(items):
        if isinstance(item, list):
            found += item
        elif not found:  # once a problem is found nothing is written: stop deciding
            flips += impact.flips(item)
    return found


def diff(
    old: Annotated[Path, typer.Argument(help="The rule set before (a folder).", metavar="OLD")],
    new: Annotated[Path, typer.Argument(help="The rule set after (a folder).", metavar="NEW")],
    profiles: Annotated[
        list[Path] | None,
        typer.Option(
            "--profiles",
            help="Profiles to decide under both (repeatable): files, folders, .jsonl files, "
            "or a decision register (check --record DB).",
            metavar="PATH",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Apply both as of YYYY-MM-DD (default: today).", metavar="DATE"
        ),
    ] = None,
    old_as_of: Annotated[
        str | None,
        typer.Option(
            "--old-as-of", help="Apply OLD as of this date (default: --as-of).", metavar="DATE"
        ),
    ] = None,
    new_as_of: Annotated[
        str | None,
        typer.Option(
            "--new-as-of", help="Apply NEW as of this date (default: --as-of).", metavar="DATE"
        ),
    ] = None,
    nation: Annotated[
        list[NationName] | None,
        typer.Option(
            "--nation",
            help="Decide the profiles for this nation instead of their own (repeatable): "
            f"{listing(NationName)}.",
            metavar="NATION",
            parser=parser(NationName, "nation", "--nation"),
        ),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            help="Rule engine (default: durable where it can run, else native).",
            parser=parser(Engine, "engine", "--engine"),
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "-o", "--format", help="Output format.", parser=parser(DiffFormat, "format", "--format")
        ),
    ] = DIFF_TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the diff to FILE.", metavar="FILE")
    ] = None,
) -> None:
    """What changed between two rule sets, and which decisions move (exit 0 whatever changed)."""
    day = parse_date(as_of, "--as-of")
    code = run_diff(
        old,
        new,
        profiles=list(profiles or []),
        old_as_of=parse_date(old_as_of, "--old-as-of", day),
        new_as_of=parse_date(new_as_of, "--new-as-of", day),
        engine=engine.value if engine else None,
        fmt=output_format.value,
        output=output,
        nations=[n.value for n in nation] if nation else None,
    )
    raise typer.Exit(code)
