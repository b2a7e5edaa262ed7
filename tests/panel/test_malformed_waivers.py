"""One malformed waivers file per failure mode: each is refused with a located message.

Each file's header comments say what the refusal must hold, as for malformed profiles
(tests/profile/test_malformed.py): ``# expect-line: N`` (a problem on line N; with
``# expect-column: C``, at column C), ``# expect: words`` (words in the messages) and
``# expect-count: N`` (exactly N problems). A ``.json`` file's header is its sidecar
``NAME.json.expect``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from imsa_eligibility.errors import DocumentError, ImsaError, WaiverFileError
from imsa_eligibility.panel.schema import waivers_schema
from imsa_eligibility.panel.waivers import load_waivers, load_waivers_text
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.source import parse_text
from tests.conftest import DATA, ROOT

MALFORMED_DIR = DATA / "waivers" / "malformed"
MALFORMED = sorted(p for p in MALFORMED_DIR.iterdir() if p.suffix in (".yaml", ".json"))
RULESET = load_ruleset(ROOT / "rules")
VAGUE = re.compile(r"^(correct|check|fix|see)\b", re.I)


def _expectations(path: Path) -> str:
    sidecar = path.with_name(path.name + ".expect")
    return (sidecar if path.suffix == ".json" else path).read_text(encoding="utf-8")


def _number(text: str, name: str) -> int | None:
    found = re.search(rf"^# {name}: (\d+)", text, re.M)
    return int(found.group(1)) if found else None


def test_there_is_a_file_per_failure_mode() -> None:
    assert len(MALFORMED) >= 30
    for path in MALFORMED:
        assert re.search(r"^# failure: ", _expectations(path), re.M), path.name


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_malformed_waivers_file_is_refused_with_a_located_message(path: Path) -> None:
    text = _expectations(path)
    with pytest.raises(WaiverFileError) as caught:
        load_waivers(path, RULESET)
    problems = caught.value.problems
    assert caught.value.exit_code == 2
    rendered = "\n".join(p.render() for p in problems)
    assert problems, "a refusal must say why"
    assert all(p.file == str(path) for p in problems), rendered
    line, column = _number(text, "expect-line"), _number(text, "expect-column")
    assert any(p.line == line for p in problems), rendered
    if column is not None:
        assert any((p.line, p.column) == (line, column) for p in problems), rendered
    for words in re.findall(r"^# expect: (.+?)\s*$", text, re.M):
        assert words.lower() in rendered.lower(), rendered
    count = _number(text, "expect-count")
    if count is not None:
        assert len(problems) == count, rendered
    for problem in problems:
        assert problem.hint and not VAGUE.search(problem.hint), problem.render()
    assert len({(p.line, p.column, p.path) for p in problems}) == len(problems), rendered


def test_the_text_reader_gives_the_same_problems_as_the_file_reader() -> None:
    path = MALFORMED_DIR / "misspelt-rule.yaml"
    with pytest.raises(WaiverFileError) as from_file:
        load_waivers(path, RULESET)
    with pytest.raises(WaiverFileError) as from_text:
        load_waivers_text(str(path), path.read_bytes(), RULESET)
    assert from_file.value.problems == from_text.value.problems


def test_a_missing_file_is_a_located_problem(tmp_path: Path) -> None:
    with pytest.raises(WaiverFileError) as caught:
        load_waivers(tmp_path / "nowhere.yaml", RULESET)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "cannot read the file" in problem.message
    assert isinstance(caught.value, ImsaError)


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "schema_version: 1\npanel: P\nwaivers:\n"
        "  - {organisation: a-trust, rule: ORG-01, justification: x, approved_by: c,"
        " approved_on: 2026-10-01, expires: 2027-03-31}\n"
        "  - {organisation: b-trust, rule: ORG-001, justification: x, approved_by: c,"
        " approved_on: 2026-10-01, expires: 2026-01-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(WaiverFileError) as caught:
        load_waivers(path, RULESET)
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (4, "waivers[0].rule"),
        (5, "waivers[1].expires"),
    ]


# What the published schema cannot see: the rule set, and how waivers relate to each other.
SCHEMA_BLIND = {
    "duplicate-by-default-nations.yaml",
    "duplicate.yaml",
    "expires-before-approved.yaml",
    "expires-on-approval-day.yaml",
    "non-waivable-nation.yaml",
    "non-waivable-rule-named-nation.yaml",
    "non-waivable-rule.yaml",
    "rule-not-in-nation.yaml",
    "bad-date.yaml",  # the pattern fits; format "date" is an annotation by default
}


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_the_published_schema_agrees_where_it_can_see(path: Path) -> None:
    try:
        document = parse_text(str(path), path.read_bytes())
    except DocumentError:
        return  # not a document at all: nothing for a schema to check
    data = json.loads(json.dumps(document.data))
    validator = jsonschema.Draft202012Validator(waivers_schema())
    assert validator.is_valid(data) == (path.name in SCHEMA_BLIND), path.name
