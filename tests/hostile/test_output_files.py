"""Output never destroys input: no report over a profile, no report read as a profile,
and every output file written whole or not at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli import console
from tests.conftest import EXAMPLES, Run

AS_OF = ("--as-of", "2026-11-28", "--engine", "native")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "police-force.yaml", tmp_path / "a.yaml")
    shutil.copy(EXAMPLES / "survivor-charity-eligible.yaml", tmp_path / "b.yaml")
    return tmp_path


@pytest.mark.parametrize("command", ["check", "validate"])
def test_an_output_that_is_an_input_is_refused_and_nothing_is_written(
    run_cli: Run, folder: Path, command: str
) -> None:
    profile = folder / "a.yaml"
    before = profile.read_bytes()
    extra = AS_OF if command == "check" else ()
    result = run_cli(command, str(profile), *extra, "-o", "json", "--output", str(profile))
    assert result.returncode == 2
    assert "both an input and the --output" in result.stderr
    assert profile.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.yaml", "b.yaml"]


def test_the_same_file_by_another_name_is_still_refused(run_cli: Run, folder: Path) -> None:
    (folder / "link.yaml").symlink_to(folder / "a.yaml")
    before = (folder / "a.yaml").read_bytes()
    result = run_cli("check", str(folder / "link.yaml"), *AS_OF, "--output", str(folder / "a.yaml"))
    assert result.returncode == 2
    assert (folder / "a.yaml").read_bytes() == before


def test_a_folder_checked_twice_never_reads_its_own_report(run_cli: Run, folder: Path) -> None:
    out = folder / "decisions.json"
    first = run_cli("check", str(folder), *AS_OF, "-o", "json", "--output", str(out))
    assert first.returncode == 6, first.stderr
    report = out.read_bytes()
    shutil.copy(out, folder / "an-old-copy.json")  # a report under another name, too
    second = run_cli("check", str(folder), *AS_OF, "-o", "json", "--output", str(out))
    assert second.returncode == 6, second.stderr
    assert out.read_bytes() == report
    assert len(json.loads(report)["decisions"]) == 2
    assert "skipped" in second.stderr and "an-old-copy.json" in second.stderr


def test_a_failed_write_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("the complete earlier report\n", encoding="utf-8")

    def crash(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cli.console.os.fsync", crash)
    with pytest.raises(console.OutputError, match="No space left on device"):
        console.write("a new report that never reaches the disk\n", target)
    assert target.read_text(encoding="utf-8") == "the complete earlier report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_a_written_report_is_whole_and_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    console.write("line one\nline two\n", target)
    assert target.read_text(encoding="utf-8") == "line one\nline two\n"
    assert target.stat().st_mode & 0o044  # not the 0600 of a temporary file


def test_a_report_that_cannot_reach_standard_output_is_a_usage_error(run_cli: Run) -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    import subprocess
    import sys

    from tests.conftest import ROOT

    with full.open("w") as sink:
        result = subprocess.run(
            [sys.executable, "-m", "cli", "check", str(EXAMPLES / "police-force.yaml"), *AS_OF],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 2
    assert "cannot write the report to standard output" in result.stderr
    assert "internal error" not in result.stderr
