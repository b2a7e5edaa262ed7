"""Stress benchmark: time and memory of one decision as profiles and rule sets grow.

    python bench/stress.py [--engines durable,native] [--quick]

Decides, for each engine, a control chain, a wide profile (many funders), a chain in which
every organisation matches, and the shipped rules with many extra rules, at growing sizes,
each in a fresh process (so peak RSS is that decision's). Prints seconds, peak RSS and
report bytes per size, and the growth from one size to the next (about 2 for linear, when
the size doubles). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import datetime as dt, json, resource, shutil, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import yaml
from imsa_eligibility.decision import evaluate
from imsa_eligibility.engine import engine_for
from imsa_eligibility.profile import load_profile_text
from imsa_eligibility.report import render_json
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.source import MAX_BYTES
from tests.hostile.test_stress import BASE, chain, police_chain, wide

shape, size, engine, work = {shape!r}, {size}, {engine!r}, Path({work!r})
rules = Path({root!r}) / "rules"
data = BASE
if shape == "rules":
    rules = work / f"rules-{{engine}}-{{size}}"  # engines share work: a folder each
    shutil.copytree(Path({root!r}) / "rules", rules)
    extra = [
        {{"id": f"X{{chr(65 + i // 1000)}}-{{i % 1000:03d}}", "title": f"Extra {{i}}",
          "section": 1, "effect": "advise", "waivable": False,
          "because": "b", "remedy": "r", "source": "s",
          "when": {{"fact": "organisation.annual_income_gbp", "more_than": 1000 + i}}}}
        for i in range(size)
    ]
    (rules / "60-extra.yaml").write_text(yaml.safe_dump({{"kind": "rules", "rules": extra}}))
else:
    data = {{"chain": chain, "wide": wide, "police_chain": police_chain}}[shape](size)
raw = json.dumps(data, default=str).encode()
if len(raw) > MAX_BYTES:
    why = f"{{len(raw):,}} bytes, over the profile limit of {{MAX_BYTES:,}}"
    print(json.dumps({{"skipped": why}}))
    sys.exit(0)
start = time.perf_counter()
ruleset = load_ruleset(rules)
runner = engine_for(engine, ruleset)
loaded = load_profile_text("stress.json", raw)
decision = evaluate(loaded, ruleset, as_of=dt.date(2026, 11, 28), engine=runner)
report = render_json([decision], [])
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "rss_mib": rss, "bytes": len(report)}}))
"""

SHAPES = {
    "chain": [500, 1000, 2000, 4000],
    # The loader refuses a profile over 1 MB or 50,000 values (source.MAX_BYTES, MAX_VALUES):
    # 8,000 funders are 1.16 MB and 6,000 are 54,000 values, so the sizes stop at 5,000 (about
    # 45,000 values, 0.73 MB). A profile over the byte limit is skipped, with a note.
    "wide": [625, 1250, 2500, 5000],
    "police_chain": [500, 1000, 2000, 4000],
    "rules": [250, 500, 1000, 2000],
}


def _run(shape: str, size: int, engine: str, work: str) -> dict[str, float] | str:
    code = _CHILD.format(root=str(ROOT), shape=shape, size=size, engine=engine, work=work)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired:
        return "timed out (600 s)"
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines() or ["?"]
        return f"failed: {lines[-1][:120]}"
    result: dict[str, float | str] = json.loads(done.stdout.splitlines()[-1])
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    return {k: float(v) for k, v in result.items()}


def main() -> None:
    """Run every shape at every size on each engine and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="durable,native")
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for engine in args.engines.split(","):
            for shape, sizes in SHAPES.items():
                previous: dict[str, float] | None = None
                for size in sizes[:2] if args.quick else sizes:
                    result = _run(shape, size, engine, work)
                    if isinstance(result, str):
                        print(f"{engine:8} {shape:13} {size:6}  {result}", flush=True)
                        break
                    growth = (
                        f"  x{result['seconds'] / previous['seconds']:.2f} time"
                        f"  x{result['rss_mib'] / previous['rss_mib']:.2f} RSS"
                        if previous
                        else ""
                    )
                    print(
                        f"{engine:8} {shape:13} {size:6}  {result['seconds']:7.2f} s"
                        f"  {result['rss_mib']:7.1f} MiB  {int(result['bytes']):>10,} B{growth}",
                        flush=True,
                    )
                    previous = result


if __name__ == "__main__":
    main()
