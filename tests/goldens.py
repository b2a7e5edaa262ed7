"""Golden files: compare an output with its file byte for byte, or rewrite it (--update-goldens)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assert_golden(path: Path, actual: str, update: bool) -> None:
    """``actual`` is the golden file at ``path``, byte for byte (line endings included);
    with ``update`` (pytest --update-goldens), the file is rewritten first."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    assert path.exists(), f"missing golden file {name}: run pytest --update-goldens"
    assert actual == path.read_bytes().decode("utf-8"), (
        f"{name} differs; if the change is intended, run pytest --update-goldens and review "
        "the diff"
    )
