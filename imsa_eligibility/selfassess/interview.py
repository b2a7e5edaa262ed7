"""The guided interview behind ``init``: from the answers so far, the next question.

Pure: no input, no output. :class:`Interview` holds the partial profile (plain data, the
shape of a profile file) and what the interview knows about it (facts answered "don't
know", lists the user has finished). :meth:`Interview.next_step` says what to ask next;
:meth:`Interview.answer` checks an answer (raising :class:`InvalidAnswerError` with the reason) and
records it. The question texts come from :mod:`imsa_eligibility.profile.questions`.

What is asked: the facts every profile needs (name, id, nations, legal form, what the
organisation does, its linked organisations and its people), then, over and over, a fact
the decision of the partial profile still lacks for a nation whose outcome is not settled
(a nation already ineligible cannot become eligible by more answers). A fact the rules do
not need is never asked, so what earlier answers make irrelevant is skipped by the rules
themselves. Lists are loops: "add one?", the item's facts, "add another?".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from ..decision.decide import decide_nations
from ..engine.facts import FactBase, control_chain
from ..engine.interface import ExplainingEngine
from ..profile.checks import REGISTER_FORMATS
from ..profile.model import SLUG_PATTERN, is_plain_text
from ..profile.questions import QUESTIONS, Question, field_path, question
from ..rules.model import RuleSet
from ..source import PathKey, format_path
from ..vocabulary import Nation, Outcome, Verdict

MARKER = "# imsa-eligibility init: unfinished"
STATE = "# init-state: "

# What kind of answer each fact takes (field paths).
KINDS: Mapping[str, str] = {
    "organisation.id": "slug",
    "organisation.name": "text",
    "organisation.legal_form": "choice",
    "organisation.functions": "multi",
    "organisation.nations": "multi",
    "organisation.delivery_model": "choice",
    "organisation.registrations": "list",
    "organisation.registrations.register": "choice",
    "organisation.registrations.number": "text",
    "organisation.annual_income_gbp": "pounds",
    "organisation.public_funding_gbp": "pounds",
    "related_organisations": "list",
    "related_organisations.name": "text",
    "related_organisations.functions": "multi",
    "related_organisations.relations": "multi",
    "related_organisations.income_share": "share",
    "related_organisations.funding_conditions": "multi",
    "related_organisations.controlled_by": "multi",
    "people": "list",
    "people.name": "text",
    "people.roles": "multi",
    "people.affiliations": "list",
    "people.affiliations.organisation": "text",
    "people.affiliations.functions": "multi",
    "people.affiliations.current": "bool",
    "imsa_service.planned_imsas": "count",
    "imsa_service.accredited_imsas": "count",
    "imsa_service.vetting_checks": "multi",
    "imsa_service.key_areas_covered": "multi",
}

#: The facts each item of a list needs, in the order asked (the first may be optional).
ITEM_FACTS: Mapping[str, tuple[str, ...]] = {
    "organisation.registrations": ("register", "number"),
    "related_organisations": ("name", "functions", "relations"),
    "people": ("name", "roles"),
    "people.affiliations": ("organisation", "functions"),
}
#: Item facts that may be left out (blank answer).
OPTIONAL_ITEM_FACTS = frozenset({"people.name"})
#: Facts asked before anything is decided, in this order.
FIRST = (
    "organisation.name",
    "organisation.id",
    "organisation.nations",
    "organisation.legal_form",
    "organisation.functions",
)
#: Lists every profile has (asked even when no nation's decision needs them).
REQUIRED_LISTS = ("related_organisations", "people")
#: A fact asked just before another, to make its answer checkable.
COMPANIONS: Mapping[str, str] = {
    "organisation.public_funding_gbp": "organisation.annual_income_gbp",
}
#: Where each section's facts come in the interview (the template's order).
ORDER = [
    q.path for q in QUESTIONS.values() if not q.path.startswith(("control_chain", "schema_version"))
]
_NUMBER = re.compile(r"[0-9]+")
_SLUG = re.compile(SLUG_PATTERN)


class InvalidAnswerError(ValueError):
    """An answer that cannot be taken; the message says why and what to write."""


@dataclass(frozen=True)
class Step:
    """What to ask next.

    ``kind``: ``text``, ``slug``, ``choice``, ``multi``, ``bool``, ``count``, ``pounds``,
    ``share``, or ``more`` (whether to add an item to the list at ``path``). ``path`` is a
    report path (``people[0].roles``); ``choices`` the values allowed with their plain
    words; ``default`` the answer a blank line gives (None: "don't know", or required);
    ``about`` the item the question is about ("Harbourside Community Foundation").
    """

    path: str
    kind: str
    question: Question
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = None
    required: bool = False
    about: str = ""
    count: int = 0  # for ``more``: how many items the list has already


def slug(text: str, taken: Sequence[str] = ()) -> str:
    """An id made from ``text``: lower-case letters, digits and hyphens, not in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:55].strip("-") or "item"
    if len(base) < 2:
        base = f"{base}-1"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def _key(path: str) -> PathKey:
    return tuple(int(i) if i else n for n, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path))


