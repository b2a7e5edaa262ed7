"""The durable_rules engine: the rule AST compiled into a durable_rules ruleset.

This is the only module that imports durable_rules (its C extension
``durable_rules_engine``; never ``durable.lang`` or ``durable.engine``, whose host runs
background threads that crash with several live sessions). It is imported lazily, so this
module always imports; see :func:`durable_available`. The adapter owns durable_rules'
process-global state and guards its traps (2.0.28, each reproduced in
``tests/engine/test_durable_traps.py``):

- rulesets are named by the hash of their content and created once per process, then shared
  by every engine with the same tests (a ruleset holds no paths: the adapter maps values);
- each ``decide`` runs in a fresh session (``sid``), under a lock, driven synchronously, and
  the session is deleted in ``finally`` (at most 1,024 may be live per ruleset);
- a sentinel rule fires first in every session: deleting a session in which no rule has
  fired reads uninitialised memory and can crash the process;
- values reach the engine encoded (:mod:`.durable_encode`): typed tokens (``"10"`` equals
  ``10`` and ``true`` equals ``1`` in durable_rules), exact bounded integers (no floats, no
  int64 saturation), strings as printable ASCII or a digest (durable_rules compares escaped
  JSON text, and only the first 64 KiB); an unknown value is never sent (every comparison
  is false on a missing field), and lists carry their length (``$iall`` fails on ``[]``);
- rulesets are checked (:func:`.durable_compile.check_ruleset`): a positive type test starts
  every pattern; no ``$ne``, ``$mt``/``$imt``, field ``id``, or ``$or`` inside ``$iany``;
- negation is evaluated once, when the patterns before it match, so non-members of the
  control chain are marked only after the chain's fixpoint (a second stratum);
- facts are small (a fact with about 253 properties fails) and never asserted twice (a
  diamond or cycle derives the same fact again; durable_rules refuses it); they are
  asserted one by one, and one refused because its 32-bit id hash collides with another's
  is asserted again, salted; facts that one rule activation reads are events, deleted once
  read, which keeps memory and time near linear in the profile (:mod:`.durable_run`);
- durable_rules' tables are small and some overflow into endless loops (a test followed by
  512 others hangs the process); every ruleset is checked against a simulation of its
  network first (:mod:`.durable_limits`), and a program too large for one ruleset is split
  into several, each decided in its own session, the verdicts merged
  (:func:`.durable_compile.compile_chunks`). A single target too large for any ruleset is
  refused with :class:`~.durable_limits.DurableLimitError` (exit 2); the loader can find
  it first (:func:`.durable_limits.limit_problems`);
- any durable_rules failure, or an exception in an action, becomes :class:`EngineError`;
  there is never a partial result.

Strings are compared as Python compares them (code point by code point, no Unicode
normalisation), as the native engine does; normalising (NFC) belongs to the loaders, so
that both engines see the same text. How conditions compile is described in
:mod:`.durable_compile`; how an evaluation runs in :mod:`.durable_run`.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Collection, Sequence
from functools import cache
from types import ModuleType

from ..errors import EngineError, UndecidableError
from ..vocabulary import Verdict
from .durable_compile import Program, compile_chunks, compile_program
from .durable_run import Evaluation
from .facts import FactBase
from .interface import Engine, Target

_LOCK = threading.RLock()
_SESSIONS = itertools.count(1)


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
        self._compiled: dict[frozenset[str] | None, list[tuple[Program, int]]] = {}

    def prepare(self, targets: Sequence[Target]) -> None:
        """Compile ``targets`` and register the rulesets (once per process and content)."""
        self._targets = tuple(targets)
        self._compiled = {None: self._register(self._targets)}

    @staticmethod
    def _register(targets: Sequence[Target]) -> list[tuple[Program, int]]:
        _require()
        try:
            programs = compile_chunks(targets)
        except UndecidableError as error:
            raise EngineError(str(error)) from error
        with _LOCK:
            return [(program, _ruleset(program.name, program.text)) for program in programs]

    def _programs_for(self, keys: Collection[str] | None) -> list[tuple[Program, int]]:
        """The rulesets deciding just ``keys`` (compiled once per set of keys)."""
        wanted = None if keys is None else frozenset(keys)
        if wanted is not None and wanted >= {t.key for t in self._targets}:
            wanted = None
        found = self._compiled.get(wanted)
        if found is None:
            chosen = [t for t in self._targets if wanted is None or t.key in wanted]
            found = self._compiled[wanted] = self._register(chosen)
        return found

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdict of the targets named by ``keys`` (default: all), decided in fresh
        durable_rules sessions of rulesets holding just those targets (one session per
        ruleset, when they take more than one)."""
        if not self._compiled:
            self.prepare(())
        verdicts: dict[str, Verdict] = {}
        for program, handle in self._programs_for(keys):
            verdicts.update(self._session(program, handle, facts))
        return verdicts

    @staticmethod
    def _session(program: Program, handle: int, facts: FactBase) -> dict[str, Verdict]:
        module = _require()
        with _LOCK:
            run = Evaluation(module, handle, program, facts, f"imsa-{next(_SESSIONS)}")
            failed = True
            try:
                verdicts = run.run()
                failed = False
            except UndecidableError as error:
                raise EngineError(f"cannot evaluate this profile: {error}") from error
            except EngineError:
                raise
            except Exception as error:
                raise EngineError(f"durable_rules failed: {error}") from error
            finally:
                if run.state is not None:
                    try:
                        module.delete_state(handle, run.sid)
                    except Exception as error:
                        if not failed:
                            raise EngineError(
                                f"durable_rules could not delete a session: {error}"
                            ) from error
        return verdicts
