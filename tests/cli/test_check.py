"""``imsa-eligibility check`` end to end: outputs (golden files), exit codes, errors.

Every test runs the command in this process (the ``run_cli`` fixture, through the same
``main()`` as the console script) except those named ``test_process_*``, which run it as a
real process for what only a process boundary shows: that the in-process runs are faithful,
that reports do not depend on the hash seed, and the exit status of an internal error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cli.check
from imsa_eligibility.decision import Decision, evaluate
from imsa_eligibility.engine import durable_ready
from imsa_eligibility.errors import EngineError
from imsa_eligibility.profile import LoadedProfile
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from tests.conftest import EXAMPLES, ROOT, Run, cli_process
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
GOLDEN = ROOT / "tests" / "golden" / "examples"
EX = "profiles/examples/"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
SUFFIXES = ("text", "json")


def _line(path: Path, text: str) -> int:
    """The number of the first line of ``path`` that is ``text``."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# --- golden reports, one pair per example -------------------------------------------------

_SHIPPED: list[RuleSet] = []


@pytest.fixture
def shipped_rules_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the shipped rules once for all the runs that use them (45 ms a load).

    Only where many runs decide with the shipped rules: every other test loads them as
    the command does, so loading stays tested end to end.
    """

    def once(rules: Path | None) -> RuleSet:
        if rules is not None:
            return load_ruleset(rules)
        if not _SHIPPED:
            _SHIPPED.append(load_ruleset(None))
        return _SHIPPED[0]

    monkeypatch.setattr(cli.check, "load_ruleset", once)


@pytest.mark.usefixtures("shipped_rules_once")
@pytest.mark.parametrize("fmt", SUFFIXES)
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_report_matches_its_golden(
    run_cli: Run, update_goldens: bool, example: Path, fmt: str
) -> None:
    result = run_cli("check", EX + example.name, *AS_OF, *NATIVE, "-o", fmt)
    assert result.returncode in (0, 3, 4, 5, 6), result.stderr
    _golden(GOLDEN / f"{example.stem}.{fmt}", result.stdout, update_goldens)


def test_every_golden_belongs_to_an_example(update_goldens: bool) -> None:
    """A renamed or removed example leaves no golden behind (--update-goldens removes it)."""
    wanted = {GOLDEN / f"{p.stem}.{fmt}" for p in EXAMPLE_FILES for fmt in SUFFIXES}
    stale = sorted(p for p in GOLDEN.glob("*") if p not in wanted)
    if update_goldens:
        for path in stale:
            path.unlink()
        stale = []
    assert not stale, f"golden files without an example (run --update-goldens): {stale}"


# Given out of path order; decided in path order: cio (3), labour (4), survivor (0).
BATCH = ["survivor-charity-eligible.yaml", "labour-provider.yaml", "cio-with-pcc-grant.yaml"]


@pytest.mark.usefixtures("shipped_rules_once")
@pytest.mark.parametrize("fmt", SUFFIXES)
def test_a_batch_report_is_its_files_reports_in_path_order(run_cli: Run, fmt: str) -> None:
    batch = run_cli("check", *(EX + name for name in BATCH), *AS_OF, *NATIVE, "-o", fmt)
    singles = [run_cli("check", EX + name, *AS_OF, *NATIVE, "-o", fmt) for name in sorted(BATCH)]
    assert [s.returncode for s in singles] == [3, 4, 0]
    assert batch.returncode == 4, batch.stderr  # the most severe outcome's code
    assert batch.stderr == (
        "3 of 3 profiles decided: 1 eligible, 1 eligible with conditions, 1 refer to panel\n"
    )
    if fmt == "text":
        assert batch.stdout == "\n".join(s.stdout for s in singles)
    else:
        body = json.loads(batch.stdout)
        assert body["decisions"] == [json.loads(s.stdout)["decisions"][0] for s in singles]
        assert body["errors"] == []


def test_jsonl_holds_the_same_decisions_one_a_line(run_cli: Run) -> None:
    args = ("check", "profiles/examples", *AS_OF, *NATIVE)
    whole = json.loads(run_cli(*args, "-o", "json").stdout)
    lines = [json.loads(line) for line in run_cli(*args, "-o", "jsonl").stdout.splitlines()]
    assert len(lines) == len(EXAMPLE_FILES)
    assert lines == whole["decisions"]


@pytest.mark.skipif(not durable_ready(), reason="durable_rules cannot run on this Python")
def test_reports_say_who_decided_and_who_verified(run_cli: Run) -> None:
    """durable_rules decides and the native evaluator verifies; native alone verifies nothing.

    Whether the two engines agree is proven where a disagreement can happen (the engine
    tests and tests/engine/test_verifying.py); here only the report's account of it.
    """
    native = json.loads(run_cli("check", "profiles/examples", *AS_OF, *NATIVE, "-o", "json").stdout)
    durable = json.loads(run_cli("check", "profiles/examples", *AS_OF, "-o", "json").stdout)
    assert {(d["engine"], d["verified_by"]) for d in durable["decisions"]} == {
        ("durable", "native")
    }
    assert {(d["engine"], d["verified_by"]) for d in native["decisions"]} == {("native", None)}
    outcomes = {d["file"]: d["outcome"] for d in native["decisions"]}
    assert len(outcomes) == len(EXAMPLE_FILES)
    assert {d["file"]: d["outcome"] for d in durable["decisions"]} == outcomes


# --- the report's content -----------------------------------------------------------------


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
        "engine",
        "verified_by",
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
        "line": _line(EXAMPLES / "police-force.yaml", "  functions: [policing]"),
    }
    clear = [f for f in england["findings"] if f["verdict"] == "clear"]
    assert clear, "findings list every applicable rule, clear ones included"


def test_chain_evidence_names_each_step(run_cli: Run) -> None:
    example = "company-owned-by-police-via-holding.yaml"
    body = json.loads(run_cli("check", EX + example, *AS_OF, "-o", "json").stdout)
    findings = body["decisions"][0]["nations"]["england"]["findings"]
    chain_rule = next(f for f in findings if f["rule"] == "IND-002")
    assert chain_rule["verdict"] == "triggered"
    chains = [e["chain"] for e in chain_rule["evidence"] if "chain" in e]
    assert [[step["id"] for step in chain] for chain in chains] == [
        [
            "northshire-safeguarding-services",
            "northshire-community-holdings",
            "northshire-police-enterprises",
            "northshire-police",
        ]
    ]


def test_incomplete_lists_the_facts_to_provide(run_cli: Run) -> None:
    """The three facts the example's header says it leaves out, and nothing else."""
    result = run_cli("check", EX + "facts-missing-incomplete.yaml", *AS_OF, "-o", "json")
    assert result.returncode == 5
    nation = json.loads(result.stdout)["decisions"][0]["nations"]["england"]
    assert nation["outcome"] == "incomplete"
    assert sorted(nation["to_provide"]) == [
        "governance.ico_registered",
        "imsa_service.clinical_supervision",
        "related_organisations[0].income_share",
    ]
    text = run_cli("check", EX + "facts-missing-incomplete.yaml", *AS_OF).stdout
    assert (
        "Please provide: Is your organisation registered with the Information Commissioner's "
        "Office (ICO)? (governance.ico_registered, near line 32)"
    ) in text


