"""Rule test cases that policy staff can read: a base profile, a change, an expected verdict.

A case file (``rules/tests/cases/IND-001.yaml``) names a rule and lists cases. Each case
changes a complete, compliant base profile (``set:`` is merged in, lists replace; ``remove:``
makes facts unknown) and says which verdict the rule must reach, for every nation it
applies to or for the ``nations`` named. A case may give ``as_of: YYYY-MM-DD``: the rule is
then decided with the parameters and named lists in force that day (their dated changes),
and must apply on it; without it, with the values as written.
"""

from __future__ import annotations

import copy
import datetime as dt
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


_CASE_KEYS = ("name", "nations", "as_of", "set", "remove", "expect")
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


def _as_of(doc: Document, index: int, case: dict[str, Any]) -> dt.date | None:
    """The case's ``as_of`` date (None when it gives none), refused when not a real date."""
    raw = case.get("as_of")
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ProfileError(
            [
                doc.problem(
                    ("cases", index, "as_of"),
                    f"'{raw}' is not a real date",
                    "write the day the case is decided on as YYYY-MM-DD, such as 2027-04-01",
                )
            ]
        ) from None


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
        as_of = _as_of(doc, index, case)
        profile = validate_document(case_profile(base, case, doc.file, line))
        facts = facts_from_profile(profile.profile)
        nations = case.get("nations") or list(rule.nations)
        in_force = ruleset if as_of is None else ruleset.in_force(as_of)
        targets = []
        keys = []
        for nation in nations:
            variant = in_force.variant(rule.id, nation)
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
            if as_of is not None and not rule.applies(Nation(nation), as_of):
                raise ProfileError(
                    [
                        doc.problem(
                            ("cases", index, "as_of"),
                            f"rule {rule.id} does not apply on {as_of}",
                            "give a day within the rule's effective_from and effective_to",
                        )
                    ]
                )
            targets.append(Target(variant.key, variant.node))
            keys.append(variant.key)
        engine.prepare(targets)
        verdicts = engine.decide(facts)
        for nation, key in zip(nations, keys, strict=True):
            results.append(
                CaseResult(
                    doc.file,
                    line,
                    rule.id,
                    str(case.get("name")),
                    Nation(nation),
                    Verdict(case["expect"]),
                    verdicts[key],
                )
            )
    return results
