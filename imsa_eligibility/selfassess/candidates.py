"""The changes worth trying for ``check --what-if``: facts that matter, values that could help.

A fact matters to a nation when it is evidence for, or missing from, one of the nation's
findings that count and are not clear. Only facts the rule set marks ``changeable`` are
tried, and never the profile's identity (:data:`FORBIDDEN`). The values tried:

- a true/false fact: the other value; an unknown one: both (the search keeps the one that
  helps, which is the one that clears the rule);
- a list of enum values (vetting checks, funding conditions, roles): each value added, each
  value removed, and, where the evidence lists the values a rule lacks, all of them added
  at once (so "cover all eight key areas" is one change); an unknown list also becomes
  empty;
- a whole number (accredited IMSAs): each other whole number the same finding's evidence
  holds (the number of IMSAs planned, which it is compared with).

A list of objects (registrations) is never tried: a registration needs a number only the
organisation knows.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..decision import Finding
from ..rules.catalogue import FactKind, catalogue
from ..source import PathKey, format_path

#: Facts a suggestion never changes, whatever a rule set marks changeable.
FORBIDDEN = frozenset(
    {"schema_version", "organisation.id", "organisation.name", "organisation.nations"}
)

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> PathKey:
    """``related_organisations[0].funding_conditions`` -> ``("related_organisations", 0, ...)``."""
    return tuple(int(index) if index else name for name, index in _STEP.findall(text))


def field_path(key: PathKey) -> str:
    """A path's field path: its names joined by dots, without list indexes."""
    return ".".join(step for step in key if isinstance(step, str))


def kind_of(field: str) -> FactKind | None:
    """What kind of value the fact ``field`` (a field path) holds, if it is a fact."""
    facts = catalogue()
    scope, _, name = field.rpartition(".")
    while scope and scope not in facts:  # governance.ico_registered lives in scope ""
        scope, _, rest = scope.rpartition(".")
        name = f"{rest}.{name}"
    return facts.get(scope, {}).get(name)


def value_at(data: Any, key: PathKey) -> Any:
    """The value at ``key`` in profile data (None where a step is missing)."""
    for step in key:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
        elif not isinstance(data, Mapping):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
    return data


def changed(data: Mapping[str, Any], changes: Iterable[tuple[PathKey, Any]]) -> dict[str, Any]:
    """A deep copy of profile ``data`` with each ``(key, value)`` set, sections made as
    needed (a profile without ``governance`` gets one)."""
    out: dict[str, Any] = copy.deepcopy(dict(data))
    for key, value in changes:
        node: Any = out
        for step, following in pairwise(key):
            child = node[step] if isinstance(step, int) else node.get(step)
            if child is None:
                child = [] if isinstance(following, int) else {}
                node[step] = child
            node = child
        node[key[-1]] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class Candidate:
    """One change to try: the fact at ``key`` from ``before`` to ``after``.

    ``order`` places it among the candidates (the order findings and evidence name them);
    ``about`` names the list item the fact is in, for people (a funder, a person).
    """

    key: PathKey
    before: Any
    after: Any
    order: int
    about: str = ""

    @property
    def path(self) -> str:
        """The report path of the fact."""
        return format_path(self.key)

    @property
    def token(self) -> tuple[PathKey, str]:
        """What tells two candidates apart: the fact and the value it would take."""
        return self.key, repr(self.after)


def _about(data: Mapping[str, Any], key: PathKey) -> str:
    """The name (or id) of the list item ``key`` is in, when it is in one."""
    for end in range(len(key) - 1, 0, -1):
        if isinstance(key[end], int):
            item = value_at(data, key[: end + 1])
            if isinstance(item, Mapping):
                return str(item.get("name") or item.get("id") or "")
    return ""


def _values(
    kind: FactKind, before: Any, evidence_values: Sequence[Any], missing: Sequence[str]
) -> list[Any]:
    if kind.kind == "bool":
        return [True, False] if before is None else [not before]
    if kind.kind == "int":
        numbers = [v for v in evidence_values if type(v) is int and v != before and v >= 0]
        return list(dict.fromkeys(numbers))
    if kind.kind != "list" or kind.scope is not None or not kind.values:
        return []
    present = list(before or [])
    out: list[Any] = []
    lacking = [m for m in missing if m in kind.values and m not in present]
    if len(lacking) > 1:
        out.append(present + lacking)
    out += [[*present, v] for v in kind.values if v not in present]
    out += [[p for p in present if p != v] for v in dict.fromkeys(present)]
    if before is None:
        out.append([])
    return out


def candidates(
    data: Mapping[str, Any], findings: Iterable[Finding], changeable: Iterable[str]
) -> list[Candidate]:
    """The changes worth trying for ``findings`` (those that count and are not clear), in
    the order the findings and their evidence name the facts."""
    allowed = set(changeable) - FORBIDDEN
    out: dict[tuple[PathKey, str], Candidate] = {}
    for finding in findings:
        numbers = [e.value for e in finding.evidence]
        missing = {e.path: e.missing for e in finding.evidence}
        for path in [*(e.path for e in finding.evidence), *finding.to_provide]:
            key = parse_path(path)
            field = field_path(key)
            if field not in allowed or (kind := kind_of(field)) is None:
                continue
            before = value_at(data, key)
            for after in _values(kind, before, numbers, missing.get(path, ())):
                made = Candidate(key, before, after, len(out), _about(data, key))
                out.setdefault(made.token, made)
    return list(out.values())


__all__ = [
    "FORBIDDEN",
    "Candidate",
    "candidates",
    "changed",
    "field_path",
    "kind_of",
    "parse_path",
    "value_at",
]
