"""imsa-eligibility: decide who may employ an Independent Modern Slavery Advocate.

The library is pure: it never prints, exits or imports the CLI's libraries. Its entry
points are re-exported lazily, so that ``import imsa_eligibility`` stays cheap::

    from imsa_eligibility import evaluate, load_profile, load_ruleset
    decision = evaluate(load_profile(path), load_ruleset(), as_of=date.today())
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "evaluate": "imsa_eligibility.decision",
    "Decision": "imsa_eligibility.decision",
    "load_profile": "imsa_eligibility.profile.load",
    "load_ruleset": "imsa_eligibility.rules.load",
    "make_engine": "imsa_eligibility.engine",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'imsa_eligibility' has no attribute {name!r}")
