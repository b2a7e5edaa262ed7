"""Compile the rule AST into durable_rules rulesets.

Every node is compiled once per *kind* of scope it is evaluated in (the profile; the items
of a list reached through given collections; the members of the control chain), with
identical subtrees sharing one compiled form (hash-consing). Compiling is coarse: a
boolean combination of leaves in one scope is a :class:`~.formula.Formula`, decided by one
pattern per verdict on one value fact of the scope (a *bundle* of slots, see
:mod:`.formula`), with no fact or action for its inner nodes. The rest are *nodes*, whose
verdict in a scope instance is a fact ``{t: "v", h, n, p: scope, v: 1|0}`` (``h``/``n``:
the node id, plus the scope's parent ``pp`` and list index ``i``), asserted by an action
and only when a rule reads it; an unknown verdict is the absence of both.

- a formula becomes a node (where a node is needed: a target, a part of a junction with
  nodes in it) by two rules on its bundle, one for each verdict;
- ``all``/``any`` of nodes are one rule for the decisive value (any part) and one join over
  every part for the other; ``not`` costs nothing (a reference carries a negation flag);
- a quantifier over a formula reads its items' bundles: the decisive value from any item,
  the other from the list's length fact ``{t: "L", c: kind, q, p, n}`` (asserted after its
  items) and a negated pattern: no item whose verdict fails to be the other value. Over the
  control chain the closed fact ``cl`` takes the length fact's place;
- a quantifier over anything else walks a chain of prefix facts ``{t: "z", h, n, p, k}``
  item by item (the engine counts), ending when ``k`` reaches the list's length, so an
  empty list decides at once;
- the control chain is derived by forward chaining from related-organisation facts
  ``ro`` and ``controlled_by`` edges ``cb`` into member facts ``cm``; once that fixpoint is
  reached the adapter asserts ``cl`` and a negated pattern marks the non-members ``nm``;
- an aggregate's bounds are asserted as a value fact ``{a: floor, b: ceil, c: complete}``.

Every pattern starts with a positive ``t`` test and names only the kinds and fields of
:mod:`.facts`; no field is called ``id``; ``$ne``, ``$mt`` and ``$imt`` are never used
(:func:`.checks.check_ruleset` enforces all of it).

durable_rules' tables are small (:mod:`.limits`), so the program is shaped to fit
whatever its size, and :func:`compile_chunks` checks every ruleset against a simulation of
durable_rules' network before it is created:

- ids are written as two base-256 digits (``h``/``n``, ``g``/``f``), so no test is followed
  by more than 256 others;
- a formula stays one pattern only while durable_rules' expression count allows
  (:data:`EXPRESSIONS`); a larger one is cut into parts that are nodes;
- a bundle carries formulas only up to :data:`BUDGET` tests' worth of alpha nodes (more
  get another bundle), and a set test has at most :data:`~.leaves.VALUES` values (a longer
  list becomes ``any``/``all`` of shorter ones);
- a verdict is read by at most :data:`FAN_IN` patterns; more read it through *relays*
  (a rule copying it to a new node), so no test ends many rules or ``$or`` branches, and no
  verdict fact matches many tests at once;
- the quantifiers over one kind of list, the quantifiers over the control chain and the
  chain verdicts copied into one kind of scope are spread over groups of :data:`GROUP`,
  each group with its own facts (``q``);
- a fact that one rule activation reads is asserted as an event, which durable_rules
  deletes once read (:meth:`Compiler.events`);
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
from typing import TYPE_CHECKING, Any, NamedTuple

from ...errors import EngineError, UndecidableError
from ...rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Path, Quantified, Test
from ..facts import CONTROLLING_RELATIONS
from . import encode as enc
from .actions import Action, Copy, Emit, Member, Outside, Relay, Sentinel, StartWalk, Step, Where
from .checks import check_events, check_ruleset
from .facts import Fact
from .formula import Bundle, Formula, Junction, Leaf, fails, holds, negate, specs
from .leaves import VALUES, Conds, leaf_pieces, num_conds
from .limits import MAX_EXPRESSIONS, expressions

if TYPE_CHECKING:
    from ..interface import Target
    from .limits import LimitProblem

__all__ = ["VALUES", "Compiler", "Program", "compile_chunks", "compile_program"]


class Ref(NamedTuple):
    """A compiled node: its id, and whether the reference reads its verdict negated."""

    node: int
    negated: bool


Compiled = Ref | Formula

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
#: Alpha nodes of the tests starting the patterns on one bundle.
BUDGET = 24
#: Slots of one bundle (each up to five fields; a fact holds 254).
SLOTS = 40
#: Expressions of one formula's pattern, the joins and tests around it included.
EXPRESSIONS = MAX_EXPRESSIONS
#: Rules of one program cut from a larger one (a ruleset holds 4,096).
CHUNK_RULES = 3200


def _digits(high: str, low: str, ident: int) -> list[dict[str, Any]]:
    return [{high: ident // DIGIT}, {low: ident % DIGIT}]


def node_fields(ident: int) -> list[dict[str, Any]]:
    """The conditions naming node ``ident`` in a verdict or prefix fact."""
    return _digits("h", "n", ident)


def spec_fields(fid: int) -> list[dict[str, Any]]:
    """The conditions naming value fact ``fid`` (a bundle or a sum)."""
    return _digits("g", "f", fid)


@dataclass
class Kind:
    """A kind of scope and what each of its instances contributes.

    ``bases``: groups of scope facts ``{t: "s", k, q}`` (constants and copied chain
    verdicts read them); ``lists``: groups of length facts ``{t: "L", c, q}`` for a list of
    items of this kind (one per :data:`GROUP` quantifiers over it); ``bundles``: the value
    facts its formulas read; ``aggregates``: the sums compared in it.
    """

    ident: int
    bases: int = 0
    lifts: int = 0
    lists: int = 0
    quantifiers: int = 0
    bundles: list[Bundle] = field(default_factory=list)
    aggregates: list[tuple[int, Aggregate, bool]] = field(default_factory=list)
    children: list[tuple[Path, int]] = field(default_factory=list)


@dataclass
class Program:
    """A compiled rule set: the durable_rules JSON and what the adapter needs to run it.

    ``read_nodes``: the nodes some rule reads, whose verdicts are asserted as facts.
    """

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
    read_nodes: frozenset[int] = frozenset()


def _p(kind: Fact, *conds: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"t": str(kind)}, *conds]} if conds else {"t": str(kind)}


def _any_of(conds: list[dict[str, Any]]) -> dict[str, Any]:
    return conds[0] if len(conds) == 1 else {"$or": conds}


def _scalar_key(value: Any) -> Any:
    if isinstance(value, tuple):
        return ("tuple", tuple(_scalar_key(v) for v in value))
    return (type(value).__name__, str(value) if isinstance(value, Decimal) else value)


def _width(conds: Conds) -> int:
    """The alpha nodes the first condition of a pattern adds below its fact's id."""
    if not conds:
        return 0
    ((name, value),) = conds[0].items()
    if name == "$or":
        return sum(_width([c]) for c in value)
    if name == "$and":
        return _width(value[:1])
    return 1


