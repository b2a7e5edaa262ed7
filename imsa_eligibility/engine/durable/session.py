"""The durable_rules engine: sessions of compiled rulesets, one per ``decide``.

The only module that imports durable_rules (its C extension ``durable_rules_engine``),
lazily, so it always imports; see :func:`durable_available`. The traps it guards are listed
in the package's docstring.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Collection, Sequence
from functools import cache
from types import ModuleType

from ...errors import EngineError, UndecidableError
from ...vocabulary import Verdict
from ..facts import FactBase
from ..interface import Engine, Target
from .compile import Program, compile_chunks, compile_program
from .run import Evaluation, Session

_LOCK = threading.RLock()
_SESSIONS = itertools.count(1)
#: The live session of each ruleset (by handle), shared by every engine deciding with it.
_LIVE: dict[int, Session] = {}


@cache
def _module() -> ModuleType | None:
    """The durable_rules C extension, or None where it does not import."""
    try:
        import durable_rules_engine
    except ImportError:
        return None
    module: ModuleType = durable_rules_engine
    return module


def durable_available() -> bool:
    """Whether durable_rules can run here (it does not build on Python 3.13+)."""
    return _module() is not None


def _require() -> ModuleType:
    module = _module()
    if module is None:
        raise EngineError(
            "durable_rules is not installed or does not import on Python "
            f"{sys.version_info.major}.{sys.version_info.minor}; use the native engine"
        )
    return module


def compile_targets(targets: Sequence[Target]) -> Program:
    """The durable_rules program deciding ``targets``, as one program (however large)."""
    return compile_program(targets)


@cache
def _ruleset(name: str, text: str) -> int:
    """durable_rules' handle of the ruleset ``name``, created once per process.

    Called under the lock. A ruleset durable_rules refuses is not cached (the error is
    raised again on the next try).
    """
    try:
        handle: int = _require().create_ruleset(name, text)
    except Exception as error:
        raise EngineError(f"durable_rules refused the ruleset: {error}") from error
    return handle


class DurableEngine(Engine):
    """Decides verdicts with durable_rules (forward chaining over one fact per value)."""

    name = "durable"

    def __init__(self) -> None:
        self._targets: tuple[Target, ...] = ()
        self._programs: list[tuple[Program, int]] | None = None

    def prepare(self, targets: Sequence[Target]) -> None:
        """Compile ``targets`` and register the rulesets (once per process and content)."""
        self._targets = tuple(targets)
        self._programs = self._register(self._targets)

    @staticmethod
    def _register(targets: Sequence[Target]) -> list[tuple[Program, int]]:
        _require()
        try:
            programs = compile_chunks(targets)
        except UndecidableError as error:
            raise EngineError(str(error)) from error
        with _LOCK:
            return [(program, _ruleset(program.name, program.text)) for program in programs]

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdict of the targets named by ``keys`` (default: all).

        Each ruleset holding one of them decides all of its targets (nations share most
        of their nodes, so deciding every nation costs little more than one), in its live
        session; the verdicts asked for are returned.
        """
        if self._programs is None:
            self.prepare(())
        assert self._programs is not None
        wanted = None if keys is None else set(keys)
        verdicts: dict[str, Verdict] = {}
        for program, handle in self._programs:
            if wanted is None or not wanted.isdisjoint(program.roots):
                verdicts.update(self._session(program, handle, facts))
        if wanted is None:
            return verdicts
        return {key: verdict for key, verdict in verdicts.items() if key in wanted}

    @staticmethod
    def _session(program: Program, handle: int, facts: FactBase) -> dict[str, Verdict]:
        """Decide ``facts`` in the ruleset's live session (a new one when there is none).

        A session that fails is deleted at once and never reused; one that holds
        :data:`.run.SESSION_FACTS` facts is deleted after the profile.
        """
        module = _require()
        with _LOCK:
            session = _LIVE.pop(handle, None)
            if session is None or session.engine is not module:
                if session is not None:
                    _delete(session, quiet=True)
                session = Session(module, handle, f"imsa-{next(_SESSIONS)}")
            try:
                verdicts = Evaluation(session, program, facts).run()
            except BaseException as error:
                _delete(session, quiet=True)
                if isinstance(error, UndecidableError):
                    raise EngineError(f"cannot evaluate this profile: {error}") from error
                if isinstance(error, EngineError) or not isinstance(error, Exception):
                    raise
                raise EngineError(f"durable_rules failed: {error}") from error
            if session.spent:
                _delete(session, quiet=False)
            else:
                _LIVE[handle] = session
        return verdicts


def _delete(session: Session, quiet: bool) -> None:
    """Delete ``session`` in durable_rules (if a fact ever reached it)."""
    if session.state is None:
        return
    try:
        session.engine.delete_state(session.handle, session.sid)
    except Exception as error:
        if not quiet:
            raise EngineError(f"durable_rules could not delete a session: {error}") from error


def close_sessions() -> None:
    """Delete every live session (they are otherwise kept for the next profile)."""
    with _LOCK:
        while _LIVE:
            _, session = _LIVE.popitem()
            _delete(session, quiet=True)
