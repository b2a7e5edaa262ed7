"""The rulebook written out: ``rules list`` text, ``rules show`` YAML, ``rules explain``
text and ``rules docs`` Markdown and HTML.

Each writer is a function of the data :mod:`.rulebook` builds, so the same rule reads the
same in every format. ``rules explain`` is the rulebook's entry for one rule, as Markdown
a terminal shows well (like ``ruff rule``); ``rules docs`` is every entry, with a contents
list and the rule set's id, version and sha256. In the Markdown rulebook every text from a
rule file is escaped (:func:`imsa_eligibility.report.pack.md`); the HTML one is jinja2 with
autoescape, one self-contained page (inline CSS, no script, nothing fetched).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..report.pack import md
from ..rules.model import RuleSet
from ..vocabulary import Nation, Verdict
from .rulebook import (
    EFFECT_WORDS,
    SECTIONS,
    Entry,
    Example,
    dates_words,
    filled,
    groups,
    nations_words,
    per_nation,
    rows,
)

TEMPLATES = Path(__file__).with_name("templates")
Escape = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


# --- rules list -------------------------------------------------------------------------------


def list_text(ruleset: RuleSet) -> str:
    """The rules as a table: id, title, section, effect, waivable, nations, dates."""
    heads = ("ID", "TITLE", "SECTION", "EFFECT", "WAIVABLE", "NATIONS", "DATES")
    table = [heads]
    for row, rule in zip(rows(ruleset), ruleset.rules, strict=True):
        table.append(
            (
                row["id"],
                row["title"],
                str(row["section"]),
                per_nation(row["effect"]),
                per_nation(row["waivable"], _yes_no),
                "all" if len(rule.nations) == len(Nation) else " ".join(row["nations"]),
                dates_words(rule),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(heads) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=False)) + "  " + r[-1]
        for r in table
    ]
    footer = (
        f"{len(ruleset.rules)} rules in {ruleset.id} {ruleset.version} (sha256 "
        f"{ruleset.sha256[:12]}…). 'rules explain ID' says what one checks."
    )
    return "\n".join(line.rstrip() for line in lines) + "\n" + footer + "\n"


def list_json(ruleset: RuleSet) -> str:
    """The rules as ``{"schema": "imsa-eligibility/rules-list/v1", ...}``."""
    document = {
        "schema": "imsa-eligibility/rules-list/v1",
        "ruleset": _ruleset(ruleset),
        "rules": rows(ruleset),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _ruleset(ruleset: RuleSet) -> dict[str, str]:
    return {"id": ruleset.id, "version": ruleset.version, "sha256": ruleset.sha256}


# --- rules show -------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Decimals as plain numbers, long texts folded; keys in the order given."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 60 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _text)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def show_yaml(ruleset: RuleSet, blocks: Sequence[dict[str, Any]], as_of: dt.date) -> str:
    """One YAML document per nation, each opened by a comment saying what it is."""
    out = []
    for block in blocks:
        head = (
            f"# {block['rule']} for {Nation(block['nation']).label}, as in force on "
            f"{as_of.isoformat()} ({ruleset.id} {ruleset.version}, {block['file']})\n"
        )
        shown = {k: v for k, v in block.items() if v not in (None, [], {}) or k == "when"}
        body = yaml.dump(shown, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
        out.append("---\n" + head + body)
    return "".join(out)


def show_json(ruleset: RuleSet, blocks: Sequence[dict[str, Any]], as_of: dt.date) -> str:
    """``{"schema": "imsa-eligibility/rule/v1", "ruleset", "as_of", "variants": [...]}``."""
    document = {
        "schema": "imsa-eligibility/rule/v1",
        "ruleset": _ruleset(ruleset),
        "as_of": as_of.isoformat(),
        "variants": list(blocks),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"


# --- rules explain and docs: one entry as Markdown --------------------------------------------


def _group_name(nations: Sequence[Nation], every: Sequence[Nation]) -> str:
    return "every nation" if len(nations) == len(every) else nations_words(nations)


def _facts(entry: Entry) -> list[str]:
    rule = entry.rule
    by_effect = {str(r.nation): str(r.effect) for r in entry.readings}
    by_waivable = {str(r.nation): r.waivable for r in entry.readings}
    words = {str(e): w for e, w in EFFECT_WORDS.items()}
    return [
        f"Section {rule.section} ({SECTIONS.get(rule.section, 'other')}). Applies in "
        f"{nations_words(rule.nations)}, {dates_words(rule)}.",
        f"Effect when triggered: {per_nation(by_effect, lambda e: words[e])}. "
        f"Waivable by a panel: {per_nation(by_waivable, _yes_no)}.",
    ]


def texts(entry: Entry, aspect: str) -> list[tuple[str, str]]:
    """(the nations, or "" when all read alike; the text) for one text of the rule."""
    found = groups(entry.readings, (aspect,))
    if len(found) == 1:
        nations, reading = found[0]
        return [("", filled(getattr(reading, aspect), nations))]
    return [
        (_group_name(nations, entry.rule.nations), filled(getattr(reading, aspect), nations))
        for nations, reading in found
    ]


def _per_group(entry: Entry, aspect: str, esc: Escape) -> list[str]:
    """One paragraph when every nation reads the same, else one per group of nations."""
    out = []
    for group, text in texts(entry, aspect):
        out += [f"**In {group}:** {esc(text)}" if group else esc(text), ""]
    return out


def conditions(entry: Entry) -> list[tuple[str, tuple[str, ...]]]:
    """(the nations, or ""; the condition's lines) per group of nations alike in it."""
    found = groups(entry.readings, ("condition",))
    if len(found) == 1:
        return [("", found[0][1].condition)]
    return [(_group_name(n, entry.rule.nations), r.condition) for n, r in found]


def _condition(lines: Sequence[str], esc: Escape) -> list[str]:
    first, *rest = lines
    out = [f"The rule is triggered when {esc(first)}" + ("" if rest else ".")]
    out += [
        esc(line) if not line.lstrip().startswith("- ") else _bullet(line, esc) for line in rest
    ]
    return out


def _bullet(line: str, esc: Escape) -> str:
    indent = len(line) - len(line.lstrip())
    return " " * indent + "- " + esc(line.lstrip()[2:])


_ASPECT_WORDS = {
    "title": "title",
    "condition": "condition",
    "because": "reasons",
    "remedy": "remedy",
    "source": "source",
    "values": "values",
}


def differences(entry: Entry) -> list[str]:
    """Per group of nations that read alike in everything: how it reads there."""
    found = groups(entry.readings)
    if len(found) == 1:
        return []
    first = found[0][1]
    out = []
    for nations, reading in found:
        parts = [EFFECT_WORDS[reading.effect], "waivable" if reading.waivable else "not waivable"]
        own = [
            words
            for aspect, words in _ASPECT_WORDS.items()
            if reading is not first and getattr(reading, aspect) != getattr(first, aspect)
        ]
        if own:
            parts.append("its own " + ", ".join(own))
        out.append(f"{_group_name(nations, entry.rule.nations)}: " + "; ".join(parts))
    return out


def _reached(example: Example) -> str:
    by: dict[Verdict, list[Nation]] = {}
    for nation, verdict in example.reached:
        by.setdefault(verdict, []).append(nation)
    said = "; ".join(f"{v} in {nations_words(ns)}" for v, ns in by.items())
    if example.agrees:
        return f"The {example.engine} engine reached: {said}."
    return (
        f"The {example.engine} engine reached: {said}, not {example.expected} as the case "
        "expects: this case fails ('rules test' shows it)."
    )


def _example(example: Example | None, kind: str, entry: Entry, esc: Escape) -> list[str]:
    if example is None:
        where = entry.case_file or "its case file (there is none)"
        return [
            f"**{kind.capitalize()}:** the rule has no case that expects {kind}, in "
            f"{esc(where)}. Add one (see rules/tests/README.md).",
            "",
        ]
    lines = [
        f"**{kind.capitalize()}:** {esc(example.name)} ({esc(example.file)}:{example.line})",
        "",
    ]
    if example.as_of:
        lines += [f"Decided as of {esc(example.as_of)}, with the values in force that day.", ""]
    if example.changes:
        lines.append("The base profile, with:")
        lines.append("")
        lines += [f"- `{change}`" for change in example.changes]
    else:
        lines.append("The base profile, unchanged.")
    lines += ["", esc(_reached(example)), ""]
    return lines


def entry_markdown(entry: Entry, level: int = 1, esc: Escape = _same) -> list[str]:
    """One rule as Markdown lines; its title at heading ``level``."""
    rule = entry.rule
    top = "#" * level
    sub = "#" * (level + 1)
    titles = texts(entry, "title")
    title = titles[0][1] if len(titles) == 1 else rule.title
    lines = [f"{top} {esc(rule.id)}: {esc(title)}", ""]
    for fact in _facts(entry):
        lines += [esc(fact), ""]
    lines += [f"{sub} What it checks", ""]
    for group, condition in conditions(entry):
        if group:
            lines += [f"**In {group}:**", ""]
        lines += [*_condition(condition, esc), ""]
    lines += [f"{sub} Why it matters", ""]
    lines += _per_group(entry, "because", esc)
    lines += [f"{sub} How the nations differ", ""]
    found = differences(entry)
    if found:
        lines += [f"- {esc(line)}" for line in found]
    else:
        lines.append("It reads the same in every nation it applies to.")
    changes = list(dict.fromkeys(c for r in entry.readings for c in r.changes))
    if changes:
        lines += ["", "Dated values: " + esc("; ".join(changes)) + "."]
    lines += ["", f"{sub} Examples", ""]
    lines += _example(entry.triggered, "triggered", entry, esc)
    lines += _example(entry.clear, "clear", entry, esc)
    lines += [f"{sub} What the organisation can do", ""]
    lines += _per_group(entry, "remedy", esc)
    lines += [f"{sub} Source", ""]
    lines += _per_group(entry, "source", esc)
    return lines


def explain_text(entry: Entry) -> str:
    """``rules explain ID``: the rule's entry, as Markdown for a terminal."""
    return "\n".join(entry_markdown(entry)).rstrip("\n") + "\n"


# --- rules docs -------------------------------------------------------------------------------


def _anchor(rule_id: str) -> str:
    return rule_id.lower()


def docs_markdown(ruleset: RuleSet, entries: Sequence[Entry], as_of: dt.date, engine: str) -> str:
    """The whole rulebook as CommonMark."""
    lines = [f"# {md(ruleset.title)}", ""]
    lines += [
        f"Rule set `{ruleset.id}` version {md(ruleset.version)}, sha256 `{ruleset.sha256}`. "
        f"{len(entries)} rules, with the values in force on {as_of.isoformat()}; every "
        f"example was decided by the {engine} engine when this rulebook was made.",
        "",
    ]
    if ruleset.description:
        lines += [md(ruleset.description), ""]
    lines += ["## Contents", ""]
    for entry in entries:
        lines.append(f"- [{md(entry.rule.id)} {md(entry.rule.title)}](#{_anchor(entry.rule.id)})")
    lines.append("")
    for entry in entries:
        lines += [f'<a id="{_anchor(entry.rule.id)}"></a>', ""]
        lines += entry_markdown(entry, 2, md)
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry_view(entry: Entry) -> dict[str, Any]:
    """What the HTML rulebook shows of one entry (the template escapes every text)."""
    titles = texts(entry, "title")
    return {
        "id": entry.rule.id,
        "anchor": _anchor(entry.rule.id),
        "title": titles[0][1] if len(titles) == 1 else entry.rule.title,
        "facts": _facts(entry),
        "conditions": [(group, _tree(list(lines))) for group, lines in conditions(entry)],
        "because": texts(entry, "because"),
        "differences": differences(entry),
        "changes": list(dict.fromkeys(c for r in entry.readings for c in r.changes)),
        "examples": [
            _example_view(entry.triggered, "triggered", entry),
            _example_view(entry.clear, "clear", entry),
        ],
        "remedy": texts(entry, "remedy"),
        "source": texts(entry, "source"),
    }


def _tree(lines: list[str]) -> dict[str, Any]:
    """Indented ``- `` lines as a tree: {text, parts}."""
    first, *rest = lines
    root: dict[str, Any] = {"text": first, "parts": []}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for line in rest:
        indent = len(line) - len(line.lstrip())
        text = line.lstrip()
        if not text.startswith("- "):
            stack[-1][1]["text"] += " " + text
            continue
        node: dict[str, Any] = {"text": text[2:], "parts": []}
        while stack[-1][0] >= indent:
            stack.pop()
        stack[-1][1]["parts"].append(node)
        stack.append((indent, node))
    return root


def _example_view(example: Example | None, kind: str, entry: Entry) -> dict[str, Any]:
    if example is None:
        return {"kind": kind, "missing": entry.case_file or "", "name": ""}
    return {
        "kind": kind,
        "missing": None,
        "name": example.name,
        "where": f"{example.file}:{example.line}",
        "changes": list(example.changes),
        "reached": _reached(example),
        "as_of": example.as_of,
        "agrees": example.agrees,
    }


def docs_html(ruleset: RuleSet, entries: Sequence[Entry], as_of: dt.date, engine: str) -> str:
    """The whole rulebook as one self-contained HTML page."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("rulebook.html.j2").render(
        ruleset=ruleset,
        entries=[_entry_view(e) for e in entries],
        as_of=as_of.isoformat(),
        engine=engine,
    )


__all__ = [
    "docs_html",
    "docs_markdown",
    "entry_markdown",
    "explain_text",
    "list_json",
    "list_text",
    "show_json",
    "show_yaml",
]
