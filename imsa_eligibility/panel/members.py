"""Reading a panel's members file and the conflicts policy beside the rules.

A members file (``schema_version: 1``) names the panel and lists its members, each with
their declared interests: an organisation (optionally with its registrations) or a person,
the member's relation to it, and optionally when it ended (``until``). It is read like a
profile (:mod:`imsa_eligibility.source`: safe, bounded, positioned); every problem is
located ``file:line:col`` and says what to do, and all of a file's problems are reported
together (:class:`~imsa_eligibility.errors.PanelFileError`, exit 2).

The conflicts policy (``rules/panel/conflicts.yaml``) is data policy staff edit: which
relations and matches lead to recusal, the cooling-off period after an interest ends, and
how close a name must be to be a possible match. It is read and checked the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import DocumentError, PanelFileError, Problem
from ..profile.enums import Register
from ..profile.model import MAX_TEXT, SLUG_PATTERN, UNSAFE_TEXT, is_blank
from ..source import Document, PathKey, as_written, parse_text, read_document
from ..suggest import did_you_mean
from .reading import field_problems

__all__ = [
    "CONFLICTS_POLICY",
    "SCHEMA_VERSION",
    "ConflictsPolicy",
    "Interest",
    "InterestRelation",
    "Member",
    "Panel",
    "RecuseRule",
    "Standing",
    "load_panel",
    "load_panel_text",
    "load_policy",
    "policy_path",
]

SCHEMA_VERSION = 1
CONFLICTS_POLICY = Path("panel") / "conflicts.yaml"
"""Where a rule set keeps its conflicts policy, relative to the rule set's folder."""


class InterestRelation(StrEnum):
    """How a panel member stands, or stood, to an organisation or a person."""

    EMPLOYEE = "employee"
    FORMER_EMPLOYEE = "former_employee"
    TRUSTEE = "trustee"
    DIRECTOR = "director"
    VOLUNTEER = "volunteer"
    MEMBER = "member"
    CONTRACTOR = "contractor"
    ADVISOR = "advisor"
    FUNDER = "funder"
    FAMILY_MEMBER = "family_member"
    CLOSE_FRIEND = "close_friend"
    COLLEAGUE = "colleague"


class Standing(StrEnum):
    """How what an interest matched stands to the applicant (the policy's ``matches``)."""

    APPLICANT = "applicant"  # the applicant organisation itself
    CONTROL_CHAIN = "control_chain"  # an organisation in its control chain
    FUNDER = "funder"  # a related organisation that funds it
    COMMISSIONER = "commissioner"  # a related organisation that commissions it
    OTHER_RELATED = "other_related"  # any other related organisation
    PERSON = "person"  # one of its people
    AFFILIATION = "affiliation"  # an organisation one of its people is affiliated with


TOP_FIELDS = ("schema_version", "panel", "members")
MEMBER_FIELDS = ("id", "name", "interests")
INTEREST_FIELDS = ("organisation", "person", "registrations", "relation", "until")
REGISTRATION_FIELDS = ("register", "number")
POLICY_FIELDS = ("schema_version", "cooling_off_years", "possible_match_score", "recuse")
RECUSE_FIELDS = ("relations", "matches")
_EXAMPLE = "profiles/panel-example.yaml"
_WHAT = {
    "schema_version": "1",
    "panel": "the panel's name, such as Wales IMSA accreditation panel",
    "members": "the list of members, each starting '- id: ...' ([] for none)",
    "id": "a short id for the member, such as m-ellis",
    "name": "the member's name, such as Dr Sam Ellis",
    "interests": "the member's interests, each starting '- organisation: ...' or "
    "'- person: ...' ([] for none)",
    "organisation": "the organisation's name",
    "person": "the person's name",
    "relation": "how the member stands to it, such as former_employee",
    "until": "the day the interest ended, as YYYY-MM-DD",
    "register": "the register, such as companies_house",
    "number": "the number on that register, in quotes",
    "cooling_off_years": "the whole years an ended interest still counts, such as 2",
    "possible_match_score": "how alike two names must be (0 to 100) to be a possible match",
    "recuse": "the list of recusal rules, each with relations: and matches:",
    "relations": "a list of interest relations, such as [employee, trustee]",
    "matches": "a list of standings, such as [applicant, control_chain]",
}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class Interest:
    """One declared interest of a member: an organisation (``organisation``, with its
    ``registrations`` as ``(register, number)`` pairs) or a person (``person``)."""

    relation: InterestRelation
    organisation: str | None
    person: str | None
    registrations: tuple[tuple[str, str], ...]
    until: dt.date | None
    file: str
    line: int

    @property
    def name(self) -> str:
        """The organisation's or the person's name."""
        return self.organisation if self.organisation is not None else str(self.person)


