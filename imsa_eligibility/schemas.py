"""The published JSON Schemas: profiles (from the pydantic model) and rule files."""

from __future__ import annotations

import json
from typing import Any

SCHEMAS = ("profile", "rules")


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, generated from the model."""
    from .profile.model import Profile

    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(name: str) -> str:
    """The schema ``name`` (``profile`` or ``rules``) as stable, indented JSON text."""
    if name == "profile":
        schema = profile_schema()
    elif name == "rules":
        from .rules.schema import rules_schema

        schema = rules_schema()
    else:
        raise ValueError(f"unknown schema {name!r}; use one of {', '.join(SCHEMAS)}")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
