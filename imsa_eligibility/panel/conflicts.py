"""Panel members' own conflicts of interest with the applicants they decide on.

Each member's interests (:mod:`.members`) are compared with each applicant profile: the
organisation itself, its related organisations, its people and their affiliations. A
match is on a registration number, or on the name after normalisation (case, punctuation,
``the``, ``ltd``/``limited``, ``&``/``and``); a close but inexact name (rapidfuzz, at least
the policy's ``possible_match_score``) is a *possible* match.

What a match leads to is the conflicts policy's (``rules/panel/conflicts.yaml``): recuse
when one of its rules names the interest's relation and how the match stands to the
applicant, and the interest is current or ended within the cooling-off period; declare
every other match, and every possible match. Pure: the library never prints.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from ..engine.facts import control_chain
from ..profile.load import LoadedProfile
from ..source import PathKey, format_path
from .members import ConflictsPolicy, Interest, InterestRelation, Member, Panel, Standing

__all__ = [
    "SCHEMA",
    "Action",
    "Conflict",
    "MatchKind",
    "conflicts_for",
    "conflicts_json",
    "find_conflicts",
    "normalise",
]

SCHEMA = "imsa-eligibility/conflicts/v1"


class Action(StrEnum):
    """What the member must do: step out of the decision, or declare the interest."""

    RECUSE = "recuse"
    DECLARE = "declare"


class MatchKind(StrEnum):
    """How an interest matched: by registration number, by name, or possibly by name."""

    REGISTRATION = "registration"
    NAME = "name"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Target:
    """Something of an applicant an interest can match: its path, line, name and standing."""

    path: str
    line: int
    name: str
    kind: str  # applicant, related_organisation, person, affiliation
    standings: frozenset[Standing]
    registrations: frozenset[tuple[str, str]]
    how: str  # how it stands to the applicant, in words: "which funds the applicant"
    detail: str  # the path and its relations: "related_organisations[1], funder, 30%"


@dataclass(frozen=True)
class Conflict:
    """One member's interest matching one applicant's organisation or person."""

    member_id: str
    member_name: str
    organisation_id: str
    organisation_name: str
    file: str
    action: Action
    match: MatchKind
    interest: Interest
    target: Target
    because: str


_PUNCTUATION = re.compile(r"[^\w\s]")
_DROPPED = frozenset({"the", "ltd", "limited"})


def normalise(name: str) -> str:
    """A name as it is compared: case, accents, punctuation, ``the``, ``ltd``/``limited``
    and ``&``/``and`` set aside."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = _PUNCTUATION.sub(" ", text.replace("'", "").replace("\u2019", ""))
    return " ".join(word for word in text.split() if word not in _DROPPED)


