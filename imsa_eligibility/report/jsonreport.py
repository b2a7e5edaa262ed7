"""Decisions and errors as the JSON report's objects (contract ``imsa-eligibility/report/v1``).

The documents themselves are written by :mod:`.stream` (``JsonWriter``, ``JsonLinesWriter``);
:func:`decision_line` is the JSON Lines writer's text of one decision, the bytes of
``json.dumps(decision_json(decision), ensure_ascii=False)`` for less work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..decision import AppliedWaiver, Decision, EvidenceItem, Finding, NationDecision, WhatIf
from ..errors import Problem
from .encode import Raw, UnsupportedError, compact

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


def _head(finding: Finding) -> dict[str, Any]:
    """What a finding says before its evidence: the same for every profile it is made for."""
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
    }


def _waiver(waiver: AppliedWaiver) -> dict[str, Any]:
    return {
        "file": waiver.file,
        "line": waiver.line,
        "panel": waiver.panel,
        "approved_by": waiver.approved_by,
        "approved_on": waiver.approved_on.isoformat(),
        "expires": waiver.expires.isoformat(),
        "justification": waiver.justification,
        "conditions": waiver.conditions,
    }


def _tail(finding: Finding) -> dict[str, Any]:
    """What a finding rests on in this profile, after its head (and the panel's waiver,
    only when the finding is waived)."""
    tail: dict[str, Any] = {
        "evidence": [_evidence(e) for e in finding.evidence],
        "to_provide": list(finding.to_provide),
    }
    if finding.waiver is not None:
        tail["waiver"] = _waiver(finding.waiver)
    return tail


def _finding(finding: Finding) -> dict[str, Any]:
    return {**_head(finding), **_tail(finding)}


def _what_if(suggestion: WhatIf) -> dict[str, Any]:
    changes = [{"path": c.path, "from": c.before, "to": c.after} for c in suggestion.changes]
    return {"changes": changes, "outcome": suggestion.outcome}


def _nation(result: NationDecision, finding: Callable[[Finding], Any]) -> dict[str, Any]:
    """A nation's object; ``what_if`` only when suggestions were asked for (``--what-if``)."""
    out: dict[str, Any] = {
        "outcome": result.outcome,
        "to_provide": list(result.to_provide),
        "findings": [finding(f) for f in result.findings],
    }
    if result.what_if is not None:
        out["what_if"] = [_what_if(w) for w in result.what_if]
    return out


def _decision(decision: Decision, finding: Callable[[Finding], Any]) -> dict[str, Any]:
    """The decision's object, each finding as ``finding`` makes it (once per finding: a
    finding that several nations share is one object in the decision, and here)."""
    made: dict[int, Any] = {}

    def once(found: Finding) -> Any:
        known = made.get(id(found))
        if known is None:
            known = made[id(found)] = finding(found)
        return known

    return {
        "file": decision.file,
        "organisation": {"id": decision.organisation_id, "name": decision.organisation_name},
        "outcome": decision.outcome,
        "nations": {n.nation: _nation(n, once) for n in decision.nations},
        "ruleset": {
            "id": decision.ruleset_id,
            "version": decision.ruleset_version,
            "sha256": decision.ruleset_sha256,
        },
        "profile_sha256": decision.profile_sha256,
        "waivers_sha256": decision.waivers_sha256,
        "tool_version": decision.tool_version,
        "as_of": decision.as_of.isoformat(),
        "engine": decision.engine,
        "verified_by": decision.verified_by,
        "notes": list(decision.notes),
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as the report contract's object.

    A finding that several nations share (one object in the decision) is one object here
    too: read the result, do not change it in place.
    """
    return _decision(decision, _finding)


_compact_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False)


class _Heads:
    """The JSON text of finding heads, kept: a rule set has a few hundred at most (a rule
    per nation and verdict), and the most kept is bounded whatever the rule sets."""

    kept = 4096

    def __init__(self) -> None:
        self._texts: dict[tuple[Any, ...], str] = {}

    def text(self, finding: Finding) -> str:
        """The compact JSON text of the finding's :func:`_head`."""
        head = _head(finding)
        values = tuple(head.values())
        key = (*values, *map(type, values))  # equal values of one type: the same text
        try:
            known = self._texts.get(key)
        except TypeError:  # a value that cannot be a key (not one the model allows)
            return _compact_json(head)
        if known is None:
            if len(self._texts) >= self.kept:
                self._texts.clear()
            known = self._texts[key] = _compact_json(head)
        return known


_HEADS = _Heads()


def _finding_line(finding: Finding) -> Raw:
    """``json.dumps(_finding(finding))``: its head's text is made once per process."""
    head, tail = _HEADS.text(finding), _compact_json(_tail(finding))
    return Raw(head[:-1] + ", " + tail[1:])  # two objects' members, as one object


def decision_line(decision: Decision) -> str:
    """``json.dumps(decision_json(decision), ensure_ascii=False)``, for less work.

    Each finding is encoded once however many nations share it, and the part of it that
    the rule set fixes (:func:`_head`) once per process.
    """
    try:
        return compact(_decision(decision, _finding_line))
    except (UnsupportedError, RecursionError):
        return _compact_json(decision_json(decision))


def error_json(problem: Problem) -> dict[str, Any]:
    """An error as the report contract's object."""
    return problem.to_json()
