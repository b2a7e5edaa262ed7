"""Benchmark inputs: any number of valid profiles, made fast from a few hundred generated ones.

:func:`bench.generate.profile_texts` makes realistic profiles but takes about 4 ms each
(pydantic validation and a YAML dump), which is minutes for 100,000. So a :class:`Base` of a
few hundred is generated once, checked (each one loads as a valid profile, as YAML and as
JSON), and record ``i`` of any corpus is base profile ``i % len(base)`` with its own
organisation id and name (``applicant-i``, ``Applicant i``): a plain byte replacement, which
keeps every record valid and every id distinct.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.generate import profile_texts
from imsa_eligibility.profile.load import load_profile_text


@dataclass(frozen=True)
class Base:
    """Generated profiles, each as YAML text and as one line of JSON (no newline)."""

    yaml: tuple[bytes, ...]
    json: tuple[bytes, ...]

    def __len__(self) -> int:
        return len(self.yaml)


def _yaml_mark(index: int) -> bytes:
    return f"  id: applicant-{index}\n  name: Applicant {index}\n".encode()


def _json_mark(index: int) -> bytes:
    return f'"id": "applicant-{index}", "name": "Applicant {index}"'.encode()


def make_base(count: int) -> Base:
    """``count`` generated profiles, each checked to load (YAML and JSON) without error."""
    texts = profile_texts(count)
    lines = []
    for index, text in enumerate(texts):
        document = yaml.load(text, Loader=yaml.CSafeLoader)
        line = json.dumps(document, ensure_ascii=False).encode()
        if text.count(_yaml_mark(index)) != 1 or line.count(_json_mark(index)) != 1:
            raise ValueError(f"base profile {index}: its id and name are not where expected")
        load_profile_text(f"base-{index}.yaml", text)  # raises ProfileError when invalid
        load_profile_text(f"base-{index}.json", line, syntax="json")
        lines.append(line)
    return Base(tuple(texts), tuple(lines))


def yaml_record(base: Base, index: int) -> bytes:
    """Record ``index`` as a YAML file's bytes."""
    origin = index % len(base)
    text = base.yaml[origin].replace(_yaml_mark(origin), _yaml_mark(index), 1)
    return text.replace(f"profile {origin}\n".encode(), f"profile {index}\n".encode(), 1)


def json_record(base: Base, index: int) -> bytes:
    """Record ``index`` as one JSON line (no newline)."""
    origin = index % len(base)
    return base.json[origin].replace(_json_mark(origin), _json_mark(index), 1)


def write_folder(base: Base, folder: Path, count: int) -> list[Path]:
    """``count`` YAML profile files in ``folder`` (made if need be), in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"profile-{index:06d}.yaml"
        path.write_bytes(yaml_record(base, index))
        paths.append(path)
    return paths


def json_lines(base: Base, count: int) -> Iterator[bytes]:
    """``count`` records, each a JSON line with its newline."""
    for index in range(count):
        yield json_record(base, index) + b"\n"


def write_jsonl(base: Base, path: Path, count: int) -> Path:
    """A JSON Lines file of ``count`` records."""
    with path.open("wb") as handle:
        handle.writelines(json_lines(base, count))
    return path
