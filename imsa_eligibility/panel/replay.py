"""Replaying the register: each stored decision made again from what it was made from.

For each decision, :class:`Replayer` rebuilds its rule set from the stored files (in a
folder of its own, loaded as ``--rules`` would load it), reads the stored profile bytes
under the stored name, applies the stored waivers, and decides with the stored ``as_of``,
nations and engine, exactly as ``check`` does. The new decision's JSON
(:func:`~.register.decision_text`) is compared with the stored JSON byte for byte. Where
they differ, :func:`differences` names each difference: the nation, the rule, the field,
what the register holds (``before``) and what was decided now (``after``); a difference
outside the nations is named by its top-level key.

A stored input that no longer reads (a profile, rule file or waivers file this version
refuses) is a difference too, named by what failed, never an exception.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..decision import evaluate
from ..engine import durable_ready, engine_for
from ..engine.interface import ExplainingEngine
from ..errors import ImsaError, UsageError
from ..profile.load import load_profile_text
from ..rules.load import load_ruleset
from ..rules.model import RuleSet
from ..source import Syntax
from .register import Register, RegisterError, Stored, decision_text
from .waivers import WaiverSet, apply_waivers, load_waivers_text

REPLAY_SCHEMA = "imsa-eligibility/replay/v1"
"""The ``schema`` of ``register replay -o json``."""

_ABSENT = object()


@dataclass(frozen=True)
class Difference:
    """One way a decision made again differs from the stored one.

    ``nation`` and ``rule`` are None where the difference is not in one nation's or one
    finding's part; ``field`` names what differs (``verdict``, ``outcome``, a top-level key
    such as ``profile_sha256``, or ``profile`` when the stored profile no longer reads).
    ``before`` is what the register holds, ``after`` what was decided now; None for a part
    that is absent on that side, with ``field`` saying so.
    """

    nation: str | None
    rule: str | None
    field: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        """The difference as ``register replay -o json`` writes it."""
        return {
            "nation": self.nation,
            "rule": self.rule,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Replayed:
    """One stored decision, made again: reproduced, or how it differs."""

    id: int
    file: str
    differences: tuple[Difference, ...] = field(default=())

    @property
    def reproduced(self) -> bool:
        """Whether the decision made again is byte for byte the stored one."""
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        """The result as ``register replay -o json`` writes it."""
        return {
            "id": self.id,
            "file": self.file,
            "reproduced": self.reproduced,
            "differences": [d.to_json() for d in self.differences],
        }


class ReplayError(UsageError):
    """A decision this machine cannot replay at all (its engine cannot run here): exit 2."""


class Replayer:
    """Replays decisions of one register; use it as a context manager (it owns a folder).

    Rule sets and engines are made once per rule-set sha256 and engine, however many
    decisions use them.
    """

    def __init__(self, register: Register) -> None:
        self.register = register
        self._folder = tempfile.TemporaryDirectory(prefix="imsa-eligibility-replay-")
        self._rulesets: dict[str, RuleSet | str] = {}
        self._engines: dict[tuple[str, str], ExplainingEngine] = {}

    def __enter__(self) -> Replayer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the folder the rule sets were rebuilt in."""
        self._folder.cleanup()

    def replay_all(self, ids: list[int] | None = None) -> Iterator[Replayed]:
        """Replay decisions ``ids`` (default: every one), in that order (oldest first)."""
        chosen = ids if ids is not None else self.register.ids()
        for ident in chosen:
            yield self.replay(ident)

    def replay(self, ident: int) -> Replayed:
        """Replay decision ``ident``."""
        stored = self.register.stored(ident)
        if stored is None:
            raise RegisterError(
                f"the register {self.register.name} holds no decision {ident}; "
                f"'imsa-eligibility register list {self.register.name}' lists them"
            )
        if stored.engine == "durable" and not durable_ready():
            raise ReplayError(
                f"decision {ident} was made by the durable engine, which cannot run on this "
                "Python (durable_rules 2.0.28 needs Python < 3.13); replay it where it runs"
            )
        found = self._decide(stored)
        if isinstance(found, Difference):
            return Replayed(ident, stored.entry.file, (found,))
        if found == stored.decision_json:
            return Replayed(ident, stored.entry.file)
        return Replayed(ident, stored.entry.file, differences(stored.decision_json, found))

    def _ruleset(self, sha256: str) -> RuleSet | str:
        """The stored rule set, loaded; or why it cannot be."""
        known = self._rulesets.get(sha256)
        if known is not None:
            return known
        stored = self.register.ruleset(sha256)
        if stored is None:
            made: RuleSet | str = f"the register holds no rule set {sha256}"
        else:
            folder = Path(self._folder.name) / f"rules-{len(self._rulesets)}"
            try:
                folder.mkdir()
                for name, content in stored.files:
                    (folder / Path(name).name).write_bytes(content)
                made = load_ruleset(folder)
            except ImsaError as exc:
                made = f"the stored rule files do not load: {exc}"
            except OSError as exc:
                made = f"the stored rule files cannot be written to a folder: {exc}"
        self._rulesets[sha256] = made
        return made

    def _engine(self, ruleset: RuleSet, name: str) -> ExplainingEngine:
        key = (ruleset.sha256, name)
        engine = self._engines.get(key)
        if engine is None:
            engine = self._engines[key] = engine_for(name, ruleset)
        return engine

    def _decide(self, stored: Stored) -> str | Difference:
        """The JSON of the decision made again, or the difference that stopped it."""
        sha = stored.entry.ruleset_sha256
        ruleset = self._ruleset(sha)
        if isinstance(ruleset, str):
            return Difference(None, None, "ruleset", sha, ruleset)
        try:
            loaded = load_profile_text(
                stored.entry.file, stored.profile, syntax=_syntax(stored.profile_syntax)
            )
        except ImsaError as exc:
            return Difference(None, None, "profile", "a valid profile", f"refused: {exc}")
        waivers: WaiverSet | None = None
        if stored.waivers is not None:
            try:
                waivers = load_waivers_text(stored.waivers.name, stored.waivers.content, ruleset)
            except ImsaError as exc:
                return Difference(None, None, "waivers", "a valid waivers file", f"refused: {exc}")
        try:
            engine = self._engine(ruleset, stored.engine)
            decision = evaluate(
                loaded,
                ruleset,
                nations=stored.nations_asked,
                as_of=stored.as_of,
                engine=engine,
            )
            decision = apply_waivers(decision, waivers, stored.as_of)
        except ImsaError as exc:
            return Difference(None, None, "decision", "decided", f"not decided: {exc}")
        return decision_text(decision)


