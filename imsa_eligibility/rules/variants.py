"""Per-nation variants: a rule resolved for one nation, overrides and parameters applied.

A variant has its own effect, waivability and texts (the rule's, or its override's for the
nation), the parameters' values for the nation, and the rule's condition compiled with
them. Identical conditions are interned by the caller, so engines decide each once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..source import Document, PathKey
from ..suggest import did_you_mean
from ..vocabulary import Nation
from .compile import Context, compile_condition
from .model import Derived, NamedList, Override, Parameter, Rule, Variant
from .templating import TEXT_FIELDS, fill, placeholder_problems

RawProblem = tuple[Document, PathKey, str, str]


@dataclass(frozen=True)
class Definitions:
    """What rules may name: the rule set's lists, parameters, derived sums and labels."""

    lists: Mapping[str, NamedList]
    parameters: Mapping[str, Parameter]
    derived: Mapping[str, Derived]
    derived_docs: Mapping[str, tuple[Document, PathKey]]
    labels: Mapping[str, str]
    since: dt.date | None = None
    """The first day of the period the lists and parameters hold the values of."""
    dated: Mapping[str, Parameter] | None = None
    """The parameters as written, with their changes (to say where a value comes from)."""
    wrongs: dict[Any, Any] | None = None
    """Shared by every period's definitions: see :attr:`.compile.Context.wrongs`."""


def build_variant(
    rule: Rule,
    nation: Nation,
    doc: Document,
    base: PathKey,
    defs: Definitions,
    problems: list[RawProblem],
) -> Variant | None:
    """The variant of ``rule`` (at ``base`` in ``doc``) for ``nation``; None if it fails."""
    override = rule.overrides.get(nation, Override())
    parameters = defs.parameters
    values = {name: p.by_nation[nation] for name, p in parameters.items() if nation in p.by_nation}
    origins = {}
    for name, dated in (defs.dated or {}).items():
        day = dated.since(nation, defs.since)
        if day is not None:
            origins[name] = f" from {day.isoformat()}"
    for name, value in override.parameters.items():
        if name not in parameters:
            problems.append(
                (
                    doc,
                    (*base, "overrides", nation, "parameters", name),
                    f"there is no parameter '{name}'",
                    did_you_mean(name, parameters, noun="parameter"),
                )
            )
        values[name] = value
        origins[name] = f" (the rule's override for {nation})"
    ctx = Context(
        doc,
        nation,
        defs.lists,
        values,
        defs.derived,
        defs.derived_docs,
        problems,
        tuple(parameters),
        origins,
        {} if defs.wrongs is None else defs.wrongs,
    )
    node = compile_condition(rule.when, ctx, (*base, "when"))
    texts = {}
    for name in TEXT_FIELDS:
        overridden = getattr(override, name)
        text = overridden or getattr(rule, name)
        where = (*base, "overrides", nation, name) if overridden else (*base, name)
        problems += [
            (doc, path, message, hint)
            for path, message, hint in placeholder_problems(
                text, where, nation, values, tuple(parameters)
            )
        ]
        texts[name] = fill(text, nation, values, defs.labels)
    if node is None:
        return None
    return Variant(
        rule=rule,
        nation=nation,
        effect=override.effect or rule.effect,
        waivable=rule.waivable if override.waivable is None else override.waivable,
        title=texts["title"],
        because=texts["because"],
        remedy=texts["remedy"],
        source=texts["source"],
        node=node,
        parameters=values,
    )
