"""Compile the rule AST into a durable_rules ruleset (private to :mod:`.durable`).

Every node is compiled once per *kind* of scope it is evaluated in (the profile; the items
of a list reached through given collections; the members of the control chain), with
identical subtrees sharing one node id (hash-consing). A node's verdict in one scope
instance is a fact ``{t: "v", n: node, p: scope, v: 1|0}`` (plus the scope's parent ``pp``
and list index ``i``); an unknown verdict is the absence of both. The rules:

- a leaf fires on the value fact ``{t: "x", f: spec, p, a, b, n}`` of its scope (see
  :mod:`.durable_encode`), once for true and once for false;
- ``all``/``any`` are one rule for the decisive value (any part) and one join over every
  part for the other; ``not`` costs nothing: a reference carries a negation flag;
- a quantifier's decisive value comes from any item; the other walks a chain of prefix facts
  ``{t: "z", n, p, k}`` item by item (the engine counts), ending when ``k`` reaches the
  list's length fact ``{t: "L", c: kind, p, n}``, so an empty list decides at once;
- the control chain is derived by forward chaining from related-organisation facts
  ``ro`` and ``controlled_by`` edges ``cb`` into member facts ``cm``; once that fixpoint is
  reached the adapter asserts ``cl`` and a negated pattern marks the non-members ``nm``;
- an aggregate's bounds are asserted as a value fact ``{a: floor, b: ceil, c: complete}``.

Every pattern starts with a positive ``t`` test; no field is called ``id``; ``$ne``, ``$mt``
and ``$imt`` are never used (:func:`check_ruleset` enforces all three).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import EngineError, UndecidableError
from ..rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Path, Quantified, Test
from . import durable_encode as enc
from .facts import CONTROLLING_RELATIONS

Ref = tuple[int, bool]
"""A compiled node: its id and whether the reference is negated."""
Spec = tuple[Any, ...]
Action = tuple[Any, ...]
Conds = list[dict[str, Any]] | None
"""Extra conditions of a pattern; None: the pattern can never match."""

MAX_JOIN = 8


@dataclass
class Kind:
    """A kind of scope and what each of its instances contributes."""

    ident: int
    base: bool = False
    specs: list[tuple[int, Spec]] = field(default_factory=list)
    aggregates: list[tuple[int, Aggregate, int]] = field(default_factory=list)
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


class Compiler:
    """Builds one :class:`Program` from targets."""

    def __init__(self) -> None:
        self.rules: dict[str, Any] = {}
        self.actions: dict[str, Action] = {}
        self.kinds: list[Kind] = [Kind(0)]
        self.kind_ids: dict[tuple[Any, ...], int] = {(): 0}
        self.memo: dict[Any, Ref] = {}
        self.spec_ids: dict[tuple[int, Spec], int] = {}
        self.keys: dict[int, Any] = {}
        self.nodes = 0
        self.chain = False
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

    def spec(self, kind: int, spec: Spec) -> int:
        ident = self.spec_ids.get((kind, spec))
        if ident is None:
            ident = self.spec_ids[(kind, spec)] = len(self.spec_ids) + 1
            self.kinds[kind].specs.append((ident, spec))
        return ident

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
            self.kinds[kind].base = True
            self.emit_rule(ident, value, "s", "p", {"s": _p("s", {"k": kind})})
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
        self.emit_rule(
            ident,
            decisive,
            "m",
            "p",
            {
                "m": _p(
                    "v", {"$or": [{"$and": [{"n": n}, {"v": decisive ^ neg}]} for n, neg in refs]}
                )
            },
        )
        other = 1 - decisive
        patterns = [
            {f"m{j}": _p("v", {"n": n}, {"v": other ^ neg}, *([{"p": {"m0": "p"}}] if j else []))}
            for j, (n, neg) in enumerate(refs)
        ]
        self.emit_rule(ident, other, "m0", "p", *patterns)
        self.memo[key] = (ident, False)
        return ident, False

    def lift(self, inner: Ref, kind: int) -> Ref:
        """A root-level verdict (the control chain's) copied into every scope of ``kind``."""
        ident = self.new_node()
        self.kinds[kind].base = True
        self.rule(
            ("copy", ident, "s", "q", inner[1]),
            {"s": _p("s", {"k": kind})},
            {"q": _p("v", {"n": inner[0]}, {"p": 0})},
        )
        return ident, False

    def quantified(self, node: Quantified, kind: int) -> Ref:
        chain = node.collection == CONTROL_CHAIN
        self.chain = self.chain or chain
        items = self.kind_for(kind, node.collection)
        body, neg = self.compile(node.where, items)
        ident = self.new_node()
        decisive = 1 if node.kind == "some" else 0
        other = 1 - decisive
        self.emit_rule(
            ident,
            decisive,
            "m",
            "root" if chain else "pp",
            {"m": _p("v", {"n": body}, {"v": decisive ^ neg})},
        )
        z = {"z": _p("z", {"n": ident})}
        item = [{"i": {"z": "k"}}] if chain else [{"pp": {"z": "p"}}, {"i": {"z": "k"}}]
        self.rule(("zstep", ident, "z"), z, {"b": _p("v", {"n": body}, {"v": other ^ neg}, *item)})
        if chain:
            self.rule(("zstart", ident, None), {"g": _p("g")})
            self.rule(("zstep", ident, "z"), z, {"o": _p("nm", {"i": {"z": "k"}})})
            self.emit_rule(ident, other, "z", "p", z, {"g": _p("g", {"r": {"z": "k"}})})
        else:
            self.rule(("zstart", ident, "m"), {"m": _p("L", {"c": items})})
            self.emit_rule(
                ident,
                other,
                "z",
                "p",
                z,
                {"l": _p("L", {"c": items}, {"p": {"z": "p"}}, {"n": {"z": "k"}})},
            )
        return ident, False

    def aggregate(self, node: Aggregate, kind: int) -> Ref:
        self.chain = self.chain or _uses_chain(node)
        ident = self.new_node()
        fid = len(self.spec_ids) + 1
        self.spec_ids[(kind, ("aggregate", self.key(node)))] = fid
        try:
            _, limit = enc.threshold(node.threshold)
        except UndecidableError as error:
            raise EngineError(str(error)) from error
        offset = 0 if abs(limit) < enc.LIMIT else limit  # then compare sum - limit with 0
        limit -= offset
        self.kinds[kind].aggregates.append((fid, node, offset))
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
                        ident, value, "m", "p", {"m": _p("x", {"f": fid}, {"c": flag}, *extra)}
                    )
        return ident, False

    def test(self, node: Test, kind: int) -> Ref:
        spec, true, false = leaf(node)
        fid = self.spec(kind, spec)
        ident = self.new_node()
        for value, extra in ((1, true), (0, false)):
            if extra is not None:
                self.emit_rule(ident, value, "m", "p", {"m": _p("x", {"f": fid}, *extra)})
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
        text = json.dumps(self.rules, sort_keys=True, separators=(",", ":"))
        name = "imsa_" + hashlib.sha256(text.encode()).hexdigest()[:32]
        chain_kind = self.kind_ids.get((CONTROL_CHAIN,))
        return Program(name, text, self.actions, self.kinds, roots, self.chain, chain_kind)


