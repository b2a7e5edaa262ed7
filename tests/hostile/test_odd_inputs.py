"""Odd inputs: odd but valid input is read as meant; odd invalid input is refused, located,
with a message that says what is wrong and what to write.

JSON read as JSON (surrogate pairs in, trailing commas out); ASCII digits in register
numbers; explicit core tags that construct what they name; names that show something, on
one line, without control characters and of a sane length; messages that name the real
cause (aliases only when there are aliases, UTF-16 as UTF-16, quotes and tags as the reason
a value is text, look-alike characters by name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from imsa_eligibility.errors import DocumentError, Problem, ProfileError
from imsa_eligibility.profile import load_profile, load_profile_text
from imsa_eligibility.profile.checks import REGISTER_FORMATS
from imsa_eligibility.profile.model import MAX_TEXT
from imsa_eligibility.source import MAX_VALUES, parse_text, read_document, syntax_for
from imsa_eligibility.suggest import closest, did_you_mean, difference, skeleton
from tests.conftest import Run

ORG = {
    "id": "example-charity",
    "name": "Example Charity",
    "legal_form": "charitable_company",
    "functions": ["advocacy"],
    "nations": ["england"],
}
BASE: dict[str, Any] = {
    "schema_version": 1,
    "organisation": ORG,
    "related_organisations": [],
    "people": [],
}
YAML = """schema_version: 1
organisation:
  id: example-charity
  name: Example Charity
  legal_form: charitable_company
  functions: [advocacy]
  nations: [england]
