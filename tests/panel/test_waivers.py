"""Waivers applied to decisions: in force or not, which verdicts, which nations, notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from imsa_eligibility.decision import Decision, Finding, evaluate
from imsa_eligibility.engine import Target, make_engine
from imsa_eligibility.errors import WaiverFileError
from imsa_eligibility.panel.schema import waivers_schema
from imsa_eligibility.panel.waivers import (
    Waiver,
    WaiverSet,
    apply_waivers,
    in_force,
    load_waivers,
    load_waivers_text,
    waiver_problems,
)
from imsa_eligibility.profile import load_profile, load_profile_text
from imsa_eligibility.report.jsonreport import decision_json, decision_line
from imsa_eligibility.report.schema import report_schema
from imsa_eligibility.report.text import render_decision
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Nation, Outcome, Verdict
from tests.conftest import EXAMPLES, ROOT

AS_OF = dt.date(2026, 11, 28)
RULESET = load_ruleset(ROOT / "rules")
ENGINE = make_engine("native", [Target(v.key, v.node) for v in RULESET.variants.values()])
EXAMPLE_WAIVERS = ROOT / "profiles" / "waivers-example.yaml"
NO_INSURANCE = EXAMPLES / "unincorporated-charity-no-insurance.yaml"
COUNCIL = EXAMPLES / "cross-border-council-scotland-england.yaml"
ST_BRIGIDS = "st-brigids-welcome-group"


def _decide(path: Path, as_of: dt.date = AS_OF) -> Decision:
    return evaluate(load_profile(path), RULESET, as_of=as_of, engine=ENGINE)


def _waivers(*waivers: dict[str, object], panel: str = "Test panel") -> WaiverSet:
    text = yaml.safe_dump(
        {"schema_version": 1, "panel": panel, "waivers": list(waivers)}, sort_keys=False
    )
    return load_waivers_text("waivers.yaml", text.encode(), RULESET)


def _waiver(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "organisation": ST_BRIGIDS,
        "rule": "ORG-001",
        "justification": "Cover starts 1 Dec; broker's letter seen",
        "approved_by": "Panel chair",
        "approved_on": "2026-10-01",
        "expires": "2027-03-31",
    }
    return {**base, **fields}


def _finding(decision: Decision, nation: str, rule: str) -> Finding:
    result = next(n for n in decision.nations if n.nation == nation)
    return next(f for f in result.findings if f.rule == rule)


def _outcomes(decision: Decision) -> dict[str, Outcome]:
    return {n.nation: n.outcome for n in decision.nations}


# --- reading ---------------------------------------------------------------------------------


def test_the_example_file_reads_as_documented() -> None:
    waivers = load_waivers(EXAMPLE_WAIVERS, RULESET)
    assert waivers.panel == "Northshire IMSA accreditation panel"
    assert waivers.file == str(EXAMPLE_WAIVERS)
    assert waivers.sha256 == hashlib.sha256(EXAMPLE_WAIVERS.read_bytes()).hexdigest()
    first, second = waivers.waivers
    assert first == Waiver(
        organisation=ST_BRIGIDS,
        rule="ORG-001",
        nations=(Nation.ENGLAND,),
        justification="Cover starts 1 December 2026; the panel has seen the broker's letter "
        "confirming it",
        approved_by="Panel chair",
        approved_on=dt.date(2026, 10, 1),
        expires=dt.date(2027, 3, 31),
        conditions="A copy of the insurance certificate to the panel secretary by 31 December 2026",
        file=str(EXAMPLE_WAIVERS),
        line=21,
    )
    # No 'nations': every nation where IND-004 applies and may be waived (Scotland only).
    assert second.nations == (Nation.SCOTLAND,)
    assert second.conditions is None
    assert second.justification.startswith("The advocacy team is a ring-fenced service")


def test_the_example_file_follows_the_published_schema() -> None:
    schema = waivers_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = yaml.safe_load(EXAMPLE_WAIVERS.read_text(encoding="utf-8"))
    document = json.loads(json.dumps(document, default=str))  # YAML dates as text
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_schema_refuses_an_unknown_field() -> None:
    document = {"schema_version": 1, "panel": "P", "waivers": [{**_waiver(), "signed": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(waivers_schema()).validate(document)


def test_an_empty_list_of_waivers_is_valid() -> None:
    waivers = load_waivers_text("w.yaml", b"schema_version: 1\npanel: P\nwaivers: []\n", RULESET)
    assert waivers.waivers == ()
    decision = _decide(NO_INSURANCE)
    applied = apply_waivers(decision, waivers, AS_OF)
    assert applied == dataclasses.replace(decision, waivers_sha256=waivers.sha256)


def test_a_json_waivers_file_reads_like_a_yaml_one() -> None:
    document = {"schema_version": 1, "panel": "P", "waivers": [_waiver(nations=["england"])]}
    from_json = load_waivers_text("w.json", json.dumps(document).encode(), RULESET)
    from_yaml = _waivers(_waiver(nations=["england"]), panel="P")
    assert [dataclasses.replace(w, file="", line=0) for w in from_json.waivers] == [
        dataclasses.replace(w, file="", line=0) for w in from_yaml.waivers
    ]


def test_a_rule_alias_names_its_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name.startswith("50-"):
            text = text.replace("  - id: ORG-001\n", "  - id: ORG-001\n    aliases: [INS-001]\n")
        (rules / path.name).write_text(text, encoding="utf-8")
    ruleset = load_ruleset(rules)
    assert ruleset.rule("INS-001") is not None
    text = yaml.safe_dump({"schema_version": 1, "panel": "P", "waivers": [_waiver(rule="INS-001")]})
    (waiver,) = load_waivers_text("w.yaml", text.encode(), ruleset).waivers
    assert waiver.rule == "ORG-001"


def test_a_problem_stops_the_whole_file() -> None:
    with pytest.raises(WaiverFileError) as caught:
        _waivers(_waiver(), _waiver(organisation="other-trust", rule="ORG-01"))
    assert [p.path for p in caught.value.problems] == ["waivers[1].rule"]


# --- in force ----------------------------------------------------------------------------


def test_a_waiver_in_force_waives_a_triggered_finding() -> None:
    decision = _decide(NO_INSURANCE)
    assert decision.outcome is Outcome.INELIGIBLE
    waivers = _waivers(_waiver(nations=["england"], conditions="Certificate by 31 Dec"))
    applied = apply_waivers(decision, waivers, AS_OF)
    finding = _finding(applied, "england", "ORG-001")
    assert finding.verdict is Verdict.TRIGGERED  # the verdict stays
    assert finding.waived
    assert finding.waiver is not None
    assert (finding.waiver.panel, finding.waiver.approved_by) == ("Test panel", "Panel chair")
    assert finding.waiver.conditions == "Certificate by 31 Dec"
    assert (finding.waiver.file, finding.waiver.line) == ("waivers.yaml", 4)
    # The outcome is derived again without deciding: TRN-004 (a condition) remains.
    assert applied.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS
    assert _outcomes(applied) == {"england": Outcome.ELIGIBLE_WITH_CONDITIONS}
    assert applied.waivers_sha256 == waivers.sha256
    assert applied.notes == decision.notes
    # Everything else is as decided; the decision given is unchanged.
    assert [f.rule for f in applied.nations[0].findings] == [
        f.rule for f in decision.nations[0].findings
    ]
    assert not _finding(decision, "england", "ORG-001").waived
    assert waiver_problems(waivers, AS_OF) == []


@pytest.mark.parametrize("as_of", [dt.date(2026, 10, 1), dt.date(2027, 3, 31)])
def test_a_waiver_is_in_force_on_its_first_and_last_day(as_of: dt.date) -> None:
    waivers = _waivers(_waiver())
    assert in_force(waivers.waivers[0], as_of)
    applied = apply_waivers(_decide(NO_INSURANCE, as_of), waivers, as_of)
    assert _finding(applied, "england", "ORG-001").waived
    assert waiver_problems(waivers, as_of) == []


def test_an_expired_waiver_is_not_applied_and_is_an_error_at_the_waiver() -> None:
    as_of = dt.date(2027, 4, 1)
    waivers = _waivers(_waiver())
    decision = _decide(NO_INSURANCE, as_of)
    applied = apply_waivers(decision, waivers, as_of)
    assert not _finding(applied, "england", "ORG-001").waived
    assert applied.outcome is Outcome.INELIGIBLE
    assert applied.waivers_sha256 == waivers.sha256
    assert applied.notes == (
        "the waiver of ORG-001 at waivers.yaml:4 is not in force on 2027-04-01 (it expired "
        "on 2027-03-31), so it was not applied",
    )
    (problem,) = waiver_problems(waivers, as_of)
    assert (problem.file, problem.line, problem.path) == ("waivers.yaml", 4, "waivers[0]")
    assert "expired on 2027-03-31" in problem.message
    assert "renew" in problem.hint


def test_a_waiver_approved_after_the_date_decided_for_is_not_applied() -> None:
    as_of = dt.date(2026, 9, 30)
    waivers = _waivers(_waiver())
    applied = apply_waivers(_decide(NO_INSURANCE, as_of), waivers, as_of)
    assert not _finding(applied, "england", "ORG-001").waived
    assert applied.outcome is Outcome.INELIGIBLE
    assert "it is approved from 2026-10-01" in applied.notes[0]
    (problem,) = waiver_problems(waivers, as_of)
    assert "approved from 2026-10-01, after the date decided for (2026-09-30)" in problem.message
    assert "--as-of 2026-10-01" in problem.hint


def test_only_the_waivers_not_in_force_are_problems() -> None:
    waivers = _waivers(
        _waiver(),
        _waiver(organisation="other-trust", approved_on="2025-01-01", expires="2025-12-31"),
    )
    assert [p.path for p in waiver_problems(waivers, AS_OF)] == ["waivers[1]"]


# --- which findings ------------------------------------------------------------------------


def test_a_non_waivable_finding_is_never_waived() -> None:
    """The reader refuses such a waiver; a waiver set made by hand is still not applied."""
    with pytest.raises(WaiverFileError):
        _waivers(_waiver(organisation="tweedmere-council", rule="IND-004", nations=["england"]))
    decision = _decide(COUNCIL)
    made = _waivers(_waiver(organisation="tweedmere-council", rule="IND-004"))
    assert made.waivers[0].nations == (Nation.SCOTLAND,)
    forced = dataclasses.replace(
        made,
        waivers=(dataclasses.replace(made.waivers[0], nations=(Nation.ENGLAND,)),),
    )
    applied = apply_waivers(decision, forced, AS_OF)
    assert not _finding(applied, "england", "IND-004").waived
    assert _outcomes(applied) == _outcomes(decision)
    assert applied.notes == (
        "the waiver of IND-004 at waivers.yaml:4 changes nothing: IND-004 cannot be waived in "
        "England",
    )


def test_a_waiver_applies_only_in_its_nations() -> None:
    decision = _decide(COUNCIL)
    assert _outcomes(decision) == {
        "england": Outcome.REFER_TO_PANEL,
        "scotland": Outcome.INELIGIBLE,
    }
    applied = apply_waivers(
        decision, _waivers(_waiver(organisation="tweedmere-council", rule="IND-004")), AS_OF
    )
    assert _outcomes(applied) == {"england": Outcome.REFER_TO_PANEL, "scotland": Outcome.ELIGIBLE}
    assert applied.outcome is Outcome.REFER_TO_PANEL
    assert not _finding(applied, "england", "IND-004").waived
    assert _finding(applied, "scotland", "IND-004").waived


def _uninsured_in_two_nations() -> Decision:
    """survivor-charity-eligible (England and Wales) without employers' liability cover."""
    text = (EXAMPLES / "survivor-charity-eligible.yaml").read_text(encoding="utf-8")
    assert "employers_liability: true" in text
    text = text.replace("employers_liability: true", "employers_liability: false")
    loaded = load_profile_text("uninsured.yaml", text.encode())
    return evaluate(loaded, RULESET, as_of=AS_OF, engine=ENGINE)