@dataclass(frozen=True)
class Member:
    """A panel member and their declared interests, in file order."""

    id: str
    name: str
    interests: tuple[Interest, ...]
    file: str
    line: int


@dataclass(frozen=True)
class Panel:
    """A panel's members file, read and checked."""

    panel: str
    members: tuple[Member, ...]
    sha256: str
    file: str


@dataclass(frozen=True)
class RecuseRule:
    """Recuse when an interest of one of ``relations`` matches something of ``matches``."""

    relations: frozenset[InterestRelation]
    matches: frozenset[Standing]


@dataclass(frozen=True)
class ConflictsPolicy:
    """Which conflicts lead to recusal (everything else found is declared)."""

    cooling_off_years: int
    possible_match_score: int
    recuse: tuple[RecuseRule, ...]
    file: str


def policy_path(rules: Path) -> Path:
    """The conflicts policy of the rule set in the folder ``rules``."""
    return rules / CONFLICTS_POLICY


class _Reader:
    """Checks one document, collecting every problem."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: PathKey, message: str, hint: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, hint, key=key))

    def mapping(self, path: PathKey, value: Any, what: str, start: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(
            path,
            f"{what} must be a mapping of fields",
            f"write its fields indented under '- ', one 'name: value' a line, starting "
            f"'{start}' (as in {_EXAMPLE})",
        )
        return None

    def fields(
        self,
        path: PathKey,
        data: dict[str, Any],
        allowed: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> None:
        """Unknown fields (with a did-you-mean) and missing required ones."""
        self.problems += field_problems(self.doc, path, data, allowed, optional, _WHAT)

    def text(self, path: PathKey, value: Any) -> str | None:
        name = str(path[-1])
        what = _WHAT.get(name, "a value")
        if value is None:
            self.problem(path, f"{name} has no value", f"write {what} after '{name}:'")
            return None
        if not isinstance(value, str):
            if isinstance(value, bool | int | float):
                shown = (
                    ("true" if value else "false") if isinstance(value, bool) else as_written(value)
                )
                self.problem(
                    path,
                    f"expected text, not {shown}",
                    f'put it in quotes to make it text: {name}: "{shown}"',
                )
            else:
                kind = "a list" if isinstance(value, list) else "a mapping"
                self.problem(
                    path,
                    f"expected text, not {kind}",
                    f"write {what} on the same line as '{name}:'",
                )
            return None
        if is_blank(value):
            self.problem(path, f"{name} is empty", f"write {what} after '{name}:'")
            return None
        if len(value) > MAX_TEXT:
            self.problem(
                path,
                f"{name} is {len(value):,} characters long; the limit is {MAX_TEXT:,}",
                f"write the {name} in at most {MAX_TEXT:,} characters",
            )
            return None
        found = UNSAFE_TEXT.search(value)
        if found is not None:
            self.problem(
                path,
                f"{name} holds a control character or line break, U+{ord(found.group(0)):04X}",
                f"write the {name} on one line, without invisible characters",
            )
            return None
        return value

    def choice(self, path: PathKey, value: Any, names: list[str], noun: str) -> str | None:
        if isinstance(value, str) and value in names:
            return value
        article = "an" if noun[0] in "aeiou" else "a"
        self.problem(
            path, f"{value!r} is not {article} {noun}", did_you_mean(str(value), names, noun=noun)
        )
        return None

    def date(self, path: PathKey, value: Any) -> dt.date | None:
        name = str(path[-1])
        hint = f"write it as YYYY-MM-DD (year, month, day), such as {name}: 2024-06-30"
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                self.problem(path, f"'{value}' is not a date on the calendar ({exc})", hint)
                return None
        if isinstance(value, list | dict):
            shown = "a list" if isinstance(value, list) else "a mapping"
        else:
            shown = repr(value) if isinstance(value, str) else str(as_written(value))
        self.problem(path, f"expected a date as YYYY-MM-DD, not {shown}", hint)
        return None

    def items(self, path: PathKey, value: Any, what: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.problem(
            path,
            f"expected a list of {what}" if value is not None else f"{path[-1]} has no value",
            f"write each of the {what} under '{path[-1]}:' as a list item starting '- ', "
            "or write [] for none",
        )
        return []

    def schema_version(self, data: dict[str, Any], what: str) -> None:
        if "schema_version" not in data:
            return
        version = data["schema_version"]
        if isinstance(version, bool) or not isinstance(version, int) or version != SCHEMA_VERSION:
            shown = repr(version) if isinstance(version, str) else as_written(version)
            self.problem(
                ("schema_version",),
                f"unsupported schema_version {shown}",
                f"write 'schema_version: 1': this version of the tool reads {what} of "
                "schema_version 1",
            )

    # --- members file ---

    def registration(self, path: PathKey, item: Any) -> tuple[str, str] | None:
        data = self.mapping(path, item, "a registration", "- register: ...")
        if data is None:
            return None
        self.fields(path, data, REGISTRATION_FIELDS, ())
        register = (
            self.choice(
                (*path, "register"), data["register"], [r.value for r in Register], "register"
            )
            if "register" in data
            else None
        )
        number = self.text((*path, "number"), data["number"]) if "number" in data else None
        if register is None or number is None:
            return None
        return (register, number)

    def interest(self, path: PathKey, item: Any) -> Interest | None:
        data = self.mapping(path, item, "an interest", "- organisation: ...")
        if data is None:
            return None
        before = len(self.problems)
        optional = ("organisation", "person", "registrations", "until")
        self.fields(path, data, INTEREST_FIELDS, optional)
        if ("organisation" in data) == ("person" in data):
            self.problem(
                path,
                "an interest names an organisation or a person"
                + (", not both" if "organisation" in data else ""),
                "write 'organisation: NAME' for an organisation, or 'person: NAME' for a person",
                key=True,
            )
        organisation = (
            self.text((*path, "organisation"), data["organisation"])
            if "organisation" in data
            else None
        )
        person = self.text((*path, "person"), data["person"]) if "person" in data else None
        registrations: list[tuple[str, str]] = []
        if "registrations" in data:
            if "person" in data:
                self.problem(
                    (*path, "registrations"),
                    "a person has no registrations",
                    "delete registrations, or name an organisation instead of a person",
                    key=True,
                )
            for index, reg in enumerate(
                self.items((*path, "registrations"), data["registrations"], "registrations")
            ):
                found = self.registration((*path, "registrations", index), reg)
                if found is not None:
                    registrations.append(found)
        relation = (
            self.choice(
                (*path, "relation"),
                data["relation"],
                [r.value for r in InterestRelation],
                "interest relation",
            )
            if "relation" in data
            else None
        )
        until = (
            self.date((*path, "until"), data["until"])
            if "until" in data and data["until"] is not None
            else None
        )
        if len(self.problems) > before or relation is None:
            return None
        return Interest(
            relation=InterestRelation(relation),
            organisation=organisation,
            person=person,
            registrations=tuple(registrations),
            until=until,
            file=self.doc.file,
            line=self.doc.line(path),
        )

    def member(self, index: int, item: Any) -> Member | None:
        path: PathKey = ("members", index)
        data = self.mapping(path, item, "a member", "- id: ...")
        if data is None:
            return None
        before = len(self.problems)
        self.fields(path, data, MEMBER_FIELDS, ())
        ident = self.text((*path, "id"), data["id"]) if "id" in data else None
        if ident is not None and not _SLUG.fullmatch(ident):
            self.problem(
                (*path, "id"),
                f"'{ident}' is not an id",
                "write 2 to 63 lower-case letters, digits and hyphens, such as m-ellis",
            )
        name = self.text((*path, "name"), data["name"]) if "name" in data else None
        interests = [
            found
            for i, interest in enumerate(
                self.items((*path, "interests"), data.get("interests", []), "interests")
            )
            if (found := self.interest((*path, "interests", i), interest)) is not None
        ]
        if len(self.problems) > before or ident is None or name is None:
            return None
        return Member(ident, name, tuple(interests), self.doc.file, self.doc.line(path))

    # --- conflicts policy ---

    def recuse_rule(self, index: int, item: Any) -> RecuseRule | None:
        path: PathKey = ("recuse", index)
        data = self.mapping(path, item, "a recusal rule", "- relations: ...")
        if data is None:
            return None
        before = len(self.problems)
        self.fields(path, data, RECUSE_FIELDS, ())
        relations = {
            InterestRelation(found)
            for i, value in enumerate(
                self.items((*path, "relations"), data.get("relations", []), "relations")
            )
            if (
                found := self.choice(
                    (*path, "relations", i),
                    value,
                    [r.value for r in InterestRelation],
                    "interest relation",
                )
            )
        }
        matches = {
            Standing(found)
            for i, value in enumerate(
                self.items((*path, "matches"), data.get("matches", []), "matches")
            )
            if (
                found := self.choice(
                    (*path, "matches", i), value, [s.value for s in Standing], "standing"
                )
            )
        }
        if len(self.problems) > before:
            return None
        return RecuseRule(frozenset(relations), frozenset(matches))

    def whole(self, path: PathKey, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                path,
                f"expected a whole number from {low} to {high}, not {as_written(value)!r}",
                f"write {_WHAT[str(path[-1])]}",
            )
            return None
        return int(value)


def _top(doc: Document, what: str, start: str) -> dict[str, Any]:
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise PanelFileError(
            [doc.problem((), f"{what} must be a mapping of fields, not {kind}", start)]
        )
    return doc.data


def _panel(doc: Document) -> Panel:
    data = _top(
        doc,
        "a panel's members file",
        f"start it with 'schema_version: 1', 'panel:' and 'members:' (as in {_EXAMPLE})",
    )
    reader = _Reader(doc)
    reader.fields((), data, TOP_FIELDS, ())
    reader.schema_version(data, "panel files")
    panel = reader.text(("panel",), data["panel"]) if "panel" in data else None
    members: list[Member] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.items(("members",), data.get("members", []), "members")):
        member = reader.member(index, item)
        if member is None:
            continue
        if member.id in seen:
            reader.problem(
                ("members", index, "id"),
                f"a second member with id '{member.id}' (the first is at line {seen[member.id]})",
                "give each member their own id",
            )
            continue
        seen[member.id] = member.line
        members.append(member)
    if reader.problems or panel is None:
        raise PanelFileError(reader.problems)
    return Panel(panel, tuple(members), doc.sha256, doc.file)


def load_panel(path: Path) -> Panel:
    """Read and check the panel's members file at ``path`` (raises PanelFileError)."""
    try:
        doc = read_document(path, display=str(path))
    except DocumentError as exc:
        raise PanelFileError(exc.problems) from None
    return _panel(doc)


