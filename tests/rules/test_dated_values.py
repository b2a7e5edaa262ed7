"""Dated values (parameters and named lists that change on a date) and parameters wherever a
literal may stand: the API, in_force's periods, both engines, check --as-of, rules test and
lint.

The dated rule set (tests/data/rules/dated) changes ``share_limit`` for Scotland and
``extra_function`` for Wales on 2027-04-01, and the list ``watched_functions`` on
2027-06-01. The profile is the shipped example cio-with-pcc-grant: its counted share is
0.65 (funders 0.25 + 0.4) and its functions include first_responder.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.decision.decide import evaluate
from imsa_eligibility.engine import ENGINES, durable_ready, engine_for, make_engine
from imsa_eligibility.errors import RuleFileError
from imsa_eligibility.policy.casebook import run_case_file
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.source import read_document
from tests.conftest import DATA, EXAMPLES, ROOT, Run

DATED = DATA / "rules" / "dated"
PROFILE = EXAMPLES / "cio-with-pcc-grant.yaml"
APRIL, JUNE = dt.date(2027, 4, 1), dt.date(2027, 6, 1)
DAY = dt.timedelta(days=1)
RULESET = load_ruleset(DATED)
MALFORMED = sorted((DATA / "rules" / "malformed-ruleset").glob("*.yaml"))


def _engines() -> list[str]:
    return [e for e in ENGINES if e != "durable" or durable_ready()]


# --- the API -------------------------------------------------------------------------


def test_parameter_values_by_date() -> None:
    limit = RULESET.parameters["share_limit"]
    assert [c.effective_from for c in limit.changes] == [APRIL]
    assert limit.value("scotland") == limit.value("scotland", APRIL - DAY) == 0.7
    assert limit.value("scotland", APRIL) == limit.value("scotland", APRIL + DAY) == 0.6
    assert limit.value("england", APRIL) == 0.7  # a change replaces only the nations it names
    assert limit.since("scotland", APRIL) == APRIL and limit.since("england", APRIL) is None
    assert limit.value("scotland", None) == 0.7 and limit.by_nation["scotland"] == 0.7


def test_list_values_by_date() -> None:
    watched = RULESET.lists["watched_functions"]
    assert watched.values_on(JUNE - DAY) == watched.values == ("policing",)
    assert watched.values_on(JUNE) == watched.values_on(JUNE + DAY)
    assert watched.values_on(JUNE) == ("policing", "first_responder")
    assert watched.changes[0].source == "A made-up change."


def test_change_dates_and_periods() -> None:
    assert RULESET.change_dates == (APRIL, JUNE)
    assert [(p.start, p.end) for p in RULESET.periods()] == [
        (None, APRIL),
        (APRIL, JUNE),
        (JUNE, None),
    ]
    assert RULESET.since is None and RULESET.until == APRIL
    later = RULESET.in_force(APRIL)
    assert (later.since, later.until) == (APRIL, JUNE)
    assert later.sha256 == RULESET.sha256 and later.as_written is RULESET
    # The lists and parameters of a period hold its values; the rule set as loaded keeps
    # them as written, with their changes.
    assert later.parameters["share_limit"].by_nation["scotland"] == 0.6
    assert RULESET.in_force(JUNE).lists["watched_functions"].values[-1] == "first_responder"


def test_a_change_makes_new_targets_only_for_the_conditions_it_changes() -> None:
    keys = {v.key for v in RULESET.all_variants()}
    new = sorted(k for k in keys if k.count("@") == 2)
    assert new == [
        "TST-001@scotland@2027-04-01",
        "TST-002@england@2027-06-01",
        "TST-002@northern_ireland@2027-06-01",
        "TST-002@scotland@2027-06-01",
        "TST-002@wales@2027-06-01",
        "TST-003@wales@2027-04-01",
    ]
    april = RULESET.in_force(APRIL)
    assert april.variant("TST-001", "england") is RULESET.variant("TST-001", "england")
    # Texts and Variant.parameters follow the day's values even where the condition does not.
    scot = april.variant("TST-001", "scotland")
    assert scot is not None and scot.parameters["share_limit"] == 0.6
    assert scot.because == "From 0.6 of your income, the new Scottish regulator looks at your case."
    wales = april.variant("TST-001", "wales")
    assert wales is not None and wales.key == "TST-001@wales"
    assert wales.parameters["extra_function"] == "first_responder"


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_in_force_is_one_object_for_every_day_of_a_period(day: dt.date) -> None:
    period = next(p for p in RULESET.periods() if p.holds(day))
    first = RULESET.in_force(period.start) if period.start else RULESET
    chosen = RULESET.in_force(day)
    assert chosen is first
    assert chosen.variants is period.variants
    assert RULESET.in_force(APRIL).in_force(day) is chosen  # from any period's rule set
    if period.end is not None:
        assert RULESET.in_force(period.end - DAY) is chosen
        assert RULESET.in_force(period.end) is not chosen


def test_a_rule_set_without_dated_values_is_its_own_only_period() -> None:
    shipped = load_ruleset(ROOT / "rules")
    assert shipped.change_dates == () and len(shipped.periods()) == 1
    assert shipped.in_force(dt.date(2000, 1, 1)) is shipped
    assert shipped.in_force(dt.date(2100, 1, 1)) is shipped
    assert len(shipped.all_variants()) == len(shipped.variants)


def test_the_rule_set_pickles_with_every_period() -> None:
    again = pickle.loads(pickle.dumps(RULESET))
    assert again == RULESET
    for day in (APRIL - DAY, APRIL, JUNE):
        assert again.in_force(day).variants == RULESET.in_force(day).variants
        assert again.in_force(day) is again.in_force(day)
    assert [v.key for v in again.all_variants()] == [v.key for v in RULESET.all_variants()]


# --- deciding on a date, both engines --------------------------------------------------


def _verdicts(engine: str, day: dt.date) -> dict[tuple[str, str], str]:
    decision = evaluate(
        load_profile(PROFILE),
        RULESET,
        nations=["england", "wales", "scotland"],
        as_of=day,
        engine=engine_for(engine, RULESET),
    )
    return {
        (nation.nation.value, f.rule): f.verdict.value
        for nation in decision.nations
        for f in nation.findings
    }


@pytest.mark.parametrize("engine", _engines())
@pytest.mark.parametrize(
    ("day", "rule", "nation", "expected"),
    [
        # the parameter: Scotland's limit falls from 0.7 to 0.6 (the share is 0.65)
        (APRIL - DAY, "TST-001", "scotland", "clear"),
        (APRIL, "TST-001", "scotland", "triggered"),
        (APRIL + DAY, "TST-001", "scotland", "triggered"),
        (APRIL + DAY, "TST-001", "england", "clear"),
        # a parameter among the values of a list: Wales watches first_responder
        (APRIL - DAY, "TST-003", "wales", "clear"),
        (APRIL, "TST-003", "wales", "triggered"),
        (APRIL + DAY, "TST-003", "wales", "triggered"),
        (APRIL + DAY, "TST-003", "england", "clear"),
        # the list: watched_functions gains first_responder
        (JUNE - DAY, "TST-002", "england", "clear"),
        (JUNE, "TST-002", "england", "triggered"),
        (JUNE + DAY, "TST-002", "scotland", "triggered"),
    ],
)
def test_values_in_force_on_the_day_before_of_and_after_a_change(
    engine: str, day: dt.date, rule: str, nation: str, expected: str
) -> None:
    assert _verdicts(engine, day)[nation, rule] == expected


def test_the_engines_agree_on_every_period() -> None:
    if not durable_ready():
        pytest.skip("durable_rules cannot run on this Python")
    for day in (APRIL - DAY, APRIL, JUNE - DAY, JUNE, JUNE + DAY):
        assert _verdicts("durable", day) == _verdicts("native", day)


@pytest.mark.parametrize("engine", _engines())
def test_check_as_of_end_to_end(run_cli: Run, engine: str) -> None:
    seen = {}
    for day in (APRIL - DAY, APRIL, APRIL + DAY):
        result = run_cli(
            "check",
            str(PROFILE),
            "--rules",
            str(DATED),
            "--nation",
            "scotland",
            "--as-of",
            day.isoformat(),
            "--engine",
            engine,
            "-o",
            "json",
        )
        assert result.returncode in (0, 3, 4, 5, 6), result.stderr
        decision = json.loads(result.stdout)["decisions"][0]
        assert decision["as_of"] == day.isoformat()
        assert decision["ruleset"]["sha256"] == RULESET.sha256
        (scotland,) = decision["nations"].values()
        finding = next(f for f in scotland["findings"] if f["rule"] == "TST-001")
        seen[day] = (scotland["outcome"], finding["verdict"], finding["because"])
    assert seen[APRIL - DAY] == (
        "eligible",
        "clear",
        "From 0.7 of your income, OSCR looks at your case.",
    )
    expected_after = (
        "refer_to_panel",
        "triggered",
        "From 0.6 of your income, the new Scottish regulator looks at your case.",
    )
    assert seen[APRIL] == seen[APRIL + DAY] == expected_after


# --- rule test cases on a date -------------------------------------------------------


@pytest.mark.parametrize("engine", _engines())
def test_cases_may_give_as_of(engine: str) -> None:
    results = run_case_file(
        DATA / "rules" / "dated-cases" / "TST-001.yaml",
        read_document(PROFILE),
        RULESET,
        make_engine(engine, []),
    )
    assert [r.actual.value for r in results] == [r.expected.value for r in results]
    assert len(results) == 4


def test_a_case_as_of_that_is_not_a_date_is_refused(tmp_path: Path, run_cli: Run) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "TST-001.yaml").write_text(
        "rule: TST-001\ncases:\n  - name: a bad day\n    as_of: 2027-02-30\n    expect: clear\n",
        encoding="utf-8",
    )
    result = run_cli(
        "rules", "test", "--rules", str(DATED), "--cases", str(cases), "--base", str(PROFILE)
    )
    assert result.returncode == 2
    assert "TST-001.yaml:4:" in result.stderr and "'2027-02-30' is not a real date" in (
        result.stderr
    )


# --- a parameter in a derived threshold, for Scotland only ---------------------------


def _shipped_copy(tmp_path: Path, scotland: str) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    head = copy / "ruleset.yaml"
    text = head.read_text(encoding="utf-8")
    old = "  law_enforcement_income_share_limit:"
    at = text.index(old)
    block = text[at:]
    edited = block.replace("      scotland: 0.5\n", f"      scotland: {scotland}\n", 1)
    head.write_text(text[:at] + edited, encoding="utf-8")
    return copy


def test_the_reference_threshold_is_a_parameter_that_compiles_as_the_literal_did(
    tmp_path: Path,
) -> None:
    shipped = load_ruleset(ROOT / "rules")
    limit = shipped.parameters["law_enforcement_income_share_limit"]
    assert set(limit.by_nation.values()) == {0.5} and len(limit.by_nation) == 4
    copy = tmp_path / "literal"
    shutil.copytree(ROOT / "rules", copy)
    target = copy / "10-section-4-independence.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.count("{param: law_enforcement_income_share_limit}") == 2
    target.write_text(text.replace("{param: law_enforcement_income_share_limit}", "0.5"))
    literal = load_ruleset(copy)
    for key, variant in shipped.variants.items():
        assert variant.node == literal.variants[key].node, key


@pytest.mark.parametrize("engine", _engines())
def test_a_derived_threshold_changed_for_scotland_only(tmp_path: Path, engine: str) -> None:
    ruleset = load_ruleset(_shipped_copy(tmp_path, "0.2"))
    decision = evaluate(
        load_profile(PROFILE),
        ruleset,
        nations=["england", "scotland"],
        as_of=dt.date(2026, 11, 28),
        engine=engine_for(engine, ruleset),
    )
    verdicts = {
        (n.nation.value, f.rule): f.verdict.value
        for n in decision.nations
        for f in n.findings
        if f.rule in ("IND-008", "IND-009")
    }
    # The law enforcement income share is 0.25: under England's 0.5, over Scotland's 0.2.
    assert verdicts == {
        ("england", "IND-008"): "clear",
        ("england", "IND-009"): "triggered",
        ("scotland", "IND-008"): "triggered",
        ("scotland", "IND-009"): "clear",
    }


# --- lint --------------------------------------------------------------------------


def _header(path: Path) -> tuple[str, int, list[str], int | None]:
    text = path.read_text(encoding="utf-8")
    file = re.search(r"^# expect-file: (\S+)", text, re.M)
    line = re.search(r"^# expect-line: (\d+)", text, re.M)
    count = re.search(r"^# expect-count: (\d+)", text, re.M)
    assert line, path.name
    return (
        file.group(1) if file else "ruleset.yaml",
        int(line.group(1)),
        re.findall(r"^# expect: (.+?)\s*$", text, re.M),
        int(count.group(1)) if count else None,
    )


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_dated_values_are_refused_with_a_located_message(
    path: Path, tmp_path: Path
) -> None:
    """Each file replaces the dated rule set's ruleset.yaml; one mistake, one message, even
    when several periods (and nations) are built with it."""
    file, line, expects, count = _header(path)
    copy = tmp_path / "rules"
    shutil.copytree(DATED, copy)
    shutil.copy(path, copy / "ruleset.yaml")
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(copy)
    problems = caught.value.problems
    rendered = "\n".join(p.render() for p in problems)
    assert all(p.file == str(copy / file) for p in problems), rendered
    assert any(p.line == line for p in problems), rendered
    for words in expects:
        assert words in rendered, rendered
    if count is not None:
        assert len(problems) == count, rendered
    assert all(p.hint for p in problems), rendered


def test_lint_reports_a_problem_of_every_period_once(tmp_path: Path, run_cli: Run) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(DATED, copy)
    head = copy / "ruleset.yaml"
    text = head.read_text(encoding="utf-8")
    head.write_text(
        text.replace("by_nation: {scotland: 0.6}", "by_nation: {scotland: lots}"),
        encoding="utf-8",
    )
    result = run_cli("rules", "lint", "--rules", str(copy))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "share_limit" in line]
    assert len(lines) == 1, result.stderr
    assert "10-rules.yaml:10:" in lines[0]
    assert "'lots' for scotland from 2027-04-01" in lines[0]