def _get(data: Any, key: PathKey) -> Any:
    for step in key:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
            data = data[step]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(step)
    return data


def _set(data: dict[str, Any], key: PathKey, value: Any) -> None:
    node: Any = data
    for step, nxt in pairwise(key):
        if isinstance(step, int):
            node = node[step]
        else:
            node = node.setdefault(step, [] if isinstance(nxt, int) else {})
    node[key[-1]] = value


@dataclass
class Interview:
    """The answers so far, and what to ask next (see the module's docstring)."""

    ruleset: RuleSet
    engine: ExplainingEngine
    as_of: dt.date
    data: dict[str, Any] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)  # report paths answered "don't know"
    closed: set[str] = field(default_factory=set)  # lists the user has finished
    open: list[str] = field(default_factory=list)  # lists being filled in, innermost last

    # --- what the decision still needs -------------------------------------------------

    def nations(self) -> list[Nation]:
        listed = _get(self.data, ("organisation", "nations")) or []
        return [n for n in Nation if n.value in listed]

    def decide(self) -> dict[Nation, tuple[Outcome, tuple[str, ...]]]:
        """Each nation's outcome on the answers so far, and the facts still unknown to it."""
        data = {"schema_version": 1, **self.data}
        facts = FactBase(data, control_chain(data), None)
        results = decide_nations(facts, "", self.ruleset, self.nations(), self.as_of, self.engine)
        out = {}
        for nd in results:
            wanted: list[str] = []
            for finding in nd.findings:
                if finding.verdict is Verdict.UNKNOWN:
                    wanted += [p for p in finding.to_provide if p not in wanted]
            out[nd.nation] = (nd.outcome, tuple(wanted))
        return out

    def pending(self) -> list[str]:
        """Facts a nation not yet settled still needs, in the interview's order."""
        wanted: list[str] = []
        for outcome, facts in self.decide().values():
            if outcome is Outcome.INELIGIBLE:
                continue  # an exclusion is settled: no answer can lift it
            wanted += [p for p in facts if p not in wanted and p not in self.skipped]
        rank = {path: i for i, path in enumerate(ORDER)}
        return sorted(wanted, key=lambda p: (rank.get(field_path(p), len(rank)), _key(p)))

    # --- the next question -------------------------------------------------------------

    def next_step(self) -> Step | None:
        """The next question, or None when nothing more could change the outcome."""
        while self.open:
            step = self._list(self.open[-1])
            if step is not None:
                return step
            self.open.pop()
        for path in FIRST:
            if _get(self.data, _key(path)) is None:
                return self._step(path)
        for listed in REQUIRED_LISTS:
            step = self._list(listed)
            if step is not None:
                return step
            if listed == "related_organisations" and (chain := self._chain()) is not None:
                return chain
        return self._needed("")

    def _chain(self) -> Step | None:
        """Who controls each organisation that controls the applicant (the control chain
        is followed upwards), asked once the list of linked organisations is finished."""
        related = self.data.get("related_organisations") or []
        if len(related) < 2:
            return None
        data = {"schema_version": 1, **self.data}
        for link in control_chain(data):
            path = f"related_organisations[{link.index}].controlled_by"
            if "controlled_by" not in related[link.index] and path not in self.skipped:
                return self._step(path)
        return None

    def _needed(self, under: str) -> Step | None:
        """The first fact the decision needs under ``under`` (a report path prefix)."""
        for path in self.pending():
            if under and not path.startswith(under):
                continue
            if path in self.skipped:
                continue
            companion = COMPANIONS.get(field_path(path))
            if (
                companion
                and _get(self.data, _key(companion)) is None
                and companion not in self.skipped
            ):
                return self._step(companion)
            if KINDS.get(field_path(path)) == "list":
                step = self._list(path)
                if step is not None:
                    return step
                continue
            if "control_chain" in path:
                continue
            return self._step(path)
        return None

    def _list(self, path: str) -> Step | None:
        """The next question of the list loop at ``path``, or None when it is finished."""
        items = _get(self.data, _key(path))
        if isinstance(items, list) and items:
            last = f"{path}[{len(items) - 1}]"
            for name in ITEM_FACTS[field_path(path)]:
                fact = f"{last}.{name}"
                if _get(self.data, _key(fact)) is None and fact not in self.skipped:
                    return self._step(fact)
            inner = self._needed(last + ".")
            if inner is not None:
                return inner
        if path in self.closed:
            return None
        return Step(path, "more", question(path) or Question(path, path), count=len(items or []))

    def _step(self, path: str) -> Step:
        fpath = field_path(path)
        q = question(path) or Question(path, path)
        kind = KINDS.get(fpath, "bool")
        choices: tuple[tuple[str, str], ...] = tuple(q.labels.items())
        if fpath == "related_organisations.controlled_by":
            index = _key(path)[1]
            choices = tuple(
                (item["id"], item.get("name", item["id"]))
                for i, item in enumerate(self.data.get("related_organisations") or [])
                if i != index
            )
        default: Any = None
        if fpath == "organisation.id":
            default = slug(str(_get(self.data, ("organisation", "name")) or ""))
        owner, _, name = fpath.rpartition(".")
        required = fpath in FIRST or (
            name in ITEM_FACTS.get(owner, ()) and fpath not in OPTIONAL_ITEM_FACTS
        )
        about = ""
        key = _key(path)
        if len(key) > 2 and isinstance(key[1], int):
            item = _get(self.data, key[:2])
            if isinstance(item, dict):
                about = str(item.get("name") or item.get("organisation") or item.get("id") or "")
        return Step(path, kind, q, choices, default, required, about)

    # --- answers -------------------------------------------------------------------

    def answer(self, step: Step, value: Any) -> None:
        """Record ``value`` (already parsed: see :func:`parse`) for ``step``; None is
        "don't know". Raises :class:`InvalidAnswerError` when the answer cannot be taken."""
        if step.kind == "more":
            self._more(step, bool(value))
            return
        if value is None:
            if step.required:
                raise InvalidAnswerError("this one is needed; please answer it")
            self.skipped.add(step.path)
            return
        self._check(step, value)
        _set(self.data, _key(step.path), value)

    def _more(self, step: Step, add: bool) -> None:
        key = _key(step.path)
        items = _get(self.data, key)
        if not isinstance(items, list):
            items = []
            _set(self.data, key, items)
        if not add:
            self.closed.add(step.path)
            if step.path in self.open:
                self.open.remove(step.path)
            return
        if step.path not in self.open:
            self.open.append(step.path)
        fpath = field_path(step.path)
        item: dict[str, Any] = {}
        if fpath == "related_organisations":
            item = {"id": "", "name": None}
        elif fpath == "people":
            item = {"id": ""}
        items.append(item)
        for name in ITEM_FACTS[fpath]:
            item.setdefault(name, None)
        for k in [k for k, v in item.items() if v is None]:
            del item[k]

    def _check(self, step: Step, value: Any) -> None:
        fpath = field_path(step.path)
        key = _key(step.path)
        if fpath == "organisation.public_funding_gbp":
            income = _get(self.data, ("organisation", "annual_income_gbp"))
            if isinstance(income, int) and value > income:
                raise InvalidAnswerError(
                    f"that is more than your total income (£{income:,}); public funding is "
                    "part of your income"
                )
        if fpath == "organisation.annual_income_gbp":
            public = _get(self.data, ("organisation", "public_funding_gbp"))
            if isinstance(public, int) and value < public:
                raise InvalidAnswerError(f"that is less than your public funding (£{public:,})")
        if fpath == "imsa_service.planned_imsas" and value < 1:
            raise InvalidAnswerError("write 1 or more")
        if fpath == "organisation.nations" and not value:
            raise InvalidAnswerError("choose at least one nation")
        if fpath.endswith("registrations.number"):
            register = _get(self.data, (*key[:-1], "register"))
            if register in REGISTER_FORMATS:
                pattern, form = REGISTER_FORMATS[register]
                if not pattern.fullmatch(value):
                    raise InvalidAnswerError(
                        f"'{value}' is not a number on that register: write it as {form}"
                    )
        if fpath == "related_organisations.income_share":
            others = sum(
                (
                    Decimal(str(item.get("income_share") or 0))
                    for i, item in enumerate(self.data.get("related_organisations") or [])
                    if i != key[1]
                ),
                Decimal(0),
            )
            if others + value > 1:
                raise InvalidAnswerError(
                    f"with your other organisations' shares ({others}), that makes more than "
                    "all of your income (1)"
                )
        if fpath == "organisation.name" or fpath.endswith(".name"):
            self._name_answered(key, value)

    def _name_answered(self, key: PathKey, value: str) -> None:
        """A linked organisation or a person gets an id made from its name."""
        if len(key) == 3 and key[0] in ("related_organisations", "people"):
            items = self.data.get(str(key[0])) or []
            taken = [str(item.get("id")) for i, item in enumerate(items) if i != key[1]]
            items[int(key[1])]["id"] = slug(value, taken)

    def finish_item_ids(self) -> None:
        """People without a name get an id from their first role."""
        people = self.data.get("people") or []
        for i, person in enumerate(people):
            if not person.get("id") and person.get("roles"):
                taken = [str(p.get("id")) for p in people]
                people[i]["id"] = slug(f"{person['roles'][0]}-{i + 1}", taken)

    # --- the state, for resuming -------------------------------------------------------

    def state(self) -> str:
        """The interview's own state as one line of JSON (kept in a comment of the file)."""
        return json.dumps(
            {"skipped": sorted(self.skipped), "closed": sorted(self.closed), "open": self.open},
            sort_keys=True,
        )

    def restore(self, data: Mapping[str, Any], state: str | None) -> None:
        """Carry on from ``data`` (a saved partial profile) and its state line."""
        self.data = {k: v for k, v in data.items() if k != "schema_version"}
        if state:
            loaded = json.loads(state)
            self.skipped = set(loaded.get("skipped", []))
            self.closed = set(loaded.get("closed", []))
            self.open = list(loaded.get("open", []))


