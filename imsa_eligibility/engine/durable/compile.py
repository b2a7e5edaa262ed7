"""Compile the rule AST into durable_rules rulesets (private to :mod:`.durable`).

Every node is compiled once per *kind* of scope it is evaluated in (the profile; the items
of a list reached through given collections; the members of the control chain), with
identical subtrees sharing one node id (hash-consing). A node's verdict in one scope
instance is a fact ``{t: "v", h, n, p: scope, v: 1|0}`` (``h``/``n``: the node id, plus the
scope's parent ``pp`` and list index ``i``); an unknown verdict is the absence of both. The
rules:

- a leaf fires on the value fact ``{t: "x", g, f, p, a, b, n}`` of its scope (``g``/``f``:
  the value spec, see :mod:`.encode`), once for true and once for false;
- ``all``/``any`` are one rule for the decisive value (any part) and one join over every
  part for the other; ``not`` costs nothing: a reference carries a negation flag;
- a quantifier's decisive value comes from any item; the other walks a chain of prefix facts
  ``{t: "z", h, n, p, k}`` item by item (the engine counts), ending when ``k`` reaches the
  list's length fact ``{t: "L", c: kind, q, p, n}``, so an empty list decides at once;
- the control chain is derived by forward chaining from related-organisation facts
  ``ro`` and ``controlled_by`` edges ``cb`` into member facts ``cm``; once that fixpoint is
  reached the adapter asserts ``cl`` and a negated pattern marks the non-members ``nm``;
- an aggregate's bounds are asserted as a value fact ``{a: floor, b: ceil, c: complete}``.

Every pattern starts with a positive ``t`` test; no field is called ``id``; ``$ne``, ``$mt``
and ``$imt`` are never used (:func:`check_ruleset` enforces all three).

durable_rules' tables are small (:mod:`.limits`), so the program is shaped to fit
whatever its size, and :func:`compile_chunks` checks every ruleset against a simulation of
durable_rules' network before it is created:

- ids are written as two base-256 digits (``h``/``n``, ``g``/``f``), so no test is followed
  by more than 256 others;
- a verdict is read by at most :data:`FAN_IN` patterns; more read it through *relays*
  (a rule copying it to a new node), so no test ends many rules or ``$or`` branches, and no
  verdict fact matches many tests at once;
- the tests of one value are packed onto one value fact only up to :data:`BUDGET` tests'
  worth of alpha nodes (more get another value fact), and a set test has at most
  :data:`VALUES` values (a longer list becomes ``any``/``all`` of shorter ones);
- the quantifiers over one kind of list, the quantifiers over the control chain and the
  chain verdicts copied into one kind of scope are spread over groups of :data:`GROUP`,
  each group with its own facts (``q``);
- a fact that one rule activation reads is asserted as an event, which durable_rules
  deletes once read (:meth:`Compiler.events`, :meth:`Compiler.event_specs`);
- a program of more rules than one ruleset takes is cut into programs over disjoint
  targets, each decided in a session of its own; only a single target too large for a
  ruleset is refused (see :func:`.limits.check_limits`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...errors import EngineError, UndecidableError
from ...rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Path, Quantified, Test
from ..facts import CONTROLLING_RELATIONS
from . import encode as enc

if TYPE_CHECKING:
    from ..interface import Target
    from .limits import LimitProblem

Ref = tuple[int, bool]
"""A compiled node: its id and whether the reference is negated."""
Spec = tuple[Any, ...]
Action = tuple[Any, ...]
Conds = list[dict[str, Any]] | None
"""Extra conditions of a pattern; None: the pattern can never match."""
Piece = tuple[Spec, Conds, Conds]
"""A leaf (or part of a split leaf): its value spec and its true and false conditions."""

#: Ids are sent as two digits of this base: at most this many tests follow a type test.
DIGIT = 256
#: Parts joined by one rule (and ``$or`` branches of one pattern: 8 keep 20 expressions).
MAX_JOIN = 8
#: Patterns reading one node's verdict; more read a relay of it.
FAN_IN = 24
#: Relays copying one node's verdict.
RELAYS = 128
#: Quantifiers (or copied chain verdicts) sharing one list, scope or chain fact.
GROUP = 32
#: Alpha nodes of the tests sharing one value fact.
BUDGET = 24
#: Values of one set test (``one_of``, ``has_any``, ``has_all``).
VALUES = 16
#: Rules of one program cut from a larger one (a ruleset holds 4,096).
CHUNK_RULES = 3200


def _digits(high: str, low: str, ident: int) -> list[dict[str, Any]]:
    return [{high: ident // DIGIT}, {low: ident % DIGIT}]


def node_fields(ident: int) -> list[dict[str, Any]]:
    """The conditions naming node ``ident`` in a verdict or prefix fact."""
    return _digits("h", "n", ident)


def spec_fields(fid: int) -> list[dict[str, Any]]:
    """The conditions naming value spec ``fid`` in a value fact."""
    return _digits("g", "f", fid)


@dataclass
class Kind:
    """A kind of scope and what each of its instances contributes.

    ``bases``: groups of scope facts ``{t: "s", k, q}`` (constants and copied chain
    verdicts read them); ``lists``: groups of length facts ``{t: "L", c, q}`` for a list of
    items of this kind (one per :data:`GROUP` quantifiers over it).
    """

    ident: int
    bases: int = 0
    lifts: int = 0
    lists: int = 0
    quantifiers: int = 0
    specs: list[tuple[int, Spec]] = field(default_factory=list)
    aggregates: list[tuple[int, Aggregate, bool]] = field(default_factory=list)
    children: list[tuple[Path, int]] = field(default_factory=list)


@dataclass
class Program:
    """A compiled rule set: the durable_rules JSON and what the adapter needs to run it."""

    name: str
    text: str
    actions: dict[str, Action]
    kinds: list[Kind]
    roots: dict[str, Ref]
    chain: bool
    chain_kind: int | None
    chain_groups: int = 1
    rules: dict[str, Any] = field(default_factory=dict, repr=False)
    event_nodes: frozenset[int] = frozenset()
    event_specs: frozenset[int] = frozenset()


def _p(kind: str, *conds: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"t": kind}, *conds]} if conds else {"t": kind}


def _any_of(conds: list[dict[str, Any]]) -> dict[str, Any]:
    return conds[0] if len(conds) == 1 else {"$or": conds}


def _scalar_key(value: Any) -> Any:
    if isinstance(value, tuple):
        return ("tuple", tuple(_scalar_key(v) for v in value))
    return (type(value).__name__, str(value) if isinstance(value, Decimal) else value)


def _num_conds(op: str, right: Any) -> tuple[Conds, Conds]:
    """Conditions on ``a`` (floor) and ``b`` (ceiling) for ``value <op> right``."""
    opposite = {"$lt": "$gte", "$gte": "$lt", "$lte": "$gt", "$gt": "$lte"}
    name, side = {"lt": ("$lt", "a"), "le": ("$lte", "b"), "gt": ("$gt", "b"), "ge": ("$gte", "a")}[
        op
    ]
    return [{name: {side: right}}], [{opposite[name]: {side: right}}]


def _width(conds: Conds) -> int:
    """The alpha nodes the first condition of a pattern adds below its value spec."""
    if not conds:
        return 0
    ((name, value),) = conds[0].items()
    if name == "$or":
        return sum(_width([c]) for c in value)
    if name == "$and":
        return _width(value[:1])
    return 1


class Compiler:
    """Builds one :class:`Program` from targets."""

    def __init__(self) -> None:
        self.rules: dict[str, Any] = {}
        self.actions: dict[str, Action] = {}
        self.kinds: list[Kind] = [Kind(0)]
        self.kind_ids: dict[tuple[Any, ...], int] = {(): 0}
        self.memo: dict[Any, Ref] = {}
        self.spec_groups: dict[tuple[int, Spec], list[list[int]]] = {}
        self.fids = 0
        self.keys: dict[int, Any] = {}
        self.nodes = 0
        self.chain = False
        self.chain_quantifiers = 0
        self.uses: dict[int, int] = {}
        self.readers: dict[int, set[int | None]] = {}
        self.single_specs: set[int] = set()
        self.carriers: dict[int, list[int]] = {}
        self.relays: dict[int, int] = {}
        self.rule(("noop",), {"m": _p("o")})

    def rule(self, action: Action, *patterns: dict[str, Any]) -> None:
        """Add a rule whose patterns (one alias each) run ``action``."""
        name = f"r{len(self.rules)}"
        self.rules[name] = {"all": list(patterns)}
        self.actions[name] = action

    def key(self, node: Node) -> Any:
        """A structural key with typed scalars (``True`` and ``1`` differ, as for ``is``)."""
        found = self.keys.get(id(node))
        if found is not None:
            return found
        if isinstance(node, Test):
            key: Any = ("test", node.path, node.op, _scalar_key(node.value), node.other)
        elif isinstance(node, Not):
            key = ("not", self.key(node.part))
        elif isinstance(node, AllOf | AnyOf):
            key = (type(node).__name__, tuple(self.key(p) for p in node.parts))
        elif isinstance(node, Quantified):
            key = ("q", node.kind, node.collection, self.key(node.where))
        else:
            key = (
                "agg",
                node.value,
                node.over,
                self.key(node.where),
                node.op,
                _scalar_key(node.threshold),
            )
        self.keys[id(node)] = key
        return key

    def new_node(self) -> int:
        self.nodes += 1
        return self.nodes

    def new_fid(self) -> int:
        self.fids += 1
        return self.fids

    def kind_for(self, parent: int, collection: Path) -> int:
        """The kind of the items of ``collection`` in scopes of kind ``parent``."""
        steps = (
            (CONTROL_CHAIN,) if collection == CONTROL_CHAIN else (*self._steps(parent), collection)
        )
        ident = self.kind_ids.get(steps)
        if ident is None:
            ident = self.kind_ids[steps] = len(self.kinds)
            self.kinds.append(Kind(ident))
            if collection != CONTROL_CHAIN:
                self.kinds[parent].children.append((collection, ident))
        return ident

    def _steps(self, kind: int) -> tuple[Any, ...]:
        return next(s for s, i in self.kind_ids.items() if i == kind)

    def spec(self, kind: int, spec: Spec, width: int) -> int:
        """The value fact (its spec id) a test of ``width`` alpha nodes reads."""
        groups = self.spec_groups.setdefault((kind, spec), [])
        if not groups or groups[-1][1] + width > BUDGET:
            fid = self.new_fid()
            groups.append([fid, 0, 0])
            self.kinds[kind].specs.append((fid, spec))
        groups[-1][1] += width
        groups[-1][2] += 1
        return groups[-1][0]

    def event_specs(self) -> frozenset[int]:
        """The value facts one test reads (its true or its false rule): events."""
        single = {g[0] for groups in self.spec_groups.values() for g in groups if g[2] == 1}
        return frozenset(single | self.single_specs)

    def base(self, kind: int, lift: bool) -> int:
        """The group of scope facts a constant (group 0) or a copied verdict reads."""
        scope = self.kinds[kind]
        group = 0
        if lift:
            group = scope.lifts // GROUP
            scope.lifts += 1
        scope.bases = max(scope.bases, group + 1)
        return group

    def refer(self, ref: Ref, parent: int | None) -> Ref:
        """The node a new pattern of ``parent`` reads ``ref``'s verdict from: the node
        itself for its first :data:`FAN_IN` readers, then relays (copies) of it.

        ``parent`` is the node the pattern decides, or None when one verdict fact is
        matched by many activations (a copy into every scope of a kind).
        """
        ident, negated = ref
        carriers = self.carriers.setdefault(ident, [ident])
        current = carriers[-1]
        if self.uses.get(current, 0) >= FAN_IN:
            source = next(c for c in carriers if self.relays.get(c, 0) < RELAYS)
            self.relays[source] = self.relays.get(source, 0) + 1
            self.readers.setdefault(source, set()).add(None)
            current = self.new_node()
            self.rule(("relay", current, "m"), {"m": _p("v", *node_fields(source))})
            carriers.append(current)
        self.uses[current] = self.uses.get(current, 0) + 1
        self.readers.setdefault(current, set()).add(parent)
        return current, negated

    def events(self) -> frozenset[int]:
        """The nodes whose verdict facts one activation reads: asserted as events.

        A node read only by the rules of one parent (a junction or a quantifier) is read
        once per verdict fact: a value is decisive or not, and the parent's rules read the
        decisive value and the other value in different rules. durable_rules deletes an
        event once the rule that read it has run, which keeps the session small.

        No rule may join two events: when an action joining two completes, deleting the
        second reads past the end of the action's frame (``deleteMessageFromFrame``,
        state.c:261, counts the first one's cleared slot as still there; found with
        valgrind). So a join reads a verdict as an event in its first pattern only, and a
        quantifier's step reads the item's verdict as a fact (its prefix is the event).
        """
        return frozenset(
            node
            for node, readers in self.readers.items()
            if len(readers) == 1 and None not in readers
        )

    # -- nodes ---------------------------------------------------------------------------

    def compile(self, node: Node, kind: int) -> Ref:
        memo_key = (self.key(node), kind)
        ref = self.memo.get(memo_key)
        if ref is None:
            ref = self.memo[memo_key] = self._compile(node, kind)
        return ref

    def _compile(self, node: Node, kind: int) -> Ref:
        if isinstance(node, Not):
            ident, negated = self.compile(node.part, kind)
            return ident, not negated
        if isinstance(node, AllOf | AnyOf):
            refs = list(dict.fromkeys(self.compile(p, kind) for p in node.parts))
            return self.junction(isinstance(node, AllOf), refs, kind)
        if isinstance(node, Quantified):
            if node.collection == CONTROL_CHAIN and kind != 0:
                return self.lift(self.compile(node, 0), kind)
            return self.quantified(node, kind)
        if isinstance(node, Aggregate):
            return self.aggregate(node, kind)
        return self.test(node, kind)

    def emit_rule(
        self, ident: int, value: int, alias: str, where: str, *patterns: dict[str, Any]
    ) -> None:
        self.rule(("emit", ident, value, alias, where), *patterns)

    def constant(self, value: int, kind: int) -> Ref:
        key = ("const", value, kind)
        ref = self.memo.get(key)
        if ref is None:
            ident = self.new_node()
            group = self.base(kind, lift=False)
            self.emit_rule(ident, value, "s", "p", {"s": _p("s", {"k": kind}, {"q": group})})
            ref = self.memo[key] = (ident, False)
        return ref

    def junction(self, every: bool, refs: list[Ref], kind: int) -> Ref:
        if not refs:
            return self.constant(1 if every else 0, kind)
        if len(refs) == 1:
            return refs[0]
        if len(refs) > MAX_JOIN:
            groups = [refs[i : i + MAX_JOIN] for i in range(0, len(refs), MAX_JOIN)]
            return self.junction(every, [self.junction(every, g, kind) for g in groups], kind)
        key = ("junction", every, tuple(refs), kind)
        ref = self.memo.get(key)
        if ref is not None:
            return ref
        ident = self.new_node()
        decisive = 0 if every else 1
        branches = [
            {"$and": [*node_fields(n), {"v": decisive ^ neg}]}
            for n, neg in (self.refer(r, ident) for r in refs)
        ]
        self.emit_rule(ident, decisive, "m", "p", {"m": _p("v", {"$or": branches})})
        other = 1 - decisive
        # one event per activation at most (see events): parts after the first are facts
        reads = [self.refer(r, None if j else ident) for j, r in enumerate(refs)]
        patterns = [
            {
                f"m{j}": _p(
                    "v",
                    *node_fields(n),
                    {"v": other ^ neg},
                    *([{"p": {"m0": "p"}}] if j else []),
                )
            }
            for j, (n, neg) in enumerate(reads)
        ]
        self.emit_rule(ident, other, "m0", "p", *patterns)
        self.memo[key] = (ident, False)
        return ident, False

    def lift(self, inner: Ref, kind: int) -> Ref:
        """A root-level verdict (the control chain's) copied into every scope of ``kind``."""
        ident = self.new_node()
        group = self.base(kind, lift=True)
        carrier, negated = self.refer(inner, None)
        self.rule(
            ("copy", ident, "s", "q", negated),
            {"s": _p("s", {"k": kind}, {"q": group})},
            {"q": _p("v", *node_fields(carrier), {"p": 0})},
        )
        return ident, False

    def quantified(self, node: Quantified, kind: int) -> Ref:
        chain = node.collection == CONTROL_CHAIN
        self.chain = self.chain or chain
        items = self.kind_for(kind, node.collection)
        body = self.compile(node.where, items)
        ident = self.new_node()
        if chain:
            group = self.chain_quantifiers // GROUP
            self.chain_quantifiers += 1
        else:
            listed = self.kinds[items]
            group = listed.quantifiers // GROUP
            listed.quantifiers += 1
            listed.lists = max(listed.lists, group + 1)
        decisive = 1 if node.kind == "some" else 0
        other = 1 - decisive
        read, neg = self.refer(body, ident)
        self.emit_rule(
            ident,
            decisive,
            "m",
            "root" if chain else "pp",
            {"m": _p("v", *node_fields(read), {"v": decisive ^ neg})},
        )
        z = {"z": _p("z", *node_fields(ident))}
        item = [{"i": {"z": "k"}}] if chain else [{"pp": {"z": "p"}}, {"i": {"z": "k"}}]
        read, neg = self.refer(body, None)  # the step's prefix fact is its one event
        self.rule(
            ("zstep", ident, "z"),
            z,
            {"b": _p("v", *node_fields(read), {"v": other ^ neg}, *item)},
        )
        q = {"q": group}
        if chain:
            self.rule(("zstart", ident, None), {"g": _p("g", q)})
            self.rule(("zstep", ident, "z"), z, {"o": _p("nm", q, {"i": {"z": "k"}})})
            self.emit_rule(ident, other, "z", "p", z, {"g": _p("g", q, {"r": {"z": "k"}})})
        else:
            self.rule(("zstart", ident, "m"), {"m": _p("L", {"c": items}, q)})
            self.emit_rule(
                ident,
                other,
                "z",
                "p",
                z,
                {"l": _p("L", {"c": items}, q, {"p": {"z": "p"}}, {"n": {"z": "k"}})},
            )
        return ident, False

    def aggregate(self, node: Aggregate, kind: int) -> Ref:
        self.chain = self.chain or _uses_chain(node)
        ident = self.new_node()
        fid = self.new_fid()
        self.single_specs.add(fid)  # at most one of its four rules matches
        plain = enc.plain_threshold(node.threshold)
        limit = 0 if plain is None else plain[1]  # else the adapter sends sum - threshold
        self.kinds[kind].aggregates.append((fid, node, plain is not None))
        a_ge, b_gt = {"$gte": {"a": limit}}, {"$gt": {"b": limit}}
        exact: dict[str, tuple[Conds, Conds]] = {
            "equals": (
                [{"a": limit}, {"b": limit}],
                [{"$or": [{"$neq": {"a": limit}}, {"$neq": {"b": limit}}]}],
            )
        }
        exact["not_equals"] = exact["equals"][::-1]
        complete = exact.get(node.op) or _num_conds(node.op, limit)
        bound: tuple[Conds, Conds] = {
            "ge": ([a_ge], None),
            "gt": ([b_gt], None),
            "lt": (None, [a_ge]),
            "le": (None, [b_gt]),
            "equals": (None, [b_gt]),
            "not_equals": ([b_gt], None),
        }[node.op]
        for flag, conds in (("y", complete), ("n", bound)):
            for value, extra in ((1, conds[0]), (0, conds[1])):
                if extra is not None:
                    self.emit_rule(
                        ident,
                        value,
                        "m",
                        "p",
                        {"m": _p("x", *spec_fields(fid), {"c": flag}, *extra)},
                    )
        return ident, False

    def test(self, node: Test, kind: int) -> Ref:
        every, pieces = leaf_pieces(node)
        refs = [self.piece(piece, kind) for piece in pieces]
        return refs[0] if len(refs) == 1 else self.junction(every, refs, kind)

    def piece(self, piece: Piece, kind: int) -> Ref:
        spec, true, false = piece
        fid = self.spec(kind, spec, max(1, _width(true) + _width(false)))
        ident = self.new_node()
        for value, extra in ((1, true), (0, false)):
            if extra is not None:
                self.emit_rule(ident, value, "m", "p", {"m": _p("x", *spec_fields(fid), *extra)})
        return ident, False

    # -- the control chain ---------------------------------------------------------------

    def chain_rules(self) -> None:
        """Forward chaining of the control chain, then its complement once closed."""
        controlling = _any_of(
            [{"$iany": {"r": {"$i": enc.str_token(r)}}} for r in sorted(CONTROLLING_RELATIONS)]
        )
        self.rule(("member", "m"), {"m": _p("ro", controlling)})
        self.rule(
            ("member", "c"),
            {"a": _p("cm")},
            {"b": _p("cb", {"d": {"a": "i"}})},
            {"c": _p("ro", {"o": {"b": "c"}})},
        )
        self.rule(
            ("outside", "b"),
            {"a": _p("cl")},
            {"b": _p("ro")},
            {"c$not": _p("cm", {"i": {"b": "i"}})},
        )

    def program(self, roots: dict[str, Ref]) -> Program:
        if self.chain:
            self.chain_rules()
        check_ruleset(self.rules)
        event_nodes, event_specs = self.events(), self.event_specs()
        check_events(self.rules, event_nodes, event_specs)
        text = json.dumps(self.rules, sort_keys=True, separators=(",", ":"))
        name = "imsa_" + hashlib.sha256(text.encode()).hexdigest()[:32]
        chain_kind = self.kind_ids.get((CONTROL_CHAIN,))
        groups = max(1, -(-self.chain_quantifiers // GROUP))
        return Program(
            name,
            text,
            self.actions,
            self.kinds,
            roots,
            self.chain,
            chain_kind,
            groups,
            self.rules,
            event_nodes,
            event_specs,
        )


def _compile(targets: Sequence[Target]) -> tuple[Compiler, dict[str, Ref]]:
    compiler = Compiler()
    roots: dict[str, Ref] = {}
    try:
        for target in targets:
            roots[target.key] = compiler.compile(target.node, 0)
    except UndecidableError as error:
        raise EngineError(str(error)) from error
    return compiler, roots


def compile_program(targets: Sequence[Target]) -> Program:
    """One durable_rules program deciding ``targets`` (however large)."""
    compiler, roots = _compile(targets)
    return compiler.program(roots)


_Chunked = tuple[tuple["Target", ...], list[Program], list["LimitProblem"]]
_CACHE: dict[tuple[tuple[str, int], ...], _Chunked] = {}
_CACHED = 4


def compile_chunks(
    targets: Sequence[Target], refuse: Callable[[LimitProblem], None] | None = None
) -> list[Program]:
    """Programs deciding ``targets`` between them, each one a ruleset durable_rules takes.

    A program that breaks a limit (:func:`.limits.check_rules`) is cut into
    programs over fewer targets, until each fits. A single target that does not fit is
    passed to ``refuse`` (and left out), or refused with
    :class:`~.limits.DurableLimitError` when ``refuse`` is None. The last few
    results are kept, so checking a rule set when it loads and preparing the engine
    compile it once.
    """
    from .limits import DurableLimitError

    key = tuple((t.key, id(t.node)) for t in targets)
    found = _CACHE.get(key)
    if found is None:
        refused: list[LimitProblem] = []
        # the targets are kept with the result: their nodes stay alive, and so their ids
        found = (tuple(targets), _chunks(targets, refused.append), refused)
        while len(_CACHE) >= _CACHED:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = found
    _, programs, refused = found
    if refused:
        if refuse is None:
            raise DurableLimitError(refused)
        for problem in refused:
            refuse(problem)
    return list(programs)


def _chunks(targets: Sequence[Target], refuse: Callable[[LimitProblem], None]) -> list[Program]:
    from .limits import MAX_RULES, LimitProblem, check_rules

    work = [list(targets)]
    programs: list[Program] = []
    while work:
        group = work.pop()
        compiler, roots = _compile(group)
        size = len(compiler.rules) + 3 * compiler.chain  # and the chain's rules
        problems: list[str] = []
        if size <= MAX_RULES or len(group) <= 1:
            program = compiler.program(roots)
            problems = check_rules(program.rules)
            if not problems:
                programs.append(program)
                continue
        if len(group) <= 1:
            refuse(LimitProblem(group[0].key if group else "", "; ".join(problems)))
            continue
        parts = min(len(group), max(2, -(-size // CHUNK_RULES)))
        step = -(-len(group) // parts)
        work.extend(reversed([group[i : i + step] for i in range(0, len(group), step)]))
    return programs


def _uses_chain(node: Node) -> bool:
    """Whether ``node`` needs the control chain anywhere inside it."""
    if isinstance(node, Quantified | Aggregate):
        over = node.collection if isinstance(node, Quantified) else node.over
        return over == CONTROL_CHAIN or _uses_chain(node.where)
    if isinstance(node, AllOf | AnyOf):
        return any(_uses_chain(part) for part in node.parts)
    return isinstance(node, Not) and _uses_chain(node.part)


def leaf_pieces(node: Test) -> tuple[bool, list[Piece]]:
    """The pieces of a leaf and whether all of them (else any) must hold.

    A leaf is one piece, except a set test of more than :data:`VALUES` values, which is
    split into pieces of at most that many (``has_all``: all of them; else any).
    """
    op, path, other = node.op, node.path, node.other
    same, differ = [{"a": {"$m": "b"}}], [{"$neq": {"a": {"$m": "b"}}}]
    if other is not None:
        if op == "is":
            return False, [(("is2", path, other), same, differ)]
        if op in ("equals", "not_equals"):
            conds = (same, differ) if op == "equals" else (differ, same)
            return False, [(("eq2", path, other), *conds)]
        if op == "one_of":
            return False, [(("el2", path, other), same, differ)]
        if op in ("has_any", "has_all"):
            item = {"$i": {"$m": "b"}}
            return False, [
                (
                    ("set2", path, other),
                    [{"$iany": {"a": item}}],
                    [{"$or": [{"n": 0}, {"$iall": {"a": {"$neq": item}}}]}],
                )
            ]
        name = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]
        opposite = {"$lt": "$gte", "$gte": "$lt", "$lte": "$gt", "$gt": "$lte"}[name]
        exact = {"$m": "b"}  # both sides exact integers: ``a`` (left) and ``b`` (right)
        return False, [(("num2", path, other), [{name: {"a": exact}}], [{opposite: {"a": exact}}])]
    try:
        return _constant_leaf(op, path, node.value)
    except UndecidableError:
        # the native engine raises once the value is known
        return False, [(("crash", path), None, None)]


def _constant_leaf(op: str, path: Path, value: Any) -> tuple[bool, list[Piece]]:
    if op == "is":
        if not isinstance(value, bool):
            raise EngineError(f"`is` takes true or false, not {value!r}")
        token = enc.identity_token(value)
        return False, [(("is", path), [{"a": token}], [{"$neq": {"a": token}}])]
    if op in ("equals", "not_equals"):
        if isinstance(value, bool | str) or enc.is_number(value):
            token = enc.equality_token(value, "")
            true: Conds = [{"a": token}]
            false: Conds = [{"$neq": {"a": token}}]
            spec: Spec = ("eq", path)
        elif isinstance(value, tuple):
            true, false, spec = None, [], ("known", path)  # never equal (native semantics)
        else:
            raise EngineError(f"cannot compare with {value!r}")
        return False, [(spec, true, false) if op == "equals" else (spec, false, true)]
    if op in ("lt", "le", "gt", "ge"):
        number = enc.numeric(value)
        plain = enc.plain_threshold(number)
        if plain is not None:
            scale, limit = plain
            return False, [(("num", path, scale), *_num_conds(op, limit))]
        # beyond durable's integers: the adapter sends the sign of value - threshold
        return False, [(("cmp", path, number), *_num_conds(op, 0))]
    values = sorted(
        {enc.element_token(v) for v in (value if isinstance(value, tuple) else (value,))}
    )
    groups = [values[i : i + VALUES] for i in range(0, len(values), VALUES)] or [[]]
    make = {"one_of": _one_of, "has_any": _has_any}.get(op, _has_all)
    return op == "has_all", [make(path, group) for group in groups]


def _one_of(path: Path, values: list[str]) -> Piece:
    if not values:
        return ("el", path), None, []
    return (
        ("el", path),
        [{"$or": [{"a": v} for v in values]} if len(values) > 1 else {"a": values[0]}],
        [{"$and": [{"$neq": {"a": v}} for v in values]}],
    )


def _has_any(path: Path, values: list[str]) -> Piece:
    if not values:
        return ("set", path), None, []
    return (
        ("set", path),
        [_any_of([{"$iany": {"a": {"$i": v}}} for v in values])],
        [
            {
                "$or": [
                    {"n": 0},
                    {"$iall": {"a": {"$and": [{"$neq": {"$i": v}} for v in values]}}},
                ]
            }
        ],
    )


def _has_all(path: Path, values: list[str]) -> Piece:
    if not values:  # has_all of nothing
        return ("set", path), [], None
    return (
        ("set", path),
        [{"$iany": {"a": {"$i": v}}} for v in values],
        [{"$or": [{"n": 0}, *({"$iall": {"a": {"$neq": {"$i": v}}}} for v in values)]}],
    )


def check_events(
    rules: dict[str, Any], event_nodes: frozenset[int], event_specs: frozenset[int]
) -> None:
    """Refuse a rule that joins two events (see :meth:`Compiler.events`)."""
    for name, rule in rules.items():
        events = 0
        for pattern in rule["all"]:
            ((_, body),) = pattern.items()
            conds = body.get("$and", [body])
            fields = {k: v for c in conds for k, v in c.items() if not k.startswith("$")}
            kind = fields.get("t")
            if kind == "z":
                events += 1
            elif kind in ("v", "x"):
                high, low = ("h", "n") if kind == "v" else ("g", "f")
                if isinstance(fields.get(high), int) and isinstance(fields.get(low), int):
                    ident = fields[high] * DIGIT + fields[low]
                    events += ident in (event_nodes if kind == "v" else event_specs)
        if events > 1:
            raise EngineError(f"internal: rule {name} joins {events} events")


_FORBIDDEN = {"$ne", "$mt", "$imt", "id"}


def check_ruleset(rules: dict[str, Any]) -> None:
    """Refuse a ruleset that would walk into a known durable_rules trap."""

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            bad = _FORBIDDEN & set(value)
            if bad:
                raise EngineError(f"internal: ruleset uses {sorted(bad)}")
            for test in value.get("$iany", {}).values():
                if "$or" in test:  # createAlpha reads uninitialised memory on this shape
                    raise EngineError("internal: ruleset nests $or in $iany")
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name, rule in rules.items():
        for position, pattern in enumerate(rule["all"]):
            ((alias, body),) = pattern.items()
            first = body["$and"][0] if "$and" in body else body
            if set(first) != {"t"} or (position == 0 and alias.endswith("$not")):
                raise EngineError(f"internal: rule {name} has a pattern without a type test")
        walk(rule)
