"""The published JSON Schemas: profiles (from the model), rules, reports, waivers and panel files.

:data:`SCHEMAS` is the registry: each name maps to a one-line description and the function
that builds the schema. ``schemas/NAME.schema.json`` holds the committed copy of each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple


class SchemaEntry(NamedTuple):
    """A published schema: what it describes, and the function that builds it."""

    description: str
    build: Callable[[], dict[str, Any]]


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, generated from the model."""
    from .profile.model import Profile

    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _rules_schema() -> dict[str, Any]:
    from .rules.schema import rules_schema

    return rules_schema()


def _report_schema() -> dict[str, Any]:
    from .report.schema import report_schema

    return report_schema()


def _waivers_schema() -> dict[str, Any]:
    from .panel.schema import waivers_schema

    return waivers_schema()


def _diff_schema() -> dict[str, Any]:
    from .policy.impact_schema import diff_schema

    return diff_schema()


def _panel_schema() -> dict[str, Any]:
    from .panel.panel_schema import panel_schema

    return panel_schema()


SCHEMAS: Mapping[str, SchemaEntry] = MappingProxyType(
    {
        "profile": SchemaEntry("an employer profile (YAML or JSON)", profile_schema),
        "rules": SchemaEntry("a rule file or ruleset.yaml under rules/", _rules_schema),
        "report": SchemaEntry("the JSON report of `check -o json`", _report_schema),
        "waivers": SchemaEntry("a panel's waivers file (`check --waivers FILE`)", _waivers_schema),
        "panel": SchemaEntry(
            "a panel's members file (`panel conflicts --panel FILE`)", _panel_schema
        ),
        "diff": SchemaEntry("the JSON of `rules diff OLD NEW -o json`", _diff_schema),
    }
)
"""Every published schema by name, in the order they are listed."""


def schema_text(name: str) -> str:
    """The schema ``name`` (a key of :data:`SCHEMAS`) as stable, indented JSON text."""
    entry = SCHEMAS.get(name)
    if entry is None:
        raise ValueError(f"unknown schema {name!r}; use one of {', '.join(SCHEMAS)}")
    return json.dumps(entry.build(), indent=2, ensure_ascii=False) + "\n"
