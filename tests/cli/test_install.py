"""The installed console script and package work as a user installs them.

``make test`` installs the project in editable mode, so the installed package is the working
tree; a wheel is built (offline, from a copy of the sources) to check what a non-editable
install ships, and that it finds its files inside itself from any folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from cli import app as cli_app
from imsa_eligibility import __version__
from imsa_eligibility.errors import EngineError, Problem, ProfileError, UsageError
from tests.conftest import ROOT

SCRIPT = Path(sysconfig.get_path("scripts")) / "imsa-eligibility"
PIP = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]


def _installed(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` outside the working tree, so only the installed package is found."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env={**os.environ, **env},
        timeout=120,
    )


def _script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.exists(), "run `make test`, which installs the project"
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, cwd=cwd, timeout=300
    )


def test_console_script_is_installed_and_runs(tmp_path: Path) -> None:
    for args in (["version"], ["--version"]):
        result = _script(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"imsa-eligibility {__version__}"


def test_template_prints_the_commented_profile_template(tmp_path: Path) -> None:
    result = _script("template", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "profiles" / "TEMPLATE.yaml").read_text(encoding="utf-8")


def test_rules_commands_use_the_shipped_rules_from_any_folder(tmp_path: Path) -> None:
    assert _script("rules", "lint", cwd=tmp_path).returncode == 0
    result = _script("rules", "test", "--engine", "native", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(" 0 failed\n")


def test_cli_is_installed_under_a_unique_import_name() -> None:
    result = _installed(
        "import imsa_eligibility_cli.app, importlib.util as u; print(u.find_spec('cli'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_shipped_files_are_found_from_any_folder() -> None:
    result = _installed(
        "from imsa_eligibility import resources as r; "
        "print(r.rules_dir(), r.cases_dir(), r.base_profile(), r.template_path(), sep='\\n')"
    )
    assert result.returncode == 0, result.stderr
    rules, cases, base, template = map(Path, result.stdout.split("\n")[:4])
    assert (rules / "ruleset.yaml").is_file()
    assert sorted(p.name for p in cases.glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "rules" / "tests" / "cases").glob("*.yaml")
    )
    assert base.is_file()
    assert template.is_file()


def test_an_explicit_rule_set_brings_its_own_cases(tmp_path: Path) -> None:
    from imsa_eligibility.resources import base_profile, cases_dir

    assert cases_dir(tmp_path) == tmp_path / "tests" / "cases"
    assert base_profile(tmp_path) == tmp_path / "tests" / "base-profile.yaml"


def _packages_on_disk() -> set[str]:
    found = set()
    for folder in [ROOT / "imsa_eligibility", *(ROOT / "imsa_eligibility").rglob("*")]:
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
            found.add(".".join(folder.relative_to(ROOT).parts))
    return found


def test_every_library_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert sorted(_packages_on_disk() - listed) == [], "add them to [tool.setuptools] packages"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built, offline and without touching the checkout, from a copy of the sources."""
    try:
        backend = int(version("setuptools").split(".")[0])
    except PackageNotFoundError:
        backend = 0
    if backend < 77:
        pytest.skip("the dev extra's setuptools>=77 (the build backend) is not installed")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("imsa_eligibility", "cli", "rules", "profiles"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_ships_the_cli_rules_cases_and_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "imsa_eligibility_cli/app.py",
        "imsa_eligibility_cli/py.typed",
        "imsa_eligibility/py.typed",
        "imsa_eligibility/resources.py",
        "imsa_eligibility/_profiles/TEMPLATE.yaml",
        "imsa_eligibility/_rules/tests/base-profile.yaml",
        "imsa_eligibility/_rules/panel/conflicts.yaml",
        "imsa_eligibility_cli/panel.py",
    }
    expected |= {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "imsa_eligibility" / "report" / "templates").iterdir()
    }
    expected |= {f"imsa_eligibility/_rules/{p.name}" for p in (ROOT / "rules").glob("*.yaml")}
    expected |= {
        f"imsa_eligibility/_rules/tests/cases/{p.name}"
        for p in (ROOT / "rules" / "tests" / "cases").glob("*.yaml")
    }
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "imsa_eligibility").rglob("*.py")}
    assert sorted(expected - names) == []
    assert not any(n.startswith(("cli/", "tests/", "profiles/", "rules/")) for n in names)
    assert not any(n.startswith("imsa_eligibility/_profiles/examples") for n in names)


def test_the_wheel_finds_its_files_inside_itself(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        check=True,
        timeout=300,
    )
    result = _installed(
        "import sys; from imsa_eligibility import resources as r; "
        "from imsa_eligibility_cli.app import main; "
        "print(r.rules_dir(), r.template_path(), sep='\\n', flush=True); "
        "sys.argv = ['imsa-eligibility', 'rules', 'lint']; main()",
        PYTHONPATH=str(site),
    )
    assert result.returncode == 0, result.stderr
    rules, template, lint = result.stdout.split("\n")[:3]
    assert Path(rules) == site / "imsa_eligibility" / "_rules"
    assert Path(template) == site / "imsa_eligibility" / "_profiles" / "TEMPLATE.yaml"
    assert lint.startswith("ok: imsa-reference")


@pytest.mark.parametrize(
    ("error", "code", "says"),
    [
        (ProfileError([Problem("p.yaml", 3, 5, "a.b", "bad value", "fix it")]), 2, "p.yaml:3:5"),
        (UsageError("no case files in x"), 2, "error: no case files in x"),
        (EngineError("the engines disagree"), 1, "internal error: the engines disagree"),
    ],
)
def test_main_maps_every_imsa_error_to_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    code: int,
    says: str,
) -> None:
    def fail() -> None:
        raise error

    monkeypatch.setattr(cli_app, "app", fail)
    with pytest.raises(SystemExit) as exited:
        cli_app.main()
    assert exited.value.code == code
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err
    if code == 1:
        assert "Please report this" in err
