"""Building a rule set from its parsed files: lists, parameters, rules and variants.

The files have passed the rule schema; what is checked here is what a schema cannot say
(duplicate ids, real dates, overrides within the rule's nations), and each rule's variants
are built (:mod:`.variants`). Problems are collected, never raised, so that every one is
reported at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..source import Document, PathKey, as_written
from ..suggest import did_you_mean
from ..vocabulary import Effect, Nation
from .ast import Node
from .catalogue import CHAIN
from .model import (
    Derived,
    ListChange,
    NamedList,
    Override,
    Parameter,
    ParameterChange,
    Period,
    Rule,
    RuleSet,
    Variant,
)
from .variants import Definitions, RawProblem, build_variant


def _sha256(docs: list[Document]) -> str:
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: Path(d.file).name):
        digest.update(f"{Path(doc.file).name}\0{doc.sha256}\n".encode())
    return digest.hexdigest()


def _date(doc: Document, path: PathKey, value: Any, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(doc.problem(path, f"'{value}' is not a real date", "write YYYY-MM-DD"))
        return None


def _dated_changes(
    head: Document, kind: str, name: str, spec: dict[str, Any], problems: list[Problem]
) -> list[tuple[dt.date, int]]:
    """The real dates of a list's or parameter's changes, with their index: each checked to
    be a real date, after the one before it, and not repeated."""
    out: list[tuple[dt.date, int]] = []
    seen: dict[dt.date, int] = {}
    for index, change in enumerate(spec.get("changes") or []):
        path = (kind, name, "changes", index, "effective_from")
        day = _date(head, path, change.get("effective_from"), problems)
        if day is None:
            continue
        if day in seen:
            first = head.line((kind, name, "changes", seen[day]))
            problems.append(
                head.problem(
                    path,
                    f"a second change on {day} (the first is at line {first})",
                    "give each day one change: merge the two into one, or correct the date",
                )
            )
            continue
        if out and day < out[-1][0]:
            problems.append(
                head.problem(
                    path,
                    f"the change on {day} comes after the change on {out[-1][0]}",
                    "list the changes in date order, the earliest first",
                )
            )
            continue
        seen[day] = index
        out.append((day, index))
    return out


def _named_lists(head: Document, problems: list[Problem]) -> dict[str, NamedList]:
    lists = {}
    for name, spec in (head.data.get("lists") or {}).items():
        raw = spec.get("changes") or []
        changes = tuple(
            ListChange(day, tuple(raw[i]["values"]), raw[i].get("source", ""))
            for day, i in _dated_changes(head, "lists", name, spec, problems)
        )
        lists[name] = NamedList(
            name, spec["description"], tuple(spec["values"]), spec.get("source", ""), changes
        )
    return lists


def _parameters(head: Document, problems: list[Problem]) -> dict[str, Parameter]:
    parameters = {}
    for name, spec in (head.data.get("parameters") or {}).items():
        raw = spec.get("changes") or []
        changes = tuple(
            ParameterChange(day, _values(raw[i]["by_nation"]), raw[i].get("source", ""))
            for day, i in _dated_changes(head, "parameters", name, spec, problems)
        )
        parameters[name] = Parameter(
            name, spec["description"], _values(spec["by_nation"]), spec.get("source", ""), changes
        )
    return parameters


def _values(by_nation: dict[str, Any]) -> dict[str, Any]:
    """Per-nation values; a list-valued parameter's values as a tuple (it is frozen)."""
    return {n: tuple(v) if isinstance(v, list) else v for n, v in by_nation.items()}


def _as_in_force(
    lists: dict[str, NamedList], parameters: dict[str, Parameter], day: dt.date | None
) -> tuple[dict[str, NamedList], dict[str, Parameter]]:
    """The lists and parameters holding, as written, the values in force on ``day``."""
    if day is None:
        return lists, parameters
    return (
        {n: dataclasses.replace(x, values=x.values_on(day), changes=()) for n, x in lists.items()},
        {
            n: dataclasses.replace(p, by_nation=p.by_nation_on(day), changes=())
            for n, p in parameters.items()
        },
    )


