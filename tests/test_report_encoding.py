"""The JSON writers' encoders give exactly the bytes ``json.dumps`` gives.

:func:`~imsa_eligibility.report.encode.indented` and :func:`~.encode.compact` (behind
``decision_line``) write report objects for less work than ``json.dumps``; every byte must
be the same, for any JSON value (shared parts, odd numbers and texts, keys that are not
text), and what they cannot write is left to ``json.dumps`` to write or refuse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_eligibility.decision import Decision, evaluate, reassess
from imsa_eligibility.engine import engine_for
from imsa_eligibility.errors import Problem
from imsa_eligibility.profile import load_profile
from imsa_eligibility.report import decision_json, render_json, render_jsonl
from imsa_eligibility.report.encode import Raw, UnsupportedError, compact, indented
from imsa_eligibility.report.jsonreport import decision_line
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.vocabulary import Nation
from tests.conftest import EXAMPLES


class Word(StrEnum):
    A = "a"
    QUOTE = 'say "é"\n'


TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)  # surrogates too
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(list(Word)),
)
KEYS = st.one_of(TEXT, st.sampled_from(list(Word)), st.integers(-5, 5), st.floats(), st.none())


def _share(value: Any) -> Any:
    """``value`` with one part in it twice (the same object), as a shared finding is."""
    if isinstance(value, list) and value:
        return [*value, value[0]]
    if isinstance(value, dict) and value:
        first = next(iter(value.values()))
        return {**value, "again": first, "and again": first}
    return value


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4),
    ).map(_share),
    max_leaves=25,
)


def _at_depth(value: Any, indent: int, level: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent).replace(
        "\n", "\n" + " " * (indent * level)
    )


@settings(max_examples=400, deadline=None)
@given(VALUES, st.integers(0, 4), st.integers(0, 3))
def test_indented_is_json_dumps(value: Any, indent: int, level: int) -> None:
    assert indented(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)
    assert indented(value, indent, level) == _at_depth(value, indent, level)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_compact_is_json_dumps(value: Any) -> None:
    assert compact(value) == json.dumps(value, ensure_ascii=False)


@given(VALUES, VALUES)
def test_compact_puts_raw_parts_in_as_written(left: Any, right: Any) -> None:
    written = Raw(json.dumps(right, ensure_ascii=False))
    assert compact({"a": [left, written]}) == json.dumps({"a": [left, right]}, ensure_ascii=False)


class Items(dict[str, Any]):
    """A mapping that makes its items anew: its parts are not known by identity."""

    def items(self) -> Any:
        return [(k, list(v)) for k, v in super().items()]


@pytest.mark.parametrize(
    "value",
    [
        {"n": Decimal("0.5")},
        [dt.date(2026, 1, 1)],
        {("a",): 1},
        Items(a=[1], b=[2]),
        [Items(a=[1])],
    ],
)
def test_what_they_cannot_write_json_dumps_writes_or_refuses(value: Any) -> None:
    try:
        expected = json.dumps(value, ensure_ascii=False, indent=2)
    except TypeError as refused:
        with pytest.raises(TypeError, match=str(refused)):
            indented(value, 2)
    else:
        assert indented(value, 2) == expected
    with pytest.raises(UnsupportedError):
        compact(value)


def test_a_structure_that_contains_itself_is_refused_as_json_dumps_refuses_it() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        indented(loop, 2)
    with pytest.raises(UnsupportedError):
        compact(loop)


def _decisions() -> list[Decision]:
    rules = load_ruleset()
    engine = engine_for("native", rules)
    as_of = dt.date(2026, 11, 28)
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_profile(path)
        out.append(evaluate(loaded, rules, as_of=as_of, engine=engine))
        out.append(evaluate(loaded, rules, nations=list(Nation), as_of=as_of, engine=engine))
    return out


DECISIONS = _decisions()


def _waived(decision: Decision) -> Decision:
    """The decision with its first finding in each nation waived (findings change)."""
    nations = tuple(
        dataclasses.replace(
            n,
            findings=tuple(
                dataclasses.replace(f, waived=True) if i == 0 else f
                for i, f in enumerate(n.findings)
            ),
        )
        for n in decision.nations
    )
    return reassess(dataclasses.replace(decision, nations=nations))


@pytest.mark.parametrize("decision", DECISIONS + [_waived(d) for d in DECISIONS])
def test_a_decision_line_is_json_dumps_of_its_object(decision: Decision) -> None:
    assert decision_line(decision) == json.dumps(decision_json(decision), ensure_ascii=False)
    assert decision_line(decision) == decision_line(decision)  # the kept heads change nothing


def test_shared_findings_are_one_object_in_the_decision_object() -> None:
    decision = next(d for d in DECISIONS if len(d.nations) == len(Nation))
    nations = decision_json(decision)["nations"]
    england, wales = nations["england"]["findings"], nations["wales"]["findings"]
    assert any(f is g for f in england for g in wales)  # most rules read the same in both


PROBLEM = Problem("p.yaml", 3, 5, "organisation.name", 'bad "name"\tñ', "write it\nagain")


@pytest.mark.parametrize("errors", [[], [PROBLEM, PROBLEM]])
def test_the_json_report_is_what_json_dumps_indents(errors: list[Problem]) -> None:
    decisions = DECISIONS[:4]
    objects = [decision_json(d) for d in decisions]
    document = {
        "schema": "imsa-eligibility/report/v1",
        "decisions": objects,
        "errors": [e.to_json() for e in errors],
    }
    assert render_json(decisions, errors) == json.dumps(document, indent=2, ensure_ascii=False) + (
        "\n"
    )
    lines = [json.dumps(o, ensure_ascii=False) for o in objects]
    lines += [json.dumps({"error": e.to_json()}, ensure_ascii=False) for e in errors]
    assert render_jsonl(decisions, errors) == "".join(line + "\n" for line in lines)
