"""Running ``check``: load rules, decide each profile, report, pick the exit code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from imsa_eligibility.decision import Decision, evaluate
from imsa_eligibility.engine import default_engine, durable_ready, engine_for
from imsa_eligibility.errors import EngineError, Problem, ProfileError, RuleFileError
from imsa_eligibility.profile.notes import duplicate_id_notes
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Outcome

from . import console
from .exitcodes import INTERNAL, INVALID, combine
from .inputs import expand, load

PROGRESS_FROM = 20


def _progress(files: list[Path]) -> Iterator[Path]:
    if len(files) < PROGRESS_FROM or not sys.stderr.isatty():
        yield from files
        return
    from rich.progress import track

    yield from track(files, description="Deciding", console=console.stderr, transient=True)


def run_check(
    paths: list[Path],
    *,
    nations: list[str] | None,
    rules: Path | None,
    as_of: dt.date,
    engine: str | None,
    fmt: str,
    output: Path | None,
) -> int:
    """Decide every profile under ``paths``; return the batch's exit code."""
    if engine == "durable" and not durable_ready():
        console.notice(
            "error: the durable engine cannot run on this Python (durable_rules "
            "2.0.28 needs Python < 3.13); use --engine native"
        )
        return INVALID
    if engine is None:
        engine = default_engine()
        if engine != "durable":
            console.notice(
                "note: durable_rules cannot run on this Python; using the native "
                "engine (same rules, same verdicts)"
            )
    try:
        ruleset = load_ruleset(rules)
    except RuleFileError as exc:
        console.problems(exc.problems)
        return INVALID
    runner = engine_for(engine, ruleset)
    inputs = expand(paths, output)
    files, errors = inputs.files, inputs.problems
    for skipped in inputs.skipped:
        console.notice(f"note: skipped {skipped}")
    if inputs.clash:
        console.problems(errors)
        return INVALID
    decisions: list[Decision] = []
    codes = [INVALID] if errors else []
    for path in _progress(files):
        try:
            loaded = load(path)
        except ProfileError as exc:
            errors += exc.problems
            codes.append(INVALID)
            continue
        try:
            decision = evaluate(loaded, ruleset, nations=nations, as_of=as_of, engine=runner)
        except EngineError as exc:
            console.notice(f"internal error deciding {path}: {exc}")
            errors.append(
                Problem(str(path), 1, 1, "", f"internal error: {exc}", "please report this")
            )
            codes.append(INTERNAL)
            continue
        decisions.append(decision)
        codes.append(decision.outcome.exit_code)
    errors = sorted(errors, key=lambda p: (p.file, p.line, p.column))
    decisions = _with_duplicate_notes(decisions)
    console.emit(fmt, decisions, errors, output)
    _summary(decisions, errors, len(files))
    return combine(codes)


def _with_duplicate_notes(decisions: list[Decision]) -> list[Decision]:
    """Each decision with a note when another profile in the batch uses its id."""
    notes = duplicate_id_notes([(d.file, d.organisation_id) for d in decisions])
    return [
        dataclasses.replace(d, notes=(*d.notes, *notes[d.file])) if notes[d.file] else d
        for d in decisions
    ]


def _summary(decisions: list[Decision], errors: list[Problem], total: int) -> None:
    counts: dict[Outcome, int] = {}
    for decision in decisions:
        counts[decision.outcome] = counts.get(decision.outcome, 0) + 1
    parts = [f"{n} {outcome.label}" for outcome, n in sorted(counts.items())]
    bad = len({e.file for e in errors})
    text = f"{len(decisions)} of {total} profiles decided" + (
        f": {', '.join(parts)}" if parts else ""
    )
    if bad:
        text += f"; {bad} file{'s' if bad != 1 else ''} with errors"
    console.notice(text)
