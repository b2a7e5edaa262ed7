"""A damaged rule file ends in located problems, never a crash.

One copy of the shipped rules serves every example: each damages one line of one file,
loads the whole set, and puts the line back. Loading is what costs (about 45 ms), so 50
examples: CI replays the same ones, local runs draw new lines each time.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsa_eligibility.errors import RuleFileError
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import ROOT
from tests.profile.test_fuzz import YAMLISH

FILES = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    copy = tmp_path_factory.mktemp("fuzz") / "rules"
    shutil.copytree(ROOT / "rules", copy)
    yield copy


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FILES), data=st.data())
def test_a_rule_file_with_one_line_damaged(rules: Path, name: str, data: st.DataObject) -> None:
    target = rules / name
    original = (ROOT / "rules" / name).read_text(encoding="utf-8")
    lines = original.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = data.draw(st.one_of(YAMLISH, st.just(lines[index].replace(":", ""))))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load_ruleset(rules)
    except RuleFileError as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.message for p in exc.problems)
    finally:
        target.write_text(original, encoding="utf-8")
