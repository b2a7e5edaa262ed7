"""The rulebook: every rule as policy staff read it, nation by nation, with checked examples.

What ``rules list``, ``rules show``, ``rules explain`` and ``rules docs`` print is built
here, as data first (:class:`Entry`, :func:`effective`, :func:`rows`) and then as text,
Markdown or HTML (:mod:`.rulebook_render`).

- The **effective rule** for a nation is the rule with that nation's override applied
  (effect, waivable, texts, parameters), its named lists and parameters replaced by their
  values, and its derived sums spelt out. Values are those in force on the date asked for
  (:meth:`~imsa_eligibility.rules.model.RuleSet.in_force`); when a value the rule uses
  takes a new value on a later date of the rule set's ``change_dates``, that day is listed.
- The **examples** of a rule are two of its own test cases: the first that expects
  ``triggered`` and the first that expects ``clear``, in its case file. Each is decided
  again by the engine when the rulebook is made, and the verdict the engine reached is
  shown, so an example can never drift from what the rules do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine.interface import Engine
from ..errors import DocumentError, ProfileError, UsageError
from ..rules.model import Rule, RuleSet, Variant
from ..rules.templating import PLACEHOLDER, TEXT_FIELDS, fill
from ..source import read_document
from ..suggest import did_you_mean
from ..vocabulary import Effect, Nation, Verdict
from .casebook import run_case_file
from .plain import Names, plain, resolved, words

#: The formats each rulebook command writes (the CLI offers exactly these).
LIST_FORMATS = ("text", "json")
SHOW_FORMATS = ("yaml", "json")
DOCS_FORMATS = ("markdown", "html")
TEST_FORMATS = ("text", "json")

SECTIONS = {
    1: "ethos and governance",
    2: "role and remit",
    3: "training and accreditation",
    4: "organisations employing an IMSA",
}
EFFECT_WORDS = {
    Effect.EXCLUDE: "excludes the organisation",
    Effect.REFER: "refers it to the accreditation panel",
    Effect.CONDITION: "a condition it must meet",
    Effect.ADVISE: "advice only (never changes the outcome)",
}


def find_rule(ruleset: RuleSet, ident: str, command: str = "explain") -> Rule:
    """The rule with id (or alias) ``ident``, in any case (``ind-001``), or a usage error
    with a did-you-mean."""
    found = ruleset.rule(ident) or ruleset.rule(ident.strip().upper())
    if found is not None:
        return found
    known = [r.id for r in ruleset.rules]
    guess = did_you_mean(ident, known, noun="rule id")
    near = ruleset.rule(guess.split("'")[1]) if guess.startswith("did you mean") else None
    hint = f"{guess} Try: imsa-eligibility rules {command} {near.id}" if near else guess
    raise UsageError(
        f"there is no rule '{ident}' in {ruleset.id} {ruleset.version}; {hint} "
        "('imsa-eligibility rules list' lists every rule)"
    )


def shown_path(file: str) -> str:
    """``file`` relative to the current folder when it is inside it (``rules/x.yaml``), so
    that the rulebook made in a checkout names files as its reader sees them."""
    path = Path(file)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file


def nations_words(nations: Sequence[Nation], *, plain: bool = False) -> str:
    """``England, Wales and Scotland``; ``every nation`` for all four (unless ``plain``)."""
    if len(nations) == len(Nation) and not plain:
        return "every nation"
    names = [Nation(n).label for n in nations]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def dates_words(rule: Rule) -> str:
    """When the rule applies, in words (``always`` when it has no dates)."""
    if rule.effective_from and rule.effective_to:
        return f"from {rule.effective_from} to {rule.effective_to}"
    if rule.effective_from:
        return f"from {rule.effective_from}"
    if rule.effective_to:
        return f"until {rule.effective_to}"
    return "always"


# --- rules list -------------------------------------------------------------------------------


def _by_nation(rule: Rule, ruleset: RuleSet, attribute: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for nation in rule.nations:
        variant = ruleset.variant(rule.id, nation)
        if variant is not None:
            value = getattr(variant, attribute)
            out[str(nation)] = str(value) if isinstance(value, Effect) else value
    return out


def rows(ruleset: RuleSet) -> list[dict[str, Any]]:
    """One row per rule, in rule-set order: what ``rules list`` shows."""
    out = []
    for rule in ruleset.rules:
        out.append(
            {
                "id": rule.id,
                "title": rule.title,
                "section": rule.section,
                "effect": _by_nation(rule, ruleset, "effect"),
                "waivable": _by_nation(rule, ruleset, "waivable"),
                "nations": [str(n) for n in rule.nations],
                "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
                "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
                "aliases": list(rule.aliases),
                "file": shown_path(rule.file),
                "line": rule.line,
            }
        )
    return out


def per_nation(values: Mapping[str, Any], show: Any = str) -> str:
    """One value when every nation has it; else the most common, then the exceptions."""
    distinct = list(dict.fromkeys(values.values()))
    if len(distinct) <= 1:
        return show(distinct[0]) if distinct else ""
    common = max(distinct, key=lambda v: sum(1 for x in values.values() if x == v))
    exceptions = ", ".join(
        f"{Nation(n).label}: {show(v)}" for n, v in values.items() if v != common
    )
    return f"{show(common)} ({exceptions})"


# --- rules show -------------------------------------------------------------------------------


def _names(ruleset: RuleSet, variant: Variant) -> Names:
    return Names(ruleset.lists, variant.parameters, ruleset.derived, ruleset.labels)


def _text_parameters(rule: Rule, nation: Nation, values: Mapping[str, Any]) -> dict[str, Any]:
    override = rule.overrides.get(nation)
    used: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        text = (getattr(override, name) if override else None) or getattr(rule, name)
        for placeholder in PLACEHOLDER.findall(text):
            if placeholder in values:
                used[placeholder] = plain(values[placeholder])
    return used


def _variant(ruleset: RuleSet, rule: Rule, nation: Nation) -> Variant:
    variant = ruleset.variant(rule.id, nation)
    if variant is None:
        raise UsageError(
            f"rule {rule.id} does not apply to {Nation(nation).label}: it applies to "
            f"{nations_words(rule.nations)}; leave out --nation, or name one of "
            + ", ".join(str(n) for n in rule.nations)
        )
    return variant


def effective(ruleset: RuleSet, rule: Rule, nation: Nation, as_of: dt.date) -> dict[str, Any]:
    """The rule as it stands for ``nation`` on ``as_of``: what ``rules show`` prints."""
    current = ruleset.in_force(as_of)
    variant = _variant(current, rule, nation)
    names = _names(current, variant)
    when = resolved(rule.when, names)
    override = rule.overrides.get(nation)
    overridden = [
        name
        for name in ("effect", "waivable", *TEXT_FIELDS)
        if override is not None and getattr(override, name) is not None
    ]
    if override is not None and override.parameters:
        overridden.append("parameters")
    parameters = {**names.used_parameters, **_text_parameters(rule, nation, variant.parameters)}
    out: dict[str, Any] = {
        "rule": rule.id,
        "nation": str(nation),
        "title": variant.title,
        "section": rule.section,
        "effect": str(variant.effect),
        "waivable": variant.waivable,
        "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "in_force": rule.applies(nation, as_of),
        "overridden": overridden,
        "when": when,
        "parameters": parameters,
        "lists": {name: list(values) for name, values in names.used_lists.items()},
        "derived": {name: current.derived[name].description for name in names.used_derived},
        "because": variant.because,
        "remedy": variant.remedy,
        "source": variant.source,
        "value_changes": value_changes(ruleset, rule, nation, as_of),
        "file": f"{shown_path(rule.file)}:{rule.line}",
    }
    return out


def _used(ruleset: RuleSet, rule: Rule, nation: Nation) -> dict[str, Any]:
    variant = ruleset.variant(rule.id, nation)
    if variant is None:
        return {}
    names = _names(ruleset, variant)
    resolved(rule.when, names)
    return {
        **{f"list {k}": list(v) for k, v in names.used_lists.items()},
        **{f"parameter {k}": v for k, v in names.used_parameters.items()},
        **{
            f"parameter {k}": v
            for k, v in _text_parameters(rule, nation, variant.parameters).items()
        },
    }


def value_changes(
    ruleset: RuleSet, rule: Rule, nation: Nation, as_of: dt.date
) -> list[dict[str, Any]]:
    """The later days on which a list or parameter the rule uses for ``nation`` changes.

    Each is ``{on, name, value}``: from that day on, ``name`` has ``value``.
    """
    before = _used(ruleset.in_force(as_of), rule, nation)
    out = []
    for day in ruleset.change_dates:
        if day <= as_of:
            continue
        after = _used(ruleset.in_force(day), rule, nation)
        for name, value in after.items():
            if before.get(name) != value:
                out.append({"on": day.isoformat(), "name": name, "value": value})
        before = after
    return out


# --- rules explain and docs: entries and examples ---------------------------------------------


@dataclass(frozen=True)
class Example:
    """A test case of the rule, decided by the engine when the rulebook was made."""

    expected: Verdict
    name: str
    file: str
    line: int
    changes: tuple[str, ...]
    reached: tuple[tuple[Nation, Verdict], ...]
    engine: str
    as_of: str | None = None
    """The day the case is decided on (its ``as_of``), when it gives one."""

    @property
    def agrees(self) -> bool:
        """Whether the engine reached the verdict the case expects, in every nation."""
        return all(verdict == self.expected for _, verdict in self.reached)


NATION_MARK = "\x00"
"""Stands in a reading's texts where the rule names the nation (``{nation}``), so that
nations whose texts differ only by their name read alike; :meth:`Reading.text` fills it."""
MISSING_WORDS = "[the missing values, which each decision names]"


@dataclass(frozen=True)
class Reading:
    """How a rule reads in one nation (texts with :data:`NATION_MARK` for its name)."""

    nation: Nation
    title: str
    effect: Effect
    waivable: bool
    condition: tuple[str, ...]
    because: str
    remedy: str
    source: str
    values: tuple[tuple[str, str], ...]
    """The lists and parameters the rule uses there: (``list x`` or ``parameter y``, value)."""
    changes: tuple[str, ...]
    """Later days on which one of those values changes, in words."""


@dataclass(frozen=True)
class Entry:
    """One rule for the rulebook: its readings per group of nations, and its examples."""

    rule: Rule
    readings: tuple[Reading, ...]
    triggered: Example | None
    clear: Example | None
    case_file: str | None


def _shown_value(value: Any, labels: Names) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _neutral(ruleset: RuleSet, rule: Rule, variant: Variant, name: str) -> str:
    override = rule.overrides.get(variant.nation)
    raw = (getattr(override, name) if override else None) or getattr(rule, name)
    text = fill(raw, NATION_MARK, variant.parameters, ruleset.labels)
    return text.replace("{missing}", MISSING_WORDS)


def _reading(ruleset: RuleSet, rule: Rule, nation: Nation, as_of: dt.date) -> Reading:
    current = ruleset.in_force(as_of)
    variant = _variant(current, rule, nation)
    names = _names(current, variant)
    condition = tuple(words(rule.when, names))
    used = _used(current, rule, nation)
    changes = tuple(
        f"from {c['on']}, {c['name']} is {_shown_value(c['value'], names)}"
        for c in value_changes(ruleset, rule, nation, as_of)
    )
    return Reading(
        nation=nation,
        title=_neutral(current, rule, variant, "title"),
        effect=variant.effect,
        waivable=variant.waivable,
        condition=condition,
        because=_neutral(current, rule, variant, "because"),
        remedy=_neutral(current, rule, variant, "remedy"),
        source=_neutral(current, rule, variant, "source"),
        values=tuple((k, _shown_value(v, names)) for k, v in used.items()),
        changes=changes,
    )


def readings(ruleset: RuleSet, rule: Rule, as_of: dt.date) -> tuple[Reading, ...]:
    """The rule's reading in each nation it applies to, in nation order."""
    return tuple(_reading(ruleset, rule, nation, as_of) for nation in rule.nations)


