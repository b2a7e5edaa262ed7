"""The JSON and JSON Lines reports (contract ``imsa-eligibility/report/v1``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..decision import Decision, EvidenceItem, Finding
from ..errors import Problem

SCHEMA = "imsa-eligibility/report/v1"


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": item.path,
        "value": item.value,
        "file": item.file,
        "line": item.line,
    }
    if item.chain:
        out["chain"] = [{"id": i, "name": n} for i, n in item.chain]
    if item.missing:
        out["missing"] = list(item.missing)
    if item.at_least:
        out["at_least"] = True
    if item.checked:
        out["checked"] = True
        if item.omitted:
            out["omitted"] = item.omitted
    return out


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "title": finding.title,
        "section": finding.section,
        "effect": finding.effect,
        "verdict": finding.verdict,
        "waivable": finding.waivable,
        "waived": finding.waived,
        "because": finding.because,
        "remedy": finding.remedy,
        "source": finding.source,
        "evidence": [_evidence(e) for e in finding.evidence],
        "to_provide": list(finding.to_provide),
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as the report contract's object."""
    return {
        "file": decision.file,
        "organisation": {"id": decision.organisation_id, "name": decision.organisation_name},
        "outcome": decision.outcome,
        "nations": {
            n.nation: {
                "outcome": n.outcome,
                "to_provide": list(n.to_provide),
                "findings": [_finding(f) for f in n.findings],
            }
            for n in decision.nations
        },
        "ruleset": {
            "id": decision.ruleset_id,
            "version": decision.ruleset_version,
            "sha256": decision.ruleset_sha256,
        },
        "profile_sha256": decision.profile_sha256,
        "tool_version": decision.tool_version,
        "as_of": decision.as_of.isoformat(),
        "engine": decision.engine,
        "verified_by": decision.verified_by,
        "notes": list(decision.notes),
    }


def error_json(problem: Problem) -> dict[str, Any]:
    """An error as the report contract's object."""
    return problem.to_json()


def render_json(decisions: Sequence[Decision], errors: Sequence[Problem]) -> str:
    """The whole report as one JSON document."""
    body = {
        "schema": SCHEMA,
        "decisions": [decision_json(d) for d in decisions],
        "errors": [error_json(e) for e in errors],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_jsonl(decisions: Sequence[Decision], errors: Sequence[Problem]) -> str:
    """One decision a line, then one ``{"error": ...}`` line per error."""
    lines = [json.dumps(decision_json(d), ensure_ascii=False) for d in decisions]
    lines += [json.dumps({"error": error_json(e)}, ensure_ascii=False) for e in errors]
    return "".join(line + "\n" for line in lines)