# --- exit codes and errors ----------------------------------------------------------------


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
    """2 outranks 6, the most severe outcome: the precedence is not the largest code."""
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
    assert len(lines) == 2
    assert lines[0]["outcome"] == "ineligible"
    assert lines[1]["error"]["line"] == 14  # the file's own "expect-line"


def test_an_engine_failure_exits_1_whatever_else_the_batch_holds(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1 outranks every other code; the other profiles are still decided and reported."""
    real = evaluate

    def failing(loaded: LoadedProfile, ruleset: RuleSet, **kwargs: Any) -> Decision:
        if loaded.file.endswith("labour-provider.yaml"):
            raise EngineError("engines disagree")
        return real(loaded, ruleset, **kwargs)

    monkeypatch.setattr("imsa_eligibility.decision.evaluate", failing)
    result = run_cli(
        "check", EX + "police-force.yaml", EX + "labour-provider.yaml", *AS_OF, "-o", "jsonl"
    )
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("outcome") for line in lines] == ["ineligible", None]
    assert lines[1]["error"]["message"].startswith("internal error: engines disagree")
    assert "internal error deciding profiles/examples/labour-provider.yaml" in result.stderr


def test_an_unexpected_exception_is_an_internal_error_not_a_traceback(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.check, "run_check", broken)
    result = run_cli("check", EX + "police-force.yaml")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "internal error: RuntimeError: boom. Please report this.\n"


def test_nation_option_replaces_the_profiles_nations(run_cli: Run) -> None:
    result = run_cli(
        "check", EX + "survivor-charity-eligible.yaml", *AS_OF, "--nation", "scotland", "-o", "json"
    )
    decision = json.loads(result.stdout)["decisions"][0]
    assert list(decision["nations"]) == ["scotland"]
    assert decision["notes"] == ["scotland is not among the nations the profile names"]


def test_unknown_nation_is_a_usage_error_with_a_suggestion(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--nation", "englnd")
    assert (result.returncode, result.stdout) == (2, "")
    assert "did you mean 'england'?" in result.stderr


def test_bad_date_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--as-of", "28/11/2026")
    assert (result.returncode, result.stdout) == (2, "")
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
    assert (result.returncode, result.stdout) == (6, "")
    assert json.loads(target.read_text(encoding="utf-8"))["decisions"][0]["outcome"] == (
        "ineligible"
    )


def test_an_empty_folder_is_an_error_not_a_silent_pass(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "holds no profile" in result.stdout


def test_unwritable_output_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("check", EX + "police-force.yaml", "--output", "/nonexistent/dir/r.txt")
    assert result.returncode == 2
    assert "cannot write /nonexistent/dir/r.txt" in result.stderr
    assert "Traceback" not in result.stderr


# --- as a real process ----------------------------------------------------------------------


def test_process_check_is_what_the_in_process_run_says_whatever_the_hash_seed(
    run_cli: Run,
) -> None:
    """A real process with another hash seed writes the same bytes as the in-process run.

    Set iteration order differs between hash seeds, so an order taken from a set would
    show here; and the in-process runner is checked against a real process.
    """
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"  # never this process's
    args = ("check", "profiles/examples", *AS_OF, "-o", "json")
    real = cli_process(*args, env={"PYTHONHASHSEED": seed})
    assert real.returncode == 6, real.stderr
    here = run_cli(*args)
    assert (here.returncode, here.stdout, here.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )


_FAIL_THEN_MAIN = (
    "import sys, cli.check\n"
    "def boom(*args, **kwargs):\n"
    "    raise RuntimeError('boom')\n"
    "cli.check.run_check = boom\n"
    "sys.argv[0] = 'imsa-eligibility'\n"
    "from cli.app import main\n"
    "main()\n"
)


def test_process_an_internal_error_exits_1_with_one_line_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FAIL_THEN_MAIN, "check", EX + "police-force.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "internal error: RuntimeError: boom. Please report this.\n"
