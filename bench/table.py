"""The benchmark's report: its figures as compact tables, and each target beside its figure.

A target is a figure to compare with, not a test: :func:`targets` gives each one's measured
value and how far it is off (``off``: how many times too slow, too big or too few; 1.0 or
less means the target is met). Nothing here fails a run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Figures = dict[str, Any]
BIG_RUN = 200_000


@dataclass(frozen=True)
class Target:
    """A figure's goal: at least (``>=``) or at most (``<=``) ``goal`` ``unit``."""

    name: str
    op: str
    goal: float
    unit: str
    value: Callable[[Figures], tuple[float | None, str]]  # the figure, and a note


def _get(figures: Figures, *path: str) -> Any:
    for part in path:
        if not isinstance(figures, dict) or part not in figures:
            return None
        figures = figures[part]
    return figures


def _measured(figures: Figures | None, key: str) -> tuple[float | None, str]:
    if not isinstance(figures, dict):
        return None, "not measured"
    if figures.get("error"):
        return None, f"failed: {figures['error']}"
    return figures.get(key), ""


def _engine_rate(name: str) -> Callable[[Figures], tuple[float | None, str]]:
    return lambda r: _measured(_get(r, "engines_alone", "engines", name), "decisions_per_cpu_s")


def _over_floor(engine: str) -> Callable[[Figures], tuple[float | None, str]]:
    def value(results: Figures) -> tuple[float | None, str]:
        run = _get(results, "end_to_end", engine, "yaml", "1")
        cpu, note = _measured(run, "cpu_s")
        floor = _get(results, "floor", "yaml", "total_cpu_s")
        if cpu is None or not floor:
            return None, note or "floor not measured"
        return cpu / floor, f"CPU {cpu:.2f} s / floor {floor:.2f} s"

    return value


def _largest_run(results: Figures) -> Figures | None:
    runs = [r for r in _get(results, "memory", "runs") or [] if not r.get("error")]
    return max(runs, key=lambda r: r["profiles"]) if runs else None


def _big_wall(results: Figures) -> tuple[float | None, str]:
    run = _largest_run(results)
    if run is None:
        return None, "not measured"
    scale = BIG_RUN / run["profiles"]
    cores = results.get("cpus") or 1
    idle = f"CPU {run['cpu_s'] * scale:,.0f} s: at least {run['cpu_s'] * scale / cores:,.0f} s"
    idle += f" on {cores} idle cores"
    if run["profiles"] == BIG_RUN:
        return run["wall_s"], idle
    return run["wall_s"] * scale, f"projected from {run['profiles']:,} (--full runs it); {idle}"


def _peak_memory(results: Figures) -> tuple[float | None, str]:
    runs = [r for r in _get(results, "memory", "runs") or [] if not r.get("error")]
    if not runs:
        return None, "not measured"
    peak = max(runs, key=lambda r: r["tree_mb"])
    counts = ", ".join(f"{r['profiles']:,}" for r in runs)
    return peak["tree_mb"], f"the most of the runs of {counts} records (at {peak['profiles']:,})"


def _cold(engine: str) -> Callable[[Figures], tuple[float | None, str]]:
    key = f"check --engine {engine}"
    return lambda r: _measured(_get(r, "cold_start", key), "median_s")


TARGETS = (
    Target("durable engine alone", ">=", 2_500, "decisions/CPU s", _engine_rate("durable")),
    Target(
        "durable+verify alone (what check runs)",
        ">=",
        2_500,
        "decisions/CPU s",
        _engine_rate("durable+verify"),
    ),
    Target("native engine alone", ">=", 10_000, "decisions/CPU s", _engine_rate("native")),
    Target("YAML end to end, 1 process, durable", "<=", 4, "x floor", _over_floor("durable")),
    Target("YAML end to end, 1 process, native", "<=", 2.5, "x floor", _over_floor("native")),
    Target("200k JSONL records, default engine", "<=", 120, "s wall", _big_wall),
    Target("JSONL records, peak memory, any count", "<=", 300, "MB (tree)", _peak_memory),
    Target("cold check of one profile, durable", "<=", 0.25, "s (median)", _cold("durable")),
    Target("cold check of one profile, native", "<=", 0.25, "s (median)", _cold("native")),
)