def parse(step: Step, text: str) -> Any:
    """The value of the typed answer ``text`` to ``step``, None for "don't know" (blank).

    Accepts yes/no; a choice's value, its plain words or its number; lists comma-separated
    ("none" for an empty list). Raises :class:`InvalidAnswerError` with what to write instead.
    """
    text = text.strip()
    if not text:
        return step.default
    low = text.lower()
    if step.kind in ("bool", "more"):
        if low in ("y", "yes", "true"):
            return True
        if low in ("n", "no", "false"):
            return False
        raise InvalidAnswerError("answer yes or no (or leave it blank if you do not know)")
    if step.kind == "choice":
        return _choice(step, text)
    if step.kind == "multi":
        if low in ("none", "[]", "-"):
            return []
        values: list[str] = []
        for part in text.split(","):
            if part.strip():
                found = _choice(step, part.strip())
                if found not in values:
                    values.append(found)
        return values
    if step.kind in ("count", "pounds"):
        plain = text.replace(",", "").replace("£", "").strip()
        if not _NUMBER.fullmatch(plain):
            what = (
                "whole pounds, such as 250000"
                if step.kind == "pounds"
                else "a whole number, such as 2"
            )
            raise InvalidAnswerError(f"'{text}' is not {what}")
        return int(plain)
    if step.kind == "share":
        plain = text.strip()
        percent = plain.endswith("%")
        try:
            number = Decimal(plain.rstrip("%").strip())
        except InvalidOperation:
            raise InvalidAnswerError(
                f"'{text}' is not a number; write a number from 0 to 1, such as 0.25"
            ) from None
        if percent:
            number = number / 100
        if not number.is_finite() or number < 0 or number > 1:
            raise InvalidAnswerError(
                f"'{text}' is not from 0 to 1; write 0.25 (or 25%) for a quarter"
            )
        if number.as_tuple().exponent < -4:  # type: ignore[operator]
            raise InvalidAnswerError("write it with at most 4 decimal places, such as 0.3333")
        return number.normalize() if number != 0 else Decimal(0)
    if step.kind == "slug":
        if not _SLUG.fullmatch(text):
            raise InvalidAnswerError(
                "use lower-case letters, digits and hyphens, 2 to 63 characters, starting "
                f"with a letter or digit (such as {slug(text)})"
            )
        return text
    if not is_plain_text(text):
        raise InvalidAnswerError("write it on one line, at most 300 characters")
    return text


