"""Colour on a terminal never eats text: list values in brackets survive styling."""

from __future__ import annotations

import datetime as dt

from cli.console import _mark, _styled
from imsa_eligibility.decision import evaluate
from imsa_eligibility.engine import engine_for
from imsa_eligibility.profile import load_profile
from imsa_eligibility.report import render_text
from imsa_eligibility.rules.load import load_ruleset
from tests.conftest import EXAMPLES, ROOT


def test_styled_text_keeps_brackets_and_styles_marked_words() -> None:
    styled = _styled("value = [policing] " + _mark("ineligible", "ineligible") + " [x]")
    assert styled.plain == "value = [policing] ineligible [x]"
    assert [str(span.style) for span in styled.spans] == ["bold red"]


def test_styled_report_reads_the_same_as_the_plain_one() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    decision = evaluate(
        load_profile(EXAMPLES / "police-force.yaml"),
        ruleset,
        as_of=dt.date(2026, 11, 28),
        engine=engine_for("native", ruleset),
    )
    plain = render_text([decision], [])
    styled = _styled(render_text([decision], [], mark=_mark))
    assert styled.plain == plain
    assert ("INELIGIBLE", "bold red") in {
        (plain[s.start : s.end], str(s.style)) for s in styled.spans
    }, "the outcome is styled, so the equality above is not of two unstyled texts"
    assert "organisation.functions = [policing]" in plain
