"""JSON text of report objects, byte for byte what ``json.dumps`` writes, for less work.

Both give exactly ``json.dumps(value, ensure_ascii=False)``, with or without ``indent``:

- :func:`indented`: ``json.dumps`` indents with the standard library's pure-Python encoder
  (its C encoder cannot indent), which makes the JSON report several times slower to write
  than the JSON Lines one. Here a part that occurs more than once (a finding several
  nations share is one object) is encoded once, and each value is written in one step, not
  yielded token by token.
- :func:`compact`: the one-line form, where a :class:`Raw` part is JSON text already
  written (by ``json.dumps``'s C encoder, or taken from a cache), so that the text of a
  part met again need not be made again.

Report objects are plain JSON values (dicts, lists, text, numbers, booleans and None).
A container is known by its identity while the value is written: the value holds it.
Anything else, or a structure that contains itself, is handed to ``json.dumps`` itself,
which then writes it or raises as it always has (:func:`compact` raises
:class:`UnsupportedError`, and its caller encodes the value without :class:`Raw` parts).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_CONSTANTS = {True: "true", False: "false"}
_INFINITY = float("inf")
_CONTAINERS = (dict, list, tuple)  # exactly these: each holds its items, so their ids last


class UnsupportedError(Exception):
    """A value these encoders leave to ``json.dumps``."""


class Raw(str):
    """JSON text written already: :func:`compact` puts it in as it is."""


def _float(value: float) -> str:
    """A number as ``json.dumps`` writes it (``allow_nan``: NaN and the infinities too)."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str:
    """A single value as JSON text (text, None, a boolean or a number)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return _CONSTANTS[value]
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise UnsupportedError


def _key(key: Any) -> str:
    """A mapping key as JSON text: a key that is not text is written as its JSON text."""
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, bool | int | float) or key is None:
        return encode_basestring(_scalar(key))
    raise UnsupportedError


class _Indenter:
    """One call of :func:`indented`: each container is encoded once per depth."""

    def __init__(self, indent: int) -> None:
        self.space = " " * indent
        self.done: dict[tuple[int, int], str] = {}
        self.open: set[int] = set()  # the containers being encoded, to refuse a cycle

    def value(self, value: Any, level: int) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        if type(value) in _CONTAINERS:
            return self.container(value, level)
        if isinstance(value, dict | list | tuple):  # a subclass may make its items anew
            raise UnsupportedError
        return _scalar(value)

    def container(self, value: dict[Any, Any] | list[Any] | tuple[Any, ...], level: int) -> str:
        done = self.done.get((id(value), level))
        if done is not None:
            return done
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        if id(value) in self.open:
            raise UnsupportedError
        self.open.add(id(value))
        deeper = level + 1
        if isinstance(value, dict):
            items = [_key(k) + ": " + self.value(v, deeper) for k, v in value.items()]
            start, end = "{", "}"
        else:
            items = [self.value(v, deeper) for v in value]
            start, end = "[", "]"
        self.open.discard(id(value))
        inner = "\n" + self.space * deeper
        text = start + inner + ("," + inner).join(items) + "\n" + self.space * level + end
        self.done[id(value), level] = text
        return text


def indented(value: Any, indent: int, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)``, as if ``level`` deep.

    Each line after the first starts with ``level * indent`` more spaces: the value's
    lines as they stand when it is written ``level`` levels deep in a larger document.
    """
    try:
        return _Indenter(indent).value(value, level)
    except (UnsupportedError, RecursionError):
        text = json.dumps(value, ensure_ascii=False, indent=indent)
        return text.replace("\n", "\n" + " " * (indent * level))


def compact(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``, with each :class:`Raw` part as written.

    Raises :class:`UnsupportedError` for a value that is not plain JSON (or not a tree).
    """
    return _compact(value, set())


def _compact(value: Any, open_: set[int]) -> str:
    if type(value) is Raw:
        return value
    if isinstance(value, str):
        return encode_basestring(value)
    if type(value) not in _CONTAINERS:
        if isinstance(value, dict | list | tuple):
            raise UnsupportedError
        return _scalar(value)
    if id(value) in open_:
        raise UnsupportedError
    open_.add(id(value))
    if isinstance(value, dict):
        items = [_key(k) + ": " + _compact(v, open_) for k, v in value.items()]
        text = "{" + ", ".join(items) + "}"
    else:
        text = "[" + ", ".join([_compact(v, open_) for v in value]) + "]"
    open_.discard(id(value))
    return text
