"""``rules test --coverage``: rule x nation x verdict reached by the cases."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from imsa_eligibility.policy.coverage import Cell, Coverage, coverage, may_be_unknown, possible
from imsa_eligibility.rules.ast import Node
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Nation, Verdict
from tests.conftest import DATA, ROOT, Run

GAP = DATA / "rules" / "coverage-gap"
NATIVE = ("--engine", "native")


def test_a_rule_can_be_unknown_only_when_it_reads_a_fact_that_may_be_missing() -> None:
    ruleset = load_ruleset(ROOT / "rules")

    def node(rule_id: str) -> Node:
        variant = ruleset.variant(rule_id, "england")
        assert variant is not None
        return variant.node

    assert not may_be_unknown(node("IND-001"))  # organisation.functions is required
    assert not may_be_unknown(node("IND-002"))  # the control chain is always known
    assert may_be_unknown(node("GOV-003"))  # governance may be left out
    assert may_be_unknown(node("IND-008"))  # an income share may be left out
    assert may_be_unknown(node("TRN-001"))  # a comparison of two facts
    assert possible(ruleset, "IND-001", Nation.ENGLAND) == (Verdict.TRIGGERED, Verdict.CLEAR)


def test_the_small_rule_set_has_its_known_gaps(run_cli: Run) -> None:
    result = run_cli("rules", "test", "--coverage", "--rules", str(GAP), *NATIVE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "10 passed, 0 failed\n"
        "coverage: 10 of 14 rule x nation x verdict cells reached by a case (71.4%)\n"
        "not covered:\n"
        "  RULE     VERDICT  NATIONS WITHOUT A CASE\n"
        "  GAP-001  unknown  Wales, Scotland and Northern Ireland\n"
        "  GAP-002  clear    Scotland\n"
    )


def test_under_the_threshold_exits_2_and_at_it_exits_0(run_cli: Run) -> None:
    low = run_cli("rules", "test", "--rules", str(GAP), *NATIVE, "--fail-under", "72")
    assert low.returncode == 2
    assert low.stdout.endswith(
        "coverage 71.4% is under --fail-under 72: add cases for the cells above "
        "(see rules/tests/README.md)\n"
    )
    exact = run_cli("rules", "test", "--rules", str(GAP), *NATIVE, "--fail-under", "71.4")
    assert exact.returncode == 0, exact.stdout  # 10/14 is 71.43%: not under 71.4


def test_coverage_as_json(run_cli: Run) -> None:
    result = run_cli("rules", "test", "--rules", str(GAP), *NATIVE, "-o", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["schema"] == "imsa-eligibility/coverage/v1"
    assert (document["covered"], document["total"], document["percent"]) == (10, 14, 71.4)
    assert (document["passed"], document["failed"]) == (10, 0)
    cells = document["cells"]
    missing = [(c["rule"], c["nation"], c["verdict"]) for c in cells if not c["covered"]]
    assert missing == [
        ("GAP-001", "wales", "unknown"),
        ("GAP-001", "scotland", "unknown"),
        ("GAP-001", "northern_ireland", "unknown"),
        ("GAP-002", "scotland", "clear"),
    ]
    england = next(
        c
        for c in document["cells"]
        if (c["rule"], c["nation"], c["verdict"]) == ("GAP-001", "england", "unknown")
    )
    assert england["cases"] == ["tests/data/rules/coverage-gap/tests/cases/GAP-001.yaml:9"]


def test_a_failing_case_covers_what_it_reached_and_still_fails(
    run_cli: Run, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(GAP, rules)
    (rules / "tests" / "cases" / "GAP-002.yaml").write_text(
        "rule: GAP-002\ncases:\n  - name: wrong on purpose\n    expect: triggered\n",
        encoding="utf-8",
    )
    result = run_cli("rules", "test", "--coverage", "--rules", str(rules), *NATIVE)
    assert result.returncode == 2
    assert "FAIL " in result.stdout and "expected triggered, got clear" in result.stdout
    assert "  GAP-002  triggered  Scotland\n" in result.stdout


def test_the_reference_rules_are_fully_covered(run_cli: Run) -> None:
    result = run_cli("rules", "test", "--coverage", "--fail-under", "100", *NATIVE)
    assert result.returncode == 0, result.stdout
    assert "(100.0%)\n" in result.stdout
    assert "not covered" not in result.stdout


def test_the_percentage_rounds_down() -> None:
    cells = tuple(
        Cell("X-001", Nation.ENGLAND, Verdict.TRIGGERED, ("f:1",) if i < 2 else ())
        for i in range(3)
    )
    found = Coverage(cells)
    assert found.percent == Decimal("66.6")
    assert not found.below(Decimal("66.6")) and found.below(Decimal("66.7"))
    assert Coverage(()).percent == Decimal("100.0")


def test_coverage_of_no_results_is_nothing_covered() -> None:
    ruleset = load_ruleset(GAP)
    found = coverage(ruleset, [])
    assert (found.covered, found.total) == (0, 14)
