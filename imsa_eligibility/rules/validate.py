"""Check rule documents against the published JSON Schema, with located, plain messages.

One mistake gives one message. jsonschema reports a value that fits none of a ``oneOf``'s
forms with the errors of every form (a wrong key in a condition gave one error per kind of
condition); here the form the author meant is picked out (the one whose keys the value
has) and only its errors are explained, recursively. A misspelt required key is reported
as the misspelling, not also as the key that is then missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from ..errors import Problem
from ..source import Document, PathKey
from ..suggest import closest, did_you_mean
from .schema import DERIVED_OPERATORS, LEAF_OPERATORS, rules_schema

_CONDITION_KEYS = ("all", "any", "not", "some", "every", "fact", "derived")
_LEAF_EXAMPLE = "{fact: governance.safeguarding_policy, is: false}"
_CONDITION_FORMS = (
    "write {fact: PATH, OPERATOR: VALUE} (such as "
    + _LEAF_EXAMPLE
    + "), or start it with all:, any:, not:, some:, every: or derived:"
)

# Patterns of the schema, in the words of what to write.
_PATTERNS = {
    "^[A-Z]{2,5}-[0-9]{3}$": "2 to 5 capital letters, a hyphen and 3 digits, such as IND-016",
    "^[a-z][a-z0-9_]*$": "lower-case letters, digits and underscores, starting with a letter, "
    "such as {suggestion}",
    r"^\d{4}-\d{2}-\d{2}$": "a date as YYYY-MM-DD, such as 2025-04-01",
    "^[a-z0-9][a-z0-9-]*$": "lower-case letters, digits and hyphens, such as {suggestion}",
}
# What a missing required key holds, for the hint that adds it.
_REQUIRED = {
    "id": "a new id such as IND-016 (ids are never reused)",
    "title": "a short title",
    "section": "the framework section: 1, 2, 3 or 4",
    "effect": "exclude, refer, condition or advise",
    "waivable": "true or false",
    "when": "the condition, such as " + _LEAF_EXAMPLE,
    "because": "why the rule exists, in plain words",
    "remedy": "what the organisation can do about it",
    "source": "the law, guidance or policy it rests on",
    "version": 'the rule set\'s version, in quotes, such as "2026.11.0"',
    "description": "a sentence saying what it is",
    "values": "the list of values, such as [policing, prosecution]",
    "by_nation": "the value for each nation, one 'england: VALUE' a line",
    "sum": "the numeric fact to add up, such as income_share",
    "over": "the list of items to add it over, such as related_organisations",
    "where": "the condition each item must meet",
    "rules": "the list of rules, each starting '- id: ...'",
}
_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "nothing",
}


@cache
def _validators() -> dict[str, jsonschema.protocols.Validator]:
    schema = rules_schema()
    defs = schema["$defs"]
    out: dict[str, jsonschema.protocols.Validator] = {}
    for kind in ("ruleset", "rules"):
        sub = {"$schema": schema["$schema"], **defs[kind], "$defs": defs}
        out[kind] = jsonschema.Draft202012Validator(sub)
    return out


def _plain(value: Any) -> Any:
    """The document with numbers as plain int/float, as jsonschema expects."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    return float(value)


def schema_problems(doc: Document) -> list[Problem]:
    """Every place where ``doc`` breaks the rule-file schema, one problem per mistake."""
    data = _plain(doc.data)
    if not isinstance(data, dict):
        return [
            doc.problem(
                (),
                "a rule file must be a mapping with 'kind: ruleset' or 'kind: rules'",
                "start the file with 'kind: rules' and a 'rules:' list (as the files in "
                "rules/ do), or 'kind: ruleset' for the rule set's lists and parameters",
            )
        ]
    kind = data.get("kind")
    if kind not in ("ruleset", "rules"):
        hint = (
            did_you_mean(str(kind), ["ruleset", "rules"], noun="kind")
            if kind
            else (
                "add 'kind: rules' (a file of rules) or 'kind: ruleset' (the rule set's lists "
                "and parameters)"
            )
        )
        what = f"unknown kind {kind!r}" if kind is not None else "the file has no 'kind'"
        return [doc.problem(("kind",), what, hint, key=True)]
    return sorted(set(_explain_all(doc, _validators()[kind].iter_errors(data))))