def _number(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def _regs(items: Iterable[Any] | None) -> frozenset[tuple[str, str]]:
    return frozenset((str(r.register), _number(r.number)) for r in items or ())


def _share(share: Decimal | float | None) -> str | None:
    if share is None:
        return None
    percent = (Decimal(str(share)) * 100).normalize()
    return f"{percent:f}%"


def _targets(loaded: LoadedProfile) -> Iterator[Target]:
    """Everything of the applicant an interest can match, in file order."""
    profile = loaded.profile
    doc = loaded.document
    org = profile.organisation

    def line(path: PathKey) -> int:
        return doc.line(path)

    yield Target(
        "organisation",
        line(("organisation", "name")),
        org.name,
        "applicant",
        frozenset({Standing.APPLICANT}),
        _regs(org.registrations),
        "the applicant",
        "organisation",
    )
    data = {
        "organisation": {"id": org.id, "name": org.name},
        "related_organisations": [
            {"id": r.id, "name": r.name, "relations": [str(x) for x in r.relations],
             "controlled_by": list(r.controlled_by)}
            for r in profile.related_organisations
        ],
    }  # fmt: skip
    chain = {link.index for link in control_chain(data)}
    for index, related in enumerate(profile.related_organisations):
        relations = [str(x) for x in related.relations]
        standings: set[Standing] = set()
        money = []
        if index in chain:
            standings.add(Standing.CONTROL_CHAIN)
        if "funder" in relations:
            standings.add(Standing.FUNDER)
            money.append("funds")
        if "commissioner" in relations:
            standings.add(Standing.COMMISSIONER)
            money.append("commissions")
        if index in chain:
            how = "which is in the applicant's control chain" + (
                f" and {' and '.join(money)} it" if money else ""
            )
        elif money:
            how = f"which {' and '.join(money)} the applicant"
        else:
            standings.add(Standing.OTHER_RELATED)
            how = (
                f"a {' and '.join(r.replace('_', ' ') for r in relations)} of the applicant"
                if relations
                else "which is related to the applicant"
            )
        path = f"related_organisations[{index}]"
        share = _share(related.income_share)
        detail = ", ".join([path, *relations, *([share] if share else [])])
        yield Target(
            path,
            line(("related_organisations", index)),
            related.name,
            "related_organisation",
            frozenset(standings),
            _regs(related.registrations),
            how,
            detail,
        )
    for index, person in enumerate(profile.people):
        roles = [str(r) for r in person.roles]
        path = f"people[{index}]"
        if person.name is not None:
            yield Target(
                path,
                line(("people", index)),
                person.name,
                "person",
                frozenset({Standing.PERSON}),
                frozenset(),
                f"who is the applicant's {' and '.join(r.replace('_', ' ') for r in roles)}"
                if roles
                else "who is one of the applicant's people",
                ", ".join([path, *roles]),
            )
        for j, affiliation in enumerate(person.affiliations or ()):
            where: PathKey = ("people", index, "affiliations", j)
            who = person.name or person.id
            yield Target(
                format_path(where),
                line(where),
                affiliation.organisation,
                "affiliation",
                frozenset({Standing.AFFILIATION}),
                frozenset(),
                f"with which {who}, one of the applicant's people, is affiliated",
                format_path(where),
            )


def _cooled_off(until: dt.date | None, years: int, as_of: dt.date) -> bool:
    """Whether an interest that ended on ``until`` ended more than ``years`` ago."""
    if until is None or until >= as_of:
        return False
    try:
        end = until.replace(year=until.year + years)
    except ValueError:  # 29 February, in a year that has none
        end = until.replace(year=until.year + years, day=28)
    return end < as_of


def _match(interest: Interest, target: Target, score: int) -> MatchKind | None:
    if (interest.person is None) != (target.kind != "person"):
        return None  # an organisation matches organisations, a person people
    if interest.registrations and target.registrations:
        mine = {(r, _number(n)) for r, n in interest.registrations}
        if mine & target.registrations:
            return MatchKind.REGISTRATION
    a, b = normalise(interest.name), normalise(target.name)
    if a and a == b:
        return MatchKind.NAME
    if a and b and fuzz.token_sort_ratio(a, b) >= score:
        return MatchKind.POSSIBLE
    return None


_ARTICLE = {
    InterestRelation.EMPLOYEE: "an employee of",
    InterestRelation.FORMER_EMPLOYEE: "a former employee of",
    InterestRelation.TRUSTEE: "a trustee of",
    InterestRelation.DIRECTOR: "a director of",
    InterestRelation.VOLUNTEER: "a volunteer with",
    InterestRelation.MEMBER: "a member of",
    InterestRelation.CONTRACTOR: "a contractor to",
    InterestRelation.ADVISOR: "an advisor to",
    InterestRelation.FUNDER: "a funder of",
    InterestRelation.FAMILY_MEMBER: "a family member of",
    InterestRelation.CLOSE_FRIEND: "a close friend of",
    InterestRelation.COLLEAGUE: "a colleague of",
}


def _because(interest: Interest, target: Target, match: MatchKind, action: Action, why: str) -> str:
    named = interest.name
    if match is MatchKind.POSSIBLE:
        named = f"{interest.name} (possibly {target.name})"
    elif match is MatchKind.REGISTRATION and normalise(interest.name) != normalise(target.name):
        named = f"{interest.name} (the same registration as {target.name})"
    sentence = f"{_ARTICLE[interest.relation]} {named}, {target.how} ({target.detail})"
    if interest.until is not None:
        sentence += f", until {interest.until}"
    return sentence + (f"; {why}" if why else "")


def _action(
    interest: Interest, target: Target, match: MatchKind, policy: ConflictsPolicy, as_of: dt.date
) -> tuple[Action, str]:
    if match is MatchKind.POSSIBLE:
        return Action.DECLARE, "a possible match only: check whether it is the same"
    recusing = any(
        interest.relation in rule.relations and rule.matches & target.standings
        for rule in policy.recuse
    )
    if not recusing:
        return Action.DECLARE, ""
    if _cooled_off(interest.until, policy.cooling_off_years, as_of):
        return (
            Action.DECLARE,
            f"ended more than {policy.cooling_off_years} years before {as_of}",
        )
    return Action.RECUSE, ""


def conflicts_for(
    member: Member, loaded: LoadedProfile, policy: ConflictsPolicy, as_of: dt.date
) -> list[Conflict]:
    """Every conflict of ``member`` with the applicant ``loaded``, in file order."""
    out: list[Conflict] = []
    targets = list(_targets(loaded))
    org = loaded.profile.organisation
    for interest in member.interests:
        for target in targets:
            match = _match(interest, target, policy.possible_match_score)
            if match is None:
                continue
            action, why = _action(interest, target, match, policy, as_of)
            out.append(
                Conflict(
                    member_id=member.id,
                    member_name=member.name,
                    organisation_id=org.id,
                    organisation_name=org.name,
                    file=loaded.file,
                    action=action,
                    match=match,
                    interest=interest,
                    target=target,
                    because=_because(interest, target, match, action, why),
                )
            )
    return out


def find_conflicts(
    panel: Panel, profiles: Iterable[LoadedProfile], policy: ConflictsPolicy, as_of: dt.date
) -> list[Conflict]:
    """Every conflict of every member with every applicant: applicants in the order given,
    members in file order."""
    return [
        conflict
        for loaded in profiles
        for member in panel.members
        for conflict in conflicts_for(member, loaded, policy, as_of)
    ]


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """One conflict as the JSON report writes it."""
    interest = conflict.interest
    target = conflict.target
    return {
        "member": {"id": conflict.member_id, "name": conflict.member_name},
        "organisation": {"id": conflict.organisation_id, "name": conflict.organisation_name},
        "file": conflict.file,
        "action": conflict.action.value,
        "match": conflict.match.value,
        "interest": {
            "file": interest.file,
            "line": interest.line,
            "relation": interest.relation.value,
            "name": interest.name,
            "until": interest.until.isoformat() if interest.until else None,
        },
        "matched": {
            "path": target.path,
            "line": target.line,
            "name": target.name,
            "kind": target.kind,
        },
        "because": conflict.because,
    }


def conflicts_json(conflicts: Iterable[Conflict], errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole JSON report: ``{"schema", "conflicts", "errors"}``."""
    return {
        "schema": SCHEMA,
        "conflicts": [conflict_json(c) for c in conflicts],
        "errors": errors,
    }
