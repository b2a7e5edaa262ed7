"""Where durable_rules cannot run (Python 3.13+), the native engine runs, with a notice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cli.check
import imsa_eligibility.engine
from tests.conftest import EXAMPLES

PROFILE = [EXAMPLES / "police-force.yaml"]


@pytest.fixture
def no_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imsa_eligibility.engine, "durable_ready", lambda: False)


def _run(engine: str | None, output: Path) -> int:
    return cli.check.run_check(
        PROFILE,
        nations=None,
        rules=None,
        as_of=dt.date(2026, 11, 28),
        engine=engine,
        fmt="json",
        output=output,
    )


def test_default_falls_back_to_native_with_a_notice(
    no_durable: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    assert _run(None, report) == 6
    assert '"engine": "native"' in report.read_text(encoding="utf-8")
    notice = capsys.readouterr().err
    assert "durable_rules cannot run on this Python; using the native engine" in notice


def test_asking_for_durable_there_is_a_usage_error(
    no_durable: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("durable", tmp_path / "r.json") == 2
    assert "use --engine native" in capsys.readouterr().err