def _choice(step: Step, text: str) -> str:
    low = text.lower()
    for i, (value, words) in enumerate(step.choices, start=1):
        if low in (value.lower(), words.lower(), str(i)) or low == value.replace("_", " "):
            return value
    starts = [v for v, words in step.choices if words.lower().startswith(low)]
    if len(starts) == 1:
        return starts[0]
    numbers = f"1 to {len(step.choices)}"
    raise InvalidAnswerError(
        f"'{text}' is not one of the choices; write its number ({numbers}) or its name"
    )


def path_text(key: PathKey) -> str:
    return format_path(key)


# --- writing the profile --------------------------------------------------------------

_SECTIONS = (
    "organisation",
    "related_organisations",
    "people",
    "governance",
    "imsa_service",
    "insurance",
)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _comment(path: str) -> str:
    q = question(path)
    return f"  # {q.ask}" if q is not None else ""


def _mapping(data: Mapping[str, Any], prefix: str, indent: str, first: str = "") -> list[str]:
    lines: list[str] = []
    lead = first
    for name, value in data.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{lead or indent}{name}:{_comment(path)}")
            for item in value:
                lines += _mapping(item, path, indent + "    ", indent + "  - ")
        else:
            lines.append(f"{lead or indent}{name}: {_scalar(value)}{_comment(path)}")
        lead = ""
    return lines


