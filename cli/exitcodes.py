"""The command's exit codes, and how a batch combines them.

An outcome's code comes from the vocabulary (``Outcome.exit_code``: 0 eligible, 3 with
conditions, 4 refer to panel, 5 incomplete, 6 ineligible); an error's from its class
(``ImsaError.exit_code``: 2 for invalid input or usage, 1 for an internal error). See
docs/report-format.md, "Exit codes". ``register replay`` exits 7 when a decision made again
differs from the one stored (:data:`REPLAY_DIFFERS`).
"""

from __future__ import annotations

from collections.abc import Iterable

from imsa_eligibility.vocabulary import Outcome

OK = 0
INTERNAL = 1
INVALID = 2
REPLAY_DIFFERS = 7  # register replay: a stored decision was not reproduced byte for byte
#: Severity order: the first of these present is the batch's code.
_PRECEDENCE = (INTERNAL, INVALID, *(o.exit_code for o in Outcome))


def combine(codes: Iterable[int]) -> int:
    """The batch's exit code: the first that applies of 1, 2, 6, 5, 4, 3, 0."""
    present = set(codes)
    return next((code for code in _PRECEDENCE if code in present), OK)
