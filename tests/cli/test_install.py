"""The installed console script and package work as a user installs them."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from imsa_eligibility import __version__


def _installed(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` outside the working tree, so only the installed package is found."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        timeout=120,
    )


def test_console_script_is_installed_and_runs() -> None:
    script = Path(sysconfig.get_path("scripts")) / "imsa-eligibility"
    assert script.exists(), "run `make test`, which installs the project"
    result = subprocess.run(
        [str(script), "version"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"imsa-eligibility {__version__}"


def test_cli_is_installed_under_a_unique_import_name() -> None:
    result = _installed(
        "import imsa_eligibility_cli.app, importlib.util as u; print(u.find_spec('cli'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_installed_package_ships_the_reference_rules() -> None:
    result = _installed(
        "from imsa_eligibility.rules.load import default_rules_dir as d; "
        "print((d() / 'ruleset.yaml').is_file(), d().name)"
    )
    assert result.stdout.split() == ["True", "_rules"], result.stderr
