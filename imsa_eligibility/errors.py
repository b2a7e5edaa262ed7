"""The project's errors: located problems and the small exception hierarchy that carries them."""

from __future__ import annotations

from dataclasses import dataclass


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
        """``file:line:col: path: message. hint`` — the one-line form for people."""
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.full_message()}"

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
    """Base of every error the library raises on purpose; carries located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("; ".join(p.render() for p in self.problems))


class ProfileError(ImsaError):
    """An employer profile could not be read or is not valid."""


class RuleFileError(ImsaError):
    """A rule file could not be read, does not match the rule schema, or fails the lint."""


class EngineError(Exception):
    """A rule engine failed; the evaluation is never reported as a decision."""
