"""Panel members' conflicts: matching interests with applicants, and the policy's actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from imsa_eligibility.panel.conflicts import Action, Conflict, MatchKind, find_conflicts, normalise
from imsa_eligibility.panel.members import (
    ConflictsPolicy,
    InterestRelation,
    load_panel_text,
    load_policy,
    policy_path,
)
from imsa_eligibility.profile.load import LoadedProfile, load_profile_text
from imsa_eligibility.resources import rules_dir

AS_OF = dt.date(2026, 11, 28)

APPLICANT: dict[str, Any] = {
    "schema_version": 1,
    "organisation": {
        "id": "riverside-support",
        "name": "Riverside Support Ltd",
        "legal_form": "charitable_company",
        "functions": ["advocacy"],
        "nations": ["wales"],
        "registrations": [{"register": "companies_house", "number": "01234567"}],
    },
    "related_organisations": [
        {
            "id": "holding",
            "name": "Riverside Holdings",
            "functions": [],
            "relations": ["parent"],
        },
        {
            "id": "pcc",
            "name": "Northshire Police",
            "functions": ["policing"],
            "relations": ["funder"],
            "income_share": 0.3,
            "registrations": [{"register": "companies_house", "number": "07654321"}],
        },
        {
            "id": "commissioner",
            "name": "Northshire County Council",
            "functions": ["local_authority_services"],
            "relations": ["commissioner"],
            "income_share": 0.2,
        },
        {
            "id": "partner",
            "name": "Harbour Advice Centre",
            "functions": [],
            "relations": ["partner"],
        },
    ],
    "people": [
        {
            "id": "chair",
            "name": "Jane Example",
            "roles": ["chair", "trustee"],
            "affiliations": [{"organisation": "Eastmere Food Bank", "functions": ["other"]}],
        }
    ],
}


def _applicant(data: dict[str, Any] | None = None) -> LoadedProfile:
    text = yaml.safe_dump(data or APPLICANT, sort_keys=False)
    return load_profile_text("applicant.yaml", text.encode())


def _policy() -> ConflictsPolicy:
    return load_policy(policy_path(rules_dir()))


def _conflicts(interests: list[dict[str, Any]], as_of: dt.date = AS_OF) -> list[Conflict]:
    panel = {
        "schema_version": 1,
        "panel": "Test panel",
        "members": [{"id": "m-one", "name": "Member One", "interests": interests}],
    }
    text = yaml.safe_dump(panel, sort_keys=False)
    members = load_panel_text("panel.yaml", text.encode())
    return find_conflicts(members, [_applicant()], _policy(), as_of)


def _one(interest: dict[str, Any], as_of: dt.date = AS_OF) -> Conflict:
    found = _conflicts([interest], as_of)
    assert len(found) == 1, found
    return found[0]


RECUSING_AT_ORGS = [
    "employee",
    "former_employee",
    "trustee",
    "director",
    "contractor",
    "advisor",
    "funder",
]
DECLARING_AT_ORGS = ["volunteer", "member", "family_member", "close_friend", "colleague"]


@pytest.mark.parametrize("relation", RECUSING_AT_ORGS)
def test_an_organisational_interest_in_the_applicant_recuses(relation: str) -> None:
    conflict = _one({"organisation": "Riverside Support Ltd", "relation": relation})
    assert conflict.action is Action.RECUSE
    assert conflict.target.path == "organisation"
    assert conflict.target.kind == "applicant"
    assert conflict.match is MatchKind.NAME


@pytest.mark.parametrize("relation", DECLARING_AT_ORGS)
def test_other_relations_with_the_applicant_are_declared(relation: str) -> None:
    assert (
        _one({"organisation": "Riverside Support", "relation": relation}).action is Action.DECLARE
    )


def test_every_relation_is_covered() -> None:
    assert set(RECUSING_AT_ORGS) | set(DECLARING_AT_ORGS) == {r.value for r in InterestRelation}


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Riverside Holdings", "related_organisations[0]"),  # the control chain
        ("Northshire Police", "related_organisations[1]"),  # a funder
        ("Northshire County Council", "related_organisations[2]"),  # a commissioner
    ],
)
def test_a_former_employee_of_a_controller_funder_or_commissioner_recuses(
    name: str, path: str
) -> None:
    conflict = _one({"organisation": name, "relation": "former_employee"})
    assert conflict.action is Action.RECUSE
    assert conflict.target.path == path


def test_the_sentence_names_the_funder_and_its_share() -> None:
    conflict = _one({"organisation": "Northshire Police", "relation": "former_employee"})
    assert conflict.because == (
        "a former employee of Northshire Police, which funds the applicant "
        "(related_organisations[1], funder, 30%)"
    )
    assert conflict.target.line > 1 and conflict.interest.line == 7


def test_other_related_organisations_and_affiliations_are_declared() -> None:
    partner = _one({"organisation": "Harbour Advice Centre", "relation": "trustee"})
    assert partner.action is Action.DECLARE
    assert partner.target.path == "related_organisations[3]"
    food_bank = _one({"organisation": "Eastmere Food Bank", "relation": "director"})
    assert food_bank.action is Action.DECLARE
    assert food_bank.target.path == "people[0].affiliations[0]"
    assert food_bank.target.kind == "affiliation"


@pytest.mark.parametrize("relation", ["family_member", "close_friend"])
def test_a_family_member_or_close_friend_of_the_applicants_people_recuses(relation: str) -> None:
    conflict = _one({"person": "Jane Example", "relation": relation})
    assert conflict.action is Action.RECUSE
    assert conflict.target.path == "people[0]"
    assert conflict.target.kind == "person"


def test_a_colleague_of_the_applicants_people_declares() -> None:
    assert _one({"person": "jane example", "relation": "colleague"}).action is Action.DECLARE


def test_a_person_never_matches_an_organisation_nor_the_reverse() -> None:
    assert _conflicts([{"person": "Northshire Police", "relation": "family_member"}]) == []
    assert _conflicts([{"organisation": "Jane Example", "relation": "employee"}]) == []


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("The Riverside Support Limited", "Riverside Support Ltd"),
        ("riverside support", "Riverside Support Ltd."),
        ("Smith & Sons", "Smith and Sons"),
        ("St. Mary's Trust", "St Marys Trust"),
    ],
)
def test_names_match_after_normalisation(written: str, other: str) -> None:
    assert normalise(written) == normalise(other)


def test_an_exact_name_matches_and_an_inexact_one_is_possible() -> None:
    exact = _one({"organisation": "the riverside support limited", "relation": "employee"})
    assert (exact.match, exact.action) == (MatchKind.NAME, Action.RECUSE)
    close = _one({"organisation": "Riverside Suport", "relation": "employee"})
    assert (close.match, close.action) == (MatchKind.POSSIBLE, Action.DECLARE)
    assert "possibly Riverside Support Ltd" in close.because


def test_unrelated_names_do_not_match() -> None:
    assert _conflicts([{"organisation": "Eastmere Police", "relation": "employee"}]) == []
    assert _conflicts([{"organisation": "Northshire", "relation": "employee"}]) == []


def test_a_registration_matches_whatever_the_name() -> None:
    interest = {
        "organisation": "NP Trading",
        "registrations": [{"register": "companies_house", "number": "07654321"}],
        "relation": "director",
    }
    conflict = _one(interest)
    assert conflict.match is MatchKind.REGISTRATION
    assert conflict.action is Action.RECUSE
    assert conflict.target.path == "related_organisations[1]"
    assert "the same registration as Northshire Police" in conflict.because


def test_a_registration_on_another_register_does_not_match() -> None:
    interest = {
        "organisation": "NP Trading",
        "registrations": [{"register": "charity_commission_england_wales", "number": "07654321"}],
        "relation": "director",
    }
    assert _conflicts([interest]) == []


def test_an_interest_ended_within_the_cooling_off_period_still_recuses() -> None:
    interest = {"organisation": "Riverside Support", "relation": "employee", "until": "2025-01-31"}
    assert _one(interest).action is Action.RECUSE
    # two years to the day is still within the period
    assert _one(interest, dt.date(2027, 1, 31)).action is Action.RECUSE


def test_an_interest_ended_before_the_cooling_off_period_is_declared() -> None:
    interest = {"organisation": "Riverside Support", "relation": "employee", "until": "2024-06-30"}
    conflict = _one(interest)
    assert conflict.action is Action.DECLARE
    assert "ended more than 2 years before 2026-11-28" in conflict.because


def test_a_member_with_no_interests_has_no_conflicts() -> None:
    assert _conflicts([]) == []


def test_related_organisations_may_carry_registrations() -> None:
    loaded = _applicant()
    regs = loaded.profile.related_organisations[1].registrations
    assert regs is not None and regs[0].number == "07654321"


def test_a_bad_related_registration_number_is_refused() -> None:
    data = yaml.safe_load(yaml.safe_dump(APPLICANT))
    data["related_organisations"][1]["registrations"][0]["number"] = "12"
    from imsa_eligibility.errors import ProfileError

    with pytest.raises(ProfileError) as caught:
        _applicant(data)
    assert any("related_organisations[1].registrations[0]" in p.path for p in caught.value.problems)
