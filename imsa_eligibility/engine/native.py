"""The native engine: a plain-Python evaluator of the rule AST with three-valued logic.

It is the reference semantics (see ``docs/contracts.md``, "Evaluation semantics"), the
source of the per-condition evidence in explanations, and the engine wherever durable_rules
cannot run. Leaf tests and bounds come from :mod:`.semantics`; derived sums from the facts.
:meth:`NativeEngine.decide`, which needs no evidence, decides with :func:`.semantics.verdict`
(junctions stop at their first decisive part): the same verdicts, for a fraction of the work.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Quantified, Test
from ..source import PathKey
from ..vocabulary import Verdict
from .evidence import Evidence, Explanation, merge
from .facts import ChainLink, FactBase
from .interface import ExplainingEngine, Target
from .semantics import compare_bounds, lookup, test_value
from .semantics import verdict as plain_verdict

_T, _C, _U = Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN

#: The most items of one list whose evidence a verdict lists (the rest are counted).
SHOWN = 20


class Evaluator:
    """Evaluates nodes against one profile's facts, with evidence."""

    def __init__(self, facts: FactBase) -> None:
        self.facts = facts
        self._decided: dict[int, tuple[Node, Explanation]] = {}

    def decide(self, node: Node) -> Explanation:
        """The outcome of a whole condition, remembered: shared nodes are decided once."""
        known = self._decided.get(id(node))
        if known is None or known[0] is not node:
            known = (node, self.evaluate(node))
            self._decided[id(node)] = known
        return known[1]

    def evaluate(
        self, node: Node, scope: Mapping[str, Any] | None = None, base: PathKey = ()
    ) -> Explanation:
        """The outcome of ``node`` in ``scope`` (the profile when None) at path ``base``."""
        here = self.facts.data if scope is None else scope
        if isinstance(node, Test):
            return self._test(node, here, base)
        if isinstance(node, Not):
            inner = self.evaluate(node.part, scope, base)
            flipped = inner.verdict.negated
            return Explanation(flipped, inner.evidence, inner.unknown)
        if isinstance(node, AllOf | AnyOf):
            return self._junction(node, scope, base)
        if isinstance(node, Quantified):
            return self._quantified(node, here, base)
        return self._aggregate(node)

    def _test(self, node: Test, scope: Mapping[str, Any], base: PathKey) -> Explanation:
        value = lookup(scope, node.path)
        path = (*base, *node.path) if base else node.path
        if node.other is not None:
            return self._facts_compared(node, scope, base, path, value)
        if value is None:
            return Explanation(_U, (Evidence(path, None),), (path,))
        holds = test_value(node, value)
        return Explanation(_T if holds else _C, (_leaf_evidence(node, path, value),))

    def _facts_compared(
        self, node: Test, scope: Mapping[str, Any], base: PathKey, path: PathKey, value: Any
    ) -> Explanation:
        """A test of one fact against another (``other``): both are evidence."""
        assert node.other is not None
        other = lookup(scope, node.other)
        other_path = (*base, *node.other)
        seen = (Evidence(path, value), Evidence(other_path, other))
        unknown = tuple(p for p, v in ((path, value), (other_path, other)) if v is None)
        if unknown:
            return Explanation(_U, seen, unknown)
        holds = test_value(node, value, other)
        return Explanation(_T if holds else _C, (_leaf_evidence(node, path, value), seen[1]))

    def _junction(
        self, node: AllOf | AnyOf, scope: Mapping[str, Any] | None, base: PathKey
    ) -> Explanation:
        parts = [self.evaluate(part, scope, base) for part in node.parts]
        decisive = _C if isinstance(node, AllOf) else _T
        chosen = [p for p in parts if p.verdict is decisive]
        if chosen:
            evidence, _ = merge(chosen)
            return Explanation(decisive, evidence)
        if any(p.verdict is _U for p in parts):
            evidence, unknown = merge(parts)
            return Explanation(_U, evidence, unknown)
        evidence, _ = merge(parts)
        return Explanation(decisive.negated, evidence)

    def _items(
        self, node: Quantified, scope: Mapping[str, Any], base: PathKey
    ) -> list[tuple[PathKey, Mapping[str, Any], ChainLink | None]] | None:
        if node.collection == CONTROL_CHAIN:
            related = self.facts.data.get("related_organisations") or []
            return [
                (("related_organisations", link.index), related[link.index], link)
                for link in self.facts.chain
            ]
        items = lookup(scope, node.collection)
        if items is None:
            return None
        return [((*base, *node.collection, i), item, None) for i, item in enumerate(items)]

    def _quantified(self, node: Quantified, scope: Mapping[str, Any], base: PathKey) -> Explanation:
        """``some``/``every``, with evidence bounded however long the list.

        Evidence lists the items that decide the verdict (the matches of a triggered
        ``some``, each with its path through the control chain; the unknown items of an
        unknown verdict), at most :data:`SHOWN` of them, then a summary of how many were
        checked and left out. A verdict every item contributes to (a clear ``some``) lists
        the first items and says how many were checked. Unknown paths are never left out.
        """
        items = self._items(node, scope, base)
        list_path = (
            node.collection if node.collection == CONTROL_CHAIN else (*base, *node.collection)
        )
        if items is None:
            return Explanation(_U, (Evidence(list_path, None),), (list_path,))
        if not items:
            return Explanation(_C if node.kind == "some" else _T, (Evidence(list_path, []),))
        results = [
            (item_path, item, link, self.evaluate(node.where, item, item_path))
            for item_path, item, link in items
        ]
        decisive = _T if node.kind == "some" else _C
        verdict, chains = decisive, True
        chosen = [r for r in results if r[3].verdict is decisive]
        if not chosen:
            verdict, chosen = _U, [r for r in results if r[3].verdict is _U]
        if not chosen:
            verdict, chosen, chains = decisive.negated, results, False
        parts = []
        for item_path, item, link, outcome in chosen[:SHOWN]:
            if link is not None:
                named = Evidence(item_path, item.get("name"), chain=link.path if chains else ())
                outcome = Explanation(outcome.verdict, (named, *outcome.evidence), outcome.unknown)
            parts.append(outcome)
        evidence, _ = merge(parts)
        if len(chosen) > SHOWN or not chains:
            left_out = max(0, len(chosen) - SHOWN)
            summary = Evidence(list_path, len(items), checked=True, omitted=left_out)
            evidence = (summary, *evidence)
        unknown: tuple[PathKey, ...] = ()
        if verdict == _U:
            _, unknown = merge([r[3] for r in chosen])
        return Explanation(verdict, evidence, unknown)

    def _aggregate(self, node: Aggregate) -> Explanation:
        derived = self.facts.sum(node)
        verdict = compare_bounds(node.op, derived.total, derived.complete, node.threshold)
        if not derived.listed:
            list_path = tuple(node.over)
            if verdict == _U:
                return Explanation(_U, (Evidence(list_path, None),), (list_path,))
            return Explanation(
                verdict, (Evidence(list_path, derived.total, derived=True, at_least=True),)
            )
        parts = []
        for term in derived.terms:
            where = self.evaluate(node.where, term.item, term.path)
            value_path = (*term.path, node.value)
            parts.append(
                Explanation(
                    where.verdict,
                    (*where.evidence, Evidence(value_path, term.value)),
                    (*where.unknown, *((value_path,) if term.value is None else ())),
                )
            )
        evidence, unknown = merge(parts)
        shown = derived.total if derived.complete or verdict != _U else None
        at_least = not derived.complete and verdict != _U
        summary = Evidence(("derived", node.name), shown, derived=True, at_least=at_least)
        return Explanation(verdict, (summary, *evidence), unknown if verdict == _U else ())


