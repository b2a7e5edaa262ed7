"""Notes on valid profiles: template sample values left in, and ids shared within a batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imsa_eligibility.profile import load_profile, load_profile_text
from imsa_eligibility.profile import notes as notes_module
from imsa_eligibility.profile.notes import duplicate_id_notes, template_notes
from tests.conftest import EXAMPLES, ROOT

TEMPLATE = ROOT / "profiles" / "TEMPLATE.yaml"


def test_the_template_itself_gets_a_note_for_each_sample_value() -> None:
    notes = template_notes(load_profile(TEMPLATE))
    assert notes == [
        "organisation.id is still the template's sample value 'your-organisation'; "
        "replace it with a short id for your organisation",
        "organisation.name is still the template's sample value 'Your Organisation'; "
        "replace it with your organisation's name",
        "organisation.registrations[0].number is still the template's sample value "
        "'1234567'; replace it with your number on that register",
        "organisation.registrations[1].number is still the template's sample value "
        "'01234567'; replace it with your company number",
        "related_organisations[0].id is still the template's sample value 'example-funder'; "
        "replace it with a short id for that body",
        "related_organisations[0].name is still the template's sample value 'Example "
        "Community Foundation'; replace it with that body's full name (or delete the entry "
        "if there is no such body)",
        "people[0].name is still the template's sample value 'Sam Example'; replace it with "
        "the person's name (or delete the line: it is optional)",
        "people[0].affiliations[0].organisation is still the template's sample value "
        "'Example Housing Association'; replace it with the name of the other organisation "
        "they serve in",
    ]


def test_the_sample_values_are_the_ones_the_template_ships() -> None:
    # If the template changes its samples, the notes must follow.
    data = load_profile(TEMPLATE).document.data
    org = data["organisation"]
    assert org["id"] == notes_module.ORGANISATION_ID.value
    assert org["name"] == notes_module.ORGANISATION_NAME.value
    shipped = {r["register"]: r["number"] for r in org["registrations"]}
    assert shipped == {k: v.value for k, v in notes_module.REGISTRATION_NUMBERS.items()}
    related = data["related_organisations"][0]
    assert related["id"] == notes_module.RELATED_ID.value
    assert related["name"] == notes_module.RELATED_NAME.value
    person = data["people"][0]
    assert person["name"] == notes_module.PERSON_NAME.value
    assert person["affiliations"][0]["organisation"] == (
        notes_module.AFFILIATION_ORGANISATION.value
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_a_filled_in_profile_gets_no_template_note(path: Path) -> None:
    assert template_notes(load_profile(path)) == []


def test_a_kept_sample_id_suggests_one_from_the_real_name() -> None:
    text = TEMPLATE.read_bytes().replace(b"name: Your Organisation", b"name: Acme Advocacy Trust")
    notes = template_notes(load_profile_text("mine.yaml", text))
    assert notes[0] == (
        "organisation.id is still the template's sample value 'your-organisation'; "
        "replace it with a short id for your organisation, such as 'acme-advocacy-trust'"
    )
    assert not any(note.startswith("organisation.name") for note in notes)


def test_a_sample_number_on_another_register_is_not_a_sample() -> None:
    text = TEMPLATE.read_bytes().replace(
        b'{register: charity_commission_england_wales, number: "1234567"}',
        b'{register: charity_commission_england_wales, number: "1098765"}',
    )
    notes = template_notes(load_profile_text("mine.yaml", text))
    assert not any("registrations[0]" in note for note in notes)
    assert any("registrations[1]" in note for note in notes)


def test_profiles_sharing_an_organisation_id_each_get_a_note() -> None:
    notes = duplicate_id_notes(
        [("a.yaml", "northshire-trust"), ("b.yaml", "acme"), ("c.yaml", "northshire-trust")]
    )
    assert notes == {
        "a.yaml": [
            "the organisation id 'northshire-trust' is also used by c.yaml; give each "
            "organisation its own organisation.id, so that their reports can be told apart"
        ],
        "b.yaml": [],
        "c.yaml": [
            "the organisation id 'northshire-trust' is also used by a.yaml; give each "
            "organisation its own organisation.id, so that their reports can be told apart"
        ],
    }


def test_a_note_names_every_other_file_with_the_id() -> None:
    notes = duplicate_id_notes([("a.yaml", "x1"), ("b.yaml", "x1"), ("c.yaml", "x1")])
    assert notes["a.yaml"][0].startswith(
        "the organisation id 'x1' is also used by b.yaml and c.yaml;"
    )
    assert notes["c.yaml"][0].startswith(
        "the organisation id 'x1' is also used by a.yaml and b.yaml;"
    )


def test_one_file_given_twice_is_not_a_duplicate() -> None:
    assert duplicate_id_notes([("a.yaml", "x1"), ("a.yaml", "x1")]) == {"a.yaml": []}
    assert duplicate_id_notes([]) == {}


def test_notes_stand_apart_from_rules_engines_and_decisions() -> None:
    code = (
        "import sys, imsa_eligibility.profile.notes\n"
        "bad = [m for m in sys.modules if m.startswith(('imsa_eligibility.rules', "
        "'imsa_eligibility.engine', 'imsa_eligibility.decision', 'imsa_eligibility.policy'))]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
