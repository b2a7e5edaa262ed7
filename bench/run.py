"""Benchmark: where ``check`` stands against its targets, in one run. It asserts nothing.

    python bench/run.py [--quick | --full] [--count N] [--engines durable,native]

It measures, in turn:

1. each engine alone: decisions (profile x nation) per CPU second, facts built beforehand;
2. the floor for YAML input: libyaml parse plus a naive evaluator (``bench/naive.py``);
3. ``check`` end to end, as a subprocess, per engine, on a folder of YAML files and on one
   JSON Lines file, on 1, 2 and every core (``--jobs``): wall and CPU time, peak memory;
4. memory as the batch grows: one JSON Lines file of 1k and 10k records (100k with
   ``--full``), default engine and ``--jobs``; with ``--full``, the 200k-record run too;
5. cold start: ``check`` of one profile, per engine, and ``--version``.

Then it prints every figure, and each target next to its figure, and writes them all to
``bench/results/latest.json``. ``--quick`` runs small sizes (about a minute); the default
takes about five minutes; ``--full`` adds the 100k and 200k runs (most of an hour, today).
See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus, measure, naive  # noqa: E402
from bench.table import print_report, targets  # noqa: E402
from imsa_eligibility.decision.decide import applicable  # noqa: E402
from imsa_eligibility.engine import Engine, Target, durable_ready, engine_for  # noqa: E402
from imsa_eligibility.engine.facts import FactBase, facts_from_profile  # noqa: E402
from imsa_eligibility.profile.load import load_profile_text  # noqa: E402
from imsa_eligibility.rules.ast import Node  # noqa: E402
from imsa_eligibility.rules.load import load_ruleset  # noqa: E402
from imsa_eligibility.rules.model import RuleSet  # noqa: E402
from imsa_eligibility.vocabulary import Nation, Verdict  # noqa: E402

AS_OF = dt.date(2026, 11, 28)
RESULTS = ROOT / "bench" / "results" / "latest.json"
Figures = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """The sizes of one benchmark run."""

    mode: str
    base: int  # distinct generated profiles (engines alone; the corpus varies them)
    count: int  # profiles per end-to-end run, and files the floor parses
    rss_counts: tuple[int, ...]
    big: int  # records in the one long run (0: not run)
    cold_runs: int


PLANS = {
    "quick": Plan("quick", 100, 200, (200, 1_000), 0, 3),
    "default": Plan("default", 500, 1_000, (1_000, 10_000), 0, 7),
    "full": Plan("full", 500, 1_000, (1_000, 10_000, 100_000), 200_000, 7),
}


def say(message: str) -> None:
    """Progress, on standard error."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def guarded(name: str, work: Callable[[], Figures]) -> Figures:
    """``work()``'s figures, or ``{"error": ...}`` when it fails (the run goes on)."""
    try:
        return work()
    except Exception as exc:  # a broken section is reported, not fatal
        say(f"{name} failed: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (another job moves every figure)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def cli_command() -> list[str]:
    """The installed ``imsa-eligibility`` entry point (or ``python -m cli``)."""
    script = Path(sys.executable).parent / "imsa-eligibility"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


# -- 1. engines alone ---------------------------------------------------------------------


def all_keys(ruleset: RuleSet) -> list[str]:
    """The target key of every rule that applies on AS_OF, for all four nations."""
    chosen = applicable(ruleset, list(Nation), AS_OF)
    return [variant.key for variants in chosen.values() for variant in variants]


def fact_bases(base: corpus.Base) -> list[FactBase]:
    """The facts of every base profile, as ``check`` builds them."""
    facts = []
    for index, raw in enumerate(base.yaml):
        loaded = load_profile_text(f"base-{index}.yaml", raw)
        facts.append(facts_from_profile(loaded.profile, loaded.document))
    return facts


def engines_to_time(ruleset: RuleSet, names: Sequence[str]) -> dict[str, Engine]:
    """Each engine prepared for every variant: bare durable, verified durable, native."""
    engines: dict[str, Engine] = {}
    if "durable" in names:
        from imsa_eligibility.engine.durable import DurableEngine

        bare = DurableEngine()
        bare.prepare([Target(v.key, v.node) for v in ruleset.variants.values()])
        engines["durable"] = bare
        engines["durable+verify"] = engine_for("durable", ruleset)
    if "native" in names:
        engines["native"] = engine_for("native", ruleset)
    return engines


def decide_cpu(engine: Engine, facts: Sequence[FactBase], keys: Sequence[str]) -> float:
    """CPU seconds to decide ``keys`` for every one of ``facts`` (after one warm-up)."""
    engine.decide(facts[0], keys)
    began = time.process_time()
    for one in facts:
        engine.decide(one, keys)
    return time.process_time() - began


def engines_alone(base: corpus.Base, names: Sequence[str]) -> Figures:
    """Decisions per CPU second of each engine, with the facts built beforehand."""
    ruleset = load_ruleset()
    keys = all_keys(ruleset)
    began = time.process_time()
    facts = fact_bases(base)
    facts_cpu = time.process_time() - began
    decisions = len(facts) * len(Nation)
    figures: Figures = {
        "profiles": len(facts),
        "decisions": decisions,
        "conditions_per_profile": len(keys),
        "load_and_facts_cpu_s": round(facts_cpu, 3),
        "engines": {},
    }
    for name, engine in engines_to_time(ruleset, names).items():
        say(f"engine alone: {name}")
        cpu = decide_cpu(engine, facts, keys)
        figures["engines"][name] = {
            "cpu_s": round(cpu, 3),
            "decisions_per_cpu_s": round(decisions / cpu, 1),
            "ms_per_profile": round(cpu / len(facts) * 1000, 3),
        }
    return figures


# -- 2. the floor -------------------------------------------------------------------------


def naive_targets(ruleset: RuleSet) -> dict[str, list[tuple[str, Node]]]:
    """Each nation's applicable ``(key, condition)`` pairs, for the naive evaluator."""
    chosen = applicable(ruleset, list(Nation), AS_OF)
    return {str(n.value): [(v.key, v.node) for v in vs] for n, vs in chosen.items()}


def timed_floor(blobs: Sequence[bytes], parse: Callable[[bytes], Any]) -> Figures:
    """CPU (and wall) seconds to parse every blob, then to decide each profile naively."""
    targets = naive_targets(load_ruleset())
    wall, began = time.perf_counter(), time.process_time()
    documents = [parse(blob) for blob in blobs]
    parsed = time.process_time()
    for document in documents:
        naive.decide_profile(document, targets)
    done = time.process_time()
    return {
        "profiles": len(blobs),
        "parse_cpu_s": round(parsed - began, 3),
        "naive_decide_cpu_s": round(done - parsed, 3),
        "total_cpu_s": round(done - began, 3),
        "total_wall_s": round(time.perf_counter() - wall, 3),
    }


def agreement(base: corpus.Base) -> Figures:
    """How many of the naive evaluator's verdicts the native engine agrees with."""
    ruleset = load_ruleset()
    native = engine_for("native", ruleset)
    targets = naive_targets(ruleset)
    values = {True: Verdict.TRIGGERED, False: Verdict.CLEAR, None: Verdict.UNKNOWN}
    total = agree = 0
    for raw, facts in zip(base.yaml, fact_bases(base), strict=True):
        mine = naive.decide_profile(yaml.load(raw, Loader=yaml.CSafeLoader), targets)
        theirs = native.decide(facts, list(mine))
        total += len(mine)
        agree += sum(values[v] == theirs[k] for k, v in mine.items())
    return {"verdicts": total, "agree": agree}


def floor(files: Sequence[Path], jsonl: Path, base: corpus.Base) -> Figures:
    """The floor for YAML files (libyaml) and, for reference, for JSON Lines (json)."""
    yaml_blobs = [path.read_bytes() for path in files]
    json_blobs = jsonl.read_bytes().splitlines()
    return {
        "yaml": timed_floor(yaml_blobs, lambda b: yaml.load(b, Loader=yaml.CSafeLoader)),
        "jsonl": timed_floor(json_blobs, json.loads),
        "naive_vs_native": agreement(base),
    }


# -- 3, 4. end to end ---------------------------------------------------------------------


def check(inputs: Path, out: Path, engine: str | None, jobs: int | None) -> measure.Run:
    """One measured run of ``check INPUTS -o jsonl --output OUT`` (its report deleted)."""
    command = [*cli_command(), "check", str(inputs), "-o", "jsonl", "--output", str(out)]
    command += ["--as-of", AS_OF.isoformat()]
    command += ["--engine", engine] if engine else []
    command += ["--jobs", str(jobs)] if jobs else []
    result = measure.run(command, cwd=ROOT)
    out.unlink(missing_ok=True)
    return result


def summary(result: measure.Run, profiles: int) -> Figures:
    """A run's figures; ``error`` says why a run is not a measurement."""
    counted = measure.decided(result.stderr)
    error = result.error
    if not error and counted != (profiles, profiles):
        error = f"decided {counted[0] if counted else '?'} of {profiles} profiles"
    figures: Figures = {
        "profiles": profiles,
        "wall_s": round(result.wall_s, 3),
        "profiles_per_s": round(profiles / result.wall_s, 1),
        "cpu_s": round(result.cpu_s, 3),
        "max_rss_mb": round(result.max_rss_mb, 1),
        "tree_mb": round(result.tree_mb, 1),
        "tree_mb_by_tenth": list(result.tenths_mb),
        "exit_code": result.code,
    }
    if error:
        figures["error"] = error
        say(f"  not a measurement: {error}")
    return figures


def job_counts() -> list[int]:
    """1, 2 and every core."""
    return sorted({1, 2, os.cpu_count() or 1})


def end_to_end(inputs: dict[str, Path], count: int, engines: Sequence[str], out: Path) -> Figures:
    """Every engine on every input on every job count."""
    figures: Figures = {}
    for engine in engines:
        for kind, path in inputs.items():
            for jobs in job_counts():
                say(f"end to end: {engine}, {kind}, --jobs {jobs}")
                run = summary(check(path, out, engine, jobs), count)
                figures.setdefault(engine, {}).setdefault(kind, {})[str(jobs)] = run
    return figures


def memory_series(base: corpus.Base, counts: Sequence[int], work: Path) -> list[Figures]:
    """One JSON Lines run per count, default engine and --jobs: time and peak memory."""
    series = []
    for records in counts:
        say(f"memory: {records:,} JSON Lines records (default engine and --jobs)")
        path = corpus.write_jsonl(base, work / f"series-{records}.jsonl", records)
        series.append(summary(check(path, work / "series-out.jsonl", None, None), records))
        path.unlink()
    return series


# -- 5. cold start ------------------------------------------------------------------------


def cold(command: list[str], runs: int) -> Figures:
    """Median and min wall time of ``runs`` fresh runs of ``command`` (one discarded first)."""
    measure.run(command, cwd=ROOT)
    results = [measure.run(command, cwd=ROOT) for _ in range(runs)]
    failed = [r.error for r in results if r.error]
    times = [r.wall_s for r in results]
    figures: Figures = {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_rss_mb": round(max(r.max_rss_mb for r in results), 1),
    }
    if failed:
        figures["error"] = failed[0]
    return figures


def cold_start(profile: Path, engines: Sequence[str], runs: int) -> Figures:
    """Cold ``check`` of one profile per engine, and ``--version``."""
    figures: Figures = {}
    for engine in engines:
        say(f"cold start: check one profile, {engine}")
        command = [*cli_command(), "check", str(profile), "--engine", engine]
        figures[f"check --engine {engine}"] = cold([*command, "--as-of", AS_OF.isoformat()], runs)
    say("cold start: --version")
    figures["--version"] = cold([*cli_command(), "--version"], runs)
    return figures


# -- the run ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> tuple[Plan, list[str]]:
    """The plan and the engines the command line asks for."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Sizes: --quick 200 profiles a run, memory at 200 and 1k records; default "
        "1k a run, memory at 1k and 10k; --full adds 100k, and the 200k run.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    size.add_argument("--full", action="store_true", help="add the 100k and 200k runs (long)")
    parser.add_argument("--count", type=int, help="profiles per end-to-end run")
    parser.add_argument("--engines", default="durable,native", help="comma-separated")
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "full" if args.full else "default"]
    if args.count:
        plan = dataclasses.replace(plan, count=args.count)
    engines = [e for e in args.engines.split(",") if e and (e != "durable" or durable_ready())]
    if "durable" in args.engines.split(",") and "durable" not in engines:
        say("durable_rules cannot run on this Python: measuring the native engine only")
    return plan, engines


def measure_all(plan: Plan, engines: list[str], work: Path) -> Figures:
    """Every section of the benchmark, in a scratch folder ``work``."""
    say(f"generating {plan.base} base profiles, then {plan.count:,} files and records")
    base = corpus.make_base(plan.base)
    files = corpus.write_folder(base, work / "yaml", plan.count)
    jsonl = corpus.write_jsonl(base, work / "profiles.jsonl", plan.count)
    out = work / "out" / "report.jsonl"
    out.parent.mkdir()
    inputs = {"yaml": work / "yaml", "jsonl": jsonl}
    figures: Figures = {}
    figures["engines_alone"] = guarded("engines alone", lambda: engines_alone(base, engines))
    say("floor: libyaml parse + naive decide")
    figures["floor"] = guarded("floor", lambda: floor(files, jsonl, base))
    figures["end_to_end"] = guarded(
        "end to end", lambda: end_to_end(inputs, plan.count, engines, out)
    )
    counts = [*plan.rss_counts, *([plan.big] if plan.big else [])]
    figures["memory"] = guarded(
        "memory", lambda: {"runs": memory_series(base, counts, work / "out")}
    )
    figures["cold_start"] = guarded(
        "cold start", lambda: cold_start(files[0], engines, plan.cold_runs)
    )
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the report, write ``bench/results/latest.json``."""
    plan, engines = parse_args(argv)
    began = time.perf_counter()
    results: Figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": plan.mode,
        "plan": dataclasses.asdict(plan),
        "engines": engines,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average_before": load_average(),
    }
    with tempfile.TemporaryDirectory(prefix="imsa-bench-") as tmp:
        results |= measure_all(plan, engines, Path(tmp))
    results["load_average_after"] = load_average()
    results["bench_seconds"] = round(time.perf_counter() - began, 1)
    results["targets"] = targets(results)
    print_report(results)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"figures written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
