"""The text report: an assessor's note a charity can read.

For each profile: the outcome, then per nation what triggered, why it matters, the evidence
(file:line) and what to do; what is unknown and which facts to provide; the findings a
panel waived, apart, with who waived them, until when and why; and a count of the rules
that were clear. ``mark`` lets the caller style words (the CLI colours them on a
terminal); the library itself returns plain text.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..decision import Decision, EvidenceItem, Finding, NationDecision
from ..errors import Problem
from ..printable import printable
from ..profile.questions import ask
from ..vocabulary import Effect, Nation, Outcome, Verdict
from .whatif_text import what_if_lines

Mark = Callable[[str, str], str]

MEANING = {
    Outcome.ELIGIBLE: "can employ an IMSA",
    Outcome.ELIGIBLE_WITH_CONDITIONS: "can employ an IMSA once the conditions below are met",
    Outcome.REFER_TO_PANEL: "needs a decision by the accreditation panel",
    Outcome.INCOMPLETE: "cannot be decided yet: some facts are missing",
    Outcome.INELIGIBLE: "cannot employ an IMSA",
}
_TAG = {
    Effect.EXCLUDE: "EXCLUDES",
    Effect.REFER: "REFER",
    Effect.CONDITION: "CONDITION",
    Effect.ADVISE: "ADVICE",
}


def plain(text: str, _style: str) -> str:
    """No styling: the words as they are."""
    return text


def nation_name(nation: str) -> str:
    """``northern_ireland`` -> ``Northern Ireland``."""
    return Nation(nation).label


def _value(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _evidence(item: EvidenceItem) -> str:
    where = f" ({Path(item.file).name}:{item.line})" if item.line else ""
    if item.chain:
        return "control chain: " + " → ".join(name for _, name in item.chain) + where
    if item.checked:
        noun = "organisation" if item.path == "control_chain" else "item"
        listed = "control chain" if item.path == "control_chain" else item.path
        count = f"{item.value:,} {noun}{'s' if item.value != 1 else ''} checked"
        left = f"; {item.omitted:,} more not listed" if item.omitted else ""
        return f"{listed}: {count}{left}{where}"
    if item.path.startswith("derived."):
        name = item.path.removeprefix("derived.").replace("_", " ")
        if item.value is None:
            return f"{name}: cannot be worked out yet, a figure it needs is missing"
        bound = "at least " if item.at_least else ""
        return f"{name}, worked out from the profile = {bound}{_value(item.value)}"
    text = f"{item.path} = {_value(item.value)}{where}"
    if item.missing:
        text += "; missing: " + ", ".join(item.missing)
    return text


def provide(finding: Finding) -> list[tuple[str, int | None]]:
    """The facts ``finding`` needs, each with the line of the profile it belongs near."""
    found = []
    for path in finding.to_provide:
        item = next((e for e in finding.evidence if e.path == path), None)
        found.append((path, item.line if item and item.line else None))
    return found


def asked(path: str, line: int | None = None) -> str:
    """A missing fact as its plain question, with its path (and line) in brackets for
    whoever edits the profile: ``Is ... registered ...? (governance.ico_registered, near
    line 32)``."""
    question = ask(path)
    if question == path:  # a fact without a question (another rule set's): as it was
        return path + (f" (near line {line})" if line else "")
    return f"{question} ({path}, near line {line})" if line else f"{question} ({path})"


def clear_on_independence(result: NationDecision) -> list[Finding]:
    """The independence rules (section 4) that were checked and found clear."""
    return [f for f in result.findings if f.section == 4 and f.verdict is Verdict.CLEAR]


def _waivable(finding: Finding) -> str:
    if finding.effect is not Effect.EXCLUDE:
        return ""
    return ", can be waived by the panel" if finding.waivable else ", cannot be waived"


def _finding(finding: Finding, mark: Mark) -> list[str]:
    if finding.verdict is Verdict.UNKNOWN:
        head = f"    {mark('UNKNOWN', 'unknown')} {finding.rule} {finding.title}"
        lines = [head, f"        Why it matters: {finding.because}"]
        for path, line in provide(finding):
            lines.append(f"        Please provide: {asked(path, line)}")
        return lines
    tag = mark(_TAG[finding.effect], finding.effect)
    lines = [
        f"    {tag} {finding.rule} {finding.title}{_waivable(finding)}",
        f"        Why it matters: {finding.because}",
    ]
    lines += [f"        Evidence: {_evidence(e)}" for e in finding.evidence[:6]]
    if len(finding.evidence) > 6:
        lines.append(f"        ... and {len(finding.evidence) - 6} more facts (see -o json)")
    lines.append(f"        What you can do: {finding.remedy}")
    return lines


def _nation(result: NationDecision, mark: Mark) -> list[str]:
    outcome = mark(result.outcome.label, result.outcome)
    lines = [f"  {nation_name(result.nation)}: {outcome} — {MEANING[result.outcome]}"]
    shown = [
        f
        for f in result.findings
        if f.verdict is not Verdict.CLEAR
        and not (f.effect is Effect.ADVISE and f.verdict is Verdict.UNKNOWN)
    ]
    shown.sort(key=lambda f: (f.verdict is Verdict.UNKNOWN, f.effect.rank))
    waived = [f for f in shown if f.waived]
    for finding in shown:
        if not finding.waived:
            lines += _finding(finding, mark)
    for finding in waived:
        lines += _waived(finding, mark)
    clear = sum(1 for f in result.findings if f.verdict is Verdict.CLEAR)
    summary = f"    {clear} of {len(result.findings)} rules are clear"
    if waived:
        summary += f"; {len(waived)} waived by the panel"
    lines.append(summary + ".")
    reassuring = clear_on_independence(result)
    if reassuring:
        titles = "; ".join(f.title for f in reassuring)
        lines.append(
            f"    Checked and found clear (section 4, the employing organisation): {titles}."
        )
    lines += what_if_lines(result, nation_name(result.nation), mark)
    return lines


def _waived(finding: Finding, mark: Mark) -> list[str]:
    """A finding the panel waived: shown apart, with who waived it, until when, and why."""
    waiver = finding.waiver
    tag = mark("WAIVED", "waived")
    if waiver is None:  # marked waived without the panel's details (not made by panel/)
        return [f"    {tag} {finding.rule} {finding.title} ({_TAG[finding.effect].lower()})"]
    lines = [
        f"    {tag} {finding.rule} {finding.title} ({_TAG[finding.effect].lower()}; waived "
        f"until {waiver.expires.isoformat()}, so it does not count)",
        f"        Why it matters: {finding.because}",
    ]
    lines += [f"        Evidence: {_evidence(e)}" for e in finding.evidence[:6]]
    if len(finding.evidence) > 6:
        lines.append(f"        ... and {len(finding.evidence) - 6} more facts (see -o json)")
    lines += [
        f"        Waived by: {waiver.approved_by} ({waiver.panel}), approved "
        f"{waiver.approved_on.isoformat()}, in force until {waiver.expires.isoformat()} "
        f"({waiver.file}:{waiver.line})",
        f"        Why it was waived: {waiver.justification}",
    ]
    if waiver.conditions:
        lines.append(f"        Conditions: {waiver.conditions}")
    return lines


def _shown(value: Any) -> Any:
    """``value`` with every text from an input made printable (enum words stay as they are)."""
    if isinstance(value, StrEnum):
        return value
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(_shown(v) for v in value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {_shown(k): _shown(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shown(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def render_decision(decision: Decision, mark: Mark = plain) -> str:
    """One decision as an assessor's note.

    Every text that came from a profile or a rule file is made printable first, so that
    nothing in an input can steer the terminal or pass for the report's own style marks.
    """
    decision = _shown(decision)
    outcome = mark(decision.outcome.label.upper(), decision.outcome)
    lines = [
        mark(f"{decision.file}", "file") + f" — {decision.organisation_name} "
        f"({decision.organisation_id})",
        f"  Outcome: {outcome}",
    ]
    lines += [f"  Note: {note}" for note in decision.notes]
    for result in decision.nations:
        lines.append("")
        lines += _nation(result, mark)
    lines += [
        "",
        f"  Rule set {decision.ruleset_id} {decision.ruleset_version} "
        f"(sha256 {decision.ruleset_sha256[:12]}…) · tool {decision.tool_version} · "
        f"as of {decision.as_of.isoformat()} · engine {decision.engine}"
        + (f", verified by {decision.verified_by}" if decision.verified_by else "")
        + (f" · waivers sha256 {decision.waivers_sha256[:12]}…" if decision.waivers_sha256 else ""),
    ]
    return "\n".join(lines) + "\n"


def render_errors(errors: Sequence[Problem], mark: Mark = plain) -> str:
    """Every error, one a line."""
    return "\n".join(mark("error", "error") + f": {e.render()}" for e in errors) + "\n"


def render_text(
    decisions: Sequence[Decision], errors: Sequence[Problem], mark: Mark = plain
) -> str:
    """Every decision, then every error, for people."""
    parts = [render_decision(d, mark) for d in decisions]
    if errors:
        parts.append(render_errors(errors, mark))
    return "\n".join(parts)
