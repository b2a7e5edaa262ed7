"""The diff of two rule sets for people: text (``rules diff``) and Markdown (a change request).

Both show the rule changes first, then the decisions that move, grouped by flip: one
group per nation, outcome before and after, and rules whose verdicts changed, with the
applicants in it ("3 applicants move from eligible to refer to panel in Scotland because
of IND-008"). Same diff, same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..printable import printable
from ..vocabulary import Nation, Outcome, Verdict
from .impact import ADDED, CHANGED, REMOVED, Diff, Flip, RuleChange, Side, VerdictChange

Mark = Callable[[str, str], str]


def _plain(text: str, _style: str) -> str:
    return text


@dataclass(frozen=True)
class Group:
    """The flips that are the same move: nation, outcomes, and verdict changes."""

    nation: Nation
    before: Outcome
    after: Outcome
    rules: tuple[VerdictChange, ...]
    flips: tuple[Flip, ...]


def groups(flips: tuple[Flip, ...]) -> list[Group]:
    """The flips grouped by move: those whose outcome moves first, then those where only
    verdicts do; each in nation order, then by outcome (most severe first)."""
    found: dict[tuple[Nation, Outcome, Outcome, tuple[VerdictChange, ...]], list[Flip]] = {}
    for flip in flips:
        found.setdefault((flip.nation, flip.before, flip.after, flip.rules), []).append(flip)
    ordered = sorted(
        found.items(),
        key=lambda item: (
            item[0][1] == item[0][2],  # outcomes that move first, then verdicts alone
            item[0][0].rank,
            item[0][1].severity,
            item[0][2].severity,
            [(r.rule, _verdict(r.before), _verdict(r.after)) for r in item[0][3]],
        ),
    )
    return [
        Group(n, b, a, r, tuple(sorted(fs, key=lambda f: f.key))) for (n, b, a, r), fs in ordered
    ]


def _verdict(verdict: Verdict | None) -> str:
    return verdict.value if verdict is not None else "does not apply"


def _because(rules: tuple[VerdictChange, ...]) -> str:
    parts = [f"{r.rule} ({_verdict(r.before)} → {_verdict(r.after)})" for r in rules]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def headline(group: Group, changes: tuple[RuleChange, ...] = ()) -> str:
    """What the group's applicants go through, in one sentence (no full stop).

    A move with no verdict changed comes from a rule whose effect changed: ``changes``
    (the diff's rule changes) name it.
    """
    count = len(group.flips)
    who = f"{count} applicant{'s' if count != 1 else ''}"
    where = group.nation.label
    if group.before == group.after:
        stay = "stay" if count != 1 else "stays"
        return f"{who} {stay} {group.before.label} in {where}; verdicts change: " + _because(
            group.rules
        )
    verb = "move" if count != 1 else "moves"
    move = f"{verb} from {group.before.label} to {group.after.label}"
    if group.rules:
        return f"{who} {move} in {where} because of {_because(group.rules)}"
    effects = sorted(
        {c.rule for c in changes if group.nation in c.nations and "effect" in c.fields}
    )
    if not effects:
        return f"{who} {move} in {where}"
    return (
        f"{who} {move} in {where} because the effect of {', '.join(effects)} changed "
        "(no verdict changed)"
    )


def _nations(nations: tuple[Nation, ...]) -> str:
    if set(nations) == set(Nation):
        return "all nations"
    return ", ".join(n.label for n in nations) or "no nation"


def _side(side: Side) -> str:
    return (
        f"{printable(side.id)} {printable(side.version)} (sha256 {side.sha256[:12]}…) as of "
        f"{side.as_of}"
    )


def _counts(diff: Diff) -> tuple[int, int, int]:
    def count(kind: str) -> int:
        return len({c.rule for c in diff.rules if c.change == kind})

    return count(ADDED), count(REMOVED), count(CHANGED)


def diff_text(diff: Diff, mark: Mark = _plain) -> str:
    """The diff as text for people: rule changes, then the flips grouped by move."""
    lines = [f"Old rules: {_side(diff.old)}", f"New rules: {_side(diff.new)}", ""]
    added, removed, changed = _counts(diff)
    if not diff.rules:
        lines.append("Rule changes: none (every rule reads the same in every nation)")
    else:
        lines.append(
            f"Rule changes: {added + removed + changed} rule(s): {added} added, "
            f"{removed} removed, {changed} changed"
        )
    for change in diff.rules:
        lines.append(
            f"  {mark(change.change.upper(), 'file')} {change.rule} {printable(change.title)}"
            f" — {_nations(change.nations)}"
            + (f": {', '.join(change.fields)}" if change.fields else "")
        )
        lines += [f"      {printable(detail)}" for detail in change.details]
    lines.append("")
    lines += _flip_lines(diff, mark)
    return "".join(line + "\n" for line in lines)


def _flip_lines(diff: Diff, mark: Mark) -> list[str]:
    if diff.profiles == 0:
        return ["Decisions: no profiles given (--profiles PATH decides them under both)"]
    moved = len({f.file for f in diff.flips})
    lines = [
        f"Decisions: {diff.profiles} profile(s) decided under both; {len(diff.flips)} "
        f"flip(s) in {moved} profile(s)"
    ]
    if not diff.flips:
        lines.append("  no outcome or verdict changes")
    for group in groups(diff.flips):
        style = group.after.value
        lines.append(f"  {mark(headline(group, diff.rules), style)}")
        lines += [
            f"    {printable(f.file)} — {printable(f.organisation_name)} ({f.organisation_id})"
            for f in group.flips
        ]
    return lines


# --- Markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: one line, pipes and specials escaped."""
    clean = printable(text).replace("\n", " ").replace("\\", "\\\\")
    for special in "|*_`<>[]":
        clean = clean.replace(special, f"\\{special}")
    return clean


def _code(text: str) -> str:
    clean = printable(text).replace("\n", " ").replace("|", "\\|")
    ticks = "``" if "`" in clean else "`"
    return f"{ticks}{clean}{ticks}"


def diff_markdown(diff: Diff) -> str:
    """The diff as a change request: a summary table, then the rule changes and the flips."""
    old, new = diff.old, diff.new
    added, removed, changed = _counts(diff)
    out = [
        f"# Rule change: {_cell(old.id)} {_cell(old.version)} → {_cell(new.id)} "
        f"{_cell(new.version)}",
        "",
        "| | old | new |",
        "|---|---|---|",
        f"| rule set | {_code(old.id)} {_cell(old.version)} | "
        f"{_code(new.id)} {_cell(new.version)} |",
        f"| sha256 | {_code(old.sha256)} | {_code(new.sha256)} |",
        f"| as of | {old.as_of} | {new.as_of} |",
        "",
        "## Summary",
        "",
        "| | count |",
        "|---|---:|",
        f"| rules added | {added} |",
        f"| rules removed | {removed} |",
        f"| rules changed | {changed} |",
        f"| profiles decided | {diff.profiles} |",
        f"| profiles with a flip | {len({f.file for f in diff.flips})} |",
        f"| flips (profile and nation) | {len(diff.flips)} |",
        "",
    ]
    moves = groups(diff.flips)
    if moves:
        out += [
            "| nation | before | after | verdicts that changed | applicants |",
            "|---|---|---|---|---:|",
        ]
        out += [
            f"| {g.nation.label} | {g.before.label} | {g.after.label} | "
            f"{_cell(_because(g.rules)) or '—'} | {len(g.flips)} |"
            for g in moves
        ]
        out.append("")
    out += ["## Rule changes", ""]
    if not diff.rules:
        out += ["None: every rule reads the same in every nation.", ""]
    else:
        out += ["| rule | title | change | nations | what changed |", "|---|---|---|---|---|"]
        out += [
            f"| {c.rule} | {_cell(c.title)} | {c.change} | {_nations(c.nations)} | "
            f"{', '.join(c.fields) or '—'} |"
            for c in diff.rules
        ]
        out.append("")
        out += _details(diff.rules)
    out += ["## Decisions that change", ""]
    if diff.profiles == 0:
        out += ["No profiles were given (`--profiles PATH` decides them under both).", ""]
    elif not moves:
        out += [f"None of the {diff.profiles} profile(s) changes outcome or verdict.", ""]
    for group in moves:
        out += [
            f"### {_cell(headline(group, diff.rules))}",
            "",
            "| file | organisation |",
            "|---|---|",
        ]
        out += [
            f"| {_code(f.file)} | {_cell(f.organisation_name)} ({_code(f.organisation_id)}) |"
            for f in group.flips
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _details(changes: tuple[RuleChange, ...]) -> list[str]:
    out: list[str] = []
    for change in changes:
        if not change.details:
            continue
        out += [f"### {change.rule} ({change.change}, {_nations(change.nations)})", ""]
        out += [f"- {_cell(detail)}" for detail in change.details]
        out.append("")
    return out


__all__ = ["Group", "diff_markdown", "diff_text", "groups", "headline"]