def _explain_all(doc: Document, errors: Iterable[ValidationError]) -> list[Problem]:
    """Explain sibling errors, folding a misspelt required key into one message."""
    errors = list(errors)
    meant: dict[tuple[PathKey, str], str] = {}  # (mapping, misspelt key) -> required key
    for error in errors:
        if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
            continue
        path = tuple(error.absolute_path)
        required = set(_schema(error).get("required", ())) - set(error.instance)
        for key in _extra_keys(error):
            guess = closest(key, required)
            if guess is not None:
                meant[(path, key)] = guess
    folded = {(path, guess) for (path, _), guess in meant.items()}
    # A value of the wrong type also fails its enum, pattern or length: say the type only.
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    problems: list[Problem] = []
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "required" and (path, _required_name(error)) in folded:
            continue
        if path in mistyped and error.validator != "type":
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            for key in _extra_keys(error):
                if (path, key) in meant:
                    problems.append(
                        doc.problem(
                            (*path, key),
                            f"unknown key '{key}'",
                            f"did you mean '{meant[(path, key)]}'? (a required key)",
                            key=True,
                        )
                    )
                else:
                    problems.append(_unknown_key(doc, path, key, error))
            continue
        problems += _explain(doc, error)
    return problems


def _schema(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _extra_keys(error: ValidationError) -> list[str]:
    allowed = _schema(error).get("properties", {})
    instance: Any = error.instance
    return [str(k) for k in instance if k not in allowed] if isinstance(instance, dict) else []


def _required_name(error: ValidationError) -> str:
    return error.message.split("'")[1] if "'" in error.message else "?"


def _unknown_key(doc: Document, path: PathKey, key: str, error: ValidationError) -> Problem:
    allowed = list(_schema(error).get("properties", {}))
    if "fact" in allowed and "is" in allowed:
        return doc.problem(
            (*path, key),
            f"unknown operator '{key}'",
            did_you_mean(key, LEAF_OPERATORS, noun="operator"),
            key=True,
        )
    if "derived" in allowed and "more_than" in allowed:
        return doc.problem(
            (*path, key),
            f"unknown operator '{key}'",
            did_you_mean(key, DERIVED_OPERATORS, noun="operator"),
            key=True,
        )
    return doc.problem(
        (*path, key), f"unknown key '{key}'", did_you_mean(key, allowed, noun="key"), key=True
    )


def _explain(doc: Document, error: ValidationError) -> list[Problem]:
    path: PathKey = tuple(error.absolute_path)
    instance: Any = error.instance
    name = path[-1] if path else ""
    if error.validator in ("oneOf", "anyOf"):
        return _alternatives(doc, error)
    if _in_property_names(error):
        return [_property_name(doc, path, error)]
    if error.validator == "additionalProperties":
        return _explain_all(doc, [error])
    if error.validator == "required":
        key = _required_name(error)
        if key == "where":
            return [
                doc.problem(
                    path,
                    f"a '{_head(instance)}' needs a 'where' condition",
                    "add 'where:' with the condition each item is tested against, such as "
                    "where: {fact: functions, has: policing}",
                    key=True,
                )
            ]
        what = f" with {_REQUIRED[key]}" if key in _REQUIRED else ""
        return [
            doc.problem(path, f"required key '{key}' is missing", f"add '{key}:'{what}", key=True)
        ]
    if error.validator == "enum":
        options = [str(o) for o in _listed(error.validator_value)]
        allowed = did_you_mean("", options, noun="value")
        if instance is None:
            return [doc.problem(path, f"'{name}' has no value", allowed)]
        if isinstance(instance, list | dict):
            one = [str(v) for v in instance] if isinstance(instance, list) else []
            hint = (
                f"write it without brackets: {name}: {one[0]}"
                if len(one) == 1 and one[0] in options
                else allowed
            )
            return [doc.problem(path, f"expected one value, not {_shown(instance)}", hint)]
        return [
            doc.problem(
                path,
                f"{instance!r} is not allowed here",
                did_you_mean(str(instance), options, noun="value"),
            )
        ]
    if error.validator == "const":
        return [
            doc.problem(
                path, f"{instance!r} is not allowed here", f"write {error.validator_value!r}"
            )
        ]
    if error.validator == "pattern":
        return [
            doc.problem(
                path,
                f"{instance!r} does not have the expected form",
                "write " + _form(str(error.validator_value), str(instance)),
            )
        ]
    if error.validator == "type":
        return [_wrong_type(doc, path, error)]
    if error.validator == "minItems" and name in ("all", "any"):
        return [
            doc.problem(
                path,
                f"an '{name}' needs at least one condition",
                f"list the conditions under '{name}:', one '- ' a line, or remove the '{name}'",
            )
        ]
    if error.validator == "minItems":
        return [doc.problem(path, "the list is empty", "give at least one value, as in [a, b]")]
    if error.validator == "uniqueItems":
        items = list(instance) if isinstance(instance, list) else []
        repeated = sorted({str(v) for v in items if items.count(v) > 1})
        return [
            doc.problem(
                path,
                "the list repeats " + ", ".join(f"'{v}'" for v in repeated),
                "list each value once",
            )
        ]
    if error.validator == "minLength":
        return [doc.problem(path, f"'{name}' is empty", f"write the {name} after '{name}:'")]
    if error.validator in ("minProperties", "maxProperties"):
        return [_property_count(doc, path, error)]
    return [doc.problem(path, error.message, _fallback(error))]


def _fallback(error: ValidationError | None) -> str:
    """The hint for a check the messages above do not word (none in the shipped schema)."""
    described = _schema(error).get("description") if error is not None else None
    if described:
        return f"write {described}"
    return "write it in the form schemas/rules.schema.json gives for this key"


def _listed(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _head(instance: Any) -> str:
    keys = [k for k in _CONDITION_KEYS if isinstance(instance, dict) and k in instance]
    return keys[0] if keys else "condition"


def _form(pattern: str, instance: str) -> str:
    words = _PATTERNS.get(pattern)
    if words is None:
        return f"a value matching {pattern}"
    sep = "-" if "hyphens" in words else "_"
    suggestion = re.sub(r"[^a-z0-9]+", sep, instance.lower()).strip(sep) or "a_name"
    if sep == "_" and not suggestion[0].isalpha():
        suggestion = "a_name"
    return words.format(suggestion=suggestion)


def _in_property_names(error: ValidationError) -> bool:
    return list(error.relative_schema_path)[-2:-1] == ["propertyNames"]


def _property_name(doc: Document, path: PathKey, error: ValidationError) -> Problem:
    key = str(error.instance)
    if error.validator == "enum":
        return doc.problem(
            (*path, key),
            f"'{key}' is not allowed here",
            did_you_mean(key, [str(v) for v in _listed(error.validator_value)], noun="name"),
            key=True,
        )
    form = _form(str(error.validator_value), key) if error.validator == "pattern" else "a name"
    return doc.problem((*path, key), f"'{key}' is not a valid name", f"write {form}", key=True)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def _fits_type(value: Any, expected: Any) -> bool:
    names = set(_listed(expected)) if isinstance(expected, list) else {expected}
    actual = _json_type(value)
    return actual in names or (actual == "integer" and "number" in names)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _wrong_type(doc: Document, path: PathKey, error: ValidationError) -> Problem:
    expected = error.validator_value
    names = _listed(expected) if isinstance(expected, list) else [expected]
    words = " or ".join(_TYPES.get(str(n), str(n)) for n in names)
    value = error.instance
    name = path[-1] if path else ""
    message = f"expected {words}, not {_shown(value)}"
    if name in ("all", "any") and "array" in names:
        return doc.problem(
            path,
            f"an '{name}' takes a list of conditions, not {_shown(value)}",
            f"write each condition under '{name}:' on its own line, starting with '- '",
        )
    if "enum" in _schema(error):
        hint = did_you_mean("", [str(v) for v in _listed(_schema(error)["enum"])], noun="value")
    elif value is None:
        hint = f"write a value after '{name}:'" if name else "write a value"
    elif "string" in names and "pattern" in _schema(error):
        one = value[0] if isinstance(value, list) and len(value) == 1 else None
        hint = (
            f"write the name without brackets: {name}: {one}"
            if isinstance(one, str)
            else "write a name of " + _form(str(_schema(error)["pattern"]), str(value))
        )
    elif "string" in names and isinstance(value, bool | int | float):
        hint = f"put it in quotes to make it text: '{_shown(value)}'"
    elif "string" in names:
        hint = "write one piece of text on the same line, not a list or mapping"
    elif "array" in names:
        hint = "write a list: [a, b], or one '- item' a line"
    elif "object" in names:
        hint = "write its keys indented under it, one 'key: value' a line"
    elif "boolean" in names:
        hint = "write true or false, without quotes"
    else:
        hint = f"write {words}, without quotes"
    return doc.problem(path, message, hint)


def _property_count(doc: Document, path: PathKey, error: ValidationError) -> Problem:
    instance = error.instance if isinstance(error.instance, dict) else {}
    props = _schema(error).get("properties", {})
    if "more_than" in props:  # a fact or derived test: {fact: ..., OPERATOR: VALUE}
        head = "fact" if "fact" in props else "derived"
        operators = [k for k in instance if k != head]
        if not operators:
            example = _LEAF_EXAMPLE if head == "fact" else "{derived: NAME, more_than: 0.5}"
            return doc.problem(
                path,
                f"a {head} test needs an operator",
                f"write {{{head}: ..., OPERATOR: VALUE}}, such as {example}",
            )
        return doc.problem(
            path,
            f"a {head} test needs exactly one operator, not {len(operators)} "
            f"({', '.join(operators)})",
            "write each test as its own condition and combine them under 'all:' or 'any:'",
        )
    if error.validator == "minProperties" and path[-1:] == ("by_nation",):
        return doc.problem(
            path,
            "the parameter has no value for any nation",
            "give its value for each nation it applies in, one a line, such as 'england: VALUE'",
        )
    if error.validator == "minProperties":
        return doc.problem(path, "this mapping is empty", "give at least one 'key: value'")
    return doc.problem(path, error.message, _fallback(error))


def _alternatives(doc: Document, error: ValidationError) -> list[Problem]:
    """A value that fits none of the forms a ``oneOf`` allows: explain the form meant."""
    path: PathKey = tuple(error.absolute_path)
    instance = error.instance
    forms = [f if isinstance(f, dict) else {} for f in _listed(error.validator_value)]
    condition = any("all" in f.get("properties", {}) for f in forms)
    operand = any("param" in f.get("properties", {}) for f in forms)
    if not error.context:  # it fits more than one form: the schema's forms overlap
        return [doc.problem(path, error.message, _fallback(error))]
    if condition:
        found = _condition_shape(doc, path, instance)
        if found is not None:
            return [found]
    chosen = _chosen_form(instance, forms)
    if isinstance(chosen, list):
        keys = [str(_listed(forms[i].get("required"))[0]) for i in chosen]
        return [
            doc.problem(
                path,
                " and ".join(f"'{k}'" for k in keys) + " cannot be used together",
                "keep one of them: write {" + keys[0] + ": ...} or {" + keys[1] + ": ...}",
            )
        ]
    if chosen is None:
        narrow = _narrow_form(doc, path, instance, forms)
        if narrow is not None:
            return [narrow]
        return [_no_form(doc, path, instance, forms, condition=condition, operand=operand)]
    inside = [e for e in error.context if list(e.relative_schema_path)[:1] == [chosen]]
    if not inside:  # unreachable for the rule schema; keep a located message regardless
        return [doc.problem(path, best_match(error.context).message, _fallback(error))]
    return _explain_all(doc, inside)


def _condition_shape(doc: Document, path: PathKey, cond: Any) -> Problem | None:
    """A condition that is not a mapping, or mixes forms: one message before any form."""
    if isinstance(cond, list):
        return doc.problem(
            path,
            "a condition must be a mapping, not a list",
            "put several conditions under 'all:' (every one must hold) or 'any:' (one is "
            "enough), or write one condition without the '- '",
        )
    if not isinstance(cond, dict) or not cond:
        what = "an empty mapping" if isinstance(cond, dict) else _shown(cond)
        return doc.problem(path, f"a condition must be a mapping, not {what}", _CONDITION_FORMS)
    heads = [k for k in _CONDITION_KEYS if k in cond]
    if len(heads) > 1:
        return doc.problem(
            path,
            "a condition mixes " + " and ".join(heads),
            "write one condition per mapping: wrap several conditions in 'all:' or 'any:'",
        )
    return None


def _chosen_form(instance: Any, forms: list[dict[str, Any]]) -> int | list[int] | None:
    """The form the author meant: of the forms whose type fits, the one with most of its
    required keys present (for a mapping, at least one). A list when the value holds the
    keys of several forms in full (it mixes them); None when it fits none."""
    scored: list[tuple[int, int, bool]] = []
    for index, form in enumerate(forms):
        if "type" in form and not _fits_type(instance, form["type"]):
            continue
        required = [str(k) for k in _listed(form.get("required"))]
        given = [str(k) for k in instance] if isinstance(instance, dict) else []
        hits = sum(1 for key in required if key in given)
        if isinstance(instance, dict) and required and not hits:
            continue
        extra = [k for k in given if k not in form.get("properties", {})]
        near = sum(1 for key in required if key not in given and closest(key, extra))
        scored.append((hits + near, index, hits == len(required) > 0))
    if not scored:
        return None
    top = max(hits for hits, _, _ in scored)
    full = [index for hits, index, whole in scored if whole and hits == top]
    if len(full) > 1:
        return full
    return next(index for hits, index, _ in scored if hits == top)


def _narrow_form(
    doc: Document, path: PathKey, instance: Any, forms: list[dict[str, Any]]
) -> Problem | None:
    """The three small choices of the schema, worded: a threshold (a number or a numeric
    parameter), an item of a list of values (a value or a parameter) and a parameter's
    value (a value or a list of values)."""
    kinds = [f.get("type") for f in forms]
    params = any("param" in f.get("properties", {}) for f in forms)
    if isinstance(instance, dict) and instance and params:
        return None  # a mapping meant as {param: ...}: its own keys are explained
    if kinds == ["number", "object"] and params:
        return doc.problem(
            path,
            f"expected a number or {{param: NAME}}, not {_shown(instance)}",
            "write a number such as 0.5, or {param: NAME} for the value of a numeric "
            "parameter (one for each nation, in ruleset.yaml)",
        )
    if len(kinds) == 2 and kinds[1] == "object" and params:
        return doc.problem(
            path,
            f"expected a value or {{param: NAME}}, not {_shown(instance)}",
            "write each value of the list on its own, such as [funder, {param: NAME}]; a "
            "parameter whose value is a list adds all its values",
        )
    if len(kinds) == 2 and kinds[1] == "array" and not params:
        return doc.problem(
            path,
            f"expected a value or a list of values, not {_shown(instance)}",
            "write one value (such as 0.5, true or a name) or a list such as [a, b]",
        )
    return None


def _no_form(
    doc: Document,
    path: PathKey,
    instance: Any,
    forms: list[dict[str, Any]],
    *,
    condition: bool,
    operand: bool,
) -> Problem:
    starts = sorted({str(k) for f in forms for k in _listed(f.get("required"))})
    known = {str(k) for f in forms for k in f.get("properties", {})}
    if isinstance(instance, dict):
        unknown = [str(k) for k in instance if k not in known]
        if unknown:
            key = unknown[0]
            noun = "condition" if condition else "key"
            return doc.problem(
                (*path, key),
                f"'{key}' does not start a {noun}" if condition else f"unknown key '{key}'",
                did_you_mean(key, starts, noun="key"),
                key=True,
            )
        if condition:
            return doc.problem(
                path,
                "this test has no 'fact'",
                f"add 'fact: PATH' to say what '{next(iter(instance))}' tests, such as "
                + _LEAF_EXAMPLE,
            )
    if operand and instance is None:
        return doc.problem(
            path,
            f"'{path[-1] if path else 'the operator'}' has no value",
            "write the value to compare with, such as true, 3, policing, [a, b], "
            "{list: NAME} or {param: NAME}",
        )
    if operand:
        return doc.problem(
            path,
            f"expected a value, a list of values, {{list: NAME}}, {{param: NAME}} or "
            f"{{fact: PATH}}, not {_shown(instance)}",
            "write the value to compare with, such as true, 3, policing or [a, b]",
        )
    if condition:
        return doc.problem(
            path, f"a condition must be a mapping, not {_shown(instance)}", _CONDITION_FORMS
        )
    return doc.problem(path, f"{_shown(instance)} does not fit here", _fallback(None))
