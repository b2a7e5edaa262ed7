"""``imsa-eligibility check`` end to end: outputs (golden files), exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imsa_eligibility.engine import durable_ready
from tests.conftest import ROOT, Run

AS_OF = ("--as-of", "2026-11-28")
GOLDEN = ROOT / "tests" / "golden"
EX = "profiles/examples/"


def _golden(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run pytest --update-goldens"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; if the change is intended, run pytest --update-goldens and review "
        "the diff"
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_examples_match_golden_output(run_cli: Run, update_goldens: bool, fmt: str) -> None:
    result = run_cli("check", "profiles/examples", *AS_OF, "--engine", "native", "-o", fmt)
    assert result.returncode == 6, result.stderr
    _golden(f"check-examples.{fmt}", result.stdout, update_goldens)


def test_jsonl_holds_the_same_decisions_one_a_line(run_cli: Run) -> None:
    args = ("check", "profiles/examples", *AS_OF, "--engine", "native")
    whole = json.loads(run_cli(*args, "-o", "json").stdout)
    lines = [json.loads(line) for line in run_cli(*args, "-o", "jsonl").stdout.splitlines()]
    assert lines == whole["decisions"]


@pytest.mark.skipif(not durable_ready(), reason="durable_rules cannot run on this Python")
def test_reports_say_who_decided_and_who_verified(run_cli: Run) -> None:
    """durable_rules decides and the native evaluator verifies; native alone verifies nothing.

    Whether the two engines agree is proven where a disagreement can happen (the engine
    tests and tests/engine/test_verifying.py); here only the report's account of it.
    """
    native = json.loads(
        run_cli("check", "profiles/examples", *AS_OF, "--engine", "native", "-o", "json").stdout
    )
    durable = json.loads(run_cli("check", "profiles/examples", *AS_OF, "-o", "json").stdout)
    assert {(d["engine"], d["verified_by"]) for d in durable["decisions"]} == {
        ("durable", "native")
    }
    assert {(d["engine"], d["verified_by"]) for d in native["decisions"]} == {("native", None)}
    outcomes = {d["file"]: d["outcome"] for d in native["decisions"]}
    assert {d["file"]: d["outcome"] for d in durable["decisions"]} == outcomes


def test_json_report_follows_the_contract(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", *AS_OF, "-o", "json")
    body = json.loads(result.stdout)
    assert body["schema"] == "imsa-eligibility/report/v1"
    assert body["errors"] == []
    decision = body["decisions"][0]
    assert {
        "file",
        "organisation",
        "outcome",
        "nations",
        "ruleset",
        "profile_sha256",
        "tool_version",
        "as_of",
    } <= set(decision)
    assert decision["as_of"] == "2026-11-28"
    assert set(decision["ruleset"]) == {"id", "version", "sha256"}
    england = decision["nations"]["england"]
    assert england["outcome"] == "ineligible"
    first = england["findings"][0]
    assert first["rule"] == "IND-001" and first["verdict"] == "triggered"
    assert {
        "rule",
        "title",
        "effect",
        "verdict",
        "waivable",
        "waived",
        "because",
        "remedy",
        "source",
        "evidence",
    } <= set(first)
    assert first["evidence"][0] == {
        "path": "organisation.functions",
        "value": ["policing"],
        "file": EX + "police-force.yaml",
        "line": first["evidence"][0]["line"],
    }
    assert isinstance(first["evidence"][0]["line"], int)
    clear = [f for f in england["findings"] if f["verdict"] == "clear"]
    assert clear, "findings list every applicable rule, clear ones included"


def test_chain_evidence_names_each_step(run_cli: Run) -> None:
    body = json.loads(
        run_cli(
            "check", EX + "company-owned-by-police-via-holding.yaml", *AS_OF, "-o", "json"
        ).stdout
    )
    findings = body["decisions"][0]["nations"]["england"]["findings"]
    chain_rule = next(f for f in findings if f["rule"] == "IND-002")
    assert chain_rule["verdict"] == "triggered"
    chains = [e["chain"] for e in chain_rule["evidence"] if "chain" in e]
    assert chains and len(chains[0]) >= 3
    assert chains[0][0]["id"] == body["decisions"][0]["organisation"]["id"]


def test_incomplete_lists_the_facts_to_provide(run_cli: Run) -> None:
    result = run_cli("check", EX + "facts-missing-incomplete.yaml", *AS_OF, "-o", "json")
    assert result.returncode == 5
    nation = json.loads(result.stdout)["decisions"][0]["nations"]["england"]
    assert nation["outcome"] == "incomplete"
    assert "governance.ico_registered" in nation["to_provide"]
    assert any(p.endswith(".income_share") for p in nation["to_provide"])
    text = run_cli("check", EX + "facts-missing-incomplete.yaml", *AS_OF).stdout
    assert "Please provide: governance.ico_registered" in text


@pytest.mark.parametrize(
    ("example", "code"),
    [
        ("survivor-charity-eligible.yaml", 0),
        ("cio-with-pcc-grant.yaml", 3),
        ("labour-provider.yaml", 4),
        ("facts-missing-incomplete.yaml", 5),
        ("police-force.yaml", 6),
    ],
)
def test_exit_code_follows_the_outcome(run_cli: Run, example: str, code: int) -> None:
    assert run_cli("check", EX + example, *AS_OF).returncode == code


def test_invalid_file_in_a_batch_exits_2_and_the_rest_are_decided(run_cli: Run) -> None:
    result = run_cli(
        "check",
        EX + "police-force.yaml",
        "tests/data/profiles/malformed/unknown-key-typo.yaml",
        *AS_OF,
        "-o",
        "jsonl",
    )
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["outcome"] == "ineligible"
    assert "error" in lines[-1] and lines[-1]["error"]["line"] > 0


def test_nation_option_replaces_the_profiles_nations(run_cli: Run) -> None:
    result = run_cli(
        "check", EX + "survivor-charity-eligible.yaml", *AS_OF, "--nation", "scotland", "-o", "json"
    )
    decision = json.loads(result.stdout)["decisions"][0]
    assert list(decision["nations"]) == ["scotland"]
    assert decision["notes"] == ["scotland is not among the nations the profile names"]


def test_unknown_nation_is_a_usage_error_with_a_suggestion(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--nation", "englnd")
    assert result.returncode == 2
    assert "did you mean 'england'?" in result.stderr


def test_bad_date_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--as-of", "28/11/2026")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_broken_rules_are_reported_with_their_place(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ruleset.yaml").write_text(
        "kind: ruleset\nid: x\nversion: '1'\ntitle: t\ncolour: red\n", encoding="utf-8"
    )
    result = run_cli("check", EX + "police-force.yaml", "--rules", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / 'ruleset.yaml'}:5:1" in result.stderr
    assert "unknown key 'colour'" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_file_gets_the_report(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run_cli(
        "check", EX + "police-force.yaml", *AS_OF, "-o", "json", "--output", str(target)
    )
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["decisions"][0]["outcome"] == (
        "ineligible"
    )


def test_reports_are_byte_identical_across_runs(run_cli: Run) -> None:
    args = ("check", "profiles/examples", *AS_OF, "-o", "json")
    assert run_cli(*args).stdout == run_cli(*args).stdout


def test_an_empty_folder_is_an_error_not_a_silent_pass(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "holds no profile" in result.stdout


def test_unwritable_output_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--output", "/nonexistent/dir/r.txt")
    assert result.returncode == 2
    assert "cannot write /nonexistent/dir/r.txt" in result.stderr
    assert "Traceback" not in result.stderr
