"""The JSON Schema of the ``-o json`` report (contract ``imsa-eligibility/report/v1``).

Published as ``schemas/report.schema.json`` so that tools reading reports can check them.
The contract is closed where it is fixed (``additionalProperties: false``); ``verified_by``
and ``waivers_sha256`` are optional, because reports written before them lack them, and a
finding's ``waiver`` is written only when the finding is waived, and a nation's ``what_if``
only with ``check --what-if``. Each line of ``-o jsonl``
is either a ``#/$defs/decision`` or an object whose only key ``error`` is a
``#/$defs/error``.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import Effect, Nation, Outcome, Verdict
from .jsonreport import SCHEMA

_TEXT: dict[str, Any] = {"type": "string"}
_NAME: dict[str, Any] = {"type": "string", "minLength": 1}
_SHA256: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_LINE: dict[str, Any] = {"type": "integer", "minimum": 1}
_PATHS: dict[str, Any] = {
    "type": "array",
    "items": _NAME,
    "description": "dotted fact paths with list indexes, such as "
    "related_organisations[2].income_share",
}
_ENGINE: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """A closed object: every property required except ``optional``."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _evidence() -> dict[str, Any]:
    schema = _object(
        {
            "path": {**_NAME, "description": "the fact's path in the profile"},
            "value": {"description": "the fact's value; null when it is unknown"},
            "file": _NAME,
            "line": {
                **_LINE,
                "description": "the fact's line, or that of its nearest present parent",
            },
            "chain": {
                "type": "array",
                "minItems": 1,
                "items": _object({"id": _NAME, "name": _NAME}),
                "description": "control chain from the applicant to the matching organisation",
            },
            "missing": {
                "type": "array",
                "items": _NAME,
                "description": "the values a list lacks (has_all tests)",
            },
            "at_least": {
                "const": True,
                "description": "a sum known only to be at least value (some terms unknown)",
            },
            "checked": {
                "const": True,
                "description": "a summary of a list: value is the number of items checked",
            },
            "omitted": {
                "type": "integer",
                "minimum": 1,
                "description": "how many checked items' evidence is not listed",
            },
        },
        optional=("chain", "missing", "at_least", "checked", "omitted"),
    )
    schema["description"] = "a fact a verdict rests on, located in the profile"
    return schema


def _finding() -> dict[str, Any]:
    schema = _object(
        {
            "rule": _NAME,
            "title": _NAME,
            "section": {"type": "integer", "enum": [1, 2, 3, 4]},
            "effect": {"enum": [m.value for m in Effect]},
            "verdict": {"enum": [m.value for m in Verdict]},
            "waivable": {"type": "boolean"},
            "waived": {"type": "boolean"},
            "because": _TEXT,
            "remedy": _TEXT,
            "source": _TEXT,
            "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence"}},
            "to_provide": _PATHS,
            "waiver": {"$ref": "#/$defs/waiver"},
        },
        optional=("waiver",),
    )
    schema["description"] = "one applicable rule's verdict for one nation"
    return schema


def _waiver() -> dict[str, Any]:
    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    schema = _object(
        {
            "file": {**_NAME, "description": "the waivers file"},
            "line": {**_LINE, "description": "the waiver's line in the waivers file"},
            "panel": _NAME,
            "approved_by": _NAME,
            "approved_on": date,
            "expires": {**date, "description": "the last day the waiver is in force"},
            "justification": _NAME,
            "conditions": {"oneOf": [_NAME, {"type": "null"}]},
        }
    )
    schema["description"] = (
        "the panel's waiver a finding is waived by (present only on waived findings)"
    )
    return schema


def _nation() -> dict[str, Any]:
    return _object(
        {
            "outcome": {"$ref": "#/$defs/outcome"},
            "to_provide": _PATHS,
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "what_if": {
                "type": "array",
                "maxItems": 5,
                "items": {"$ref": "#/$defs/what_if"},
                "description": "present only with check --what-if: the smallest sets of "
                "changes that give this nation a better outcome, best first; empty when the "
                "nation is eligible or none was found",
            },
        },
        optional=("what_if",),
    )


def _what_if() -> dict[str, Any]:
    change = _object(
        {
            "path": {**_NAME, "description": "the fact's path in the profile (report syntax)"},
            "from": {"description": "the fact's value now; null when it is unknown"},
            "to": {
                "not": {"type": "null"},
                "description": "the fact's new value (the whole list, for a list fact)",
            },
        }
    )
    schema = _object(
        {
            "changes": {"type": "array", "minItems": 1, "maxItems": 3, "items": change},
            "outcome": {
                "$ref": "#/$defs/outcome",
                "description": "the nation's outcome with the changes made, decided again",
            },
        }
    )
    schema["description"] = "a set of changes to the profile and the outcome they would give"
    return schema


def _decision() -> dict[str, Any]:
    nations = [m.value for m in Nation]
    schema = _object(
        {
            "file": _NAME,
            "organisation": _object({"id": _NAME, "name": _NAME}),
            "outcome": {"$ref": "#/$defs/outcome"},
            "nations": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"enum": nations},
                "additionalProperties": {"$ref": "#/$defs/nation"},
            },
            "ruleset": _object({"id": _NAME, "version": _NAME, "sha256": _SHA256}),
            "profile_sha256": _SHA256,
            "waivers_sha256": {
                "oneOf": [_SHA256, {"type": "null"}],
                "description": "sha256 of the panel's waivers file the findings were checked "
                "against (check --waivers); null without one (absent in reports written "
                "before it existed)",
            },
            "tool_version": _NAME,
            "as_of": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "engine": {**_ENGINE, "description": "the engine that decided"},
            "verified_by": {
                "oneOf": [_ENGINE, {"type": "null"}],
                "description": "the engine that cross-checked the deciding one; null when "
                "only one engine ran (absent in reports written before it existed)",
            },
            "notes": {"type": "array", "items": _NAME},
        },
        optional=("verified_by", "waivers_sha256"),
    )
    schema["description"] = "the decision on one profile, with what is needed to replay it"
    return schema


def _error() -> dict[str, Any]:
    schema = _object(
        {
            "file": _NAME,
            "line": _LINE,
            "column": _LINE,
            "path": {**_TEXT, "description": "the path in the document; empty for all of it"},
            "message": _NAME,
        }
    )
    schema["description"] = "a problem with an input file, located"
    return schema


def report_schema() -> dict[str, Any]:
    """The draft 2020-12 JSON Schema of the ``-o json`` report."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imsa-eligibility.invalid/schemas/report.schema.json",
        "title": "imsa-eligibility report",
        "description": f"The JSON report ({SCHEMA}) printed by `imsa-eligibility check -o json`.",
        **_object(
            {
                "schema": {"const": SCHEMA},
                "decisions": {"type": "array", "items": {"$ref": "#/$defs/decision"}},
                "errors": {"type": "array", "items": {"$ref": "#/$defs/error"}},
            }
        ),
        "$defs": {
            "outcome": {"enum": [m.value for m in Outcome]},
            "decision": _decision(),
            "nation": _nation(),
            "what_if": _what_if(),
            "finding": _finding(),
            "waiver": _waiver(),
            "evidence": _evidence(),
            "error": _error(),
        },
    }


__all__ = ["report_schema"]
