"""The guards every compiled ruleset passes before durable_rules sees it.

Each guard keeps the compiler away from a durable_rules trap (see the package's docstring)
or from a fact shape :mod:`.facts` does not list.
"""

from __future__ import annotations

from typing import Any

from ...errors import EngineError
from .facts import Fact, known_field

DIGIT = 256


def check_events(
    rules: dict[str, Any], event_nodes: frozenset[int], event_specs: frozenset[int]
) -> None:
    """Refuse a rule that joins two events (see :meth:`.compile.Compiler.events`)."""
    for name, rule in rules.items():
        events = 0
        for pattern in rule["all"]:
            ((_, body),) = pattern.items()
            conds = body.get("$and", [body])
            fields = {k: v for c in conds for k, v in c.items() if not k.startswith("$")}
            kind = fields.get("t")
            if kind == Fact.PREFIX:
                events += 1
            elif kind in (Fact.VERDICT, Fact.VALUE):
                high, low = ("h", "n") if kind == Fact.VERDICT else ("g", "f")
                if isinstance(fields.get(high), int) and isinstance(fields.get(low), int):
                    ident = fields[high] * DIGIT + fields[low]
                    events += ident in (event_nodes if kind == Fact.VERDICT else event_specs)
        if events > 1:
            raise EngineError(f"internal: rule {name} joins {events} events")


_FORBIDDEN = {"$ne", "$mt", "$imt", "id"}


def check_ruleset(rules: dict[str, Any]) -> None:
    """Refuse a ruleset that would walk into a known durable_rules trap, or that reads a
    fact kind or field :mod:`.facts` does not list."""

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
        walk(rule)
        for position, pattern in enumerate(rule["all"]):
            ((alias, body),) = pattern.items()
            first = body["$and"][0] if "$and" in body else body
            if set(first) != {"t"} or (position == 0 and alias.endswith("$not")):
                raise EngineError(f"internal: rule {name} has a pattern without a type test")
            _check_fields(name, first["t"], body)


def _check_fields(rule: str, kind: str, body: Any) -> None:
    """Refuse a pattern on a fact kind, or a field, that :mod:`.facts` does not list."""
    try:
        fact = Fact(kind)
    except ValueError:
        raise EngineError(f"internal: rule {rule} matches an unknown fact kind {kind!r}") from None
    names: set[str] = set()
    _fields(body, names)
    unknown = sorted(n for n in names if not known_field(n, fact))
    if unknown:
        raise EngineError(f"internal: rule {rule} reads fields {unknown} of {fact.name} facts")


def _fields(value: Any, into: set[str]) -> None:
    """The fields a pattern reads (a join's ``{alias: field}`` names another fact's)."""
    if isinstance(value, list):
        for item in value:
            _fields(item, into)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "$m":
                into.add(item)
            elif key.startswith("$"):
                _fields(item, into)
            else:
                into.add(key)
                joins = isinstance(item, dict) and not any(k.startswith("$") for k in item)
                if not joins:
                    _fields(item, into)
