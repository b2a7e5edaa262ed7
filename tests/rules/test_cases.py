"""Every rule's YAML cases (triggered, clear, unknown), run on every engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from imsa_eligibility.engine import ENGINES, durable_ready, make_engine
from imsa_eligibility.policy.casebook import run_case_file
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.source import read_document
from tests.conftest import ROOT

CASES = sorted((ROOT / "rules" / "tests" / "cases").glob("*.yaml"))
RULESET = load_ruleset(ROOT / "rules")
BASE = read_document(ROOT / "rules" / "tests" / "base-profile.yaml")


def test_every_rule_has_a_case_file_with_each_verdict() -> None:
    names = {p.stem for p in CASES}
    assert names == {r.id for r in RULESET.rules}
    for path in CASES:
        results = run_case_file(path, BASE, RULESET, make_engine("native", []))
        expected = {r.expected for r in results}
        assert {"triggered", "clear"} <= expected, path.name


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_rule_cases(path: Path, engine: str) -> None:
    if engine == "durable" and not durable_ready():
        pytest.skip("durable_rules cannot run on this Python")
    results = run_case_file(path, BASE, RULESET, make_engine(engine, []))
    failed = [
        f"{r.file}:{r.line} {r.name} [{r.nation}]: expected {r.expected}, got {r.actual}"
        for r in results
        if not r.passed
    ]
    assert not failed, "\n".join(failed)