related_organisations: []
people: []
"""


def _profile(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        if key in ORG or key in ("registrations", "annual_income_gbp"):
            doc["organisation"][key] = value
        else:
            doc[key] = value
    return doc


def _refused(name: str, raw: bytes | str, **kw: Any) -> list[Problem]:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    with pytest.raises(ProfileError) as caught:
        load_profile_text(name, data, **kw)
    problems = caught.value.problems
    assert problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.hint, problem.render()
    return problems


def _one(name: str, raw: bytes | str, **kw: Any) -> Problem:
    problems = _refused(name, raw, **kw)
    assert len(problems) == 1, "\n".join(p.render() for p in problems)
    return problems[0]


# --- 1. JSON is read as JSON -----------------------------------------------------------


def test_json_surrogate_pair_escapes_are_read_as_the_character() -> None:
    raw = json.dumps(_profile(name="Smile \U0001f600 Charity"))  # ensure_ascii: \ud83d\ude00
    assert "\\ud83d\\ude00" in raw
    loaded = load_profile_text("p.json", raw.encode())
    assert loaded.profile.organisation.name == "Smile \U0001f600 Charity"


def test_json_positions_after_an_escape_on_the_same_line_are_exact() -> None:
    raw = '{"a": "\\ud83d\\ude00\\u00e9\\\\", "b": [1, {"c": true}]}'
    doc = parse_text("p.json", raw.encode())
    assert doc.data == {"a": "\U0001f600é\\", "b": [1, {"c": True}]}
    for path in (("a",), ("b",), ("b", 0), ("b", 1), ("b", 1, "c")):
        line, column = doc.positions[path]
        assert line == 1
        assert raw[column - 1] in '"[1{t', path
    assert raw[doc.key_positions[("b", 1, "c")][1] - 1 :].startswith('"c"')
    assert raw[doc.positions[("b", 1, "c")][1] - 1 :].startswith("true")


def test_json_and_yaml_give_the_same_values_and_positions() -> None:
    text = json.dumps(_profile(), indent=2)
    as_json = parse_text("p.json", text.encode())
    as_yaml = parse_text("p.yaml", text.encode())
    assert as_json.data == as_yaml.data
    assert as_json.positions == as_yaml.positions
    assert as_json.key_positions == as_yaml.key_positions


@pytest.mark.parametrize(
    ("text", "words", "where"),
    [
        ('{"a": 1,}', "comma after the last item", (1, 8)),
        ("[1, 2,]", "comma after the last item", (1, 6)),
        ('{"a": 1 // note\n}', "no comments", (1, 9)),
        ("# note\n{}", "no comments", (1, 1)),
        ("{'a': 1}", "single quotes", (1, 2)),
        ("{\"a\": 'x'}", "single quotes", (1, 7)),
        ("{a: 1}", "field name without double quotes", (1, 2)),
        ("a: 1\n", "not JSON", (1, 1)),
        ("- a\n", "not JSON", (1, 1)),
        ('{"a": &x 1, "b": *x}', "'&' is YAML syntax", (1, 7)),
        ('{"a": !!str 1}', "'!' is YAML syntax", (1, 7)),
        ('{"a": [\n- 1]}', "'-' is YAML syntax", (2, 1)),
        ('{"a": -x}', "number JSON does not accept", (1, 7)),
        ('{"a": True}', "'True' is not a JSON value", (1, 7)),
        ('{"a": 1 "b": 2}', "comma is missing", (1, 9)),
        ('{"a": 01}', "number JSON does not accept", (1, 7)),
        ('{"a": 1.}', "number JSON does not accept", (1, 7)),
        ('{"a": 0x1F}', "number JSON does not accept", (1, 7)),
        ('{"a": ２}', "digit JSON does not read", (1, 7)),
        ('{"a": "x\ty"}', "a tab inside a text", (1, 9)),
        ('{"a": "C:\\Users"}', "unknown escape", (1, 10)),
        ('{"a": 1}}', "closes nothing", (1, 9)),
        ('{"a": 1}\n{"b": 2}', "more text after the end", (2, 1)),
    ],
)
def test_strict_json_syntax_is_refused_where_it_goes_wrong(
    text: str, words: str, where: tuple[int, int]
) -> None:
    problem = _one("p.json", text)
    assert problem.message.startswith("JSON syntax error: "), problem.render()
    assert words in problem.message
    assert (problem.line, problem.column) == where, problem.render()


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(word: str) -> None:
    text = json.dumps(_profile()).replace('"schema_version": 1', f'"schema_version": {word}')
    problem = _one("p.json", text)
    assert f"{word} is not a number" in problem.message
    assert (problem.path, problem.column) == ("schema_version", text.index(word) + 1)


def test_json_duplicate_keys_stay_an_error() -> None:
    problem = _one("p.json", '{"schema_version": 1, "schema_version": 1}')
    assert "duplicate key 'schema_version'" in problem.message
    assert (problem.line, problem.column) == (1, 23)


@pytest.mark.parametrize(
    ("escape", "column"),
    [("\\ud83d", 8), ("x\\ude00", 9), ("\\ud83d\\u0041", 8), ("\\ude00\\ud83d", 8)],
)
def test_json_lone_surrogates_are_refused_at_the_escape(escape: str, column: int) -> None:
    problem = _one("p.json", f'{{"a": "{escape}"}}')
    assert "half of a surrogate pair" in problem.message
    assert (problem.line, problem.column, problem.path) == (1, column, "a")


def test_an_escaped_backslash_before_u_is_not_an_escape() -> None:
    doc = parse_text("p.json", b'{"a": "\\\\ud83d"}')
    assert doc.data == {"a": "\\ud83d"}


def test_a_lone_surrogate_in_a_json_key_is_refused() -> None:
    problems = _refused("p.json", '{"a\\udc00": 1}')
    assert any("half of a surrogate pair" in p.message for p in problems)


def test_json_mode_is_chosen_by_keyword_and_defaults_from_the_name() -> None:
    raw = json.dumps(_profile(name="Smile \U0001f600")).encode()
    assert syntax_for("a.json") == syntax_for("A.JSON") == "json"
    assert syntax_for("<stdin>") == syntax_for("a.yaml") == "yaml"
    assert load_profile_text("<stdin>", raw, syntax="json").profile.organisation.name.endswith(
        "\U0001f600"
    )
    assert load_profile_text("A.JSON", raw).profile.organisation.name.endswith("\U0001f600")
    trailing = b'{"a": 1,}'
    assert parse_text("<stdin>", trailing).data == {"a": 1}  # YAML by default
    with pytest.raises(DocumentError, match="comma after the last item"):
        parse_text("<stdin>", trailing, syntax="json")
    with pytest.raises(DocumentError, match="comma after the last item"):
        parse_text("a.yaml", trailing, syntax="json")  # the keyword wins over the name


def test_read_document_takes_the_syntax_from_the_path_not_the_display_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b'{"a": 1,}')
    with pytest.raises(DocumentError, match="JSON syntax error"):
        read_document(path, display="shown-as.yaml")
    assert read_document(path, syntax="yaml").data == {"a": 1}


def test_a_yaml_file_with_a_surrogate_pair_escape_says_how_to_write_it() -> None:
    problem = _one("p.yaml", YAML.replace("name: Example Charity", 'name: "A \\ud83d\\ude00"'))
    assert "surrogate pair \\ud83d\\ude00" in problem.message
    assert "\\U0001F600" in problem.hint
    assert (problem.line, problem.column) == (4, 12)


def test_deep_json_is_refused_as_too_deep_not_a_crash() -> None:
    problem = _one("p.json", "[" * 5000 + "]" * 5000)
    assert "nested too deeply" in problem.message
    assert (problem.line, problem.column) == (1, 41)


def test_json_with_a_byte_order_mark_and_tab_indentation_is_read() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(_profile(), indent="\t").encode()
    assert load_profile_text("p.json", raw).profile.organisation.id == "example-charity"


# --- 2. register numbers are ASCII ----------------------------------------------------

EXAMPLE_NUMBERS = {
    "companies_house": "06543210",
    "oscr": "SC045326",
    "charity_commission_england_wales": "1123456",
    "charity_commission_northern_ireland": "NIC104567",
}
OTHER_DIGITS: dict[str, Callable[[str], str]] = {
    "fullwidth": lambda s: "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s),
    "arabic-indic": lambda s: "".join(chr(ord(c) - 48 + 0x660) if c.isdigit() else c for c in s),
    "devanagari": lambda s: "".join(chr(ord(c) - 48 + 0x966) if c.isdigit() else c for c in s),
}


def test_every_register_has_an_example() -> None:
    assert set(EXAMPLE_NUMBERS) == set(REGISTER_FORMATS)


@pytest.mark.parametrize("register", sorted(REGISTER_FORMATS))
@pytest.mark.parametrize("digits", sorted(OTHER_DIGITS))
def test_register_numbers_take_ascii_digits_only(register: str, digits: str) -> None:
    number = OTHER_DIGITS[digits](EXAMPLE_NUMBERS[register])
    assert number != EXAMPLE_NUMBERS[register]
    regs = [{"register": register, "number": number}]
    problem = _one("p.json", json.dumps(_profile(registrations=regs), ensure_ascii=False))
    assert f"is not a valid {register} number" in problem.message
    assert EXAMPLE_NUMBERS[register] in problem.hint and "non-ASCII" in problem.hint
    ok = [{"register": register, "number": EXAMPLE_NUMBERS[register]}]
    load_profile_text("p.json", json.dumps(_profile(registrations=ok)).encode())


def test_no_profile_check_pattern_uses_unicode_classes() -> None:
    for pattern, _ in REGISTER_FORMATS.values():
        assert not re.search(r"\\[dwsDWS]", pattern.pattern), pattern.pattern


@pytest.mark.parametrize(
    ("number", "hint"),
    [("sc045326", "capitals: SC045326"), ("SC 045 326", "without spaces: SC045326")],
)
def test_a_number_in_other_dress_is_shown_plainly(number: str, hint: str) -> None:
    regs = [{"register": "oscr", "number": number}]
    assert hint in _one("p.json", json.dumps(_profile(registrations=regs))).hint


def test_an_id_with_fullwidth_letters_is_refused() -> None:
    problem = _one("p.json", json.dumps(_profile(id="ｅｘａｍｐｌｅ"), ensure_ascii=False))
    assert "is not a valid id" in problem.message and "'example'" in problem.hint


# --- 3. explicit core tags construct what they name -------------------------------------


def test_core_tags_that_fit_construct_what_they_name() -> None:
    text = YAML.replace("name: Example Charity", "name: !!str 123").replace(
        "nations: [england]", "nations: [england]\n  annual_income_gbp: !!int 410000"
    )
    text += (
        "governance:\n  safeguarding_policy: !!bool true\n  ico_registered: !!null ~\n"
        "  register_of_interests: !!bool FALSE\n"
        "imsa_service:\n  planned_imsas: !!int '2'\n"
        "related_organisations:\n"
    )
    text = text.replace("related_organisations: []\n", "").replace(
        "related_organisations:\n",
        "related_organisations:\n  - {id: fu, name: F, functions: [], relations: [funder], "
        "income_share: !!float 0.25}\n",
    )
    profile = load_profile_text("p.yaml", text.encode()).profile
    assert profile.organisation.name == "123"
    assert profile.organisation.annual_income_gbp == 410000
    assert profile.governance is not None
    assert profile.governance.safeguarding_policy is True
    assert profile.governance.register_of_interests is False
    assert profile.governance.ico_registered is None
    assert profile.imsa_service is not None and profile.imsa_service.planned_imsas == 2
    assert str(profile.related_organisations[0].income_share) == "0.25"


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("!!str 2", "not the text '2': the tag '!!str' makes it text", "planned_imsas: 2"),
        ("&a !!str 2", "the tag '!!str' makes it text", "planned_imsas: 2"),
        ("!<tag:yaml.org,2002:str> 2", "the tag '!<tag:yaml.org,2002:str>'", "planned_imsas: 2"),
        ("! 2", "the tag '!' makes it text", "planned_imsas: 2"),
        ("!!float 2", "not the decimal 2: the tag '!!float' makes it a decimal", "!!float"),
        ("!!int abc", "'abc' is tagged '!!int'", "delete the tag '!!int'"),
        ("!!null 2", "'2' is tagged '!!null'", "delete the tag '!!null'"),
        ("!!bool yes", "'yes' is tagged '!!bool'", "delete the tag '!!bool'"),
        ("!!float .nan", "'.nan' is tagged '!!float'", "delete the tag '!!float'"),
        ("!!map 2", "the tag '!!map' cannot be put on a single value", "delete the tag"),
    ],
)
def test_a_tag_is_named_as_the_reason_a_value_does_not_fit(
    value: str, message: str, hint: str
) -> None:
    problem = _one("p.yaml", YAML + f"imsa_service:\n  planned_imsas: {value}\n")
    assert message in problem.message, problem.render()
    assert hint in problem.hint, problem.render()
    assert (problem.line, problem.column, problem.path) == (11, 18, "imsa_service.planned_imsas")


def test_a_float_tag_on_a_whole_number_says_to_remove_the_tag() -> None:
    text = YAML.replace(
        "nations: [england]", "nations: [england]\n  annual_income_gbp: !!float 410000"
    )
    problem = _one("p.yaml", text)
    assert "not 410000" not in problem.message
    assert "the decimal 410000: the tag '!!float' makes it a decimal" in problem.message
    assert problem.hint == "delete the tag '!!float' (and any quotes): annual_income_gbp: 410000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("insurance: !!str {employers_liability: true}\n", "cannot be put on a mapping"),
        ("insurance: !!seq {employers_liability: true}\n", "cannot be put on a mapping"),
        ("people: !!map []\n", "cannot be put on a list"),
        ("!!int 5: x\n", "the tag '!!int' cannot be put on it"),
        ("!!python/name:os.system : x\n", "is not allowed"),
    ],
)
def test_tags_on_the_wrong_kind_of_node_or_on_keys_are_refused(text: str, message: str) -> None:
    base = YAML.replace("people: []\n", "") if text.startswith("people") else YAML
    problems = _refused("p.yaml", base + text)
    assert any(message in p.message for p in problems), [p.render() for p in problems]


def test_tags_are_recorded_on_the_document() -> None:
    doc = parse_text("p.yaml", b"a: !!str 2\nb: 2\nc: &x !!int 3\n")
    assert doc.data == {"a": "2", "b": 2, "c": 3}
    assert doc.tags == {("a",): ("!!str", "2"), ("c",): ("!!int", "3")}


# --- 4. names and other free text -------------------------------------------------------

TEXT_FIELDS: dict[str, tuple[Callable[[str], dict[str, Any]], str]] = {
    "organisation.name": (lambda v: _profile(name=v), "organisation.name"),
    "related_organisations[].name": (
        lambda v: _profile(
            related_organisations=[{"id": "f1", "name": v, "functions": [], "relations": []}]
        ),
        "related_organisations[0].name",
    ),
    "people[].name": (
        lambda v: _profile(people=[{"id": "p1", "name": v, "roles": []}]),
        "people[0].name",
    ),
    "affiliations[].organisation": (
        lambda v: _profile(
            people=[
                {
                    "id": "p1",
                    "roles": [],
                    "affiliations": [{"organisation": v, "functions": []}],
                }
            ]
        ),
        "people[0].affiliations[0].organisation",
    ),
    "registrations[].number": (
        lambda v: _profile(registrations=[{"register": "oscr", "number": v}]),
        "organisation.registrations[0].number",
    ),
}
BAD_TEXT = {
    "blank": ("   ", "is blank"),
    "zero-width only": ("\u200b\u200d", "is blank"),
    "bell": ("Example\x07", "control character, U+0007 BELL"),
    "escape": ("Ex\x1b[2Jample", "control character, U+001B ESCAPE"),
    "c1": ("Example\x9b", "control character, U+009B"),
    "delete": ("Example\x7f", "control character, U+007F DELETE"),
    "tab": ("Example\tCharity", "holds a tab"),
    "newline": ("Example\nCharity", "holds a line break"),
    "carriage return": ("Example\rCharity", "holds a line break"),
    "line separator": ("Example\u2028Charity", "holds a line break"),
    "bidi override": ("Example\u202eytirahC", "direction control, U+202E RIGHT-TO-LEFT OVERRIDE"),
    "bidi isolate": ("\u2067Example", "direction control, U+2067 RIGHT-TO-LEFT ISOLATE"),
    "too long": ("A" * (MAX_TEXT + 1), f"is {MAX_TEXT + 1} characters long; the limit is 300"),
    "900 KB": ("A" * 900_000, "is 900,000 characters long; the limit is 300"),
}


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("case", sorted(BAD_TEXT))
def test_names_and_free_text_must_be_plain_one_line_text(field: str, case: str) -> None:
    build, path = TEXT_FIELDS[field]
    value, words = BAD_TEXT[case]
    text = json.dumps(build(value), indent=1)
    problem = _one("p.json", text)
    assert problem.path == path, problem.render()
    assert words in problem.message, problem.render()
    assert len(problem.render()) < 400  # a 900 KB value is not repeated in the message
    line = text.splitlines()[problem.line - 1]
    assert line[problem.column - 1 :].startswith('"'), problem.render()  # at the value


def test_names_in_any_script_up_to_the_limit_are_accepted() -> None:
    for name in ("Zoë 👩‍👩‍👧 Ŵy", "Сообщество", "مجتمع", "日本の会", "A" * MAX_TEXT, "a\u00a0b"):
        loaded = load_profile_text("p.json", json.dumps(_profile(name=name)).encode())
        assert loaded.profile.organisation.name == name


def test_a_yaml_block_name_keeps_its_line_break_and_is_refused() -> None:
    text = YAML.replace("  name: Example Charity\n", "  name: |\n    Example Charity\n")
    problem = _one("p.yaml", text)
    assert "line break" in problem.message and (problem.line, problem.column) == (4, 9)


# --- 5. a large document without aliases is not blamed on aliases ------------------------


def test_a_large_profile_without_aliases_says_how_large_it_is() -> None:
    people = "".join(f"  - {{id: p{i}, roles: [trustee]}}\n" for i in range(MAX_VALUES // 4 + 10))
    text = YAML.replace("people: []\n", "people:\n" + people)
    problem = _one("p.yaml", text)
    assert "alias" not in problem.message + problem.hint
    assert re.search(r"the document holds [0-9,]+ values; the limit is 50,000", problem.message)


def test_a_large_json_profile_says_how_large_it_is() -> None:
    doc = _profile(people=[{"id": f"p{i}", "roles": ["trustee"]} for i in range(13_000)])
    problem = _one("p.json", json.dumps(doc))
    assert "alias" not in problem.message + problem.hint
    assert "the document holds 52," in problem.message and "the limit is 50,000" in problem.message


def test_an_alias_bomb_is_still_blamed_on_aliases() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 7)]
    problem = _one("p.yaml", "\n".join(lines) + "\n")
    assert "through YAML aliases" in problem.message and "holds 17 as written" in problem.message
    assert (problem.line, problem.column) == (2, 10)  # the first alias


# --- 6. UTF-16 and UTF-32 are named ----------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "words"),
    [
        ("utf-16", "UTF-16 text (little-endian: it starts with the byte-order mark FF FE)"),
        ("utf-16-le", "UTF-16 text (little-endian, with no byte-order mark"),
        ("utf-16-be", "UTF-16 text (big-endian, with no byte-order mark"),
        ("utf-32", "UTF-32 text (little-endian: it starts with the byte-order mark FF FE 00 00)"),
        ("utf-32-be", "UTF-32 text (big-endian"),
    ],
)
@pytest.mark.parametrize("name", ["p.yaml", "p.json"])
def test_utf16_and_utf32_are_named_and_the_fix_given(codec: str, words: str, name: str) -> None:
    text = YAML if name.endswith(".yaml") else json.dumps(_profile())
    problem = _one(name, text.encode(codec))
    assert words in problem.message and "not UTF-8" in problem.message
    assert "binary" not in problem.message
    assert problem.hint.startswith("save it as UTF-8")


def test_a_big_endian_bom_is_named() -> None:
    problem = _one("p.yaml", b"\xfe\xff" + YAML.encode("utf-16-be"))
    assert "byte-order mark FE FF" in problem.message


@pytest.mark.parametrize("name", ["p.yaml", "p.json"])
def test_utf8_with_a_byte_order_mark_is_read(name: str) -> None:
    text = YAML if name.endswith(".yaml") else json.dumps(_profile())
    loaded = load_profile_text(name, b"\xef\xbb\xbf" + text.encode())
    assert loaded.profile.organisation.id == "example-charity"


def test_binary_data_is_still_called_binary() -> None:
    problem = _one("p.yaml", b"# header\nPK\x03\x04\x00\x00\x08\x00 binary \x00\x01\x02")
    assert "binary data" in problem.message


# --- 7. quoted numbers and booleans: the quotes are named ------------------------------


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        ('schema_version: "1"', "expected the number 1, not the text '1'", "schema_version: 1"),
        ("schema_version: '1'", "the quotes make it text", "schema_version: 1"),
        ("schema_version: 1.0", "must be the whole number 1, not 1.0", "schema_version: 1"),
        ("schema_version: true", "must be the number 1, not true", "schema_version: 1"),
        ("schema_version:", "schema_version has no value", "schema_version: 1"),
        ("schema_version: 2", "unsupported schema_version 2", "schema_version: 1"),
    ],
)
def test_schema_version_messages_are_exact(line: str, message: str, hint: str) -> None:
    problem = _one("p.yaml", YAML.replace("schema_version: 1", line))
    assert message in problem.message and "such as 2" not in problem.message + problem.hint
    assert hint in problem.hint


@pytest.mark.parametrize(
    ("extra", "message", "hint"),
    [
        ("imsa_service: {planned_imsas: '2'}", "not the text '2'", "planned_imsas: 2"),
        ('imsa_service: {accredited_imsas: "0"}', "not the text '0'", "accredited_imsas: 0"),
        (
            "insurance: {employers_liability: 'true'}",
            "not the text 'true'",
            "employers_liability: true",
        ),
        (
            'insurance: {employers_liability: "False"}',
            "not the text 'False'",
            "employers_liability: false",
        ),
    ],
)
def test_quoted_numbers_and_booleans_are_told_to_lose_the_quotes(
    extra: str, message: str, hint: str
) -> None:
    problem = _one("p.yaml", YAML + extra + "\n")
    assert message in problem.message and "the quotes make it text" in problem.message
    assert problem.hint == f"write it without quotes: {hint}"


def test_a_quoted_share_and_a_quoted_income_are_told_to_lose_the_quotes() -> None:
    related = "related_organisations: [{id: fu, name: F, functions: [], relations: [funder], "
    text = YAML.replace("related_organisations: []", related + "income_share: '0.2'}]")
    assert _one("p.yaml", text).hint == "write it without quotes: income_share: 0.2"
    text = YAML.replace("nations: [england]", 'nations: [england]\n  annual_income_gbp: "5000"')
    assert _one("p.yaml", text).hint == "write it without quotes: annual_income_gbp: 5000"


# --- 8. look-alike characters are named ------------------------------------------------


def test_a_confusable_key_names_the_character() -> None:
    problem = _one("p.yaml", YAML.replace("  name:", "  n\u0430me:"))
    assert "did you mean 'name'?" in problem.hint
    assert "U+0430 CYRILLIC SMALL LETTER A, where 'name' has 'a'" in problem.hint


def test_a_confusable_enum_value_names_the_character() -> None:
    problem = _one("p.yaml", YAML.replace("[england]", "[\u0435ngland]"))
    assert "did you mean 'england'?" in problem.hint
    assert "U+0435 CYRILLIC SMALL LETTER IE, where 'england' has 'e'" in problem.hint


def test_a_confusable_controller_id_names_the_character() -> None:
    related = (
        "related_organisations:\n"
        "  - {id: parent-co, name: P, functions: [], relations: [parent]}\n"
        "  - {id: sub, name: S, functions: [], relations: [], controlled_by: [parent-c0]}\n"
    )
    problem = _one("p.yaml", YAML.replace("related_organisations: []\n", related))
    assert "did you mean 'parent-co'?" in problem.hint
    assert "'0' (U+0030 DIGIT ZERO) where 'parent-co' has 'o'" in problem.hint


def test_a_non_ascii_id_is_shown_with_its_plain_spelling() -> None:
    problem = _one("p.yaml", YAML.replace("id: example-charity", "id: ex\u0430mple-charity"))
    assert "such as 'example-charity'" in problem.hint
    assert "U+0430 CYRILLIC SMALL LETTER A" in problem.hint


def test_a_word_of_look_alikes_only_is_still_matched() -> None:
    problem = _one("p.yaml", YAML.replace("schema_version", "ѕсһеmа_vеrѕіоn"))
    assert "did you mean 'schema_version'? (a required field)" in problem.hint
    assert "non-ASCII characters" in problem.hint


@pytest.mark.parametrize(
    ("word", "guess", "words"),
    [
        ("n\u0430me", "name", "has a non-ASCII character, U+0430 CYRILLIC SMALL LETTER A"),
        ("na\u200bme", "name", "U+200B ZERO WIDTH SPACE, which 'name' does not have"),
        ("ｎａｍｅ", "name", "4 non-ASCII characters, such as U+FF4E FULLWIDTH LATIN SMALL"),
        ("\ufb01le", "file", "U+FB01 LATIN SMALL LIGATURE FI, where 'file' has 'fi'"),
        ("0rganisation", "organisation", "look-alike character, '0' (U+0030 DIGIT ZERO)"),
        ("nme", "name", ""),
        ("Name", "name", ""),
    ],
)
def test_difference_names_only_what_cannot_be_seen(word: str, guess: str, words: str) -> None:
    assert closest(word, [guess, "other"]) == guess
    said = difference(word, guess)
    assert (words in said) if words else said == ""
    assert did_you_mean(word, [guess]).startswith(f"did you mean '{guess}'?")


def test_skeleton_folds_look_alikes() -> None:
    assert skeleton("ѕсһеmа\u200b_vеrѕіоn") == "schema_version"
    assert skeleton("ＳＣ０４５３２６") == "SC045326"


# --- neighbours -------------------------------------------------------------------------


def test_a_superscript_digit_in_an_income_is_refused_not_a_crash() -> None:
    text = YAML.replace("nations: [england]", "nations: [england]\n  annual_income_gbp: '²'")
    assert "expected a whole number" in _one("p.yaml", text).message


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("1_000", "annual_income_gbp: 1000"),
        ("1e3", "annual_income_gbp: 1000"),
        ("'５００'", ": 500"),
    ],
)
def test_numbers_in_other_dress_get_the_plain_number(value: str, hint: str) -> None:
    text = YAML.replace("nations: [england]", f"nations: [england]\n  annual_income_gbp: {value}")
    assert hint in _one("p.yaml", text).hint


@pytest.mark.parametrize("name", ["p.yaml", "p.json"])
def test_a_number_with_thousands_of_digits_is_refused_with_its_place(name: str) -> None:
    digits = "1" + "0" * 5000
    text = (
        YAML.replace("schema_version: 1", f"schema_version: {digits}")
        if name.endswith(".yaml")
        else json.dumps(_profile()).replace('"schema_version": 1', f'"schema_version": {digits}')
    )
    problem = _one(name, text)
    assert "5,001 digits" in problem.message and "!!str" not in problem.hint
    assert problem.path == "schema_version"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("p.yaml", YAML + "k" * 250 + ": 1\n", "a key of 250 characters"),
        ("p.yaml", YAML + "k" * 1100 + ": 1\n", "a key of 1,100 characters; YAML reads"),
        ("p.yaml", YAML + '{"' + "k" * 1100 + '": 1}\n', "YAML reads a key of at most 1,024"),
        ("p.yaml", YAML + "people:\n  - " + "k" * 1100 + ": 1\n", "YAML reads a key"),
        ("p.json", '{"' + "k" * 250 + '": 1}', "a key of 250 characters"),
        ("p.yaml", YAML + ": orphan\n", "a field with no name"),
        ("p.json", '{"": 1}', "a field has no name"),
    ],
)
def test_very_long_and_empty_keys_are_refused_as_such(name: str, text: str, words: str) -> None:
    problems = _refused(name, text)
    assert any(words in p.message for p in problems), [p.render() for p in problems]
    assert all(len(p.render()) < 600 for p in problems)


def test_a_key_that_is_a_number_is_an_unknown_field() -> None:
    problem = _one("p.yaml", YAML + "1: x\n")
    assert (problem.path, problem.message) == ("1", "unknown field '1'")


def test_the_cli_validates_a_json_profile_with_escaped_emoji(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "emoji.json"
    path.write_text(json.dumps(_profile(name="Smile \U0001f600")), encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert load_profile(path).profile.organisation.name == "Smile \U0001f600"
