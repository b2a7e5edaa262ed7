"""Case coverage: which rule x nation x verdict the rules' test cases reach.

A rule's **cells** are, for each nation it applies to, the verdicts it can reach:
``triggered`` and ``clear`` always, and ``unknown`` when its condition reads a fact a
profile may leave out. A cell is **covered** when some case, run by the engine, reached
that verdict for that rule and nation: what counts is the verdict the case actually
reached, not the one it expects (a failing case is reported by ``rules test`` as a
failure, and still covers what it reached).

Whether a rule can be unknown is read off its compiled condition and the profile model: a
fact can be missing unless the profile requires it or gives it a default (``legal_form``,
``functions``, ``relations``, ``controlled_by``, and the control chain built from them, are
always known). This assumes every part of a condition can be reached, which holds for any
condition that is not contradictory.

A case decided on a later date (its ``as_of``) covers the same cells as any other: cells
are per rule and nation, whatever the period of the rule set's dated values.

The percentage is the covered cells over all cells, rounded *down* to one decimal, so that
100.0 means every cell is covered.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from pydantic import BaseModel

from ..profile.model import Profile, RelatedOrganisation
from ..rules.ast import CONTROL_CHAIN, Aggregate, AllOf, AnyOf, Node, Not, Quantified, Test
from ..rules.model import RuleSet
from ..vocabulary import Nation, Verdict
from .casebook import CaseResult
from .rulebook import shown_path


@dataclass(frozen=True)
class Cell:
    """One rule, nation and verdict, and the cases (``file:line``) that reached it."""

    rule: str
    nation: Nation
    verdict: Verdict
    cases: tuple[str, ...]

    @property
    def covered(self) -> bool:
        """Whether a case reached this verdict."""
        return bool(self.cases)


@dataclass(frozen=True)
class Coverage:
    """Every cell of a rule set, in rule-set, nation and verdict order."""

    cells: tuple[Cell, ...]

    @property
    def covered(self) -> int:
        """How many cells a case reached."""
        return sum(1 for c in self.cells if c.covered)

    @property
    def total(self) -> int:
        """How many cells there are."""
        return len(self.cells)

    @property
    def percent(self) -> Decimal:
        """Covered over total, in percent, rounded down to one decimal (100 with no cells)."""
        if not self.cells:
            return Decimal("100.0")
        exact = Decimal(self.covered * 100) / Decimal(self.total)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)

    def below(self, threshold: Decimal) -> bool:
        """Whether the exact coverage is under ``threshold`` percent."""
        return Decimal(self.covered * 100) < threshold * self.total

    @property
    def missing(self) -> tuple[Cell, ...]:
        """The cells no case reached."""
        return tuple(c for c in self.cells if not c.covered)


# --- which verdicts a rule can reach ----------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type inside ``annotation``, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = typing.get_args(annotation)
            optional = optional or type(None) in args
            annotation = next(a for a in args if a is not type(None))
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, optional


def _step(model: type[BaseModel], name: str) -> tuple[Any, bool]:
    """(the type of field ``name`` of ``model``, whether a profile may leave it unknown)."""
    info = model.model_fields[name]
    kind, optional = _unwrap(info.annotation)
    known = info.is_required() or info.default is not None or info.default_factory is not None
    return kind, optional or not known


def _item(kind: Any) -> type[BaseModel]:
    """The model of the items of a list type."""
    inner, _ = _unwrap(typing.get_args(kind)[0])
    assert isinstance(inner, type) and issubclass(inner, BaseModel)
    return inner


def _path_may_be_missing(model: type[BaseModel], path: tuple[str, ...]) -> tuple[Any, bool]:
    kind: Any = model
    missing = False
    for name in path:
        kind, optional = _step(kind, name)
        missing = missing or optional
    return kind, missing


def may_be_unknown(node: Node, model: type[BaseModel] = Profile) -> bool:
    """Whether the condition ``node`` (in the scope of ``model``) can be unknown."""
    if isinstance(node, Test):
        paths = [node.path] + ([node.other] if node.other is not None else [])
        return any(_path_may_be_missing(model, p)[1] for p in paths)
    if isinstance(node, AllOf | AnyOf):
        return any(may_be_unknown(p, model) for p in node.parts)
    if isinstance(node, Not):
        return may_be_unknown(node.part, model)
    if isinstance(node, Quantified | Aggregate):
        collection = node.collection if isinstance(node, Quantified) else node.over
        if collection == CONTROL_CHAIN:
            item: type[BaseModel] = RelatedOrganisation
            missing = False
        else:
            kind, missing = _path_may_be_missing(model, collection)
            item = _item(kind)
        if missing or may_be_unknown(node.where, item):
            return True
        return isinstance(node, Aggregate) and _path_may_be_missing(item, (node.value,))[1]
    raise TypeError(type(node).__name__)


def possible(ruleset: RuleSet, rule_id: str, nation: Nation) -> tuple[Verdict, ...]:
    """The verdicts the rule can reach in ``nation``."""
    variant = ruleset.variant(rule_id, nation)
    if variant is None:
        return ()
    if may_be_unknown(variant.node):
        return (Verdict.TRIGGERED, Verdict.CLEAR, Verdict.UNKNOWN)
    return (Verdict.TRIGGERED, Verdict.CLEAR)


def coverage(ruleset: RuleSet, results: Iterable[CaseResult]) -> Coverage:
    """The coverage of ``ruleset`` by the cases whose results are ``results``."""
    reached: dict[tuple[str, str, str], list[str]] = {}
    for result in results:
        key = (result.rule, str(result.nation), str(result.actual))
        where = f"{shown_path(result.file)}:{result.line}"
        if where not in reached.setdefault(key, []):
            reached[key].append(where)
    cells = []
    for rule in ruleset.rules:
        for nation in rule.nations:
            verdicts = list(possible(ruleset, rule.id, nation))
            verdicts += [  # reached though thought impossible: counted, never hidden
                v
                for v in Verdict
                if v not in verdicts and (rule.id, str(nation), str(v)) in reached
            ]
            for verdict in verdicts:
                cases = reached.get((rule.id, str(nation), str(verdict)), [])
                cells.append(Cell(rule.id, nation, verdict, tuple(cases)))
    return Coverage(tuple(cells))


# --- written out ------------------------------------------------------------------------------


def _nations(nations: list[Nation], rule_nations: tuple[Nation, ...]) -> str:
    if len(nations) == len(Nation):
        return "every nation"
    names = [n.label for n in nations]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def coverage_text(result: Coverage, ruleset: RuleSet, fail_under: Decimal | None) -> str:
    """The summary line, then a table of what no case reaches (rule, verdict, nations)."""
    lines = [
        f"coverage: {result.covered} of {result.total} rule x nation x verdict cells reached "
        f"by a case ({result.percent}%)"
    ]
    missing = result.missing
    if missing:
        grouped: dict[tuple[str, Verdict], list[Nation]] = {}
        for cell in missing:
            grouped.setdefault((cell.rule, cell.verdict), []).append(cell.nation)
        rows = [("RULE", "VERDICT", "NATIONS WITHOUT A CASE")]
        for (rule_id, verdict), nations in grouped.items():
            rule = ruleset.rule(rule_id)
            scope = rule.nations if rule is not None else tuple(Nation)
            rows.append((rule_id, str(verdict), _nations(nations, scope)))
        widths = [max(len(r[i]) for r in rows) for i in range(2)]
        lines.append("not covered:")
        lines += [
            f"  {r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  {r[2]}".rstrip() for r in rows
        ]
    if fail_under is not None and result.below(fail_under):
        lines.append(
            f"coverage {result.percent}% is under --fail-under {fail_under.normalize():f}: add "
            "cases for "
            "the cells above (see rules/tests/README.md)"
        )
    return "\n".join(lines) + "\n"


def coverage_json(
    result: Coverage,
    ruleset: RuleSet,
    passed: int,
    failed: int,
    fail_under: Decimal | None,
) -> dict[str, Any]:
    """``{"schema": "imsa-eligibility/coverage/v1", ...}``: every cell, and the summary."""
    return {
        "schema": "imsa-eligibility/coverage/v1",
        "ruleset": {"id": ruleset.id, "version": ruleset.version, "sha256": ruleset.sha256},
        "passed": passed,
        "failed": failed,
        "covered": result.covered,
        "total": result.total,
        "percent": float(result.percent),
        "fail_under": float(fail_under) if fail_under is not None else None,
        "below": result.below(fail_under) if fail_under is not None else False,
        "cells": [
            {
                "rule": c.rule,
                "nation": str(c.nation),
                "verdict": str(c.verdict),
                "covered": c.covered,
                "cases": list(c.cases),
            }
            for c in result.cells
        ],
    }


__all__ = [
    "Cell",
    "Coverage",
    "coverage",
    "coverage_json",
    "coverage_text",
    "may_be_unknown",
    "possible",
]
