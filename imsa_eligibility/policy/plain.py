"""A rule's condition in plain words, and with its named values resolved.

Two views of the ``when`` of a rule, for one nation:

- :func:`resolved` is the condition as the rule file writes it, with ``{list: ..}`` and
  ``{param: ..}`` replaced by their values for the nation and each ``derived:`` sum spelt
  out (what it sums, over which items, and which items count), so that ``rules show``
  prints what is really tested;
- :func:`words` is the same condition as an indented list of lines a policy officer can
  read ("the organisation's functions include any of: policing, prosecution, ..."), each
  named list and parameter named beside its values.

Both read the condition as written (the loaded rule set has checked it), never the compiled
AST, so they keep the rule file's names. Facts are named by their place in the profile: the
owner ("the organisation's", "the IMSA service's", "its" for an item of a list) and the
field in words; a true/false fact is asked as its plain question
(:func:`imsa_eligibility.profile.questions.ask`) where there is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..profile.questions import question
from ..rules.model import Derived, NamedList
from ..source import SourceFloat, SourceInt

_ASIDE = re.compile(r" \([^)]*\)")

_COMPARISONS = {
    "less_than": ("is less than", "is at least"),
    "at_most": ("is at most", "is more than"),
    "more_than": ("is more than", "is at most"),
    "at_least": ("is at least", "is less than"),
}
_OWNERS = {
    "organisation": "the organisation's",
    "governance": "the organisation's",
    "insurance": "the organisation's",
    "imsa_service": "the IMSA service's",
}
_FIELDS = {
    "public_funding_gbp": "public funding (£ a year)",
    "annual_income_gbp": "annual income (£)",
    "income_share": "share of the applicant's income",
    "ico_registered": "registration with the ICO",
    "legal_form": "legal form",
    "accredited_imsas": "number of accredited IMSAs",
    "planned_imsas": "number of planned IMSAs",
}
#: Each list a quantifier or sum can range over, as "the items of ...".
_COLLECTIONS = {
    "related_organisations": ("related organisation", "the related organisations"),
    "people": ("person", "the organisation's people"),
    "organisation.registrations": (
        "registration of the organisation",
        "the organisation's registrations",
    ),
    "affiliations": ("affiliation of the person", "the person's affiliations"),
    "control_chain": (
        "organisation in its control chain",
        "its control chain (the bodies that own or control it, directly or through others)",
    ),
}


@dataclass
class Names:
    """What a condition may name, for one nation: lists, parameter values, derived sums,
    the rule set's labels; and, once read, the names a condition used."""

    lists: Mapping[str, NamedList]
    values: Mapping[str, Any]
    derived: Mapping[str, Derived]
    labels: Mapping[str, str]
    used_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    used_parameters: dict[str, Any] = field(default_factory=dict)
    used_derived: list[str] = field(default_factory=list)
    worded: set[str] = field(default_factory=set)

    def label(self, value: Any, path: str = "") -> str:
        """The plain words of ``value`` (of the fact at the field path ``path``): the rule
        set's label, else the profile's plain words without their aside in brackets."""
        text = str(plain(value))
        if text in self.labels:
            return self.labels[text]
        found = question(path) if path else None
        if found is not None and text in found.labels:
            return _ASIDE.sub("", found.labels[text])
        return text.replace("_", " ")


