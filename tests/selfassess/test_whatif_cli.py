"""``check --what-if`` end to end: golden reports, formats, batches, processes, waivers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT, Run
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
GOLDEN = ROOT / "tests" / "golden" / "whatif"
GOLDEN_PROFILES = [
    "profiles/examples/unregulated-immigration-advice.yaml",
    "profiles/examples/scio-funder-wants-case-data.yaml",
    "tests/data/whatif/two-exclusions-and-conditions.yaml",
]
WAIVERS = "profiles/waivers-example.yaml"


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("profile", GOLDEN_PROFILES, ids=lambda p: Path(p).stem)
def test_what_if_report_matches_its_golden(
    run_cli: Run, update_goldens: bool, profile: str, fmt: str
) -> None:
    result = run_cli("check", profile, "--what-if", *AS_OF, *NATIVE, "-o", fmt)
    assert result.returncode in (3, 4, 5, 6), result.stderr
    _golden(GOLDEN / f"{Path(profile).stem}.{fmt}", result.stdout, update_goldens)


def _report(run_cli: Run, *args: str) -> dict[str, Any]:
    result = run_cli("check", *args, *AS_OF, *NATIVE, "-o", "json")
    assert result.returncode not in (1, 2), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_the_json_has_what_if_only_with_the_flag(run_cli: Run) -> None:
    without = _report(run_cli, "profiles/examples")
    assert all("what_if" not in n for d in without["decisions"] for n in d["nations"].values())
    with_it = _report(run_cli, "profiles/examples", "--what-if")
    assert all("what_if" in n for d in with_it["decisions"] for n in d["nations"].values())
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(with_it, schema)
    # the same decisions otherwise, byte for byte
    for d in with_it["decisions"]:
        for n in d["nations"].values():
            del n["what_if"]
    assert with_it == without


def test_a_change_reads_path_from_to(run_cli: Run) -> None:
    report = _report(run_cli, "profiles/examples/scio-funder-wants-case-data.yaml", "--what-if")
    assert report["decisions"][0]["nations"]["scotland"]["what_if"] == [
        {
            "changes": [
                {
                    "path": "related_organisations[0].funding_conditions",
                    "from": ["case_data_sharing", "referral_quotas"],
                    "to": ["referral_quotas"],
                }
            ],
            "outcome": "eligible_with_conditions",
        }
    ]


def test_the_text_says_it_in_plain_words(run_cli: Run) -> None:
    result = run_cli(
        "check", "tests/data/whatif/two-exclusions-and-conditions.yaml", "--what-if", *AS_OF
    )
    assert (
        "If you adopt a written safeguarding policy for adults at risk and register with the "
        "Information Commissioner's Office (pay the data protection fee), you would be "
        "eligible with conditions in England." in result.stdout
    )
    assert "In the profile: governance.safeguarding_policy: false → true;" in result.stdout


def test_no_suggestion_is_said_plainly(run_cli: Run) -> None:
    result = run_cli("check", "profiles/examples/police-force.yaml", "--what-if", *AS_OF)
    assert result.returncode == 6
    assert "nothing you could change yourself, up to three answers at a time" in result.stdout


def test_jobs_and_jsonl_give_the_same_suggestions(run_cli: Run) -> None:
    args = ("check", "profiles/examples", "tests/data/whatif", "--what-if", *AS_OF, *NATIVE)
    one = run_cli(*args, "-o", "jsonl", "--jobs", "1")
    two = run_cli(*args, "-o", "jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 6
    assert one.stdout == two.stdout
    lines = [json.loads(line) for line in one.stdout.splitlines()]
    assert sum(len(n["what_if"]) for d in lines for n in d["nations"].values()) >= 10


def test_waivers_count_in_the_suggestions(run_cli: Run) -> None:
    """With ORG-001 waived in England, what is left there is the vetting condition."""
    profile = "profiles/examples/unincorporated-charity-no-insurance.yaml"
    plain = _report(run_cli, profile, "--what-if")["decisions"][0]["nations"]["england"]
    waived = _report(run_cli, profile, "--what-if", "--waivers", WAIVERS)
    england = waived["decisions"][0]["nations"]["england"]
    unwaived = [([c["path"] for c in w["changes"]], w["outcome"]) for w in plain["what_if"]]
    assert unwaived == [
        (["imsa_service.vetting_checks", "insurance.employers_liability"], "eligible"),
        (["insurance.employers_liability"], "eligible_with_conditions"),
    ]
    assert england["outcome"] == "eligible_with_conditions"
    assert england["what_if"] == [
        {
            "changes": [
                {
                    "path": "imsa_service.vetting_checks",
                    "from": ["basic_dbs"],
                    "to": ["basic_dbs", "enhanced_dbs_adults_barred"],
                }
            ],
            "outcome": "eligible",
        }
    ]


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv"])
def test_what_if_refuses_the_pack_formats(run_cli: Run, fmt: str, tmp_path: Path) -> None:
    result = run_cli("check", "profiles/examples", "--what-if", *AS_OF, "-o", fmt)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--what-if shows its suggestions in -o text, json, jsonl" in result.stderr
    assert f"not in -o {fmt}; drop --what-if or choose one of those formats" in result.stderr


def test_what_if_refuses_record(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    result = run_cli("check", "profiles/examples", "--what-if", "--record", str(db), *AS_OF)
    assert result.returncode == 2
    assert "--what-if cannot be used with --record" in result.stderr
    assert not db.exists()
