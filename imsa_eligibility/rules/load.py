"""Load a rule set directory: parse, check against the schema, build, compile and lint.

A rule set is a directory holding one ``ruleset.yaml`` (``kind: ruleset``) and rule files
(``kind: rules``, every other ``*.yaml``, read in file-name order; rules keep their order
within a file, and that is the rule-set order of reports). Nothing in these files is run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from ..errors import Problem, RuleFileError
from ..source import Document, DocumentError, PathKey, as_written, read_document
from ..suggest import did_you_mean
from .ast import Node
from .compile import Context, compile_condition
from .model import Derived, NamedList, Override, Parameter, Rule, RuleSet, Variant
from .schema import NATIONS
from .validate import schema_problems

RULESET_FILE = "ruleset.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_TEXT_PLACEHOLDERS = {"missing", "nation"}


def default_rules_dir() -> Path:
    """The shipped reference rule set (``rules/`` beside the package, or inside it)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / RULESET_FILE).is_file():
            return candidate
    return here.parent / "rules"


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleFileError(
            [
                Problem(
                    str(directory),
                    1,
                    1,
                    "",
                    "the rules directory does not exist",
                    "give --rules a directory holding ruleset.yaml",
                )
            ]
        )
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not any(p.name == RULESET_FILE for p in files):
        raise RuleFileError(
            [
                Problem(
                    str(directory / RULESET_FILE),
                    1,
                    1,
                    "",
                    "the rule set has no ruleset.yaml",
                    "add one with kind: ruleset, id, version and title",
                )
            ]
        )
    return files


def load_ruleset(directory: Path | None = None) -> RuleSet:
    """Load, validate and compile the rule set in ``directory`` (default: the shipped one)."""
    directory = directory or default_rules_dir()
    docs: list[Document] = []
    problems: list[Problem] = []
    for path in _files(directory):
        try:
            doc = read_document(path, display=str(path))
        except DocumentError as exc:
            problems += exc.problems
            continue
        found = schema_problems(doc)
        problems += found
        if not found:
            docs.append(doc)
    if problems:
        raise RuleFileError(problems)
    head = next(d for d in docs if d.data["kind"] == "ruleset")
    bodies = [d for d in docs if d.data["kind"] == "rules"]
    extra = [d for d in docs if d.data["kind"] == "ruleset" and d is not head]
    problems += [
        d.problem(
            ("kind",),
            "a second 'kind: ruleset' file",
            f"keep the lists and parameters in {RULESET_FILE} only",
        )
        for d in extra
    ]
    ruleset = _build(directory, head, bodies, problems)
    if problems:
        raise RuleFileError(_dedupe(problems))
    return ruleset


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems))


def _sha256(directory: Path, docs: list[Document]) -> str:
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


def _build(
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
    variants: dict[str, Variant] = {}
    interned: dict[Node, Node] = {}
    raw_problems: list[tuple[Document, PathKey, str, str]] = []
    docs_by_file = {d.file: d for d in bodies}
    for rule in rules:
        doc = docs_by_file[rule.file]
        base = ("rules", next(i for i, r in enumerate(doc.data["rules"]) if r["id"] == rule.id))
        for nation in rule.nations:
            variant = _variant(
                labels,
                rule,
                nation,
                doc,
                base,
                lists,
                parameters,
                derived,
                derived_docs,
                raw_problems,
            )
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
        sha256=_sha256(directory, [head, *bodies]),
        directory=str(directory),
        lists=lists,
        parameters=parameters,
        derived=derived,
        labels=labels,
        rules=tuple(rules),
        variants=variants,
    )


def _rule(doc: Document, path: PathKey, raw: dict[str, Any], problems: list[Problem]) -> Rule:
    nations = tuple(raw.get("nations") or NATIONS)
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
            effect=spec.get("effect"),
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
                "effective_to is before effective_from",
                "swap or correct the dates",
            )
        )
    return Rule(
        id=raw["id"],
        title=raw["title"],
        section=int(raw["section"]),
        effect=raw["effect"],
        waivable=bool(raw["waivable"]),
        nations=tuple(n for n in NATIONS if n in nations),
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


def _fill(text: str, nation: str, values: dict[str, Any], labels: dict[str, str]) -> str:
    """Fill ``{nation}`` and parameter placeholders; ``{missing}`` waits for the verdict."""

    def shown(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "nation":
            return nation.replace("_", " ").title()
        if name not in values:
            return match.group(0)
        value = values[name]
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return f"{value:,}"
        return labels.get(str(value), str(value))

    return _PLACEHOLDER.sub(shown, text)


def _variant(
    labels: dict[str, str],
    rule: Rule,
    nation: str,
    doc: Document,
    base: PathKey,
    lists: dict[str, NamedList],
    parameters: dict[str, Parameter],
    derived: dict[str, Derived],
    derived_docs: dict[str, tuple[Document, PathKey]],
    problems: list[tuple[Document, PathKey, str, str]],
) -> Variant | None:
    override = rule.overrides.get(nation, Override())
    values = {name: p.by_nation[nation] for name, p in parameters.items() if nation in p.by_nation}
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
    ctx = Context(doc, nation, lists, values, derived, derived_docs, problems, tuple(parameters))
    node = compile_condition(rule.when, ctx, (*base, "when"))
    known = set(parameters)
    texts = {}
    for name in ("title", "because", "remedy", "source"):
        text = getattr(override, name) or getattr(rule, name)
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder in _TEXT_PLACEHOLDERS or placeholder in values:
                continue
            if placeholder in known:  # a parameter, but without a value for this nation
                where = (
                    (*base, "overrides", nation, name) if getattr(override, name) else (*base, name)
                )
                problems.append(
                    (
                        doc,
                        where,
                        f"the text names '{{{placeholder}}}', which has no value for {nation}",
                        f"add {nation} under its by_nation in ruleset.yaml",
                    )
                )
                continue
            where = (*base, "overrides", nation, name) if getattr(override, name) else (*base, name)
            problems.append(
                (
                    doc,
                    where,
                    f"the text names '{{{placeholder}}}', which is not a parameter",
                    did_you_mean(placeholder, [*known, *_TEXT_PLACEHOLDERS], noun="parameter"),
                )
            )
        texts[name] = _fill(text, nation, values, labels)
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
