"""A damaged rule file ends in located problems, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.errors import RuleFileError
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import ROOT
from tests.profile.test_fuzz import YAMLISH

FILES = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(FILES), st.data())
def test_a_rule_file_with_one_line_damaged(name: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        target = rules / name
        lines = target.read_text(encoding="utf-8").splitlines()
        index = data.draw(st.integers(0, len(lines) - 1))
        lines[index] = data.draw(st.one_of(YAMLISH, st.just(lines[index].replace(":", ""))))
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            load_ruleset(rules)
        except RuleFileError as exc:
            assert exc.problems
            assert all(p.line >= 1 and p.message for p in exc.problems)
