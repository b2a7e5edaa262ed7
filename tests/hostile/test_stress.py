"""Long chains, wide profiles, many rules and long texts: reports stay bounded and grow
about linearly with the input.

Each case decides the same shape at two sizes and compares what can be counted exactly:
the report's bytes, the evidence items, and the memory allocated (tracemalloc's peak). Time
is left to the benchmark (``bench/stress.py``), which runs the big sizes; these sizes keep
the suite quick.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from imsa_eligibility.decision import Decision, evaluate
from imsa_eligibility.engine import durable_ready, engine_for
from imsa_eligibility.engine.native import SHOWN
from imsa_eligibility.profile import load_profile_text
from imsa_eligibility.report import render_json
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from tests.conftest import EXAMPLES, ROOT

AS_OF = dt.date(2026, 11, 28)
ENGINES = [
    "native",
    pytest.param(
        "durable", marks=pytest.mark.skipif(not durable_ready(), reason="no durable_rules")
    ),
]
BASE: dict[str, Any] = yaml.safe_load(
    (EXAMPLES / "survivor-charity-eligible.yaml").read_text(encoding="utf-8")
)
RULES = load_ruleset(ROOT / "rules")


def chain(n: int) -> dict[str, Any]:
    """The applicant controlled through a chain of ``n`` holding companies."""
    related = [
        {
            "id": f"org-{i:05d}",
            "name": f"Holding {i}",
            "functions": ["other"],
            "relations": ["parent"] if i == 0 else ["partner"],
            "controlled_by": [f"org-{i + 1:05d}"] if i + 1 < n else [],
        }
        for i in range(n)
    ]
    return {**BASE, "related_organisations": related}


def wide(n: int) -> dict[str, Any]:
    """``n`` small funders, none of them law enforcement."""
    related = [
        {
            "id": f"funder-{i:05d}",
            "name": f"Trust {i}",
            "functions": ["other"],
            "relations": ["funder"],
            "income_share": 0.0001,
            "funding_conditions": [],
        }
        for i in range(n)
    ]
    return {**BASE, "related_organisations": related}


def police_chain(n: int) -> dict[str, Any]:
    """A chain of ``n`` organisations, every one of them a police force (all match)."""
    data = chain(n)
    for item in data["related_organisations"]:
        item["functions"] = ["policing"]
    return data


def _decide(data: dict[str, Any], engine: str, ruleset: RuleSet = RULES) -> Decision:
    text = json.dumps(data, default=str).encode()
    loaded = load_profile_text("stress.json", text)
    return evaluate(loaded, ruleset, as_of=AS_OF, engine=engine_for(engine, ruleset))


def _measure(make: Callable[[], Decision]) -> tuple[int, int, int]:
    """Report bytes, evidence items and peak allocated bytes of one decision."""
    tracemalloc.start()
    try:
        decision = make()
        report = render_json([decision], [])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    items = sum(len(f.evidence) for n in decision.nations for f in n.findings)
    return len(report), items, peak


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape", [chain, wide, police_chain], ids=lambda f: f.__name__)
def test_reports_are_bounded_and_memory_grows_linearly(
    shape: Callable[[int], dict[str, Any]], engine: str
) -> None:
    small = _measure(lambda: _decide(shape(150), engine))
    large = _measure(lambda: _decide(shape(300), engine))
    report_small, items_small, peak_small = small
    report_large, items_large, peak_large = large
    # Evidence is bounded: twice the organisations, (almost) the same report.
    assert items_large <= items_small + 4, (items_small, items_large)
    assert report_large < report_small * 1.2, (report_small, report_large)
    # Memory grows about linearly (twice the input, at most about twice the memory).
    assert peak_large < peak_small * 2.6, (peak_small, peak_large)


def test_a_triggered_chain_rule_lists_at_most_the_first_matches_and_counts_the_rest() -> None:
    decision = _decide(police_chain(60), "native")
    finding = next(f for f in decision.nations[0].findings if f.rule == "IND-002")
    assert finding.verdict == "triggered"
    summary = finding.evidence[0]
    assert (summary.path, summary.value, summary.checked) == ("control_chain", 60, True)
    assert summary.omitted == 60 - SHOWN
    chains = [e for e in finding.evidence if e.chain]
    assert len(chains) == SHOWN
    assert chains[0].chain[-1] == ("org-00000", "Holding 0")  # shortest first
    assert len(chains[-1].chain) == SHOWN + 1  # the applicant, then SHOWN steps


def test_a_clear_chain_rule_says_what_was_searched_not_every_path() -> None:
    decision = _decide(chain(40), "native")
    finding = next(f for f in decision.nations[0].findings if f.rule == "IND-002")
    assert finding.verdict == "clear"
    assert (finding.evidence[0].value, finding.evidence[0].omitted) == (40, 40 - SHOWN)
    assert not any(e.chain for e in finding.evidence)


def test_unknown_facts_are_all_listed_however_many() -> None:
    data = wide(50)
    for item in data["related_organisations"]:
        del item["funding_conditions"]
    decision = _decide(data, "native")
    unknown = [f for n in decision.nations for f in n.findings if f.verdict == "unknown"]
    assert unknown
    paths = {p for f in unknown for p in f.to_provide}
    assert {f"related_organisations[{i}].funding_conditions" for i in range(50)} <= paths
    assert all(len(f.evidence) <= SHOWN * 3 + 1 for f in unknown)


def _ruleset_with(tmp_path: Path, count: int, because: str = "b") -> RuleSet:
    rules = tmp_path / f"rules-{count}-{len(because)}"
    shutil.copytree(ROOT / "rules", rules)
    extra = [
        {
            "id": f"XTR-{i:03d}",
            "title": f"Extra {i}",
            "section": 1,
            "effect": "advise",
            "waivable": False,
            "when": {"fact": "organisation.annual_income_gbp", "more_than": 1000 + i},
            "because": because,
            "remedy": "r",
            "source": "s",
        }
        for i in range(count)
    ]
    (rules / "60-extra.yaml").write_text(
        yaml.safe_dump({"kind": "rules", "rules": extra}), encoding="utf-8"
    )
    return load_ruleset(rules)


@pytest.mark.parametrize("engine", ENGINES)
def test_many_rules_grow_the_report_linearly(tmp_path: Path, engine: str) -> None:
    data = dict(BASE)
    small = _measure(lambda: _decide(data, engine, _ruleset_with(tmp_path, 20)))
    large = _measure(lambda: _decide(data, engine, _ruleset_with(tmp_path, 40)))
    per_rule = (large[0] - small[0]) / 20
    assert 0 < per_rule < 2_000  # each extra rule adds about one finding per nation
    assert large[2] < small[2] * 2.6


def test_long_rule_texts_are_reported_once_per_finding(tmp_path: Path) -> None:
    text = "A long explanation. " * 2_500  # 50 KB
    ruleset = _ruleset_with(tmp_path, 1, because=text)
    decision = _decide(dict(BASE), "native", ruleset)
    report = render_json([decision], [])
    nations = len(decision.nations)
    assert report.count("A long explanation.") == 2_500 * nations
