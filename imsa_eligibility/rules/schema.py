"""The JSON Schema of rule files, published for editors and enforced at load.

Two kinds of file live under ``rules/``: one ``ruleset.yaml`` (``kind: ruleset``: the rule
set's id and version, named lists, per-nation parameters and derived sums) and any number of
rule files (``kind: rules``). Conditions are a closed set of operators; nothing is code.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import Effect, Nation

NATIONS = [n.value for n in Nation]
EFFECTS = [e.value for e in Effect]
LEAF_OPERATORS = {
    "is": "the fact is true (is: true) or false (is: false)",
    "equals": "the fact equals the value",
    "not_equals": "the fact is known and differs from the value",
    "less_than": "the number is less than the value",
    "at_most": "the number is at most the value",
    "more_than": "the number is more than the value",
    "at_least": "the number is at least the value",
    "one_of": "the fact is one of the values",
    "has": "the list fact contains the value",
    "has_any": "the list fact contains at least one of the values",
    "has_all": "the list fact contains every one of the values",
}
DERIVED_OPERATORS = ["equals", "not_equals", "less_than", "at_most", "more_than", "at_least"]

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
_SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}
_PARAM_REF: dict[str, Any] = {
    "type": "object",
    "description": "the parameter's value for the nation being decided, on the date decided",
    "properties": {"param": _NAME},
    "required": ["param"],
    "additionalProperties": False,
}
_ITEM: dict[str, Any] = {"oneOf": [_SCALAR, _PARAM_REF]}
_OPERAND: dict[str, Any] = {
    "description": "a value, a list of values (each may be {param: NAME}), {list: NAME}, "
    "{param: NAME} or {fact: PATH}",
    "oneOf": [
        _SCALAR,
        {"type": "array", "items": _ITEM, "minItems": 1},
        {
            "type": "object",
            "properties": {"list": _NAME},
            "required": ["list"],
            "additionalProperties": False,
        },
        _PARAM_REF,
        {
            "type": "object",
            "properties": {"fact": _TEXT},
            "required": ["fact"],
            "additionalProperties": False,
        },
    ],
}
_THRESHOLD: dict[str, Any] = {
    "description": "a number, or {param: NAME} (a numeric parameter)",
    "oneOf": [{"type": "number"}, _PARAM_REF],
}
#: A parameter's value for one nation: one value, or a list of values (for has_any ...).
_PARAMETER_VALUE: dict[str, Any] = {
    "oneOf": [
        _SCALAR,
        {"type": "array", "items": _SCALAR, "minItems": 1, "uniqueItems": True},
    ]
}


def _one_key(key: str, value: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props = {key: value, **(extra or {})}
    return {"type": "object", "properties": props, "required": [key], "additionalProperties": False}


def _condition() -> dict[str, Any]:
    ref = {"$ref": "#/$defs/condition"}
    leaf = {
        "type": "object",
        "description": "a test of one fact: {fact: PATH, OPERATOR: VALUE}",
        "properties": {
            "fact": {**_TEXT, "description": "dotted path of the fact"},
            **{op: {**_OPERAND, "description": text} for op, text in LEAF_OPERATORS.items()},
        },
        "required": ["fact"],
        "minProperties": 2,
        "maxProperties": 2,
        "additionalProperties": False,
    }
    derived = {
        "type": "object",
        "description": "compare a derived sum: {derived: NAME, OPERATOR: NUMBER} (or "
        "OPERATOR: {param: NAME})",
        "properties": {"derived": _NAME, **dict.fromkeys(DERIVED_OPERATORS, _THRESHOLD)},
        "required": ["derived"],
        "minProperties": 2,
        "maxProperties": 2,
        "additionalProperties": False,
    }
    return {
        "oneOf": [
            _one_key("all", {"type": "array", "items": ref, "minItems": 1}),
            _one_key("any", {"type": "array", "items": ref, "minItems": 1}),
            _one_key("not", ref),
            {**_one_key("some", _TEXT, {"where": ref}), "required": ["some", "where"]},
            {**_one_key("every", _TEXT, {"where": ref}), "required": ["every", "where"]},
            leaf,
            derived,
        ]
    }


_TEXTS = {"title": _TEXT, "because": _TEXT, "remedy": _TEXT, "source": _TEXT}
_OVERRIDE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "effect": {"enum": EFFECTS},
        "waivable": {"type": "boolean"},
        **_TEXTS,
        "parameters": {
            "type": "object",
            "propertyNames": _NAME,
            "additionalProperties": _PARAMETER_VALUE,
        },
    },
}
_RULE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "section",
        "effect",
        "waivable",
        "when",
        "because",
        "remedy",
        "source",
    ],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^[A-Z]{2,5}-[0-9]{3}$",
            "description": "stable id such as IND-001; never reused",
        },
        **_TEXTS,
        "section": {
            "type": "integer",
            "enum": [1, 2, 3, 4],
            "description": "framework section: 1 ethos and governance, 2 role and "
            "remit, 3 training and accreditation, 4 organisations employing an IMSA",
        },
        "effect": {"enum": EFFECTS},
        "waivable": {"type": "boolean"},
        "nations": {
            "type": "array",
            "items": {"enum": NATIONS},
            "minItems": 1,
            "uniqueItems": True,
        },
        "effective_from": _DATE,
        "effective_to": _DATE,
        "when": {"$ref": "#/$defs/condition"},
        "overrides": {
            "type": "object",
            "propertyNames": {"enum": NATIONS},
            "additionalProperties": _OVERRIDE,
        },
        "aliases": {"type": "array", "items": {"type": "string"}},
    },
}
_VALUES = {"type": "array", "items": _TEXT, "minItems": 1, "uniqueItems": True}
_LIST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["description", "values"],
    "properties": {
        "description": _TEXT,
        "source": _TEXT,
        "values": _VALUES,
        "changes": {
            "type": "array",
            "minItems": 1,
            "description": "dated changes, in date order: from each effective_from on, the "
            "list holds the change's values",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["effective_from", "values"],
                "properties": {"effective_from": _DATE, "values": _VALUES, "source": _TEXT},
            },
        },
    },
}
_BY_NATION = {
    "type": "object",
    "propertyNames": {"enum": NATIONS},
    "additionalProperties": _PARAMETER_VALUE,
    "minProperties": 1,
}
_PARAMETER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["description", "by_nation"],
    "properties": {
        "description": _TEXT,
        "source": _TEXT,
        "by_nation": _BY_NATION,
        "changes": {
            "type": "array",
            "minItems": 1,
            "description": "dated changes, in date order: from each effective_from on, the "
            "nations the change names take its values; the others keep theirs",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["effective_from", "by_nation"],
                "properties": {"effective_from": _DATE, "by_nation": _BY_NATION, "source": _TEXT},
            },
        },
    },
}
_DERIVED = {
    "type": "object",
    "additionalProperties": False,
    "required": ["description", "sum", "over", "where"],
    "properties": {
        "description": _TEXT,
        "sum": _TEXT,
        "over": _TEXT,
        "where": {"$ref": "#/$defs/condition"},
    },
}


def rules_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every file under ``rules/`` must match."""
    ruleset = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "id", "version", "title"],
        "properties": {
            "kind": {"const": "ruleset"},
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
            "version": _TEXT,
            "title": _TEXT,
            "description": _TEXT,
            "lists": {"type": "object", "propertyNames": _NAME, "additionalProperties": _LIST},
            "parameters": {
                "type": "object",
                "propertyNames": _NAME,
                "additionalProperties": _PARAMETER,
            },
            "derived": {"type": "object", "propertyNames": _NAME, "additionalProperties": _DERIVED},
            "labels": {
                "type": "object",
                "additionalProperties": _TEXT,
                "description": "plain words for enum values, used in explanations",
            },
            "changeable": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": r"^[a-z_]+(\.[a-z_]+)*$"},
                "description": "facts an applicant can change, such as "
                "governance.ico_registered (what check --what-if may suggest)",
            },
        },
    }
    rules = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "rules"],
        "properties": {
            "kind": {"const": "rules"},
            "description": _TEXT,
            "rules": {"type": "array", "items": _RULE},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imsa-eligibility.invalid/schemas/rules.schema.json",
        "title": "imsa-eligibility rule file",
        "description": "A rule set's ruleset.yaml (kind: ruleset) or a file of rules "
        "(kind: rules).",
        "type": "object",
        "required": ["kind"],
        "if": {"properties": {"kind": {"const": "ruleset"}}},
        "then": {"$ref": "#/$defs/ruleset"},
        "else": {"$ref": "#/$defs/rules"},
        "$defs": {"ruleset": ruleset, "rules": rules, "condition": _condition()},
    }