def plain(value: Any) -> Any:
    """``value`` from a rule file as plain data: numbers as written, mappings and lists
    copied (so that YAML and JSON writers see ints, decimals, strings and bools)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, SourceInt):
        return int(value)
    if isinstance(value, SourceFloat):
        return Decimal(value.raw)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# --- resolved ---------------------------------------------------------------------------------


def _operand(value: Any, names: Names) -> Any:
    if isinstance(value, Mapping) and "list" in value:
        named = names.lists[str(value["list"])]
        names.used_lists[named.name] = named.values
        return list(named.values)
    if isinstance(value, Mapping) and "param" in value:
        name = str(value["param"])
        names.used_parameters[name] = plain(names.values[name])
        return plain(names.values[name])
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for item in value:
            found = _operand(item, names)
            out += found if isinstance(found, list) and not isinstance(item, list) else [found]
        return out
    return plain(value)


def resolved(raw: Any, names: Names) -> Any:
    """The condition ``raw`` with lists, parameters and derived sums written out."""
    if not isinstance(raw, Mapping):
        return plain(raw)
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        return {key: [resolved(part, names) for part in raw[key]]}
    if "not" in raw:
        return {"not": resolved(raw["not"], names)}
    if "some" in raw or "every" in raw:
        kind = "some" if "some" in raw else "every"
        return {kind: str(raw[kind]), "where": resolved(raw["where"], names)}
    if "derived" in raw:
        name = str(raw["derived"])
        spec = names.derived[name]
        if name not in names.used_derived:
            names.used_derived.append(name)
        out: dict[str, Any] = {
            "derived": name,
            "sum": spec.sum,
            "over": spec.over,
            "where": resolved(spec.where, names),
        }
        out.update({str(k): _operand(v, names) for k, v in raw.items() if k != "derived"})
        return out
    return {str(k): (plain(v) if k == "fact" else _operand(v, names)) for k, v in raw.items()}


# --- words ------------------------------------------------------------------------------------


def _noun(path: str, scope: str) -> str:
    """The fact at ``path`` (relative to ``scope``) as a noun phrase."""
    head, _, rest = path.partition(".")
    if scope:
        owner, name = ("their" if scope == "people" else "its"), path
    elif rest and head in _OWNERS:
        owner, name = _OWNERS[head], rest
    else:
        owner, name = "the profile's", path
    last = name.rsplit(".", 1)[-1]
    return f"{owner} {_FIELDS.get(last, last.replace('_', ' '))}"


def _full(path: str, scope: str) -> str:
    """The field path of ``path`` inside ``scope`` (for the plain question)."""
    return f"{scope}.{path}" if scope else path


def _listing(
    values: list[str], names: Names, name: str | None, kind: str = "list", path: str = ""
) -> str:
    shown = ", ".join(names.label(v, path) for v in values) or "nothing"
    return f"{shown} (the {kind} {name})" if name else shown


def _value_words(value: Any, names: Names) -> tuple[list[str], str | None, str]:
    """(values, the list's or parameter's name, which) of an operand."""
    if isinstance(value, Mapping) and "list" in value:
        return [str(v) for v in _operand(value, names)], str(value["list"]), "list"
    if isinstance(value, Mapping) and "param" in value:
        resolved_value = _operand(value, names)
        values = resolved_value if isinstance(resolved_value, list) else [resolved_value]
        return [str(v) for v in values], str(value["param"]), "parameter"
    plain_value = _operand(value, names)
    values = plain_value if isinstance(plain_value, list) else [plain_value]
    return [str(v) for v in values], None, "list"


def _number(value: Any, names: Names) -> str:
    if isinstance(value, Mapping) and "param" in value:
        number = _operand(value, names)
        return f"{_figure(number)} (the parameter {value['param']})"
    return _figure(plain(value))


def _figure(number: Any) -> str:
    if isinstance(number, bool):
        return "yes" if number else "no"
    if isinstance(number, int):
        return f"{number:,}"
    if isinstance(number, Decimal):
        return f"{number.normalize():f}"
    return str(number)


def _leaf(raw: Mapping[str, Any], names: Names, scope: str, negated: bool) -> str:
    path = str(raw["fact"])
    op = next(str(k) for k in raw if k != "fact")
    value = raw[op]
    noun = _noun(path, scope)
    if op == "is":
        wanted = bool(plain(value)) != negated
        found = question(_full(path, scope))
        answer = "yes" if wanted else "no"
        if found is not None:
            return f"the answer to “{found.ask}” is {answer}"
        return f"{noun}: {answer}"
    if isinstance(value, Mapping) and "fact" in value:
        other = _noun(str(value["fact"]), scope)
        if op in _COMPARISONS:
            return f"{noun} {_COMPARISONS[op][1 if negated else 0]} {other}"
        same = (op == "equals") != negated
        return f"{noun} {'is the same as' if same else 'differs from'} {other}"
    if op in _COMPARISONS:
        return f"{noun} {_COMPARISONS[op][1 if negated else 0]} {_number(value, names)}"
    values, name, kind = _value_words(value, names)
    listed = _listing(values, names, name, kind, _full(path, scope))
    if op in ("equals", "not_equals"):
        same = (op == "equals") != negated
        return f"{noun} {'is' if same else 'is not'} {listed}"
    if op == "one_of":
        return f"{noun} {'is none of' if negated else 'is one of'}: {listed}"
    if op == "has" or (op == "has_any" and len(values) == 1 and name is None):
        return f"{noun} {'do not include' if negated else 'include'} {listed}"
    if op == "has_any":
        return f"{noun} {'include none of' if negated else 'include any of'}: {listed}"
    return (
        f"{noun} {'do not include every one of' if negated else 'include every one of'}: {listed}"
    )


def words(raw: Any, names: Names, scope: str = "", negated: bool = False) -> list[str]:
    """The condition ``raw`` as lines of plain words, nested parts indented two spaces.

    The first line completes "The rule is triggered when ...".
    """
    if "not" in raw:
        inner = raw["not"]
        if "all" in inner or "any" in inner or "some" in inner or "every" in inner:
            return words(inner, names, scope, not negated)
        if "fact" in inner:
            return words(inner, names, scope, not negated)
        return ["it is not so that:", *_indent(words(inner, names, scope))]
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        # not (all of) = any of the negations; not (any of) = none = all of the negations
        every = (key == "all") != negated
        parts = [words(part, names, scope, negated) for part in raw[key]]
        head = "all of these hold:" if every else "any of these holds:"
        lines = [head]
        for part in parts:
            lines.append(f"- {part[0]}")
            lines += [f"  {line}" for line in part[1:]]
        return lines
    if "some" in raw or "every" in raw:
        kind = "some" if "some" in raw else "every"
        collection = str(raw[kind])
        one, _ = _COLLECTIONS.get(collection, (collection, collection))
        inner_scope = _scope(scope, collection)
        which = "for whom" if one == "person" else "for which"
        if kind == "some" and negated:  # not (some X: P): no X has P
            lead, where = f"there is no {one} {which}", words(raw["where"], names, inner_scope)
        elif kind == "some":
            lead = f"there is at least one {one} {which}"
            where = words(raw["where"], names, inner_scope)
        elif negated:  # not (every X: P): some X has not P
            lead = f"there is at least one {one} {which}"
            where = words(raw["where"], names, inner_scope, True)
        else:
            lead, where = f"for every {one},", words(raw["where"], names, inner_scope)
        return [f"{lead} {where[0]}", *where[1:]]
    if "derived" in raw:
        name = str(raw["derived"])
        spec = names.derived[name]
        if name not in names.used_derived:
            names.used_derived.append(name)
        op = next(str(k) for k in raw if k != "derived")
        comparison = _COMPARISONS[op][1 if negated else 0] if op in _COMPARISONS else op
        one, _ = _COLLECTIONS.get(spec.over, (spec.over, spec.over))
        number = _number(raw[op], names)
        if name in names.worded:
            return [f"the {name.replace('_', ' ')} (as above) {comparison} {number}"]
        names.worded.add(name)
        where = words(spec.where, names, _scope("", spec.over))
        summed = _FIELDS.get(spec.sum, spec.sum.replace("_", " "))
        return [
            f"the {name.replace('_', ' ')} {comparison} {number}; it is "
            f"the total {summed} of each {one} for which {where[0]}",
            *_indent(where[1:]),
        ]
    return [_leaf(raw, names, scope, negated)]


def _scope(scope: str, collection: str) -> str:
    """The field path of the items of ``collection`` (written inside ``scope``)."""
    if collection == "control_chain":
        return "related_organisations"
    return f"{scope}.{collection}" if scope else collection


def _indent(lines: list[str]) -> list[str]:
    return [f"  {line}" for line in lines]


__all__ = ["Names", "plain", "resolved", "words"]
