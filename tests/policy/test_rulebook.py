"""``rules list|show|explain|docs``: the rulebook, end to end through the CLI, and its parts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from imsa_eligibility.policy.plain import Names, words
from imsa_eligibility.rules.load import load_ruleset
from tests.browser import CHROMIUM, render
from tests.conftest import DATA, ROOT, Run
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-12-01")
NATIVE = ("--engine", "native")
GOLDEN = ROOT / "tests" / "golden" / "rulebook"
GAP = DATA / "rules" / "coverage-gap"
RULESET = load_ruleset(ROOT / "rules")


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


# --- golden outputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("rulebook.md", ("rules", "docs", *AS_OF, *NATIVE)),
        ("rulebook.html", ("rules", "docs", "-o", "html", *AS_OF, *NATIVE)),
        ("explain-IND-001.md", ("rules", "explain", "IND-001", *AS_OF, *NATIVE)),
        (
            "show-IND-004-scotland.yaml",
            ("rules", "show", "IND-004", "--nation", "scotland", *AS_OF),
        ),
    ],
)
def test_the_rulebook_matches_its_golden(
    run_cli: Run, update_goldens: bool, name: str, args: tuple[str, ...]
) -> None:
    _golden(GOLDEN / name, _ok(run_cli, *args), update_goldens)


def test_output_goes_to_the_file_named(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "rulebook.md"
    result = run_cli("rules", "docs", *AS_OF, *NATIVE, "--output", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == _ok(run_cli, "rules", "docs", *AS_OF, *NATIVE)


# --- rules list -------------------------------------------------------------------------------


def test_list_shows_every_rule_and_where_nations_differ(run_cli: Run) -> None:
    text = _ok(run_cli, "rules", "list")
    lines = text.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "SECTION", "EFFECT", "WAIVABLE", "NATIONS", "DATES"]
    assert len(lines) == len(RULESET.rules) + 2
    ind004 = next(line for line in lines if line.startswith("IND-004 "))
    assert "refer (Scotland: exclude)" in ind004 and "no (Scotland: yes)" in ind004
    wal = next(line for line in lines if line.startswith("WAL-001 "))
    assert " wales " in wal


def test_list_as_json(run_cli: Run) -> None:
    document = json.loads(_ok(run_cli, "rules", "list", "-o", "json"))
    assert document["schema"] == "imsa-eligibility/rules-list/v1"
    assert document["ruleset"]["sha256"] == RULESET.sha256
    rows = {row["id"]: row for row in document["rules"]}
    assert list(rows) == [r.id for r in RULESET.rules]
    assert rows["IND-004"]["effect"]["scotland"] == "exclude"
    assert rows["IND-004"]["waivable"] == {
        "england": False,
        "wales": False,
        "scotland": True,
        "northern_ireland": False,
    }
    assert rows["WAL-001"]["nations"] == ["wales"]


# --- rules show -------------------------------------------------------------------------------


def test_show_resolves_parameters_and_overrides(run_cli: Run) -> None:
    docs = list(yaml.safe_load_all(_ok(run_cli, "rules", "show", "TRN-004", *AS_OF)))
    assert [d["nation"] for d in docs] == ["england", "wales", "scotland", "northern_ireland"]
    scotland = docs[2]
    assert scotland["when"] == {
        "not": {"fact": "imsa_service.vetting_checks", "has": "pvg_protected_adults"}
    }
    assert scotland["parameters"]["vetting_scheme"] == "pvg_protected_adults"
    ind004 = yaml.safe_load(_ok(run_cli, "rules", "show", "IND-004", "--nation", "scotland"))
    assert ind004["effect"] == "exclude" and ind004["waivable"] is True
    assert {"effect", "waivable", "because"} <= set(ind004["overridden"])
    assert ind004["when"]["one_of"] == ["local_authority", "nhs_body"]


def test_show_spells_out_a_derived_sum(run_cli: Run) -> None:
    document = json.loads(
        _ok(run_cli, "rules", "show", "IND-008", "--nation", "wales", "-o", "json", *AS_OF)
    )
    assert document["schema"] == "imsa-eligibility/rule/v1"
    (variant,) = document["variants"]
    when = variant["when"]
    assert when["derived"] == "law_enforcement_income_share"
    assert when["sum"] == "income_share" and when["over"] == "related_organisations"
    assert "policing" in json.dumps(when["where"])  # the named list, written out
    assert "law_enforcement_income_share" in variant["derived"]


def test_show_names_the_day_a_dated_value_changes(run_cli: Run) -> None:
    before = yaml.safe_load(
        _ok(run_cli, "rules", "show", "GAP-002", "--rules", str(GAP), "--as-of", "2026-12-01")
    )
    assert before["when"]["has_any"] == ["policing"]
    assert before["value_changes"] == [
        {
            "on": "2027-04-01",
            "name": "parameter banned_functions",
            "value": ["policing", "prosecution"],
        }
    ]
    after = yaml.safe_load(
        _ok(run_cli, "rules", "show", "GAP-002", "--rules", str(GAP), "--as-of", "2027-04-01")
    )
    assert after["when"]["has_any"] == ["policing", "prosecution"]
    assert "value_changes" not in after


def test_show_refuses_a_nation_the_rule_does_not_cover(run_cli: Run) -> None:
    result = run_cli("rules", "show", "WAL-001", "--nation", "scotland")
    assert result.returncode == 2
    assert "rule WAL-001 does not apply to Scotland: it applies to Wales" in result.stderr
    assert "Traceback" not in result.stderr


# --- rules explain ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["explain", "show"])
def test_an_unknown_rule_id_gets_a_did_you_mean(run_cli: Run, command: str) -> None:
    result = run_cli("rules", command, "IND-08")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "there is no rule 'IND-08'" in result.stderr
    assert "did you mean 'IND-008'?" in result.stderr
    assert f"rules {command} IND-008" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_accepts_an_alias_and_shows_both_examples_decided(run_cli: Run) -> None:
    text = _ok(run_cli, "rules", "explain", "IND-004", *AS_OF, *NATIVE)
    assert "**Triggered:** a council in England, Wales or Northern Ireland" in text
    assert "The native engine reached: triggered in England, Wales and Northern Ireland." in text
    assert "**Clear:**" in text and "The native engine reached: clear in" in text
    scotland = "- Scotland: excludes the organisation; waivable; its own reasons, remedy, source"
    assert scotland in text


def test_explain_says_plainly_when_a_rule_has_no_such_case(run_cli: Run) -> None:
    text = _ok(run_cli, "rules", "explain", "GAP-002", "--rules", str(GAP), *AS_OF, *NATIVE)
    assert "**Triggered:** a police force is excluded in Scotland" in text
    assert "**Clear:** the rule has no case that expects clear" in text
    dated = "Dated values: from 2027-04-01, parameter banned_functions is policing, prosecution."
    assert dated in text


def test_explain_shows_the_verdict_reached_when_a_case_is_wrong(
    run_cli: Run, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(GAP, rules)
    (rules / "tests" / "cases" / "GAP-002.yaml").write_text(
        "rule: GAP-002\ncases:\n  - name: wrong on purpose\n    expect: triggered\n",
        encoding="utf-8",
    )
    text = _ok(run_cli, "rules", "explain", "GAP-002", "--rules", str(rules), *AS_OF, *NATIVE)
    assert (
        "The native engine reached: clear in Scotland, not triggered as the case expects: "
        "this case fails" in text
    )


def test_a_condition_reads_in_plain_words() -> None:
    ind001 = RULESET.rule("IND-001")
    assert ind001 is not None
    variant = RULESET.variant("IND-001", "england")
    assert variant is not None
    names = Names(RULESET.lists, variant.parameters, RULESET.derived, RULESET.labels)
    (line,) = words(ind001.when, names)
    assert line.startswith("the organisation's functions include any of: policing")
    assert line.endswith("(the list law_enforcement_functions)")


# --- rules docs -------------------------------------------------------------------------------


def test_the_markdown_rulebook_is_commonmark_with_every_rule(run_cli: Run) -> None:
    text = _ok(run_cli, "rules", "docs", *AS_OF, *NATIVE)
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings == ["Contents", *(f"{r.id}: {r.title}" for r in RULESET.rules)]
    assert f"sha256 `{RULESET.sha256}`" in text
    assert "has no case that expects" not in text  # every shipped rule has both examples


HOSTILE = "<script>alert(1)</script> *x* | `y`"


def test_rule_texts_are_escaped(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(GAP, rules)
    path = rules / "10-rules.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Policy choice.", json.dumps(HOSTILE)),
        encoding="utf-8",
    )
    page = _ok(run_cli, "rules", "docs", "-o", "html", "--rules", str(rules), *AS_OF, *NATIVE)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = _ok(run_cli, "rules", "docs", "--rules", str(rules), *AS_OF, *NATIVE)
    assert r"\<script\>alert(1)\</script\> \*x\* \| \`y\`" in text


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium found: apt-get install chromium")
def test_a_browser_shows_every_rule_and_no_script(run_cli: Run, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    page = tmp_path / "rulebook.html"
    result = run_cli("rules", "docs", "-o", "html", *AS_OF, *NATIVE, "--output", str(page))
    assert result.returncode == 0, result.stderr
    dom = render(page, tmp_path)
    assert "<script" not in dom
    assert dom.count('<section class="rule"') == len(RULESET.rules)
    for rule in RULESET.rules:
        assert f'href="#{rule.id.lower()}"' in dom
    assert '<html lang="en">' in dom


def test_an_example_dated_by_its_case_says_so(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(GAP, rules)
    with (rules / "tests" / "cases" / "GAP-002.yaml").open("a", encoding="utf-8") as cases:
        cases.write(
            "  - name: a prosecutor is excluded from April 2027\n"
            "    as_of: 2027-04-01\n"
            "    set:\n"
            "      organisation: {functions: [prosecution]}\n"
            "    expect: clear\n"
        )
    text = _ok(run_cli, "rules", "explain", "GAP-002", "--rules", str(rules), *AS_OF, *NATIVE)
    assert "Decided as of 2027-04-01, with the values in force that day." in text
    assert "not clear as the case expects: this case fails" in text
