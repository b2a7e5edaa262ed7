"""``imsa-eligibility rules lint|test``: for policy staff checking and testing their edits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import console
from .engines import choose_engine
from .exitcodes import INVALID, OK
from .params import Command, Engine, Group, parser
from .rulebook import TEST_TEXT, TestFormat

app = typer.Typer(
    help="Check, test, explain and publish a rule set (for policy staff editing rules/).",
    cls=Group,
    no_args_is_help=True,
)

RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rule set folder (default: the shipped reference rules).",
        metavar="DIR",
    ),
]


@app.command(cls=Command)
def lint(rules: RulesOpt = None) -> None:
    """Load the rule set and report every problem with file:line:col (exit 2 if any)."""
    from imsa_eligibility.errors import RuleFileError
    from imsa_eligibility.rules.load import load_ruleset

    try:
        ruleset = load_ruleset(rules)
    except RuleFileError as exc:
        console.problems(exc.problems)
        console.notice(f"{len(exc.problems)} problem(s) in the rule set")
        raise typer.Exit(INVALID) from None
    _lint_conflicts_policy(rules)
    console.write(
        f"ok: {ruleset.id} {ruleset.version}: {len(ruleset.rules)} rules, "
        f"{len(ruleset.variants)} rule-and-nation variants, sha256 "
        f"{ruleset.sha256}\n",
        None,
    )
    raise typer.Exit(OK)


def _lint_conflicts_policy(rules: Path | None) -> None:
    """Check the rule set's panel conflicts policy (panel/conflicts.yaml), when it has one."""
    from imsa_eligibility.errors import PanelFileError
    from imsa_eligibility.panel.members import load_policy, policy_path
    from imsa_eligibility.resources import rules_dir

    path = policy_path(rules if rules is not None else rules_dir())
    if not path.is_file():
        return
    try:
        load_policy(path)
    except PanelFileError as exc:
        console.problems(exc.problems)
        console.notice(f"{len(exc.problems)} problem(s) in the conflicts policy")
        raise typer.Exit(INVALID) from None


@app.command("test", cls=Command)
def run_tests(
    rules: RulesOpt = None,
    cases: Annotated[
        Path | None,
        typer.Option(
            help="Folder of case files, one per rule (default: tests/cases in the rule set "
            "folder).",
            metavar="DIR",
        ),
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            help="The compliant profile every case starts from (default: "
            "tests/base-profile.yaml in the rule set folder).",
            metavar="FILE",
        ),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            help="Rule engine (default: durable where it can run, else native).",
            parser=parser(Engine, "engine", "--engine"),
        ),
    ] = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage",
            help="Also report which rule x nation x verdict the cases reach, and what none "
            "reaches.",
        ),
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            help="With --coverage: exit 2 when coverage is under N percent.",
            metavar="N",
        ),
    ] = None,
    output_format: Annotated[
        TestFormat,
        typer.Option(
            "-o",
            "--format",
            help="text, or json (the coverage as JSON; implies --coverage).",
            parser=parser(TestFormat, "format", "--format"),
        ),
    ] = TEST_TEXT,
) -> None:
    """Run the rules' test cases; print each failure with its file:line (exit 2 if any).

    With --coverage, also the share of rule x nation x verdict cells the cases reach.
    """
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise typer.BadParameter(
            f"{fail_under:g} is not a percentage; give a number from 0 to 100",
            param_hint="--fail-under",
        )
    # A broken rule set or base profile raises ImsaError: app.main reports it, exit 2.
    from imsa_eligibility.engine import make_engine
    from imsa_eligibility.errors import ProfileError, UsageError
    from imsa_eligibility.policy.casebook import run_case_file
    from imsa_eligibility.resources import base_profile, cases_dir, rules_dir
    from imsa_eligibility.rules.load import load_ruleset
    from imsa_eligibility.source import read_document

    rules = rules if rules is not None else rules_dir()
    cases = cases if cases is not None else cases_dir(rules)
    base = base if base is not None else base_profile(rules)
    name = choose_engine(engine.value if engine else None)
    if name is None:
        raise typer.Exit(INVALID)
    ruleset = load_ruleset(rules)
    base_doc = read_document(base)
    files = sorted(cases.glob("*.yaml"))
    if not files:
        raise UsageError(f"no case files in {cases}; give --cases a folder of them")
    runner = make_engine(name, [])
    passed = failed = 0
    lines = []
    reached = []  # every case's result, for --coverage
    for path in files:
        try:
            results = run_case_file(path, base_doc, ruleset, runner)
        except ProfileError as exc:
            console.problems(exc.problems)
            failed += 1
            continue
        reached += results
        for result in results:
            if result.passed:
                passed += 1
            else:
                failed += 1
                lines.append(
                    f"FAIL {result.file}:{result.line}: {result.rule} "
                    f"[{result.nation}] {result.name}: expected {result.expected}, "
                    f"got {result.actual}\n"
                )
    untested = sorted({r.id for r in ruleset.rules} - {p.stem for p in files})
    lines += [f"note: no case file for {rule_id}\n" for rule_id in untested]
    if coverage or fail_under is not None or output_format.value == "json":
        from .rulebook import report_coverage

        summary = "".join(lines) + f"{passed} passed, {failed} failed\n"
        raise typer.Exit(
            report_coverage(
                ruleset,
                reached,
                passed=passed,
                failed=failed,
                fail_under=fail_under,
                as_json=output_format.value == "json",
                before=summary,
            )
        )
    console.write("".join(lines) + f"{passed} passed, {failed} failed\n", None)
    raise typer.Exit(OK if failed == 0 else INVALID)


def _add_diff() -> None:
    from .impact import diff

    app.command("diff", cls=Command)(diff)


_add_diff()


def _add_rulebook() -> None:
    from .rulebook import docs, explain, list_rules, show

    app.command("list", cls=Command)(list_rules)
    app.command("show", cls=Command)(show)
    app.command("explain", cls=Command)(explain)
    app.command("docs", cls=Command)(docs)


_add_rulebook()
