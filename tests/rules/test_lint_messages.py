"""Rule-lint messages as a policy editor meets them: one mistake in the shipped rule set.

Each case copies rules/, makes one edit, and loads the copy, as ``rules lint --rules DIR``
does. One mistake must give one located message that says what to write; two mistakes in
one rule must give two.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imsa_eligibility.errors import Problem, RuleFileError
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.schema import rules_schema
from imsa_eligibility.rules.validate import schema_problems
from imsa_eligibility.source import parse_text
from imsa_eligibility.suggest import did_you_mean
from tests.conftest import ROOT

TRAINING = "40-section-3-training.yaml"
INDEPENDENCE = "10-section-4-independence.yaml"
VETTING = "        has: {param: vetting_scheme}\n"
FIRST_TEST = (
    "      fact: organisation.functions\n      has_any: {list: law_enforcement_functions}\n"
)
LIMIT = "      at_least: {param: law_enforcement_income_share_limit}\n"
DERIVED = "      derived: law_enforcement_income_share\n" + LIMIT
IND_003_ANY = (
    "      any:\n"
    "        - fact: organisation.functions\n"
    "          has_any: {list: status_decision_functions}\n"
    "        - some: control_chain\n"
    "          where:\n"
    "            fact: functions\n"
    "            has_any: {list: status_decision_functions}\n"
)


def _lint(tmp_path: Path, file: str, old: str, new: str) -> tuple[list[Problem], int]:
    """Problems of the shipped rules with ``old`` replaced by ``new`` in ``file``, and the
    line the edit starts on."""
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    target = copy / file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(copy)
    return caught.value.problems, line


# (id, file, old, new, words the one message holds)
ONE_MISTAKE = [
    ("param-key-misspelt", TRAINING, VETTING, "        has: {parm: vetting_scheme}\n",
     ["unknown key 'parm'", "did you mean 'param'?"]),
    ("param-name-misspelt", TRAINING, VETTING, "        has: {param: vetting_schem}\n",
     ["there is no parameter 'vetting_schem'", "did you mean 'vetting_scheme'?"]),
    ("param-name-a-list", TRAINING, VETTING, "        has: {param: [vetting_scheme]}\n",
     ["expected text, not a list", "param: vetting_scheme"]),
    ("param-name-a-number", TRAINING, VETTING, "        has: {param: 3}\n",
     ["expected text, not 3", "lower-case letters"]),
    ("operand-missing", TRAINING, VETTING, "        has:\n",
     ["'has' has no value", "{param: NAME}"]),
    ("operand-empty-mapping", TRAINING, VETTING, "        has: {}\n",
     ["expected a value, a list of values"]),
    ("operand-empty-list", TRAINING, VETTING, "        has: []\n",
     ["the list is empty", "at least one value"]),
    ("operand-list-and-param", TRAINING, VETTING,
     "        has: {param: vetting_scheme, list: law_enforcement_functions}\n",
     ["'list' and 'param' cannot be used together"]),
    ("list-name-form", TRAINING, VETTING, "        has: {list: Vetting-Lists}\n",
     ["does not have the expected form", "such as vetting_lists"]),
    ("operator-misspelt", TRAINING, VETTING, "        hass: {param: vetting_scheme}\n",
     ["unknown operator 'hass'", "did you mean 'has'?"]),
    ("operator-far-from-all", TRAINING, VETTING, "        contains: {param: vetting_scheme}\n",
     ["unknown operator 'contains'", "has, has_all, has_any, is"]),
    ("two-operators", INDEPENDENCE, FIRST_TEST, FIRST_TEST + "      is: true\n",
     ["exactly one operator, not 2 (has_any, is)"]),
    ("no-operator", INDEPENDENCE, FIRST_TEST, "      fact: organisation.functions\n",
     ["a fact test needs an operator"]),
    ("no-fact", INDEPENDENCE, FIRST_TEST, "      has_any: {list: law_enforcement_functions}\n",
     ["this test has no 'fact'"]),
    ("condition-key-misspelt", INDEPENDENCE, IND_003_ANY, IND_003_ANY.replace("any:", "anyy:"),
     ["'anyy' does not start a condition", "did you mean 'any'?"]),
    ("empty-any", INDEPENDENCE, IND_003_ANY, "      any: []\n",
     ["an 'any' needs at least one condition"]),
    ("any-of-a-mapping", INDEPENDENCE, IND_003_ANY, "      any: {}\n",
     ["an 'any' takes a list of conditions, not a mapping"]),
    ("not-of-a-list", INDEPENDENCE, IND_003_ANY, IND_003_ANY.replace("any:", "not:"),
     ["a condition must be a mapping, not a list", "'all:'"]),
    ("some-misspelt", INDEPENDENCE, IND_003_ANY, IND_003_ANY.replace("- some:", "- evry:"),
     ["unknown key 'evry'", "did you mean 'every'?"]),
    ("where-misspelt", INDEPENDENCE, IND_003_ANY, IND_003_ANY.replace("where:", "wehre:"),
     ["unknown key 'wehre'", "did you mean 'where'?"]),
    ("where-missing", INDEPENDENCE, IND_003_ANY,
     "      any:\n        - some: control_chain\n",
     ["a 'some' needs a 'where' condition", "add 'where:'"]),
    ("when-misspelt", INDEPENDENCE, "    when:\n", "    wen:\n",
     ["unknown key 'wen'", "did you mean 'when'?"]),
    ("when-a-list", INDEPENDENCE, "    when:\n" + FIRST_TEST,
     "    when:\n      - fact: organisation.functions\n"
     "        has_any: {list: law_enforcement_functions}\n",
     ["a condition must be a mapping, not a list"]),
    ("when-true", INDEPENDENCE, "    when:\n" + FIRST_TEST, "    when: true\n",
     ["a condition must be a mapping, not true"]),
    ("section-a-word", INDEPENDENCE, "    section: 4\n", "    section: four\n",
     ["expected a whole number, not 'four'", "1, 2, 3, 4"]),
    ("section-out-of-range", INDEPENDENCE, "    section: 4\n", "    section: 5\n",
     ["5 is not allowed here", "1, 2, 3, 4"]),
    ("effect-empty", INDEPENDENCE, "    effect: exclude\n", "    effect:\n",
     ["'effect' has no value", "advise, condition, exclude, refer"]),
    ("effect-a-list", INDEPENDENCE, "    effect: exclude\n", "    effect: [exclude]\n",
     ["expected one value, not a list", "effect: exclude"]),
    ("waivable-no", INDEPENDENCE, "    waivable: false\n", "    waivable: no\n",
     ["expected true or false, not 'no'"]),
    ("rule-id-form", INDEPENDENCE, "  - id: IND-001\n", "  - id: ind-1\n",
     ["'ind-1' does not have the expected form", "such as IND-016"]),
    ("required-key-misspelt", INDEPENDENCE, "    source: >-\n", "    sorce: >-\n",
     ["unknown key 'sorce'", "did you mean 'source'?"]),
    ("nation-misspelt", "ruleset.yaml", "      scotland: pvg_protected_adults\n",
     "      scotlnd: pvg_protected_adults\n", ["'scotlnd' is not allowed here", "scotland"]),
    ("list-name-misspelt-form", "ruleset.yaml", "  law_enforcement_functions:\n",
     "  Law-Enforcement:\n", ["'Law-Enforcement' is not a valid name", "law_enforcement"]),
    ("list-values-repeated", "ruleset.yaml", "    values: [nrm_decision_making]\n",
     "    values: [nrm_decision_making, nrm_decision_making]\n",
     ["the list repeats 'nrm_decision_making'"]),
    ("ruleset-key-unknown", "ruleset.yaml", "title: IMSA", "colour: red\ntitle: IMSA",
     ["unknown key 'colour'", "derived, description, id"]),
    ("derived-operator-misspelt", INDEPENDENCE, LIMIT, LIMIT.replace("at_least", "at_lest"),
     ["unknown operator 'at_lest'", "did you mean 'at_least'?"]),
    ("derived-without-operator", INDEPENDENCE, DERIVED, DERIVED.split("      at_least")[0],
     ["a derived test needs an operator"]),
    ("derived-threshold-text", INDEPENDENCE, LIMIT, "      at_least: half\n",
     ["expected a number or {param: NAME}, not 'half'"]),
    ("derived-threshold-text-parameter", INDEPENDENCE, LIMIT,
     "      at_least: {param: charity_regulator_name}\n",
     ["the parameter 'charity_regulator_name' is", "a number is needed here"]),
    ("derived-key-misspelt", "ruleset.yaml", "    sum: income_share\n", "    summ: income_share\n",
     ["unknown key 'summ'", "did you mean 'sum'?"]),
    ("derived-fact-misspelt", "ruleset.yaml", "    sum: income_share\n", "    sum: incme_share\n",
     ["there is no fact 'incme_share'", "did you mean 'income_share'?"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in ONE_MISTAKE],
)
def test_one_mistake_gives_one_located_message(
    tmp_path: Path, file: str, old: str, new: str, words: list[str]
) -> None:
    problems, line = _lint(tmp_path, file, old, new)
    rendered = "\n".join(p.render() for p in problems)
    assert len(problems) == 1, rendered
    (problem,) = problems
    assert problem.file.endswith(file)
    assert line <= problem.line <= line + new.count("\n"), rendered
    for word in words:
        assert word in rendered, rendered
    assert problem.hint, rendered


def test_a_misspelt_fact_does_not_hide_a_misspelt_list(tmp_path: Path) -> None:
    problems, line = _lint(
        tmp_path,
        INDEPENDENCE,
        FIRST_TEST,
        "      fact: organisation.functoins\n      has_any: {list: law_enforcment_functions}\n",
    )
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (
            line,
            "there is no fact 'organisation.functoins' in a profile",
            "did you mean 'organisation.functions'?",
        ),
        (
            line + 1,
            "there is no list 'law_enforcment_functions'",
            "did you mean 'law_enforcement_functions'?",
        ),
    ]


def test_an_operator_that_does_not_fit_does_not_hide_a_misspelt_parameter(tmp_path: Path) -> None:
    problems, _ = _lint(
        tmp_path,
        TRAINING,
        "        fact: imsa_service.vetting_checks\n" + VETTING,
        "        fact: imsa_service.clinical_supervision\n        has: {param: vetting_schem}\n",
    )
    messages = sorted(p.message for p in problems)
    assert len(messages) == 2, messages
    assert messages[0].startswith("'has' does not fit 'imsa_service.clinical_supervision'")
    assert messages[1] == "there is no parameter 'vetting_schem'"


def test_a_misspelt_collection_does_not_hide_a_misspelt_list_inside(tmp_path: Path) -> None:
    edited = IND_003_ANY.replace("control_chain", "control_chian").replace(
        "            has_any: {list: status_decision_functions}",
        "            has_any: {list: status_decision_funtions}",
    )
    problems, _ = _lint(tmp_path, INDEPENDENCE, IND_003_ANY, edited)
    hints = [p.hint for p in problems]
    assert hints == ["did you mean 'control_chain'?", "did you mean 'status_decision_functions'?"]


def test_a_parameter_missing_for_several_nations_is_one_message(tmp_path: Path) -> None:
    problems, _ = _lint(
        tmp_path,
        "ruleset.yaml",
        "      scotland: pvg_protected_adults\n      northern_ireland: enhanced_accessni\n",
        "",
    )
    (problem,) = problems
    assert problem.message == (
        "the parameter 'vetting_scheme' has no value for scotland and northern_ireland"
    )
    assert problem.hint.startswith("add scotland and northern_ireland under its by_nation")


def _keywords(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("properties", "$defs"):
                yield key
            if key in ("properties", "$defs") and isinstance(value, dict):
                for sub in value.values():
                    yield from _keywords(sub)
            else:
                yield from _keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keywords(item)


# The keywords validate.py words itself; a new one in the schema needs its message there.
WORDED = {
    "additionalProperties", "const", "enum", "maxProperties", "minItems", "minLength",
    "minProperties", "oneOf", "pattern", "propertyNames", "required", "type", "uniqueItems",
}  # fmt: skip
ANNOTATIONS = {"$schema", "$id", "$ref", "title", "description", "items", "if", "then", "else"}


def test_every_check_in_the_rule_schema_has_a_plain_message() -> None:
    used = set(_keywords(rules_schema()))
    assert used - ANNOTATIONS <= WORDED, sorted(used - ANNOTATIONS - WORDED)


def test_a_rule_file_that_is_a_list_says_how_to_start() -> None:
    doc = parse_text("x.yaml", b"- id: TST-001\n")
    (problem,) = schema_problems(doc)
    assert "kind: rules" in problem.hint


def test_a_value_far_from_every_choice_lists_them_all() -> None:
    values = [f"value_{n:02d}" for n in range(23)]
    hint = did_you_mean("zzz", values, noun="value")
    assert hint == "use one of these values: " + ", ".join(values)


def test_a_value_near_a_choice_gets_a_did_you_mean() -> None:
    assert did_you_mean("exclued", ["exclude", "refer"], noun="effect") == "did you mean 'exclude'?"
    assert did_you_mean("x", ["only"], noun="kind") == "write 'only', the only kind allowed here"
