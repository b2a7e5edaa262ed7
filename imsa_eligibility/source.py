"""Safe, bounded, positioned reading of YAML and JSON documents.

This is the only module that parses input text. It never constructs Python objects from
tags (a ``!!python/...`` tag is an error), refuses duplicate keys, bounds size, depth and
alias expansion, and records the line and column of every value so that later checks can
point at the place in the file. Plain scalars are read with YAML 1.2 core rules (``yes`` is
text, ``06543210`` is not octal) and numbers keep the digits as written; the core tags
(``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``) construct what they name.

JSON (a ``.json`` name, or ``syntax="json"``) is read as strict JSON, by the rules of
:func:`json.loads` (no trailing commas, comments, single quotes, ``NaN`` or YAML-only
syntax), into the same positioned :class:`Document`.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from yaml.reader import ReaderError

from .errors import DocumentError, Problem

PathKey = tuple[str | int, ...]
Syntax = Literal["yaml", "json"]

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_VALUES = 50_000
MAX_KEY_CHARS = 200  # a field name is a few words; a longer key is pasted text

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null")}
_SEQ, _MAP = f"{_STD}seq", f"{_STD}map"
_ALLOWED_TAGS = _SCALAR_TAGS | {_SEQ, _MAP}
_PLAIN = "tag:imsa-eligibility.invalid,2024:plain"  # an untagged plain scalar, typed by us
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+)([eE][-+]?[0-9]+)?")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
# A tag as written before a value, after an optional anchor: ``&a !!str 2``.
_WRITTEN_TAG = re.compile(r"(?:&[^\s,\[\]{}]+\s+)?(!<[^>]*>|![^\s,\[\]{}]*)")
_TAG_STARTS = ("&", "!")  # what _WRITTEN_TAG can match first
_NUMBER_STARTS = frozenset("+-.0123456789")  # what _INT and _FLOAT can match first


def syntax_for(name: str) -> Syntax:
    """The syntax a file's name implies: JSON for ``.json``, otherwise YAML."""
    return "json" if name.lower().endswith(".json") else "yaml"


class SourceInt(int):
    """An integer read from a file, remembering the digits as written (``06543210``)."""

    raw: str

    def __new__(cls, value: int, raw: str) -> SourceInt:
        obj = super().__new__(cls, value)
        obj.raw = raw
        return obj

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]
        return (int(self), self.raw)


class SourceFloat(float):
    """A decimal number read from a file, remembering the text as written (``0.3``)."""

    raw: str

    def __new__(cls, value: float, raw: str) -> SourceFloat:
        obj = super().__new__(cls, value)
        obj.raw = raw
        return obj

    def __getnewargs__(self) -> tuple[float, str]:  # type: ignore[override]
        return (float(self), self.raw)


def as_written(value: object) -> object:
    """The text of a number as the author wrote it; other values unchanged."""
    if isinstance(value, SourceInt | SourceFloat):
        return value.raw
    return value


