"""``imsa-eligibility rules lint|test`` end to end, as policy staff use them."""

from __future__ import annotations

import shutil
from pathlib import Path

from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import ROOT, Run


def test_lint_reports_the_rule_set_and_its_hash(run_cli: Run) -> None:
    ruleset = load_ruleset(ROOT / "rules")
    result = run_cli("rules", "lint")
    assert result.returncode == 0
    assert result.stdout == (
        f"ok: {ruleset.id} {ruleset.version}: {len(ruleset.rules)} rules, "
        f"{len(ruleset.variants)} rule-and-nation variants, sha256 {ruleset.sha256}\n"
    )


def test_lint_locates_a_misspelt_fact(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    target = rules / "20-section-1-governance.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace("governance.safeguarding_policy", "governance.safeguardng_policy", 1),
        encoding="utf-8",
    )
    result = run_cli("rules", "lint", "--rules", str(rules))
    assert result.returncode == 2
    assert f"{target}:" in result.stderr
    assert "did you mean 'governance.safeguarding_policy'?" in result.stderr


def test_rule_cases_pass_and_a_wrong_expectation_fails(run_cli: Run, tmp_path: Path) -> None:
    passed = run_cli("rules", "test", "--engine", "native")
    assert passed.returncode == 0, passed.stdout
    assert passed.stdout.endswith(" passed, 0 failed\n")
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "GOV-003.yaml").write_text(
        "rule: GOV-003\ncases:\n  - name: wrong on purpose\n    expect: triggered\n",
        encoding="utf-8",
    )
    result = run_cli("rules", "test", "--engine", "native", "--cases", str(cases))
    assert result.returncode == 2
    assert f"FAIL {cases / 'GOV-003.yaml'}:3" in result.stdout
    assert "expected triggered, got clear" in result.stdout


def test_a_misspelt_case_key_is_refused(run_cli: Run, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "GOV-003.yaml").write_text(
        "rule: GOV-003\ncases:\n  - name: typo\n    sett: {}\n    expect: clear\n", encoding="utf-8"
    )
    result = run_cli("rules", "test", "--engine", "native", "--cases", str(cases))
    assert result.returncode == 2
    assert "unknown key 'sett'" in result.stderr and "did you mean 'set'?" in result.stderr