def _leaf_evidence(node: Test, path: PathKey, value: Any) -> Evidence:
    """The evidence of a known value tested against the rule's value; for ``has_all``, with
    the values it lacks."""
    if node.op == "has_all" and isinstance(node.value, tuple):
        present = set(value)
        return Evidence(path, value, missing=tuple(v for v in node.value if v not in present))
    return Evidence(path, value)


class NativeEngine(ExplainingEngine):
    """Decides verdicts by walking the AST in Python, and explains each one.

    Targets that share a condition node (a rule's nations, mostly) share its verdict: each
    node is decided once per profile, however many targets use it.
    """

    name = "native"

    def __init__(self) -> None:
        self._targets: tuple[Target, ...] = ()
        self._all: tuple[tuple[str, Node], ...] = ()  # (key, node) of every target
        self._chosen: dict[tuple[str, ...], tuple[tuple[str, Node], ...]] = {}

    def prepare(self, targets: Sequence[Target]) -> None:
        """Keep the targets; the native engine needs no compilation."""
        self._targets = tuple(targets)
        self._all = tuple((t.key, t.node) for t in self._targets)
        self._chosen = {}

    def _wanted(self, keys: Collection[str] | None) -> tuple[tuple[str, Node], ...]:
        """The prepared ``(key, node)`` pairs named by ``keys``, in the order prepared."""
        if keys is None:
            return self._all
        named = tuple(keys)
        chosen = self._chosen.get(named)
        if chosen is None:
            wanted = set(named)
            chosen = tuple(pair for pair in self._all if pair[0] in wanted)
            if len(self._chosen) >= _REMEMBERED:
                self._chosen.clear()
            self._chosen[named] = chosen
        return chosen

    def explain(
        self, facts: FactBase, keys: Collection[str] | None = None
    ) -> dict[str, Explanation]:
        """The explained verdict of the prepared targets named by ``keys`` (default: all).

        Targets with the same condition share one :class:`Explanation` object.
        """
        evaluator = Evaluator(facts)
        return {key: evaluator.decide(node) for key, node in self._wanted(keys)}

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdict of the prepared targets named by ``keys`` (default: all).

        The same verdicts as :meth:`explain`, without gathering evidence.
        """
        judge = _Judge(facts)
        return {key: judge.decide(node) for key, node in self._wanted(keys)}


#: How many different selections of keys an engine remembers (a batch uses one or a few).
_REMEMBERED = 64


class _Judge:
    """Verdicts of one profile's conditions without evidence, each condition decided once."""

    def __init__(self, facts: FactBase) -> None:
        self.facts = facts
        self.related = facts.data.get("related_organisations") or []
        self.chain = [link.index for link in facts.chain]
        self._decided: dict[int, tuple[Node, Verdict]] = {}

    def decide(self, node: Node) -> Verdict:
        """The verdict of a whole condition (shared nodes are decided once)."""
        known = self._decided.get(id(node))
        if known is None or known[0] is not node:
            found = plain_verdict(node, self.facts.data, self.related, self.chain, self._sum)
            known = self._decided[id(node)] = (node, found)
        return known[1]

    def _sum(self, node: Aggregate) -> Verdict:
        derived = self.facts.sum(node)
        return compare_bounds(node.op, derived.total, derived.complete, node.threshold)
