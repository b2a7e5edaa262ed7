"""Evaluations in durable_rules, driven synchronously.

A :class:`Session` is one durable_rules session (``sid``) of one ruleset, kept live across
profiles: creating a session costs more than deciding a profile in it (durable_rules sets
up every beta node's frame pools), so one session decides many profiles, one after the
other, and is deleted after :data:`SESSION_FACTS` stored facts, or at the first error. The
profiles cannot see each other: every scope instance, related organisation and list has a
session-wide id, each id token of a related organisation carries its profile's root id
(``pf``), and every rule joining two facts joins them on such an id. A profile's facts
stay in the session (retracting them would cost as much as asserting them); its
verdicts are those its own drain derives.

An :class:`Evaluation` asserts the facts of one profile, then drains the agenda itself:
``start_action_for_state`` hands over the first rule match, the adapter runs its action
(which may assert more facts), and ``complete_and_start_action`` hands over the next, until
none is left. No host, no threads, no timers. Two strata: first the scopes, values and
control links (the engine derives the control chain and the verdicts), then, once that
fixpoint is reached, the "closed" fact that lets the engine mark non-members, and the
aggregates' bounds.

Facts are asserted one at a time, each answer checked: a batch (``assert_facts``) reports
only its last refusal and silently drops every fact after one it cannot parse. durable_rules
knows a fact by a 32-bit hash of its (content-derived) id, so two different facts can
collide; the second is then refused as a repeat (code 2). The adapter never asserts a fact
twice, so a refusal of a fact it has not asserted before is such a collision, and the fact
is asserted again with a salt field (``w``, read by no rule) that changes its id.

A fact that one rule activation reads is asserted as an *event*: durable_rules deletes an
event once the rule that read it has run, and every stored fact costs about 7 KB and a
longer index (:mod:`.limits`). Events are the quantifiers' prefix facts, the aggregates'
bounds and the verdicts of nodes read by one parent (``Compiler.events``; never two in
one rule).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from ...errors import EngineError, UndecidableError
from ...vocabulary import Verdict
from ..facts import FactBase
from ..semantics import lookup
from . import encode as enc
from .actions import Copy, Emit, Member, Outside, Relay, Sentinel, StartWalk, Step
from .compile import DIGIT, Program
from .formula import Bundle
from .leaves import Encoding, ValueSpec


def _dumps(value: Any) -> str:
    """Compact JSON, as durable_rules reads it (integers are bounded, see :mod:`.encode`)."""
    return orjson.dumps(value).decode()


#: Salted retries of a fact refused for an id collision (each fails with odds of ~1e-5).
_SALTS = 8
#: Stored facts after which a session is deleted and the next profile starts a new one.
SESSION_FACTS = 2000
_VERDICT: dict[int | None, Verdict] = {
    1: Verdict.TRIGGERED,
    0: Verdict.CLEAR,
    None: Verdict.UNKNOWN,
}


def _listed(value: Any) -> list[Any]:
    """The items ``enumerate``/``set`` would see; anything else makes native raise."""
    if isinstance(value, str | list | tuple | dict):
        return list(value)
    raise UndecidableError(f"not a list: {value!r}")


def encode(spec: ValueSpec, scope: Any) -> dict[str, Any] | None:
    """The fields of a slot for ``spec`` in ``scope``; None when a fact is unknown."""
    value = lookup(scope, spec.path)
    if value is None:
        return None
    other: Any = None
    if spec.other is not None:
        other = lookup(scope, spec.other)
        if other is None:
            return None
    two = spec.other is not None
    encoding = spec.encoding
    if encoding is Encoding.IDENTITY:
        return {"a": enc.identity_token(value), "b": enc.identity_token(other) if two else None}
    if encoding is Encoding.EQUALITY:
        right = enc.equality_token(other, "R") if two else None
        return {"a": enc.equality_token(value, "L" if two else ""), "b": right}
    if encoding is Encoding.ELEMENT:
        return {"a": enc.element_token(value), "b": enc.element_token(other) if two else None}
    if encoding is Encoding.NUMBER:
        return dict(zip("ab", enc.scaled(enc.numeric(value), spec.scale), strict=True))
    if encoding is Encoding.SIGN:
        assert spec.threshold is not None
        relation = enc.sign(enc.numeric(value), spec.threshold)
        return {"a": relation, "b": relation}
    if encoding is Encoding.PAIR:
        left, right_number = enc.scaled_pair(enc.numeric(value), enc.numeric(other))
        return {"a": left, "b": right_number}
    items = [enc.element_token(item) for item in _listed(value)]
    return {"a": items, "n": len(items), "b": enc.element_token(other) if two else None}


class Session:
    """One live durable_rules session of one ruleset, deciding profile after profile."""

    def __init__(self, engine: Any, handle: int, sid: str) -> None:
        self.engine, self.handle, self.sid = engine, handle, sid
        self.sid_json = _dumps(sid)
        self.state: int | None = None  # durable_rules' state once a fact is asserted
        self.asserted: set[str] = set()
        self.ids = 0
        self.stored = 0
        self.salted = 0

    def new_ids(self, count: int = 1) -> int:
        """The first of ``count`` new session-wide ids."""
        first = self.ids
        self.ids += count
        return first

    @property
    def spent(self) -> bool:
        """Whether the session holds enough facts to be deleted after this profile."""
        return self.stored >= SESSION_FACTS

    def assert_all(self, texts: list[str], event: bool) -> None:
        """Assert facts (or events), one by one (see the module's docstring)."""
        assert_one = self.engine.assert_event if event else self.engine.assert_fact
        handle, asserted = self.handle, self.asserted
        for text in texts:
            code, state = assert_one(handle, text)
            if code == 2 and text not in asserted:  # another fact's id hash: salt it
                for salt in range(1, _SALTS + 1):
                    code, state = assert_one(handle, f'{text[:-1]},"w":{salt}}}')
                    if code != 2:
                        self.salted += 1
                        break
            if code not in (0, 1):  # 1: no rule looks at this fact, which is fine
                raise EngineError(f"durable_rules refused a fact (code {code})")
            asserted.add(text)
            self.state = state
        if not event:
            self.stored += len(texts)


class Evaluation:
    """The facts, actions and verdicts of one ``decide`` call on one program."""

    def __init__(self, session: Session, program: Program, facts: FactBase) -> None:
        self.session, self.program, self.facts = session, program, facts
        self.engine, self.handle = session.engine, session.handle
        self.sid_json = session.sid_json
        self.pending: list[str] = []
        self.events: list[str] = []
        self.seen: set[str] = set()
        self.meta: dict[int, tuple[int, int]] = {}
        self.scopes: list[tuple[int, int, Any]] = []
        self.verdicts: dict[tuple[int, int], int] = {}
        self.members: set[int] = set()
        self.related: list[Any] = list(facts.data.get("related_organisations") or [])
        self.root = session.new_ids()
        self.first_related = session.new_ids(len(self.related))
        self.actions = 0

    @property
    def salted(self) -> int:
        return self.session.salted

    # -- facts ---------------------------------------------------------------------------

    def push(self, fact: dict[str, Any], event: bool = False) -> None:
        """Queue a fact unless the same fact was already asserted for this profile.

        durable_rules refuses an identical second fact (MessageObservedException); a
        diamond or a cycle in the control chain, or two items deciding one quantifier,
        derive the same fact again, so repeats are dropped here. An ``event`` is a fact
        that one rule activation reads (see ``Compiler.events``): durable_rules deletes
        it once that rule has run.
        """
        fact["sid"] = self.session.sid
        self.push_text(_dumps(fact), event)

    def push_text(self, text: str, event: bool = False) -> None:
        """Queue a fact already written as JSON text (see :meth:`push`)."""
        if text not in self.seen:
            self.seen.add(text)
            (self.events if event else self.pending).append(text)

    def flush(self) -> None:
        """Assert the queued facts, then the queued events."""
        pending, self.pending = self.pending, []
        events, self.events = self.events, []
        self.session.assert_all(pending, event=False)
        self.session.assert_all(events, event=True)

    @property
    def state(self) -> int | None:
        return self.session.state

    def scope(self, kind: int, value: Any, parent: int, index: int) -> int:
        """Assert the facts of one scope instance and, recursively, of its list items.

        A list's length facts follow its items' facts: a quantifier's negated pattern over
        the items is evaluated once, when the length fact arrives.
        """
        ident = self.root if kind == 0 and parent < 0 else self.session.new_ids()
        self.meta[ident] = (parent, index)
        self.scopes.append((kind, ident, value))
        kinds = self.program.kinds
        spec = kinds[kind]
        for group in range(spec.bases):
            self.push({"t": "s", "k": kind, "q": group, "p": ident, "pf": self.root})
        for bundle in spec.bundles:
            self.push(_bundle(bundle, kind, value, ident, parent, index))
        for collection, child in spec.children:
            items = lookup(value, collection)
            if items is not None:
                listed = _listed(items)
                for position, item in enumerate(listed):
                    self.scope(child, item, ident, position)
                for group in range(kinds[child].lists):
                    self.push({"t": "L", "c": child, "q": group, "p": ident, "n": len(listed)})
        return ident

    def organisations(self) -> None:
        """Related organisations and their control links, for the chain's derivation.

        Each has a session-wide id (``i``); their ids and controllers are tokens prefixed
        with the profile's root id, so links never cross profiles.
        """
        root, first = self.root, self.first_related
        for index, item in enumerate(self.related):
            if not isinstance(item, Mapping):
                raise UndecidableError("a related organisation is not a mapping")
            fact: dict[str, Any] = {
                "t": "ro",
                "i": first + index,
                "pf": root,
                "r": [enc.element_token(r) for r in _listed(item.get("relations") or [])],
            }
            if item.get("id") is not None:
                fact["o"] = f"{root}:{enc.element_token(item['id'])}"
            self.push(fact)
            for controller in _listed(item.get("controlled_by") or []):
                link = f"{root}:{enc.element_token(controller)}"
                self.push({"t": "cb", "d": first + index, "c": link})
        for group in range(self.program.chain_groups):
            self.push({"t": "g", "q": group, "pf": root, "r": len(self.related)})

    def verdict(self, node: int, scope: int, value: int) -> None:
        known = self.verdicts.setdefault((node, scope), value)
        if known != value:
            raise EngineError(f"node {node} decided both ways in scope {scope}")
        if node not in self.program.read_nodes:
            return
        parent, index = self.meta[scope]
        # The hottest fact: written directly, exactly as _dumps would write it.
        self.push_text(
            f'{{"t":"v","h":{int(node) // DIGIT},"n":{int(node) % DIGIT},"p":{int(scope)},'
            f'"pp":{int(parent)},"i":{int(index)},"v":{int(value)},"sid":{self.sid_json}}}',
            node in self.program.event_nodes,
        )

    def prefix(self, node: int, scope: int, count: int) -> None:
        """A quantifier's prefix fact: read once (a step, or the end), so an event."""
        fact = {"t": "z", "h": node // DIGIT, "n": node % DIGIT, "p": scope, "k": count}
        self.push(fact, event=True)

    # -- actions -------------------------------------------------------------------------

    def act(self, name: str, message: str) -> None:
        """Run the action of rule ``name`` on its match (``message``, JSON)."""
        action = self.program.actions[name]
        self.actions += 1
        if isinstance(action, Emit):
            if action.where == "root":  # the match is not needed: not even parsed
                self.verdict(action.node, self.root, action.value)
            else:
                match = json.loads(message)[name]
                self.verdict(action.node, match[action.alias][action.where], action.value)
            return
        if isinstance(action, Sentinel):
            return
        match = json.loads(message)[name]
        if isinstance(action, Relay):
            fact = match[action.alias]
            self.verdict(action.node, fact["p"], fact["v"])
        elif isinstance(action, Copy):
            value = match[action.value_alias]["v"] ^ action.negated
            self.verdict(action.node, match[action.scope_alias]["p"], value)
        elif isinstance(action, StartWalk):
            scope = self.root if action.alias is None else match[action.alias]["p"]
            self.prefix(action.node, scope, 0)
        elif isinstance(action, Step):
            prefix = match[action.alias]
            self.prefix(action.node, prefix["p"], prefix["k"] + 1)
        elif isinstance(action, Member):
            self.member(match[action.alias]["i"])
        elif isinstance(action, Outside):
            index = self._position(match[action.alias]["i"])
            for group in range(self.program.chain_groups):
                self.push({"t": "nm", "q": group, "pp": self.root, "i": index})
        else:  # pragma: no cover - the union is exhausted above
            raise EngineError(f"internal: unknown action {action}")

    def member(self, ident: int) -> None:
        """The related organisation of session-wide id ``ident`` is in the chain."""
        if ident in self.members:
            return
        index = self._position(ident)
        self.members.add(ident)
        self.push({"t": "cm", "i": ident})
        if self.program.chain_kind is not None:
            self.scope(self.program.chain_kind, self.related[index], self.root, index)

    def _position(self, ident: int) -> int:
        """The position of related organisation ``ident`` among this profile's."""
        index = ident - self.first_related
        if not 0 <= index < len(self.related):
            raise EngineError("internal: a match reached another profile's organisation")
        return index

    def drain(self) -> None:
        """Run rule matches until none is left (a fixpoint).

        The facts the actions derive are asserted together once the agenda is empty, and
        the agenda is drained again, until an agenda yields no new fact.
        """
        while True:
            self.flush()
            if self.state is None:
                return
            started = self.engine.start_action_for_state(self.handle, self.state)
            message = started[1] if started else None
            while message:
                try:
                    self.act(message[2 : message.index('"', 2)], message)
                except BaseException:
                    self.engine.abandon_action(self.handle, self.state)
                    raise
                message = self.engine.complete_and_start_action(self.handle, self.state)
            if not self.pending and not self.events:
                return

    def aggregates(self) -> None:
        """The derived sums' bounds, as the facts give them (derived once per profile)."""
        for kind, ident, _value in self.scopes:
            for fid, node, plain in self.program.kinds[kind].aggregates:
                derived = self.facts.sum(node)
                total, complete = derived.total, derived.complete
                if plain:
                    low, high = enc.scaled(total, enc.scale_of(node.threshold))
                else:
                    low = high = enc.sign(total, node.threshold)
                self.push(
                    {
                        "t": "x",
                        "g": fid // DIGIT,
                        "f": fid % DIGIT,
                        "p": ident,
                        "a": low,
                        "b": high,
                        "c": "y" if complete else "n",
                    },
                    event=True,
                )

    def run(self) -> dict[str, Verdict]:
        """Evaluate every target (the caller deletes the session after an error)."""
        if self.session.state is None:
            self.push({"t": "o"})  # the sentinel: a rule fires in every session
            self.drain()
        self.scope(0, self.facts.data, -1, -1)
        if self.program.chain:
            self.organisations()
        self.drain()
        if self.program.chain:
            for group in range(self.program.chain_groups):
                self.push({"t": "cl", "q": group, "pf": self.root})
        self.aggregates()
        self.drain()
        return {
            key: _VERDICT[
                None if (found := self.verdicts.get((node, self.root))) is None else found ^ negated
            ]
            for key, (node, negated) in self.program.roots.items()
        }


def _bundle(
    bundle: Bundle, kind: int, value: Any, ident: int, parent: int, index: int
) -> dict[str, Any]:
    """The value fact of ``bundle`` in one scope instance (see :mod:`.formula`)."""
    fact: dict[str, Any] = {"t": "x", "g": bundle.fid // DIGIT, "f": bundle.fid % DIGIT}
    fact["p"] = ident
    if kind:
        fact["pp"], fact["i"] = parent, index
    for spec, slot in bundle.slots.items():
        fields = encode(spec, value)
        if fields is None:
            if slot in bundle.flagged:
                fact[f"u{slot}"] = 1
            continue
        for name, field in fields.items():
            if field is not None:
                fact[f"{name}{slot}"] = field
        if slot in bundle.guarded:
            fact[f"k{slot}"] = 1
    return fact
