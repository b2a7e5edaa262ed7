"""``imsa-eligibility rules lint|test``: for policy staff checking and testing their edits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import console
from .exitcodes import INVALID, OK

app = typer.Typer(
    help="Check and test a rule set (for policy staff editing rules/).", no_args_is_help=True
)

RulesOpt = Annotated[
    Path | None,
    typer.Option("--rules", help="Rule set directory (default: the shipped reference rules)."),
]


@app.command()
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
    console.write(
        f"ok: {ruleset.id} {ruleset.version}: {len(ruleset.rules)} rules, "
        f"{len(ruleset.variants)} rule-and-nation variants, sha256 "
        f"{ruleset.sha256}\n",
        None,
    )
    raise typer.Exit(OK)


@app.command("test")
def run_tests(
    rules: RulesOpt = None,
    cases: Annotated[Path, typer.Option(help="Folder of case files, one per rule.")] = Path(
        "tests/rules/cases"
    ),
    base: Annotated[
        Path, typer.Option(help="The compliant profile every case starts from.")
    ] = Path("tests/rules/base-profile.yaml"),
    engine: Annotated[
        str | None, typer.Option(help="durable or native (default: durable where it can run)")
    ] = None,
) -> None:
    """Run the rules' test cases; print each failure with its file:line (exit 2 if any)."""
    from imsa_eligibility.engine import default_engine, make_engine
    from imsa_eligibility.errors import ProfileError, RuleFileError
    from imsa_eligibility.rules.cases import run_case_file
    from imsa_eligibility.rules.load import load_ruleset
    from imsa_eligibility.source import DocumentError, read_document

    try:
        ruleset = load_ruleset(rules)
        base_doc = read_document(base)
    except (RuleFileError, DocumentError) as exc:
        console.problems(exc.problems)
        raise typer.Exit(INVALID) from None
    runner = make_engine(engine or default_engine(), [])
    files = sorted(cases.glob("*.yaml"))
    if not files:
        console.notice(f"error: no case files in {cases}")
        raise typer.Exit(INVALID)
    passed = failed = 0
    lines = []
    for path in files:
        try:
            results = run_case_file(path, base_doc, ruleset, runner)
        except ProfileError as exc:
            console.problems(exc.problems)
            failed += 1
            continue
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
    console.write("".join(lines) + f"{passed} passed, {failed} failed\n", None)
    raise typer.Exit(OK if failed == 0 else INVALID)
