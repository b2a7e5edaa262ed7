"""Every shipped example decides as its header says (docs/reference-policy.md, worked by hand)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from imsa_eligibility.decision import evaluate
from imsa_eligibility.engine import ENGINES, Target, durable_ready, make_engine
from imsa_eligibility.profile import load_profile
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import EXAMPLES, ROOT

AS_OF = dt.date(2026, 11, 28)
RULESET = load_ruleset(ROOT / "rules")
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def _expected(path: Path) -> dict[str, str]:
    match = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name} has no '# expect:' header"
    return dict(pair.strip().split("=") for pair in match.group(1).split(","))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_decides_as_documented(path: Path, engine: str) -> None:
    if engine == "durable" and not durable_ready():
        pytest.skip("durable_rules cannot run on this Python")
    runner = make_engine(engine, [Target(v.key, v.node) for v in RULESET.variants.values()])
    decision = evaluate(load_profile(path), RULESET, as_of=AS_OF, engine=runner)
    assert {n.nation: n.outcome for n in decision.nations} == _expected(path)
