"""The panel pack: a whole batch for an accreditation panel, as Markdown, HTML or CSV.

A pack opens with a summary of every applicant (file, organisation, outcome per nation,
triggered rules), so it cannot be written before the last decision is made: a
:class:`PackWriter` keeps the batch **in memory** and writes everything at :meth:`end`.
Its :meth:`~PackWriter.piece` is still a function of one decision alone (a JSON document
of what the pack shows of it), so pieces can be rendered on worker processes and the pack
is the same bytes whatever the number of jobs.

Every value from a profile, a rule or a waivers file is escaped for its format: backslash
escapes in Markdown, HTML escaping (jinja2's autoescape) in HTML, and in CSV a cell that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..decision import Decision, Finding
from ..errors import Problem
from ..printable import printable
from ..vocabulary import Effect, Nation, Verdict
from .stream import ReportWriter
from .text import _TAG, MEANING, _evidence, _shown, asked, nation_name, provide

TEMPLATES = Path(__file__).with_name("templates")
_NATIONS = [n.value for n in Nation]


def _tag(finding: Finding) -> str:
    if finding.waived:
        return "WAIVED"
    if finding.verdict is Verdict.UNKNOWN:
        return "UNKNOWN"
    return _TAG[finding.effect]


def _finding(finding: Finding) -> dict[str, Any]:
    waiver = finding.waiver
    shown: dict[str, Any] = {
        "tag": _tag(finding),
        "rule": finding.rule,
        "title": finding.title,
        "effect": str(finding.effect),
        "verdict": str(finding.verdict),
        "because": finding.because,
        "remedy": finding.remedy,
        "source": finding.source,
        "evidence": [_evidence(e) for e in finding.evidence],
        "to_provide": list(finding.to_provide),
        "provide": [asked(path, line) for path, line in provide(finding)],
        "waiver": None,
    }
    if waiver is not None:
        shown["waiver"] = {
            "by": f"{waiver.approved_by} ({waiver.panel}), approved "
            f"{waiver.approved_on.isoformat()}, in force until {waiver.expires.isoformat()} "
            f"({waiver.file}:{waiver.line})",
            "why": waiver.justification,
            "conditions": waiver.conditions or "",
        }
    return shown


def _counts(finding: Finding) -> bool:
    """Whether an unknown finding is one the text report shows (advice never counts)."""
    return finding.effect is not Effect.ADVISE


def view(decision: Decision) -> dict[str, Any]:
    """What a pack shows of one decision, as plain JSON-able data (texts made printable)."""
    decision = _shown(decision)
    nations: list[dict[str, Any]] = []
    for result in decision.nations:
        shown = [
            f
            for f in result.findings
            if f.verdict is not Verdict.CLEAR
            and not (f.effect is Effect.ADVISE and f.verdict is Verdict.UNKNOWN)
        ]
        shown.sort(key=lambda f: (f.waived, f.verdict is Verdict.UNKNOWN, f.effect.rank))
        nations.append(
            {
                "nation": str(result.nation),
                "name": nation_name(result.nation),
                "outcome": str(result.outcome),
                "label": result.outcome.label,
                "meaning": MEANING[result.outcome],
                "findings": [_finding(f) for f in shown],
                "clear": sum(1 for f in result.findings if f.verdict is Verdict.CLEAR),
                "total": len(result.findings),
                "triggered": [
                    f.rule
                    for f in result.findings
                    if f.verdict is Verdict.TRIGGERED and not f.waived
                ],
                "unknown": [
                    f.rule for f in result.findings if f.verdict is Verdict.UNKNOWN and _counts(f)
                ],
                "waived": [f.rule for f in result.findings if f.waived],
                "to_provide": list(result.to_provide),
            }
        )
    triggered: list[str] = []
    for nation in nations:
        triggered += [r for r in nation["triggered"] if r not in triggered]
    footer = (
        f"Rule set {decision.ruleset_id} {decision.ruleset_version} "
        f"(sha256 {decision.ruleset_sha256[:12]}…) · tool {decision.tool_version} · "
        f"as of {decision.as_of.isoformat()} · engine {decision.engine}"
        + (f", verified by {decision.verified_by}" if decision.verified_by else "")
        + (f" · waivers sha256 {decision.waivers_sha256[:12]}…" if decision.waivers_sha256 else "")
    )
    return {
        "file": decision.file,
        "id": decision.organisation_id,
        "name": decision.organisation_name,
        "outcome": str(decision.outcome),
        "label": decision.outcome.label,
        "notes": list(decision.notes),
        "nations": nations,
        "triggered": triggered,
        "footer": footer,
    }


def _error(problem: Problem) -> str:
    return printable(problem.render())


class PackWriter(ReportWriter):
    """Keeps every decision's view, and writes the whole pack at :meth:`end`."""

    def __init__(self) -> None:
        super().__init__()
        self.views: list[dict[str, Any]] = []

    def begin(self) -> str:
        """Nothing yet: the summary needs every decision."""
        return ""

    def piece(self, decision: Decision) -> str:
        """The decision's view, as JSON (rendered on its own, on any process)."""
        return json.dumps(view(decision), ensure_ascii=False)

    def add(self, piece: str) -> str:
        """Keep ``piece`` for the end; nothing is written yet."""
        self.written += 1
        self.views.append(json.loads(piece))
        return ""

    def end(self, errors: Sequence[Problem]) -> str:
        """The whole pack."""
        return self.compose(self.views, [_error(e) for e in errors])

    def compose(self, views: list[dict[str, Any]], errors: list[str]) -> str:
        raise NotImplementedError


