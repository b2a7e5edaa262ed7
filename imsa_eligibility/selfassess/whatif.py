"""What would change a decision (``check --what-if``): the smallest sets of changes that help.

For each nation whose outcome is not ``eligible``, :func:`what_if` finds up to
:data:`MAX_SETS` sets of at most :data:`MAX_CHANGES` changes to facts the rule set marks
changeable (see :mod:`.candidates`) that give the nation a **better** outcome: one later in
the order of :class:`~imsa_eligibility.vocabulary.Outcome` (ineligible, incomplete,
refer_to_panel, eligible_with_conditions, eligible), so ineligible to incomplete is better,
and so is refer_to_panel to eligible_with_conditions. Every set shown was verified: the
changed profile was decided with the check's own engine, and the check's waivers applied
(``settle``), and the nation's outcome read from that decision.

The search, bounded by :data:`MAX_DECISIONS` decisions per profile:

1. every candidate change is tried alone (one decision serves every nation);
2. the findings that hold a nation's outcome where it is (its *blockers*: at that outcome's
   level, see :func:`level`) must all be cleared for the outcome to get better. A change
   *fixes* a blocker when, alone, it moves that finding above the level; where none does,
   every change to a fact in the blocker's evidence may (in company). Sets of two and three
   changes are tried only when each blocker has a fixer among them and each change fixes
   one that the others do not;
3. each set found whose outcome is still short of eligible, and that has room for more
   changes, becomes a base in turn: its changed profile's blockers (at the level it
   reached) and their fixers are found the same way, among the candidates not changing a
   fact the set changes (and any the changed profile's findings name), and the set is
   tried with one, then two, more changes, up to :data:`MAX_CHANGES` in all (within the
   same budget). What this finds is itself a base in turn, so "register with the ICO"
   (eligible with conditions) leads to "register with the ICO and get the vetting checks"
   (eligible).

Which sets are shown, and in what order: best outcome first, then fewest changes, then
the order the search found them (smallest first, then best outcome, then the order the
findings name their facts). A set that contains a shown set is shown only when its outcome
is strictly better than that of every shown set it contains; so no shown set contains
another shown set whose outcome is at least as good. At most :data:`MAX_SETS` are shown,
each changes a fact at most once, and every one was decided. Deterministic: the same
inputs give the same sets in the same order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from ..decision import Change, Decision, Finding, NationDecision, WhatIf, decide_nations
from ..engine.facts import FactBase, facts_from_profile
from ..engine.interface import ExplainingEngine
from ..profile.model import Profile
from ..rules.model import RuleSet
from ..vocabulary import Effect, Nation, Outcome, Verdict
from .candidates import Candidate, candidates, changed, value_at

MAX_SETS = 5
MAX_CHANGES = 3
#: Decisions one profile may cost at most (the base decision not counted).
MAX_DECISIONS = 400

Settle = Callable[[Decision], Decision]
Tokens = frozenset[tuple[Any, str]]


def level(finding: Finding) -> Outcome:
    """The outcome ``finding`` alone would hold its nation to (eligible when it does not
    count or is clear)."""
    if not finding.counts or finding.verdict is Verdict.CLEAR:
        return Outcome.ELIGIBLE
    if finding.verdict is Verdict.UNKNOWN:
        return Outcome.INCOMPLETE
    return {
        Effect.EXCLUDE: Outcome.INELIGIBLE,
        Effect.REFER: Outcome.REFER_TO_PANEL,
        Effect.CONDITION: Outcome.ELIGIBLE_WITH_CONDITIONS,
    }.get(finding.effect, Outcome.ELIGIBLE)


def better(after: Outcome, before: Outcome) -> bool:
    """Whether ``after`` is a better outcome than ``before`` (later in the Outcome order)."""
    return after.severity > before.severity


class _Trials:
    """Decides changed profiles, each set of changes once, within the budget."""

    def __init__(
        self,
        base: Decision,
        data: Mapping[str, Any],
        ruleset: RuleSet,
        engine: ExplainingEngine,
        as_of: dt.date,
        settle: Settle,
        budget: int,
    ) -> None:
        self.base, self.data, self.ruleset = base, data, ruleset
        self.engine, self.as_of, self.settle = engine, as_of, settle
        self.nations = [n.nation for n in base.nations]
        self.left = budget
        self.made = 0
        self._known: dict[Tokens, dict[Nation, NationDecision] | None] = {}

    def decide(self, chosen: Sequence[Candidate]) -> dict[Nation, NationDecision] | None:
        """Each nation's decision with ``chosen`` made; None for an invalid profile, or
        when the budget is spent."""
        tokens = frozenset(c.token for c in chosen)
        if tokens in self._known:
            return self._known[tokens]
        if self.left <= 0:
            return None
        self.left -= 1
        self.made += 1
        data = changed(self.data, [(c.key, c.after) for c in chosen])
        try:
            facts = facts_from_profile(Profile.model_validate(data))
        except ValueError:  # pydantic's ValidationError: not a profile, never suggested
            self._known[tokens] = None
            return None
        found = self._decide(facts)
        self._known[tokens] = found
        return found

    def _decide(self, facts: FactBase) -> dict[Nation, NationDecision]:
        results = decide_nations(
            facts, self.base.file, self.ruleset, self.nations, self.as_of, self.engine
        )
        overall = Outcome.most_severe([r.outcome for r in results])
        decision = self.settle(dataclasses.replace(self.base, nations=results, outcome=overall))
        return {n.nation: n for n in decision.nations}


def _blockers(result: NationDecision) -> dict[str, Finding]:
    return {f.rule: f for f in result.findings if level(f) is result.outcome}


def _cleared(result: NationDecision, rules: Iterable[str], base: Outcome) -> set[str]:
    """The rules among ``rules`` whose finding in ``result`` no longer holds ``base``."""
    by_rule = {f.rule: f for f in result.findings}
    return {r for r in rules if r not in by_rule or better(level(by_rule[r]), base)}


def _fixers(
    pool: Sequence[Candidate],
    blockers: Mapping[str, Finding],
    clears: Mapping[int, set[str]],
) -> dict[str, set[int]]:
    fixers: dict[str, set[int]] = {}
    for rule, finding in blockers.items():
        paths = {e.path for e in finding.evidence} | set(finding.to_provide)
        direct = {c.order for c in pool if rule in clears.get(c.order, set())}
        fixers[rule] = direct or {c.order for c in pool if c.path in paths}
    return fixers


def _worth_trying(chosen: Sequence[Candidate], fixers: Mapping[str, set[int]]) -> bool:
    """Whether ``chosen`` has a fixer for every blocker, each change one of its own."""
    if len({c.key for c in chosen}) < len(chosen):
        return False
    orders = {c.order for c in chosen}
    if any(not (f & orders) for f in fixers.values()):
        return False
    for c in chosen:
        rest = orders - {c.order}
        if all(f & rest for f in fixers.values()):
            return False
    return True


def _clearing(pool: Sequence[Candidate], alone: Mapping[int, NationDecision]) -> list[Candidate]:
    """``pool`` with only the value that clears of each unknown true/false fact: the one
    that, alone, leaves the most of the nation's counting findings clear (both on a tie)."""

    def score(c: Candidate) -> int:
        after = alone.get(c.order)
        if after is None:
            return -1
        return sum(1 for f in after.findings if f.counts and f.verdict is Verdict.CLEAR)

    best: dict[Any, int] = {}
    for c in pool:
        if c.before is None and isinstance(c.after, bool):
            best[c.key] = max(best.get(c.key, -1), score(c))
    return [c for c in pool if c.key not in best or score(c) == best[c.key]]


