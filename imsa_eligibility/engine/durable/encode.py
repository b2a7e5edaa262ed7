"""Value encodings for the durable_rules adapter (private to :mod:`.durable`).

durable_rules compares JSON values with its own rules: ``"10"`` equals ``10``, ``true``
equals ``1``, strings are compared byte for byte *as escaped in the JSON text* (and only
their first 65,535 bytes), floats in exponent form are refused and integers saturate at
int64. So no profile value reaches the engine as it is. Each is encoded so that durable's
comparison of the encodings gives exactly the native engine's answer (``semantics.test_value``):

- a *token* is a short printable-ASCII string tagged with the value's type (``n:`` numbers,
  ``s:`` short plain strings, ``h:`` a SHA-256 of anything else, long numbers included),
  compared only for equality;
- a number compared with ``lt``/``le``/``gt``/``ge`` is an exact integer: the value times
  ``10**scale``, as a floor and a ceiling, clamped to ``±LIMIT``; order is kept because
  the threshold it is compared with lies strictly inside that range
  (:func:`plain_threshold`). A threshold that does not (more than 18 decimal places, or
  beyond ``±LIMIT`` once scaled, or infinite: any size is allowed) is compared with 0, and
  the value sent is the sign of ``value - threshold`` (:func:`sign`), exactly; two facts
  compared with each other are sent as integers when both fit, else as 0 and the sign of
  their difference. No number is too large or too precise.

Where the native engine would raise (``int("abc")``, a list in a set, a NaN),
:class:`UndecidableError` is raised, and the adapter reports an
:class:`~imsa_eligibility.errors.EngineError`.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ...errors import UndecidableError

#: Every integer sent to durable_rules lies in ``[-LIMIT, LIMIT]`` (well inside int64).
LIMIT = 2**62
_PLAIN_MAX = 120
#: Integer digits beyond which a scaled number is clamped (``10**19 > LIMIT``).
_DIGITS = 19
#: Decimal places of a threshold compared as a scaled integer; more: by sign.
_MAX_SCALE = 18


def _digest(text: str) -> str:
    return "h:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


#: Printable ASCII but for ``"`` and ``\\``: sent as it is (else as a digest).
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


@lru_cache(maxsize=4096)
def str_token(text: str) -> str:
    """A token equal for equal strings only (code point by code point, as Python compares)."""
    if len(text) <= _PLAIN_MAX and _PLAIN.fullmatch(text):
        return "s:" + text
    return _digest("s:" + text)


def _parts(value: Decimal | int) -> tuple[int, str, int]:
    if isinstance(value, int):
        value = Decimal(value)
    if not value.is_finite():
        raise UndecidableError(f"a number that is not finite: {value}")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits)).lstrip("0") or "0"
    return sign, text, exponent


def number_text(value: int | Decimal) -> str:
    """The exact value of a number as text, the same for ``1``, ``1.0`` and ``Decimal(1)``."""
    if isinstance(value, Decimal) and value.is_infinite():
        return "-inf" if value < 0 else "inf"
    sign, digits, exponent = _parts(value)
    if digits == "0":
        return "0"
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return f"{'-' if sign else ''}{stripped}e{exponent}"


def is_number(value: object) -> bool:
    """An int or Decimal that is not a bool."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def element_token(value: object) -> str:
    """Set-membership token: equal exactly when Python's ``==`` (and hash) make them equal.

    As in Python, ``True``, ``1`` and ``Decimal("1.0")`` are one set element. Unhashable
    values raise :class:`UndecidableError`, as ``value in {...}`` would raise ``TypeError``.
    """
    if isinstance(value, bool | int | Decimal):
        token = "n:" + number_text(int(value) if isinstance(value, bool) else value)
        return token if len(token) <= _PLAIN_MAX else _digest(token)
    if isinstance(value, str):
        return str_token(value)
    if value is None:
        return "z:"
    raise UndecidableError(f"{type(value).__name__} values cannot be set members")


def _canonical(value: Any) -> Any:
    """A JSON form equal for values that Python's ``==`` finds equal (inside containers)."""
    if isinstance(value, bool | int | Decimal | str) or value is None:
        return element_token(value)
    if isinstance(value, list | tuple):
        return ["l" if isinstance(value, list) else "t", [_canonical(item) for item in value]]
    if isinstance(value, dict):
        items = sorted((json.dumps(_canonical(k)), _canonical(v)) for k, v in value.items())
        return ["d", items]
    raise UndecidableError(f"cannot compare {type(value).__name__} values")


