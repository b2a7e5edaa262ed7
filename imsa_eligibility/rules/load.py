"""Load a rule set directory: parse, check against the schema, build, compile and lint.

A rule set is a directory holding one ``ruleset.yaml`` (``kind: ruleset``) and rule files
(``kind: rules``, every other ``*.yaml``, read in file-name order; rules keep their order
within a file, and that is the rule-set order of reports). Nothing in these files is run.

A rule set that loads without a problem is cached (:mod:`imsa_eligibility.cache`), keyed by
the names and bytes of its files: the next load of the same files reads the compiled rule
set back instead of checking and compiling them again. A rule set with a problem is never
cached, so its problems are found, and reported, on every load.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cache import cached
from ..errors import DocumentError, Problem, RuleFileError
from ..resources import rules_dir
from ..source import MAX_BYTES, Document, parse_text, read_document, syntax_for
from .model import RuleSet

RULESET_FILE = "ruleset.yaml"
CACHE_KIND = "ruleset"


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
    texts = [(path, _read(path)) for path in _files(directory)]
    files = [(path, raw) for path, raw in texts if raw is not None]
    if len(files) < len(texts):  # a file that cannot be read: its problem, never cached
        return _compile(directory, texts)
    return cached(CACHE_KIND, cache_key(directory, files), lambda: _compile(directory, texts))


def cache_key(directory: Path, files: list[tuple[Path, bytes]]) -> str:
    """What a loaded rule set derives from: its folder's name, and its files' names and bytes.

    The names are part of it because the rule set holds them: rules are located at
    ``FILE:LINE``, the file named as the folder was.
    """
    digest = hashlib.sha256(f"rules {directory}\n".encode())
    for path, raw in files:
        digest.update(f"{path}\0{len(raw)}\0{hashlib.sha256(raw).hexdigest()}\n".encode())
    return digest.hexdigest()


def _read(path: Path) -> bytes | None:
    """The bytes of ``path`` as :func:`~imsa_eligibility.source.read_document` reads them."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError:
        return None


def _compile(directory: Path, texts: list[tuple[Path, bytes | None]]) -> RuleSet:
    """Parse, check, build and compile the rule set from its files' bytes."""
    from .build import build_ruleset
    from .validate import schema_problems

    docs: list[Document] = []
    problems: list[Problem] = []
    for path, raw in texts:
        try:
            if raw is None:  # read again, for the problem that says why it cannot be read
                doc = read_document(path, display=str(path))
            else:
                doc = parse_text(str(path), raw, syntax=syntax_for(path.name))
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
