"""Compile rule conditions as written into the AST, checking them against the profile model.

One condition compiles once per nation (parameters differ by nation). Every problem is
located in its rule file and names what to do: an unknown fact, list, parameter or derived
sum gets a did-you-mean; an operator that does not fit the fact's kind says which fit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..source import Document, PathKey, SourceFloat, SourceInt
from ..suggest import did_you_mean
from .ast import (
    CONTROL_CHAIN,
    Aggregate,
    AllOf,
    AnyOf,
    CompareOp,
    LeafOp,
    Node,
    Not,
    Quantified,
    Test,
)
from .catalogue import CHAIN, FactKind, catalogue
from .model import Derived, NamedList
from .schema import NATIONS

OPERATOR_NAMES: dict[str, LeafOp] = {
    "is": "is",
    "equals": "equals",
    "not_equals": "not_equals",
    "less_than": "lt",
    "at_most": "le",
    "more_than": "gt",
    "at_least": "ge",
    "one_of": "one_of",
    "has": "has_any",
    "has_any": "has_any",
    "has_all": "has_all",
}
_FITS = {
    "bool": {"is", "equals", "not_equals"},
    "int": {"equals", "not_equals", "less_than", "at_most", "more_than", "at_least"},
    "number": {"equals", "not_equals", "less_than", "at_most", "more_than", "at_least"},
    "enum": {"equals", "not_equals", "one_of"},
    "text": {"equals", "not_equals", "one_of"},
    "list": {"has", "has_any", "has_all"},
}


@dataclass
class Context:
    """What a condition may refer to, for one nation, and where to report problems."""

    doc: Document
    nation: str
    lists: Mapping[str, NamedList]
    parameters: Mapping[str, Any]
    derived: Mapping[str, Derived]
    derived_docs: Mapping[str, tuple[Document, PathKey]]
    problems: list[tuple[Document, PathKey, str, str]]
    known_parameters: Collection[str] = ()
    origins: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Where a parameter's value for the nation comes from, when not from its by_nation
    as written: " from 2027-04-01" (a dated change), " in the rule's override"."""

    wrongs: dict[Any, Any] = dataclasses.field(default_factory=dict)
    """Parameters whose values do not fit where they are used, by place: shared by the
    contexts of one rule set, so one place gets one message, naming every nation's value."""

    def wrong_parameter(
        self, path: PathKey, name: str, value: Any, wanted: str, hint: str = ""
    ) -> None:
        """Record that parameter ``name`` holds ``value`` for the nation, which does not
        fit where it is used (``wanted``: what fits, such as 'a number'). The nations (and
        periods) with the same mistake at the same place share one message."""
        key = (id(self.doc), path, name, wanted)
        entry = self.wrongs.get(key)
        if entry is None:
            entry = self.wrongs[key] = {"values": {}, "nations": [], "problem": None}
        told = entry["values"].setdefault(_shown(value), [])
        said = f"{self.nation}{self.origins.get(name, '')}"
        if said not in told:
            told.append(said)
        if self.nation not in entry["nations"]:
            entry["nations"].append(self.nation)
        if entry["problem"] is not None:
            self.problems.remove(entry["problem"])
        shown = "; ".join(
            f"{shown} for {_listing(nations)}" for shown, nations in entry["values"].items()
        )
        nations = _listing(sorted(entry["nations"], key=NATIONS.index))
        entry["problem"] = (
            self.doc,
            path,
            f"the parameter '{name}' is {shown}, but {wanted} is needed here",
            f"give '{name}' {wanted} for {nations} in ruleset.yaml, or use another "
            "parameter here" + (f" ({hint})" if hint else ""),
        )
        self.problems.append(entry["problem"])

    def fail(self, path: PathKey, message: str, hint: str, doc: Document | None = None) -> None:
        """Record a problem (deduplicated later across nations)."""
        self.problems.append((doc or self.doc, path, message, hint))

    def missing_for_nation(self, path: PathKey, name: str) -> None:
        """Record that parameter ``name`` has no value for this nation: one problem for all
        the nations that lack it, since the fix is one edit to its by_nation."""
        lead = f"the parameter '{name}' has no value for "
        nations = [self.nation]
        for index, (doc, where, message, _) in enumerate(self.problems):
            if doc is self.doc and where == path and message.startswith(lead):
                nations = [*_AND_OR_COMMA.split(message.removeprefix(lead)), self.nation]
                del self.problems[index]
                break
        listed = _listing(sorted(set(nations), key=NATIONS.index))
        self.fail(
            path,
            lead + listed,
            f"add {listed} under its by_nation in ruleset.yaml, or leave "
            f"{'it' if len(nations) == 1 else 'them'} out of the rule's nations",
        )


