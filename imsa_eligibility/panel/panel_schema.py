"""The JSON Schema of a panel's members file (``schema_version: 1``), for editors and tools.

Published as ``schemas/panel.schema.json`` (``imsa-eligibility schema panel``). It says what
the file's shape is; that member ids are unique is checked when the file is read
(:mod:`.members`), not here.
"""

from __future__ import annotations

from typing import Any

from ..profile.enums import Register
from ..profile.model import MAX_TEXT, SLUG_PATTERN, TEXT_PATTERN
from .members import SCHEMA_VERSION, InterestRelation


def _text(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_TEXT,
        "pattern": TEXT_PATTERN,
        "not": {"pattern": "\n"},
        "description": description,
    }


def _interest() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "one declared interest: an organisation or a person, and the "
        "member's relation to it",
        "properties": {
            "organisation": _text("the organisation's name"),
            "person": _text("the person's name"),
            "registrations": {
                "type": "array",
                "description": "the organisation's public registrations (optional)",
                "items": {
                    "type": "object",
                    "properties": {
                        "register": {"enum": [r.value for r in Register]},
                        "number": _text("the number on that register, as text"),
                    },
                    "required": ["register", "number"],
                    "additionalProperties": False,
                },
            },
            "relation": {
                "enum": [r.value for r in InterestRelation],
                "description": "how the member stands, or stood, to it",
            },
            "until": {
                "anyOf": [
                    {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    {"type": "null"},
                ],
                "description": "the day the interest ended (YYYY-MM-DD); left out: current",
            },
        },
        "required": ["relation"],
        "oneOf": [
            {"required": ["organisation"], "not": {"required": ["person"]}},
            {"required": ["person"], "not": {"required": ["organisation"]}},
        ],
        "additionalProperties": False,
    }


def panel_schema() -> dict[str, Any]:
    """The draft 2020-12 JSON Schema of a panel's members file."""
    member = {
        "type": "object",
        "description": "a panel member and their declared interests",
        "properties": {
            "id": {
                "type": "string",
                "pattern": SLUG_PATTERN,
                "description": "a short id, unique among members",
            },
            "name": _text("the member's name"),
            "interests": {"type": "array", "items": {"$ref": "#/$defs/interest"}},
        },
        "required": ["id", "name", "interests"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imsa-eligibility.invalid/schemas/panel.schema.json",
        "title": "imsa-eligibility panel members file",
        "description": "An accreditation panel's members and their interests (`imsa-eligibility "
        "panel conflicts --panel FILE`).",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "panel": _text("the panel's name"),
            "members": {"type": "array", "items": {"$ref": "#/$defs/member"}},
        },
        "required": ["schema_version", "panel", "members"],
        "additionalProperties": False,
        "$defs": {"member": member, "interest": _interest()},
    }


__all__ = ["panel_schema"]
