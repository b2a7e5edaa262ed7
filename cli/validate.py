"""Running ``validate``: check profiles against the contract; report every problem."""

from __future__ import annotations

import json
from pathlib import Path

from imsa_eligibility.errors import Problem, ProfileError
from imsa_eligibility.printable import printable
from imsa_eligibility.profile.notes import template_notes

from . import console
from .exitcodes import INVALID, OK
from .inputs import expand, load


def run_validate(paths: list[Path], *, fmt: str, output: Path | None) -> int:
    """Validate every profile under ``paths``; 0 when all are valid, else 2."""
    inputs = console.announce(expand(paths, output))
    if inputs.clash:
        return INVALID
    files, errors = inputs.files, inputs.problems
    results: list[tuple[str, bool]] = [(p.file, False) for p in errors]
    for path in files:
        try:
            loaded = load(path)
            results.append((str(path), True))
            for note in template_notes(loaded):
                console.notice(f"note: {path}: {note}")
        except ProfileError as exc:
            errors += exc.problems
            results.append((str(path), False))
    errors = sorted(errors, key=lambda p: (p.file, p.line, p.column))
    console.write(_render(fmt, results, errors), output)
    valid = sum(1 for _, ok in results if ok)
    console.notice(f"{valid} of {len(results)} files valid")
    return OK if valid == len(results) else INVALID


def _render(fmt: str, results: list[tuple[str, bool]], errors: list[Problem]) -> str:
    if fmt == "text":
        lines = [f"ok: {printable(name)}" for name, ok in results if ok]
        lines += [f"error: {p.render()}" for p in errors]
        return "".join(line + "\n" for line in lines)
    files = [{"file": name, "valid": ok} for name, ok in results]
    if fmt == "jsonl":
        rows = [json.dumps(f, ensure_ascii=False) for f in files]
        rows += [json.dumps({"error": p.to_json()}, ensure_ascii=False) for p in errors]
        return "".join(r + "\n" for r in rows)
    body = {
        "schema": "imsa-eligibility/validate/v1",
        "files": files,
        "errors": [p.to_json() for p in errors],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
