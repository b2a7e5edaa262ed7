"""Bulk screening: JSON Lines input, streamed reports, and --jobs giving the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cli.batch import PARALLEL_FROM, count, default_jobs
from tests.conftest import EXAMPLES, Run

AS_OF = ("--as-of", "2026-11-28", "--engine", "native")


def _jsonl(tmp_path: Path, names: list[str], bad_line: str | None = None) -> Path:
    lines = []
    for name in names:
        data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
        lines.append(json.dumps(data, default=str))
    if bad_line is not None:
        lines.insert(1, bad_line)
    lines.insert(2, "")  # blank lines are not records
    path = tmp_path / "register.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_jsonl_file_holds_one_profile_a_line(run_cli: Run, tmp_path: Path) -> None:
    names = ["police-force.yaml", "survivor-charity-eligible.yaml"]
    path = _jsonl(tmp_path, names, bad_line='{"schema_version": 1, "organisation": {"id": "x"}}')
    result = run_cli("check", str(path), *AS_OF, "-o", "json")
    assert result.returncode == 2, result.stderr
    body = json.loads(result.stdout)
    assert [d["file"] for d in body["decisions"]] == [f"{path}:1", f"{path}:4"]
    assert [d["outcome"] for d in body["decisions"]] == ["ineligible", "eligible"]
    assert {e["file"] for e in body["errors"]} == {str(path)}
    assert {e["line"] for e in body["errors"]} == {2}
    assert "2 of 3 profiles decided" in result.stderr


def test_a_jsonl_record_is_strict_json(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text("{'schema_version': 1}\n", encoding="utf-8")
    result = run_cli("check", str(path), *AS_OF, "-o", "jsonl")
    assert result.returncode == 2
    error = json.loads(result.stdout.splitlines()[-1])["error"]
    assert (error["file"], error["line"]) == (str(path), 1)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_jobs_give_the_same_bytes_as_one_process(run_cli: Run, tmp_path: Path, fmt: str) -> None:
    register = _jsonl(tmp_path, [p.name for p in sorted(EXAMPLES.glob("*.yaml"))][:8])
    args = ("check", str(EXAMPLES), str(register), *AS_OF, "-o", fmt)
    one = run_cli(*args, "--jobs", "1")
    two = run_cli(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 6
    assert one.stdout == two.stdout
    assert "30 of 30 profiles decided" in one.stderr and "30 of 30" in two.stderr


def test_the_report_file_of_a_parallel_run_is_whole(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    result = run_cli(
        "check", str(EXAMPLES), *AS_OF, "-o", "jsonl", "--jobs", "2", "--output", str(out)
    )
    assert result.returncode == 6
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(list(EXAMPLES.glob("*.yaml")))


def test_batches_count_their_records_and_only_big_ones_use_every_core(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ["police-force.yaml"] * 3)
    assert count([path, EXAMPLES / "police-force.yaml"]) == 4
    assert default_jobs(PARALLEL_FROM - 1) == 1
    assert default_jobs(PARALLEL_FROM) >= 1
