"""Safe, bounded, positioned reading of YAML and JSON documents.

This is the only module that parses input text. It never constructs Python objects from
tags (a ``!!python/...`` tag is an error), refuses duplicate keys, bounds size, depth and
alias expansion, and records the line and column of every value so that later checks can
point at the place in the file. Plain scalars are read with YAML 1.2 core rules (``yes`` is
text, ``06543210`` is not octal) and numbers keep the digits as written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.reader import ReaderError

from .errors import DocumentError, Problem

PathKey = tuple[str | int, ...]

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_VALUES = 50_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+)([eE][-+]?[0-9]+)?")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


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
    """Composes nodes only; every plain scalar resolves to text, typed later by us."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[Any]]] = {}
    _DEFAULT_TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: f"{_STD}str",
        yaml.SequenceNode: f"{_STD}seq",
        yaml.MappingNode: f"{_STD}map",
    }

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """Untagged nodes get the plain tag of their kind; scalars are typed by _scalar."""
        return self._DEFAULT_TAGS[kind]


def _scalar(node: yaml.ScalarNode) -> object:
    text = node.value
    if not text.isascii():  # one spelling for text that looks the same (both engines compare
        text = unicodedata.normalize("NFC", text)  # code point by code point)
    if node.tag != f"{_STD}str":
        return _tagged_scalar(node.tag, text)
    if node.style:  # quoted or block scalar: always text (plain style is None or '')
        return text
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return SourceInt(int(text, 10), text)
    if _FLOAT.fullmatch(text):
        return SourceFloat(float(text), text)
    return text


def _tagged_scalar(tag: str, text: str) -> object:
    if tag == f"{_STD}null":
        return None
    if tag == f"{_STD}bool":
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"'{text}' is not true or false")
    if tag == f"{_STD}int" and _INT.fullmatch(text):
        return SourceInt(int(text, 10), text)
    if tag == f"{_STD}float" and _FLOAT.fullmatch(text):
        return SourceFloat(float(text), text)
    raise ValueError(f"'{text}' does not fit its tag {tag.removeprefix(_STD)}")


class _Builder:
    """Turns composed nodes into plain values, collecting problems instead of stopping."""

    def __init__(self, file: str, max_depth: int, max_values: int) -> None:
        self.file = file
        self.max_depth = max_depth
        self.max_values = max_values
        self.count = 0
        self.problems: list[Problem] = []
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}

    def _at(self, node: yaml.Node, path: PathKey, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.file, mark.line + 1, mark.column + 1, format_path(path), message, hint)
        )

    def build(self, node: yaml.Node, path: PathKey) -> object:
        self.count += 1
        if self.count > self.max_values:
            raise _TooBigError(node)
        if len(path) > self.max_depth:
            raise _TooDeepError(node, path)
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _ALLOWED_TAGS:
            self._at(
                node,
                path,
                f"the tag '{node.tag.replace(_STD, '!!')}' is not allowed",
                "remove it: profiles and rule files hold plain values only, never code",
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            try:
                return _scalar(node)
            except ValueError as exc:
                self._at(
                    node,
                    path,
                    str(exc),
                    f"delete the tag '{node.tag.replace(_STD, '!!')}' and write the value "
                    "plainly (put it in quotes to make it text)",
                )
                return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._mapping(node, path)

    def _mapping(self, node: yaml.Node, path: PathKey) -> dict[str, object]:
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._at(key_node, path, "a key must be a plain name", "write the key as text")
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in first_line:
                self._at(
                    key_node,
                    child,
                    f"duplicate key '{key}' (first given at line {first_line[key]})",
                    "keep one of them: a later value would silently replace the earlier one",
                )
                self.build(value_node, (*path, f"{key} (duplicate)"))
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, child)
        return out


class _TooBigError(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeepError(Exception):
    def __init__(self, node: yaml.Node, path: PathKey) -> None:
        self.node = node
        self.path = path


def _first_alias(text: str) -> Any:
    """Where the first alias (``*name``) is used: the likely cause of a blow-up."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


def _decode(file: str, raw: bytes) -> str:
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
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_values: int = MAX_VALUES,
) -> Document:
    """Parse ``raw`` (the bytes of ``file``) into a positioned :class:`Document`.

    Raises :class:`DocumentError` when the text cannot be read as one document; problems in
    single values (duplicate keys, forbidden tags) are collected and raised together.
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
        raise _refused(
            file,
            "the file is empty",
            "write the fields in it: copy profiles/TEMPLATE.yaml for a profile, or start a "
            "rule file with 'kind: rules' and a 'rules:' list",
        )
    builder = _Builder(file, max_depth, max_values)
    try:
        data = builder.build(root, ())
    except _TooBigError as big:
        mark = _first_alias(text) or big.node.start_mark
        raise _refused(
            file,
            f"the document expands to more than {max_values:,} values, "
            "probably through YAML aliases (*name)",
            "write the values out; an alias bomb is refused rather than expanded",
            mark.line + 1,
            mark.column + 1,
        ) from None
    except _TooDeepError as deep:
        mark = deep.node.start_mark
        raise _refused(
            file,
            f"the document is nested too deeply (more than {max_depth} levels)",
            "write the values a few levels deep, as in profiles/TEMPLATE.yaml; look here "
            "for a run of '[' or '{' or of ever deeper indentation",
            mark.line + 1,
            mark.column + 1,
            format_path(deep.path[:3]) + "...",
        ) from None
    except RecursionError:
        raise _refused(file, *too_deep) from None
    if builder.problems:
        raise DocumentError(builder.problems)
    return Document(file, data, sha, builder.positions, builder.key_positions)


def _unreadable_hint(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "give the path of an existing file (relative paths start from the current folder)"
    if isinstance(exc, IsADirectoryError):
        return "give the path of a file, not a folder"
    if isinstance(exc, PermissionError):
        return "make the file readable by your user (chmod u+r FILE), or copy it somewhere readable"
    return "give the path of a readable file"


def read_document(path: Path, *, display: str | None = None, **limits: int) -> Document:
    """Read and parse the file at ``path``; ``display`` is the name used in messages."""
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
    return parse_text(name, raw, **limits)
