"""Rule test cases that policy staff can read: a base profile, a change, an expected verdict.

A case file (``rules/tests/cases/IND-001.yaml``) names a rule and lists cases. Each case
changes a complete, compliant base profile (``set:`` is merged in, lists replace; ``remove:``
makes facts unknown) and says which verdict the rule must reach, for every nation it
applies to or for the ``nations`` named.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.facts import facts_from_profile
from ..engine.interface import Engine, Target
from ..errors import DocumentError, Problem, ProfileError
from ..profile.load import validate_document
from ..rules.model import RuleSet
from ..source import Document, read_document
from ..suggest import did_you_mean
from ..vocabulary import Nation, Verdict

_STEP = re.compile(r"([a-z_]+)((?:\[\d+\])*)")


@dataclass(frozen=True)
class CaseResult:
    """One case for one nation: what was expected and what the engine decided."""

    file: str
    line: int
    rule: str
    name: str
    nation: Nation
    expected: Verdict
    actual: Verdict

    @property
    def passed(self) -> bool:
        """Whether the verdict was the expected one."""
        return self.expected == self.actual


def _merge(base: Any, change: Any) -> Any:
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for key, value in change.items():
            out[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(change)


def _remove(data: dict[str, Any], dotted: str) -> bool:
    steps: list[str | int] = []
    for part in dotted.split("."):
        match = _STEP.fullmatch(part)
        if not match:
            return False
        steps.append(match.group(1))
        steps += [int(i) for i in re.findall(r"\d+", match.group(2))]
    node: Any = data
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(node, dict) and steps[-1] in node:
        del node[steps[-1]]
        return True
    return False


def case_profile(base: Document, case: dict[str, Any], file: str, line: int) -> Document:
    """The base profile document with the case's changes applied."""
    data = _merge(copy.deepcopy(base.data), case.get("set") or {})
    for dotted in case.get("remove") or []:
        if not _remove(data, str(dotted)):
            raise ProfileError(
                [
                    Problem(
                        file,
                        line,
                        1,
                        "",
                        f"cannot remove '{dotted}': it is not in the profile",
                        "check the path",
                    )
                ]
            )
    return Document(f"{file}:{line}", data, base.sha256)


_CASE_KEYS = ("name", "nations", "set", "remove", "expect")
_VERDICTS = tuple(v.value for v in Verdict)


def _check_case(doc: Document, index: int, case: Any) -> None:
    """Refuse a case with a misspelt key or no expected verdict: it would pass by accident."""
    if not isinstance(case, dict):
        raise ProfileError(
            [
                doc.problem(
                    ("cases", index),
                    "a case must be a mapping",
                    "write name, set/remove and expect",
                )
            ]
        )
    problems = [
        doc.problem(
            ("cases", index, key),
            f"unknown key '{key}' in a case",
            did_you_mean(str(key), _CASE_KEYS, noun="key"),
            key=True,
        )
        for key in case
        if key not in _CASE_KEYS
    ]
    if case.get("expect") not in _VERDICTS:
        problems.append(
            doc.problem(
                ("cases", index, "expect"),
                "the case needs 'expect: triggered', 'clear' or 'unknown'",
                did_you_mean(str(case.get("expect")), _VERDICTS, noun="verdict"),
                key=True,
            )
        )
    if problems:
        raise ProfileError(problems)


def run_case_file(path: Path, base: Document, ruleset: RuleSet, engine: Engine) -> list[CaseResult]:
    """Decide every case in the file at ``path`` with ``engine``."""
    try:
        doc = read_document(path)
    except DocumentError as exc:
        raise ProfileError(exc.problems) from None
    rule_id = str(doc.data.get("rule"))
    rule = ruleset.rule(rule_id)
    if rule is None:
        raise ProfileError(
            [
                doc.problem(
                    ("rule",), f"there is no rule '{rule_id}' in the rule set", "check the rule id"
                )
            ]
        )
    results = []
    for index, case in enumerate(doc.data.get("cases") or []):
        line = doc.line(("cases", index))
        _check_case(doc, index, case)
        profile = validate_document(case_profile(base, case, doc.file, line))
        facts = facts_from_profile(profile.profile)
        nations = case.get("nations") or list(rule.nations)
        targets = []
        for nation in nations:
            variant = ruleset.variant(rule.id, nation)
            if variant is None:
                raise ProfileError(
                    [
                        doc.problem(
                            ("cases", index, "nations"),
                            f"rule {rule.id} does not apply to {nation}",
                            "remove it",
                        )
                    ]
                )
            targets.append(Target(variant.key, variant.node))
        engine.prepare(targets)
        verdicts = engine.decide(facts)
        for nation in nations:
            results.append(
                CaseResult(
                    doc.file,
                    line,
                    rule.id,
                    str(case.get("name")),
                    Nation(nation),
                    Verdict(case["expect"]),
                    verdicts[f"{rule.id}@{nation}"],
                )
            )
    return results