#: The widest join a pattern on a bundle carries besides its conditions.
_JOIN = [{"pp": {"l": "p"}}]


def _fits(conds: Conds) -> bool:
    """Whether a pattern of ``conds`` on a bundle stays within durable's expression count."""
    if conds is None:
        return True
    return expressions(_p(Fact.VALUE, *spec_fields(0), *_JOIN, *conds)) <= EXPRESSIONS


class Compiler:
    """Builds one :class:`Program` from targets."""

    def __init__(self) -> None:
        self.rules: dict[str, Any] = {}
        self.actions: dict[str, Action] = {}
        self.kinds: list[Kind] = [Kind(0)]
        self.kind_ids: dict[tuple[Any, ...], int] = {(): 0}
        self.memo: dict[Any, Compiled] = {}
        self.made: dict[tuple[int, int], Ref] = {}  # formulas made nodes, by (id, kind)
        self.kept: list[Any] = []
        self.fids = 0
        self.keys: dict[int, Any] = {}
        self.nodes = 0
        self.node_kinds: dict[int, int] = {}
        self.chain = False
        self.chain_quantifiers = 0
        self.uses: dict[int, int] = {}
        self.readers: dict[int, set[int | None]] = {}
        self.single_specs: set[int] = set()
        self.carriers: dict[int, list[int]] = {}
        self.relays: dict[int, int] = {}
        self.rule(Sentinel(), {"m": _p(Fact.SENTINEL)})

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

    def new_node(self, kind: int | None = None) -> int:
        """A new node id; ``kind``: the kind of scope its verdicts belong to."""
        self.nodes += 1
        if kind is not None:
            self.node_kinds[self.nodes] = kind
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
            self.rule(Relay(current, "m"), {"m": _p(Fact.VERDICT, *node_fields(source))})
            carriers.append(current)
        self.uses[current] = self.uses.get(current, 0) + 1
        self.readers.setdefault(current, set()).add(parent)
        return Ref(current, negated)

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

    # -- formulas --------------------------------------------------------------------------

    def bundle_for(
        self, kind: int, formula: Formula, values: Sequence[int], negated: Sequence[int] = ()
    ) -> Bundle:
        """The bundle of ``kind`` that carries ``formula``'s slots for its patterns
        (``holds`` of ``values``, ``fails`` of ``negated``).

        A bundle already holding most of the formula's value specs is chosen when its
        budget of alpha nodes (:data:`BUDGET`) and slots (:data:`SLOTS`) has room; else a
        new one. The patterns' widths are charged to it.
        """
        needed = list(dict.fromkeys(specs(formula)))
        scratch = Bundle(0)
        width = sum(_width(holds(formula, v, scratch)) for v in values) + sum(
            _width(fails(formula, v, scratch)) for v in negated
        )
        candidates = sorted(
            self.kinds[kind].bundles,
            key=lambda b: -sum(spec in b.slots for spec in needed),
        )
        for bundle in candidates:
            fresh = sum(spec not in bundle.slots for spec in needed)
            if bundle.width + width <= BUDGET and len(bundle.slots) + fresh <= SLOTS:
                break
        else:
            bundle = Bundle(self.new_fid())
            self.kinds[kind].bundles.append(bundle)
        bundle.width += width
        return bundle

    def fits(self, formula: Formula, values: Sequence[int], negated: Sequence[int] = ()) -> bool:
        """Whether ``formula``'s patterns (``holds`` of ``values``, ``fails`` of
        ``negated``) each stay within one pattern's expressions, and together within one
        bundle's budget of alpha nodes."""
        scratch = Bundle(0)
        patterns = [holds(formula, v, scratch) for v in values]
        patterns += [fails(formula, v, scratch) for v in negated]
        return sum(_width(c) for c in patterns) <= BUDGET and all(_fits(c) for c in patterns)

    def make_node(self, compiled: Compiled, kind: int) -> Ref:
        """A node deciding ``compiled`` (a formula: two rules on its bundle)."""
        if isinstance(compiled, Ref):
            return compiled
        found = self.made.get((id(compiled), kind))
        if found is not None:
            return found
        formula = compiled
        ident = self.new_node(kind)
        bundle = self.bundle_for(kind, formula, (1, 0))
        where: Where = "root" if kind == 0 else "p"
        for value in (1, 0):
            conds = holds(formula, value, bundle)
            if conds is not None:
                self.rule(
                    Emit(ident, value, "m", where),
                    {"m": _p(Fact.VALUE, *spec_fields(bundle.fid), *conds)},
                )
        ref = self.made[(id(compiled), kind)] = Ref(ident, False)
        self.kept.append(compiled)  # its id is the key: keep it alive
        return ref

    def combine(self, every: bool, parts: list[Compiled], kind: int) -> Compiled:
        """``all``/``any`` of compiled parts: one formula while it fits, else a node."""
        formulas = [p for p in parts if not isinstance(p, Ref)]
        nodes = [p for p in parts if isinstance(p, Ref)]
        groups: list[list[Formula]] = []
        for formula in formulas:
            if groups:
                joined = Junction(every, (*groups[-1], formula))
                if self.fits(joined, (0, 1)):
                    groups[-1].append(formula)
                    continue
            groups.append([formula])
        merged: list[Formula] = [g[0] if len(g) == 1 else Junction(every, tuple(g)) for g in groups]
        if not nodes and len(merged) == 1:
            return merged[0]
        refs = list(dict.fromkeys(nodes))
        if refs and len(refs) + len(merged) <= MAX_JOIN:
            return self.mixed(every, refs, merged, kind)
        return self.junction(every, [*(self.make_node(f, kind) for f in merged), *refs], kind)

    def mixed(self, every: bool, refs: list[Ref], formulas: list[Formula], kind: int) -> Ref:
        """``all``/``any`` of nodes and formulas: the formulas' bundles are read in the
        junction's own rules (no node, fact or action of their own)."""
        key = ("mixed", every, tuple(refs), tuple(id(f) for f in formulas), kind)
        found = self.memo.get(key)
        if isinstance(found, Ref):
            return found
        ident = self.new_node(kind)
        decisive = 0 if every else 1
        other = 1 - decisive
        bundles = [self.bundle_for(kind, f, (0, 1)) for f in formulas]
        branches = [
            {"$and": [*node_fields(n), {"v": decisive ^ neg}]}
            for n, neg in (self.refer(r, ident) for r in refs)
        ]
        self.emit_rule(ident, decisive, "m", "p", {"m": _p(Fact.VERDICT, _any_of(branches))})
        for formula, bundle in zip(formulas, bundles, strict=True):
            conds = holds(formula, decisive, bundle)
            if conds is not None:
                self.emit_rule(
                    ident,
                    decisive,
                    "m",
                    "p",
                    {"m": _p(Fact.VALUE, *spec_fields(bundle.fid), *conds)},
                )
        # one event per activation at most (see events): parts after the first are facts
        reads = [self.refer(r, None if j else ident) for j, r in enumerate(refs)]
        patterns: list[dict[str, Any]] = [
            {
                f"m{j}": _p(
                    Fact.VERDICT,
                    *node_fields(n),
                    {"v": other ^ neg},
                    *([{"p": {"m0": "p"}}] if j else []),
                )
            }
            for j, (n, neg) in enumerate(reads)
        ]
        for j, (formula, bundle) in enumerate(zip(formulas, bundles, strict=True), len(reads)):
            conds = holds(formula, other, bundle)
            if conds is None:  # this part can never be the other value
                patterns = []
                break
            patterns.append(
                {f"m{j}": _p(Fact.VALUE, *spec_fields(bundle.fid), {"p": {"m0": "p"}}, *conds)}
            )
        if patterns:
            self.emit_rule(ident, other, "m0", "p", *patterns)
        ref = Ref(ident, False)
        self.memo[key] = ref
        self.kept.append(formulas)  # their ids are in the key: keep them alive
        return ref

    # -- nodes ---------------------------------------------------------------------------

    def compile(self, node: Node, kind: int) -> Compiled:
        memo_key = (self.key(node), kind)
        found = self.memo.get(memo_key)
        if found is None:
            found = self.memo[memo_key] = self._compile(node, kind)
        return found

    def root(self, node: Node) -> Ref:
        """The node deciding a target."""
        return self.make_node(self.compile(node, 0), 0)

    def _compile(self, node: Node, kind: int) -> Compiled:
        if isinstance(node, Not):
            inner = self.compile(node.part, kind)
            if isinstance(inner, Ref):
                return Ref(inner.node, not inner.negated)
            return negate(inner)
        if isinstance(node, AllOf | AnyOf):
            every = isinstance(node, AllOf)
            parts = [self.compile(p, kind) for p in node.parts]
            if not parts:
                return self.constant(1 if every else 0, kind)
            unique = list({id(p): p for p in parts}.values())
            return unique[0] if len(unique) == 1 else self.combine(every, unique, kind)
        if isinstance(node, Quantified):
            if node.collection == CONTROL_CHAIN and kind != 0:
                return self.lift(self.root(node), kind)
            return self.quantified(node, kind)
        if isinstance(node, Aggregate):
            return self.aggregate(node, kind)
        every, pieces = leaf_pieces(node)
        leaves: list[Compiled] = [Leaf(piece) for piece in pieces]
        return leaves[0] if len(leaves) == 1 else self.combine(every, leaves, kind)

    def emit_rule(
        self, ident: int, value: int, alias: str, where: Where, *patterns: dict[str, Any]
    ) -> None:
        """A rule giving node ``ident`` verdict ``value`` in the scope ``where`` of the fact
        ``alias`` (the profile's, known without reading the match, for a profile-level node)."""
        if self.node_kinds.get(ident) == 0:
            where = "root"
        self.rule(Emit(ident, value, alias, where), *patterns)

    def constant(self, value: int, kind: int) -> Ref:
        key = ("const", value, kind)
        found = self.memo.get(key)
        if isinstance(found, Ref):
            return found
        ident = self.new_node(kind)
        group = self.base(kind, lift=False)
        self.emit_rule(ident, value, "s", "p", {"s": _p(Fact.SCOPE, {"k": kind}, {"q": group})})
        ref = Ref(ident, False)
        self.memo[key] = ref
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
        found = self.memo.get(key)
        if isinstance(found, Ref):
            return found
        ident = self.new_node(kind)
        decisive = 0 if every else 1
        branches = [
            {"$and": [*node_fields(n), {"v": decisive ^ neg}]}
            for n, neg in (self.refer(r, ident) for r in refs)
        ]
        self.emit_rule(ident, decisive, "m", "p", {"m": _p(Fact.VERDICT, {"$or": branches})})
        other = 1 - decisive
        # one event per activation at most (see events): parts after the first are facts
        reads = [self.refer(r, None if j else ident) for j, r in enumerate(refs)]
        patterns = [
            {
                f"m{j}": _p(
                    Fact.VERDICT,
                    *node_fields(n),
                    {"v": other ^ neg},
                    *([{"p": {"m0": "p"}}] if j else []),
                )
            }
            for j, (n, neg) in enumerate(reads)
        ]
        self.emit_rule(ident, other, "m0", "p", *patterns)
        ref = Ref(ident, False)
        self.memo[key] = ref
        return ref

    def lift(self, inner: Ref, kind: int) -> Ref:
        """A root-level verdict (the control chain's) copied into every scope of ``kind``."""
        ident = self.new_node(kind)
        group = self.base(kind, lift=True)
        carrier, negated = self.refer(inner, None)
        self.rule(
            Copy(ident, "s", "q", negated),
            {"s": _p(Fact.SCOPE, {"k": kind}, {"q": group})},
            {"q": _p(Fact.VERDICT, *node_fields(carrier), {"p": {"s": "pf"}})},
        )
        return Ref(ident, False)

    def quantified(self, node: Quantified, kind: int) -> Ref:
        chain = node.collection == CONTROL_CHAIN
        self.chain = self.chain or chain
        items = self.kind_for(kind, node.collection)
        body = self.compile(node.where, items)
        ident = self.new_node(kind)
        if chain:
            group = self.chain_quantifiers // GROUP
            self.chain_quantifiers += 1
        else:
            listed = self.kinds[items]
            group = listed.quantifiers // GROUP
            listed.quantifiers += 1
            listed.lists = max(listed.lists, group + 1)
        decisive = 1 if node.kind == "some" else 0
        if not isinstance(body, Ref) and self.fits(body, (decisive,), (1 - decisive,)):
            self.quantified_formula(ident, body, items, decisive, chain, group)
        else:
            self.walk(ident, self.make_node(body, items), items, decisive, chain, group)
        return Ref(ident, False)

    def quantified_formula(
        self, ident: int, body: Formula, items: int, decisive: int, chain: bool, group: int
    ) -> None:
        """A quantifier over a formula: any item's bundle decides; else no item fails to."""
        other = 1 - decisive
        bundle = self.bundle_for(items, body, (decisive,), (other,))
        found = holds(body, decisive, bundle)
        if found is not None:
            self.emit_rule(
                ident,
                decisive,
                "m",
                "root" if chain else "pp",
                {"m": _p(Fact.VALUE, *spec_fields(bundle.fid), *found)},
            )
        failing = fails(body, other, bundle)
        q = {"q": group}
        if chain:
            closed = {"l": _p(Fact.CLOSED, q)}
            where: Where = "root"
            join = [{"pp": {"l": "pf"}}]
        else:
            closed = {"l": _p(Fact.LENGTH, {"c": items}, q)}
            where = "p"
            join = [{"pp": {"l": "p"}}]  # the items of this list only
        if failing is None:  # no item can fail to be the other value
            self.emit_rule(ident, other, "l", where, closed)
        else:
            self.emit_rule(
                ident,
                other,
                "l",
                where,
                closed,
                {"x$not": _p(Fact.VALUE, *spec_fields(bundle.fid), *join, *failing)},
            )

    def walk(
        self, ident: int, body: Ref, items: int, decisive: int, chain: bool, group: int
    ) -> None:
        """A quantifier over a node: any item's verdict decides; else a walk of the items."""
        other = 1 - decisive
        read, neg = self.refer(body, ident)
        self.emit_rule(
            ident,
            decisive,
            "m",
            "root" if chain else "pp",
            {"m": _p(Fact.VERDICT, *node_fields(read), {"v": decisive ^ neg})},
        )
        z = {"z": _p(Fact.PREFIX, *node_fields(ident))}
        item = [{"pp": {"z": "p"}}, {"i": {"z": "k"}}]  # the next item of this list
        read, neg = self.refer(body, None)  # the step's prefix fact is its one event
        self.rule(
            Step(ident, "z"),
            z,
            {"b": _p(Fact.VERDICT, *node_fields(read), {"v": other ^ neg}, *item)},
        )
        q = {"q": group}
        if chain:
            self.rule(StartWalk(ident, None), {"g": _p(Fact.CHAIN_SIZE, q)})
            self.rule(Step(ident, "z"), z, {"o": _p(Fact.OUTSIDE, q, *item)})
            self.emit_rule(
                ident,
                other,
                "z",
                "root",
                z,
                {"g": _p(Fact.CHAIN_SIZE, q, {"pf": {"z": "p"}}, {"r": {"z": "k"}})},
            )
        else:
            self.rule(StartWalk(ident, "m"), {"m": _p(Fact.LENGTH, {"c": items}, q)})
            self.emit_rule(
                ident,
                other,
                "z",
                "p",
                z,
                {"l": _p(Fact.LENGTH, {"c": items}, q, {"p": {"z": "p"}}, {"n": {"z": "k"}})},
            )

    def aggregate(self, node: Aggregate, kind: int) -> Ref:
        self.chain = self.chain or _uses_chain(node)
        ident = self.new_node(kind)
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
        complete = exact.get(node.op) or num_conds(node.op, limit)
        bound: tuple[Conds, Conds] = {
            "ge": ([a_ge], None),
            "gt": ([b_gt], None),
            "lt": (None, [a_ge]),
            "le": (None, [b_gt]),
            "equals": (None, [b_gt]),
            "not_equals": ([b_gt], None),
        }[node.op]
        where: Where = "root" if kind == 0 else "p"
        for flag, conds in (("y", complete), ("n", bound)):
            for value, extra in ((1, conds[0]), (0, conds[1])):
                if extra is not None:
                    self.emit_rule(
                        ident,
                        value,
                        "m",
                        where,
                        {"m": _p(Fact.VALUE, *spec_fields(fid), {"c": flag}, *extra)},
                    )
        return Ref(ident, False)

    # -- the control chain ---------------------------------------------------------------

    def chain_rules(self) -> None:
        """Forward chaining of the control chain, then its complement once closed."""
        controlling = _any_of(
            [{"$iany": {"r": {"$i": enc.str_token(r)}}} for r in sorted(CONTROLLING_RELATIONS)]
        )
        self.rule(Member("m"), {"m": _p(Fact.RELATED, controlling)})
        self.rule(
            Member("c"),
            {"a": _p(Fact.MEMBER)},
            {"b": _p(Fact.CONTROLLED_BY, {"d": {"a": "i"}})},
            {"c": _p(Fact.RELATED, {"o": {"b": "c"}})},
        )
        self.rule(
            Outside("b"),
            {"a": _p(Fact.CLOSED, {"q": 0})},
            {"b": _p(Fact.RELATED, {"pf": {"a": "pf"}})},
            {"c$not": _p(Fact.MEMBER, {"i": {"b": "i"}})},
        )

    def program(self, roots: dict[str, Ref]) -> Program:
        if self.chain:
            self.chain_rules()
        check_ruleset(self.rules)
        event_nodes = self.events()
        event_specs = frozenset(self.single_specs)
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
            frozenset(self.readers),
        )


def _compile(targets: Sequence[Target]) -> tuple[Compiler, dict[str, Ref]]:
    compiler = Compiler()
    roots: dict[str, Ref] = {}
    try:
        for target in targets:
            roots[target.key] = compiler.root(target.node)
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
