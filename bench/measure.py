"""Running a command as the benchmark measures it: wall time, CPU time, peak memory.

Each command is started by a small launcher process (:data:`LAUNCHER`), which reaps it with
:func:`os.wait4` and reports that command's own resource usage: its CPU time includes the
worker processes it waited for, and ``ru_maxrss`` is the peak RSS of the largest single
process among them. While it runs, the command's process tree is sampled from ``/proc``
(every 0.1 s at first, slowing to once a second, since reading PSS costs a few ms of CPU on a
machine whose cores the run needs) and the peak of the processes' summed proportional set
sizes (PSS, which counts pages shared after ``fork`` once) is kept: the memory the whole run
takes, workers included.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
SAMPLE_FIRST, SAMPLE_SLOWEST = 0.1, 1.0  # seconds between samples of the tree's memory
ERROR_CODES = (1, 2)  # check's exit codes for an internal error, and for invalid input
DECIDED = re.compile(r"(\d+) of (\d+) profiles decided")


@dataclass
class Run:
    """What one run of a command took."""

    wall_s: float
    cpu_s: float  # user + system, the command and the workers it waited for
    max_rss_mb: float  # the largest single process
    tree_mb: float  # peak of the process tree's summed PSS (0 when /proc is not there)
    code: int
    stderr: str
    error: str = ""  # why this is not a measurement ("" when it is)
    tenths_mb: tuple[float, ...] = ()  # peak tree memory in each tenth of the run

    @property
    def ok(self) -> bool:
        """Whether the run measured what it was meant to."""
        return not self.error


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _memory_kib(pid: int) -> int:
    """The PSS of ``pid`` (its RSS where PSS cannot be read), in KiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def tree_memory_kib(pid: int) -> int:
    """The summed memory of ``pid`` and all its descendants, in KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _memory_kib(current)
        todo += _children(current)
    return total


class _Sampler(threading.Thread):
    """Samples the summed memory of the descendants of ``pid`` (not ``pid`` itself)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (seconds since start, KiB)
        self.done = threading.Event()

    def run(self) -> None:
        interval, began = SAMPLE_FIRST, time.perf_counter()
        while not self.done.is_set():
            below = sum(tree_memory_kib(child) for child in _children(self.pid))
            self.samples.append((time.perf_counter() - began, below))
            self.done.wait(interval)
            interval = min(SAMPLE_SLOWEST, interval + 0.05)

    @property
    def peak_mb(self) -> float:
        """The largest sample, in MB."""
        return max((kib for _, kib in self.samples), default=0) * 1024 / MB

    def tenths_mb(self) -> tuple[float, ...]:
        """The peak sample in each tenth of the run's time (the last one's where none fell)."""
        if not self.samples:
            return ()
        end = self.samples[-1][0] or 1.0
        peaks = [0] * 10
        for at, kib in self.samples:
            tenth = min(9, int(at / end * 10))
            peaks[tenth] = max(peaks[tenth], kib)
        for i in range(1, 10):
            peaks[i] = peaks[i] or peaks[i - 1]
        return tuple(round(kib * 1024 / MB, 1) for kib in peaks)


#: Runs argv[1:] with its standard output on /dev/null (standard error inherited), reaps it
#: with wait4 and prints its own figures as JSON. The command starts from this small
#: process, not from the benchmark's: Linux counts the RSS of the process that called exec
#: into the command's ru_maxrss, so a command started from the benchmark itself (tens of MB
#: once it holds the profiles and engines) would report at least that.
LAUNCHER = """
import json, os, sys, time
null = os.open(os.devnull, os.O_WRONLY)
began = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - began,
                  "code": os.waitstatus_to_exitcode(status),
                  "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss}))
"""


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)


def run(command: list[str], *, cwd: Path, timeout: float = 7200) -> Run:
    """Run ``command`` to its end (killed after ``timeout`` s) and measure it."""
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, *command]
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(
            launcher, cwd=cwd, stdout=subprocess.PIPE, stderr=err, start_new_session=True
        )
        sampler = _Sampler(process.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill, (process,))
        timer.start()
        out, _ = process.communicate()
        elapsed = time.perf_counter() - began
        timer.cancel()
        sampler.done.set()
        sampler.join()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    try:
        figures = json.loads(out)
    except ValueError:
        why = "timed out" if elapsed >= timeout else f"launcher exit code {process.returncode}"
        return Run(elapsed, 0.0, 0.0, 0.0, -1, stderr, f"no figures ({why})")
    code = int(figures["code"])
    error = ""
    if code in ERROR_CODES:
        error = f"exit code {code} (an error, not an outcome): {_first_line(stderr)}"
    elif code < 0:
        error = f"killed by signal {-code}"
    return Run(
        wall_s=float(figures["wall"]),
        cpu_s=float(figures["cpu"]),
        max_rss_mb=int(figures["maxrss_kib"]) * 1024 / MB,
        tree_mb=sampler.peak_mb,
        code=code,
        stderr=stderr,
        error=error,
        tenths_mb=sampler.tenths_mb(),
    )


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:200] if lines else "(no message)"


def decided(stderr: str) -> tuple[int, int] | None:
    """``(decided, total)`` from check's summary line, or None when it printed none."""
    found = DECIDED.findall(stderr)
    return (int(found[-1][0]), int(found[-1][1])) if found else None