def test_one_nation_of_several_is_waived() -> None:
    decision = _uninsured_in_two_nations()
    assert _outcomes(decision) == {"england": Outcome.INELIGIBLE, "wales": Outcome.INELIGIBLE}
    waiver = _waiver(organisation=decision.organisation_id, nations=["wales"])
    applied = apply_waivers(decision, _waivers(waiver), AS_OF)
    assert _outcomes(applied) == {"england": Outcome.INELIGIBLE, "wales": Outcome.ELIGIBLE}
    assert applied.outcome is Outcome.INELIGIBLE
    assert not _finding(applied, "england", "ORG-001").waived
    assert _finding(applied, "wales", "ORG-001").waived
    assert applied.notes == decision.notes


def test_a_waiver_without_nations_covers_every_waivable_nation() -> None:
    decision = _uninsured_in_two_nations()
    waiver = _waiver(organisation=decision.organisation_id)
    applied = apply_waivers(decision, _waivers(waiver), AS_OF)
    assert _outcomes(applied) == {"england": Outcome.ELIGIBLE, "wales": Outcome.ELIGIBLE}


def test_an_unknown_verdict_is_never_waived() -> None:
    decision = _decide(EXAMPLES / "facts-missing-incomplete.yaml")
    assert _finding(decision, "england", "GOV-007").verdict is Verdict.UNKNOWN
    waiver = _waiver(organisation=decision.organisation_id, rule="GOV-007", nations=["england"])
    applied = apply_waivers(decision, _waivers(waiver), AS_OF)
    assert not _finding(applied, "england", "GOV-007").waived
    assert applied.outcome is Outcome.INCOMPLETE
    assert applied.nations[0].to_provide == decision.nations[0].to_provide
    assert applied.notes == (
        *decision.notes,
        "the waiver of GOV-007 at waivers.yaml:4 changes nothing: GOV-007 is unknown in "
        "England (a waiver never applies while facts are missing: provide them)",
    )


