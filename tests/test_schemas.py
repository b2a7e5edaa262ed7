"""The committed JSON Schemas are the ones the code publishes."""

from __future__ import annotations

import pytest

from imsa_eligibility.schemas import SCHEMAS, schema_text
from tests.conftest import ROOT


@pytest.mark.parametrize("name", SCHEMAS)
def test_committed_schema_is_current(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), (
        f"schemas/{name}.schema.json is stale: run "
        f"`imsa-eligibility schema {name} > schemas/{name}.schema.json`"
    )


@pytest.mark.parametrize("name", SCHEMAS)
def test_cli_prints_the_schema(name: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schema", name)
    assert result.returncode == 0
    assert result.stdout == schema_text(name)
