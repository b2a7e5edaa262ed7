"""Running ``check``: load rules, decide each profile as it comes, stream the report.

Decisions are written as they are made (JSON Lines straight away, JSON and text too, since
their order is known up front), so memory stays flat however long the batch; with
``--jobs N`` they are made on N processes and the report is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from imsa_eligibility.errors import Problem, RuleFileError, WaiverFileError
from imsa_eligibility.profile.notes import duplicate_id_notes
from imsa_eligibility.report.text import plain
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Outcome

from . import console
from .batch import Result, Settings, count, decide_all, default_jobs, make_writer, sources
from .engines import choose_engine
from .exitcodes import INTERNAL, INVALID, combine
from .inputs import expand
from .record import start_recording

if TYPE_CHECKING:
    from imsa_eligibility.panel.waivers import WaiverSet

PROGRESS_FROM = 20


def _progress(results: Iterator[Result], total: int) -> Iterator[Result]:
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import track

    yield from track(
        results, total=total, description="Deciding", console=console.stderr(), transient=True
    )


def run_check(
    paths: list[Path],
    *,
    nations: list[str] | None,
    rules: Path | None,
    as_of: dt.date,
    engine: str | None,
    fmt: str,
    output: Path | None,
    jobs: int | None = None,
    waivers: Path | None = None,
    record: Path | None = None,
    what_if: bool = False,
) -> int:
    """Decide every profile under ``paths``; return the batch's exit code.

    With ``what_if``, each nation not eligible also gets the smallest sets of changes that
    would give it a better outcome, each decided again before it is shown (text, JSON and
    JSON Lines only; not with ``record``: the register keeps decisions, not suggestions).

    With ``waivers``, the panel's waivers file is read and checked against the rule set
    first (a problem stops the run: nothing is decided); its waivers in force on ``as_of``
    are applied to each decision as it is made, and each one not in force is an error.
    """
    if what_if and (refused := _what_if_refused(fmt, record)):
        console.notice(refused)
        return INVALID
    engine = choose_engine(engine)
    if engine is None:
        return INVALID
    try:
        ruleset = load_ruleset(rules)
        if engine == "durable":
            from imsa_eligibility.engine.durable.limits import limit_problems

            if found := limit_problems(ruleset):
                raise RuleFileError(found)
    except RuleFileError as exc:
        console.problems(exc.problems)
        return INVALID
    waiver_set: WaiverSet | None = None
    if waivers is not None:
        from imsa_eligibility.panel.waivers import load_waivers

        try:
            waiver_set = load_waivers(waivers, ruleset)
        except WaiverFileError as exc:
            console.problems(exc.problems)
            return INVALID
    inputs = console.announce(expand(paths, output))
    if inputs.clash:
        return INVALID
    files, errors = inputs.files, inputs.problems
    total = count(files)
    recorder = start_recording(record, ruleset, waiver_set, nations, as_of, engine, output)
    settings = Settings(
        ruleset,
        engine,
        tuple(nations) if nations is not None else None,
        as_of,
        fmt,
        console.mark if fmt == "text" and output is None and sys.stdout.isatty() else plain,
        waivers=waiver_set,
        record=recorder is not None,
        what_if=what_if,
    )
    workers = jobs if jobs is not None else default_jobs(total)
    codes = [INVALID] if errors else []
    if waiver_set is not None:
        from imsa_eligibility.panel.waivers import waiver_problems

        if stale := waiver_problems(waiver_set, as_of):  # not in force: never applied
            errors = [*errors, *stale]
            codes.append(INVALID)
    counts: dict[Outcome, int] = {}
    ids: list[tuple[str, str]] = []
    writer = make_writer(settings)
    sink = console.Sink(output, styled=settings.mark is console.mark)
    try:
        sink.write(writer.begin())
        for result in _progress(decide_all(settings, sources(files), workers), total):
            codes.append(result.code)
            if result.outcome is None:
                errors += result.problems
                if result.code == INTERNAL:
                    reason = result.problems[0].message.removeprefix("internal error: ")
                    console.notice(f"internal error deciding {result.name}: {reason}")
                continue
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
            ids.append((result.name, result.organisation_id))
            sink.write(writer.add(result.piece))
            if recorder is not None:
                recorder.add(result)  # committed as it is written, in report order
        errors = sorted(errors, key=lambda p: (p.file, p.line, p.column))
        sink.write(writer.end(errors))
        sink.close()
    except BaseException:
        sink.abort()
        raise
    finally:
        if recorder is not None:
            recorder.close()
    for file, notes in duplicate_id_notes(ids).items():
        for note in notes:
            console.notice(f"note: {file}: {note}")
    if waiver_set is not None:
        _unmatched(waiver_set, {organisation for _, organisation in ids}, as_of)
    _summary(counts, errors, total)
    if recorder is not None:
        console.notice(recorder.summary())
    return combine(codes)


#: The report formats that show what-if suggestions.
WHAT_IF_FORMATS = ("text", "json", "jsonl", "letter")


def _what_if_refused(fmt: str, record: Path | None) -> str | None:
    """Why ``--what-if`` cannot run with these options (None when it can)."""
    if fmt not in WHAT_IF_FORMATS:
        return (
            f"error: --what-if shows its suggestions in -o {', '.join(WHAT_IF_FORMATS)}, not "
            f"in -o {fmt}; drop --what-if or choose one of those formats"
        )
    if record is not None:
        return (
            "error: --what-if cannot be used with --record: the register keeps decisions, not "
            "suggestions; record without --what-if, then check again with it"
        )
    return None


def _unmatched(waivers: WaiverSet, decided: set[str], as_of: dt.date) -> None:
    """A note for each waiver in force whose organisation no decision of the batch is for."""
    from imsa_eligibility.panel.waivers import in_force

    for waiver in waivers.waivers:
        if in_force(waiver, as_of) and waiver.organisation not in decided:
            console.notice(
                f"note: {waiver.file}:{waiver.line}: the waiver of {waiver.rule} for "
                f"{waiver.organisation} matches no profile decided in this run"
            )


def _summary(counts: dict[Outcome, int], errors: list[Problem], total: int) -> None:
    parts = [f"{n} {outcome.label}" for outcome, n in sorted(counts.items())]
    bad = len({e.file for e in errors})
    text = f"{sum(counts.values())} of {total} profiles decided" + (
        f": {', '.join(parts)}" if parts else ""
    )
    if bad:
        text += f"; {bad} file{'s' if bad != 1 else ''} with errors"
    console.notice(text)
