"""Expanding command-line paths (files and folders) into the profile files to read."""

from __future__ import annotations

from pathlib import Path

from imsa_eligibility.errors import Problem

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


def expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Profile files named or found (recursively) in folders, sorted; and missing paths."""
    files: set[Path] = set()
    problems = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob("*") if p.is_file() and p.suffix in PROFILE_SUFFIXES]
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        1,
                        "",
                        "the folder holds no profile (.yaml, .yml or .json) files",
                        "check the path",
                    )
                )
            files.update(found)
        elif path.is_file():
            files.add(path)
        else:
            problems.append(
                Problem(str(path), 1, 1, "", "no such file or folder", "check the path")
            )
    return sorted(files, key=lambda p: p.as_posix()), problems