def build_ruleset(
    directory: Path, head: Document, bodies: list[Document], problems: list[Problem]
) -> RuleSet:
    """The rule set of ``head`` (ruleset.yaml) and ``bodies`` (the rule files), with the
    variants of every period (one more per change date); problems are appended."""
    meta = head.data
    lists = _named_lists(head, problems)
    parameters = _parameters(head, problems)
    derived = {
        name: Derived(name, spec["description"], spec["sum"], spec["over"], spec["where"])
        for name, spec in (meta.get("derived") or {}).items()
    }
    derived_docs: dict[str, tuple[Document, PathKey]] = {
        name: (head, ("derived", name)) for name in derived
    }
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for doc in bodies:
        for index, raw in enumerate(doc.data.get("rules") or []):
            rule = _rule(doc, ("rules", index), raw, problems)
            if rule.id in seen:
                first = seen[rule.id]
                problems.append(
                    doc.problem(
                        ("rules", index, "id"),
                        f"duplicate rule id '{rule.id}' (first at {first.file}:{first.line})",
                        "give the rule a new id; ids are never reused",
                    )
                )
                continue
            seen[rule.id] = rule
            rules.append(rule)
    labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
    change_dates = tuple(
        sorted(
            {c.effective_from for x in lists.values() for c in x.changes}
            | {c.effective_from for p in parameters.values() for c in p.changes}
        )
    )
    interned: dict[Node, Node] = {}
    raw_problems: list[RawProblem] = []
    docs_by_file = {d.file: d for d in bodies}
    bases = {}
    for rule in rules:
        doc = docs_by_file[rule.file]
        bases[rule.id] = (
            doc,
            ("rules", next(i for i, r in enumerate(doc.data["rules"]) if r["id"] == rule.id)),
        )
    periods: list[Period] = []
    previous: dict[str, Variant] = {}
    wrongs: dict[Any, Any] = {}  # one message per misused parameter, over every period
    starts: list[dt.date | None] = [None, *change_dates]
    for number, start in enumerate(starts):
        # Every period is built whole, so that lint finds a problem of any period; problems
        # the periods share are told once (the loader removes duplicates).
        in_force_lists, in_force_parameters = _as_in_force(lists, parameters, start)
        defs = Definitions(
            in_force_lists,
            in_force_parameters,
            derived,
            derived_docs,
            labels,
            start,
            parameters,
            wrongs,
        )
        variants: dict[str, Variant] = {}
        for rule in rules:
            doc, base = bases[rule.id]
            for nation in rule.nations:
                variant = build_variant(rule, nation, doc, base, defs, raw_problems)
                if variant is None:
                    continue
                # Identical conditions (most rules read the same in every nation, and in
                # every period) share one node object, so engines decide each once.
                node = interned.setdefault(variant.node, variant.node)
                variant = dataclasses.replace(variant, node=node)
                key = f"{rule.id}@{nation}"
                before = previous.get(key)
                if before is not None and before.node is node:
                    # The same condition as the period before: the same engine target.
                    variant = dataclasses.replace(variant, since=before.since)
                    if variant == before:
                        variant = before
                elif start is not None:
                    variant = dataclasses.replace(variant, since=start)
                previous[key] = variants[key] = variant
        end = starts[number + 1] if number + 1 < len(starts) else None
        if start is None:
            periods.append(Period(start, end, variants))
        else:
            periods.append(Period(start, end, variants, in_force_lists, in_force_parameters))
    problems += [d.problem(p, m, h) for d, p, m, h in raw_problems]
    return RuleSet(
        id=meta["id"],
        version=str(as_written(meta["version"])),
        title=meta["title"],
        description=meta.get("description", ""),
        sha256=_sha256([head, *bodies]),
        directory=str(directory),
        lists=lists,
        parameters=parameters,
        derived=derived,
        labels=labels,
        rules=tuple(rules),
        variants=periods[0].variants,
        changeable=_changeable(head, problems),
        change_dates=change_dates,
        later_periods=tuple(periods[1:]),
    )


def _changeable(head: Document, problems: list[Problem]) -> tuple[str, ...]:
    """The ``changeable`` facts, each checked to name a fact of the profile."""
    from .catalogue import catalogue

    facts = catalogue()
    out: list[str] = []
    for index, raw in enumerate(head.data.get("changeable") or []):
        path = str(raw)
        scope, _, name = path.rpartition(".")
        while scope and scope not in facts:  # governance.ico_registered: scope "", a path
            scope, _, rest = scope.rpartition(".")
            name = f"{rest}.{name}"
        known = facts.get(scope, {})
        if name not in known or scope == CHAIN:
            everything = [f"{s}.{f}" if s else f for s, fs in facts.items() for f in fs]
            problems.append(
                head.problem(
                    ("changeable", index),
                    f"there is no fact '{path}' in a profile",
                    did_you_mean(path, everything, noun="fact"),
                )
            )
            continue
        out.append(path)
    return tuple(out)


def _rule(doc: Document, path: PathKey, raw: dict[str, Any], problems: list[Problem]) -> Rule:
    nations = tuple(raw.get("nations") or [n.value for n in Nation])
    overrides = {}
    for nation, spec in (raw.get("overrides") or {}).items():
        if nation not in nations:
            problems.append(
                doc.problem(
                    (*path, "overrides", nation),
                    f"an override for {nation}, where the rule does not apply",
                    f"add {nation} to the rule's nations or remove the override",
                    key=True,
                )
            )
        overrides[nation] = Override(
            effect=Effect(spec["effect"]) if spec.get("effect") else None,
            waivable=spec.get("waivable"),
            title=spec.get("title"),
            because=spec.get("because"),
            remedy=spec.get("remedy"),
            source=spec.get("source"),
            parameters=_values(dict(spec.get("parameters") or {})),
        )
    start = _date(doc, (*path, "effective_from"), raw.get("effective_from"), problems)
    end = _date(doc, (*path, "effective_to"), raw.get("effective_to"), problems)
    if start and end and end < start:
        problems.append(
            doc.problem(
                (*path, "effective_to"),
                f"effective_to ({end}) is before effective_from ({start})",
                "write the day the rule stops applying in effective_to, on or after "
                "effective_from (the dates may be the wrong way round)",
            )
        )
    return Rule(
        id=raw["id"],
        title=raw["title"],
        section=int(raw["section"]),
        effect=Effect(raw["effect"]),
        waivable=bool(raw["waivable"]),
        nations=tuple(n for n in Nation if n.value in nations),
        when=raw["when"],
        because=raw["because"],
        remedy=raw["remedy"],
        source=raw["source"],
        file=doc.file,
        line=doc.line(path),
        effective_from=start,
        effective_to=end,
        overrides=overrides,
        aliases=tuple(raw.get("aliases") or ()),
    )
