"""What ``check --record DB`` costs: the same batch decided with and without recording.

``python bench/record.py [--count 1000] [--repeat 3] [--engine native] [--format json]``
decides the shipped examples and ``--count`` generated profiles (:func:`bench.generate.
profile_texts`, one file each), each ``--repeat`` times without and with ``--record`` (a
new register each time), interleaved so that a busy machine slows both alike. It prints
the median wall and CPU time (user + system) of each, and the overhead per decision.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/record.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import profile_texts
from bench.measure import Run, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "profiles" / "examples"


def _check(paths: Sequence[Path], engine: str, fmt: str, record: Path | None) -> list[str]:
    command = [sys.executable, "-m", "cli", "check", *map(str, paths), "--as-of", "2026-11-28"]
    command += ["--engine", engine, "-o", fmt, "--jobs", "1"]
    return command + (["--record", str(record)] if record is not None else [])


def _measure(
    name: str, paths: Sequence[Path], count: int, args: argparse.Namespace, folder: Path
) -> None:
    plain: list[Run] = []
    recorded: list[Run] = []
    for index in range(args.repeat):
        plain.append(run(_check(paths, args.engine, args.format, None), cwd=ROOT))
        register = folder / f"{name}-{index}.sqlite"
        recorded.append(run(_check(paths, args.engine, args.format, register), cwd=ROOT))
    for runs in (plain, recorded):
        bad = [r for r in runs if r.code in (1, 2)]
        if bad:
            raise SystemExit(f"{name}: a run failed: {bad[0].stderr.strip()}")
    wall = [statistics.median(r.wall_s for r in runs) for runs in (plain, recorded)]
    cpu = [statistics.median(r.cpu_s for r in runs) for runs in (plain, recorded)]
    size = sum(p.stat().st_size for p in folder.glob(f"{name}-0.sqlite*"))
    print(
        f"{name} ({count} decisions, {args.engine}, -o {args.format}, median of {args.repeat}):\n"
        f"  without --record: wall {wall[0]:.2f} s, CPU {cpu[0]:.2f} s\n"
        f"  with --record:    wall {wall[1]:.2f} s, CPU {cpu[1]:.2f} s\n"
        f"  overhead per decision: wall {(wall[1] - wall[0]) / count * 1000:.1f} ms, "
        f"CPU {(cpu[1] - cpu[0]) / count * 1000:.1f} ms; register "
        f"{size / 1_000_000:.1f} MB ({size / count / 1000:.0f} kB a decision)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Measure, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="generated profiles")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind")
    parser.add_argument("--engine", default="native", choices=("native", "durable"))
    parser.add_argument("--format", default="json", choices=("json", "jsonl", "text"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="imsa-record-bench-") as name:
        folder = Path(name)
        examples = sorted(EXAMPLES.glob("*.yaml"))
        _measure("examples", examples, len(examples), args, folder)
        generated = folder / "generated"
        generated.mkdir()
        for index, text in enumerate(profile_texts(args.count)):
            (generated / f"profile-{index:05}.yaml").write_bytes(text)
        _measure("generated", [generated], args.count, args, folder)


if __name__ == "__main__":
    main()