def equality_token(value: object, side: str) -> str:
    """Token for ``equals``/``not_equals``, mirroring ``semantics.test_value``.

    Numbers (not bools) are equal by value; bools equal only the same bool (never 1 or 0:
    durable_rules itself would say ``true`` equals ``1``); other values when of the same
    type and equal. ``side`` is kept for callers; tokens no longer depend on it.
    """
    if isinstance(value, bool):
        return "b:T" if value else "b:F"
    if is_number(value):
        return element_token(value)
    if isinstance(value, str):
        return str_token(value)
    if isinstance(value, list | dict):
        return _digest(json.dumps(_canonical(value)))
    raise UndecidableError(f"cannot compare {type(value).__name__} values")


def identity_token(value: object) -> str:
    """Token for ``is``, which compares object identity: ``T``/``F`` for the two bools.

    Any other object is identified by ``id()``: the native engine's ``value is other`` on
    two facts is true exactly when both paths lead to the same object (the same path, a
    shared or interned value), and the objects stay alive for the whole evaluation.
    """
    if value is True:
        return "T"
    if value is False:
        return "F"
    return f"@{id(value)}"


def numeric(value: object) -> Decimal:
    """``semantics.number``: Decimals as they are, anything else through ``int()``.

    A NaN raises :class:`UndecidableError`: the native engine's comparisons raise on it.
    """
    if isinstance(value, Decimal):
        if value.is_nan():
            raise UndecidableError(f"not a number: {value}")
        return value
    try:
        return Decimal(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError) as error:
        raise UndecidableError(f"not a number: {value!r}") from error


def scale_of(value: Decimal | int) -> int:
    """Decimal places needed to make ``value`` whole."""
    return max(0, -_parts(value)[2])


def _clamp(number: int) -> int:
    return max(-LIMIT, min(LIMIT, number))


def _whole(value: Decimal, scale: int) -> int | None:
    """``value * 10**scale`` exactly when it is a whole number of at most 19 digits."""
    sign, digits, exponent = _parts(value)
    exponent += scale
    if digits == "0":
        return 0
    if exponent < 0 or len(digits) + exponent > _DIGITS:
        return None
    return (-1 if sign else 1) * int(digits + "0" * exponent)


def plain_threshold(value: Decimal) -> tuple[int, int] | None:
    """``(scale, value * 10**scale)`` for a threshold durable_rules can compare as an
    integer (at most 18 decimal places, strictly inside ``±LIMIT`` once scaled); None for
    any other (compare the sign of ``value - threshold`` with 0 instead, see :func:`sign`).
    """
    if not value.is_finite():
        return None
    scale = scale_of(value)
    if scale > _MAX_SCALE:
        return None
    whole = _whole(value, scale)
    if whole is None or abs(whole) >= LIMIT:
        return None
    return scale, whole


def scaled(value: Decimal | int, scale: int) -> tuple[int, int]:
    """Floor and ceiling of ``value * 10**scale``, each clamped to ``±LIMIT``.

    Exact for any value: clamping keeps every comparison with a number strictly inside
    ``±LIMIT`` (a plain threshold) right.
    """
    if isinstance(value, Decimal) and value.is_infinite():
        end = -LIMIT if value < 0 else LIMIT
        return end, end
    sign, digits, exponent = _parts(value)
    exponent += scale
    if digits == "0":
        low = high = 0
    elif len(digits) + exponent > _DIGITS:  # beyond LIMIT
        return (-LIMIT, -LIMIT) if sign else (LIMIT, LIMIT)
    elif exponent >= 0:
        low = high = int(digits) * 10**exponent
    elif -exponent >= len(digits):  # 0 < |value| < 1
        low, high = 0, 1
    else:
        low, rest = divmod(int(digits), 10**-exponent)
        high = low + (rest != 0)
    if sign:
        low, high = -high, -low
    return _clamp(low), _clamp(high)


def sign(value: Decimal, threshold: Decimal) -> int:
    """-1, 0 or 1 as ``value`` is below, at or above ``threshold`` (exact, any size)."""
    if value.is_nan() or threshold.is_nan():
        raise UndecidableError(f"not a number: {value if value.is_nan() else threshold}")
    return (value > threshold) - (value < threshold)


def scaled_pair(left: Decimal, right: Decimal) -> tuple[int, int]:
    """Two numbers as integers in the same order, exactly: both times one power of ten
    that makes both whole, when both then fit; else 0 and the sign of ``right - left``.
    """
    if left.is_finite() and right.is_finite():
        scale = max(scale_of(left), scale_of(right))
        if scale <= _MAX_SCALE:
            a, b = _whole(left, scale), _whole(right, scale)
            if a is not None and b is not None and abs(a) < LIMIT and abs(b) < LIMIT:
                return a, b
    return 0, sign(right, left)