ASPECTS = ("title", "effect", "waivable", "condition", "because", "remedy", "source", "values")


def groups(
    entries: Sequence[Reading], aspects: Sequence[str] = ASPECTS
) -> list[tuple[tuple[Nation, ...], Reading]]:
    """The nations that read alike in ``aspects``, each group with its first reading."""
    out: list[tuple[tuple[Nation, ...], Reading]] = []
    for reading in entries:
        key = tuple(getattr(reading, a) for a in aspects)
        for index, (nations, first) in enumerate(out):
            if tuple(getattr(first, a) for a in aspects) == key:
                out[index] = ((*nations, reading.nation), first)
                break
        else:
            out.append(((reading.nation,), reading))
    return out


def filled(text: str, nations: Sequence[Nation]) -> str:
    """A reading's text for a group of nations: their names where the rule names one."""
    return text.replace(NATION_MARK, nations_words(nations, plain=True))


def _flow(value: Any) -> str:
    """A value from a case file as compact YAML flow text."""
    value = plain(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _changes(case: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping) and (value or not prefix):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        else:
            out.append(f"{prefix}: {_flow(value)}")

    walk("", case.get("set") or {})
    out += [f"{path}: left out (unknown)" for path in case.get("remove") or []]
    return tuple(out)


@dataclass(frozen=True)
class Casebook:
    """Where a rule set's cases are: the folder of case files and the base profile."""

    folder: Path
    base: Path

    def file_for(self, rule: Rule) -> Path | None:
        """The rule's case file (``IND-001.yaml``), if there is one."""
        path = self.folder / f"{rule.id}.yaml"
        return path if path.is_file() else None


def examples(
    ruleset: RuleSet, rule: Rule, casebook: Casebook, engine: Engine, engine_name: str
) -> tuple[Example | None, Example | None]:
    """The rule's first ``triggered`` and first ``clear`` case, each decided by ``engine``."""
    path = casebook.file_for(rule)
    if path is None:
        return None, None
    try:
        doc = read_document(path)
        base = read_document(casebook.base)
    except DocumentError as exc:
        raise ProfileError(exc.problems) from None
    results = run_case_file(path, base, ruleset, engine)
    found: dict[Verdict, Example] = {}
    for index, case in enumerate(doc.data.get("cases") or []):
        expected = Verdict(case["expect"])
        if expected is Verdict.UNKNOWN or expected in found:
            continue
        line = doc.line(("cases", index))
        reached = tuple((r.nation, r.actual) for r in results if r.line == line)
        found[expected] = Example(
            expected=expected,
            name=str(case.get("name")),
            file=shown_path(doc.file),
            line=line,
            changes=_changes(case),
            reached=reached,
            engine=engine_name,
            as_of=str(plain(case["as_of"])) if case.get("as_of") is not None else None,
        )
    return found.get(Verdict.TRIGGERED), found.get(Verdict.CLEAR)


def entry(
    ruleset: RuleSet,
    rule: Rule,
    as_of: dt.date,
    casebook: Casebook,
    engine: Engine,
    engine_name: str,
) -> Entry:
    """The rulebook's entry for ``rule``."""
    triggered, clear = examples(ruleset, rule, casebook, engine, engine_name)
    path = casebook.file_for(rule)
    return Entry(
        rule=rule,
        readings=readings(ruleset, rule, as_of),
        triggered=triggered,
        clear=clear,
        case_file=shown_path(str(path)) if path else None,
    )


__all__ = [
    "EFFECT_WORDS",
    "SECTIONS",
    "Casebook",
    "Entry",
    "Example",
    "Reading",
    "dates_words",
    "effective",
    "entry",
    "examples",
    "filled",
    "find_rule",
    "groups",
    "nations_words",
    "per_nation",
    "readings",
    "rows",
    "value_changes",
]
