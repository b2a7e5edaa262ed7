"""Deciding a batch: profiles in report order, decided on one process or several, streamed.

Every profile to decide is a :class:`Source`: a profile file, or one record of a JSON Lines
file (``PATH:LINE``). A :class:`Decider` decides one source and renders its piece of the
report; :func:`decide_all` runs deciders on this process or on ``jobs`` worker processes,
in bounded chunks, and yields the results in source order, so the report streams in
constant memory and is byte-identical whatever the number of processes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from imsa_eligibility.engine import engine_for
from imsa_eligibility.errors import EngineError, ImsaError, Problem
from imsa_eligibility.profile.load import LoadedProfile
from imsa_eligibility.report.stream import WRITERS, ReportWriter, TextWriter
from imsa_eligibility.report.text import Mark, plain
from imsa_eligibility.rules.model import RuleSet
from imsa_eligibility.vocabulary import Outcome

from .exitcodes import INTERNAL, INVALID
from .inputs import load, load_kept, load_record, syntax_of

if TYPE_CHECKING:  # imported by decide_all when it runs several processes
    from concurrent.futures import Future

    from imsa_eligibility.decision import Decision
    from imsa_eligibility.panel.register import Summary
    from imsa_eligibility.panel.waivers import WaiverSet

JSONL_SUFFIX = ".jsonl"
#: Batches at least this large are decided on every core by default.
PARALLEL_FROM = 200
_CHUNK = 64  # sources a worker decides per task


@dataclass(frozen=True)
class Source:
    """One profile to decide: a file, or line ``line`` of a JSON Lines file."""

    path: Path
    line: int = 0
    data: bytes = b""

    @property
    def name(self) -> str:
        """How reports name it: the file, or ``PATH:LINE`` for a JSON Lines record."""
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass
class Result:
    """What deciding one source gave: its report piece, or the problems that stopped it."""

    name: str
    piece: str = ""
    outcome: Outcome | None = None
    organisation_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    code: int = 0
    recorded: Recording | None = None  # with --record: what the register keeps


@dataclass(frozen=True)
class Recording:
    """What the register keeps of a decision made in a worker: its JSON, the profile's
    bytes and the syntax they were read in (``check --record``)."""

    decision_json: str
    profile: bytes
    syntax: str
    summary: Summary


def records(path: Path) -> Iterator[Source]:
    """The records of a JSON Lines file, one a non-blank line, read as they are needed."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield Source(path, number, line)


def sources(files: Iterable[Path]) -> Iterator[Source]:
    """Every profile in ``files`` in report order (a JSON Lines file's records in turn)."""
    for path in files:
        if path.suffix == JSONL_SUFFIX:
            yield from records(path)
        else:
            yield Source(path)


def count(files: Sequence[Path]) -> int:
    """How many sources ``files`` hold (JSON Lines records counted without parsing)."""
    total = 0
    for path in files:
        if path.suffix != JSONL_SUFFIX:
            total += 1
            continue
        with path.open("rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


@dataclass(frozen=True)
class Settings:
    """Everything a decider needs, small enough to send to a worker process."""

    ruleset: RuleSet
    engine: str
    nations: tuple[str, ...] | None
    as_of: dt.date
    fmt: str
    mark: Mark = plain
    waivers: WaiverSet | None = None  # applied where each decision is made (workers too)
    record: bool = False  # keep each decision's JSON and profile bytes (check --record)
    what_if: bool = False  # suggest what would give each nation a better outcome (--what-if)


def make_writer(settings: Settings) -> ReportWriter:
    """The report writer of ``settings``' format (with its styling, for text)."""
    if settings.fmt == "text":
        return TextWriter(settings.mark)
    return WRITERS[settings.fmt]()


class Decider:
    """Decides sources and renders each one's piece of the report."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = engine_for(settings.engine, settings.ruleset)
        self.writer = make_writer(settings)

    def _load(self, source: Source) -> tuple[LoadedProfile, bytes]:
        """The profile, and (with ``record``) the bytes it was read from."""
        if source.line:
            return load_record(source.path, source.line, source.data), source.data
        if self.settings.record:
            return load_kept(source.path)
        return load(source.path), b""

    def _what_if(self, decision: Decision, loaded: LoadedProfile) -> Decision:
        """``decision`` with its what-if suggestions, each decided with this decider's
        engine and waivers."""
        from imsa_eligibility.engine.facts import facts_from_profile
        from imsa_eligibility.selfassess.whatif import what_if

        settings = self.settings

        def settle(changed: Decision) -> Decision:
            if settings.waivers is None:
                return changed
            from imsa_eligibility.panel.waivers import apply_waivers

            return apply_waivers(changed, settings.waivers, settings.as_of)

        facts = facts_from_profile(loaded.profile, loaded.document)
        return what_if(
            decision, facts, settings.ruleset, self.engine, as_of=settings.as_of, settle=settle
        )

    def decide(self, source: Source) -> Result:
        """The result of deciding ``source`` (its problems when it cannot be decided)."""
        from imsa_eligibility.decision import evaluate

        result = Result(source.name)
        try:
            loaded, raw = self._load(source)
        except ImsaError as exc:
            result.problems, result.code = exc.problems, INVALID
            return result
        settings = self.settings
        try:
            decision = evaluate(
                loaded,
                settings.ruleset,
                nations=settings.nations,
                as_of=settings.as_of,
                engine=self.engine,
            )
            if settings.waivers is not None:
                from imsa_eligibility.panel.waivers import apply_waivers

                decision = apply_waivers(decision, settings.waivers, settings.as_of)
            if settings.what_if:
                decision = self._what_if(decision, loaded)
        except EngineError as exc:
            result.problems = [
                Problem(source.name, 1, 1, "", f"internal error: {exc}", "please report this")
            ]
            result.code = INTERNAL
            return result
        result.piece = self.writer.piece(decision)
        result.outcome = decision.outcome
        result.organisation_id = decision.organisation_id
        result.code = decision.outcome.exit_code
        if settings.record:
            from imsa_eligibility.panel.register import Summary, decision_text

            piece = result.piece if settings.fmt == "json" else None
            syntax = "json" if source.line else syntax_of(source.path)
            text = decision_text(decision, piece)
            result.recorded = Recording(text, raw, syntax, Summary.of(decision))
        return result


_WORKER: list[Decider] = []  # the decider of a worker process, made once when it starts


def _start_worker(settings: Settings) -> None:
    _WORKER.append(Decider(settings))


def _decide_chunk(chunk: list[Source]) -> list[Result]:
    return [_WORKER[0].decide(source) for source in chunk]


def default_jobs(total: int) -> int:
    """Every core for a batch big enough to gain from them, else one process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) if total >= PARALLEL_FROM else 1


def decide_all(settings: Settings, batch: Iterable[Source], jobs: int) -> Iterator[Result]:
    """The result of every source of ``batch``, in order, decided on ``jobs`` processes.

    At most two chunks per process are in flight, so memory stays flat however long the
    batch is.
    """
    if jobs <= 1:
        decider = Decider(settings)
        for source in batch:
            yield decider.decide(source)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    items = iter(batch)
    pending: deque[Future[list[Result]]] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(items, _CHUNK))):
                pending.append(pool.submit(_decide_chunk, chunk))
            if not pending:
                return
            yield from pending.popleft().result()