_AND_OR_COMMA = re.compile(r", | and ")


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def compile_condition(raw: Any, ctx: Context, path: PathKey, scope: str | None = "") -> Node | None:
    """The AST of the condition ``raw`` (at ``path`` in ``ctx.doc``), or None on problems.

    Compilation goes on past a problem, so that one lint reports every problem in a rule
    (a misspelt fact does not hide a misspelt list beside it). ``scope`` is None inside a
    some/every whose collection is unknown: its facts cannot be checked, the rest can.
    """
    if not isinstance(raw, dict) or not raw:
        ctx.fail(
            path,
            "a condition must be a mapping such as {fact: ..., is: true}",
            "write {fact: PATH, OPERATOR: VALUE}, or start it with all:, any:, not:, some:, "
            "every: or derived:",
        )
        return None
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        parts = [compile_condition(p, ctx, (*path, key, i), scope) for i, p in enumerate(raw[key])]
        if any(p is None for p in parts) or scope is None:
            return None
        done = tuple(p for p in parts if p is not None)
        return AllOf(done) if key == "all" else AnyOf(done)
    if "not" in raw:
        inner = compile_condition(raw["not"], ctx, (*path, "not"), scope)
        return None if inner is None else Not(inner)
    if "some" in raw or "every" in raw:
        return _quantified(raw, ctx, path, scope)
    if "derived" in raw:
        return _derived(raw, ctx, path, scope)
    return _leaf(raw, ctx, path, scope)


def _fact(name: Any, ctx: Context, path: PathKey, scope: str | None) -> FactKind | None:
    if scope is None:  # inside a some/every over an unknown collection: already reported
        return None
    facts = catalogue()[scope]
    if not isinstance(name, str) or name not in facts:
        where = f"in {scope}" if scope else "in a profile"
        ctx.fail(
            path, f"there is no fact '{name}' {where}", did_you_mean(str(name), facts, noun="fact")
        )
        return None
    return facts[name]


def _quantified(raw: dict[str, Any], ctx: Context, path: PathKey, scope: str | None) -> Node | None:
    kind = "some" if "some" in raw else "every"
    name = raw[kind]
    fact = _fact(name, ctx, (*path, kind), scope)
    if fact is not None and fact.scope is None:
        ctx.fail(
            (*path, kind),
            f"'{name}' is not a list of items, so '{kind}' cannot range over it",
            f"test a list of values with has, has_any or has_all: {{fact: {name}, has_any: [...]}}",
        )
    inner = fact.scope if fact is not None else None
    where = compile_condition(raw["where"], ctx, (*path, "where"), inner)
    if where is None or fact is None or fact.scope is None:
        return None
    collection = CONTROL_CHAIN if name == CHAIN else tuple(name.split("."))
    return Quantified(kind, collection, where)  # type: ignore[arg-type]


def _number(value: Any) -> Decimal | None:
    if isinstance(value, SourceInt | SourceFloat):
        return Decimal(value.raw)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def _derived(raw: dict[str, Any], ctx: Context, path: PathKey, scope: str | None) -> Node | None:
    name = raw["derived"]
    ((op_name, value),) = ((k, v) for k, v in raw.items() if k != "derived")
    known = name in ctx.derived
    if not known:
        ctx.fail(
            (*path, "derived"),
            f"there is no derived value '{name}'",
            did_you_mean(str(name), ctx.derived, noun="derived value"),
        )
    if scope:
        ctx.fail(
            path,
            "a derived value can only be used at the top of a condition",
            "move it out of the some/every, into an all: or any: beside it",
        )
    threshold = None
    if isinstance(value, dict) and "param" in value:
        ok, resolved, _ = _operand(value, ctx, (*path, op_name))
        threshold = _number(resolved) if ok else None
        if ok and threshold is None:
            ctx.wrong_parameter((*path, op_name), str(value["param"]), resolved, "a number")
    else:
        threshold = _number(value)
        if threshold is None:
            ctx.fail(
                (*path, op_name), f"'{op_name}' needs a number here", "write a number such as 0.5"
            )
    if not known or scope != "" or threshold is None:
        return None
    spec = ctx.derived[name]
    doc, base = ctx.derived_docs[name]
    sub = dataclasses.replace(ctx, doc=doc)  # problems in the sum point at ruleset.yaml
    fact = _fact(spec.over, sub, (*base, "over"), "")
    if fact is None or fact.scope is None:
        return None
    summed = _fact(spec.sum, sub, (*base, "sum"), fact.scope)
    if summed is None:
        return None
    if not summed.numeric:
        sub.fail(
            (*base, "sum"),
            f"'{spec.sum}' is not a number, so it cannot be summed",
            "sum a numeric fact such as income_share",
        )
        return None
    where = compile_condition(spec.where, sub, (*base, "where"), fact.scope)
    if where is None:
        return None
    over = CONTROL_CHAIN if spec.over == CHAIN else tuple(spec.over.split("."))
    op: CompareOp = OPERATOR_NAMES[op_name]  # type: ignore[assignment]
    return Aggregate(name, spec.sum, over, where, op, threshold)


