"""A decision read back from its report JSON, so that any report format can show it again.

:func:`decision_from_json` is the inverse of
:func:`imsa_eligibility.report.jsonreport.decision_json`: for every decision ``d``,
``decision_json(decision_from_json(decision_json(d)))`` is ``decision_json(d)``, and the
text report of the two is the same. The register keeps decisions as JSON; this is how
``register show`` renders one as text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..decision import AppliedWaiver, Decision, EvidenceItem, Finding, NationDecision
from ..errors import UsageError
from ..report.jsonreport import decision_json
from ..vocabulary import Effect, Nation, Outcome, Verdict


class StoredDecisionError(UsageError):
    """Stored JSON that is not a decision of the report contract."""


def _evidence(data: dict[str, Any]) -> EvidenceItem:
    return EvidenceItem(
        path=data["path"],
        value=data["value"],
        file=data["file"],
        line=data["line"],
        chain=tuple((step["id"], step["name"]) for step in data.get("chain", ())),
        missing=tuple(data.get("missing", ())),
        at_least=bool(data.get("at_least", False)),
        checked=bool(data.get("checked", False)),
        omitted=int(data.get("omitted", 0)),
    )


def _waiver(data: dict[str, Any] | None) -> AppliedWaiver | None:
    if data is None:
        return None
    return AppliedWaiver(
        file=data["file"],
        line=data["line"],
        panel=data["panel"],
        approved_by=data["approved_by"],
        approved_on=dt.date.fromisoformat(data["approved_on"]),
        expires=dt.date.fromisoformat(data["expires"]),
        justification=data["justification"],
        conditions=data.get("conditions"),
    )


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(
        rule=data["rule"],
        title=data["title"],
        section=data["section"],
        effect=Effect(data["effect"]),
        verdict=Verdict(data["verdict"]),
        waivable=data["waivable"],
        because=data["because"],
        remedy=data["remedy"],
        source=data["source"],
        evidence=tuple(_evidence(e) for e in data["evidence"]),
        to_provide=tuple(data["to_provide"]),
        waived=data["waived"],
        waiver=_waiver(data.get("waiver")),
    )


def decision_from_json(data: dict[str, Any]) -> Decision:
    """The decision whose report object is ``data``.

    Raises :class:`StoredDecisionError` when ``data`` is not such an object.
    """
    try:
        return Decision(
            file=data["file"],
            organisation_id=data["organisation"]["id"],
            organisation_name=data["organisation"]["name"],
            outcome=Outcome(data["outcome"]),
            nations=tuple(
                NationDecision(
                    nation=Nation(name),
                    outcome=Outcome(nation["outcome"]),
                    to_provide=tuple(nation["to_provide"]),
                    findings=tuple(_finding(f) for f in nation["findings"]),
                )
                for name, nation in data["nations"].items()
            ),
            ruleset_id=data["ruleset"]["id"],
            ruleset_version=data["ruleset"]["version"],
            ruleset_sha256=data["ruleset"]["sha256"],
            profile_sha256=data["profile_sha256"],
            tool_version=data["tool_version"],
            as_of=dt.date.fromisoformat(data["as_of"]),
            engine=data["engine"],
            verified_by=data.get("verified_by"),
            notes=tuple(data.get("notes", ())),
            waivers_sha256=data.get("waivers_sha256"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoredDecisionError(
            f"the stored JSON is not a decision of the report contract ({type(exc).__name__}: "
            f"{exc})"
        ) from None


def shown_decision(ident: int, text: str) -> Decision:
    """Stored decision ``ident`` (its JSON ``text``) as a decision to render.

    Only a faithful reading is shown: when the decision read back would not give the
    stored JSON again (JSON written by another version, or changed by hand), it raises
    :class:`StoredDecisionError` rather than show something else.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise StoredDecisionError(
            f"decision {ident} is not JSON ({exc}): the register was changed by hand"
        ) from None
    if not isinstance(data, dict):
        raise StoredDecisionError(f"decision {ident} is not a decision object")
    decision = decision_from_json(data)
    if decision_json(decision) != data:
        raise StoredDecisionError(
            f"decision {ident} holds fields this version of imsa-eligibility does not "
            "know, so it cannot show it faithfully; 'register export' gives its JSON as "
            "stored"
        )
    return decision