Found = tuple[tuple[Candidate, ...], Outcome]


def _grow(
    trials: _Trials,
    nation: Nation,
    fixed: tuple[Candidate, ...],
    result: NationDecision,
    pool: Sequence[Candidate],
    room: int,
) -> list[Found]:
    """The sets of at most ``room`` changes from ``pool`` that, made on top of ``fixed``,
    give ``nation`` a better outcome than ``result`` (the decision with ``fixed`` made)."""
    base = result.outcome
    blockers = _blockers(result)
    found: list[Found] = []
    clears: dict[int, set[str]] = {}
    alone: dict[int, NationDecision] = {}
    for c in pool:
        decided = trials.decide((*fixed, c))
        if decided is not None:
            alone[c.order] = decided[nation]
    pool = _clearing(pool, alone)
    for c in pool:
        after = alone.get(c.order)
        if after is None:
            continue
        clears[c.order] = _cleared(after, blockers, base)
        if better(after.outcome, base):
            found.append(((c,), after.outcome))
    found.sort(key=lambda f: (-f[1].severity, f[0][0].order))
    fixers = _fixers(pool, blockers, clears)
    useful = sorted(set().union(*fixers.values())) if fixers else []
    by_order = {c.order: c for c in pool}
    for size in range(2, room + 1):
        if len(found) >= MAX_SETS:
            break
        shown = [frozenset(c.order for c in chosen) for chosen, _ in found]
        this_size: list[Found] = []
        for orders in combinations(useful, size):
            if any(s <= set(orders) for s in shown):
                continue
            chosen = tuple(by_order[o] for o in orders)
            if not _worth_trying(chosen, fixers):
                continue
            decided = trials.decide((*fixed, *chosen))
            if decided is not None and better(decided[nation].outcome, base):
                this_size.append((chosen, decided[nation].outcome))
        this_size.sort(key=lambda f: (-f[1].severity, [c.order for c in f[0]]))
        found += this_size
    return found[:MAX_SETS]