#: Where each value of an operand came from: the parameter that gave it (None: written
#: out) and the path to report it at.
Origins = list[tuple[str | None, PathKey]]


def _operand(value: Any, ctx: Context, path: PathKey) -> tuple[bool, Any, Origins]:
    """Resolve ``{list: ..}``, ``{param: ..}`` and the ``{param: ..}`` items of a list of
    values (a list-valued parameter's values join the list); (ok, value, origins)."""
    if isinstance(value, dict) and "list" in value:
        named = ctx.lists.get(value["list"])
        if named is None:
            ctx.fail(
                (*path, "list"),
                f"there is no list '{value['list']}'",
                did_you_mean(str(value["list"]), ctx.lists, noun="list"),
            )
            return False, None, []
        return True, list(named.values), [(None, path)] * len(named.values)
    if isinstance(value, dict) and "param" in value:
        name = value["param"]
        if name in ctx.known_parameters and name not in ctx.parameters:
            ctx.missing_for_nation((*path, "param"), str(name))
            return False, None, []
        if name not in ctx.parameters:
            ctx.fail(
                (*path, "param"),
                f"there is no parameter '{name}'",
                did_you_mean(str(name), ctx.known_parameters or ctx.parameters, noun="parameter"),
            )
            return False, None, []
        found = ctx.parameters[name]
        if isinstance(found, tuple | list):
            return True, list(found), [(str(name), path)] * len(found)
        return True, found, [(str(name), path)]
    if isinstance(value, list):
        ok, items, origins = True, [], []  # type: tuple[bool, list[Any], Origins]
        for index, item in enumerate(value):
            if isinstance(item, dict):
                fine, got, where = _operand(item, ctx, (*path, index))
                ok = ok and fine
                if fine:
                    listed = got if isinstance(got, list) else [got]
                    items += listed
                    origins += where if len(where) == len(listed) else [(None, path)] * len(listed)
            else:
                items.append(item)
                origins.append((None, (*path, index)))
        return ok, items, origins
    return True, value, [(None, path)]


