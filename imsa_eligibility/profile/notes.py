"""Notes on valid profiles that are probably not what their author meant.

A note never changes a decision and never refuses a profile: it points at something a
person should look at. Two kinds live here, both pure functions of loaded profiles:

* :func:`template_notes`: a value still holding the sample that ``profiles/TEMPLATE.yaml``
  ships (the template's own organisation name, its example funder, ...), so the decision
  would be about the example and not the organisation;
* :func:`duplicate_id_notes`: two profiles in one batch with the same organisation id, so
  their reports cannot be told apart.

Nothing here knows about rules, engines or decisions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..source import PathKey, format_path
from .load import LoadedProfile


@dataclass(frozen=True)
class _Sample:
    """A value ``profiles/TEMPLATE.yaml`` ships, and what to write in its place."""

    value: str
    replace_with: str


# The template's sample values that no real profile would hold. Its other values (income
# figures, true/false answers, ids such as chair-1) are plausible answers and not flagged.
# tests/profile/test_notes.py checks that each of these is in the template as given here.
ORGANISATION_ID = _Sample("your-organisation", "a short id for your organisation")
ORGANISATION_NAME = _Sample("Your Organisation", "your organisation's name")
REGISTRATION_NUMBERS = {
    "charity_commission_england_wales": _Sample("1234567", "your number on that register"),
    "companies_house": _Sample("01234567", "your company number"),
}
RELATED_ID = _Sample("example-funder", "a short id for that body")
RELATED_NAME = _Sample(
    "Example Community Foundation",
    "that body's full name (or delete the entry if there is no such body)",
)
PERSON_NAME = _Sample("Sam Example", "the person's name (or delete the line: it is optional)")
AFFILIATION_ORGANISATION = _Sample(
    "Example Housing Association", "the name of the other organisation they serve in"
)


def _note(path: PathKey, sample: _Sample, replace_with: str | None = None) -> str:
    return (
        f"{format_path(path)} is still the template's sample value '{sample.value}'; "
        f"replace it with {replace_with or sample.replace_with}"
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63].strip("-")


def template_notes(loaded: LoadedProfile) -> list[str]:
    """A note for each value of ``loaded`` that is still a sample from the template.

    In file order: the organisation, its registrations, related organisations, people.
    Empty for a profile that holds none of them.
    """
    profile = loaded.profile
    org = profile.organisation
    notes: list[str] = []
    if org.id == ORGANISATION_ID.value:
        slug = _slug(org.name)
        better = (
            f"a short id for your organisation, such as '{slug}'"
            if org.name != ORGANISATION_NAME.value and len(slug) >= 2
            else None
        )
        notes.append(_note(("organisation", "id"), ORGANISATION_ID, better))
    if org.name == ORGANISATION_NAME.value:
        notes.append(_note(("organisation", "name"), ORGANISATION_NAME))
    for i, reg in enumerate(org.registrations or []):
        sample = REGISTRATION_NUMBERS.get(str(reg.register))
        if sample is not None and reg.number == sample.value:
            notes.append(_note(("organisation", "registrations", i, "number"), sample))
    for i, related in enumerate(profile.related_organisations):
        if related.id == RELATED_ID.value:
            notes.append(_note(("related_organisations", i, "id"), RELATED_ID))
        if related.name == RELATED_NAME.value:
            notes.append(_note(("related_organisations", i, "name"), RELATED_NAME))
    for i, person in enumerate(profile.people):
        if person.name == PERSON_NAME.value:
            notes.append(_note(("people", i, "name"), PERSON_NAME))
        for j, affiliation in enumerate(person.affiliations or []):
            if affiliation.organisation == AFFILIATION_ORGANISATION.value:
                path = ("people", i, "affiliations", j, "organisation")
                notes.append(_note(path, AFFILIATION_ORGANISATION))
    return notes


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def duplicate_id_notes(loaded: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Per-file notes for organisation ids that more than one file in a batch uses.

    ``loaded`` holds (file, organisation id) pairs, one per profile in the batch. Every
    file given is a key of the result; its list is empty when its id is its own. The same
    file given twice is one file, not a duplicate.
    """
    files_by_id: dict[str, list[str]] = {}
    for file, ident in loaded:
        files = files_by_id.setdefault(ident, [])
        if file not in files:
            files.append(file)
    notes: dict[str, list[str]] = {file: [] for file, _ in loaded}
    for file, ident in loaded:
        others = [f for f in files_by_id[ident] if f != file]
        if others and not notes[file]:
            notes[file].append(
                f"the organisation id '{ident}' is also used by {_listing(others)}; give "
                "each organisation its own organisation.id, so that their reports can be "
                "told apart"
            )
    return notes
