"""Nothing from an input reaches the terminal as a control sequence."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from imsa_eligibility.errors import Problem
from imsa_eligibility.printable import is_printable, printable
from tests.conftest import EXAMPLES, ROOT, Run

AS_OF = ("--as-of", "2026-11-28", "--engine", "native")
HOSTILE = "Evil\x1b[2J\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\u202eX\x00red\x01y\x02\x9b"
# What may appear in text output: printable text, newlines and the report's own spaces.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("line\nforged", "line\\nforged"),
        ("tab\there", "tab\\there"),
        ("\x9b31m", "\\x9b31m"),
        ("abc\u202edef", "abc\\u202edef"),
        ("\u2067iso\u2069", "\\u2067iso\\u2069"),
        ("émigré ✓ 日本", "émigré ✓ 日本"),
    ],
)
def test_printable_escapes_controls_and_keeps_text(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert is_printable(printable(raw))


def test_an_error_line_cannot_be_forged_by_a_file_name() -> None:
    problem = Problem("a\nerror: b.yaml", 3, 1, "organisation.x\x1b[31m", "unknown key")
    assert "\n" not in problem.render()
    assert "\x1b" not in problem.render()
    assert problem.to_json()["file"] == "a\nerror: b.yaml"  # JSON keeps the data exactly


def _hostile_rules(folder: Path) -> Path:
    """The reference rules with IND-001's title and reasons holding control sequences."""
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "10-section-4-independence.yaml"
    text = path.read_text(encoding="utf-8")
    escaped = json.dumps(HOSTILE)  # a YAML double-quoted scalar reads JSON escapes
    text = re.sub(
        r"(?m)^    title: Law enforcement or prosecution body$",
        lambda _: f"    title: {escaped}",
        text,
        count=1,
    )
    assert escaped in text
    path.write_text(text, encoding="utf-8")
    return rules


def _hostile_name(folder: Path) -> Path:
    path = folder / "evil\x1b[31m\u202e.yaml"
    shutil.copy(EXAMPLES / "police-force.yaml", path)
    return path


def test_text_reports_show_hostile_rule_texts_and_file_names_escaped(
    run_cli: Run, tmp_path: Path
) -> None:
    rules, path = _hostile_rules(tmp_path), _hostile_name(tmp_path)
    result = run_cli("check", str(path), *AS_OF, "--rules", str(rules))
    assert result.returncode == 6, result.stderr
    assert not CONTROL.search(result.stdout)
    assert not CONTROL.search(result.stderr)
    assert "Evil\\x1b[2J" in result.stdout and "\\u202e" in result.stdout
    assert "\\x00red\\x01y\\x02" in result.stdout  # style marks shown, not obeyed
    assert "evil\\x1b[31m\\u202e.yaml" in result.stdout


def test_style_marks_in_data_cannot_restyle_a_terminal_report(tmp_path: Path) -> None:
    from cli.console import _mark, _styled
    from imsa_eligibility.decision import evaluate
    from imsa_eligibility.engine import engine_for
    from imsa_eligibility.profile import load_profile
    from imsa_eligibility.report.text import render_decision
    from imsa_eligibility.rules.load import load_ruleset

    ruleset = load_ruleset(_hostile_rules(tmp_path))
    decision = evaluate(
        load_profile(EXAMPLES / "police-force.yaml"),
        ruleset,
        as_of=dt.date(2026, 11, 28),
        engine=engine_for("native", ruleset),
    )
    styled = _styled(render_decision(decision, _mark))
    assert "\x00" not in styled.plain and "\x1b" not in styled.plain
    styles = {str(span.style) for span in styled.spans}
    assert styles <= {"bold", "bold red", "bold magenta", "bold yellow", "bold cyan", "blue"}


def test_json_reports_keep_the_data_exactly(run_cli: Run, tmp_path: Path) -> None:
    rules, path = _hostile_rules(tmp_path), _hostile_name(tmp_path)
    result = run_cli("check", str(path), *AS_OF, "--rules", str(rules), "-o", "json")
    decision = json.loads(result.stdout)["decisions"][0]
    finding = decision["nations"]["england"]["findings"][0]
    assert (finding["rule"], finding["title"]) == ("IND-001", HOSTILE)
    assert decision["file"] == str(path)


def test_error_messages_show_hostile_keys_and_values_escaped(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad\nerror: forged.yaml"
    shutil.copy(EXAMPLES / "police-force.yaml", bad)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write('"evil\\x1b]0;t\\x07key": 1\n')
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert not CONTROL.search(result.stdout + result.stderr)
    assert all(not line.startswith("error: forged") for line in result.stdout.splitlines())