def _leaf(raw: dict[str, Any], ctx: Context, path: PathKey, scope: str | None) -> Node | None:
    if "fact" not in raw:
        ctx.fail(
            path,
            "a condition needs one of: all, any, not, some, every, fact, derived",
            did_you_mean(
                next(iter(raw)),
                ["all", "any", "not", "some", "every", "fact", "derived"],
                noun="key",
            ),
        )
        return None
    op_name = next(k for k in raw if k != "fact")
    operand = raw[op_name]
    fact = _fact(raw["fact"], ctx, (*path, "fact"), scope)
    fits = _FITS[fact.kind] if fact is not None and fact.scope is None else set()
    if fact is not None and op_name not in fits:
        hint = (
            f"test its items with some or every: {{some: {raw['fact']}, where: {{fact: ..., "
            "is: true}}"
            if fact.scope is not None
            else "use one of: " + ", ".join(sorted(fits))
        )
        ctx.fail(
            (*path, op_name),
            f"'{op_name}' does not fit '{raw['fact']}', which is {_describe(fact)}",
            hint,
        )
    if fact is None or op_name not in fits:
        # Still check what the operand names, so that every problem is reported at once.
        if isinstance(operand, dict) and "fact" in operand:
            _fact(operand["fact"], ctx, (*path, op_name, "fact"), scope)
        else:
            _operand(operand, ctx, (*path, op_name))
        return None
    op = OPERATOR_NAMES[op_name]
    fact_path = tuple(raw["fact"].split("."))
    if isinstance(operand, dict) and "fact" in operand:
        if op not in ("equals", "not_equals", "lt", "le", "gt", "ge"):
            ctx.fail(
                (*path, op_name),
                f"'{op_name}' cannot compare two facts",
                "compare two facts with equals, not_equals, less_than, at_most, "
                "more_than or at_least",
            )
            return None
        other = _fact(operand["fact"], ctx, (*path, op_name, "fact"), scope)
        if other is None:
            return None
        if not (fact.numeric and other.numeric) and other.kind != fact.kind:
            ctx.fail(
                (*path, op_name),
                "the two facts compared are of different kinds",
                "compare numbers with numbers",
            )
            return None
        return Test(fact_path, op, None, tuple(operand["fact"].split(".")))
    ok, value, origins = _operand(operand, ctx, (*path, op_name))
    if not ok:
        return None
    checked = _check_value(value, op, fact, ctx, (*path, op_name), origins)
    if checked is None:
        return None
    return Test(fact_path, op, checked)


def _describe(fact: FactKind) -> str:
    return {
        "bool": "true or false",
        "int": "a whole number",
        "number": "a number",
        "enum": "one value",
        "text": "text",
        "list": "a list",
    }[fact.kind]


def _shown(value: Any) -> str:
    """A value as a message shows it: 'text', 0.5, true, [a, b]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, SourceInt | SourceFloat):
        return str(value.raw)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_shown(v).strip("'") for v in value) + "]"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _check_value(
    value: Any, op: LeafOp, fact: FactKind, ctx: Context, path: PathKey, origins: Origins
) -> Any:
    """The value checked against what the fact can take; None (reported) when it cannot.

    A value from a parameter is reported at the ``{param: ..}`` that brought it, naming
    the parameter and its value for the nation."""
    multi = op in ("one_of", "has_any", "has_all")
    names = {name for name, _ in origins}
    whole = next(iter(names)) if len(names) == 1 else None  # the operand is one parameter
    if fact.kind == "bool":
        if not isinstance(value, bool):
            if whole is not None:
                ctx.wrong_parameter(path, whole, value, "true or false")
            else:
                ctx.fail(path, f"expected true or false, not {value!r}", "write true or false")
            return None
        return value
    if fact.numeric:
        number = _number(value)
        if number is None:
            if whole is not None:
                ctx.wrong_parameter(path, whole, value, "a number")
            else:
                ctx.fail(path, f"expected a number, not {value!r}", "write a number")
            return None
        return int(number) if fact.kind == "int" and number == int(number) else number
    values = value if isinstance(value, list) else [value]
    if not multi and len(values) != 1:
        if whole is not None:
            ctx.wrong_parameter(
                path,
                whole,
                ctx.parameters[whole],
                f"one value ('{_op_word(op)}' takes one)",
                "or test several values with one_of",
            )
        else:
            ctx.fail(path, "expected one value, not a list", "use one_of to test several values")
        return None
    texts: list[str] = []
    for index, item in enumerate(values):
        name, where = origins[index] if index < len(origins) else (None, path)
        text = item.raw if isinstance(item, SourceInt | SourceFloat) else item
        if not isinstance(text, str):
            example = (fact.values or ("text",))[0]
            if name is not None:
                ctx.wrong_parameter(
                    where, name, ctx.parameters[name], f"a value such as '{example}'"
                )
            else:
                ctx.fail(
                    path,
                    f"expected a value such as '{example}', not {item!r}",
                    "write the value as text",
                )
            return None
        if fact.values and text not in fact.values:
            if name is not None:
                ctx.wrong_parameter(
                    where,
                    name,
                    ctx.parameters[name],
                    "a value this fact can take",
                    did_you_mean(text, fact.values, noun="value"),
                )
            else:
                ctx.fail(
                    path,
                    f"'{text}' is not a value this fact can take",
                    did_you_mean(text, fact.values, noun="value"),
                )
            return None
        texts.append(text)
    return tuple(texts) if multi else texts[0]


def _op_word(op: LeafOp) -> str:
    return next(name for name, known in OPERATOR_NAMES.items() if known == op)