def _uses_chain(node: Node) -> bool:
    """Whether ``node`` needs the control chain anywhere inside it."""
    if isinstance(node, Quantified | Aggregate):
        over = node.collection if isinstance(node, Quantified) else node.over
        return over == CONTROL_CHAIN or _uses_chain(node.where)
    if isinstance(node, AllOf | AnyOf):
        return any(_uses_chain(part) for part in node.parts)
    return isinstance(node, Not) and _uses_chain(node.part)


def leaf(node: Test) -> tuple[Spec, Conds, Conds]:
    """The value spec of a leaf and its true and false conditions on the value fact."""
    op, path, other = node.op, node.path, node.other
    same, differ = [{"a": {"$m": "b"}}], [{"$neq": {"a": {"$m": "b"}}}]
    if other is not None:
        if op == "is":
            return ("is2", path, other), same, differ
        if op in ("equals", "not_equals"):
            return ("eq2", path, other), *((same, differ) if op == "equals" else (differ, same))
        if op == "one_of":
            return ("el2", path, other), same, differ
        if op in ("has_any", "has_all"):
            item = {"$i": {"$m": "b"}}
            return (
                ("set2", path, other),
                [{"$iany": {"a": item}}],
                [{"$or": [{"n": 0}, {"$iall": {"a": {"$neq": item}}}]}],
            )
        name = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]
        opposite = {"$lt": "$gte", "$gte": "$lt", "$lte": "$gt", "$gt": "$lte"}[name]
        exact = {"$m": "b"}  # both sides exact integers: ``a`` (left) and ``b`` (right)
        return ("num2", path, other), [{name: {"a": exact}}], [{opposite: {"a": exact}}]
    value = node.value
    try:
        return _constant_leaf(op, path, value)
    except UndecidableError:
        return ("crash", path), None, None  # the native engine raises once the value is known


def _constant_leaf(op: str, path: Path, value: Any) -> tuple[Spec, Conds, Conds]:
    if op == "is":
        if not isinstance(value, bool):
            raise EngineError(f"`is` takes true or false, not {value!r}")
        token = enc.identity_token(value)
        return ("is", path), [{"a": token}], [{"$neq": {"a": token}}]
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
        return (spec, true, false) if op == "equals" else (spec, false, true)
    if op in ("lt", "le", "gt", "ge"):
        scale, limit = enc.threshold(enc.numeric(value))
        if abs(limit) < enc.LIMIT:
            return ("num", path, scale, 0), *_num_conds(op, limit)
        return ("num", path, scale, limit), *_num_conds(op, 0)  # compare value - limit with 0
    values = sorted(
        {enc.element_token(v) for v in (value if isinstance(value, tuple) else (value,))}
    )
    if op == "one_of":
        if not values:
            return ("el", path), None, []
        return (
            ("el", path),
            [{"$or": [{"a": v} for v in values]}],
            [{"$and": [{"$neq": {"a": v}} for v in values]}],
        )
    if op == "has_any":
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
    if not values:  # has_all of nothing
        return ("set", path), [], None
    return (
        ("set", path),
        [{"$iany": {"a": {"$i": v}}} for v in values],
        [{"$or": [{"n": 0}, *({"$iall": {"a": {"$neq": {"$i": v}}}} for v in values)]}],
    )


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
