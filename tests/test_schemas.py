"""The committed JSON Schemas are the ones the code publishes, and reports follow theirs."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest

from imsa_eligibility.report.schema import report_schema
from imsa_eligibility.schemas import SCHEMAS, schema_text
from tests.conftest import ROOT

NAMES = list(SCHEMAS)
GOLDEN_REPORTS = sorted((ROOT / "tests" / "golden" / "examples").glob("*.json"))


def _validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _golden() -> dict[str, Any]:
    """Every example's golden report, as one batch report."""
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in GOLDEN_REPORTS]
    assert len(reports) >= 20
    return {**reports[0], "decisions": [r["decisions"][0] for r in reports]}


def test_the_registry_names_every_published_schema() -> None:
    assert NAMES == ["profile", "rules", "report", "waivers", "panel", "diff"]
    for entry in SCHEMAS.values():
        assert entry.description


@pytest.mark.parametrize("name", NAMES)
def test_committed_schema_is_current(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), (
        f"schemas/{name}.schema.json is stale: run "
        f"`imsa-eligibility schema {name} > schemas/{name}.schema.json`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_cli_prints_the_schema(name: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schema", name)
    assert result.returncode == 0
    assert result.stdout == schema_text(name)


def test_an_unknown_schema_name_is_refused() -> None:
    with pytest.raises(ValueError, match="use one of profile, rules, report"):
        schema_text("reports")


def test_the_golden_report_follows_the_report_schema() -> None:
    report = _golden()
    assert report["decisions"], "the golden report should hold decisions"
    _validator().validate(report)


def test_a_fresh_report_follows_the_report_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    args = ("check", "profiles/examples", "--as-of", "2026-11-28")
    report = json.loads(run_cli(*args, "-o", "json").stdout)
    _validator().validate(report)
    for line in run_cli(*args, "-o", "jsonl").stdout.splitlines():
        _definition("decision").validate(json.loads(line))


def test_a_report_without_verified_by_is_still_valid() -> None:
    report = _golden()
    for decision in report["decisions"]:
        decision.pop("verified_by", None)
    _validator().validate(report)


def test_verified_by_may_name_an_engine_or_be_null() -> None:
    report = _golden()
    report["decisions"][0]["verified_by"] = "native"
    report["decisions"][-1]["verified_by"] = None
    _validator().validate(report)


def _broken(report: dict[str, Any], change: str) -> dict[str, Any]:
    broken = copy.deepcopy(report)
    decision = broken["decisions"][0]
    nation = next(iter(decision["nations"].values()))
    finding = nation["findings"][0]
    if change == "outcome":
        decision["outcome"] = "eligable"
    elif change == "nation outcome":
        nation["outcome"] = "ok"
    elif change == "verdict":
        finding["verdict"] = "true"
    elif change == "effect":
        finding["effect"] = "warn"
    elif change == "nation":
        decision["nations"]["cornwall"] = nation
    elif change == "extra key":
        finding["severity"] = "high"
    elif change == "missing key":
        del decision["as_of"]
    elif change == "schema":
        broken["schema"] = "imsa-eligibility/report/v2"
    elif change == "error":
        broken["errors"] = [{"file": "x.yaml", "line": 0, "column": 1, "path": "", "message": "m"}]
    return broken


@pytest.mark.parametrize(
    "change",
    [
        "outcome",
        "nation outcome",
        "verdict",
        "effect",
        "nation",
        "extra key",
        "missing key",
        "schema",
        "error",
    ],
)
def test_a_report_that_breaks_the_contract_is_refused(change: str) -> None:
    broken = _broken(_golden(), change)
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(broken)


def _definition(name: str) -> jsonschema.Draft202012Validator:
    schema = report_schema()
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})


def test_each_jsonl_line_follows_its_definition() -> None:
    _definition("decision").validate(_golden()["decisions"][0])
    located = {"file": "a.yaml", "line": 3, "column": 5, "path": "people[0].id", "message": "m"}
    _definition("error").validate(located)
    with pytest.raises(jsonschema.ValidationError):
        _definition("error").validate({**located, "line": "3"})
