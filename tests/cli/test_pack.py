"""The panel pack: ``check -o markdown|html|csv`` (golden files, escaping, a real browser)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from imsa_eligibility.report import FORMATS, STREAMED
from imsa_eligibility.report.pack import CSV_COLUMNS, cell, md
from tests.browser import CHROMIUM, render
from tests.conftest import EXAMPLES, ROOT, Run, cli_process
from tests.goldens import assert_golden as _golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
GOLDEN = ROOT / "tests" / "golden" / "pack"
WAIVERS = "profiles/waivers-example.yaml"
PACK = {"markdown": "md", "html": "html", "csv": "csv"}
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))

HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script> | * _ `x` &amp; [a](b)'


def _pack(run: Run, fmt: str, *args: str) -> str:
    result = run("check", "profiles/examples", "--waivers", WAIVERS, *AS_OF, *NATIVE, "-o", fmt)
    assert result.returncode == 6, result.stderr
    return result.stdout


def test_the_pack_formats_come_from_the_registry() -> None:
    assert set(PACK) <= set(FORMATS)
    assert not set(PACK) & set(STREAMED)


@pytest.mark.parametrize("fmt", PACK)
def test_the_pack_of_the_examples_matches_its_golden(
    run_cli: Run, update_goldens: bool, fmt: str
) -> None:
    _golden(GOLDEN / f"examples.{PACK[fmt]}", _pack(run_cli, fmt), update_goldens)


@pytest.mark.parametrize("fmt", PACK)
def test_the_pack_is_the_same_bytes_on_two_processes(fmt: str) -> None:
    args = ("check", "profiles/examples", *AS_OF, *NATIVE, "-o", fmt)
    one = cli_process(*args, "--jobs", "1")
    two = cli_process(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 6
    assert one.stdout == two.stdout


def test_the_markdown_pack_is_commonmark_with_every_applicant(run_cli: Run) -> None:
    text = _pack(run_cli, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [t for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    assert len(headings) == len(EXAMPLE_FILES)
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == len(EXAMPLE_FILES) + 1  # the header row, then one per applicant


def test_the_csv_pack_parses_back(run_cli: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(_pack(run_cli, "csv"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    decided = {(r["file"], r["nation"]) for r in rows}
    assert len(decided) == len(rows)
    assert {Path(r["file"]).name for r in rows} == {p.name for p in EXAMPLE_FILES}
    police = next(r for r in rows if r["organisation_id"] == "northshire-police")
    assert police["outcome"] == "ineligible"
    assert "IND-001" in police["triggered"].split(" ")
    waived = [r for r in rows if r["waived"]]
    assert waived and all(
        re.fullmatch(r"[A-Z]+-\d{3}( [A-Z]+-\d{3})*", r["waived"]) for r in waived
    )


def test_the_csv_pack_ends_lines_as_rfc_4180_says(run_cli: Run) -> None:
    text = _pack(run_cli, "csv")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")


# --- hostile values -----------------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The police force example, renamed to a name that is markup, a formula and Markdown."""
    data = yaml.safe_load((EXAMPLES / "police-force.yaml").read_text(encoding="utf-8"))
    data["organisation"]["name"] = HOSTILE
    data["organisation"]["id"] = "hostile-org"
    path = tmp_path / "hostile|*_.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _hostile(run: Run, path: Path, fmt: str) -> str:
    result = run("check", str(path), *AS_OF, *NATIVE, "-o", fmt)
    assert result.returncode == 6, result.stderr
    return result.stdout


def test_markdown_escapes_every_hostile_value(run_cli: Run, hostile: Path) -> None:
    text = _hostile(run_cli, hostile, "markdown")
    assert "<script>" not in text
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    shown = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    shown = shown.replace('"', "&quot;")
    assert f"— {shown} (hostile-org)</h2>" in html  # as text: no emphasis, code or link
    assert f"<td>{shown} (hostile-org)</td>" in html
    table = text.split("\n\n")[2].splitlines()
    assert {line.count("|") - line.count("\\|") for line in table} == {
        len(table[0].split(" | ")) + 1
    }
    assert "&amp;amp;" in html  # the text "&amp;" shown as written, not as "&"


def test_html_escapes_every_hostile_value(run_cli: Run, hostile: Path) -> None:
    page = _hostile(run_cli, hostile, "html")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp;amp;" in page


def test_csv_defuses_formulas(run_cli: Run, hostile: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_hostile(run_cli, hostile, "csv"), newline="")))
    assert rows and all(r["organisation_name"] == "'" + HOSTILE for r in rows)
    assert cell("+1") == "'+1" and cell("-1") == "'-1" and cell("@x") == "'@x"
    assert cell("a=b") == "a=b"


def test_markdown_escape_keeps_the_text() -> None:
    value = "a|b*c_d`e<f>[g](h)\\i&amp;j#k!l~m **n** _o_"
    rendered = MarkdownIt("commonmark").render(md(value))
    shown = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert rendered == f"<p>{shown}</p>\n"


# --- a real browser --------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium found: apt-get install chromium")
def test_a_browser_shows_every_applicant_and_no_script(
    run_cli: Run, hostile: Path, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    folder = tmp_path / "batch"
    shutil.copytree(EXAMPLES, folder)
    shutil.copy(hostile, folder / "zz-hostile.yaml")
    page = tmp_path / "pack.html"
    result = run_cli("check", str(folder), *AS_OF, *NATIVE, "-o", "html", "--output", str(page))
    assert result.returncode == 6, result.stderr
    dom = render(page, tmp_path)
    assert "<script" not in dom
    assert dom.count("<section") == len(EXAMPLE_FILES) + 1
    for path in EXAMPLE_FILES:
        assert f"{path.name}</p>" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
