"""Whatever bytes arrive, loading ends in a profile or located problems: never a crash.

Sized by cost: raw bytes and YAML-shaped noise are refused in well under a millisecond,
so they get hundreds of examples; a damaged valid profile costs a generated profile, a
dump and a load (about 25 ms), so 60. CI replays the same examples; local runs draw new.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.errors import ProfileError
from imsa_eligibility.profile import load_profile_text
from imsa_eligibility.profile.dump import dump_profile
from imsa_eligibility.profile.model import Profile
from tests.strategies import profile_documents

YAMLISH = st.lists(
    st.sampled_from([*"abc:-[]{},&*!#|>'\"\n 0129.e_\t", "!!python/object", "<<", "%YAML"]),
    max_size=60,
).map("".join)


def _loads_or_refuses(raw: bytes) -> None:
    try:
        load_profile_text("fuzz.yaml", raw)
    except ProfileError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.line >= 1 and problem.column >= 1
            assert problem.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw: bytes) -> None:
    _loads_or_refuses(raw)


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_yaml_shaped_noise(text: str) -> None:
    _loads_or_refuses(text.encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(profile_documents(), st.data())
def test_a_valid_profile_with_one_line_damaged(doc: dict[str, object], data: st.DataObject) -> None:
    lines = dump_profile(Profile.model_validate(doc)).splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = data.draw(YAMLISH)
    _loads_or_refuses("\n".join(lines).encode("utf-8"))
