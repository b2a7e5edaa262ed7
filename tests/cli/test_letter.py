"""``check -o letter``: a plain-words letter per applicant (golden letters, batches, what-if,
escaping), and missing facts read as questions in every text report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, Run
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
EX = "profiles/examples/"
GOLDEN = ROOT / "tests" / "golden" / "letters"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
SEPARATOR = "\n---\n\n"

#: A dotted fact path, or a rule id, where only plain words belong.
_PATH = re.compile(r"\b[a-z_]+(\[\d+\])?\.[a-z_]+")
_RULE_ID = re.compile(r"\b[A-Z]{3}-\d{3}\b")


def _outside_code(text: str) -> str:
    """``text`` without its code spans (where the letter shows paths on purpose)."""
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_the_letter_of_each_example_matches_its_golden(
    run_cli: Run, update_goldens: bool, example: Path
) -> None:
    letter = run_cli("check", EX + example.name, *AS_OF, *NATIVE, "-o", "letter")
    text = run_cli("check", EX + example.name, *AS_OF, *NATIVE)
    assert letter.returncode == text.returncode, letter.stderr  # exit codes as for any check
    assert letter.returncode in (0, 3, 4, 5, 6)
    _golden(GOLDEN / f"{example.stem}.md", letter.stdout, update_goldens)


def test_every_golden_letter_belongs_to_an_example(update_goldens: bool) -> None:
    wanted = {GOLDEN / f"{p.stem}.md" for p in EXAMPLE_FILES}
    stale = sorted(p for p in GOLDEN.glob("*") if p not in wanted)
    if update_goldens:
        for path in stale:
            path.unlink()
        stale = []
    assert not stale, f"golden letters without an example (run --update-goldens): {stale}"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_a_letter_speaks_plain_words(example: Path) -> None:
    """No rule ids, engine words or dotted paths, except the paths shown as code."""
    golden = GOLDEN / f"{example.stem}.md"
    if not golden.exists():
        pytest.skip("golden letter not written yet")
    letter = _outside_code(golden.read_text(encoding="utf-8"))
    body = letter.rsplit("\n*Checked with", 1)[0]  # the last line names the rule set
    assert not _RULE_ID.search(body), _RULE_ID.search(body)
    assert not _PATH.search(body), _PATH.search(body)
    for word in ("triggered", "verdict", "UNKNOWN", "to_provide", "None", "true", "false"):
        assert word not in body, word
    assert body.startswith("# IMSA eligibility: a letter for ")
    assert "### What we checked and found clear" in body or "ineligible" in example.stem


def test_missing_facts_are_numbered_questions(run_cli: Run) -> None:
    result = run_cli("check", EX + "facts-missing-incomplete.yaml", *AS_OF, *NATIVE, "-o", "letter")
    assert result.returncode == 5
    todo = result.stdout.split("### What to do\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split(" ", 1)[0] for line in todo] == ["1.", "2.", "3."]  # each fact once
    assert any(
        "Is your organisation registered with the Information Commissioner's Office (ICO)?" in line
        and "`governance.ico_registered`, near line 32" in line
        for line in todo
    )


def test_several_profiles_give_one_letter_after_another(run_cli: Run) -> None:
    names = ["survivor-charity-eligible.yaml", "police-force.yaml", "cio-with-pcc-grant.yaml"]
    batch = run_cli("check", *(EX + n for n in names), *AS_OF, *NATIVE, "-o", "letter")
    assert batch.returncode == 6  # the most severe outcome's code, as for any check
    letters = batch.stdout.split(SEPARATOR)
    assert len(letters) == 3
    singles = [
        run_cli("check", EX + n, *AS_OF, *NATIVE, "-o", "letter").stdout for n in sorted(names)
    ]
    assert letters == singles  # in path order, each as it is alone
    assert [s.count("\n# ") + s.startswith("# ") for s in letters] == [1, 1, 1]


def test_errors_come_after_the_letters(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation: {id: x}\n", encoding="utf-8")
    result = run_cli("check", EX + "cio-with-pcc-grant.yaml", str(bad), *AS_OF, "-o", "letter")
    assert result.returncode == 2
    letter, problems = result.stdout.split(SEPARATOR)
    assert letter.startswith("# IMSA eligibility: a letter for Eastmere Freedom Network")
    assert problems.startswith("# Forms we could not read\n")
    assert "bad.yaml:" in problems


def test_a_name_shows_exactly_as_written(run_cli: Run, tmp_path: Path) -> None:
    source = (EXAMPLES / "cio-with-pcc-grant.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "odd.yaml"
    profile.write_text(
        source.replace("name: Eastmere Freedom Network", "name: '<b>*Trust*</b> [x](y)'"),
        encoding="utf-8",
    )
    result = run_cli("check", str(profile), *AS_OF, "-o", "letter")
    assert result.returncode == 3, result.stderr
    assert "Dear \\<b\\>\\*Trust\\*\\</b\\> \\[x\\](y)," in result.stdout
    assert "<b>" not in result.stdout


def test_the_letter_says_what_would_change_the_decision(run_cli: Run) -> None:
    plain = run_cli(
        "check", EX + "unincorporated-charity-no-insurance.yaml", *AS_OF, *NATIVE, "-o", "letter"
    )
    assert "What would change the decision" not in plain.stdout
    asked = run_cli(
        "check",
        EX + "unincorporated-charity-no-insurance.yaml",
        *AS_OF,
        *NATIVE,
        "-o",
        "letter",
        "--what-if",
    )
    assert asked.returncode == plain.returncode == 6
    part = asked.stdout.split("### What would change the decision\n\n", 1)[1]
    suggestions = [line for line in part.split("\n\n")[1].splitlines() if line.startswith("- ")]
    assert suggestions, part
    assert all(s.startswith("- If you ") for s in suggestions)
    assert not _PATH.search(_outside_code("\n".join(suggestions)))


def test_the_letter_is_written_to_a_file(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "letter.md"
    result = run_cli(
        "check", EX + "scottish-scio.yaml", *AS_OF, *NATIVE, "-o", "letter", "--output", str(out)
    )
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == (GOLDEN / "scottish-scio.md").read_text(
        encoding="utf-8"
    )


# --- every text report asks in plain words --------------------------------------------------

_PROVIDE = re.compile(r"Please provide:?\s*(?:</dt><dd>)?(.*)")


def _bare_path(after: str) -> bool:
    """Whether what follows "Please provide" starts with a dotted path (not a question)."""
    return bool(re.match(r"`?<?(?:code>)?[a-z_\\]+(\\?\[\d+\\?\])?\.", after.strip()))


def test_no_text_report_asks_for_a_bare_path(run_cli: Run) -> None:
    reports = {
        "text": run_cli("check", EX, *AS_OF, *NATIVE).stdout,
        "markdown": run_cli("check", EX, *AS_OF, *NATIVE, "-o", "markdown").stdout,
        "html": run_cli("check", EX, *AS_OF, *NATIVE, "-o", "html").stdout,
    }
    for fmt, report in reports.items():
        asked = _PROVIDE.findall(report)
        assert asked, f"no fact is asked for in the {fmt} report of the examples"
        bare = [a for a in asked if _bare_path(a)]
        assert bare == [], (fmt, bare)
        assert all("?" in a for a in asked), fmt
    golden = ROOT / "tests" / "golden"
    for path in [*golden.glob("examples/*.text"), *golden.glob("pack/*.md")]:
        text = path.read_text(encoding="utf-8")
        bare = [a for a in _PROVIDE.findall(text) if _bare_path(a)]
        assert bare == [], (path.name, bare)


def test_a_waiver_is_shown_as_set_aside_by_the_panel(run_cli: Run) -> None:
    result = run_cli(
        "check",
        EX + "unincorporated-charity-no-insurance.yaml",
        "--waivers",
        "profiles/waivers-example.yaml",
        *AS_OF,
        *NATIVE,
        "-o",
        "letter",
    )
    assert result.returncode == 3, result.stderr
    part = result.stdout.split("### Set aside by the accreditation panel\n\n", 1)[1]
    assert part.startswith(
        "- **Employers' liability insurance:** the accreditation panel has set this aside "
        "until 31 March 2027. The panel's conditions: "
    )


def test_letters_are_commonmark_with_the_structure_they_say(run_cli: Run) -> None:
    """Read by a CommonMark parser: one heading per letter, a rule between letters, the
    steps as an ordered list, and an odd name shown exactly as written."""
    from markdown_it import MarkdownIt

    names = ["facts-missing-incomplete.yaml", "police-force.yaml", "scottish-scio.yaml"]
    batch = run_cli("check", *(EX + n for n in names), *AS_OF, *NATIVE, "-o", "letter")
    tokens = MarkdownIt("commonmark").parse(batch.stdout)
    kinds = [t.type for t in tokens]
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 3
    assert kinds.count("hr") == 2
    assert kinds.count("ordered_list_open") >= 2  # a list of steps where there are steps
    html = MarkdownIt("commonmark").render(
        "Dear " + "\\<b\\>\\*Trust\\*\\</b\\>" + ","  # as the letter escapes it
    )
    assert "&lt;b&gt;*Trust*&lt;/b&gt;" in html
