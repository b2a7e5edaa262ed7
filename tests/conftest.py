"""Shared fixtures: paths, the CLI runners, and the --update-goldens switch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

CACHE_ENV = "IMSA_ELIGIBILITY_CACHE"
_CACHES: list[tuple[str, str | None]] = []  # this run's cache folder, and what it replaced


def pytest_configure(config: pytest.Config) -> None:
    """The suite never touches the user's cache (~/.cache/imsa-eligibility).

    Every test, every module loaded at collection, and every process a test starts (they
    inherit the environment) caches in a folder of this test process's own, made before
    collection and removed at the end. A test of the cache itself sets its own.
    """
    folder = tempfile.mkdtemp(prefix="imsa-eligibility-test-cache-")
    _CACHES.append((folder, os.environ.get(CACHE_ENV)))
    os.environ[CACHE_ENV] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    while _CACHES:
        folder, before = _CACHES.pop()
        shutil.rmtree(folder, ignore_errors=True)
        if before is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = before


# CI replays the same examples every run (a failure there is reproducible, never a fluke of
# the draw); locally each run explores new ones. `HYPOTHESIS_PROFILE=ci` selects it by hand.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "profiles" / "examples"
DATA = ROOT / "tests" / "data"
PROG = "imsa-eligibility"


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


def _status(code: object) -> int:
    """The process exit status ``sys.exit(code)`` gives, as the interpreter computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # the interpreter prints any other value, then exits 1
    return 1


def cli_in_process(
    *args: str, stdin: str | None = None, env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``imsa-eligibility ARGS`` in this process, exactly as the console script does.

    Through :func:`cli.app.main`, which turns a command's errors into exit codes, with
    ``sys.argv`` set as the script sets it; typer's :class:`CliRunner` isolation captures
    stdout and stderr apart (and supplies ``stdin``). Paths are relative to the working
    directory, so callers run it from the project root (the :func:`run_cli` fixture does).
    """
    from cli.app import main

    argv, hook = sys.argv, sys.excepthook  # typer's app() installs its own excepthook
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _mixed):
        sys.argv = [PROG, *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = _status(exc.code)
        finally:
            sys.argv, sys.excepthook = argv, hook
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess([PROG, *args], code, stdout, stderr)


def cli_process(
    *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command as a real process from the working tree (``python -m cli``).

    The working tree rather than the installed wheel, so a test never sees a stale install;
    tests/cli/test_install.py checks the installed console script separately. Slow (about
    0.3 s a run): only for what needs a process boundary; :func:`run_cli` for the rest.
    """
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        check=False,
        env={**os.environ, **env} if env is not None else None,
    )


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run the command in this process from the project root (see :func:`cli_in_process`).

    Returns what :func:`subprocess.run` would (``returncode``, ``stdout``, ``stderr``).
    """
    monkeypatch.chdir(ROOT)
    return cli_in_process
