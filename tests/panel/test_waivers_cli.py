"""``check --waivers FILE`` end to end: outputs (golden files), exit codes, errors, --jobs."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import jsonschema
import pytest

from imsa_eligibility.panel.waivers import load_waivers
from imsa_eligibility.report.schema import report_schema
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import DATA, EXAMPLES, ROOT, Run
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
EX = "profiles/examples/"
WAIVERS = "profiles/waivers-example.yaml"
GOLDEN = ROOT / "tests" / "golden" / "waivers"
PAIR = [
    EX + "unincorporated-charity-no-insurance.yaml",
    EX + "cross-border-council-scotland-england.yaml",
]
SHA = hashlib.sha256((ROOT / WAIVERS).read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_waived_decision_matches_its_golden(run_cli: Run, update_goldens: bool, fmt: str) -> None:
    result = run_cli("check", *PAIR, "--waivers", WAIVERS, *AS_OF, *NATIVE, "-o", fmt)
    assert result.returncode == 4, result.stderr  # England refers the council to the panel
    assert (
        result.stderr == "2 of 2 profiles decided: 1 eligible with conditions, 1 refer to panel\n"
    )
    _golden(GOLDEN / f"example-waivers.{fmt}", result.stdout, update_goldens)


def test_json_records_the_waivers_and_the_new_outcomes(run_cli: Run) -> None:
    result = run_cli("check", *PAIR, "--waivers", WAIVERS, *AS_OF, *NATIVE, "-o", "json")
    body = json.loads(result.stdout)
    schema = report_schema()
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(body)
    assert body["errors"] == []
    council, charity = body["decisions"]
    assert {d["waivers_sha256"] for d in body["decisions"]} == {SHA}
    assert charity["outcome"] == "eligible_with_conditions"
    assert {n: v["outcome"] for n, v in council["nations"].items()} == {
        "england": "refer_to_panel",
        "scotland": "eligible",
    }
    waived = [
        (d["organisation"]["id"], nation, f["rule"], f["waiver"]["line"])
        for d in body["decisions"]
        for nation, v in d["nations"].items()
        for f in v["findings"]
        if f["waived"]
    ]
    assert waived == [
        ("tweedmere-council", "scotland", "IND-004", 34),
        ("st-brigids-welcome-group", "england", "ORG-001", 21),
    ]


def test_a_single_profile_exits_with_its_outcome_after_waivers(run_cli: Run) -> None:
    result = run_cli("check", PAIR[0], "--waivers", WAIVERS, *AS_OF, *NATIVE)
    assert result.returncode == 3, result.stderr  # ineligible (6) without the waiver
    assert "WAIVED ORG-001" in result.stdout
    # The other waiver's organisation is not in this run: said on stderr, not an error.
    assert result.stderr == (
        f"note: {WAIVERS}:34: the waiver of IND-004 for tweedmere-council matches no profile "
        "decided in this run\n"
        "1 of 1 profiles decided: 1 eligible with conditions\n"
    )
    without = run_cli("check", PAIR[0], *AS_OF, *NATIVE)
    assert without.returncode == 6


def test_jsonl_carries_waivers_sha256_on_every_decision(run_cli: Run) -> None:
    result = run_cli("check", *PAIR, "--waivers", WAIVERS, *AS_OF, *NATIVE, "-o", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["waivers_sha256"] for line in lines] == [SHA, SHA]
    without = run_cli("check", *PAIR, *AS_OF, *NATIVE, "-o", "jsonl")
    assert [json.loads(line)["waivers_sha256"] for line in without.stdout.splitlines()] == [
        None,
        None,
    ]


def test_an_expired_waiver_is_an_error_and_the_decisions_are_made_without_it(
    run_cli: Run,
) -> None:
    args = ("check", *PAIR, "--waivers", WAIVERS, "--as-of", "2027-04-01", *NATIVE)
    result = run_cli(*args, "-o", "json")
    assert result.returncode == 2, result.stderr
    body = json.loads(result.stdout)
    assert [d["outcome"] for d in body["decisions"]] == ["refer_to_panel", "ineligible"]
    (error,) = body["errors"]  # the council's waiver is in force until 2027-09-14
    assert (error["file"], error["line"], error["path"]) == (WAIVERS, 21, "waivers[0]")
    assert "expired on 2027-03-31" in error["message"]
    charity = body["decisions"][1]
    assert not any(f["waived"] for f in charity["nations"]["england"]["findings"])
    assert any("is not in force on 2027-04-01" in note for note in charity["notes"])
    assert "; 1 file with errors" in result.stderr
    text = run_cli(*args)
    assert text.returncode == 2
    assert text.stdout.endswith(
        f"error: {WAIVERS}:21:1: waivers[0]: the waiver of ORG-001 for st-brigids-welcome-group "
        "expired on 2027-03-31, before the date decided for (2027-04-01): it was not applied. "
        "delete it, or have the panel renew it (a new approved_on and expires); the decisions "
        "were made without it\n"
    )


def test_a_waiver_approved_after_as_of_is_an_error(run_cli: Run) -> None:
    result = run_cli("check", *PAIR, "--waivers", WAIVERS, "--as-of", "2026-09-20", *NATIVE)
    assert result.returncode == 2
    assert "approved from 2026-10-01, after the date decided for (2026-09-20)" in result.stdout
    assert "Outcome: INELIGIBLE" in result.stdout


@pytest.mark.parametrize(
    "name", ["misspelt-rule.yaml", "non-waivable-nation.yaml", "duplicate.yaml"]
)
def test_a_bad_waivers_file_stops_the_run_before_anything_is_decided(
    run_cli: Run, name: str
) -> None:
    path = DATA / "waivers" / "malformed" / name
    result = run_cli("check", *PAIR, "--waivers", str(path), *AS_OF, *NATIVE, "-o", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:")
    assert "Traceback" not in result.stderr
    assert "profiles decided" not in result.stderr


def test_a_missing_waivers_file_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run_cli("check", *PAIR, "--waivers", str(missing), *AS_OF, *NATIVE)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"error: {missing}:1:1: cannot read the file" in result.stderr


def test_the_waivers_are_checked_against_the_rule_set_given(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        if not path.name.startswith("50-"):  # no ORG-001 in this rule set
            (rules / path.name).write_bytes(path.read_bytes())
    result = run_cli("check", *PAIR, "--waivers", WAIVERS, "--rules", str(rules), *AS_OF, *NATIVE)
    assert result.returncode == 2
    assert f"error: {WAIVERS}:22:11: waivers[0].rule: unknown rule 'ORG-001'" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_jobs_give_the_same_bytes_with_waivers(run_cli: Run, fmt: str) -> None:
    args = ("check", str(EXAMPLES), "--waivers", WAIVERS, *AS_OF, *NATIVE, "-o", fmt)
    one = run_cli(*args, "--jobs", "1")
    two = run_cli(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 6
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert "WAIVED" in one.stdout or '"waived": true' in one.stdout


def test_a_waiver_set_can_be_sent_to_a_worker_process() -> None:
    waivers = load_waivers(ROOT / WAIVERS, load_ruleset(ROOT / "rules"))
    assert pickle.loads(pickle.dumps(waivers)) == waivers


def test_a_waivers_file_in_a_folder_is_skipped_not_read_as_a_profile(
    run_cli: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "applicants"
    folder.mkdir()
    (folder / "charity.yaml").write_bytes((ROOT / PAIR[0]).read_bytes())
    (folder / "waivers.yaml").write_bytes((ROOT / WAIVERS).read_bytes())
    result = run_cli(
        "check", str(folder), "--waivers", str(folder / "waivers.yaml"), *AS_OF, *NATIVE
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{folder / 'waivers.yaml'}: a panel's waivers file, not a profile" in result.stderr
    validated = run_cli("validate", str(folder))
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_without_waivers_every_decision_records_null(run_cli: Run) -> None:
    body = json.loads(run_cli("check", *PAIR, *AS_OF, *NATIVE, "-o", "json").stdout)
    assert [d["waivers_sha256"] for d in body["decisions"]] == [None, None]
    assert not any(
        "waiver" in f
        for d in body["decisions"]
        for n in d["nations"].values()
        for f in n["findings"]
    )


def test_help_names_the_option(run_cli: Run) -> None:
    result = run_cli("check", "--help")
    assert "--waivers" in result.stdout
    assert "FILE" in result.stdout
