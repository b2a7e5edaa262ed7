"""The CLI's parameter vocabulary: choices built from the library's registries, plain help.

Every choice the commands offer comes from the registry that defines it, so a new engine,
report format, nation or schema is offered (in help, completion and validation) without
touching the CLI:

- :data:`Engine` from :data:`imsa_eligibility.engine.ENGINES`,
- :data:`Format` from :data:`imsa_eligibility.report.FORMATS` (and :data:`ValidateFormat`,
  its streamed formats that a listing of files can take: text, json, jsonl),
- :data:`NationName` from :class:`imsa_eligibility.vocabulary.Nation`,
- :data:`SchemaName` from :data:`imsa_eligibility.schemas.SCHEMAS`.

A misspelt choice is a usage error with a did-you-mean hint (:func:`parser`). The help
shows metavars (``PATH``, ``FILE``, ``DIR``, ``DATE``, ``NATION``) and choice lists, never a
Python type name: :class:`Command` and :class:`Group` see to the parameters typer would
otherwise show as ``<bool>`` or ``<list[Path]>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from imsa_eligibility.engine import ENGINES
from imsa_eligibility.report import FORMATS, STREAMED
from imsa_eligibility.schemas import SCHEMAS
from imsa_eligibility.suggest import did_you_mean
from imsa_eligibility.vocabulary import Nation


def choices(name: str, registry: Iterable[str]) -> type[StrEnum]:
    """A StrEnum named ``name`` whose members are the registry's names, in its order.

    ``registry`` is anything that iterates names: a tuple, a StrEnum, or a mapping from name
    to whatever it registers (iterating a mapping gives its keys).
    """
    names = [str(item) for item in registry]
    return StrEnum(name, {n: n for n in names})  # type: ignore[return-value]


if TYPE_CHECKING:  # to the type checker, each is some StrEnum; its members are data
    Engine = StrEnum
    Format = StrEnum
    ValidateFormat = StrEnum
    NationName = StrEnum
    SchemaName = StrEnum
else:
    Engine = choices("Engine", ENGINES)
    Format = choices("Format", FORMATS)
    ValidateFormat = choices("ValidateFormat", [f for f in FORMATS if f in STREAMED])
    NationName = choices("NationName", Nation)
    SchemaName = choices("SchemaName", SCHEMAS)


def listing(kind: type[StrEnum]) -> str:
    """The choices as a comma-separated list, for help texts."""
    return ", ".join(m.value for m in kind)


def parser(kind: type[StrEnum], noun: str, hint: str) -> Callable[[Any], StrEnum]:
    """A value parser for ``kind``: its member, or a usage error that suggests the closest.

    ``hint`` names the parameter in the error (``--nation``).
    """

    def parse(value: Any) -> StrEnum:
        if isinstance(value, kind):
            return value
        text = str(value)
        for member in kind:
            if text == member.value:
                return member
        allowed = [m.value for m in kind]
        raise typer.BadParameter(
            f"unknown {noun} '{text}': {did_you_mean(text, allowed, noun=noun)}",
            param_hint=hint,
        )

    return parse


def _plain(params: list[Any]) -> list[Any]:
    """Hide Python type names from the help of ``params`` (in place; idempotent).

    Typer shows a type for each parameter: an option's metavar, or a choice list, stands
    in its place, but a flag shows ``<bool>`` and an argument ``<list[Path]>`` whatever its
    metavar. Those are blanked: the metavar in the name column says what to write. Where
    typer has no such display (older versions, click's own metavars), nothing changes.
    """
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or descriptor.is_choice:
            continue
        if isinstance(param, TyperArgument):
            if type(param) is TyperArgument:
                param.__class__ = _PlainArgument
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _PlainArgument(TyperArgument):
    """An argument whose help shows its metavar and no type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class Command(TyperCommand):
    """A command whose help shows metavars and choices, never Python type names."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


class Group(TyperGroup):
    """A command group whose help shows metavars and choices, never Python type names."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


__all__ = [
    "Command",
    "Engine",
    "Format",
    "Group",
    "NationName",
    "SchemaName",
    "ValidateFormat",
    "choices",
    "listing",
    "parser",
]


def parse_date(
    value: str | None, option: str = "--as-of", default: dt.date | None = None
) -> dt.date:
    """``value`` as a date (``default``, else today, when not given); a usage error naming
    ``option`` when it is not one."""
    if value is None:
        return default if default is not None else dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date; write YYYY-MM-DD", param_hint=option
        ) from None
