"""One malformed file per failure mode: each is refused with a located, actionable message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imsa_eligibility.errors import ProfileError
from imsa_eligibility.profile import load_profile

DATA = Path(__file__).resolve().parent.parent / "data" / "profiles"
MALFORMED = sorted((DATA / "malformed").iterdir())


def _header(path: Path) -> tuple[int, list[str]]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    line = re.search(r"^# expect-line: (\d+)", text, re.M)
    expects = re.findall(r"^# expect: (.+?)\s*$", text, re.M)
    return (int(line.group(1)) if line else 1), expects


def test_there_is_a_file_per_failure_mode() -> None:
    assert len(MALFORMED) >= 30


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_malformed_profile_is_refused_with_a_located_message(path: Path) -> None:
    line, expects = _header(path)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    problems = caught.value.problems
    assert problems, "a refusal must say why"
    rendered = "\n".join(p.render() for p in problems)
    assert all(p.file == str(path) for p in problems)
    assert any(p.line == line for p in problems), rendered
    for words in expects:
        assert words.lower() in rendered.lower(), rendered
    assert "Traceback" not in rendered