class _Pool:
    """A nation's candidate changes, one :class:`Candidate` a token, numbered in the order
    they were first named; grown with the changes the findings of a changed profile name."""

    def __init__(self, data: Mapping[str, Any], ruleset: RuleSet, first: Sequence[Candidate]):
        self.data, self.ruleset = data, ruleset
        self.by_token = {c.token: c for c in first}
        self.first = list(first)

    def after(self, fixed: Sequence[Candidate], result: NationDecision) -> list[Candidate]:
        """The changes worth trying on top of ``fixed`` (decided as ``result``): the first
        pool's and those the findings now name, none to a fact ``fixed`` changes."""
        taken = {c.key for c in fixed}
        counting = [f for f in result.findings if level(f) is not Outcome.ELIGIBLE]
        named = candidates(
            changed(self.data, [(c.key, c.after) for c in fixed]),
            counting,
            self.ruleset.changeable,
        )
        for c in named:
            if c.token not in self.by_token and c.before == value_at(self.data, c.key):
                made = dataclasses.replace(c, order=len(self.by_token))
                self.by_token[c.token] = made
        out = {c.token: c for c in self.first}
        out.update({c.token: self.by_token[c.token] for c in named if c.token in self.by_token})
        return sorted((c for c in out.values() if c.key not in taken), key=lambda c: c.order)


def _pick(found: Sequence[Found]) -> list[Found]:
    """At most :data:`MAX_SETS` of ``found``: best outcome first, then fewest changes, then
    the order found; a set that contains one picked before it is left out unless its outcome
    is better than that one's."""
    ranked = sorted(enumerate(found), key=lambda f: (-f[1][1].severity, len(f[1][0]), f[0]))
    picked: list[Found] = []
    tokens: list[tuple[frozenset[tuple[Any, str]], Outcome]] = []
    for _, (chosen, outcome) in ranked:
        these = frozenset(c.token for c in chosen)
        if any(t <= these and o.severity >= outcome.severity for t, o in tokens):
            continue
        picked.append((chosen, outcome))
        tokens.append((these, outcome))
    return picked[:MAX_SETS]


def _search(trials: _Trials, result: NationDecision, pool: _Pool) -> list[Found]:
    nation = result.nation
    found = _grow(trials, nation, (), result, pool.first, MAX_CHANGES)
    seen = {frozenset(c.token for c in chosen) for chosen, _ in found}
    at = 0
    while at < len(found):  # each set found short of eligible becomes a base in turn
        chosen, outcome = found[at]
        at += 1
        if outcome is Outcome.ELIGIBLE or len(chosen) >= MAX_CHANGES:
            continue
        decided = trials.decide(chosen)
        if decided is None:
            continue
        here = decided[nation]
        room = MAX_CHANGES - len(chosen)
        for extra, better_outcome in _grow(
            trials, nation, chosen, here, pool.after(chosen, here), room
        ):
            whole = tuple(sorted((*chosen, *extra), key=lambda c: c.order))
            tokens = frozenset(c.token for c in whole)
            if tokens not in seen:
                seen.add(tokens)
                found.append((whole, better_outcome))
    return _pick(found)


def _shown(chosen: Sequence[Candidate], outcome: Outcome) -> WhatIf:
    ordered = sorted(chosen, key=lambda c: c.order)
    changes = tuple(Change(c.path, c.before, c.after, c.about) for c in ordered)
    return WhatIf(changes, outcome)


def _filled(trials: _Trials, decision: Decision, facts: FactBase, ruleset: RuleSet) -> Decision:
    nations = []
    for result in decision.nations:
        found: list[Found] = []
        if result.outcome is not Outcome.ELIGIBLE:
            counting = [f for f in result.findings if level(f) is not Outcome.ELIGIBLE]
            first = candidates(facts.data, counting, ruleset.changeable)
            found = _search(trials, result, _Pool(facts.data, ruleset, first))
        nations.append(dataclasses.replace(result, what_if=tuple(_shown(*f) for f in found)))
    return dataclasses.replace(decision, nations=tuple(nations))


def what_if(
    decision: Decision,
    facts: FactBase,
    ruleset: RuleSet,
    engine: ExplainingEngine,
    *,
    as_of: dt.date,
    settle: Settle = lambda d: d,
    budget: int = MAX_DECISIONS,
) -> Decision:
    """``decision`` with each nation's ``what_if`` filled in (see the module's docstring).

    ``decision`` is the check's decision of the profile whose facts are ``facts``, with the
    waivers applied that ``settle`` applies to every changed profile's decision. ``engine``
    must be prepared for ``ruleset`` (the one that made ``decision``).
    """
    return what_if_counted(
        decision, facts, ruleset, engine, as_of=as_of, settle=settle, budget=budget
    )[0]


def what_if_counted(
    decision: Decision,
    facts: FactBase,
    ruleset: RuleSet,
    engine: ExplainingEngine,
    *,
    as_of: dt.date,
    settle: Settle = lambda d: d,
    budget: int = MAX_DECISIONS,
) -> tuple[Decision, int]:
    """:func:`what_if`, and how many decisions it made (to measure the bound)."""
    trials = _Trials(decision, facts.data, ruleset, engine, as_of, settle, budget)
    return _filled(trials, decision, facts, ruleset), trials.made


__all__ = [
    "MAX_CHANGES",
    "MAX_DECISIONS",
    "MAX_SETS",
    "better",
    "level",
    "what_if",
    "what_if_counted",
]
