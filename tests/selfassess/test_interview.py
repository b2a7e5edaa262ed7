"""``init``: the interview driven through standard input, one answer a line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from imsa_eligibility.engine import engine_for
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.selfassess.interview import Interview, Step, _get, _key, parse, slug
from tests.conftest import EXAMPLES, Run

AS_OF = "2026-11-28"
APPLICANTS = [
    "survivor-charity-eligible",
    "police-force",
    "scottish-scio",
    "cio-with-pcc-grant",
    "company-owned-by-police-via-holding",
    "chair-serving-police-officer",
    "english-charity-expanding-to-scotland",
    "facts-missing-incomplete",  # "don't know" (a blank line) for what it lacks
    "welsh-public-funding-no-welsh-language",
]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    return str(value)


def answers_for(original: dict[str, Any]) -> list[str]:
    """The lines a user describing ``original`` would type, question by question."""
    import datetime as dt

    ruleset = load_ruleset(None)
    iv = Interview(ruleset, engine_for("native", ruleset), dt.date.fromisoformat(AS_OF))
    lines: list[str] = []
    while (step := iv.next_step()) is not None:
        line = _answer(step, original)
        lines.append(line)
        iv.answer(step, parse(step, line))
    return lines


def _answer(step: Step, original: dict[str, Any]) -> str:
    found = _get(original, _key(step.path))
    if step.kind == "more":
        return "yes" if isinstance(found, list) and len(found) > step.count else "no"
    if isinstance(found, float):
        found = Decimal(str(found))
    if step.path.endswith("controlled_by") and isinstance(found, list):
        names = {o["id"]: o["name"] for o in original["related_organisations"]}
        found = [slug(names[ident]) for ident in found]  # the interview's ids, from names
    return _text(found)


def _verdicts(report: str) -> dict[str, Any]:
    decision = json.loads(report)["decisions"][0]
    return {
        nation: (
            n["outcome"],
            sorted(f["rule"] for f in n["findings"] if f["verdict"] == "triggered"),
        )
        for nation, n in decision["nations"].items()
    }


@pytest.mark.parametrize("name", APPLICANTS)
def test_reproduces_an_example(run_cli: Run, tmp_path: Path, name: str) -> None:
    source = EXAMPLES / f"{name}.yaml"
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    lines = answers_for(original)
    target = tmp_path / "answers.yaml"
    done = run_cli("init", str(target), "--as-of", AS_OF, stdin="\n".join(lines) + "\n")
    assert "Here is the decision" in done.stdout, done.stdout[-2000:] + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert run_cli("validate", str(target)).returncode == 0
    ours = run_cli("check", str(target), "--as-of", AS_OF, "-o", "json")
    theirs = run_cli("check", str(source), "--as-of", AS_OF, "-o", "json")
    assert ours.returncode == theirs.returncode == done.returncode
    mine, expected = _verdicts(ours.stdout), _verdicts(theirs.stdout)
    for nation, (outcome, triggered) in expected.items():
        assert mine[nation][0] == outcome
        if outcome == "ineligible":  # settled: the interview stops asking, so fewer are known
            assert set(mine[nation][1]) <= set(triggered)
        else:
            assert mine[nation][1] == triggered
    assert "unfinished" not in target.read_text(encoding="utf-8")


def test_police_force_is_asked_little(run_cli: Run) -> None:
    original = yaml.safe_load((EXAMPLES / "police-force.yaml").read_text(encoding="utf-8"))
    # name, id, nations, legal form, functions; then "any linked organisation?" and its
    # three facts, "another?", "any people?", one person's name and roles, "another?".
    assert len(answers_for(original)) <= 15


def test_resume_after_end_of_input(run_cli: Run, tmp_path: Path) -> None:
    original = yaml.safe_load((EXAMPLES / "scottish-scio.yaml").read_text(encoding="utf-8"))
    lines = answers_for(original)
    target = tmp_path / "scio.yaml"
    half = len(lines) // 2
    first = run_cli("init", str(target), "--as-of", AS_OF, stdin="\n".join(lines[:half]) + "\n")
    assert first.returncode == 130
    assert f"init --resume {target}" in first.stderr
    saved = target.read_text(encoding="utf-8")
    assert "unfinished" in saved
    again = run_cli("init", str(target), "--as-of", AS_OF, stdin="x\n")  # exists: refused
    assert again.returncode == 2
    rest = run_cli(
        "init", "--resume", str(target), "--as-of", AS_OF, stdin="\n".join(lines[half:]) + "\n"
    )
    assert rest.returncode == 0, rest.stdout[-2000:] + rest.stderr
    assert run_cli("validate", str(target)).returncode == 0
    assert "ELIGIBLE" in rest.stdout


def test_wrong_answers_are_explained_and_asked_again(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    lines = [
        "Riverside Hope",
        "Not A Slug!",  # a bad id
        "",  # the default id
        "atlantis",  # not a nation
        "england",
        "?",  # help
        "charitable company",
        "advocacy",
    ]
    done = run_cli("init", str(target), stdin="\n".join(lines) + "\n")
    assert "Sorry: use lower-case letters" in done.stdout
    assert "Sorry: 'atlantis' is not one of the choices" in done.stdout
    assert "Your governing document" in done.stdout  # the help
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert saved["organisation"]["id"] == "riverside-hope"
    assert saved["organisation"]["nations"] == ["england"]


def test_numbers_are_checked(tmp_path: Path) -> None:
    import datetime as dt

    ruleset = load_ruleset(None)
    iv = Interview(ruleset, engine_for("native", ruleset), dt.date(2026, 11, 28))
    step = Step("related_organisations[0].income_share", "share", iv._step("x").question)
    for bad in ("1.5", "-0.1", "lots", "0.12345"):
        with pytest.raises(ValueError):
            parse(step, bad)
    assert parse(step, "25%") == Decimal("0.25")


def test_output_is_deterministic(run_cli: Run, tmp_path: Path) -> None:
    original = yaml.safe_load((EXAMPLES / "police-force.yaml").read_text(encoding="utf-8"))
    stdin = "\n".join(answers_for(original)) + "\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "p.yaml", tmp_path / "b" / "p.yaml"
    one = run_cli("init", str(a), "--as-of", AS_OF, stdin=stdin)
    two = run_cli("init", str(b), "--as-of", AS_OF, stdin=stdin)
    assert one.stdout.replace(str(a), "F") == two.stdout.replace(str(b), "F")
    assert one.returncode == two.returncode == 6
    assert a.read_bytes() == b.read_bytes()
