"""The durable_rules engine: the rule AST compiled into durable_rules rulesets.

The package's modules, in the order a decision goes through them:

- :mod:`.facts`: the table of fact kinds the rulesets match and the adapter asserts;
- :mod:`.leaves`: the conditions of one leaf test on its value fields;
- :mod:`.compile`: the rule AST compiled into rules (:class:`~.compile.Program`);
- :mod:`.checks`: the guards every compiled ruleset passes before durable_rules sees it;
- :mod:`.limits`: durable_rules' table sizes, and a simulation of its network;
- :mod:`.encode`: values as durable_rules can compare them;
- :mod:`.run`: one evaluation, driven synchronously;
- :mod:`.session`: the engine, its sessions and the C extension.

:mod:`.session` is the only module that imports durable_rules (its C extension
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
- values reach the engine encoded (:mod:`.encode`): typed tokens (``"10"`` equals
  ``10`` and ``true`` equals ``1`` in durable_rules), exact bounded integers (no floats, no
  int64 saturation), strings as printable ASCII or a digest (durable_rules compares escaped
  JSON text, and only the first 64 KiB); an unknown value is never sent (every comparison
  is false on a missing field), and lists carry their length (``$iall`` fails on ``[]``);
- rulesets are checked (:func:`.compile.check_ruleset`): a positive type test starts
  every pattern; no ``$ne``, ``$mt``/``$imt``, field ``id``, or ``$or`` inside ``$iany``;
- negation is evaluated once, when the patterns before it match, so non-members of the
  control chain are marked only after the chain's fixpoint (a second stratum);
- facts are small (a fact with about 253 properties fails) and never asserted twice (a
  diamond or cycle derives the same fact again; durable_rules refuses it); they are
  asserted one by one, and one refused because its 32-bit id hash collides with another's
  is asserted again, salted; facts that one rule activation reads are events, deleted once
  read, which keeps memory and time near linear in the profile (:mod:`.run`);
- durable_rules' tables are small and some overflow into endless loops (a test followed by
  512 others hangs the process); every ruleset is checked against a simulation of its
  network first (:mod:`.limits`), and a program too large for one ruleset is split
  into several, each decided in its own session, the verdicts merged
  (:func:`.compile.compile_chunks`). A single target too large for any ruleset is
  refused with :class:`~.limits.DurableLimitError` (exit 2); the loader can find
  it first (:func:`.limits.limit_problems`);
- any durable_rules failure, or an exception in an action, becomes :class:`EngineError`;
  there is never a partial result.

Strings are compared as Python compares them (code point by code point, no Unicode
normalisation), as the native engine does; normalising (NFC) belongs to the loaders, so
that both engines see the same text. How conditions compile is described in
:mod:`.compile`; how an evaluation runs in :mod:`.run`.
"""

from __future__ import annotations

from .session import DurableEngine, compile_targets, durable_available

__all__ = ["DurableEngine", "compile_targets", "durable_available"]
