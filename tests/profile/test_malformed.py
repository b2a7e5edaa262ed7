"""One malformed file per failure mode: each is refused with a located, actionable message.

Each file's header comments say what the refusal must hold: ``# expect-line: N`` (a problem
on line N; ``# expect-column: C`` too: at column C of it), ``# expect: words`` (words in the
messages) and ``# expect-count: N`` (exactly N problems: one mistake gives one message).
JSON has no comments, so a ``.json`` file's header is its sidecar ``NAME.json.expect``; so is
the header of a file whose bytes are not UTF-8 text (``utf16-with-bom.yaml.expect``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imsa_eligibility.errors import ProfileError
from imsa_eligibility.profile import load_profile

DATA = Path(__file__).resolve().parent.parent / "data" / "profiles"
SUFFIXES = (".yaml", ".yml", ".json")
MALFORMED = sorted(p for p in (DATA / "malformed").iterdir() if p.suffix in SUFFIXES)
# A hint says what to write, not "correct X", "check the ..." or "see the schema".
VAGUE = re.compile(r"^(correct|check|fix|see)\b", re.I)


def _number(text: str, name: str) -> int | None:
    found = re.search(rf"^# {name}: (\d+)", text, re.M)
    return int(found.group(1)) if found else None


def _expectations(path: Path) -> Path:
    sidecar = path.with_name(path.name + ".expect")
    return sidecar if path.suffix == ".json" or sidecar.exists() else path


def _header(path: Path) -> tuple[int, int | None, list[str], int | None]:
    text = _expectations(path).read_bytes().decode("utf-8", errors="replace")
    expects = re.findall(r"^# expect: (.+?)\s*$", text, re.M)
    line = _number(text, "expect-line") or 1
    return line, _number(text, "expect-column"), expects, _number(text, "expect-count")


def test_there_is_a_file_per_failure_mode() -> None:
    assert len(MALFORMED) >= 30


def test_every_file_says_what_it_tests() -> None:
    for path in MALFORMED:
        assert _expectations(path).exists(), f"{path.name} needs {path.name}.expect"
        assert re.search(r"^# failure: ", _expectations(path).read_text("utf-8", "replace"), re.M)
    sidecars = sorted((DATA / "malformed").glob("*.expect"))
    assert all(s.with_suffix("") in MALFORMED for s in sidecars), "a sidecar without its file"


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_malformed_profile_is_refused_with_a_located_message(path: Path) -> None:
    line, column, expects, count = _header(path)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    problems = caught.value.problems
    assert problems, "a refusal must say why"
    rendered = "\n".join(p.render() for p in problems)
    assert all(p.file == str(path) for p in problems)
    assert any(p.line == line for p in problems), rendered
    if column is not None:
        assert any((p.line, p.column) == (line, column) for p in problems), rendered
    for words in expects:
        assert words.lower() in rendered.lower(), rendered
    assert "Traceback" not in rendered
    if count is not None:
        assert len(problems) == count, rendered
    for problem in problems:
        assert problem.hint and not VAGUE.search(problem.hint), problem.render()
    # Two messages at one place are one mistake told twice.
    assert len({(p.line, p.column, p.path) for p in problems}) == len(problems), rendered