def load_panel_text(name: str, raw: bytes) -> Panel:
    """Check members-file bytes that did not come from a file (tests, tools)."""
    try:
        doc = parse_text(name, raw)
    except DocumentError as exc:
        raise PanelFileError(exc.problems) from None
    return _panel(doc)


def load_policy(path: Path) -> ConflictsPolicy:
    """Read and check the conflicts policy at ``path`` (raises PanelFileError)."""
    try:
        doc = read_document(path, display=str(path))
    except DocumentError as exc:
        raise PanelFileError(exc.problems) from None
    data = _top(doc, "the conflicts policy", "start it with 'schema_version: 1'")
    reader = _Reader(doc)
    reader.fields((), data, POLICY_FIELDS, ())
    reader.schema_version(data, "conflicts policies")
    years = (
        reader.whole(("cooling_off_years",), data["cooling_off_years"], 0, 100)
        if "cooling_off_years" in data
        else None
    )
    score = (
        reader.whole(("possible_match_score",), data["possible_match_score"], 1, 100)
        if "possible_match_score" in data
        else None
    )
    rules = [
        found
        for i, item in enumerate(reader.items(("recuse",), data.get("recuse", []), "rules"))
        if (found := reader.recuse_rule(i, item)) is not None
    ]
    if reader.problems or years is None or score is None:
        raise PanelFileError(reader.problems)
    return ConflictsPolicy(years, score, tuple(rules), doc.file)
