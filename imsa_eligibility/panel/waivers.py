"""A panel's waivers: reading a waivers file, and applying its waivers to decisions.

A waivers file (``schema_version: 1``) names the panel and lists its waivers: each sets one
rule aside for one organisation, in some nations, for a time, with the panel's reasons.
It is read like a profile (:mod:`imsa_eligibility.source`: safe, bounded, positioned) and
checked against the rule set used before anything is decided: every problem is located
``file:line:col`` and says what to do, and all of a file's problems are reported together.

A waiver is *in force* when ``approved_on <= as_of <= expires``. In force, it applies to a
finding of its organisation, rule and nation whose verdict is ``triggered``: the finding
keeps its verdict, is marked ``waived`` with the waiver's details, and no longer counts
towards the outcome, which is derived again from the findings
(:func:`~imsa_eligibility.decision.reassess`); nothing is decided again. An ``unknown`` or
``clear`` finding is never waived. A waiver not in force is never applied; the CLI reports
it as an error at the waiver (:func:`waiver_problems`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..decision import AppliedWaiver, Decision, Finding, NationDecision, reassess
from ..errors import DocumentError, Problem, WaiverFileError
from ..profile.model import MAX_TEXT, SLUG_PATTERN, UNSAFE_TEXT, is_blank
from ..rules.model import RuleSet
from ..source import Document, PathKey, as_written, parse_text, read_document
from ..suggest import did_you_mean
from ..vocabulary import Nation, Verdict
from .reading import field_problems

__all__ = [
    "MAX_JUSTIFICATION",
    "SCHEMA_VERSION",
    "Waiver",
    "WaiverFileError",
    "WaiverSet",
    "apply_waivers",
    "in_force",
    "load_waivers",
    "load_waivers_text",
    "waiver_problems",
]

SCHEMA_VERSION = 1
MAX_JUSTIFICATION = 2000
"""The most characters a justification or conditions may have: a paragraph, not a file."""

TOP_FIELDS = ("schema_version", "panel", "waivers")
WAIVER_FIELDS = (
    "organisation",
    "rule",
    "nations",
    "justification",
    "approved_by",
    "approved_on",
    "expires",
    "conditions",
)
OPTIONAL_FIELDS = ("nations", "conditions")
_EXAMPLE = "profiles/waivers-example.yaml"
# What each field holds, in the words of the hint that adds it or fills it in.
_WHAT = {
    "schema_version": "1",
    "panel": "the panel's name, such as Wales IMSA accreditation panel",
    "waivers": "the list of waivers, each starting '- organisation: ...' ([] for none)",
    "organisation": "the organisation.id of the profile it waives a rule for",
    "rule": "the id of the rule it waives, such as ORG-001",
    "nations": "the nations it waives the rule in, such as [wales]",
    "justification": "the panel's reasons, in a sentence or two",
    "approved_by": "who approved it for the panel, such as Panel chair",
    "approved_on": "the date the panel approved it, as YYYY-MM-DD",
    "expires": "the last day it is in force, as YYYY-MM-DD",
    "conditions": "what the organisation must do while it is in force",
}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_SLUG = re.compile(SLUG_PATTERN)
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"


@dataclass(frozen=True)
class Waiver:
    """One rule set aside for one organisation, in ``nations``, from ``approved_on`` to
    ``expires`` (both inclusive). ``file`` and ``line`` locate it in its waivers file."""

    organisation: str
    rule: str
    nations: tuple[Nation, ...]
    justification: str
    approved_by: str
    approved_on: dt.date
    expires: dt.date
    conditions: str | None
    file: str
    line: int


@dataclass(frozen=True)
class WaiverSet:
    """A panel's waivers file, read and checked: its waivers in file order, and the sha256
    of its bytes (recorded in every decision it was applied to)."""

    panel: str
    waivers: tuple[Waiver, ...]
    sha256: str
    file: str


def in_force(waiver: Waiver, as_of: dt.date) -> bool:
    """Whether ``waiver`` is in force on ``as_of``: approved by then and not yet expired."""
    return waiver.approved_on <= as_of <= waiver.expires


# --- reading -------------------------------------------------------------------------------


def load_waivers(path: Path, ruleset: RuleSet) -> WaiverSet:
    """Read and check the waivers file at ``path`` against ``ruleset``.

    Raises :class:`~imsa_eligibility.errors.WaiverFileError` (exit 2) with every problem,
    located, when the file cannot be read or is not valid.
    """
    try:
        doc = read_document(path, display=str(path))
    except DocumentError as exc:
        raise WaiverFileError(exc.problems) from None
    return _waiver_set(doc, ruleset)


def load_waivers_text(name: str, raw: bytes, ruleset: RuleSet) -> WaiverSet:
    """Check waivers-file bytes that did not come from a file (a register, tests, tools).

    ``name`` is the file name used in messages and reports (JSON for a ``.json`` name,
    else YAML). Raises :class:`~imsa_eligibility.errors.WaiverFileError` as
    :func:`load_waivers` does.
    """
    try:
        doc = parse_text(name, raw)
    except DocumentError as exc:
        raise WaiverFileError(exc.problems) from None
    return _waiver_set(doc, ruleset)


class _Reader:
    """Checks one document as a waivers file, collecting every problem."""

    def __init__(self, doc: Document, ruleset: RuleSet) -> None:
        self.doc = doc
        self.ruleset = ruleset
        self.problems: list[Problem] = []

    def problem(self, path: PathKey, message: str, hint: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, hint, key=key))

    def fields(
        self,
        path: PathKey,
        data: dict[str, Any],
        allowed: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> None:
        """Unknown fields (with a did-you-mean) and missing required ones."""
        self.problems += field_problems(self.doc, path, data, allowed, optional, _WHAT)

    def text(self, path: PathKey, value: Any, *, limit: int = MAX_TEXT) -> str | None:
        """``value`` as one line of text, or None (with its problem) when it is not."""
        name = str(path[-1])
        if value is None:
            self.problem(path, f"{name} has no value", f"write {_WHAT[name]} after '{name}:'")
            return None
        if isinstance(value, bool | int | float):
            shown = ("true" if value else "false") if isinstance(value, bool) else as_written(value)
            self.problem(
                path,
                f"expected text, not {shown}",
                f'put it in quotes to make it text: {name}: "{shown}"',
            )
            return None
        if not isinstance(value, str):
            self.problem(
                path,
                f"expected text, not {'a list' if isinstance(value, list) else 'a mapping'}",
                f"write {_WHAT[name]} on the same line as '{name}:'",
            )
            return None
        if is_blank(value):
            self.problem(path, f"{name} is empty", f"write {_WHAT[name]} after '{name}:'")
            return None
        if len(value) > limit:
            self.problem(
                path,
                f"{name} is {len(value):,} characters long; the limit is {limit:,}",
                f"write the {name} in at most {limit:,} characters",
            )
            return None
        found = UNSAFE_TEXT.search(value)
        if found is None:
            return value
        char = found.group(0)
        at = f"(character {found.start() + 1} of {len(value)})"
        if char in _LINE_BREAKS:
            self.problem(
                path,
                f"{name} holds a line break {at}",
                f"write the {name} on one line (a long line is fine), or fold it over "
                "several lines with '>-', which joins them with spaces ('|' and '>' keep a "
                "line break)",
            )
        else:
            self.problem(
                path,
                f"{name} holds a control character, U+{ord(char):04X} {at}",
                "delete it: it is invisible in most editors, and usually comes from pasting "
                "text copied from another program",
            )
        return None

    def date(self, path: PathKey, value: Any) -> dt.date | None:
        """``value`` as a date written YYYY-MM-DD, or None (with its problem)."""
        name = str(path[-1])
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                self.problem(
                    path,
                    f"'{value}' is not a date on the calendar ({exc})",
                    f"write a real date as YYYY-MM-DD, such as {name}: "
                    + ("2027-03-31" if name == "expires" else "2026-10-01"),
                )
                return None
        if value is None:
            self.problem(path, f"{name} has no value", f"write {_WHAT[name]} after '{name}:'")
            return None
        shown = repr(value) if isinstance(value, str) else str(as_written(value))
        if isinstance(value, list | dict):
            shown = "a list" if isinstance(value, list) else "a mapping"
        example = "2027-03-31" if name == "expires" else "2026-10-01"
        hint = f"write it as YYYY-MM-DD (year, month, day), such as {name}: {example}"
        day_first = _DAY_FIRST.fullmatch(value) if isinstance(value, str) else None
        if day_first is not None:
            day, month, year = (int(g) for g in day_first.groups())
            hint = f"write it as YYYY-MM-DD (year, month, day): {name}: {year}-{month:02}-{day:02}"
        self.problem(path, f"expected a date as YYYY-MM-DD, not {shown}", hint)
        return None

    def organisation(self, path: PathKey, value: Any) -> str | None:
        text = self.text(path, value)
        if text is None:
            return None
        if not _SLUG.fullmatch(text):
            suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
            example = suggestion if _SLUG.fullmatch(suggestion) else "riverside-housing-trust"
            self.problem(
                path,
                f"'{text}' is not an organisation id",
                "write the profile's organisation.id: 2 to 63 lower-case letters, digits and "
                f"hyphens, such as '{example}'",
            )
            return None
        return text

    def rule(self, path: PathKey, value: Any) -> str | None:
        text = self.text(path, value)
        if text is None:
            return None
        rule = self.ruleset.rule(text)
        if rule is None:
            self.problem(
                path,
                f"unknown rule '{text}' (not in rule set {self.ruleset.id} {self.ruleset.version})",
                did_you_mean(text, [r.id for r in self.ruleset.rules], noun="rule id"),
            )
            return None
        return rule.id

    def waivable_in(self, rule: str) -> tuple[Nation, ...]:
        """The nations where ``rule`` applies and may be waived, in report order."""
        return tuple(
            n for n in Nation if (v := self.ruleset.variant(rule, n)) is not None and v.waivable
        )

    def nations(self, path: PathKey, value: Any, rule: str | None) -> tuple[Nation, ...] | None:
        """The nations named at ``path`` (each once, each where ``rule`` may be waived)."""
        names = [n.value for n in Nation]
        if value is None:
            self.problem(
                path,
                "nations has no value",
                "list the nations, such as [wales], or delete the line to waive the rule in "
                "every nation where it may be waived",
            )
            return None
        if not isinstance(value, list):
            hint = (
                f"put it in square brackets, as a list of one: nations: [{value}]"
                if isinstance(value, str) and value in names
                else "write a list of nations, such as [wales] or [england, wales]"
            )
            self.problem(path, "expected a list of nations", hint)
            return None
        if not value:
            self.problem(
                path,
                "no nation given",
                "name at least one nation, such as [wales], or delete the line to waive the "
                "rule in every nation where it may be waived",
            )
            return None
        out: list[Nation] = []
        ok = True
        for index, item in enumerate(value):
            where = (*path, index)
            if not isinstance(item, str) or item not in names:
                self.problem(
                    where,
                    f"{item!r} is not a nation",
                    did_you_mean(str(item), names, noun="nation"),
                )
                ok = False
                continue
            nation = Nation(item)
            if nation in out:
                self.problem(where, f"nations lists {item} twice", "list each nation once")
                ok = False
                continue
            out.append(nation)
            if rule is not None and not self._waivable(where, rule, nation):
                ok = False
        return tuple(out) if ok else None

    def _waivable(self, path: PathKey, rule: str, nation: Nation) -> bool:
        """Whether ``rule`` may be waived in ``nation``; if not, the problem saying so."""
        variant = self.ruleset.variant(rule, nation)
        if variant is not None and variant.waivable:
            return True
        allowed = self.waivable_in(rule)
        elsewhere = (
            f"it may be waived only in {', '.join(allowed)}: name only those"
            if allowed
            else "it cannot be waived in any nation: delete this waiver"
        )
        if variant is None:
            scope = [n.value for n in Nation if self.ruleset.variant(rule, n) is not None]
            self.problem(
                path,
                f"{rule} does not apply in {nation} (it applies in {', '.join(scope)})",
                f"remove {nation} from nations; {elsewhere}",
            )
        else:
            self.problem(
                path,
                f"{rule} cannot be waived in {nation} (the rule says waivable: false there)",
                f"remove {nation} from nations; {elsewhere}",
            )
        return False

    def waiver(self, index: int, item: Any) -> Waiver | None:
        path: PathKey = ("waivers", index)
        if not isinstance(item, dict):
            self.problem(
                path,
                "a waiver must be a mapping of fields",
                "write its fields indented under '- ', one 'name: value' a line, starting "
                f"'- organisation: ...' (as in {_EXAMPLE})",
            )
            return None
        before = len(self.problems)
        self.fields(path, item, WAIVER_FIELDS, OPTIONAL_FIELDS)
        present = {k: item[k] for k in WAIVER_FIELDS if k in item}
        organisation = (
            self.organisation((*path, "organisation"), present["organisation"])
            if "organisation" in present
            else None
        )
        rule = self.rule((*path, "rule"), present["rule"]) if "rule" in present else None
        if "nations" in present:
            nations = self.nations((*path, "nations"), present["nations"], rule)
        elif rule is not None:
            nations = self.waivable_in(rule)
            if not nations:
                self.problem(
                    (*path, "rule"),
                    f"{rule} cannot be waived in any nation (the rule says waivable: false)",
                    "delete this waiver: the panel cannot set this rule aside",
                )
        else:
            nations = None
        texts = {
            name: self.text((*path, name), present[name], limit=limit)
            for name, limit in (
                ("justification", MAX_JUSTIFICATION),
                ("approved_by", MAX_TEXT),
                ("conditions", MAX_JUSTIFICATION),
            )
            if name in present and not (name == "conditions" and present[name] is None)
        }
        approved_on = (
            self.date((*path, "approved_on"), present["approved_on"])
            if "approved_on" in present
            else None
        )
        expires = (
            self.date((*path, "expires"), present["expires"]) if "expires" in present else None
        )
        if approved_on is not None and expires is not None and expires <= approved_on:
            self.problem(
                (*path, "expires"),
                f"expires ({expires}) is not after approved_on ({approved_on})",
                "write the last day the waiver is in force, after the day the panel "
                "approved it (or correct approved_on)",
            )
        if len(self.problems) > before:
            return None
        assert organisation is not None and rule is not None and nations  # checked above
        assert approved_on is not None and expires is not None
        return Waiver(
            organisation=organisation,
            rule=rule,
            nations=nations,
            justification=str(texts["justification"]),
            approved_by=str(texts["approved_by"]),
            approved_on=approved_on,
            expires=expires,
            conditions=texts.get("conditions"),
            file=self.doc.file,
            line=self.doc.line(path),
        )

    def duplicates(self, waivers: list[tuple[int, Waiver]], data: list[Any]) -> None:
        """Two waivers for the same organisation, rule and nation: the second is refused."""
        first: dict[tuple[str, str, Nation], Waiver] = {}
        for index, waiver in waivers:
            item = data[index]
            for nation in waiver.nations:
                key = (waiver.organisation, waiver.rule, nation)
                earlier = first.setdefault(key, waiver)
                if earlier is waiver:
                    continue
                if "nations" in item:
                    where: PathKey = ("waivers", index, "nations", item["nations"].index(nation))
                else:
                    where = ("waivers", index, "rule")
                self.problem(
                    where,
                    f"a second waiver of {waiver.rule} for {waiver.organisation} in {nation} "
                    f"(the first is at line {earlier.line})",
                    "keep one waiver for each organisation, rule and nation: merge the two, "
                    "or delete one",
                )


def _waiver_set(doc: Document, ruleset: RuleSet) -> WaiverSet:
    """Check a parsed document as a waivers file for ``ruleset``."""
    data = doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise WaiverFileError(
            [
                doc.problem(
                    (),
                    f"a waivers file must be a mapping of fields, not {kind}",
                    "start it with 'schema_version: 1', 'panel:' and 'waivers:' (as in "
                    f"{_EXAMPLE})",
                )
            ]
        )
    reader = _Reader(doc, ruleset)
    reader.fields((), data, TOP_FIELDS, ())
    if "schema_version" in data:
        version = data["schema_version"]
        if (
            isinstance(version, bool)
            or not isinstance(version, int | float)
            or version != SCHEMA_VERSION
        ):
            shown = repr(version) if isinstance(version, str) else as_written(version)
            reader.problem(
                ("schema_version",),
                f"unsupported schema_version {shown}",
                "write 'schema_version: 1': this version of the tool reads waivers files of "
                "schema_version 1",
            )
        elif not isinstance(version, int):
            reader.problem(
                ("schema_version",),
                f"schema_version must be the whole number 1, not {as_written(version)}",
                "write 'schema_version: 1'",
            )
    panel = reader.text(("panel",), data["panel"]) if "panel" in data else None
    waivers: list[tuple[int, Waiver]] = []
    items = data.get("waivers", [])
    if items is None:
        reader.problem(
            ("waivers",),
            "waivers has no value",
            "list the waivers under 'waivers:', each starting '- organisation: ...', or "
            "write [] for none",
        )
    elif not isinstance(items, list):
        reader.problem(
            ("waivers",),
            "expected a list of waivers",
            "write each waiver under 'waivers:' as a list item starting '- organisation: ...'",
        )
    else:
        for index, item in enumerate(items):
            waiver = reader.waiver(index, item)
            if waiver is not None:
                waivers.append((index, waiver))
        reader.duplicates(waivers, items)
    if reader.problems or panel is None:
        raise WaiverFileError(reader.problems)
    return WaiverSet(panel, tuple(w for _, w in waivers), doc.sha256, doc.file)


# --- dates ---------------------------------------------------------------------------------


def waiver_problems(waivers: WaiverSet, as_of: dt.date) -> list[Problem]:
    """The waivers of ``waivers`` that are not in force on ``as_of``, each as a problem
    located at its waiver: expired, or approved after ``as_of``. Such a waiver is never
    applied; the decisions are made without it."""
    out: list[Problem] = []
    for index, waiver in enumerate(waivers.waivers):
        if in_force(waiver, as_of):
            continue
        what = f"the waiver of {waiver.rule} for {waiver.organisation}"
        if as_of > waiver.expires:
            message = (
                f"{what} expired on {waiver.expires}, before the date decided for "
                f"({as_of}): it was not applied"
            )
            hint = (
                "delete it, or have the panel renew it (a new approved_on and expires); the "
                "decisions were made without it"
            )
        else:
            message = (
                f"{what} is approved from {waiver.approved_on}, after the date decided for "
                f"({as_of}): it was not applied"
            )
            hint = (
                "check approved_on, or decide as of a date it is in force (--as-of "
                f"{waiver.approved_on}); the decisions were made without it"
            )
        out.append(Problem(waiver.file, waiver.line, 1, f"waivers[{index}]", message, hint))
    return out


# --- applying ------------------------------------------------------------------------------


def _applied(waiver: Waiver, panel: str) -> AppliedWaiver:
    return AppliedWaiver(
        file=waiver.file,
        line=waiver.line,
        panel=panel,
        approved_by=waiver.approved_by,
        approved_on=waiver.approved_on,
        expires=waiver.expires,
        justification=waiver.justification,
        conditions=waiver.conditions,
    )


def _can_waive(finding: Finding) -> bool:
    return finding.verdict is Verdict.TRIGGERED and finding.waivable and not finding.waived


def _unused(waiver: Waiver, decision: Decision) -> str:
    """The note on a waiver in force that waived nothing in ``decision``: why not."""
    nations = {n.nation: n for n in decision.nations}
    reasons = []
    for nation in waiver.nations:
        label = nation.label
        decided = nations.get(nation)
        found = (
            next((f for f in decided.findings if f.rule == waiver.rule), None) if decided else None
        )
        if decided is None:
            reasons.append(f"{label} is not decided")
        elif found is None:
            reasons.append(f"{waiver.rule} does not apply in {label} on {decision.as_of}")
        elif found.verdict is Verdict.CLEAR:
            reasons.append(f"{waiver.rule} is clear in {label}")
        elif found.verdict is Verdict.UNKNOWN:
            reasons.append(
                f"{waiver.rule} is unknown in {label} (a waiver never applies while facts "
                "are missing: provide them)"
            )
        else:
            reasons.append(f"{waiver.rule} cannot be waived in {label}")
    return (
        f"the waiver of {waiver.rule} at {waiver.file}:{waiver.line} changes nothing: "
        + "; ".join(reasons)
    )


def _not_in_force(waiver: Waiver, as_of: dt.date) -> str:
    why = (
        f"it expired on {waiver.expires}"
        if as_of > waiver.expires
        else f"it is approved from {waiver.approved_on}"
    )
    return (
        f"the waiver of {waiver.rule} at {waiver.file}:{waiver.line} is not in force on "
        f"{as_of} ({why}), so it was not applied"
    )


def apply_waivers(decision: Decision, waivers: WaiverSet | None, as_of: dt.date) -> Decision:
    """``decision`` with the waivers of ``waivers`` in force on ``as_of`` applied.

    Pure: a new decision, the given one unchanged. Each triggered, waivable finding of the
    decision's organisation that a waiver in force names (rule and nation) is marked
    ``waived``, with the waiver; the outcomes are then derived again from the findings.
    ``waivers_sha256`` records the file's sha256 (None without ``waivers``). A waiver of
    this organisation that waived nothing, or is not in force, gets a note saying why.
    """
    if waivers is None:
        if decision.waivers_sha256 is None:
            return decision
        return dataclasses.replace(decision, waivers_sha256=None)
    mine = [w for w in waivers.waivers if w.organisation == decision.organisation_id]
    current = {(w.rule, nation): w for w in mine if in_force(w, as_of) for nation in w.nations}
    used: set[int] = set()
    nations: list[NationDecision] = []
    for result in decision.nations:
        findings = list(result.findings)
        for index, finding in enumerate(findings):
            waiver = current.get((finding.rule, result.nation))
            if waiver is None:
                continue
            applied = _applied(waiver, waivers.panel)
            if finding.waived and finding.waiver == applied:  # applied already
                used.add(id(waiver))
            elif _can_waive(finding):
                findings[index] = dataclasses.replace(finding, waived=True, waiver=applied)
                used.add(id(waiver))
        nations.append(dataclasses.replace(result, findings=tuple(findings)))
    notes = list(decision.notes)
    for waiver in mine:
        if not in_force(waiver, as_of):
            note = _not_in_force(waiver, as_of)
        elif id(waiver) not in used:
            note = _unused(waiver, decision)
        else:
            continue
        if note not in notes:  # applying the same waivers again changes nothing
            notes.append(note)
    out = dataclasses.replace(decision, notes=tuple(notes), waivers_sha256=waivers.sha256)
    if used:
        out = reassess(dataclasses.replace(out, nations=tuple(nations)))
    return out