def targets(results: Figures) -> list[Figures]:
    """Each target with its measured figure and ``off`` (<= 1 when met)."""
    rows = []
    for target in TARGETS:
        value, note = target.value(results)
        off = None
        if value:
            off = target.goal / value if target.op == ">=" else value / target.goal
        rows.append(
            {
                "target": target.name,
                "goal": f"{target.op} {target.goal:,g} {target.unit}",
                "measured": None if value is None else round(value, 3),
                "off": None if off is None else round(off, 2),
                "note": note,
            }
        )
    return rows


# -- printing -----------------------------------------------------------------------------


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if not isinstance(value, int | float):
        return str(value)
    return f"{value:,.{0 if abs(value) >= 1000 else digits}f}"


def _rows(header: Sequence[str], rows: Sequence[Sequence[str]], *, note: bool = False) -> list[str]:
    """Aligned columns: the first left, the rest right; a last ``note`` column left, unpadded."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    last = len(header) - 1

    def line(cells: Sequence[str], first: bool = False) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            if note and i == last:
                out.append(cell)
            else:
                out.append(cell.ljust(width) if first or i == 0 else cell.rjust(width))
        return ("  " + "  ".join(out)).rstrip()

    return [line(header, first=True), *(line(row) for row in rows)]


def _failed(figures: Any) -> list[str]:
    if not isinstance(figures, dict):
        return ["  not measured"]
    return [f"  failed: {figures['error']}"] if "error" in figures else []


def _engines(section: Figures) -> list[str]:
    lines = [
        f"Engines alone: {section.get('profiles', 0):,} profiles x 4 nations = "
        f"{section.get('decisions', 0):,} decisions, "
        f"{section.get('conditions_per_profile', 0)} conditions a profile; facts built first "
        f"({section.get('load_and_facts_cpu_s', 0):.2f} CPU s, not counted)"
    ]
    if failed := _failed(section):
        return lines + failed
    rows = [
        [name, _num(e["cpu_s"]), _num(e["decisions_per_cpu_s"], 0), _num(e["ms_per_profile"])]
        for name, e in section["engines"].items()
    ]
    return lines + _rows(["engine", "CPU s", "decisions/CPU s", "ms/profile"], rows)


def _floor(section: Figures) -> list[str]:
    lines = ["Floor: parse + naive decide, in one process (CPU s)"]
    if failed := _failed(section):
        return lines + failed
    rows = [
        [
            label,
            f"{f['profiles']:,}",
            _num(f["parse_cpu_s"]),
            _num(f["naive_decide_cpu_s"]),
            _num(f["total_cpu_s"]),
            _num(f["total_wall_s"]),
        ]
        for label, f in (
            ("libyaml, YAML files", section["yaml"]),
            ("json, JSONL", section["jsonl"]),
        )
    ]
    agree = section["naive_vs_native"]
    return [
        *lines,
        *_rows(["parser", "profiles", "parse", "decide", "total", "total wall s"], rows),
        f"  naive evaluator agrees with the native engine on {agree['agree']:,} of "
        f"{agree['verdicts']:,} verdicts",
    ]


def _run_cells(run: Figures) -> list[str]:
    if run.get("error"):
        return ["failed (below)"]
    return [
        _num(run["wall_s"]),
        _num(run["profiles_per_s"], 0),
        _num(run["cpu_s"]),
        _num(run["max_rss_mb"], 0),
        _num(run["tree_mb"], 0),
    ]


RUN_HEADER = ["wall s", "profiles/s", "CPU s", "max RSS MB", "tree MB"]


def _errors(runs: Sequence[tuple[str, Figures]]) -> list[str]:
    return [f"  failed, {name}: {run['error']}" for name, run in runs if run.get("error")]


def _end_to_end(section: Figures, floor: Figures) -> list[str]:
    lines = [
        "End to end: check -o jsonl --output FILE, a subprocess; /floor: its CPU s over the "
        "floor's for the same input"
    ]
    if failed := _failed(section):
        return lines + failed
    rows, runs = [], []
    for engine, kinds in section.items():
        for kind, by_jobs in kinds.items():
            base = _get(floor, kind, "total_cpu_s")
            for jobs, run in by_jobs.items():
                runs.append((f"{engine} {kind} --jobs {jobs}", run))
                ratio = "-" if run.get("error") or not base else f"{run['cpu_s'] / base:.1f}x"
                rows.append([engine, kind, f"{run['profiles']:,}", jobs, *_run_cells(run), ratio])
    header = ["engine", "input", "profiles", "jobs", *RUN_HEADER, "/floor"]
    return lines + _rows(header, [_pad(r, header) for r in rows]) + _errors(runs)


def _pad(row: list[str], header: Sequence[str]) -> list[str]:
    if len(row) == len(header):
        return row
    return row[:-1] + [""] * (len(header) - len(row)) + row[-1:]


def _memory(section: Figures) -> list[str]:
    lines = ["Memory as the batch grows: one JSONL file, default engine and --jobs"]
    if failed := _failed(section):
        return lines + failed
    runs = section["runs"]
    rows = [[f"{run['profiles']:,}", *_run_cells(run), _tenths(run)] for run in runs]
    header = ["records", *RUN_HEADER, "tree MB in each tenth of the run"]
    errors = _errors([(f"{run['profiles']:,} records", run) for run in runs])
    return lines + _rows(header, [_pad(r, header) for r in rows], note=True) + errors


def _tenths(run: Figures) -> str:
    return " ".join(f"{mb:.0f}" for mb in run.get("tree_mb_by_tenth", ()))


def _cold_table(section: Figures) -> list[str]:
    lines = ["Cold start (fresh process; one run discarded first)"]
    if failed := _failed(section):
        return lines + failed
    rows = [
        [
            name,
            str(f["runs"]),
            _num(f["median_s"], 3),
            _num(f["min_s"], 3),
            _num(f["max_rss_mb"], 0),
            "failed (below)" if f.get("error") else "",
        ]
        for name, f in section.items()
    ]
    header = ["command", "runs", "median s", "min s", "max RSS MB", ""]
    return lines + _rows(header, rows, note=True) + _errors(list(section.items()))


def _targets(rows: Sequence[Figures]) -> list[str]:
    table = []
    for row in rows:
        off = row["off"]
        verdict = "-" if off is None else f"{off:.2f}x" + (" met" if off <= 1 else "")
        measured = row["measured"]
        shown = _num(measured, 0 if measured and measured >= 100 else 2)
        table.append([row["target"], shown, row["goal"], verdict, row["note"]])
    return [
        "Targets (off: how many times short of the goal; 1.00 or less is met)",
        *_rows(["figure", "measured", "goal", "off", ""], table, note=True),
    ]


def print_report(results: Figures) -> None:
    """Every section of ``results`` as text, on standard output."""
    plan = results.get("plan", {})
    print(
        f"imsa-eligibility benchmark ({results.get('mode')}), {results.get('when')}, "
        f"Python {results.get('python')}, {results.get('cpus')} CPUs, "
        f"engines {', '.join(results.get('engines', []))}; {plan.get('count', 0):,} profiles "
        f"a run, made from {plan.get('base', 0)} generated ones"
    )
    before, after = results.get("load_average_before"), results.get("load_average_after")
    if before and after:
        print(
            f"load average (1 min): {before[0]:.2f} at the start, {after[0]:.2f} at the end "
            f"(this run included); other work on the same cores moves every figure"
        )
    sections = [
        _engines(results.get("engines_alone", {})),
        _floor(results.get("floor", {})),
        _end_to_end(results.get("end_to_end", {}), results.get("floor", {})),
        _memory(results.get("memory", {})),
        _cold_table(results.get("cold_start", {})),
        _targets(results.get("targets", [])),
    ]
    for lines in sections:
        print()
        print("\n".join(lines))
    print(f"\nbenchmark took {results.get('bench_seconds', 0):.0f} s")
