"""The JSON Schema of ``rules diff -o json`` (contract ``imsa-eligibility/diff/v1``).

Published as ``schemas/diff.schema.json``. Objects are closed where the contract fixes
them; fields may be added compatibly, with the schema.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import Nation, Outcome, Verdict
from .impact import CHANGES, FIELDS, SCHEMA

_NAME: dict[str, Any] = {"type": "string", "minLength": 1}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _ruleset(which: str) -> dict[str, Any]:
    schema = _object(
        {
            "id": _NAME,
            "version": _NAME,
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "as_of": {
                "type": "string",
                "format": "date",
                "description": "the date the rule set was taken on (its values in force then)",
            },
        }
    )
    return {**schema, "description": f"the {which} rule set"}


def _verdict() -> dict[str, Any]:
    return {
        "oneOf": [{"enum": [v.value for v in Verdict]}, {"type": "null"}],
        "description": "the rule's verdict; null where the rule does not apply",
    }


def diff_schema() -> dict[str, Any]:
    """The JSON Schema of the diff document."""
    nations = {"enum": [n.value for n in Nation]}
    outcome = {"enum": [o.value for o in Outcome]}
    change = _object(
        {
            "rule": _NAME,
            "change": {"enum": list(CHANGES)},
            "nations": {
                "type": "array",
                "items": nations,
                "description": "the nations where the rule changed so, in nation order",
            },
            "fields": {
                "type": "array",
                "items": {"enum": list(FIELDS)},
                "uniqueItems": True,
                "description": "what changed; empty for a rule in one rule set only",
            },
        }
    )
    verdict_change = _object({"rule": _NAME, "before": _verdict(), "after": _verdict()})
    flip = _object(
        {
            "file": _NAME,
            "organisation": _object({"id": _NAME, "name": _NAME}),
            "nation": nations,
            "before": {**outcome, "description": "the outcome under the old rules"},
            "after": {**outcome, "description": "the outcome under the new rules"},
            "rules": {
                "type": "array",
                "items": {"$ref": "#/$defs/verdict_change"},
                "description": "only the rules whose verdict changed",
            },
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imsa-eligibility.invalid/schemas/diff.schema.json",
        "title": "imsa-eligibility rule set diff",
        "description": "What `imsa-eligibility rules diff OLD NEW -o json` writes: the rules "
        "that changed, and the profiles and nations whose outcome or a verdict changed.",
        **_object(
            {
                "schema": {"const": SCHEMA},
                "old": _ruleset("old"),
                "new": _ruleset("new"),
                "profiles": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "how many profiles were decided under both (0: none given)",
                },
                "rules": {"type": "array", "items": {"$ref": "#/$defs/rule_change"}},
                "flips": {"type": "array", "items": {"$ref": "#/$defs/flip"}},
            }
        ),
        "$defs": {"rule_change": change, "verdict_change": verdict_change, "flip": flip},
    }
