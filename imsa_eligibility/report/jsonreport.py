"""Decisions and errors as the JSON report's objects (contract ``imsa-eligibility/report/v1``).

The documents themselves are written by :mod:`.stream` (``JsonWriter``, ``JsonLinesWriter``).
"""

from __future__ import annotations

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
