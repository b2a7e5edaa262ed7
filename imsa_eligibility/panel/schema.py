"""The JSON Schema of a panel's waivers file (``schema_version: 1``), for editors and tools.

Published as ``schemas/waivers.schema.json`` (``imsa-eligibility schema waivers``). It says
what the file's shape is; what depends on the rule set (that a rule exists and may be
waived in a nation), that ``expires`` is after ``approved_on``, and that each organisation,
rule and nation is waived once, are checked when the file is read
(:mod:`.waivers`), not here.
"""

from __future__ import annotations

from typing import Any

from ..profile.model import MAX_TEXT, SLUG_PATTERN, TEXT_PATTERN
from ..vocabulary import Nation
from .waivers import MAX_JUSTIFICATION, OPTIONAL_FIELDS, SCHEMA_VERSION, WAIVER_FIELDS


def _text(description: str, limit: int) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": limit,
        "pattern": TEXT_PATTERN,
        # Python's '$' also matches before a final line break (which YAML's '>' leaves):
        # refused here for every regex dialect.
        "not": {"pattern": "\n"},
        "description": description,
    }


def _date(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "format": "date",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": description,
    }


def _waiver() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "organisation": {
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "the organisation.id of the profile whose finding is waived",
        },
        "rule": {
            "type": "string",
            "pattern": "^[A-Z]{2,5}-[0-9]{3}$",
            "description": "the id of the rule waived; a rule of the rule set used",
        },
        "nations": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": [n.value for n in Nation]},
            "description": "the nations the rule is waived in, each one where the rule "
            "applies and is waivable; default: every such nation",
        },
        "justification": _text("the panel's reasons for the waiver", MAX_JUSTIFICATION),
        "approved_by": _text("who approved the waiver for the panel", MAX_TEXT),
        "approved_on": _date("the date the panel approved the waiver (YYYY-MM-DD)"),
        "expires": _date("the last day the waiver is in force (YYYY-MM-DD), after approved_on"),
        "conditions": {
            "anyOf": [
                _text(
                    "what the organisation must do while the waiver is in force", MAX_JUSTIFICATION
                ),
                {"type": "null"},
            ],
            "description": "what the organisation must do while the waiver is in force; "
            "optional (null is the same as leaving it out)",
        },
    }
    return {
        "type": "object",
        "description": "one rule set aside for one organisation, in some nations, from "
        "approved_on to expires (both inclusive)",
        "properties": properties,
        "required": [k for k in WAIVER_FIELDS if k not in OPTIONAL_FIELDS],
        "additionalProperties": False,
    }


def waivers_schema() -> dict[str, Any]:
    """The draft 2020-12 JSON Schema of a waivers file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imsa-eligibility.invalid/schemas/waivers.schema.json",
        "title": "imsa-eligibility waivers file",
        "description": "An accreditation panel's waivers (`imsa-eligibility check --waivers "
        "FILE`): each sets one rule aside for one organisation, for a time, with reasons.",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "panel": _text("the panel's name", MAX_TEXT),
            "waivers": {"type": "array", "items": {"$ref": "#/$defs/waiver"}},
        },
        "required": ["schema_version", "panel", "waivers"],
        "additionalProperties": False,
        "$defs": {"waiver": _waiver()},
    }


__all__ = ["waivers_schema"]
