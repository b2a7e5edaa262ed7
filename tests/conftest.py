"""Shared fixtures: paths, the CLI runner, and the --update-goldens switch."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run (a failure there is reproducible, never a fluke of
# the draw); locally each run explores new ones. `HYPOTHESIS_PROFILE=ci` selects it by hand.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "profiles" / "examples"
DATA = ROOT / "tests" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden output files instead of comparing with them",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli() -> Run:
    """Run the command from the working tree (``python -m cli``), from the project root.

    The working tree rather than the installed wheel, so a test never sees a stale install;
    tests/cli/test_install.py checks the installed console script separately.
    """

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=300,
            check=False,
        )

    return run
