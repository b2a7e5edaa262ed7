"""Expanding command-line paths (files and folders) into the profile files to read.

Two guards keep a run from reading what it writes: the report file named by ``--output``
is never read as an input (named as an input, it is refused, and nothing is written; found
in a folder, it is skipped), and a JSON report of ours found in a folder is skipped, never
read as a profile. So is a panel's waivers file found in a folder (``check --waivers``),
and a panel's members file (``panel conflicts --panel``).
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from imsa_eligibility.errors import ImsaError, Problem
from imsa_eligibility.profile.load import LoadedProfile, load_profile, load_profile_text
from imsa_eligibility.source import MAX_BYTES, Syntax, syntax_for

PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
STDIN = "-"  # the path that names standard input
STDIN_NAME = "<stdin>"
REPORT_MARK = b'"schema": "imsa-eligibility/'
WAIVERS_HEAD = 16_384  # the bytes read to tell a waivers file from a profile
_YAML_WAIVERS = (re.compile(rb"^panel[ \t]*:", re.M), re.compile(rb"^waivers[ \t]*:", re.M))
_JSON_WAIVERS = (re.compile(rb'"panel"\s*:'), re.compile(rb'"waivers"\s*:'))
_YAML_MEMBERS = (re.compile(rb"^panel[ \t]*:", re.M), re.compile(rb"^members[ \t]*:", re.M))
_JSON_MEMBERS = (re.compile(rb'"panel"\s*:'), re.compile(rb'"members"\s*:'))


@dataclass
class Inputs:
    """The profile files to read, the located problems with the paths, and what was skipped."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    clash: bool = False  # an input is also the --output: the command must write nothing


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def is_report(path: Path) -> bool:
    """Whether ``path`` is a JSON report this tool wrote (its first bytes name our schema)."""
    if path.suffix != ".json":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return REPORT_MARK in head.replace(b'"schema":"', b'"schema": "')


def _starts_with(
    path: Path, yaml_marks: tuple[re.Pattern[bytes], ...], json_marks: tuple[re.Pattern[bytes], ...]
) -> bool:
    """Whether the head of ``path`` (a YAML or JSON file) holds every mark of its syntax."""
    if path.suffix not in (".yaml", ".yml", ".json"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(WAIVERS_HEAD)
    except OSError:
        return False
    marks = json_marks if path.suffix == ".json" else yaml_marks
    return all(mark.search(head) for mark in marks)


def is_waivers(path: Path) -> bool:
    """Whether ``path`` looks like a panel's waivers file: ``panel`` and ``waivers`` at its
    top level, which no profile has (both would be unknown fields)."""
    return _starts_with(path, _YAML_WAIVERS, _JSON_WAIVERS)


def is_panel(path: Path) -> bool:
    """Whether ``path`` looks like a panel's members file (``panel conflicts --panel``):
    ``panel`` and ``members`` at its top level, which no profile has."""
    return _starts_with(path, _YAML_MEMBERS, _JSON_MEMBERS)


def expand(paths: list[Path], output: Path | None = None) -> Inputs:
    """Profile files named or found (recursively) in folders, sorted; and missing paths."""
    found: set[Path] = set()
    inputs = Inputs()
    for path in paths:
        if str(path) == STDIN:
            found.add(path)
        elif path.is_dir():
            listed = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in PROFILE_SUFFIXES
            )
            if not listed:
                inputs.problems.append(
                    Problem(
                        str(path),
                        1,
                        1,
                        "",
                        "the folder holds no profile (.yaml, .yml, .json or .jsonl) files",
                        "name a folder that holds profiles, or the profile files themselves",
                    )
                )
            for item in listed:
                if output is not None and _same(item, output):
                    inputs.skipped.append(f"{item}: the report being written (--output)")
                elif is_report(item):
                    inputs.skipped.append(f"{item}: a report of this tool, not a profile")
                elif is_waivers(item):
                    inputs.skipped.append(f"{item}: a panel's waivers file, not a profile")
                elif is_panel(item):
                    inputs.skipped.append(f"{item}: a panel's members file, not a profile")
                else:
                    found.add(item)
        elif path.exists():  # a file, or a pipe such as <(...) or /dev/stdin
            if output is not None and _same(path, output):
                inputs.clash = True
                inputs.problems.append(
                    Problem(
                        str(path),
                        1,
                        1,
                        "",
                        "this file is both an input and the --output; writing the report "
                        "would destroy it, so nothing was decided or written",
                        "give --output a new file name",
                    )
                )
            else:
                found.add(path)
        else:
            inputs.problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    "",
                    "no such file or folder",
                    "check the spelling, or run from the folder that holds it",
                )
            )
    inputs.files = sorted(found, key=lambda p: p.as_posix())
    return inputs


def load_record(path: Path, line: int, data: bytes) -> LoadedProfile:
    """Load line ``line`` of the JSON Lines file ``path`` (one profile, as JSON).

    The profile is named ``PATH:LINE`` in its decision; a problem in it is located at its
    line of the file (``PATH``, ``LINE``, and the column on that line).
    """
    try:
        return load_profile_text(f"{path}:{line}", data, syntax="json")
    except ImsaError as exc:
        raise type(exc)(
            [
                dataclasses.replace(problem, file=str(path), line=line + problem.line - 1)
                for problem in exc.problems
            ]
        ) from None


def load(path: Path) -> LoadedProfile:
    """Load the profile at ``path``; ``-`` reads one profile from standard input."""
    if str(path) == STDIN:
        return load_profile_text(STDIN_NAME, sys.stdin.buffer.read())
    return load_profile(path)


def syntax_of(path: Path) -> Syntax:
    """The syntax :func:`load` reads ``path`` in (standard input: YAML, which reads JSON too)."""
    return "yaml" if str(path) == STDIN else syntax_for(path.name)


def load_kept(path: Path) -> tuple[LoadedProfile, bytes]:
    """:func:`load`, and the bytes the profile was read from (for the register).

    The same profile as :func:`load` gives, from the same bytes: read as
    :func:`~imsa_eligibility.source.read_document` reads them, then parsed as text.
    """
    if str(path) == STDIN:
        raw = sys.stdin.buffer.read()
        return load_profile_text(STDIN_NAME, raw), raw
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return load_profile(path), b""  # raises, saying why the file cannot be read
    return load_profile_text(str(path), raw, syntax=syntax_of(path)), raw
