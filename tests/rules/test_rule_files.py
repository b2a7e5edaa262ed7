"""Bad rule files get located, actionable errors; the reference set loads and is published."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from imsa_eligibility.errors import RuleFileError
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import DATA, ROOT

MALFORMED = sorted((DATA / "rules" / "malformed").glob("*.yaml"))
# A hint says what to write, not "correct X", "check the ..." or "see the schema".
VAGUE = re.compile(r"^(correct|check|fix|see)\b", re.I)


def _header(path: Path) -> tuple[int, list[str], int | None]:
    """``# expect-line: N`` (a problem on line N), ``# expect: words`` (in the messages) and
    ``# expect-count: N`` (exactly N problems: one mistake gives one message)."""
    text = path.read_text(encoding="utf-8")
    line = re.search(r"^# expect-line: (\d+)", text, re.M)
    assert line, path.name
    count = re.search(r"^# expect-count: (\d+)", text, re.M)
    return (
        int(line.group(1)),
        re.findall(r"^# expect: (.+?)\s*$", text, re.M),
        int(count.group(1)) if count else None,
    )


def test_reference_rule_set_loads_every_rule_for_its_nations() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    assert ruleset.id == "imsa-reference"
    assert len(ruleset.sha256) == 64
    assert len(ruleset.rules) >= 30
    for rule in ruleset.rules:
        for nation in rule.nations:
            assert ruleset.variant(rule.id, nation) is not None


def test_every_rule_cites_a_source_and_speaks_plainly() -> None:
    for rule in load_ruleset(ROOT / "rules").rules:
        assert rule.source.strip() and rule.because.strip() and rule.remedy.strip()
        assert not re.search(r"\b[A-Z]{3}-\d{3}\b", rule.because + rule.remedy), rule.id


def test_rule_files_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/rules.schema.json", path


def test_rule_set_hash_changes_with_any_edit(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    before = load_ruleset(copy).sha256
    target = copy / "ruleset.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert load_ruleset(copy).sha256 != before


def test_a_directory_without_ruleset_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(tmp_path)
    assert "ruleset.yaml" in caught.value.problems[0].message


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_rule_file_is_refused_with_a_located_message(path: Path, tmp_path: Path) -> None:
    line, expects, count = _header(path)
    shutil.copy(ROOT / "rules" / "ruleset.yaml", tmp_path / "ruleset.yaml")
    target = tmp_path / "60-test.yaml"
    shutil.copy(path, target)
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(tmp_path)
    problems = caught.value.problems
    rendered = "\n".join(p.render() for p in problems)
    assert all(p.file == str(target) for p in problems), rendered
    assert any(p.line == line for p in problems), rendered
    for words in expects:
        assert words in rendered, rendered
    if count is not None:
        assert len(problems) == count, rendered
    for problem in problems:
        assert problem.hint and not VAGUE.search(problem.hint), problem.render()
    # Two messages at one place are one mistake told twice.
    assert len({(p.line, p.column, p.path) for p in problems}) == len(problems), rendered
