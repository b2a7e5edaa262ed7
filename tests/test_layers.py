"""The layering is a contract: import-linter checks it (``.importlinter``) in every test run.

The library never imports the CLI, typer or rich; only the durable_rules adapter imports
durable_rules; profiles know nothing of rules, and rules nothing of engines or decisions;
each layer imports only those below it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINT, "--no-cache"], cwd=where, capture_output=True, text=True, check=False
    )


def test_the_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_library_module_importing_rich_breaks_the_contracts(tmp_path: Path) -> None:
    for part in ("imsa_eligibility", "cli"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    profile_model = tmp_path / "imsa_eligibility" / "profile" / "model.py"
    profile_model.write_text(
        profile_model.read_text(encoding="utf-8") + "\nimport rich  # noqa\n"
        "from imsa_eligibility.rules import ast  # noqa\n",
        encoding="utf-8",
    )
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "The library never imports the CLI, typer, click or rich BROKEN" in result.stdout
    assert "Profiles know nothing of rules, engines, decisions or reports BROKEN" in result.stdout
