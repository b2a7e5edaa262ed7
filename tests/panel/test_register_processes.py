"""The register across real processes: killed mid-batch (``kill -9``), and two at once.

Nothing lost: a ``check --record`` killed part-way leaves a register that passes
``PRAGMA integrity_check`` and lacks at most the decision in progress, and the same batch
run again completes it without a duplicate; two ``check --record`` runs on one register at
once both complete, and it holds every decision of both, each once.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import profile_texts
from tests.conftest import ROOT

CHECK = [sys.executable, "-m", "cli", "check", "--as-of", "2026-11-28", "--engine", "native"]
OUTCOME_CODES = (0, 3, 4, 5, 6)  # a batch decided: never 1 (internal) or 2 (invalid)

_PROFILES: list[bytes] = []


def _profiles(count: int) -> list[bytes]:
    if len(_PROFILES) < count:
        _PROFILES[:] = profile_texts(count)
    return _PROFILES[:count]


def _folder(where: Path, profiles: list[tuple[int, bytes]]) -> Path:
    where.mkdir()
    for index, text in profiles:
        (where / f"profile-{index:04}.yaml").write_bytes(text)
    return where


def _count(db: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    except sqlite3.OperationalError:  # not made yet
        return 0
    try:
        return int(connection.execute("SELECT count(*) FROM decisions").fetchone()[0])
    except sqlite3.OperationalError:  # made, but its tables not yet
        return 0
    finally:
        connection.close()


def _query(db: Path, statement: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(statement).fetchall()
    finally:
        connection.close()


def _check(*args: str) -> list[str]:
    return [*CHECK, "-o", "jsonl", "--jobs", "1", *args]


def test_a_run_killed_mid_batch_loses_at_most_the_decision_in_progress(tmp_path: Path) -> None:
    total = 300
    batch = _folder(tmp_path / "batch", list(enumerate(_profiles(total))))
    db = tmp_path / "panel.sqlite"
    command = _check(str(batch), "--record", str(db))
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    try:
        while _count(db) < 40:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run recorded too little to be killed"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    kept = _count(db)
    assert 40 <= kept < total
    files = [str(r[0]) for r in _query(db, "SELECT file FROM decisions ORDER BY id")]
    assert files == [str(batch / f"profile-{i:04}.yaml") for i in range(kept)]  # a prefix

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert again.returncode in OUTCOME_CODES, again.stderr
    assert f"recorded {total - kept} decisions in {db} ({kept} already recorded there)" in (
        again.stderr
    )
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _count(db) == total
    assert _query(db, "SELECT count(DISTINCT file), count(DISTINCT key) FROM decisions") == [
        (total, total)
    ]


@pytest.mark.parametrize("fresh", [True, False], ids=["new-register", "existing-register"])
def test_two_runs_recording_into_one_register_at_once_both_complete(
    tmp_path: Path, fresh: bool
) -> None:
    """Each run decides 100 profiles; 50 of them (in ``shared``) both decide alike."""
    profiles = list(enumerate(_profiles(150)))
    first = _folder(tmp_path / "first", profiles[:50])
    second = _folder(tmp_path / "second", profiles[50:100])
    shared = _folder(tmp_path / "shared", profiles[100:])
    db = tmp_path / "panel.sqlite"
    seeded = 0
    if not fresh:  # a register that exists already, with a decision in it
        seed = _folder(tmp_path / "seed", profiles[:1])
        made = subprocess.run(_check(str(seed), "--record", str(db)), cwd=ROOT, check=False)
        assert made.returncode in OUTCOME_CODES
        seeded = 1
    runs = [
        subprocess.Popen(
            _check(str(folder), str(shared), "--record", str(db)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (first, second)
    ]
    results = [run.communicate(timeout=600) for run in runs]
    added = 0
    for run, (_, stderr) in zip(runs, results, strict=True):
        assert run.returncode in OUTCOME_CODES, stderr
        found = re.search(r"recorded (\d+) decisions? in", stderr)
        assert found is not None, stderr
        added += int(found.group(1))
    assert added == 150  # the shared 50 recorded by one run or the other, never by both
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _count(db) == 150 + seeded
    assert _query(db, "SELECT count(DISTINCT key), count(DISTINCT file) FROM decisions") == [
        (150 + seeded, 150 + seeded)
    ]
