"""``rules list|show|explain|docs`` and ``rules test --coverage``: the rulebook, for policy staff.

Thin commands over :mod:`imsa_eligibility.policy.rulebook` (and its writers in
``rulebook_render``) and :mod:`imsa_eligibility.policy.coverage`. Every one reads the
shipped reference rules and their shipped cases unless ``--rules`` names another rule set
(its cases then are ``tests/cases`` in that folder), and writes to standard output unless
``--output FILE`` is given. An unknown rule id is a usage error with a did-you-mean (exit 2).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import console
from .engines import choose_engine
from .exitcodes import INVALID, OK
from .params import Engine, NationName, choices, listing, parse_date, parser

if TYPE_CHECKING:
    from imsa_eligibility.engine.interface import Engine as EngineType
    from imsa_eligibility.policy.casebook import CaseResult
    from imsa_eligibility.policy.rulebook import Casebook
    from imsa_eligibility.rules.model import RuleSet

    ListFormat = StrEnum
    ShowFormat = StrEnum
    DocsFormat = StrEnum
    TestFormat = StrEnum
else:
    from imsa_eligibility.policy.rulebook import (
        DOCS_FORMATS,
        LIST_FORMATS,
        SHOW_FORMATS,
        TEST_FORMATS,
    )

    ListFormat = choices("ListFormat", LIST_FORMATS)
    ShowFormat = choices("ShowFormat", SHOW_FORMATS)
    DocsFormat = choices("DocsFormat", DOCS_FORMATS)
    TestFormat = choices("TestFormat", TEST_FORMATS)

LIST_TEXT = ListFormat("text")
SHOW_YAML = ShowFormat("yaml")
DOCS_MARKDOWN = DocsFormat("markdown")
TEST_TEXT = TestFormat("text")

RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="Rule set folder (default: the shipped reference rules).", metavar="DIR"
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", help="Write to FILE instead of standard output.", metavar="FILE"),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Show the values in force on this date, YYYY-MM-DD (default: today).",
        metavar="DATE",
    ),
]
EngineOpt = Annotated[
    Engine | None,
    typer.Option(
        "--engine",
        help="The engine that decides the examples (default: durable where it can run, "
        "else native).",
        parser=parser(Engine, "engine", "--engine"),
    ),
]
RuleArg = Annotated[
    str, typer.Argument(help="A rule id (or an old id, an alias), such as IND-001.", metavar="ID")
]


def _load(rules: Path | None) -> RuleSet:
    from imsa_eligibility.rules.load import load_ruleset

    return load_ruleset(rules)  # a broken rule set: app.main reports it, exit 2


def _casebook(rules: Path | None) -> Casebook:
    from imsa_eligibility.policy.rulebook import Casebook
    from imsa_eligibility.resources import base_profile, cases_dir

    return Casebook(cases_dir(rules), base_profile(rules))


def _engine(engine: Engine | None) -> tuple[EngineType, str]:
    from imsa_eligibility.engine import make_engine

    name = choose_engine(engine.value if engine else None)
    if name is None:
        raise typer.Exit(INVALID)
    return make_engine(name, []), name


def list_rules(
    rules: RulesOpt = None,
    output_format: Annotated[
        ListFormat,
        typer.Option(
            "-o", "--format", help="text or json.", parser=parser(ListFormat, "format", "--format")
        ),
    ] = LIST_TEXT,
    output: OutputOpt = None,
) -> None:
    """List every rule: id, title, section, effect, waivable, nations, dates.

    Effect and waivable name the nations that differ: refer (Scotland: exclude).
    """
    from imsa_eligibility.policy.rulebook_render import list_json, list_text

    ruleset = _load(rules)
    text = list_json(ruleset) if output_format.value == "json" else list_text(ruleset)
    console.write(text, output)
    raise typer.Exit(OK)


def show(
    rule_id: RuleArg,
    nation: Annotated[
        NationName | None,
        typer.Option(
            "--nation",
            help=f"Only this nation ({listing(NationName)}); default: every nation the rule "
            "applies to.",
            metavar="NATION",
            parser=parser(NationName, "nation", "--nation"),
        ),
    ] = None,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    output_format: Annotated[
        ShowFormat,
        typer.Option(
            "-o", "--format", help="yaml or json.", parser=parser(ShowFormat, "format", "--format")
        ),
    ] = SHOW_YAML,
    output: OutputOpt = None,
) -> None:
    """Show the effective rule for a nation, as YAML or JSON.

    Overrides applied; lists, parameters and derived sums written out (values on --as-of).
    """
    from imsa_eligibility.policy.rulebook import effective, find_rule
    from imsa_eligibility.policy.rulebook_render import show_json, show_yaml
    from imsa_eligibility.vocabulary import Nation

    date = parse_date(as_of)
    ruleset = _load(rules)
    rule = find_rule(ruleset, rule_id, "show")
    nations: Sequence[Nation] = [Nation(nation.value)] if nation else rule.nations
    blocks = [effective(ruleset, rule, n, date) for n in nations]
    write = show_json if output_format.value == "json" else show_yaml
    console.write(write(ruleset, blocks, date), output)
    raise typer.Exit(OK)


def explain(
    rule_id: RuleArg,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    engine: EngineOpt = None,
    output: OutputOpt = None,
) -> None:
    """Explain a rule in plain words, with an example that triggers and one that is clear.

    Why it matters, how nations differ, the remedy, the source; the examples decided now.
    """
    from imsa_eligibility.policy.rulebook import entry, find_rule
    from imsa_eligibility.policy.rulebook_render import explain_text

    date = parse_date(as_of)
    ruleset = _load(rules)
    rule = find_rule(ruleset, rule_id, "explain")
    runner, name = _engine(engine)
    console.write(explain_text(entry(ruleset, rule, date, _casebook(rules), runner, name)), output)
    raise typer.Exit(OK)


def docs(
    output_format: Annotated[
        DocsFormat,
        typer.Option(
            "-o",
            "--format",
            help="markdown or html (one self-contained page).",
            parser=parser(DocsFormat, "format", "--format"),
        ),
    ] = DOCS_MARKDOWN,
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Write the rulebook: every rule, nation by nation, with checked examples.

    A contents list, the rule set's id, version and sha256; HTML is one self-contained page.
    """
    from imsa_eligibility.policy.rulebook import entry
    from imsa_eligibility.policy.rulebook_render import docs_html, docs_markdown

    date = parse_date(as_of)
    ruleset = _load(rules)
    runner, name = _engine(engine)
    casebook = _casebook(rules)
    entries = [entry(ruleset, rule, date, casebook, runner, name) for rule in ruleset.rules]
    write = docs_html if output_format.value == "html" else docs_markdown
    console.write(write(ruleset, entries, date, name), output)
    raise typer.Exit(OK)


def report_coverage(
    ruleset: RuleSet,
    results: Sequence[CaseResult],
    *,
    passed: int,
    failed: int,
    fail_under: float | None,
    as_json: bool,
    before: str,
) -> int:
    """Write the coverage of ``ruleset`` by ``results`` after ``before`` (the test lines);
    return the exit code: 2 when a case failed or coverage is under ``fail_under``."""
    import json

    from imsa_eligibility.policy.coverage import coverage, coverage_json, coverage_text

    threshold = Decimal(str(fail_under)) if fail_under is not None else None
    found = coverage(ruleset, results)
    if as_json:
        if before:  # the failures: kept off standard output, which holds the JSON
            sys.stderr.write(before)
        text = json.dumps(
            coverage_json(found, ruleset, passed, failed, threshold), indent=2, ensure_ascii=False
        )
        console.write(text + "\n", None)
    else:
        console.write(before + coverage_text(found, ruleset, threshold), None)
    low = threshold is not None and found.below(threshold)
    return INVALID if failed or low else OK


__all__ = ["TEST_TEXT", "TestFormat", "docs", "explain", "list_rules", "report_coverage", "show"]
