"""The native engine: a plain-Python evaluator of the rule AST with three-valued logic.

It is the reference semantics (see DESIGN.md, "Evaluation semantics"), the source of the
per-condition evidence in explanations, and the engine wherever durable_rules cannot run.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Quantified, Test, Verdict
from ..source import PathKey
from .evidence import Evidence, Outcome, merge
from .facts import FactBase
from .interface import Engine, Target

_T: Verdict = "triggered"
_C: Verdict = "clear"
_U: Verdict = "unknown"


def lookup(scope: Mapping[str, Any] | None, path: Sequence[str]) -> Any:
    """The value at ``path`` below ``scope``; None when it or any parent is unknown."""
    value: Any = scope
    for part in path:
        if not isinstance(value, dict):  # facts are plain dicts (Mapping checks are slow)
            return None
        value = value.get(part)
    return value


def _number(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(int(value))


def test_value(node: Test, value: Any, other: Any = None) -> bool:
    """Whether a known ``value`` (and ``other``, for fact-to-fact tests) passes ``node``."""
    op = node.op
    target = other if node.other is not None else node.value
    if op == "is":
        return value is target
    if op in ("equals", "not_equals"):
        numbers = (int, Decimal)
        if isinstance(value, bool) or isinstance(target, bool):
            same = type(value) is type(target) and value == target
        elif isinstance(value, numbers) and isinstance(target, numbers):
            same = _number(value) == _number(target)
        else:
            same = type(value) is type(target) and value == target
        return same if op == "equals" else not same
    if op in ("lt", "le", "gt", "ge"):
        left, right = _number(value), _number(target)
        return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[
            op
        ]
    values = set(target) if isinstance(target, tuple) else {target}
    if op == "one_of":
        return value in values
    present = set(value)
    if op == "has_any":
        return bool(present & values)
    return values <= present  # has_all


def compare_bounds(op: str, lower: Decimal, complete: bool, threshold: Decimal) -> Verdict:
    """The verdict of ``sum <op> threshold`` when the sum is at least ``lower``.

    When ``complete`` the sum is exactly ``lower``; otherwise it may be any larger value.
    """
    if complete:
        holds = test_value(Test((), op, threshold), lower)  # type: ignore[arg-type]
        return _T if holds else _C
    if op in ("ge", "gt"):
        reached = lower >= threshold if op == "ge" else lower > threshold
        return _T if reached else _U
    if op in ("lt", "le", "equals"):
        beyond = lower >= threshold if op == "lt" else lower > threshold
        return _C if beyond else _U
    beyond = lower > threshold  # not_equals
    return _T if beyond else _U


class Evaluator:
    """Evaluates nodes against one profile's facts, with evidence."""

    def __init__(self, facts: FactBase) -> None:
        self.facts = facts
        self._decided: dict[int, tuple[Node, Outcome]] = {}

    def decide(self, node: Node) -> Outcome:
        """The outcome of a whole condition, remembered: shared nodes are decided once."""
        known = self._decided.get(id(node))
        if known is None or known[0] is not node:
            known = (node, self.evaluate(node))
            self._decided[id(node)] = known
        return known[1]

    def evaluate(
        self, node: Node, scope: Mapping[str, Any] | None = None, base: PathKey = ()
    ) -> Outcome:
        """The outcome of ``node`` in ``scope`` (the profile when None) at path ``base``."""
        here = self.facts.data if scope is None else scope
        if isinstance(node, Test):
            return self._test(node, here, base)
        if isinstance(node, Not):
            inner = self.evaluate(node.part, scope, base)
            flipped = {_T: _C, _C: _T, _U: _U}[inner.verdict]
            return Outcome(flipped, inner.evidence, inner.unknown)
        if isinstance(node, AllOf | AnyOf):
            return self._junction(node, scope, base)
        if isinstance(node, Quantified):
            return self._quantified(node, here, base)
        return self._aggregate(node, here, base)

    def _test(self, node: Test, scope: Mapping[str, Any], base: PathKey) -> Outcome:
        value = lookup(scope, node.path)
        path = (*base, *node.path)
        evidence = [Evidence(path, value)]
        unknown = [path] if value is None else []
        other = None
        if node.other is not None:
            other = lookup(scope, node.other)
            other_path = (*base, *node.other)
            evidence.append(Evidence(other_path, other))
            if other is None:
                unknown.append(other_path)
        if unknown:
            return Outcome(_U, tuple(evidence), tuple(unknown))
        holds = test_value(node, value, other)
        if node.op == "has_all" and isinstance(node.value, tuple):
            lacking = tuple(v for v in node.value if v not in set(value))
            evidence[0] = Evidence(path, value, missing=lacking)
        return Outcome(_T if holds else _C, tuple(evidence))

    def _junction(
        self, node: AllOf | AnyOf, scope: Mapping[str, Any] | None, base: PathKey
    ) -> Outcome:
        parts = [self.evaluate(part, scope, base) for part in node.parts]
        verdicts = {p.verdict for p in parts}
        decisive = _C if isinstance(node, AllOf) else _T
        if decisive in verdicts:
            chosen = [p for p in parts if p.verdict == decisive]
            evidence, _ = merge(chosen)
            return Outcome(decisive, evidence)
        if _U in verdicts:
            evidence, unknown = merge(parts)
            return Outcome(_U, evidence, unknown)
        evidence, _ = merge(parts)
        return Outcome(_T if isinstance(node, AllOf) else _C, evidence)

    def _items(
        self, node: Quantified | Aggregate, scope: Mapping[str, Any], base: PathKey
    ) -> list[tuple[PathKey, Mapping[str, Any], tuple[tuple[str, str], ...]]] | None:
        path = node.collection if isinstance(node, Quantified) else node.over
        if path == CONTROL_CHAIN:
            related = self.facts.data.get("related_organisations") or []
            return [
                (("related_organisations", link.index), related[link.index], link.path)
                for link in self.facts.chain
            ]
        items = lookup(scope, path)
        if items is None:
            return None
        return [((*base, *path, i), item, ()) for i, item in enumerate(items)]

    def _quantified(self, node: Quantified, scope: Mapping[str, Any], base: PathKey) -> Outcome:
        items = self._items(node, scope, base)
        list_path = (
            node.collection if node.collection == CONTROL_CHAIN else (*base, *node.collection)
        )
        if items is None:
            return Outcome(_U, (Evidence(list_path, None),), (list_path,))
        results = []
        for item_path, item, chain in items:
            outcome = self.evaluate(node.where, item, item_path)
            if chain:
                outcome = Outcome(
                    outcome.verdict,
                    (Evidence(item_path, item.get("name"), chain=chain), *outcome.evidence),
                    outcome.unknown,
                )
            results.append(outcome)
        verdicts = {r.verdict for r in results}
        decisive = _T if node.kind == "some" else _C
        if decisive in verdicts:
            evidence, _ = merge([r for r in results if r.verdict == decisive])
            return Outcome(decisive, evidence)
        if not results:
            return Outcome(_C if node.kind == "some" else _T, (Evidence(list_path, []),))
        if _U in verdicts:
            evidence, unknown = merge([r for r in results if r.verdict == _U])
            return Outcome(_U, evidence, unknown)
        evidence, _ = merge(results)
        return Outcome(_C if node.kind == "some" else _T, evidence)

    def sum_bounds(
        self, node: Aggregate, scope: Mapping[str, Any] | None = None, base: PathKey = ()
    ) -> tuple[Decimal, bool, Outcome]:
        """The known part of an aggregate's sum, whether it is complete, and its evidence."""
        here = self.facts.data if scope is None else scope
        items = self._items(node, here, base)
        if items is None:
            list_path = (*base, *node.over)
            return Decimal(0), False, Outcome(_U, (Evidence(list_path, None),), (list_path,))
        total, complete = Decimal(0), True
        parts = []
        for item_path, item, _ in items:
            where = self.evaluate(node.where, item, item_path)
            if where.verdict == _C:
                continue
            value = item.get(node.value)
            value_path = (*item_path, node.value)
            term = Outcome(
                where.verdict,
                (*where.evidence, Evidence(value_path, value)),
                (*where.unknown, *((value_path,) if value is None else ())),
            )
            parts.append(term)
            if value is None or where.verdict == _U:
                complete = False
            else:
                total += _number(value)
        evidence, unknown = merge(parts)
        summary = Evidence(("derived", node.name), total if complete else None, derived=True)
        return total, complete, Outcome(_U, (summary, *evidence), unknown)

    def _aggregate(self, node: Aggregate, scope: Mapping[str, Any], base: PathKey) -> Outcome:
        total, complete, detail = self.sum_bounds(node, scope, base)
        verdict = compare_bounds(node.op, total, complete, node.threshold)
        summary = detail.evidence[0]
        if not complete and verdict != _U:
            summary = Evidence(summary.path, total, derived=True, at_least=True)
        unknown = detail.unknown if verdict == _U else ()
        return Outcome(verdict, (summary, *detail.evidence[1:]), unknown)


class NativeEngine(Engine):
    """Decides verdicts by walking the AST in Python."""

    name = "native"

    def __init__(self) -> None:
        self._targets: tuple[Target, ...] = ()

    def prepare(self, targets: Sequence[Target]) -> None:
        """Keep the targets; the native engine needs no compilation."""
        self._targets = tuple(targets)

    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdict of the prepared targets named by ``keys`` (default: all)."""
        evaluator = Evaluator(facts)
        return {
            t.key: evaluator.decide(t.node).verdict
            for t in self._targets
            if keys is None or t.key in keys
        }
