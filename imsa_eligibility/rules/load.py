"""Load a rule set directory: parse, check against the schema, build, compile and lint.

A rule set is a directory holding one ``ruleset.yaml`` (``kind: ruleset``) and rule files
(``kind: rules``, every other ``*.yaml``, read in file-name order; rules keep their order
within a file, and that is the rule-set order of reports). Nothing in these files is run.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DocumentError, Problem, RuleFileError
from ..resources import rules_dir
from ..source import Document, read_document
from .build import build_ruleset
from .model import RuleSet
from .validate import schema_problems

RULESET_FILE = "ruleset.yaml"


def default_rules_dir() -> Path:
    """The shipped reference rule set (see :mod:`imsa_eligibility.resources`)."""
    return rules_dir()


def _files(directory: Path) -> list[Path]:
    if directory.is_file():
        folder = directory.parent if directory.name == RULESET_FILE else None
        hint = (
            f"give --rules the folder that holds it: --rules {folder}"
            if folder is not None
            else "give --rules the folder that holds ruleset.yaml and the rule files"
        )
        raise RuleFileError(
            [
                Problem(
                    str(directory),
                    1,
                    1,
                    "",
                    "this is a file; a rule set is a folder of rule files",
                    hint,
                )
            ]
        )
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
    ruleset = build_ruleset(directory, head, bodies, problems)
    if problems:
        raise RuleFileError(_dedupe(problems))
    return ruleset


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems))
