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
from ..vocabulary import Effect, Nation
from ..suggest import did_you_mean
from .ast import Node
from .catalogue import CHAIN
from .model import Derived, NamedList, Override, Parameter, Rule, RuleSet, Variant
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


def build_ruleset(
    directory: Path, head: Document, bodies: list[Document], problems: list[Problem]
) -> RuleSet:
    meta = head.data
    lists = {
        name: NamedList(name, spec["description"], tuple(spec["values"]), spec.get("source", ""))
        for name, spec in (meta.get("lists") or {}).items()
    }
    parameters = {
        name: Parameter(name, spec["description"], dict(spec["by_nation"]), spec.get("source", ""))
        for name, spec in (meta.get("parameters") or {}).items()
    }
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
    defs = Definitions(lists, parameters, derived, derived_docs, labels)
    variants: dict[str, Variant] = {}
    interned: dict[Node, Node] = {}
    raw_problems: list[RawProblem] = []
    docs_by_file = {d.file: d for d in bodies}
    for rule in rules:
        doc = docs_by_file[rule.file]
        base = ("rules", next(i for i, r in enumerate(doc.data["rules"]) if r["id"] == rule.id))
        for nation in rule.nations:
            variant = build_variant(rule, nation, doc, base, defs, raw_problems)
            if variant is not None:
                # Identical conditions (most rules read the same in every nation) share one
                # node object, so engines can decide each once per profile.
                node = interned.setdefault(variant.node, variant.node)
                variants[variant.key] = dataclasses.replace(variant, node=node)
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
        variants=variants,
        changeable=_changeable(head, problems),
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
            parameters=dict(spec.get("parameters") or {}),
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
