"""Benchmark: decisions per second, latency, memory, and the cold time of ``check``.

    python bench/run.py [--count 10000] [--engines durable,native] [--jobs N]

It generates ``--count`` seeded, realistic profiles as YAML files in a temporary folder, then
for each engine decides them end to end (read, parse, validate, decide with full evidence,
render a JSON line), first in one process and then on every core, and times a cold
``imsa-eligibility check`` of one profile. Numbers are printed and written to
``bench/results/latest.json``. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import profile_texts  # noqa: E402
from imsa_eligibility.decision import evaluate  # noqa: E402
from imsa_eligibility.engine import ExplainingEngine, durable_ready, engine_for  # noqa: E402
from imsa_eligibility.profile import load_profile  # noqa: E402
from imsa_eligibility.report import render_jsonl  # noqa: E402
from imsa_eligibility.rules.load import load_ruleset  # noqa: E402
from imsa_eligibility.rules.model import RuleSet  # noqa: E402

AS_OF = dt.date(2026, 11, 28)
_WORKER: dict[str, Any] = {}


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _prepare(engine: str) -> tuple[RuleSet, ExplainingEngine]:
    ruleset = load_ruleset()
    return ruleset, engine_for(engine, ruleset)


def _decide(path: Path, ruleset: RuleSet, engine: ExplainingEngine) -> int:
    decision = evaluate(load_profile(path), ruleset, as_of=AS_OF, engine=engine)
    return len(render_jsonl([decision], []))


def single_process(files: list[Path], engine: str) -> dict[str, Any]:
    """Throughput, per-decision latency and memory in one process."""
    ruleset, runner = _prepare(engine)
    _decide(files[0], ruleset, runner)  # warm up imports and caches
    latencies: list[float] = []
    rss: list[tuple[int, float]] = [(0, _rss_mib())]
    checkpoints = {len(files) // 10, len(files) // 2, len(files)}
    start = time.perf_counter()
    for count, path in enumerate(files, 1):
        began = time.perf_counter()
        _decide(path, ruleset, runner)
        latencies.append(time.perf_counter() - began)
        if count in checkpoints:
            rss.append((count, _rss_mib()))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "profiles": len(files),
        "seconds": round(elapsed, 3),
        "per_second": round(len(files) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3),
        "rss_mib_at": [[n, round(m, 1)] for n, m in rss],
    }


def _init(engine: str) -> None:
    _WORKER["ruleset"], _WORKER["engine"] = _prepare(engine)


def _work(chunk: list[Path]) -> int:
    return sum(_decide(p, _WORKER["ruleset"], _WORKER["engine"]) > 0 for p in chunk)


def all_cores(files: list[Path], engine: str, jobs: int) -> dict[str, Any]:
    """Throughput with one worker process per core (start-up included)."""
    chunks = [files[i : i + 200] for i in range(0, len(files), 200)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs, _init, (engine,)) as pool:
        done = sum(pool.map(_work, chunks))
    elapsed = time.perf_counter() - start
    return {
        "jobs": jobs,
        "profiles": done,
        "seconds": round(elapsed, 3),
        "per_second": round(done / elapsed, 1),
    }


def cold_check(path: Path, engine: str, runs: int = 7) -> dict[str, Any]:
    """Wall time of a fresh ``imsa-eligibility check`` on one profile (median of runs)."""
    script = Path(sys.executable).parent / "imsa-eligibility"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [*command, "check", str(path), "--engine", engine, "--as-of", AS_OF.isoformat()],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - began)
    return {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--engines", default="durable,native")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e != "durable" or durable_ready()]
    results: dict[str, Any] = {
        "count": args.count,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "engines": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        files = []
        for index, text in enumerate(profile_texts(args.count)):
            path = Path(tmp) / f"profile-{index:05d}.yaml"
            path.write_bytes(text)
            files.append(path)
        results["generate_seconds"] = round(time.perf_counter() - began, 2)
        for engine in engines:
            print(f"[{engine}] one process ...", file=sys.stderr, flush=True)
            one = single_process(files, engine)
            print(f"[{engine}] {args.jobs} processes ...", file=sys.stderr, flush=True)
            many = all_cores(files, engine, args.jobs)
            cold = cold_check(files[0], engine)
            results["engines"][engine] = {"one_process": one, "all_cores": many, "cold_check": cold}
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
