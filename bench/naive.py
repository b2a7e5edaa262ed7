"""A naive evaluator of the rule AST, for the benchmark's floor: no evidence, no checks.

It decides a condition over a profile exactly as libyaml parsed it (plain dicts, lists,
strings, numbers), in three values: True (triggered), False (clear), None (unknown). It is
the least work a decision can take in Python, so "libyaml parse + naive decide" is the
floor that end-to-end YAML runs are measured against.

It is *not* the reference semantics and need not be exactly right on every corner case: it
does not validate the profile, applies no model defaults (an absent fact is unknown), lets
Python compare values as they are (``1 == True``, float shares against Decimal thresholds)
and orders nothing. On the benchmark's generated profiles it agrees with the native engine
on almost every verdict; ``bench/run.py`` counts the agreement and prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from imsa_eligibility.rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Test

Tri = bool | None
CONTROLLING = frozenset({"parent", "controlling_member"})


def control_chain(profile: Mapping[str, Any]) -> list[Any]:
    """The related organisations that control the applicant, directly or transitively."""
    related = profile.get("related_organisations") or []
    by_id = {item.get("id"): item for item in related}
    chain: dict[Any, Any] = {}
    todo = [item["id"] for item in related if CONTROLLING.intersection(item.get("relations") or ())]
    while todo:
        ident = todo.pop()
        if ident in chain or ident not in by_id:
            continue
        chain[ident] = by_id[ident]
        todo.extend(by_id[ident].get("controlled_by") or ())
    return list(chain.values())


def _lookup(scope: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(scope, dict):
            return None
        scope = scope.get(part)
    return scope


def _test(node: Test, scope: Any) -> Tri:
    value = _lookup(scope, node.path)
    target: Any = _lookup(scope, node.other) if node.other is not None else node.value
    if value is None or target is None:
        return None
    op = node.op
    if op in ("is", "equals"):
        return bool(value == target)
    if op == "not_equals":
        return bool(value != target)
    if op == "lt":
        return bool(value < target)
    if op == "le":
        return bool(value <= target)
    if op == "gt":
        return bool(value > target)
    if op == "ge":
        return bool(value >= target)
    if op == "one_of":
        return value in target
    if op == "has_any":
        return any(v in value for v in target)
    return all(v in value for v in target)  # has_all


def _all(verdicts: Sequence[Tri]) -> Tri:
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _any(verdicts: Sequence[Tri]) -> Tri:
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _sum(node: Aggregate, scope: Any, chain: list[Any]) -> Tri:
    items = chain if node.over == CONTROL_CHAIN else _lookup(scope, node.over)
    if items is None:
        return None
    total, complete = Decimal(0), True
    for item in items:
        where = decide(node.where, item, chain)
        value = item.get(node.value)
        if where is False:
            continue
        if where is None or value is None:
            complete = False
        else:
            total += Decimal(str(value))
    threshold, op = node.threshold, node.op
    if complete:
        return _test(Test((), op, threshold), total)  # a path () looks up the scope itself
    if op in ("ge", "gt"):
        return True if (total >= threshold if op == "ge" else total > threshold) else None
    if op in ("lt", "le"):
        return False if (total >= threshold if op == "lt" else total > threshold) else None
    return None


def decide(node: Node, scope: Any, chain: list[Any]) -> Tri:
    """The verdict of ``node`` in ``scope`` (``chain``: the profile's control chain)."""
    if isinstance(node, Test):
        return _test(node, scope)
    if isinstance(node, AllOf):
        return _all([decide(part, scope, chain) for part in node.parts])
    if isinstance(node, AnyOf):
        return _any([decide(part, scope, chain) for part in node.parts])
    if isinstance(node, Not):
        inner = decide(node.part, scope, chain)
        return None if inner is None else not inner
    if isinstance(node, Aggregate):
        return _sum(node, scope, chain)
    items = chain if node.collection == CONTROL_CHAIN else _lookup(scope, node.collection)
    if not isinstance(items, list):
        return None
    verdicts = [decide(node.where, item, chain) for item in items]
    return _any(verdicts) if node.kind == "some" else _all(verdicts)


def decide_profile(
    profile: Mapping[str, Any], targets: Mapping[str, Sequence[tuple[str, Node]]]
) -> dict[str, Tri]:
    """The verdict of every target of the profile's own nations, by key.

    ``targets`` lists, for each nation, its applicable ``(key, condition)`` pairs.
    """
    organisation = profile.get("organisation") or {}
    chain = control_chain(profile)
    return {
        key: decide(node, profile, chain)
        for nation in organisation.get("nations") or ()
        for key, node in targets.get(nation, ())
    }
