"""The CLI offers exactly the library's registries as its choices, and help shows no types.

Choices are read from the click command objects typer builds (``typer.main.get_command``),
so what is checked is what a user can type, complete and see in ``--help``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from cli.app import app
from imsa_eligibility.engine import ENGINES
from imsa_eligibility.policy.impact import FORMATS as DIFF_FORMATS
from imsa_eligibility.policy.rulebook import DOCS_FORMATS, LIST_FORMATS, SHOW_FORMATS, TEST_FORMATS
from imsa_eligibility.report import FORMATS, STREAMED
from imsa_eligibility.schemas import SCHEMAS
from imsa_eligibility.vocabulary import Nation, Outcome

COMMAND: Any = typer.main.get_command(app)

# (command path, parameter name, the registry its choices must be)
CHOICES: list[tuple[tuple[str, ...], str, Iterable[str]]] = [
    (("check",), "engine", ENGINES),
    (("rules", "test"), "engine", ENGINES),
    (("check",), "output_format", FORMATS),
    (("validate",), "output_format", STREAMED),  # a listing of files: no panel pack
    (("check",), "nation", Nation),
    (("schema",), "name", SCHEMAS),
    (("register", "show"), "output_format", FORMATS),
    (("register", "list"), "outcome", Outcome),
    (("rules", "list"), "output_format", LIST_FORMATS),
    (("rules", "show"), "output_format", SHOW_FORMATS),
    (("rules", "docs"), "output_format", DOCS_FORMATS),
    (("rules", "test"), "output_format", TEST_FORMATS),
    (("rules", "diff"), "output_format", DIFF_FORMATS),
]


def _command(path: tuple[str, ...]) -> Any:
    command = COMMAND
    for name in path:
        command = command.commands[name]
    return command


def _param(path: tuple[str, ...], name: str) -> Any:
    found = [p for p in _command(path).params if p.name == name]
    assert found, f"{' '.join(path)} has no parameter {name}"
    return found[0]


def _choices(param: Any) -> list[str]:
    """The values a parameter accepts, as typer's click objects declare them."""
    descriptor = getattr(param, "type_descriptor", None)  # typer >= 0.29
    offered = descriptor.choices if descriptor is not None else getattr(param.type, "choices", None)
    assert offered is not None, f"{param.name} offers no choices"
    return [str(getattr(choice, "value", choice)) for choice in offered]


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _commands(sub, (*path, name))
    return paths


@pytest.mark.parametrize(("path", "name", "registry"), CHOICES)
def test_choices_are_exactly_the_registry(
    path: tuple[str, ...], name: str, registry: Iterable[str]
) -> None:
    offered = _choices(_param(path, name))
    names = [str(item) for item in registry]
    assert sorted(set(names) - set(offered)) == [], "registered but not offered"
    assert sorted(set(offered) - set(names)) == [], "offered but not registered"
    assert offered == names  # once each, in the registry's order


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("check", "x.yaml", "--nation", "englnd"), "unknown nation 'englnd': did you mean"),
        (("check", "x.yaml", "--engine", "durabel"), "unknown engine 'durabel': did you mean"),
        (("validate", "x.yaml", "-o", "jsn"), "unknown format 'jsn': did you mean"),
        (("schema", "profle"), "unknown schema 'profle': did you mean"),
        (("rules", "test", "--engine", "nativ"), "unknown engine 'nativ': did you mean"),
    ],
)
def test_a_misspelt_choice_is_a_usage_error_with_a_suggestion(
    args: tuple[str, ...], hint: str
) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2
    assert hint in " ".join(result.output.replace("│", " ").split())


_TYPE_WORDS = re.compile(r"<[^>]*>")


@pytest.mark.parametrize("path", _commands(COMMAND), ids=lambda p: " ".join(p) or "top")
def test_help_shows_metavars_and_choices_never_python_types(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    choice_words = {str(item) for _, _, registry in CHOICES for item in registry}
    for shown in _TYPE_WORDS.findall(result.output):
        assert set(shown[1:-1].split("|")) <= choice_words, f"help shows {shown}"
    assert re.search(r"\b(list\[|bool|str|Path)\b", result.output) is None


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_prints_each_registered_schema(name: str) -> None:
    result = CliRunner().invoke(app, ["schema", name])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("{")
