"""The project's errors: located problems and the small exception hierarchy that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from .printable import printable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located so a person can go and fix it.

    ``path`` is the dotted path in the document (``related_organisations[2].income_share``),
    empty for the whole document. ``hint`` says what to do about it.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""

    def full_message(self) -> str:
        """The message followed by the hint, as one sentence pair."""
        return f"{self.message}. {self.hint}" if self.hint else self.message

    def render(self) -> str:
        """``file:line:col: path: message. hint`` — the one-line form for people.

        Control characters from the input (in a file name, a key, a quoted value) are
        shown as escapes, so that the line cannot steer a terminal or forge another line.
        """
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        return printable(f"{where}:{path} {self.full_message()}")

    def to_json(self) -> dict[str, object]:
        """The report contract's error object."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.full_message(),
        }


class ImsaError(Exception):
    """Base of every error the project raises on purpose.

    ``problems`` locate the error in an input file where it has a location (empty where it
    has none, e.g. an engine's internal failure). ``exit_code`` is what the command exits
    with: 2 for invalid input or usage, 1 for an internal error. The CLI maps every
    ``ImsaError`` to its exit code in one place.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            super().__init__(problems)
        else:
            self.problems = sorted(problems)
            super().__init__("; ".join(p.render() for p in self.problems))


class DocumentError(ImsaError):
    """A file could not be read as a document at all (syntax, encoding, size, tags)."""


class ProfileError(ImsaError):
    """An employer profile could not be read or is not valid."""


class RuleFileError(ImsaError):
    """A rule file could not be read, does not match the rule schema, or fails the lint."""


class WaiverFileError(ImsaError):
    """A panel's waivers file could not be read, or is not valid for the rule set used."""


class UsageError(ImsaError):
    """The command was asked for something it cannot do (a missing path, a bad choice)."""


class EngineError(ImsaError):
    """A rule engine failed, or two engines disagreed: an internal error (exit 1).

    The evaluation is never reported as a decision.
    """

    exit_code = 1


class UndecidableError(EngineError):
    """An engine cannot decide this value the way the reference semantics would."""


class PanelFileError(ImsaError):
    """A panel's members file, or the conflicts policy beside the rules, is not valid."""
