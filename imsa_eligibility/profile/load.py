"""Load a profile file: parse with positions, validate against the model, cross-check.

Every problem is located (file, line, column, path) and says what to do; all of a file's
problems are reported together.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ..errors import DocumentError, Problem, ProfileError
from ..source import (
    Document,
    PathKey,
    Syntax,
    as_written,
    parse_text,
    plain_value,
    read_document,
)
from ..suggest import closest, did_you_mean, difference, meant, skeleton
from .checks import check_document
from .model import Profile


@dataclass(frozen=True)
class LoadedProfile:
    """A valid profile together with the document it came from (for file:line evidence)."""

    profile: Profile
    document: Document

    @property
    def file(self) -> str:
        """The file name used in messages and reports."""
        return self.document.file

    @property
    def sha256(self) -> str:
        """The sha256 of the file's bytes."""
        return self.document.sha256


def load_profile(path: Path, *, display: str | None = None) -> LoadedProfile:
    """Read and validate the profile at ``path``; raise :class:`ProfileError` when invalid."""
    try:
        doc = read_document(path, display=display)
    except DocumentError as exc:
        raise ProfileError(exc.problems) from None
    return validate_document(doc)


def load_profile_text(name: str, raw: bytes, *, syntax: Syntax | None = None) -> LoadedProfile:
    """Validate profile bytes that did not come from a file (standard input, tests, tools).

    ``syntax`` (``"yaml"`` or ``"json"``) defaults from ``name``: JSON for ``.json``.
    """
    try:
        doc = parse_text(name, raw, syntax=syntax)
    except DocumentError as exc:
        raise ProfileError(exc.problems) from None
    return validate_document(doc)


def validate_document(doc: Document) -> LoadedProfile:
    """Validate a parsed document as a profile."""
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise ProfileError(
            [
                doc.problem(
                    (),
                    f"the top level must be a mapping of fields, not {kind}",
                    "start from profiles/TEMPLATE.yaml",
                )
            ]
        )
    problems = check_document(doc)
    profile = None
    try:
        profile = Profile.model_validate(doc.data)
    except ValidationError as exc:
        problems += _problems(doc, exc.errors(include_url=False))
    if problems or profile is None:
        raise ProfileError(problems)
    return LoadedProfile(profile, doc)


def _model_at(loc: PathKey) -> type[BaseModel] | None:
    """The model class that holds the fields at ``loc`` (None if not a model)."""
    current = _annotation_at(loc, items=False)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _annotation_at(loc: PathKey, *, items: bool = True) -> Any:
    """The type the profile expects at ``loc``: a model, list, enum, int, str, ...

    With ``items`` an index step goes into a list's item type; without, indexes are skipped
    (the fields of ``people[0]`` are the fields of a person either way).
    """
    current: Any = Profile
    for part in loc:
        current = _unwrap(current, lists=False)
        if isinstance(part, int):
            if items and typing.get_origin(current) is list:
                current = typing.get_args(current)[0]
            elif items:
                return None
            continue
        current = _unwrap(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
    return _unwrap(current, lists=items is False)


def _field_info(loc: PathKey) -> FieldInfo | None:
    names = [i for i, p in enumerate(loc) if isinstance(p, str)]
    if not names:
        return None
    model = _model_at(loc[: names[-1]])
    return model.model_fields.get(str(loc[names[-1]])) if model else None


def _unwrap(annotation: Any, *, lists: bool = True) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is typing.Annotated or (lists and origin is list):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _kind(loc: PathKey) -> str:
    """What is written at ``loc``, in the words the hints use."""
    annotation = _annotation_at(loc)
    if typing.get_origin(annotation) is list:
        return "list"
    if typing.get_origin(annotation) is typing.Literal:
        return "literal"
    if not isinstance(annotation, type):
        return ""
    for kind, base in (("bool", bool), ("int", int), ("share", Decimal), ("enum", Enum)):
        if issubclass(annotation, base):
            return kind
    if issubclass(annotation, str):
        return "text"
    return "mapping" if issubclass(annotation, BaseModel) else ""


_PLAIN = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list (one '- item' a line, or [a, b])",
    "model_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
}
_YES = {"yes", "y", "on"}
_NO = {"no", "n", "off"}