def format_path(path: PathKey) -> str:
    """``("people", 0, "roles")`` -> ``people[0].roles``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Document:
    """A parsed document: plain values, where each came from, and the bytes' sha256."""

    file: str
    data: Any
    sha256: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    tags: dict[PathKey, tuple[str, str]] = field(default_factory=dict)
    """Explicit tags on single values: path -> (the tag as written, such as ``!!str``, and
    the value's text as written). Messages use them to say why a value has the type it has."""

    def position(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest present parent when it is absent."""
        probe = tuple(path)
        while True:
            if key and probe in self.key_positions:
                return self.key_positions[probe]
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]

    def line(self, path: PathKey) -> int:
        """The line of ``path`` (or of its nearest present parent)."""
        return self.position(path)[0]

    def problem(self, path: PathKey, message: str, hint: str = "", *, key: bool = False) -> Problem:
        """A problem located at ``path`` in this document."""
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, format_path(path), message, hint)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes nodes only; every untagged plain scalar is typed later, by plain_value."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[Any]]] = {}
    _DEFAULT_TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: f"{_STD}str",
        yaml.SequenceNode: f"{_STD}seq",
        yaml.MappingNode: f"{_STD}map",
    }

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """Untagged nodes get the plain tag of their kind; plain scalars a mark of their own."""
        if kind is yaml.ScalarNode and implicit and implicit[0]:
            return _PLAIN
        return self._DEFAULT_TAGS[kind]


class _ScalarError(ValueError):
    """A single value that cannot be read as written: the message and what to write."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _nfc(text: str) -> str:
    # One spelling for text that looks the same (both engines compare code point by code
    # point).
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _whole_number(text: str) -> SourceInt:
    try:
        return SourceInt(int(text, 10), text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _ScalarError(
            f"the number has {len(text.lstrip('+-')):,} digits, too many to be a count or "
            "an amount",
            "write the number with the digits it needs (or put it in quotes if it is text)",
        ) from None


def plain_value(text: str) -> object:
    """What an untagged, unquoted value written as ``text`` is (YAML 1.2 core rules).

    ``~``, ``null`` and nothing are None; ``true``/``false`` (also ``True``, ``TRUE``...)
    are booleans; decimal digits are whole numbers and decimals keeping their digits; all
    else, ``yes``, ``1_000``, ``0x1F`` and ``.inf`` included, is text.
    """
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[:1] not in _NUMBER_STARTS:  # most values are words: no regex needed
        return text
    if _INT.fullmatch(text):
        return _whole_number(text)
    if _FLOAT.fullmatch(text):
        return SourceFloat(float(text), text)
    return text


_TAG_WORDS = {
    "int": ("a whole number", "a whole number such as 2"),
    "float": ("a number", "a number such as 0.25"),
    "bool": ("true or false", "true or false"),
    "null": ("empty (null)", "nothing"),
}


def _tagged_scalar(tag: str, text: str) -> object:
    """The value of a scalar with an explicit core tag, or a _ScalarError if it does not fit."""
    name = tag.removeprefix(_STD)
    if name == "str":
        return text
    if name == "null" and text in _NULLS:
        return None
    if name == "bool" and (text in _TRUE or text in _FALSE):
        return text in _TRUE
    if name == "int" and _INT.fullmatch(text):
        return _whole_number(text)
    if name == "float" and _FLOAT.fullmatch(text):
        return SourceFloat(float(text), text)
    what, write = _TAG_WORDS.get(name, ("a single value", "a single value"))
    raise _ScalarError(
        f"'{_short_key(text)}' is tagged '!!{name}', which makes it {what}, but it is not",
        f"delete the tag '!!{name}' to write the value as it is (put it in quotes to make "
        f"it text), or write {write} after the tag",
    )


def _kind_word(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping (fields)"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value"


def _short_key(key: str) -> str:
    return key if len(key) <= 40 else key[:40] + "..."


def _key_problem(key: str, max_key: int) -> tuple[str, str] | None:
    """What is wrong with a key as a field name, if anything: (message, hint)."""
    if key == "":
        return (
            "a field has no name (nothing before its ':')",
            "write the field's name before the ':', or delete the line",
        )
    if len(key) > max_key:
        return (
            f"a key of {len(key):,} characters ('{_short_key(key)}'); a field name is at "
            f"most {max_key} characters",
            "write the field's name before the ':' (see profiles/TEMPLATE.yaml for the names); "
            "a long key is usually a value that lost its 'name:' in front",
        )
    return None


def _duplicate(key: str, first_line: int) -> tuple[str, str]:
    return (
        f"duplicate key '{_short_key(key)}' (first given at line {first_line})",
        "keep one of them: a later value would silently replace the earlier one",
    )


class _TooBigError(Exception):
    def __init__(self, where: tuple[int, int]) -> None:
        self.where = where


class _TooDeepError(Exception):
    def __init__(self, where: tuple[int, int], path: PathKey) -> None:
        self.where = where
        self.path = path


class _Builder:
    """Turns composed nodes into plain values, collecting problems instead of stopping."""

    def __init__(
        self, file: str, text: str, max_depth: int, max_values: int, max_key: int = MAX_KEY_CHARS
    ) -> None:
        self.file = file
        self.text = text
        self.max_depth = max_depth
        self.max_values = max_values
        self.max_key = max_key
        self.count = 0
        self.problems: list[Problem] = []
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.tags: dict[PathKey, tuple[str, str]] = {}

    def _at(self, node: yaml.Node, path: PathKey, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.file, mark.line + 1, mark.column + 1, format_path(path), message, hint)
        )

    def _written_tag(self, node: yaml.Node) -> str | None:
        """The tag written in front of ``node`` (``!!str``, ``!``...), or None."""
        index = node.start_mark.index
        if self.text[index : index + 1] not in _TAG_STARTS:  # most values: no regex needed
            return None
        found = _WRITTEN_TAG.match(self.text, index)
        return found.group(1) if found else None

    def build(self, node: yaml.Node, path: PathKey) -> object:
        self.count += 1
        mark = node.start_mark
        where = (mark.line + 1, mark.column + 1)
        if self.count > self.max_values:
            raise _TooBigError(where)
        if len(path) > self.max_depth:
            raise _TooDeepError(where, path)
        self.positions[path] = where
        if node.tag != _PLAIN and node.tag not in _ALLOWED_TAGS:
            self._at(
                node,
                path,
                f"the tag '{node.tag.replace(_STD, '!!')}' is not allowed",
                "remove it: profiles and rule files hold plain values only, never code",
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        expected = _SEQ if isinstance(node, yaml.SequenceNode) else _MAP
        if node.tag != expected:
            shown = node.tag.replace(_STD, "!!")
            self._at(
                node,
                path,
                f"the tag '{shown}' cannot be put on {_kind_word(node)}",
                f"delete the tag '{shown}'",
            )
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._mapping(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> object:
        text = _nfc(node.value)
        written = self._written_tag(node)
        if written is not None:
            self.tags[path] = (written, text)
        try:
            if node.tag == _PLAIN:
                # '!' is the non-specific tag: the value is text, not typed from its look.
                return text if written == "!" else plain_value(text)
            if node.tag not in _SCALAR_TAGS:
                shown = node.tag.replace(_STD, "!!")
                raise _ScalarError(
                    f"the tag '{shown}' cannot be put on a single value",
                    f"delete the tag '{shown}'",
                )
            return _tagged_scalar(node.tag, text)
        except _ScalarError as exc:
            self._at(node, path, exc.message, exc.hint)
            return None

    def _key(self, key_node: yaml.Node, path: PathKey) -> str | None:
        """The text of a key, or None (with a problem) if it cannot be a field name."""
        if not isinstance(key_node, yaml.ScalarNode):
            self._at(key_node, path, "a key must be a plain name", "write the key as text")
            return None
        written = self._written_tag(key_node)
        if key_node.tag != _PLAIN and key_node.tag not in _ALLOWED_TAGS:
            self._at(
                key_node,
                path,
                f"the tag '{key_node.tag.replace(_STD, '!!')}' is not allowed",
                "remove it: profiles and rule files hold plain values only, never code",
            )
            return None
        if written not in (None, "!", "!!str"):
            self._at(
                key_node,
                path,
                f"a key is a name, and the tag '{written}' cannot be put on it",
                f"delete the tag '{written}'",
            )
            return None
        key = str(key_node.value)
        wrong = _key_problem(key, self.max_key)
        if wrong is not None:
            self._at(key_node, (*path, _short_key(key)), *wrong)
            return None
        return key

    def _mapping(self, node: yaml.Node, path: PathKey) -> dict[str, object]:
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in first_line:
                self._at(key_node, child, *_duplicate(key, first_line[key]))
                self.build(value_node, (*path, f"{key} (duplicate)"))
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, child)
        return out


def _written_values(root: yaml.Node) -> int:
    """How many values the document holds as written (an alias counts once, not expanded)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
    return len(seen)


def _first_alias(text: str) -> Any:
    """Where the first alias (``*name``) is used: the likely cause of a blow-up."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


# --- JSON -----------------------------------------------------------------------------

# json.decoder's string scanner (C where available): reads one JSON string, returns its end.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_JSON_WS = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_LITERALS: tuple[tuple[str, object], ...] = (("true", True), ("false", False), ("null", None))
_JSON_CONSTANTS = ("-Infinity", "Infinity", "NaN")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)
_JSON_SYNTAX = "JSON syntax error: "
_JSON_FORM = (
    'write the file as strict JSON ({"name": value, ...}: names and text in double quotes, '
    "commas between items and none after the last), or give it a .yaml name if it is YAML"
)


class _JsonReader:
    """Reads text that :func:`json.loads` has accepted into values with positions.

    The text is known to be JSON, so each step only dispatches on the next character; what
    JSON allows but a profile must not hold (duplicate keys, ``NaN``, half a surrogate
    pair) is collected as located problems.
    """

    def __init__(
        self, file: str, text: str, max_depth: int, max_values: int, max_key: int = MAX_KEY_CHARS
    ) -> None:
        self.file = file
        self.text = text
        self.max_depth = max_depth
        self.max_values = max_values
        self.max_key = max_key
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.count = 0
        self.problems: list[Problem] = []
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}

    def where(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return line + 1, index - self.starts[line] + 1

    def _at(self, index: int, path: PathKey, message: str, hint: str) -> None:
        line, column = self.where(index)
        self.problems.append(Problem(self.file, line, column, format_path(path), message, hint))

    def _skip(self, index: int) -> int:
        found = _JSON_WS.match(self.text, index)
        return found.end() if found else index

    def value(self, index: int, path: PathKey) -> tuple[object, int]:
        """The value starting at (or after whitespace from) ``index``, and where it ends."""
        text = self.text
        index = self._skip(index)
        self.count += 1
        where = self.where(index)
        if self.count > self.max_values:
            raise _TooBigError(where)
        if len(path) > self.max_depth:
            raise _TooDeepError(where, path)
        self.positions[path] = where
        char = text[index : index + 1]
        if char == "{":
            return self._object(index, path)
        if char == "[":
            return self._array(index, path)
        if char == '"':
            return self._string(index, path)
        for word, value in _JSON_LITERALS:
            if text.startswith(word, index):
                return value, index + len(word)
        for word in _JSON_CONSTANTS:
            if text.startswith(word, index):
                self._at(
                    index,
                    path,
                    f"{word} is not a number in JSON (nor in a profile)",
                    "write a number, or null (or leave the field out) if it is not known",
                )
                return None, index + len(word)
        number = _JSON_NUMBER.match(text, index)
        if number is None:  # json.loads accepted the text, so this does not happen
            line, column = where
            problem = Problem(
                self.file, line, column, "", _JSON_SYNTAX + "a value was expected here", _JSON_FORM
            )
            raise DocumentError([problem])
        raw = number.group(0)
        try:
            if number.group(1) is None and number.group(2) is None:
                return _whole_number(raw), number.end()
            return SourceFloat(float(raw), raw), number.end()
        except _ScalarError as exc:
            self._at(index, path, exc.message, exc.hint)
            return None, number.end()

    def _string(self, index: int, path: PathKey) -> tuple[str, int]:
        value, end = _scanstring(self.text, index + 1, True)
        if any("\ud800" <= char <= "\udfff" for char in value):
            self._lone_surrogate(index, end, path)
        return _nfc(value), end

    def _lone_surrogate(self, start: int, end: int, path: PathKey) -> None:
        """Report the first ``\\uD8xx`` (or ``\\uDCxx``) escape that is not half of a pair."""
        escapes = list(_ESCAPE.finditer(self.text, start + 1, end - 1))
        i = 0
        while i < len(escapes):
            escape = escapes[i]
            code = int(escape.group(1), 16) if escape.group(1) else -1
            if 0xD800 <= code <= 0xDBFF and i + 1 < len(escapes):
                after = escapes[i + 1]
                if (
                    after.start() == escape.end()
                    and after.group(1) is not None
                    and 0xDC00 <= int(after.group(1), 16) <= 0xDFFF
                ):
                    i += 2
                    continue
            if 0xD800 <= code <= 0xDFFF:
                self._at(
                    escape.start(),
                    path,
                    f"the escape {escape.group(0)} is half of a surrogate pair, without its "
                    "other half, so it stands for no character",
                    "write the whole pair (\\ud83d\\ude00 for 😀, as json.dumps writes it) "
                    "or the character itself",
                )
                return
            i += 1

    def _object(self, index: int, path: PathKey) -> tuple[dict[str, object], int]:
        text = self.text
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        index = self._skip(index + 1)
        if text.startswith("}", index):
            return out, index + 1
        while True:
            key_at = index
            key, index = _scanstring(text, index + 1, True)
            if any("\ud800" <= char <= "\udfff" for char in key):
                self._lone_surrogate(key_at, index, path)
                key = key.encode("utf-8", "backslashreplace").decode("utf-8")
            index = self._skip(index) + 1  # the ':'
            wrong = _key_problem(key, self.max_key)
            child: PathKey = (*path, key)
            if wrong is not None:
                self._at(key_at, (*path, _short_key(key)), *wrong)
                _, index = self.value(index, (*path, _short_key(key)))
            elif key in first_line:
                self._at(key_at, child, *_duplicate(key, first_line[key]))
                _, index = self.value(index, (*path, f"{key} (duplicate)"))
            else:
                first_line[key] = self.where(key_at)[0]
                self.key_positions[child] = self.where(key_at)
                out[key], index = self.value(index, child)
            index = self._skip(index)
            if text.startswith("}", index):
                return out, index + 1
            index = self._skip(index + 1)  # the ','

    def _array(self, index: int, path: PathKey) -> tuple[list[object], int]:
        text = self.text
        out: list[object] = []
        index = self._skip(index + 1)
        if text.startswith("]", index):
            return out, index + 1
        while True:
            item, index = self.value(index, (*path, len(out)))
            out.append(item)
            index = self._skip(index)
            if text.startswith("]", index):
                return out, index + 1
            index += 1  # the ','


def _json_problem(file: str, text: str, exc: json.JSONDecodeError) -> Problem:
    """A JSON syntax error, located, with what to write instead."""
    pos = min(exc.pos, len(text))
    here = text[pos : pos + 1]
    before = text[:pos].rstrip(" \t\r\n")
    prev = before[-1:]
    word_match = re.match(r"[A-Za-z_][A-Za-z0-9_-]*", text[pos:])
    word = word_match.group(0) if word_match else ""
    msg = exc.msg

    def at(message: str, hint: str, index: int = pos) -> Problem:
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return Problem(file, line, column, "", _JSON_SYNTAX + message, hint)

    if here in ("#", "/") and not msg.startswith(("Invalid", "Unterminated")):
        return at(
            "JSON allows no comments",
            "delete the comment, or give the file a .yaml name, where '# ...' comments are "
            "allowed (YAML reads JSON too)",
        )
    if msg.startswith(("Expecting property name", "Expecting value")):
        if here in ("}", "]") and prev == ",":
            return at(
                f"a comma after the last item, before '{here}'",
                "delete that comma: JSON allows no comma after the last item",
                len(before) - 1,
            )
        if here == "," and prev in (",", "[", "{"):
            return at("a comma with no item before it", "delete the extra comma")
        if here == "'":
            return at(
                "text in single quotes",
                'use double quotes: JSON writes text and names "like this"',
            )
        if not before and not text.lstrip().startswith(("{", "[")):
            return at(
                "the text is not JSON (a JSON profile starts with '{')",
                'write it as JSON ({"schema_version": 1, ...}), or give the file a .yaml name '
                "if it is YAML",
            )
        after = text[pos + 1 : pos + 2]
        if here in ("&", "*", "!", "|", ">", "?") or (here == "-" and after in (" ", "\n", "\r")):
            return at(
                f"'{here}' is YAML syntax, which a JSON file cannot hold",
                "write the value out as JSON, or give the file a .yaml name if it is YAML",
            )
        if msg.startswith("Expecting property name") and word:
            return at("a field name without double quotes", f'write it in double quotes: "{word}"')
        if word in ("True", "TRUE", "False", "FALSE", "None", "Null", "NULL", "nil"):
            lower = {"none": "null", "nil": "null"}.get(word.lower(), word.lower())
            return at(f"'{word}' is not a JSON value", f"write {lower}, in lower case")
        if word:
            return at("text without double quotes", f'put it in double quotes: "{word}"')
        if here.isdigit() and not here.isascii():
            return at(
                f"a digit JSON does not read ('{here}', {_char_name(here)})",
                "write numbers in ASCII digits (0 to 9)",
            )
        if here in (".", "+", "-") or here.isdigit():
            return at(
                "a number JSON does not accept",
                "write the number as in 0.5, 12 or -3: no leading '+' or '.', no trailing "
                "'.', no leading zeros",
            )
        if not text[pos:].strip():
            return at(
                "the text ends before the document is complete",
                "close every '{' with '}' and every '[' with ']'",
            )
        return at(
            "a value was expected here",
            'write a value: "text" in double quotes, a number, true, false, null, a list '
            "[...] or a mapping {...}",
        )
    if msg.startswith("Expecting ',' delimiter"):
        glued = text[max(0, pos - 1) : pos]  # what ends right here, with no space between
        if (glued.isdigit() or glued == ".") and (here.isalnum() or here == "."):
            start = pos
            while start > 0 and text[start - 1] in "0123456789.eE+-":
                start -= 1
            return at(
                "a number JSON does not accept",
                "write the number as in 0.5, 12 or -3: digits only, no leading zeros, no "
                "trailing '.', no hexadecimal",
                start,
            )
        return at(
            "a comma is missing between two items",
            "put a ',' after the item before this one",
        )
    if msg.startswith("Expecting ':' delimiter"):
        return at("a field name without ':' after it", 'write the field as "name": value')
    if msg.startswith("Extra data"):
        if here in ("}", "]"):
            return at(f"a '{here}' that closes nothing (one too many)", f"delete this '{here}'")
        return at(
            "more text after the end of the JSON document",
            "delete it, or put everything in one top-level {...}: a file holds one document",
        )
    if msg.startswith("Unterminated string"):
        return at('the text opened with " here is never closed', 'end it with a " on the same line')
    if msg.startswith("Invalid control character"):
        if here == "\t":
            return at("a tab inside a text", "write \\t for a tab, or a space")
        if here in ("\n", "\r"):
            return at(
                "a line break inside a text",
                'close the text with " on the line where it starts; write \\n for a line '
                "break within it",
            )
        return at(
            f"a control character (U+{ord(here or chr(0)):04X}) inside a text",
            "delete it: it is invisible in most editors",
        )
    if msg.startswith("Invalid \\uXXXX"):
        return at(
            "\\u must be followed by 4 hexadecimal digits",
            "write it as \\u and 4 hexadecimal digits, such as \\u00e9 for é",
        )
    if msg.startswith("Invalid \\escape"):
        return at(
            f"an unknown escape '{text[pos : pos + 2]}'",
            "write a backslash as \\\\; JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
            "and \\uXXXX",
        )
    return at(msg[:1].lower() + msg[1:], _JSON_FORM)


def _char_name(char: str) -> str:
    """``U+FF11 FULLWIDTH DIGIT ONE``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def _json_values(data: object) -> int:
    """How many values a decoded JSON document holds."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _too_deep_at(text: str, max_depth: int) -> int:
    """Where JSON text first nests more than ``max_depth`` levels (0 if it does not)."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        if token.group(0) in ("[", "{"):
            depth += 1
            if depth > max_depth:
                return token.start()
        elif token.group(0) in ("]", "}"):
            depth -= 1
    return 0


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32", "big-endian"),
    (b"\xff\xfe\x00\x00", "UTF-32", "little-endian"),
    (b"\xfe\xff", "UTF-16", "big-endian"),
    (b"\xff\xfe", "UTF-16", "little-endian"),
)


def _wide_text(raw: bytes) -> str | None:
    """How ``raw`` looks like UTF-16 or UTF-32 text (a byte-order mark, or the zero bytes
    that ASCII characters leave beside them), described for a message; None if it does not.
    """
    for bom, name, order in _BOMS:
        if raw.startswith(bom):
            return (
                f"{name} text ({order}: it starts with the byte-order mark {bom.hex(' ').upper()})"
            )
    sample = raw[:512]
    if len(sample) < 4 or b"\x00" not in sample:
        return None

    def zeros(start: int, step: int) -> float:
        part = sample[start::step]
        return part.count(0) / len(part) if part else 0.0

    quarters = [zeros(k, 4) for k in range(4)]
    if min(quarters[1:]) > 0.9 and quarters[0] < 0.5:
        return "UTF-32 text (little-endian: three zero bytes after each letter)"
    if min(quarters[:3]) > 0.9 and quarters[3] < 0.5:
        return "UTF-32 text (big-endian: three zero bytes before each letter)"
    if zeros(1, 2) > 0.6 and zeros(0, 2) < 0.2:
        return "UTF-16 text (little-endian, with no byte-order mark: a zero byte after each letter)"
    if zeros(0, 2) > 0.6 and zeros(1, 2) < 0.2:
        return "UTF-16 text (big-endian, with no byte-order mark: a zero byte before each letter)"
    return None


def _decode(file: str, raw: bytes) -> str:
    wide = _wide_text(raw)
    if wide is not None:
        raise DocumentError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    f"the file looks like {wide}, not UTF-8",
                    "save it as UTF-8 (most editors offer this under 'Save as' or 'Encoding'; "
                    "in Windows PowerShell, '>' writes UTF-16: use Out-File -Encoding utf8)",
                )
            ]
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise DocumentError(
            [
                Problem(
                    file,
                    line,
                    1,
                    "",
                    "the file holds binary data (a NUL byte), not text",
                    "give a YAML or JSON text file",
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DocumentError(
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    "the file is not valid UTF-8 text",
                    "save it as UTF-8 (most editors offer this under 'Save as' or 'Encoding')",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _refused(
    file: str, message: str, hint: str, line: int = 1, column: int = 1, path: str = ""
) -> DocumentError:
    return DocumentError([Problem(file, line, column, path, message, hint)])


def _indent(line: str) -> int:
    """The spaces before a line's content."""
    return len(line) - len(line.lstrip(" "))


def _content_column(line: str) -> int:
    """Where a line's first key or value starts, counting list dashes as indentation."""
    column = _indent(line)
    while line[column : column + 2] == "- ":
        column += 2
        column += _indent(line[column:])
    return column


def _spaces(count: int) -> str:
    return "by 1 space" if count == 1 else f"by {count} spaces"


def _line_above(lines: list[str], line: int) -> str | None:
    """The nearest line above ``line`` (0-based) that holds more than a comment."""
    for above in reversed(lines[:line]):
        if above.strip() and not above.lstrip().startswith("#"):
            return above
    return None


def _char(lines: list[str], line: int, column: int) -> str:
    text = lines[line] if 0 <= line < len(lines) else ""
    return text[column] if 0 <= column < len(text) else ""


def _tab_in(lines: list[str], line: int, column: int) -> int | None:
    """The 0-based column of the tab behind a syntax error at ``line``/``column``, if any."""
    if _char(lines, line, column) == "\t":
        return column
    text = lines[line] if 0 <= line < len(lines) else ""
    lead = text[: len(text) - len(text.lstrip(" \t"))]
    return lead.index("\t") if "\t" in lead else None


_SYNTAX = "YAML syntax error: "
_LAYOUT = (
    "write each field as 'name: value', one a line, and indent the fields under a "
    "'name:' with spaces, the same number for each"
)


_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)
_SURROGATE = re.compile(r"\\u(d[89a-f][0-9a-f]{2})", re.I)


def _bad_escape(text: str, index: int) -> tuple[int, str, str] | None:
    """A surrogate escape (JSON's way of writing 😀) that libyaml refused at ``index``."""
    start = text.rfind("\\", 0, index + 1)
    pair = _SURROGATE_PAIR.match(text, start)
    if pair is not None:
        code = 0x10000 + ((int(pair.group(1), 16) - 0xD800) << 10) + int(pair.group(2), 16) - 0xDC00
        char = chr(code)
        return (
            start,
            f"YAML does not read the surrogate pair {pair.group(0)}, JSON's way of writing {char}",
            f"write \\U{code:08X} instead, or the character itself ({char}); a file with a "
            f".json name is read as JSON, which allows {pair.group(0)}",
        )
    lone = _SURROGATE.match(text, start)
    if lone is not None:
        return (
            start,
            f"the escape {lone.group(0)} is half of a surrogate pair, so it stands for no "
            "character",
            "write the character itself, or its code point as \\UXXXXXXXX (\\U0001F600 for 😀)",
        )
    return None


def _long_key(here: str, col: int, ctx: Any) -> tuple[int, int] | None:
    """Where a key longer than libyaml reads (1024 characters) starts on this line, and
    its length; None if the error at ``col`` is not that."""
    colon = here.find(":", col)
    if colon < 0:
        return None
    if ctx is not None and ctx.column < colon:
        start = ctx.column
    else:
        start = max(_content_column(here), *(here.rfind(c, 0, colon) + 1 for c in ",{["))
    key = here[start:colon].strip().strip("\"'")
    return (start, len(key)) if len(key) > 1024 else None


def _syntax_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error in words a person editing the file can act on.

    libyaml's own words ("did not find expected key") say what the parser wanted, not what
    to write. The commonest mistakes (a tab for indentation, a line out of step with its
    neighbours, a value holding ': ', an unclosed quote or bracket) get a hint that does.
    """
    mark = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or "")
    if mark is None:
        return Problem(file, 1, 1, "", _SYNTAX + (problem or "the text cannot be read"), _LAYOUT)
    lines = text.split("\n")
    line, col = mark.line, mark.column
    here = lines[line] if 0 <= line < len(lines) else ""
    ctx = exc.context_mark
    context = str(exc.context or "")

    def at(message: str, hint: str, where: tuple[int, int] = (line, col)) -> Problem:
        return Problem(file, where[0] + 1, where[1] + 1, "", _SYNTAX + message, hint)

    if problem == "found invalid Unicode character escape code":
        escape = _bad_escape(text, mark.index)
        if escape is not None:
            start, message, hint = escape
            return at(message, hint, (line, max(0, col - (mark.index - start))))
    long_key = _long_key(here, col, ctx if ctx is not None and ctx.line == line else None)
    if long_key is not None:
        start, length = long_key
        return at(
            f"a key of {length:,} characters; YAML reads a key of at most 1,024",
            "write the field's name before the ':' (a field name is a few words); a long key "
            "is usually a value that lost its 'name:' in front",
            (line, start),
        )
    tab = _tab_in(lines, line, col)
    if tab is not None:
        return at(
            "a tab is used for indentation; tabs are not allowed in YAML indentation",
            "use spaces instead: indent each level by the same number of spaces "
            "(2 in the shipped files)",
            (line, tab),
        )
    above = _line_above(lines, line)
    depth = _content_column(above) if above is not None else 0
    if problem.startswith("mapping values are not allowed"):
        before = here[:col]
        if ": " in before:
            key, _, value = here.strip().partition(": ")
            value = value.replace('"', '\\"')
            return at(
                "this value holds ': ', which YAML reads as the start of another field",
                f'put the value in double quotes: {key}: "{value}"',
            )
        return at(
            "this line is indented more than the line above, which already has a value",
            f"indent it {_spaces(depth)}, like the line above (a field can have fields "
            "indented under it only when nothing follows its ':')",
            (line, _indent(here)),
        )
    if problem == "could not find expected ':'" and ctx is not None:
        name = lines[ctx.line].strip() if 0 <= ctx.line < len(lines) else ""
        first, _, rest = name.partition(" ")
        return at(
            f"'{name}' has no ':' after it",
            f"write it as 'name: value', with a space after the colon: "
            f"'{first}: {rest.strip() or '...'}'",
            (ctx.line, ctx.column),
        )
    if problem == "found unexpected end of stream" and "quoted scalar" in context and ctx:
        quote = _char(lines, ctx.line, ctx.column) or '"'
        return at(
            f"the quote ({quote}) opened here is never closed",
            f"end the value with a matching {quote} on the same line",
            (ctx.line, ctx.column),
        )
    if problem.startswith("did not find expected ',' or") and ctx is not None:
        close = "]" if problem.endswith("']'") else "}"
        opener, kind, example = (
            ("[", "list", "[a, b]") if close == "]" else ("{", "mapping", "{a: 1, b: 2}")
        )
        return at(
            f"the {kind} opened with '{opener}' at line {ctx.line + 1} column {ctx.column + 1} "
            "is not closed where expected",
            f"separate its items with commas and close it with '{close}' on the same line, "
            f"as in {example}",
        )
    if problem == "found character that cannot start any token" and col < len(here):
        rest = here[col:].split(" #")[0].strip().replace('"', '\\"')
        return at(
            f"a value cannot start with '{here[col]}'",
            f'put the value in double quotes: "{rest}"',
        )
    if problem.startswith("did not find expected alphabetic or numeric") and ctx is not None:
        char = _char(lines, ctx.line, ctx.column) or "*"
        return at(
            f"'{char}' must be followed by a name here",
            f"put the value in double quotes if '{char}' is part of the text",
            (ctx.line, ctx.column),
        )
    if problem == "found undefined alias":
        word = (here[col:].split() or ["*"])[0]
        return at(
            f"'{word}' refers to an anchor ('&{word[1:]}') that is not defined",
            f"put the value in double quotes if '*' is part of the text: \"{word}\"",
        )
    if problem == "but found another document":
        return at(
            "the file holds more than one document (a second '---')",
            "keep one document in the file: delete this '---' line and merge the parts, "
            "or split them into separate files",
        )
    if problem == "did not find expected key" and here[_indent(here) :].startswith(":"):
        return at(
            "a field with no name (the line starts with ':')",
            "write the field's name before the ':', or delete the line",
            (line, _indent(here)),
        )
    if problem == "did not find expected key":
        if here[col : col + 1] == "-":
            return at(
                "a list item ('- ...') where a field ('name: value') was expected",
                "put the list under a field: write 'name:' on its own line and the items "
                "indented below it",
            )
        if col > _indent(here):
            return at(
                "unexpected text after the value",
                "put the whole value in double quotes, or move the text onto its own line "
                "as 'name: value'",
            )
        return at(
            f"this line is indented {_spaces(_indent(here))}, out of step with the lines around it",
            f"indent it {_spaces(depth)}, like the line above, or by as many spaces as the "
            "field it belongs under",
            (line, _indent(here)),
        )
    if problem == "did not find expected '-' indicator":
        return at(
            "this line is out of step with the list above it",
            f"start it with '- ' to add a list item, or indent it {_spaces(depth)}, like "
            "the line above, to add a field to that item",
            (line, _indent(here)),
        )
    return at(problem or "the text cannot be read", _LAYOUT)


def _reader_problem(file: str, text: str, exc: ReaderError) -> Problem:
    """A character YAML does not allow (a control character, usually pasted in unseen)."""
    offset = max(0, min(int(exc.position), len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = exc.character
    code = f"#x{ord(char) if isinstance(char, str) else int(char):04x}"
    return Problem(
        file,
        line,
        column,
        "",
        f"the file holds a control character ({code}), which YAML does not allow",
        "delete it: it is invisible in most editors and usually comes from pasting "
        "text copied from another program",
    )


def parse_text(
    file: str,
    raw: bytes,
    *,
    syntax: Syntax | None = None,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_values: int = MAX_VALUES,
) -> Document:
    """Parse ``raw`` (the bytes of ``file``) into a positioned :class:`Document`.

    ``syntax`` is ``"yaml"`` or ``"json"`` (strict JSON); by default it follows the name
    (:func:`syntax_for`: JSON for ``.json``), so give it for text with no such name, such as
    standard input. Raises :class:`DocumentError` when the text cannot be read as one
    document; problems in single values (duplicate keys, forbidden tags) are collected and
    raised together.
    """
    if len(raw) > max_bytes:
        raise _refused(
            file,
            f"the file is too large ({len(raw):,} bytes; the limit is {max_bytes:,})",
            "give a profile or rule file, which is a few kilobytes: one organisation per "
            "profile, and rule files split by section",
        )
    text = _decode(file, raw)
    sha = hashlib.sha256(raw).hexdigest()
    if (syntax or syntax_for(file)) == "json":
        return _parse_json(file, text, sha, max_depth, max_values)
    too_deep = (
        "the document is nested too deeply",
        f"nest fields at most {max_depth} levels deep; a profile or rule file needs a few",
    )
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise DocumentError([_syntax_problem(file, text, exc)]) from None
    except ReaderError as exc:
        raise DocumentError([_reader_problem(file, text, exc)]) from None
    except yaml.YAMLError as exc:
        raise _refused(
            file,
            f"YAML syntax error: {exc}",
            "write the file as YAML (name: value, one a line) or JSON",
        ) from None
    except RecursionError:
        raise _refused(file, *too_deep) from None
    if root is None:
        raise _empty(file)
    builder = _Builder(file, text, max_depth, max_values)
    try:
        data = builder.build(root, ())
    except _TooBigError as big:
        written = _written_values(root)
        if written > max_values:
            raise _too_many(file, written, max_values, big.where) from None
        mark = _first_alias(text)
        where = (mark.line + 1, mark.column + 1) if mark is not None else big.where
        raise _refused(
            file,
            f"the document expands to more than {max_values:,} values through YAML aliases "
            f"(*name), though it holds {written:,} as written",
            "write the values out; an alias bomb is refused rather than expanded",
            *where,
        ) from None
    except _TooDeepError as deep:
        raise _nested(file, max_depth, deep) from None
    except RecursionError:
        raise _refused(file, *too_deep) from None
    if builder.problems:
        raise DocumentError(builder.problems)
    return Document(file, data, sha, builder.positions, builder.key_positions, builder.tags)


def _empty(file: str) -> DocumentError:
    return _refused(
        file,
        "the file is empty",
        "write the fields in it: copy profiles/TEMPLATE.yaml for a profile, or start a "
        "rule file with 'kind: rules' and a 'rules:' list",
    )


def _too_many(file: str, count: int, limit: int, where: tuple[int, int]) -> DocumentError:
    return _refused(
        file,
        f"the document holds {count:,} values; the limit is {limit:,} (the value past the "
        "limit is here)",
        "give one organisation per profile (a profile holds a few hundred values), and split "
        "rule files by section",
        *where,
    )


def _nested(file: str, max_depth: int, deep: _TooDeepError) -> DocumentError:
    return _refused(
        file,
        f"the document is nested too deeply (more than {max_depth} levels)",
        "write the values a few levels deep, as in profiles/TEMPLATE.yaml; look here "
        "for a run of '[' or '{' or of ever deeper indentation",
        *deep.where,
        format_path(deep.path[:3]) + "..." if deep.path else "",
    )


def _parse_json(file: str, text: str, sha: str, max_depth: int, max_values: int) -> Document:
    """Strict JSON: json.loads decides what is JSON; _JsonReader records where each value is."""
    if not text.strip(" \t\r\n"):
        raise _empty(file)
    try:
        # Whole numbers are not converted here (a huge one is reported with its place below).
        decoded = json.loads(text, parse_int=len)
    except json.JSONDecodeError as exc:
        raise DocumentError([_json_problem(file, text, exc)]) from None
    except RecursionError:
        reader = _JsonReader(file, text, max_depth, max_values)
        index = _too_deep_at(text, max_depth)
        raise _nested(file, max_depth, _TooDeepError(reader.where(index), ())) from None
    reader = _JsonReader(file, text, max_depth, max_values)
    try:
        data, _ = reader.value(0, ())
    except _TooBigError as big:
        raise _too_many(file, _json_values(decoded), max_values, big.where) from None
    except _TooDeepError as deep:
        raise _nested(file, max_depth, deep) from None
    if reader.problems:
        raise DocumentError(reader.problems)
    return Document(file, data, sha, reader.positions, reader.key_positions)


def _unreadable_hint(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "give the path of an existing file (relative paths start from the current folder)"
    if isinstance(exc, IsADirectoryError):
        return "give the path of a file, not a folder"
    if isinstance(exc, PermissionError):
        return "make the file readable by your user (chmod u+r FILE), or copy it somewhere readable"
    return "give the path of a readable file"


def read_document(
    path: Path, *, display: str | None = None, syntax: Syntax | None = None, **limits: int
) -> Document:
    """Read and parse the file at ``path``; ``display`` is the name used in messages.

    ``syntax`` defaults from the path's suffix (JSON for ``.json``), not from ``display``.
    """
    name = display if display is not None else str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limits.get("max_bytes", MAX_BYTES) + 1)
    except OSError as exc:
        raise DocumentError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"cannot read the file: {exc.strerror or exc}",
                    _unreadable_hint(exc),
                )
            ]
        ) from None
    return parse_text(name, raw, syntax=syntax or syntax_for(path.name), **limits)
