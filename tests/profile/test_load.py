"""Loading valid profiles: every example, the template, edge cases; numbers keep their digits."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings

from imsa_eligibility.errors import ProfileError
from imsa_eligibility.profile import Profile, load_profile, load_profile_text
from imsa_eligibility.schemas import profile_schema
from tests.conftest import DATA, EXAMPLES, ROOT
from tests.strategies import profile_documents

VALID = sorted((DATA / "profiles" / "valid").iterdir())
SHIPPED = [*sorted(EXAMPLES.glob("*.yaml")), ROOT / "profiles" / "TEMPLATE.yaml"]


@pytest.mark.parametrize("path", SHIPPED + VALID, ids=lambda p: p.name)
def test_shipped_and_edge_case_profiles_are_valid(path: Path) -> None:
    loaded = load_profile(path)
    assert loaded.profile.schema_version == 1
    assert len(loaded.sha256) == 64


def test_there_are_enough_varied_examples() -> None:
    profiles = [load_profile(p).profile for p in SHIPPED[:-1]]
    assert len(profiles) >= 10
    nations = {str(n) for p in profiles for n in p.organisation.nations}
    assert nations == {"england", "wales", "scotland", "northern_ireland"}
    assert len({p.organisation.legal_form for p in profiles}) >= 5


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_profiles_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == ROOT / "schemas" / "profile.schema.json"


def test_unquoted_company_number_keeps_its_digits() -> None:
    loaded = load_profile(DATA / "profiles" / "valid" / "unquoted-company-number.yaml")
    numbers = [r.number for r in loaded.profile.organisation.registrations or []]
    assert "06543210" in numbers


def test_omitted_facts_stay_unknown_and_differ_from_false() -> None:
    text = (
        b"schema_version: 1\norganisation: {id: ab, name: A, legal_form: other, "
        b"functions: [], nations: [wales]}\nrelated_organisations: []\npeople: []\n"
        b"governance: {safeguarding_policy: false}\n"
    )
    profile = load_profile_text("t.yaml", text).profile
    assert profile.governance is not None
    assert profile.governance.safeguarding_policy is False
    assert profile.governance.ico_registered is None
    assert profile.insurance is None


def test_income_share_is_exact_decimal() -> None:
    text = (
        b"schema_version: 1\norganisation: {id: ab, name: A, legal_form: other, "
        b"functions: [], nations: [wales]}\nrelated_organisations:\n"
        b"  - {id: f1, name: F, functions: [], relations: [funder], income_share: 0.1}\n"
        b"people: []\n"
    )
    share = load_profile_text("t.yaml", text).profile.related_organisations[0].income_share
    assert share == Decimal("0.1")


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"schema_version: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    with pytest.raises(ProfileError) as caught:
        load_profile_text("evil.yaml", text)
    assert "tag" in caught.value.problems[0].message
    assert not marker.exists()


def test_yes_and_no_are_text_not_booleans() -> None:
    text = (
        b"schema_version: 1\norganisation: {id: ab, name: no, legal_form: other, "
        b"functions: [], nations: [wales]}\nrelated_organisations: []\npeople: []\n"
    )
    assert load_profile_text("t.yaml", text).profile.organisation.name == "no"


def test_booleans_must_be_true_or_false() -> None:
    text = (
        b"schema_version: 1\norganisation: {id: ab, name: A, legal_form: other, "
        b"functions: [], nations: [wales]}\nrelated_organisations: []\npeople: []\n"
        b"insurance: {employers_liability: 1}\n"
    )
    with pytest.raises(ProfileError) as caught:
        load_profile_text("t.yaml", text)
    problem = caught.value.problems[0]
    assert (problem.line, problem.path) == (5, "insurance.employers_liability")


@settings(max_examples=100, deadline=None)
@given(profile_documents())
def test_published_schema_accepts_what_the_model_accepts(doc: dict[str, object]) -> None:
    data = json.loads(Profile.model_validate(doc).model_dump_json(exclude_none=True))
    jsonschema.Draft202012Validator(profile_schema()).validate(data)
