"""The letter (``check -o letter``): a decision in plain words, addressed to the organisation.

For a small charity's volunteer rather than an assessor. Per nation: what was decided, and
why (the rules' titles and reasons, and what the profile said, as questions and answers);
a numbered list of what to do (the remedies, then each missing fact as its question, then
advice); what would make the organisation eligible (when ``check --what-if`` found
changes); and what was checked and found clear on independence. No rule ids, verdicts or
effects: those are for the other formats.

A letter is CommonMark. Every text from a profile or a rule file is made printable and
escaped, so a name such as ``<b>*Trust*</b>`` shows exactly as written. Several decisions
give one letter after another, each opening with its own ``#`` heading, separated by a
thematic break (``---``); the errors come last, under their own heading. Each letter is a
function of its decision alone, so letters stream like the text report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..decision import Decision, EvidenceItem, Finding, NationDecision
from ..errors import Problem
from ..printable import printable
from ..profile.questions import ask, describe, question
from ..vocabulary import Effect, Outcome, Verdict
from .pack import md
from .stream import ReportWriter
from .text import _shown, clear_on_independence, nation_name, provide
from .whatif_text import sentence

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: What each outcome means for the organisation, in the nation named.
DECIDED = {
    Outcome.ELIGIBLE: "You can employ an IMSA in {nation}. Nothing we checked stands in the way.",
    Outcome.ELIGIBLE_WITH_CONDITIONS: (
        "You can employ an IMSA in {nation} once you have done what is listed under "
        "“What to do” below."
    ),
    Outcome.REFER_TO_PANEL: (
        "The accreditation panel needs to look at your case before you can employ an IMSA in "
        "{nation}. This is not a refusal: the panel weighs the points below."
    ),
    Outcome.INCOMPLETE: (
        "We cannot decide for {nation} yet, because some answers are missing from your form. "
        "Answer the questions under “What to do”, then check again."
    ),
    Outcome.INELIGIBLE: "Your organisation cannot employ an IMSA in {nation}.",
}

#: The outcome in a few words, for the summary at the top.
SHORT = {
    Outcome.ELIGIBLE: "you can employ an IMSA",
    Outcome.ELIGIBLE_WITH_CONDITIONS: "you can employ an IMSA, once you meet some conditions",
    Outcome.REFER_TO_PANEL: "the accreditation panel needs to look at your case",
    Outcome.INCOMPLETE: "not decided yet, as some answers are missing",
    Outcome.INELIGIBLE: "you cannot employ an IMSA",
}

#: How a finding that counts is introduced under "Why", by its effect.
_WHY = {
    Effect.EXCLUDE: "this rules you out",
    Effect.REFER: "for the panel to weigh",
    Effect.CONDITION: "a condition you must meet",
}

SEPARATOR = "\n---\n\n"


def long_date(day: dt.date) -> str:
    """``2026-11-28`` -> ``28 November 2026`` (the same words whatever the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _sentence(text: str) -> str:
    """``text`` with a full stop at the end, unless it has one (or a ? or !)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _share(value: Any) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    return str(value)


def _told(item: EvidenceItem) -> str | None:
    """One fact a finding rests on, as the question and the answer the form gave."""
    if item.checked:
        return None  # a count of the items checked: nothing the organisation said
    if item.chain:
        names = " → ".join(md(name) for _, name in item.chain)
        return f"Who owns or controls you, step by step: {names}"
    if item.path.startswith("derived."):
        name = item.path.removeprefix("derived.").replace("_", " ")
        if item.value is None:
            return f"Your {md(name)} cannot be worked out yet: a figure it needs is missing"
        value = _share(item.value) if name.endswith("share") else str(item.value)
        bound = "at least " if item.at_least else ""
        return f"Your {md(name)}, worked out from your answers: {bound}{md(value)}"
    if question(item.path) is None:
        return None
    answer = describe(item.path, item.value)
    text = f"{md(ask(item.path))} You answered: {md(answer)}"
    if item.missing:
        missing = describe(item.path, list(item.missing))
        text += f" (missing: {md(missing)})"
    if item.line:
        text += f" — line {item.line} of your form"
    return text


def _why(finding: Finding) -> list[str]:
    head = _WHY.get(finding.effect, "to consider")
    lines = [f"- **{md(finding.title)}** ({head}). {md(_sentence(finding.because))}"]
    told = [t for t in (_told(e) for e in finding.evidence[:6]) if t]
    if told:
        lines.append("  What your form says:")
        lines += [f"  - {_sentence(t)}" for t in told]
    return lines


def _counted(result: NationDecision) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """The findings that count and triggered (most severe first), the unknown ones that
    count, and the advice that triggered."""
    triggered = sorted(
        (f for f in result.findings if f.verdict is Verdict.TRIGGERED and f.counts),
        key=lambda f: f.effect.rank,
    )
    unknown = [f for f in result.findings if f.verdict is Verdict.UNKNOWN and f.counts]
    advice = [
        f
        for f in result.findings
        if f.verdict is Verdict.TRIGGERED and f.effect is Effect.ADVISE and not f.waived
    ]
    return triggered, unknown, advice


def _todo(triggered: list[Finding], unknown: list[Finding], advice: list[Finding]) -> list[str]:
    """The numbered list of what to do: remedies, missing answers, then advice."""
    items: list[str] = []
    for finding in triggered:
        items.append(f"**{md(finding.title)}:** {md(_sentence(finding.remedy))}")
    asked: dict[str, tuple[int | None, list[str]]] = {}
    for finding in unknown:
        for path, line in provide(finding):
            known = asked.setdefault(path, (line, []))
            if finding.title not in known[1]:
                known[1].append(finding.title)
    for path, (line, titles) in asked.items():
        where = f"`{path}`" + (f", near line {line}" if line else "")
        needed = "; ".join(md(t) for t in titles)
        items.append(
            f"**Answer this question:** {md(ask(path))} (In your form: {where}. We need it "
            f"to check: {needed}.)"
        )
    for finding in advice:
        items.append(
            f"**{md(finding.title)}** (advice; it does not change the decision): "
            f"{md(_sentence(finding.remedy))}"
        )
    return [f"{n}. {item}" for n, item in enumerate(items, 1)]


def _waived(result: NationDecision) -> list[str]:
    lines = []
    for finding in result.findings:
        if not finding.waived:
            continue
        until = f" until {long_date(finding.waiver.expires)}" if finding.waiver else ""
        text = f"- **{md(finding.title)}:** the accreditation panel has set this aside{until}"
        text += "."
        if finding.waiver and finding.waiver.conditions:
            text += f" The panel's conditions: {md(_sentence(finding.waiver.conditions))}"
        lines.append(text)
    return lines


def _what_if(result: NationDecision, nation: str) -> list[str]:
    """What would make the organisation eligible (or better), when it was asked for."""
    if result.what_if is None or result.outcome is Outcome.ELIGIBLE:
        return []
    lines = ["### What would change the decision", ""]
    if not result.what_if:
        lines += [
            "We looked for up to three changes you could make yourself that would give a "
            f"better result in {md(nation)}, and found none.",
            "",
        ]
        return lines
    lines += [
        "We tried these changes on a copy of your form and decided again; each would give a "
        "better result:",
        "",
    ]
    lines += [f"- {md(sentence(s, nation))}" for s in result.what_if]
    return [*lines, ""]


def _clear(result: NationDecision, before: dict[tuple[str, ...], str]) -> list[str]:
    """The independence checks found clear. What an earlier nation's list (in ``before``,
    by their titles) already said is not repeated: only what is new."""
    found = clear_on_independence(result)
    if not found:
        return []
    titles = tuple(f.title for f in found)
    lines = ["### What we checked and found clear", ""]
    earlier = next((t for t in before if set(t) <= set(titles)), None)
    before.setdefault(titles, nation_name(result.nation))
    if earlier is None:
        lines += [
            "We checked your organisation as an employer of IMSAs (its independence, and "
            "what an employer must have in place), and none of these stands in your way:",
            "",
        ]
        lines += [f"- {md(title)}" for title in titles]
        return [*lines, ""]
    same = f"The same checks as for {md(before[earlier])}"
    extra = [title for title in titles if title not in earlier]
    if not extra:
        return [*lines, f"{same} found nothing standing in your way.", ""]
    lines += [f"{same}, and these as well, found nothing standing in your way:", ""]
    lines += [f"- {md(title)}" for title in extra]
    return [*lines, ""]


def _nation(result: NationDecision, cleared: dict[tuple[str, ...], str]) -> list[str]:
    nation = nation_name(result.nation)
    lines = [f"## {md(nation)}: {md(SHORT[result.outcome])}", ""]
    lines += [md(DECIDED[result.outcome].format(nation=nation)), ""]
    triggered, unknown, advice = _counted(result)
    if triggered or unknown:
        lines += ["### Why", ""]
        for finding in triggered:
            lines += _why(finding)
        for finding in unknown:
            lines.append(
                f"- **{md(finding.title)}** (we could not check this: an answer is missing). "
                f"{md(_sentence(finding.because))}"
            )
        lines.append("")
    waived = _waived(result)
    if waived:
        lines += ["### Set aside by the accreditation panel", "", *waived, ""]
    todo = _todo(triggered, unknown, advice)
    if todo:
        lines += ["### What to do", "", *todo, ""]
    lines += _what_if(result, nation)
    lines += _clear(result, cleared)
    return lines


def render_letter(decision: Decision) -> str:
    """One decision as a letter to the organisation (CommonMark)."""
    decision = _shown(decision)
    name = md(decision.organisation_name)
    nations = [nation_name(r.nation) for r in decision.nations]
    lines = [
        f"# IMSA eligibility: a letter for {name}",
        "",
        f"Dear {name},",
        "",
        "This letter says whether your organisation could employ an Independent Modern "
        "Slavery Advocate (IMSA), nation by nation, why, and what you can do next. It is "
        "based on the answers in your form "
        f"(`{printable(decision.file)}`) and the rules as they stand on "
        f"{long_date(decision.as_of)}. It is a check you make yourself: the accreditation "
        "panel makes the final decision.",
        "",
    ]
    lines += [f"Please note: {md(_sentence(note))}" for note in decision.notes]
    if decision.notes:
        lines.append("")
    if len(nations) > 1:
        lines += ["**In short:**", ""]
        lines += [
            f"- {md(nation_name(r.nation))}: {md(SHORT[r.outcome])}" for r in decision.nations
        ]
        lines.append("")
    cleared: dict[tuple[str, ...], str] = {}
    for result in decision.nations:
        lines += _nation(result, cleared)
    lines += [
        "With best wishes,",
        "",
        "The IMSA eligibility checker",
        "",
        f"*Checked with the rule set “{md(decision.ruleset_id)}” version "
        f"{md(decision.ruleset_version)}, as of {long_date(decision.as_of)}; tool "
        f"{md(decision.tool_version)}. Keep this line if you ask about the result.*",
    ]
    return "\n".join(lines) + "\n"


def render_problems(errors: Sequence[Problem]) -> str:
    """The files that could not be read, for the end of the letters."""
    lines = [
        "# Forms we could not read",
        "",
        "Put these right and check again (each says the file, line and column):",
        "",
    ]
    lines += [f"- {md(printable(e.render()))}" for e in errors]
    return "\n".join(lines) + "\n"


class LetterWriter(ReportWriter):
    """One letter per decision, one after another, then the problems (if any)."""

    separator = SEPARATOR

    def begin(self) -> str:
        """Nothing: each letter has its own heading."""
        return ""

    def piece(self, decision: Decision) -> str:
        """The letter for one decision."""
        return render_letter(decision)

    def end(self, errors: Sequence[Problem]) -> str:
        """The files that could not be read, after a separator."""
        if not errors:
            return ""
        return (SEPARATOR if self.written else "") + render_problems(errors)