def test_a_clear_verdict_is_never_waived() -> None:
    decision = _decide(EXAMPLES / "survivor-charity-eligible.yaml")
    assert _finding(decision, "england", "ORG-001").verdict is Verdict.CLEAR
    waiver = _waiver(organisation=decision.organisation_id, nations=["england", "wales"])
    applied = apply_waivers(decision, _waivers(waiver), AS_OF)
    assert not any(f.waived for n in applied.nations for f in n.findings)
    assert _outcomes(applied) == _outcomes(decision)
    assert applied.notes == (
        "the waiver of ORG-001 at waivers.yaml:4 changes nothing: ORG-001 is clear in "
        "England; ORG-001 is clear in Wales",
    )


def test_a_waiver_for_a_nation_not_decided_says_so() -> None:
    decision = _decide(NO_INSURANCE)  # England only
    applied = apply_waivers(decision, _waivers(_waiver(nations=["wales"])), AS_OF)
    assert applied.outcome is Outcome.INELIGIBLE
    assert applied.notes == (
        "the waiver of ORG-001 at waivers.yaml:4 changes nothing: Wales is not decided",
    )


def test_a_waiver_for_another_organisation_changes_nothing() -> None:
    decision = _decide(NO_INSURANCE)
    waivers = _waivers(_waiver(organisation="someone-else"))
    applied = apply_waivers(decision, waivers, AS_OF)
    assert applied == dataclasses.replace(decision, waivers_sha256=waivers.sha256)


