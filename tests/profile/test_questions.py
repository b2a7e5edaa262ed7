"""Every fact of the profile has a plain question, every value plain words, every yes/no fact
what to do: a new field of the profile without its question fails here."""

from __future__ import annotations

import re
import typing
from enum import StrEnum

import pytest
from pydantic import BaseModel

from imsa_eligibility.profile import enums, model
from imsa_eligibility.profile.questions import (
    QUESTIONS,
    action,
    ask,
    describe,
    field_path,
    label,
    question,
)
from imsa_eligibility.rules.catalogue import FactKind, catalogue


def _facts() -> dict[str, FactKind]:
    """Every fact path of every scope, as a field path, with its kind."""
    out: dict[str, FactKind] = {}
    for scope, facts in catalogue().items():
        for path, kind in facts.items():
            out[f"{scope}.{path}" if scope else path] = kind
    return out


def _models(annotation: object) -> tuple[bool, list[type[BaseModel]]]:
    """Whether ``annotation`` is a list, and the models it names (through unions, lists)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False, [annotation]
    is_list = typing.get_origin(annotation) is list
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        inner_list, inner = _models(arg)
        is_list = is_list or inner_list
        found += inner
    return is_list, found


def _model_paths(cls: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of the profile model, nested models and list items included."""
    found: set[str] = set()
    for name, info in cls.model_fields.items():
        path = f"{prefix}{name}"
        is_list, inner = _models(info.annotation)
        if not inner or is_list:
            found.add(path)  # a fact, or a list of objects (asked about as a whole, too)
        for sub in inner:
            found |= _model_paths(sub, f"{path}.")
    return found


FACTS = _facts()


@pytest.mark.parametrize("path", sorted(FACTS))
def test_every_catalogue_fact_has_a_question(path: str) -> None:
    found = QUESTIONS.get(path)
    assert found is not None, f"no question for {path} in imsa_eligibility/profile/questions.py"
    assert found.path == path
    assert found.ask.endswith("?") and found.ask[0].isupper()
    assert found.help and found.help.endswith(".")
    assert "_" not in found.ask, "a question names no field"


def test_every_model_field_has_a_question() -> None:
    paths = _model_paths(model.Profile)
    assert "organisation.registrations.number" in paths  # the walk reaches list items
    assert "people.affiliations.current" in paths
    assert sorted(paths - set(QUESTIONS)) == []


def test_no_question_for_a_fact_that_is_not_there() -> None:
    assert sorted(set(QUESTIONS) - set(FACTS)) == []


@pytest.mark.parametrize("path", sorted(p for p, k in FACTS.items() if k.values))
def test_every_value_has_plain_words(path: str) -> None:
    found = QUESTIONS[path]
    values = FACTS[path].values
    assert sorted(set(values) - set(found.labels)) == []
    assert sorted(set(found.labels) - set(values)) == []
    for value in values:
        words = found.labels[value]
        assert words and "_" not in words, (path, value)


def test_every_enum_value_is_labelled_somewhere() -> None:
    labelled = {v for q in QUESTIONS.values() for v in q.labels}
    for name in dir(enums):
        kind = getattr(enums, name)
        if isinstance(kind, type) and issubclass(kind, StrEnum) and kind is not StrEnum:
            assert sorted({m.value for m in kind} - labelled) == [], kind


@pytest.mark.parametrize("path", sorted(p for p, k in FACTS.items() if k.kind == "bool"))
def test_yes_no_facts_say_what_to_do(path: str) -> None:
    found = QUESTIONS[path]
    for phrase in (found.yes, found.no):
        assert phrase, path
        assert phrase[0].islower() and not phrase.endswith("."), phrase
        assert not phrase.startswith("you "), "the phrase follows 'If you ...'"


def test_only_yes_no_facts_have_yes_no() -> None:
    for path, found in QUESTIONS.items():
        if found.yes or found.no:
            assert FACTS[path].kind == "bool", path


def test_report_paths_read_as_field_paths() -> None:
    assert (
        field_path("related_organisations[0].income_share") == "related_organisations.income_share"
    )
    assert field_path("people[2].affiliations[10].current") == "people.affiliations.current"
    assert (
        question("related_organisations[3].income_share")
        is QUESTIONS["related_organisations.income_share"]
    )
    assert ask("governance.ico_registered").startswith("Is your organisation registered")
    assert ask("no.such.fact") == "no.such.fact"


def test_labels_and_plain_values() -> None:
    assert label("organisation.nations", "northern_ireland") == "Northern Ireland"
    assert label("people[0].roles", "imsa_manager") == "IMSA manager"
    assert label("no.such.fact", "some_value") == "some value"
    assert describe("governance.ico_registered", True) == "yes"
    assert describe("governance.ico_registered", None) == "not given"
    assert describe("imsa_service.vetting_checks", []) == "none"
    assert describe("related_organisations[0].income_share", 0.25) == "25%"


def test_actions_follow_if_you() -> None:
    assert action("imsa_service.charges_survivors", True, False) == (
        "stop charging survivors for the service"
    )
    assert action("governance.conflict_of_interest_policy", None, True) == (
        "adopt a written conflict of interest policy"
    )
    removed = action("related_organisations[1].funding_conditions", ["case_data_sharing"], [])
    assert "will no longer require" in removed and "case information" in removed
    added = action("imsa_service.vetting_checks", [], ["pvg_protected_adults"])
    assert "PVG" in added
    assert action("imsa_service.accredited_imsas", 0, 2) == "have 2 of your IMSAs accredited"
    for text in (removed, added):
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