def _columns(views: list[dict[str, Any]]) -> list[str]:
    """The nations decided for any applicant, in report order."""
    decided = {n["nation"] for v in views for n in v["nations"]}
    return [n for n in _NATIONS if n in decided]


def _outcomes(view: dict[str, Any], columns: list[str]) -> list[str]:
    by = {n["nation"]: n["label"] for n in view["nations"]}
    return [by.get(nation, "not decided") for nation in columns]


# --- Markdown ---------------------------------------------------------------------------------

# Values only ever appear inside a line (never at its start), so the characters that open a
# block (``-``, ``+``, ``1.``) need no escape; those that act inside a line all get one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")


def md(text: str) -> str:
    """``text`` as literal CommonMark inline text: every special character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


class MarkdownWriter(PackWriter):
    """The pack as CommonMark: a summary table, then each applicant as in the text report."""

    def compose(self, views: list[dict[str, Any]], errors: list[str]) -> str:
        columns = _columns(views)
        heads = ["File", "Organisation", *(nation_name(n) for n in columns), "Triggered rules"]
        lines = ["# IMSA eligibility: panel pack", ""]
        lines.append(f"{len(views)} applicant{'s' if len(views) != 1 else ''}.")
        lines.append("")
        if views:
            lines.append("| " + " | ".join(heads) + " |")
            lines.append("|" + "---|" * len(heads))
            for v in views:
                cells = [
                    md(v["file"]),
                    f"{md(v['name'])} ({md(v['id'])})",
                    *(md(o) for o in _outcomes(v, columns)),
                    md(" ".join(v["triggered"])) or "none",
                ]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        for v in views:
            lines += self._applicant(v)
        if errors:
            lines += ["## Errors", ""]
            lines += [f"- {md(e)}" for e in errors]
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"

    def _applicant(self, v: dict[str, Any]) -> list[str]:
        lines = [
            f"## {md(v['file'])} — {md(v['name'])} ({md(v['id'])})",
            "",
            f"**Outcome: {md(v['label'].upper())}**",
            "",
        ]
        lines += [f"- Note: {md(note)}" for note in v["notes"]]
        if v["notes"]:
            lines.append("")
        for n in v["nations"]:
            lines += [f"### {md(n['name'])}: {md(n['label'])} — {md(n['meaning'])}", ""]
            for f in n["findings"]:
                lines += self._finding(f)
            summary = f"{n['clear']} of {n['total']} rules are clear"
            if n["waived"]:
                summary += f"; {len(n['waived'])} waived by the panel"
            lines += [md(summary + "."), ""]
        lines += [f"*{md(v['footer'])}*", ""]
        return lines

    def _finding(self, f: dict[str, Any]) -> list[str]:
        lines = [f"- **{f['tag']}** {md(f['rule'])} {md(f['title'])}"]
        lines.append(f"  - Why it matters: {md(f['because'])}")
        if f["verdict"] == "unknown":
            lines += [f"  - Please provide: {md(p)}" for p in f["provide"]]
        else:
            lines += [f"  - Evidence: {md(e)}" for e in f["evidence"]]
            lines.append(f"  - What you can do: {md(f['remedy'])}")
        if f["waiver"]:
            lines.append(f"  - Waived by: {md(f['waiver']['by'])}")
            lines.append(f"  - Why it was waived: {md(f['waiver']['why'])}")
            if f["waiver"]["conditions"]:
                lines.append(f"  - Conditions: {md(f['waiver']['conditions'])}")
        lines.append(f"  - Source: {md(f['source'])}")
        lines.append("")
        return lines


# --- HTML -------------------------------------------------------------------------------------


class HtmlWriter(PackWriter):
    """The pack as one self-contained HTML page (jinja2, autoescaped; no script, no fetch)."""

    def compose(self, views: list[dict[str, Any]], errors: list[str]) -> str:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        columns = _columns(views)
        rows = [(v, _outcomes_with_keys(v, columns)) for v in views]
        return environment.get_template("pack.html.j2").render(
            views=views,
            rows=rows,
            columns=[(n, nation_name(n)) for n in columns],
            errors=errors,
        )


def _outcomes_with_keys(view: dict[str, Any], columns: list[str]) -> list[tuple[str, str]]:
    by = {n["nation"]: (n["outcome"], n["label"]) for n in view["nations"]}
    return [by.get(nation, ("none", "not decided")) for nation in columns]


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "file",
    "organisation_id",
    "organisation_name",
    "nation",
    "outcome",
    "triggered",
    "unknown",
    "waived",
    "to_provide",
    "error",
)


def cell(value: str) -> str:
    """``value`` safe for a spreadsheet: one that would be read as a formula gets a ``'``."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class CsvWriter(PackWriter):
    """The pack as RFC 4180 CSV: one row per organisation and nation, then one per error."""

    def compose(self, views: list[dict[str, Any]], errors: list[str]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for v in views:
            for n in v["nations"]:
                row = [
                    v["file"],
                    v["id"],
                    v["name"],
                    n["nation"],
                    n["outcome"],
                    " ".join(n["triggered"]),
                    " ".join(n["unknown"]),
                    " ".join(n["waived"]),
                    " ".join(n["to_provide"]),
                    "",
                ]
                writer.writerow([cell(c) for c in row])
        for error in errors:
            writer.writerow([cell(c) for c in ["", "", "", "", "error", "", "", "", "", error]])
        return out.getvalue()