def render(data: Mapping[str, Any], *, state: str | None = None, header: Sequence[str] = ()) -> str:
    """The profile as commented YAML (each fact's question as its comment). With ``state``
    (an unfinished interview), the file is marked unfinished and carries the state line."""
    lines = [f"# {h}" if h else "#" for h in header]
    if state is not None:
        lines += [MARKER, STATE + state]
    lines.append("schema_version: 1")
    for section in _SECTIONS:
        if section not in data:
            continue
        value = data[section]
        if isinstance(value, dict):
            lines.append(f"{section}:")
            lines += _mapping(value, section, "  ")
        elif isinstance(value, list) and value:
            lines.append(f"{section}:{_comment(section)}")
            for item in value:
                lines += _mapping(item, section, "    ", "  - ")
        else:
            lines.append(f"{section}: {_scalar(value)}{_comment(section)}")
    return "\n".join(lines) + "\n"


def read_state(text: str) -> tuple[bool, str | None]:
    """Whether a saved file is unfinished, and its state line."""
    unfinished, state = False, None
    for line in text.splitlines()[:40]:
        if line.startswith(MARKER):
            unfinished = True
        elif line.startswith(STATE):
            state = line[len(STATE) :]
    return unfinished, state


def ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    """The profile's sections and each section's facts in the template's order."""
    rank = {path: i for i, path in enumerate(ORDER)}

    def sort(node: Any, prefix: str) -> Any:
        if isinstance(node, dict):
            keys = sorted(
                node,
                key=lambda k: (
                    -1 if k == "id" else rank.get(f"{prefix}.{k}" if prefix else k, len(rank)),
                    k,
                ),
            )
            return {k: sort(node[k], f"{prefix}.{k}" if prefix else k) for k in keys}
        if isinstance(node, list):
            return [sort(v, prefix) for v in node]
        return node

    out = {k: data[k] for k in _SECTIONS if k in data}
    return dict(sort(out, ""))
