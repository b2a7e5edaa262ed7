"""Any valid profile survives being written out as YAML and read back unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from imsa_eligibility.profile import Profile, load_profile_text
from imsa_eligibility.profile.dump import dump_profile
from tests.strategies import profile_documents


@settings(max_examples=150, deadline=None)
@given(profile_documents())
def test_valid_profile_survives_dump_and_reload(doc: dict[str, Any]) -> None:
    original = Profile.model_validate(doc)
    text = dump_profile(original, header="generated")
    reloaded = load_profile_text("roundtrip.yaml", text.encode("utf-8")).profile
    assert reloaded == original
    assert reloaded.model_dump(mode="json") == original.model_dump(mode="json")