def _syntax(name: str) -> Syntax:
    return "json" if name == "json" else "yaml"


def differences(before_text: str, after_text: str) -> tuple[Difference, ...]:
    """How the decision JSON ``after_text`` differs from ``before_text``, part by part."""
    try:
        before = json.loads(before_text)
    except ValueError as exc:
        return (Difference(None, None, "json", f"not JSON ({exc})", "a decision"),)
    after = json.loads(after_text)
    if not isinstance(before, dict):
        return (Difference(None, None, "json", before, "a decision"),)
    found: list[Difference] = []
    for key in _keys(before, after):
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        if old == new:
            continue
        if key == "nations" and isinstance(old, dict) and isinstance(new, dict):
            found += _nations(old, new)
        else:
            found.append(Difference(None, None, key, _shown(old), _shown(new)))
    if not found:  # the same JSON, written otherwise
        found.append(Difference(None, None, "json text", "stored text", "the text written now"))
    return tuple(found)


def _keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [*before, *(k for k in after if k not in before)]


def _shown(value: Any) -> Any:
    return None if value is _ABSENT else value


def _nations(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    found: list[Difference] = []
    for nation in _keys(before, after):
        old, new = before.get(nation, _ABSENT), after.get(nation, _ABSENT)
        if old == new:
            continue
        if not (isinstance(old, dict) and isinstance(new, dict)):
            found.append(
                Difference(
                    nation,
                    None,
                    "nation",
                    "decided" if old is not _ABSENT else None,
                    "decided" if new is not _ABSENT else None,
                )
            )
            continue
        for key in _keys(old, new):
            a, b = old.get(key, _ABSENT), new.get(key, _ABSENT)
            if a == b:
                continue
            if key == "findings" and isinstance(a, list) and isinstance(b, list):
                found += _findings(nation, a, b)
            else:
                found.append(Difference(nation, None, key, _shown(a), _shown(b)))
    return found


def _by_rule(findings: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, finding in enumerate(findings):
        rule = finding.get("rule") if isinstance(finding, dict) else None
        out[str(rule) if rule is not None else f"#{index}"] = finding
    return out


def _findings(nation: str, before: list[Any], after: list[Any]) -> list[Difference]:
    old_rules, new_rules = _by_rule(before), _by_rule(after)
    found: list[Difference] = []
    for rule in _keys(old_rules, new_rules):
        old, new = old_rules.get(rule, _ABSENT), new_rules.get(rule, _ABSENT)
        if old == new:
            continue
        if not (isinstance(old, dict) and isinstance(new, dict)):
            found.append(
                Difference(
                    nation,
                    rule,
                    "finding",
                    old.get("verdict") if isinstance(old, dict) else None,
                    new.get("verdict") if isinstance(new, dict) else None,
                )
            )
            continue
        for key in _keys(old, new):
            a, b = old.get(key, _ABSENT), new.get(key, _ABSENT)
            if a != b:
                found.append(Difference(nation, rule, key, _shown(a), _shown(b)))
    if not found and list(old_rules) != list(new_rules):
        found.append(Difference(nation, None, "findings order", list(old_rules), list(new_rules)))
    return found


__all__ = [
    "REPLAY_SCHEMA",
    "Difference",
    "ReplayError",
    "Replayed",
    "Replayer",
    "differences",
]