def _loc(err: ErrorDetails, data: Any) -> PathKey:
    """The error's path in the document, without the union and validator tags pydantic
    inserts (``function-before[...]``, ``bool``): a part counts only if the document has it,
    or if it is the missing field itself."""
    loc: list[str | int] = []
    parts = err["loc"]
    node = data
    for position, part in enumerate(parts):
        present = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if present:
            node = node[part]
        elif not (err["type"] == "missing" and position == len(parts) - 1):
            continue
        loc.append(part)
    return tuple(loc)


def _problems(doc: Document, errors: list[ErrorDetails]) -> list[Problem]:
    """One problem per mistake: a misspelt required field is reported once, as a
    misspelling, and not also as the required field that is then missing."""
    located = [(_loc(err, doc.data), err) for err in errors]
    missing = {loc for loc, err in located if err["type"] == "missing"}
    guesses: dict[PathKey, str] = {}  # the misspelt field -> the required field it stands for
    for loc, err in located:
        if err["type"] == "extra_forbidden":
            model = _model_at(loc[:-1])
            guess = closest(str(loc[-1]), list(model.model_fields) if model else [])
            if guess is not None and (*loc[:-1], guess) in missing:
                guesses[loc] = guess
    out = []
    for loc, err in located:
        if err["type"] == "missing" and any(
            (*typo[:-1], guess) == loc for typo, guess in guesses.items()
        ):
            continue
        if loc in guesses and err["type"] == "extra_forbidden":
            out.append(
                doc.problem(
                    loc,
                    f"unknown field '{loc[-1]}'",
                    meant(str(loc[-1]), guesses[loc], note=" (a required field)"),
                    key=True,
                )
            )
            continue
        out.append(_problem(doc, loc, err))
    return out


