"""durable_rules 2.0.28's real limits, and a check that a ruleset stays inside them.

durable_rules builds a Rete network in fixed-size tables and checks some of them badly
(the C source is ``src/rules/`` of jruizgit/rules at 2.0.28: ``rules.h``, ``rete.c``,
``events.c``, ``state.c``, ``state.h``). What a ruleset must stay under, each reproduced
in ``tests/engine/test_durable_limits.py``:

- **tests following one test** (the children of an alpha node): a hash set of
  ``NEXT_BUCKET_LENGTH`` = 512 slots (rules.h:47), probed linearly until an empty slot.
  With 512 children every fact reaching the node loops forever (``handleAlpha``,
  events.c:1749); adding a 513th loops forever while the ruleset is created
  (``findAlpha``, rete.c:1001). So at most :data:`MAX_CHILDREN` = 511;
- **rules ending in one test**: a list of ``BETA_LIST_LENGTH`` = 256 (rules.h:49;
  ``linkAlpha``, rete.c:791, ``ERR_RULE_BETA_LIMIT_EXCEEDED`` = 108 for the 257th); a full
  list is read past its end (events.c:1804), so at most 255;
- **``$or`` branches meeting at one test**: ``NEXT_LIST_LENGTH`` = 128 (rules.h:48;
  rete.c:813, ``ERR_RULE_EXISTS_LIMIT_EXCEEDED`` = 107; read past its end when full): at
  most 127;
- **rules per ruleset**: ``MAX_ACTIONS`` = 4,096 (rete.c:41; ``createTree``, rete.c:1749,
  ``ERR_RULE_LIMIT_EXCEEDED`` = 106);
- **expressions per pattern**: ``MAX_SEQUENCE_EXPRESSIONS`` = 32 (rete.h:41), counting each
  ``$and``/``$or`` twice and each join once; ``ERR_EXPRESSION_LIMIT_EXCEEDED`` = 113 when
  the count reaches 32, so at most 31;
- **patterns per rule**: a frame holds ``MAX_MESSAGE_FRAMES`` = 16 facts (state.h:23); the
  17th fails at run time (``ERR_MAX_MESSAGES_IN_FRAME`` = 304, state.c:311);
- **tests one fact matches at once**: the walk of the alpha network keeps a stack of
  ``MAX_STACK_SIZE`` = 64 (events.c:18; ``ERR_MAX_STACK_SIZE`` = 303 at run time,
  events.c:1735-1777). Every matching child is pushed at once, and every join test and
  every ``$or`` whether it matches or not; :func:`check_rules` bounds it statically.

And for facts (kept by the adapter, :mod:`.run`):

- at most 254 properties, ``sid`` and the generated ``id`` included
  (``MAX_OBJECT_PROPERTIES`` = 255, state.h:20; ``ERR_EVENT_MAX_PROPERTIES`` = 302). Every
  stored fact costs about 7 KB however small: it holds room for 255 properties
  (``jsonObject``, state.h:79). And storing one walks a chain of the session's facts: the
  index has ``MAX_MESSAGE_INDEX_LENGTH`` = 512 buckets (state.h:24, ``GET_FIRST`` in
  ``storeMessage``), so n live facts cost about n²/1,024 steps. The adapter asserts the
  facts one rule activation reads as events, which durable_rules deletes once read;
- a fact is known by a 32-bit FNV-1a hash of its id (``storeMessage``, state.c:739-757;
  the id is a 64-bit hash of the content unless given). Two different facts whose hashes
  collide are refused as a repeat (``ERR_EVENT_OBSERVED`` = 2): n facts collide about
  n²/2³³ times, so about every other session of a profile with 4,000 related
  organisations (73,000 facts) meets one;
- ``assert_facts`` (a batch) returns only its last refusal, and stops silently at the first
  fact it cannot parse, dropping the rest (``handleMessages``, events.c:1981);
- integers are ``long long`` (``atoll``, saturating), floats in exponent form are refused,
  strings are compared as escaped JSON and only their first 65,535 bytes (see
  :mod:`.encode`);
- at most 1,024 live sessions per ruleset (``MAX_STATE_INDEX_LENGTH``, state.c:846) and
  131,072 rulesets per process (``MAX_HANDLES``, rules.h:56; rulesets are never freed).

:func:`check_rules` simulates how ``createRuleset`` builds the network (``createAlpha``,
``findAlpha``, ``linkAlpha`` in rete.c) and reports every table that would overflow.
:func:`check_limits` and :func:`limit_problems` tell, when the rules load, which rules cannot
be decided by durable_rules at all (each compiled program is split into rulesets that fit;
only a single rule too large for one ruleset is a problem).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import Problem, RuleFileError

if TYPE_CHECKING:
    from ...rules.model import RuleSet
    from ..interface import Target

#: ``MAX_ACTIONS`` (rete.c:41): rules in one ruleset.
MAX_RULES = 4096
#: ``NEXT_BUCKET_LENGTH`` (rules.h) less the empty slot every probe needs.
MAX_CHILDREN = 511
#: ``BETA_LIST_LENGTH`` (rules.h) less the terminating zero a full list lacks.
MAX_BETAS = 255
#: ``NEXT_LIST_LENGTH`` (rules.h) less the terminating zero.
MAX_FORWARDS = 127
#: ``MAX_STACK_SIZE`` (events.c:18): alpha nodes pending while one fact is matched.
MAX_STACK = 64
#: ``MAX_SEQUENCE_EXPRESSIONS`` (rete.h) less one: the limit is hit when the count reaches it.
MAX_EXPRESSIONS = 31
#: ``MAX_MESSAGE_FRAMES`` (state.h): facts joined by one rule.
MAX_PATTERNS = 16
#: ``MAX_OBJECT_PROPERTIES`` (state.h) less one: properties of a fact, ``sid`` and ``id`` included.
MAX_PROPERTIES = 254

_OPERATORS = {
    "$eq": "eq",
    "$neq": "neq",
    "$gt": "gt",
    "$gte": "gte",
    "$lt": "lt",
    "$lte": "lte",
    "$ex": "ex",
    "$nex": "nex",
    "$mt": "mt",
    "$imt": "imt",
    "$iall": "iall",
    "$iany": "iany",
}
_ARRAY = ("iall", "iany")


class _Alpha:
    """One alpha node as ``createAlpha`` builds it."""

    __slots__ = (
        "arrays",
        "betas",
        "children",
        "forwards",
        "index",
        "joined",
        "op",
        "prop",
        "value",
    )

    def __init__(self, prop: str | None, op: str, value: Any, joined: bool) -> None:
        self.prop, self.op = prop, op
        self.value = value  # (JSON type, constant) of a constant test; None for a join
        self.joined = joined  # a join test or an expression: pushed whether it matches or not
        self.children: list[_Alpha] = []  # the next hash set
        self.arrays: list[_Alpha] = []  # the array hash set (inside $iany/$iall)
        self.forwards: list[_Alpha] = []  # the next list ($or meeting points)
        self.index: dict[tuple[Any, ...], _Alpha] = {}  # the children findAlpha can share
        self.betas = 0


def _constant(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


class _Beta:
    __slots__ = ("expressions", "where")

    def __init__(self, where: str) -> None:
        self.where = where
        self.expressions = 0


class _Network:
    """The network ``createRuleset`` would build, and the limits it would break."""

    def __init__(self) -> None:
        self.root = _Alpha(None, "eq", None, False)
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(message)

    def link(self, parent: _Alpha, child: _Alpha | _Beta, to_array: bool, where: str) -> None:
        """``linkAlpha``."""
        if isinstance(child, _Beta):
            parent.betas += 1
            if parent.betas == MAX_BETAS + 1:
                self.fail(f"{where}: more than {MAX_BETAS} rules end in one test")
            return
        into_array = to_array and parent.op in _ARRAY
        if child.op == "nex":
            parent.forwards.append(child)
            if len(parent.forwards) == MAX_FORWARDS + 1:
                self.fail(f"{where}: more than {MAX_FORWARDS} alternatives meet at one test")
            return
        found = parent.arrays if into_array else parent.children
        found.append(child)
        if len(found) == MAX_CHILDREN + 1:
            self.fail(f"{where}: more than {MAX_CHILDREN} different tests follow one test")

    def find(
        self, parent: _Alpha, op: str, prop: str, value: Any, to_array: bool, beta: _Beta
    ) -> _Alpha:
        """``findAlpha``: an equal test already under ``parent``, or a new one."""
        shared = op not in _ARRAY and not isinstance(value, dict)
        if isinstance(value, dict) and op not in _ARRAY:
            ((name, _),) = list(value.items())[:1] or [("", None)]
            # identifiers are compared by their offsets in the string pool, which differ for
            # every occurrence: a join test or an expression is never shared
            if name != "$m":
                beta.expressions += 1
            node = _Alpha(prop, op, None, name != "$m")
        else:
            key = (prop, op, type(value).__name__, _constant(value))
            if shared:
                found = parent.index.get(key)
                if found is not None:
                    return found
            node = _Alpha(prop, op, key[2:], False)
            if shared and not (to_array and parent.op in _ARRAY):
                parent.index[key] = node
        self.link(parent, node, to_array, beta.where)
        return node

    def alpha(
        self, rule: dict[str, Any], to_array: bool, beta: _Beta, last: bool, parent: _Alpha
    ) -> _Alpha:
        """``createAlpha``: the node a pattern (or a part of one) ends in."""
        ((name, value),) = list(rule.items())[:1]
        if name == "$and":
            self.expression(beta, 2)
            node = parent
            for item in value:
                node = self.alpha(item, to_array, beta, False, node)
                to_array = False
            if last:
                self.link(node, beta, False, beta.where)
            return node
        if name == "$or":
            self.expression(beta, 2)
            forward = _Alpha("$forward", "nex", None, False)
            for item in value:
                branch = self.alpha(item, to_array, beta, False, parent)
                self.link(branch, forward, False, beta.where)
            if last:
                self.link(forward, beta, False, beta.where)
            return forward
        op = _OPERATORS.get(name)
        if op is None:
            op, prop, operand = "eq", name, value
        else:
            ((prop, operand),) = list(value.items())[:1]
        if op in _ARRAY:
            node = self.find(parent, op, prop, operand, to_array, beta)
            self.alpha(operand, True, beta, False, node)
            if last:
                self.link(node, beta, False, beta.where)
            return node
        node = self.find(parent, op, prop, operand, to_array, beta)
        if last:
            self.link(node, beta, False, beta.where)
        return node

    @staticmethod
    def expression(beta: _Beta, count: int) -> None:
        beta.expressions += count

    def stack(self) -> int:
        """An upper bound of the alpha nodes pending at once while one fact is matched."""
        peaks: dict[int, int] = {}

        def peak(node: _Alpha) -> int:
            known = peaks.get(id(node))
            if known is not None:
                return known
            peaks[id(node)] = 0  # the network is acyclic; this only guards the recursion
            pushed = [*node.forwards]
            constants: dict[str, set[str]] = {}
            counted: dict[str, int] = {}
            for child in node.children:
                pushed.append(child)
                if child.op == "eq" and child.value is not None:
                    constants.setdefault(str(child.prop), set()).add(child.value[0])
                    counted[str(child.prop)] = counted.get(str(child.prop), 0) + 1
            # one value per property: equal-to-constant tests of one type match one at most
            width = len(pushed) - sum(
                count - 1 for prop, count in counted.items() if len(constants[prop]) == 1
            )
            deepest = max((peak(child) for child in pushed), default=0)
            result = 0 if not pushed else max(width, width - 1 + deepest)
            peaks[id(node)] = result
            return result

        return peak(self.root)


def expressions(body: dict[str, Any]) -> int:
    """The expressions durable_rules counts in one pattern (at most :data:`MAX_EXPRESSIONS`)."""
    network = _Network()
    beta = _Beta("pattern")
    network.alpha(body, False, beta, True, network.root)
    return beta.expressions


def check_rules(rules: dict[str, Any]) -> list[str]:
    """Every limit of durable_rules that the ruleset ``rules`` (rule name: rule) would break.

    Empty when durable_rules creates the ruleset and matches every fact without looping,
    overflowing a table or refusing a fact for the shape of the network.
    """
    network = _Network()
    if len(rules) > MAX_RULES:
        network.fail(f"{len(rules)} rules; durable_rules takes at most {MAX_RULES} in a ruleset")
    for name, rule in rules.items():
        for gate, patterns in rule.items():
            if gate not in ("all", "any"):
                continue
            if len(patterns) > MAX_PATTERNS:
                network.fail(f"rule {name}: {len(patterns)} patterns; at most {MAX_PATTERNS}")
            for position, pattern in enumerate(patterns):
                ((alias, body),) = list(pattern.items())[:1]
                beta = _Beta(f"rule {name}, pattern {position} ({alias})")
                network.alpha(body, False, beta, True, network.root)
                if beta.expressions > MAX_EXPRESSIONS:
                    network.fail(
                        f"{beta.where}: {beta.expressions} expressions; at most {MAX_EXPRESSIONS}"
                    )
    depth = network.stack()
    if depth > MAX_STACK:
        network.fail(f"a fact could match {depth} tests at once; at most {MAX_STACK}")
    return network.problems


@dataclass(frozen=True)
class LimitProblem:
    """A target that no durable_rules ruleset can hold, and why."""

    key: str
    message: str


class DurableLimitError(RuleFileError):
    """Targets too large for any durable_rules ruleset: a rule set problem (exit 2).

    Raised when the durable engine is prepared; :func:`limit_problems` finds the same
    rules when the rule set loads, located.
    """

    def __init__(self, found: list[LimitProblem]) -> None:
        self.found = found
        super().__init__(
            "; ".join(
                f"{p.key or 'the rule set'} is too large for the durable engine: {p.message}"
                for p in found
            )
        )


def check_limits(targets: Sequence[Target]) -> list[LimitProblem]:
    """The targets durable_rules cannot decide however the program is split.

    The adapter splits the compiled program into as many rulesets as it needs; what is left
    is a single target whose own network breaks a limit (see :func:`check_rules`). Pure
    Python: it runs where durable_rules does not import.
    """
    from ...errors import EngineError
    from .compile import compile_chunks

    problems: list[LimitProblem] = []
    try:
        compile_chunks(targets, problems.append)
    except EngineError as error:  # a target the compiler refuses outright
        problems.append(LimitProblem("", str(error)))
    return problems


def limit_problems(ruleset: RuleSet) -> list[Problem]:
    """:func:`check_limits` for every variant of ``ruleset``, located at the rules."""
    from ..interface import Target

    targets = [Target(v.key, v.node) for v in ruleset.variants.values()]
    found: list[Problem] = []
    seen: set[str] = set()
    for problem in check_limits(targets):
        variant = ruleset.variants.get(problem.key)
        rule = variant.rule if variant is not None else None
        if rule is None:
            found.append(
                Problem(
                    ruleset.directory,
                    1,
                    1,
                    "",
                    f"durable_rules cannot hold the rule set: {problem.message}",
                    "use --engine native, or split the rules",
                )
            )
            continue
        if rule.id in seen:
            continue
        seen.add(rule.id)
        found.append(
            Problem(
                rule.file,
                rule.line,
                1,
                "",
                f"rule {rule.id} is too large for the durable engine ({problem.message})",
                "split its condition into several rules, or use --engine native",
            )
        )
    return found
