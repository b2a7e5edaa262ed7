"""Where the shipped files are: the reference rules, their test cases and the profile template.

An installed wheel holds them inside the package (``imsa_eligibility/_rules`` and
``imsa_eligibility/_profiles``, see ``[tool.setuptools]`` in pyproject.toml). An editable
install, or a run from the working tree (``python -m cli``), has none there and uses the
checkout's own ``rules/`` and ``profiles/`` beside the package, so an edit to a rule takes
effect at once. Every path is found from this file, never from the current folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _shipped(installed: str, checkout: str, marker: str) -> Path:
    """The folder holding ``marker``: inside the package if installed there, else the checkout's."""
    inside = _PACKAGE / installed
    if (inside / marker).is_file():
        return inside
    beside = _CHECKOUT / checkout
    if (beside / marker).is_file():
        return beside
    return inside  # neither: name the installed place, so the error says what is missing


def rules_dir() -> Path:
    """The shipped reference rule set (the folder holding ``ruleset.yaml``)."""
    return _shipped("_rules", "rules", "ruleset.yaml")


def cases_dir(rules: Path | None = None) -> Path:
    """The test cases of the rule set ``rules`` (default: the shipped one): ``tests/cases``."""
    return (rules if rules is not None else rules_dir()) / "tests" / "cases"


def base_profile(rules: Path | None = None) -> Path:
    """The compliant profile the cases of ``rules`` start from: ``tests/base-profile.yaml``."""
    return (rules if rules is not None else rules_dir()) / "tests" / "base-profile.yaml"


def template_path() -> Path:
    """The commented profile template (``profiles/TEMPLATE.yaml`` in the checkout)."""
    return _shipped("_profiles", "profiles", "TEMPLATE.yaml") / "TEMPLATE.yaml"


__all__ = ["base_profile", "cases_dir", "rules_dir", "template_path"]
