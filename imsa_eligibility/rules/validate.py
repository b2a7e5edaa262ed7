"""Check rule documents against the published JSON Schema, with located, plain messages."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from ..errors import Problem
from ..source import Document, PathKey
from ..suggest import did_you_mean
from .schema import LEAF_OPERATORS, rules_schema

_CONDITION_KEYS = ("all", "any", "not", "some", "every", "fact", "derived")


@cache
def _validators() -> dict[str, jsonschema.protocols.Validator]:
    schema = rules_schema()
    defs = schema["$defs"]
    out: dict[str, jsonschema.protocols.Validator] = {}
    for kind in ("ruleset", "rules"):
        sub = {"$schema": schema["$schema"], **defs[kind], "$defs": defs}
        out[kind] = jsonschema.Draft202012Validator(sub)
    out["condition"] = jsonschema.Draft202012Validator({**defs["condition"], "$defs": defs})
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
    """Every place where ``doc`` breaks the rule-file schema."""
    data = _plain(doc.data)
    if not isinstance(data, dict):
        return [
            doc.problem(
                (),
                "a rule file must be a mapping with 'kind: ruleset' or 'kind: rules'",
                "see rules/ruleset.yaml for an example",
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
    problems: list[Problem] = []
    for error in _validators()[kind].iter_errors(data):
        problems += _explain(doc, error)
    return sorted(set(problems))


def _explain(doc: Document, error: ValidationError) -> list[Problem]:
    path: PathKey = tuple(error.absolute_path)
    instance = error.instance
    if error.validator == "oneOf" and isinstance(instance, dict) and _is_condition(error):
        return _condition(doc, path, instance)
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = list(schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        return [
            doc.problem(
                (*path, k), f"unknown key '{k}'", did_you_mean(k, allowed, noun="key"), key=True
            )
            for k in extra
        ]
    if error.validator == "required":
        name = error.message.split("'")[1] if "'" in error.message else "?"
        return [doc.problem(path, f"required key '{name}' is missing", f"add '{name}:'", key=True)]
    if error.validator == "enum":
        options = [str(o) for o in _listed(error.validator_value)]
        return [
            doc.problem(
                path,
                f"{instance!r} is not allowed here",
                did_you_mean(str(instance), options, noun="value"),
            )
        ]
    if error.validator == "pattern":
        return [
            doc.problem(
                path,
                f"{instance!r} does not have the expected form",
                f"it must match {error.validator_value}",
            )
        ]
    if error.validator == "propertyNames":
        return [doc.problem(path, error.message, "check the spelling of the names")]
    return [doc.problem(path, error.message, "see schemas/rules.schema.json")]


def _listed(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _is_condition(error: ValidationError) -> bool:
    return any(
        isinstance(s, dict) and "all" in s.get("properties", {})
        for s in _listed(error.validator_value)
    )


def _condition(doc: Document, path: PathKey, cond: dict[str, Any]) -> list[Problem]:
    keys = [k for k in _CONDITION_KEYS if k in cond]
    if not keys:
        first = next(iter(cond), "")
        return [
            doc.problem(
                (*path, first) if first else path,
                f"'{first}' does not start a condition",
                did_you_mean(str(first), _CONDITION_KEYS, noun="key"),
                key=True,
            )
        ]
    head = keys[0]
    if head == "fact":
        ops = [k for k in cond if k != "fact"]
        unknown = [k for k in ops if k not in LEAF_OPERATORS]
        if unknown:
            return [
                doc.problem(
                    (*path, k),
                    f"unknown operator '{k}'",
                    did_you_mean(k, LEAF_OPERATORS, noun="operator"),
                    key=True,
                )
                for k in unknown
            ]
        if len(ops) != 1:
            return [
                doc.problem(
                    path,
                    "a fact test needs exactly one operator",
                    "write {fact: PATH, OPERATOR: VALUE}, e.g. {fact: "
                    "governance.safeguarding_policy, is: false}",
                )
            ]
    if len(keys) > 1 and not (set(keys) <= {"some", "where"}):
        return [
            doc.problem(
                path,
                "a condition mixes " + " and ".join(keys),
                "wrap several conditions in 'all:' or 'any:'",
            )
        ]
    problems: list[Problem] = []
    for error in _validators()["condition"].iter_errors(cond):
        # Errors inside the intended alternative, with paths relative to this condition.
        for sub in error.context or [error]:
            if sub.validator in ("oneOf", "required") and not sub.absolute_path:
                continue
            problems += _explain(doc, _rebase(sub, path))
    if not problems:
        problems.append(
            doc.problem(
                path, f"this '{head}' condition is not well formed", "see docs/rule-language.md"
            )
        )
    return problems


def _rebase(error: ValidationError, base: PathKey) -> ValidationError:
    return ValidationError(
        error.message,
        validator=error.validator,
        path=[*base, *error.absolute_path],
        instance=error.instance,
        schema=error.schema,
        validator_value=error.validator_value,
    )