def _problem(doc: Document, loc: PathKey, err: ErrorDetails) -> Problem:
    kind = err["type"]
    value = err.get("input")
    field = _field(loc)
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        names = list(model.model_fields) if model else []
        return doc.problem(
            loc,
            f"unknown field '{loc[-1]}'",
            did_you_mean(str(loc[-1]), names, noun="field"),
            key=True,
        )
    if kind == "missing":
        return doc.problem(
            loc,
            f"required field '{loc[-1]}' is missing",
            f"add '{loc[-1]}:' here with {_described(loc)} (see profiles/TEMPLATE.yaml)",
            key=True,
        )
    mismatch = _type_mismatch(doc, loc, value)
    if mismatch is not None:
        return mismatch
    if loc == ("schema_version",):
        return _schema_version(doc, loc, value)
    if kind in _TEXT_ERRORS and _kind(loc) == "text":
        return _text_problem(doc, loc, err)
    if kind == "enum":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return doc.problem(
            loc,
            f"{_shown(value)} is not an allowed value for {field}",
            did_you_mean(str(value), allowed, noun="value"),
        )
    if kind == "string_pattern_mismatch":
        return _bad_id(doc, loc, value)
    if kind == "too_short" and loc[-1:] == ("nations",):
        return doc.problem(
            loc,
            "no nation given",
            "name at least one of: england, wales, scotland, northern_ireland",
        )
    if kind == "too_short":
        return doc.problem(loc, f"{field} must not be empty", _write(loc, value))
    if kind == "decimal_max_places":
        return doc.problem(
            loc,
            f"{_shown(value)} has more than 4 decimal places",
            "round it to at most 4 decimal places, such as 0.1235",
        )
    if value is None and kind in (*_PLAIN, "value_error"):
        return doc.problem(loc, f"{field} has no value", _write(loc, value))
    if kind in _PLAIN:
        shown = "" if isinstance(value, dict | list) else f", not {_shown(value)}"
        return doc.problem(loc, f"{_PLAIN[kind]}{shown}", _write(loc, value))
    limit = err.get("ctx", {})
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = limit.get("ge", limit.get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        more = "more" if kind == "greater_than_equal" else "less"
        hint = (
            f"write a whole number of {bound} or {more}"
            if _kind(loc) == "int"
            else _write(loc, value)
        )
        if kind == "greater_than_equal" and bound:
            hint += "; or delete the line if you do not know yet"
        return doc.problem(loc, f"{field} must be {word} {bound}, not {_shown(value)}", hint)
    message = err["msg"].removeprefix("Value error, ")
    message = message.replace("Input should be", "should be")
    message = {"int": "expected a whole number", "share": "expected a number from 0 to 1"}.get(
        _kind(loc), message
    )
    if not isinstance(value, dict | list) and value is not None and "not " not in message:
        message += f", not {_shown(value)}"
    return doc.problem(loc, message, _write(loc, value))


# What each kind of field takes, in the words of a message, and the sorts of value it takes.
_EXPECTED: dict[str, tuple[str, set[str]]] = {
    "int": ("a whole number", {"whole number"}),
    "share": ("a number from 0 to 1", {"whole number", "decimal"}),
    "bool": ("true or false", {"true or false"}),
    "literal": ("the number 1", {"whole number"}),
    "text": ("text", {"text", "whole number", "decimal"}),
    "enum": ("one of the allowed words", {"text"}),
}


def _sort(value: object) -> str:
    """The sort of a single value read from a file, in the words of a message."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float | Decimal):
        return "decimal"
    if isinstance(value, str):
        return "text"
    return "" if value is None else "list or mapping"


def _as_sort(value: object) -> str:
    """``the text '2'``, ``the decimal 410000``: a value and its sort."""
    sort = _sort(value)
    if sort == "true or false":
        return "true" if value else "false"
    if sort == "whole number":
        return f"the whole number {_shown(value)}"
    return f"the {sort} {_shown(value)}"


def _canonical(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(as_written(value))


def _type_mismatch(doc: Document, loc: PathKey, value: object) -> Problem | None:
    """A value of the wrong sort because of its tag (``!!str 2``, ``!!float 410000``) or its
    quotes (``"2"``, ``'true'``): said so, with the value as it should be written."""
    expected = _EXPECTED.get(_kind(loc))
    sort = _sort(value)
    if expected is None or sort in ("", "list or mapping") or sort in expected[1]:
        return None
    what, sorts = expected
    field = _field(loc)
    tagged = doc.tags.get(loc)
    text = tagged[1] if tagged is not None else value
    if not isinstance(text, str):
        return None
    try:
        plain = plain_value(text)
    except ValueError:
        return None
    if _sort(plain) not in sorts:
        return None
    written = _canonical(plain)
    if tagged is not None:
        tag = tagged[0]
        made = "text" if sort == "text" else f"a {sort}" if sort != "true or false" else sort
        return doc.problem(
            loc,
            f"expected {what}, not {_as_sort(value)}: the tag '{tag}' makes it {made}",
            f"delete the tag '{tag}' (and any quotes): {field}: {written}",
        )
    return doc.problem(
        loc,
        f"expected {what}, not {_as_sort(value)}: the quotes make it text",
        f"write it without quotes: {field}: {written}",
    )


def _schema_version(doc: Document, loc: PathKey, value: object) -> Problem:
    hint = "write 'schema_version: 1': this version of the tool reads schema_version 1"
    if isinstance(value, int) and not isinstance(value, bool):
        return doc.problem(loc, f"unsupported schema_version {_shown(value)}", hint)
    if isinstance(value, float) and value == 1:
        return doc.problem(
            loc, f"schema_version must be the whole number 1, not {_shown(value)}", hint
        )
    if value is None:
        return doc.problem(loc, "schema_version has no value", hint)
    return doc.problem(loc, f"schema_version must be the number 1, not {_as_sort(value)}", hint)


_TEXT_ERRORS = ("text_blank", "text_control", "string_too_long", "too_long")


def _text_problem(doc: Document, loc: PathKey, err: ErrorDetails) -> Problem:
    """A name or other text that is blank, too long, or holds a control character."""
    kind, value, ctx = err["type"], str(err.get("input")), err.get("ctx", {})
    field = _field(loc)
    if kind == "text_blank":
        return doc.problem(loc, f"{field} is blank (it shows nothing)", _write(loc, ""))
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        return doc.problem(
            loc,
            f"{field} is {len(value):,} characters long; the limit is {limit}",
            f"write only the {field} itself, in at most {limit} characters",
        )
    char, index = str(ctx.get("char", "?")), int(ctx.get("index", 0))
    at = f"(character {index + 1} of {len(value)})"
    if char == "\t":
        return doc.problem(loc, f"{field} holds a tab {at}", "write a space instead of the tab")
    if char in "\n\r\x0b\x0c\x85\u2028\u2029":
        return doc.problem(
            loc,
            f"{field} holds a line break {at}",
            f"write the {field} on one line, after '{field}:' (in YAML without '|' or '>', "
            "which keep line breaks)",
        )
    name = unicodedata.name(char, "a control character")
    if char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return doc.problem(
            loc,
            f"{field} holds an invisible direction control, U+{ord(char):04X} {name} {at}, "
            "which can make it display in another order than it is stored",
            "delete it: write the text in the order it is read",
        )
    control = _CONTROLS.get(char, "")
    return doc.problem(
        loc,
        f"{field} holds a control character, U+{ord(char):04X}{control} {at}",
        "delete it: it is invisible in most editors, and usually comes from pasting text "
        "copied from another program",
    )


_CONTROLS = {
    "\x00": " NULL",
    "\x07": " BELL",
    "\x08": " BACKSPACE",
    "\x1b": " ESCAPE",
    "\x7f": " DELETE",
}


def _bad_id(doc: Document, loc: PathKey, value: object) -> Problem:
    text = str(value)
    suggestion = _slug(value)
    hint = (
        "use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or "
        f"digit, such as '{suggestion}'"
    )
    why = difference(text, suggestion) if not text.isascii() else ""
    return doc.problem(
        loc, f"{_shown(value)} is not a valid id", f"{hint} ({why})" if why else hint
    )


def _write(loc: PathKey, value: object) -> str:
    """What to write at ``loc`` instead of ``value``: the hint of a wrong-type error."""
    kind = _kind(loc)
    field = _field(loc)
    info = _field_info(loc)
    optional = (
        "" if info is None or info.is_required() else "; or delete the line if you do not know"
    )
    if value is None or value == "":
        if kind == "list":
            return f"write a list after '{field}:', such as [a, b], or [] for none"
        return f"write {_described(loc)} after '{field}:'{optional}"
    raw = as_written(value)
    if kind == "int":
        example = "250000" if field.endswith("_gbp") else "2"
        digits = re.sub(r"[£,_\s]", "", value) if isinstance(value, str) else ""
        if digits.isdecimal():  # "£500,000", "1_000", "５００": the number in the wrong dress
            return f"write it as a plain number: {field}: {int(digits)}"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return f"write it as a whole number: {field}: {int(value)}"
        return f"write a whole number without quotes, commas or a £ sign, such as {example}"
    if kind == "share":
        return (
            "write a number from 0 to 1 without quotes or a % sign: 0.25 for a quarter, 0.2 for 20%"
        )
    if kind == "bool":
        if isinstance(value, str) and value.lower() in _YES | _NO:
            if value.lower() in _YES:
                return "write true for yes (false for no), without quotes"
            return "write false for no (true for yes), without quotes"
        return "write true (yes) or false (no), without quotes"
    if kind == "text":
        if isinstance(value, bool | int | float):
            shown = str(raw).lower() if isinstance(value, bool) else raw
            return f'put it in quotes to make it text: {field}: "{shown}"'
        return f"write the {field} as one piece of text on the same line as '{field}:'"
    if kind == "list":
        if not isinstance(value, dict):
            return f"put it in square brackets, as a list of one: {field}: [{raw}]"
        return "write a list: [a, b] on one line, or one '- item' a line ([] for none)"
    if kind == "mapping":
        return (
            "write its fields indented under it, one 'name: value' a line, as in "
            "profiles/TEMPLATE.yaml"
        )
    return f"write {_described(loc)}, as in profiles/TEMPLATE.yaml"


def _described(loc: PathKey) -> str:
    info = _field_info(loc)
    return info.description if info is not None and info.description else "its value"


def _slug(value: object) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", skeleton(str(value)).lower()).strip("-")[:63].strip("-")
    return slug if len(slug) >= 2 else "northshire-trust"


def _shown(value: object) -> str:
    """A value as a message shows it: text quoted, and cut short if long."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(as_written(value))
    return repr(value if len(value) <= 60 else value[:60] + "...")


def _field(loc: PathKey) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else "the value"
