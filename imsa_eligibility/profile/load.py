"""Load a profile file: parse with positions, validate against the model, cross-check.

Every problem is located (file, line, column, path) and says what to do; all of a file's
problems are reported together.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem, ProfileError
from ..source import Document, DocumentError, PathKey, as_written, parse_text, read_document
from ..suggest import did_you_mean
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


def load_profile_text(name: str, raw: bytes) -> LoadedProfile:
    """Validate profile bytes that did not come from a file (tests, other tools)."""
    try:
        doc = parse_text(name, raw)
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
        problems += [_problem(doc, err) for err in exc.errors(include_url=False)]
    if problems or profile is None:
        raise ProfileError(problems)
    return LoadedProfile(profile, doc)


def _model_at(loc: PathKey) -> type[BaseModel] | None:
    """The model class that holds the fields at ``loc`` (None if not a model)."""
    current: Any = Profile
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list or origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


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


def _problem(doc: Document, err: ErrorDetails) -> Problem:
    loc = _loc(err, doc.data)
    kind = err["type"]
    value = err.get("input")
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
            f"add '{loc[-1]}:' here (see profiles/TEMPLATE.yaml)",
            key=True,
        )
    if kind == "enum":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return doc.problem(
            loc,
            f"'{value}' is not an allowed value for {_field(loc)}",
            did_you_mean(str(value), allowed, noun="value"),
        )
    if kind == "literal_error" and loc == ("schema_version",):
        return doc.problem(
            loc,
            f"unsupported schema_version {value!r}",
            "this version of the tool reads schema_version 1",
        )
    if kind == "string_pattern_mismatch":
        return doc.problem(
            loc,
            f"'{value}' is not a valid id",
            "use 2 to 63 lower-case letters, digits and hyphens, starting with a "
            "letter or digit (northshire-trust)",
        )
    if kind == "too_short" and loc[-1:] == ("nations",):
        return doc.problem(
            loc,
            "no nation given",
            "name at least one of: england, wales, scotland, northern_ireland",
        )
    if kind == "too_short":
        return doc.problem(loc, f"{_field(loc)} must not be empty", "fill it in")
    if kind in _PLAIN:
        shown = "" if isinstance(value, dict | list) else f", not {_shown(value)}"
        return doc.problem(loc, f"{_PLAIN[kind]}{shown}", f"correct {_field(loc)}")
    if kind == "decimal_max_places":
        return doc.problem(
            loc,
            f"{_shown(value)} has more than 4 decimal places",
            "round it to at most 4 decimal places, such as 0.1235",
        )
    limit = err.get("ctx", {})
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = limit.get("ge", limit.get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        return doc.problem(
            loc,
            f"{_field(loc)} must be {word} {bound}, not {_shown(value)}",
            f"correct {_field(loc)}",
        )
    message = err["msg"].removeprefix("Value error, ")
    message = message.replace("Input should be", "should be")
    if not isinstance(value, dict | list) and value is not None:
        message += f", not {_shown(value)}"
    return doc.problem(loc, f"{_field(loc)}: {message}", f"correct {_field(loc)}")


def _shown(value: object) -> str:
    return str(as_written(value)) if not isinstance(value, str) else repr(value)


def _field(loc: PathKey) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else "the value"