def test_without_waivers_the_decision_is_unchanged() -> None:
    decision = _decide(NO_INSURANCE)
    assert apply_waivers(decision, None, AS_OF) is decision
    assert decision.waivers_sha256 is None


def test_applying_the_same_waivers_again_changes_nothing() -> None:
    waivers = _waivers(_waiver(), _waiver(rule="GOV-003"))  # GOV-003 is clear: a note
    once = apply_waivers(_decide(NO_INSURANCE), waivers, AS_OF)
    assert len(once.notes) == 1
    assert apply_waivers(once, waivers, AS_OF) == once


# --- reports -------------------------------------------------------------------------------


def test_a_waived_decision_in_json_follows_the_report_schema() -> None:
    waivers = _waivers(_waiver(conditions="Certificate by 31 Dec"))
    applied = apply_waivers(_decide(NO_INSURANCE), waivers, AS_OF)
    body = decision_json(applied)
    assert body["waivers_sha256"] == waivers.sha256
    finding = next(f for f in body["nations"]["england"]["findings"] if f["rule"] == "ORG-001")
    assert finding["waived"] is True
    assert finding["waiver"] == {
        "file": "waivers.yaml",
        "line": 4,
        "panel": "Test panel",
        "approved_by": "Panel chair",
        "approved_on": "2026-10-01",
        "expires": "2027-03-31",
        "justification": "Cover starts 1 Dec; broker's letter seen",
        "conditions": "Certificate by 31 Dec",
    }
    others = [f for f in body["nations"]["england"]["findings"] if f["rule"] != "ORG-001"]
    assert not any("waiver" in f for f in others)
    schema = report_schema()
    jsonschema.Draft202012Validator(
        {"$ref": "#/$defs/decision", "$defs": schema["$defs"]}
    ).validate(json.loads(json.dumps(body)))
    # The JSON Lines writer's fast path writes exactly what json.dumps would.
    assert decision_line(applied) == json.dumps(body, ensure_ascii=False)


def test_text_shows_a_waived_finding_apart_with_who_until_when_and_why() -> None:
    waivers = _waivers(_waiver(conditions="Certificate by 31 Dec"))
    text = render_decision(apply_waivers(_decide(NO_INSURANCE), waivers, AS_OF))
    assert "Outcome: ELIGIBLE WITH CONDITIONS" in text
    assert "    WAIVED ORG-001 Employers' liability insurance (excludes; waived until " in text
    assert (
        "        Waived by: Panel chair (Test panel), approved 2026-10-01, in force until "
        "2027-03-31 (waivers.yaml:4)\n"
        "        Why it was waived: Cover starts 1 Dec; broker's letter seen\n"
        "        Conditions: Certificate by 31 Dec\n"
    ) in text
    assert text.index("CONDITION TRN-004") < text.index("WAIVED ORG-001")
    assert "    31 of 33 rules are clear; 1 waived by the panel.\n" in text
    assert f"· waivers sha256 {waivers.sha256[:12]}…" in text
    assert "EXCLUDES ORG-001" not in text


def test_text_from_a_waivers_file_cannot_steer_a_terminal() -> None:
    waivers = _waivers(_waiver())
    (waiver,) = waivers.waivers
    hostile = dataclasses.replace(
        waivers, waivers=(dataclasses.replace(waiver, justification="ok\x1b[2Jgone"),)
    )
    text = render_decision(apply_waivers(_decide(NO_INSURANCE), hostile, AS_OF))
    assert "\x1b" not in text
    assert "ok\\x1b[2Jgone" in text
