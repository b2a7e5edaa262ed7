"""Exit codes of DESIGN.md, and how a batch combines them."""

from __future__ import annotations

from collections.abc import Iterable

OK = 0
INTERNAL = 1
INVALID = 2
BY_OUTCOME = {
    "eligible": 0,
    "eligible_with_conditions": 3,
    "refer_to_panel": 4,
    "incomplete": 5,
    "ineligible": 6,
}
_PRECEDENCE = (1, 2, 6, 5, 4, 3, 0)


def combine(codes: Iterable[int]) -> int:
    """The batch's exit code: the first that applies of 1, 2, 6, 5, 4, 3, 0."""
    present = set(codes)
    return next((code for code in _PRECEDENCE if code in present), OK)
