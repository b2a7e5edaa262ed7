"""The durable_rules 2.0.28 traps: each one reproduced raw, and the adapter's guard tested.

The raw reproductions reach the C extension through ``durable._module()`` (only
``imsa_eligibility.engine.durable`` imports durable_rules). Those that crash the process
run in a subprocess. Each guard test fails if its guard is removed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import imsa_eligibility.engine.durable.session as durable_module
from imsa_eligibility.engine.durable import DurableEngine, durable_available
from imsa_eligibility.engine.durable import run as durable_run
from imsa_eligibility.engine.durable.checks import check_ruleset
from imsa_eligibility.engine.durable.leaves import Encoding, ValueSpec
from imsa_eligibility.engine.durable.session import close_sessions
from imsa_eligibility.engine.facts import FactBase, control_chain
from imsa_eligibility.engine.interface import Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.errors import EngineError
from imsa_eligibility.rules.ast import (
    CONTROL_CHAIN,
    AllOf,
    AnyOf,
    CompareOp,
    Node,
    Quantified,
)
from imsa_eligibility.rules.ast import Test as Leaf
from imsa_eligibility.vocabulary import Verdict

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable_rules not available")

ROOT = Path(__file__).resolve().parents[2]
#: glibc fills fresh allocations with this byte's complement, so reading uninitialised
#: memory in durable_rules becomes a reliable crash instead of a silent coincidence.
PERTURB = {"MALLOC_PERTURB_": "85"}

_names = iter(range(10**9))


def _engine() -> ModuleType:
    module = durable_module._module()
    assert module is not None
    return module


def raw(rules: dict[str, Any], facts: list[dict[str, Any]]) -> list[str]:
    """Assert ``facts`` in a fresh session of a raw ruleset; the names of the rules fired.

    A sentinel rule fires first, so that deleting the session is safe (see below).
    """
    d = _engine()
    handle = d.create_ruleset(
        f"trap_{os.getpid()}_{next(_names)}",
        json.dumps({**rules, "sentinel": {"all": [{"m": {"t": "sentinel"}}]}}),
    )
    sid = f"s{next(_names)}"
    fired: list[str] = []

    def drain(state: int) -> None:
        started = d.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            fired.extend(name for name in json.loads(message) if name != "sentinel")
            message = d.complete_and_start_action(handle, state)

    _, state = d.assert_fact(handle, json.dumps({"t": "sentinel", "sid": sid}))
    drain(state)
    try:
        for fact in facts:
            d.assert_fact(handle, json.dumps({**fact, "sid": sid}))
        drain(state)
    finally:
        d.delete_state(handle, sid)
    return fired


def run_python(
    code: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def decide(node: Node, facts: dict[str, Any]) -> Verdict:
    fact_base = FactBase(facts, control_chain(facts))
    native, engine = NativeEngine(), DurableEngine()
    native.prepare([Target("t", node)])
    engine.prepare([Target("t", node)])
    verdict = engine.decide(fact_base)["t"]
    assert verdict == native.decide(fact_base)["t"]
    return verdict


def profile(**organisation: Any) -> dict[str, Any]:
    return {
        "organisation": {"id": "a", "name": "A", "functions": [], **organisation},
        "related_organisations": [],
        "people": [],
    }


RAW_PRELUDE = """
    import json
    from imsa_eligibility.engine.durable.session import _module
    d = _module()
"""

# -- deleting a session in which no rule fired reads uninitialised memory ---------------


def test_raw_deleting_a_session_where_no_rule_fired_crashes() -> None:
    result = run_python(
        RAW_PRELUDE
        + """
    h = d.create_ruleset("r", json.dumps({"r": {"all": [{"m": {"t": "a"}}]}}))
    for i in range(200):
        _, state = d.assert_fact(h, json.dumps({"sid": str(i), "t": "b"}))
        d.start_action_for_state(h, state)
        d.delete_state(h, str(i))
    """,
        PERTURB,
    )
    if result.returncode == 0:
        pytest.skip("the crash did not reproduce with this C library")
    assert result.returncode == -signal.SIGSEGV


def test_guard_every_session_fires_the_sentinel_first(monkeypatch: pytest.MonkeyPatch) -> None:
    fired: list[str] = []
    act = durable_run.Evaluation.act

    def spy(self: durable_run.Evaluation, name: str, message: str) -> None:
        fired.append(self.program.actions[name].op)
        act(self, name, message)

    monkeypatch.setattr(durable_run.Evaluation, "act", spy)
    engine = DurableEngine()
    engine.prepare([Target("t", Leaf(("nothing",), "is", True))])
    close_sessions()  # the next decide starts a session
    assert engine.decide(FactBase(profile(), ())) == {"t": "unknown"}
    assert fired == ["noop"]
    assert engine.decide(FactBase(profile(), ())) == {"t": "unknown"}
    assert fired == ["noop"]  # once per session, and the session is kept


def _related(ident: str, relations: list[str], controllers: list[str]) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.upper(),
        "relations": relations,
        "controlled_by": controllers,
        "functions": ["policing"],
    }


def test_guard_profiles_in_one_session_never_see_each_other() -> None:
    # The same ids in two profiles: one profile's control links, chain, lists and
    # verdicts must not reach another's, though they share a session.
    chain_has_policing = Quantified(
        "some", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("policing",))
    )
    targets = [
        Target("chain", chain_has_policing),
        Target(
            "all_police",
            Quantified(
                "every", ("related_organisations",), Leaf(("functions",), "has_any", ("policing",))
            ),
        ),
        Target("every", Quantified("every", CONTROL_CHAIN, Leaf(("id",), "equals", "x"))),
        Target(
            "lists", Quantified("some", ("related_organisations",), Leaf(("id",), "equals", "y"))
        ),
        Target("both", AllOf((chain_has_policing, Leaf(("organisation", "name"), "equals", "A")))),
    ]
    # x controls the applicant in one profile; in the other, the applicant's parent y
    # names a controller x that this profile does not list
    parent = {**profile(), "related_organisations": [_related("x", ["parent"], [])]}
    linked = {
        **profile(),
        "related_organisations": [
            {**_related("y", ["parent"], ["x"]), "functions": []},
            {**_related("z", ["funder"], []), "id": "y2"},
        ],
    }
    empty = profile(name="B")
    engine, native = DurableEngine(), NativeEngine()
    engine.prepare(targets)
    native.prepare(targets)
    close_sessions()
    for data in (parent, linked, empty, parent, empty, linked) * 3:
        facts = FactBase(data, control_chain(data))
        assert engine.decide(facts) == native.decide(facts)


def test_guard_a_full_session_is_deleted_and_a_new_one_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module: Any = durable_module._module()
    deleted: list[str] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(module, name)

        def delete_state(self, handle: int, sid: str) -> Any:
            deleted.append(sid)
            return module.delete_state(handle, sid)

    counting = Counting()
    monkeypatch.setattr(durable_module, "_module", lambda: counting)
    monkeypatch.setattr(durable_run, "SESSION_FACTS", 10)
    engine = DurableEngine()
    engine.prepare([Target("t", IN_CHAIN)])
    for _ in range(5):
        assert engine.decide(FactBase(DIAMOND, ())) == {"t": "triggered"}
    assert len(deleted) == 5 and len(set(deleted)) == 5  # a profile's facts fill one


def test_guard_sessions_without_verdicts_survive_perturbed_memory() -> None:
    # The last target asserts one fact (an unknown sum, known to be at least 0) that no
    # rule matches: without the sentinel, no rule would fire in its sessions.
    result = run_python(
        """
    from decimal import Decimal
    from imsa_eligibility.engine.durable import DurableEngine
    from imsa_eligibility.engine.facts import FactBase
    from imsa_eligibility.engine.interface import Target
    from imsa_eligibility.rules.ast import Aggregate, AllOf, Test
    facts = FactBase({"organisation": {}, "related_organisations": [], "people": []}, ())
    unknown_sum = Aggregate("s", "v", ("nothing",), AllOf(()), "ge", Decimal("0.5"))
    for targets in ([], [Target("t", Test(("nothing",), "is", True))],
                    [Target("t", unknown_sum)]):
        engine = DurableEngine()
        engine.prepare(targets)
        for _ in range(300):
            engine.decide(facts)
    print("survived")
    """,
        PERTURB,
    )
    assert result.returncode == 0, result.stderr
    assert "survived" in result.stdout


# -- patterns made only of "does not exist" ---------------------------------------------


def test_raw_a_rule_of_only_negations_never_fires() -> None:
    # The stock host is reported to loop on such a rule; driven directly it never fires,
    # although no fact of type "a" exists. Either way it does not mean what it says.
    assert raw({"r": {"all": [{"n$not": {"t": "a"}}]}}, [{"t": "b"}]) == []


def test_guard_every_pattern_starts_with_a_type_test() -> None:
    with pytest.raises(EngineError, match="type test"):
        check_ruleset({"r": {"all": [{"n$not": {"t": "a"}}]}})
    with pytest.raises(EngineError, match="type test"):
        check_ruleset({"r": {"all": [{"m": {"$and": [{"k": 1}, {"t": "a"}]}}]}})


# -- negation is decided once, when the patterns before it match ------------------------


def test_raw_a_negation_is_not_revisited_when_the_fact_arrives_later() -> None:
    rule = {
        "r": {"all": [{"o": {"t": "ro"}}, {"c$not": {"$and": [{"t": "cm"}, {"i": {"o": "i"}}]}}]}
    }
    assert raw(rule, [{"t": "ro", "i": 1}, {"t": "cm", "i": 1}]) == ["r"]  # wrong
    closed = {"r": {"all": [{"c": {"t": "cl"}}, *rule["r"]["all"]]}}
    assert raw(closed, [{"t": "ro", "i": 1}, {"t": "cm", "i": 1}, {"t": "cl"}]) == []


def test_guard_non_members_are_marked_only_once_the_chain_is_closed() -> None:
    # Were "closed" asserted with the other facts, the parent would also be marked as a
    # non-member, and "some" would be decided both ways.
    parent = {
        "id": "p",
        "name": "P",
        "functions": ["policing"],
        "relations": ["parent"],
        "controlled_by": ["q"],
    }
    late = {"id": "q", "name": "Q", "functions": ["other"], "relations": [], "controlled_by": []}
    facts = {**profile(), "related_organisations": [parent, late]}
    node = Quantified("some", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("other",)))
    assert decide(node, facts) == "triggered"
    assert decide(Quantified("every", CONTROL_CHAIN, node.where), facts) == "clear"


# -- the stock host's background threads ------------------------------------------------


def test_guard_no_host_and_no_threads() -> None:
    result = run_python("""
    import sys, threading
    from imsa_eligibility.engine.durable import DurableEngine
    from imsa_eligibility.engine.facts import FactBase
    from imsa_eligibility.engine.interface import Target
    from imsa_eligibility.rules.ast import Test
    engine = DurableEngine()
    engine.prepare([Target("t", Test(("x",), "is", True))])
    for _ in range(5):
        engine.decide(FactBase({"x": True}, ()))
    print(threading.active_count(), "durable.engine" in sys.modules, "durable.lang" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "False", "False"]


# -- at most 1,024 live sessions per ruleset --------------------------------------------


def test_raw_more_than_1024_live_sessions_fail() -> None:
    result = run_python(
        RAW_PRELUDE
        + """
    h = d.create_ruleset("r", json.dumps({"r": {"all": [{"m": {"t": "a"}}]}}))
    for i in range(3000):
        try:
            _, state = d.assert_fact(h, json.dumps({"sid": str(i), "t": "a"}))
        except MemoryError:
            print("failed at", i)
            break
        message = d.start_action_for_state(h, state)[1]
        while message:
            message = d.complete_and_start_action(h, state)
    """
    )
    assert result.stdout.split() == ["failed", "at", "1024"]


def test_guard_3000_evaluations_in_a_row() -> None:
    engine = DurableEngine()
    engine.prepare([Target("t", Leaf(("x",), "ge", 1))])
    for i in range(3000):
        assert engine.decide(FactBase({"x": i}, ())) == {"t": "triggered" if i else "clear"}


# -- operators: $ne, no "in", missing fields, $iall ---------------------------------------


def test_raw_ne_is_not_an_operator() -> None:
    try:
        fired = raw(
            {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$ne": {"x": 1}}]}}]}}, [{"t": "a", "x": 2}]
        )
    except Exception as error:  # 2.0.28 refuses it; the brief saw it accepted, never matching
        assert "error code" in str(error)
    else:
        assert fired == []
    assert raw(
        {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$neq": {"x": 1}}]}}]}}, [{"t": "a", "x": 2}]
    ) == ["r"]


def test_guard_forbidden_operators_and_names() -> None:
    for bad in ({"$ne": {"x": 1}}, {"$mt": {"x": "a.*"}}, {"$imt": {"x": "a"}}, {"id": 1}):
        with pytest.raises(EngineError, match="internal"):
            check_ruleset({"r": {"all": [{"m": {"$and": [{"t": "a"}, bad]}}]}})
    assert decide(Leaf(("organisation", "name"), "not_equals", "B"), profile()) == "triggered"
    assert decide(Leaf(("organisation", "name"), "one_of", ("B", "A", "C")), profile()) == (
        "triggered"
    )


def test_guard_only_listed_fact_kinds_and_fields_are_read() -> None:
    def one(body: dict[str, Any]) -> dict[str, Any]:
        return {"r": {"all": [{"m": body}]}}

    check_ruleset(one({"$and": [{"t": "x"}, {"a3": 1}, {"$neq": {"b3": {"$m": "a3"}}}]}))
    with pytest.raises(EngineError, match="unknown fact kind 'q'"):
        check_ruleset(one({"$and": [{"t": "q"}, {"a": 1}]}))
    with pytest.raises(EngineError, match=r"reads fields \['zz'\] of VALUE facts"):
        check_ruleset(one({"$and": [{"t": "x"}, {"zz": 1}]}))
    with pytest.raises(EngineError, match=r"\['k'\]"):  # a slot field needs its number
        check_ruleset(one({"$and": [{"t": "x"}, {"$iany": {"k": {"$i": 1}}}]}))


def test_raw_comparisons_are_false_on_missing_and_null_fields() -> None:
    rule = {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$neq": {"x": 1}}]}}]}}
    assert raw(rule, [{"t": "a"}]) == []
    assert raw(rule, [{"t": "a", "x": None}]) == []


def test_guard_unknown_values_are_never_sent() -> None:
    assert durable_run.encode(ValueSpec(Encoding.IDENTITY, ("x",)), {"x": None}) is None
    pair = ValueSpec(Encoding.PAIR, ("x",), ("y",))
    assert durable_run.encode(pair, {"x": 1, "y": None}) is None
    node = Leaf(("organisation", "delivery_model"), "not_equals", "local")
    assert decide(node, profile(delivery_model=None)) == "unknown"
    assert decide(node, profile(delivery_model="national")) == "triggered"


def test_raw_iall_is_false_on_an_empty_list() -> None:
    rule = {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$iall": {"x": {"$neq": {"$i": 1}}}}]}}]}}
    assert raw(rule, [{"t": "a", "x": []}]) == []
    assert raw(rule, [{"t": "a", "x": [2]}]) == ["r"]


def test_guard_empty_lists_are_counted() -> None:
    functions = ("organisation", "functions")
    assert decide(Leaf(functions, "has_any", ("policing",)), profile()) == "clear"
    assert decide(Leaf(functions, "has_all", ("policing",)), profile()) == "clear"
    assert decide(Leaf(functions, "has_any", None, ("organisation", "name")), profile()) == (
        "clear"
    )


def test_raw_or_inside_iany_is_refused_by_the_check() -> None:
    # createAlpha reads uninitialised memory for this shape (found with valgrind); later
    # rulesets then fail to load at random ("error code: 102"). Not reproducible without
    # valgrind, so only the guard is tested.
    with pytest.raises(EngineError, match=r"\$or in \$iany"):
        check_ruleset(
            {
                "r": {
                    "all": [
                        {
                            "m": {
                                "$and": [
                                    {"t": "a"},
                                    {"$iany": {"x": {"$or": [{"$i": 1}, {"$i": 2}]}}},
                                ]
                            }
                        }
                    ]
                }
            }
        )
    assert (
        decide(
            Leaf(("organisation", "functions"), "has_any", ("x", "y", "policing")),
            profile(functions=["policing"]),
        )
        == "triggered"
    )


# -- a field named id -------------------------------------------------------------------


def test_raw_a_field_named_id_breaks_joins() -> None:
    def join(name: str) -> list[str]:
        rule = {
            "r": {"all": [{"x": {"t": "a"}}, {"y": {"$and": [{"t": "b"}, {name: {"x": name}}]}}]}
        }
        return raw(rule, [{"t": "a", name: "k"}, {"t": "b", name: "k"}])

    assert join("id") == []
    assert join("o") == ["r"]


def test_guard_ids_join_under_another_name() -> None:
    parent = {
        "id": "p",
        "name": "P",
        "functions": ["other"],
        "relations": ["parent"],
        "controlled_by": ["police"],
    }
    police = {
        "id": "police",
        "name": "Police",
        "functions": ["policing"],
        "relations": [],
        "controlled_by": [],
    }
    facts = {**profile(), "related_organisations": [parent, police]}
    node = Quantified("some", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("policing",)))
    assert decide(node, facts) == "triggered"


# -- numbers ----------------------------------------------------------------------------


def test_raw_exponent_floats_are_refused_and_big_ints_saturate() -> None:
    with pytest.raises(Exception, match="error code"):
        raw(
            {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$gt": {"x": 0}}]}}]}},
            [{"t": "a", "x": 1e-05}],
        )
    rule = {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"$lt": {"x": 2**63 - 1}}]}}]}}
    assert raw(rule, [{"t": "a", "x": 2**70}]) == []
    assert raw(rule, [{"t": "a", "x": -(2**70)}]) == ["r"]


@pytest.mark.parametrize(
    ("value", "op", "threshold", "expected"),
    [
        (10**30, "gt", 10**30 - 1, "triggered"),
        (10**30, "lt", 10**30 + 1, "triggered"),
        (10**30, "equals", 10**30 + 1, "clear"),
        (-(10**30), "lt", -(10**29), "triggered"),
        (Decimal("0.00001"), "gt", Decimal("0.000001"), "triggered"),
        (Decimal("0.00001"), "lt", Decimal("1E-5"), "clear"),
        (Decimal("0.00001"), "equals", Decimal("1E-5"), "triggered"),
        (Decimal("1E+20"), "ge", 10**20, "triggered"),
    ],
)
def test_guard_numbers_are_exact(value: Any, op: CompareOp, threshold: Any, expected: str) -> None:
    assert (
        decide(
            Leaf(("organisation", "n"), op, threshold),
            profile(n=value),
        )
        == expected
    )


def test_guard_fact_to_fact_numbers_are_exact() -> None:
    node = Leaf(("organisation", "a"), "lt", None, ("organisation", "b"))
    assert decide(node, profile(a=10**30, b=10**30 + 1)) == "triggered"
    assert decide(node, profile(a=Decimal("0.1"), b=Decimal("0.10001"))) == "triggered"
    assert decide(node, profile(a=2, b=Decimal("2.0"))) == "clear"
    assert decide(node, profile(a=10**40, b=10**40 + 1)) == "triggered"
    assert decide(node, profile(a=10**40, b=-(10**40))) == "clear"
    assert (
        decide(node, profile(a=Decimal("1E+25"), b=Decimal("1.00000000000000000000000001E+25")))
        == "triggered"
    )


# -- types confused ---------------------------------------------------------------------


def test_raw_text_equals_number_and_true_equals_one() -> None:
    assert raw(
        {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"x": "10"}]}}]}}, [{"t": "a", "x": 10}]
    ) == ["r"]
    assert raw(
        {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"x": 1}]}}]}}, [{"t": "a", "x": True}]
    ) == ["r"]


def test_guard_values_carry_their_type() -> None:
    name = ("organisation", "name")
    assert decide(Leaf(name, "equals", 10), profile(name="10")) == "clear"
    assert decide(Leaf(name, "one_of", ("10",)), profile(name=10)) == "clear"
    assert decide(Leaf(name, "equals", 1), profile(name=True)) == "clear"
    assert decide(Leaf(name, "is", True), profile(name=1)) == "clear"
    assert decide(Leaf(name, "has_any", ("1",)), profile(name=[1])) == "clear"
    assert decide(Leaf(name, "has_any", ("1",)), profile(name=["1"])) == "triggered"


# -- strings ----------------------------------------------------------------------------


def test_raw_strings_compare_as_escaped_json_and_only_their_first_64k() -> None:
    d = _engine()
    handle = d.create_ruleset(
        f"trap_{os.getpid()}_{next(_names)}",
        json.dumps({"r": {"all": [{"m": {"$and": [{"t": "a"}, {"x": "é"}]}}]}}, ensure_ascii=False),
    )
    # one session each: neither matches, but the first (escaped) is refused outright
    assert d.assert_fact(handle, json.dumps({"sid": "e", "t": "a", "x": "é"}))[0] == 1
    assert (
        d.assert_fact(handle, json.dumps({"sid": "r", "t": "a", "x": "é"}, ensure_ascii=False))[0]
        == 0
    )
    long = "x" * 70000
    rule = {"r": {"all": [{"m": {"$and": [{"t": "a"}, {"x": {"$m": "y"}}]}}]}}
    assert raw(rule, [{"t": "a", "x": long, "y": long[:-1] + "y"}]) == ["r"]  # wrong


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("é", "é", "triggered"),
        ("é", unicodedata.normalize("NFD", "é"), "clear"),  # as Python compares (see README)
        ('quote " and \\ backslash', 'quote " and \\ backslash', "triggered"),
        ("x" * 70000, "x" * 69999 + "y", "clear"),
        ("x" * 70000, "x" * 70000, "triggered"),
        ("\u2028\x00", "\u2028\x00", "triggered"),
    ],
)
def test_guard_strings_are_tokens(left: str, right: str, expected: str) -> None:
    name = ("organisation", "name")
    assert decide(Leaf(name, "equals", right), profile(name=left)) == expected
    assert (
        decide(
            Leaf(name, "equals", None, ("organisation", "other")), profile(name=left, other=right)
        )
        == expected
    )
    assert (
        decide(Leaf(("organisation", "functions"), "has_any", (right,)), profile(functions=[left]))
        == expected
    )


# -- fact size --------------------------------------------------------------------------


def test_raw_a_fact_with_too_many_properties_fails() -> None:
    with pytest.raises(Exception, match="error code"):
        raw({"r": {"all": [{"m": {"t": "a"}}]}}, [{"t": "a", **{f"f{i}": i for i in range(260)}}])


def test_guard_facts_stay_small() -> None:
    facts = profile(**{f"f{i}": i for i in range(300)})
    nodes = [Leaf(("organisation", f"f{i}"), "ge", 150) for i in range(300)]
    targets = [Target(f"t{i}", node) for i, node in enumerate(nodes)]
    engine, native = DurableEngine(), NativeEngine()
    engine.prepare(targets)
    native.prepare(targets)
    fact_base = FactBase(facts, ())
    assert engine.decide(fact_base) == native.decide(fact_base)


# -- the same fact twice ----------------------------------------------------------------


def test_raw_asserting_the_same_fact_twice_is_refused() -> None:
    d = _engine()
    handle = d.create_ruleset(
        f"trap_{os.getpid()}_{next(_names)}", json.dumps({"r": {"all": [{"m": {"t": "a"}}]}})
    )
    fact = json.dumps({"sid": "1", "t": "a"})
    assert d.assert_fact(handle, fact)[0] == 0
    assert d.assert_fact(handle, fact)[0] == 2  # MessageObservedException in the host
    message = d.start_action_for_state(
        handle, d.assert_fact(handle, json.dumps({"sid": "1", "t": "b"}))[1]
    )[1]
    while message:
        message = d.complete_and_start_action(handle, 1)
    d.delete_state(handle, "1")


class _Forgetful(set[str]):
    def __contains__(self, item: object) -> bool:
        return False


DIAMOND = {
    **profile(),
    "related_organisations": [
        {
            "id": "l",
            "name": "L",
            "functions": ["policing"],
            "relations": ["parent"],
            "controlled_by": ["top"],
        },
        {
            "id": "r",
            "name": "R",
            "functions": ["policing"],
            "relations": ["parent"],
            "controlled_by": ["top"],
        },
        {
            "id": "top",
            "name": "Top",
            "functions": ["policing"],
            "relations": [],
            "controlled_by": ["top", "l"],
        },
    ],
}
IN_CHAIN = Quantified("some", CONTROL_CHAIN, Leaf(("functions",), "has_any", ("policing",)))


def test_guard_repeated_facts_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three related organisations decide "some" (three times the same verdict fact),
    # which the "any" above it matches; a diamond and a cycle derive members repeatedly.
    node = AnyOf(
        (
            Quantified(
                "some", ("related_organisations",), Leaf(("functions",), "has_any", ("policing",))
            ),
            Leaf(("organisation", "x"), "is", True),
        )
    )
    assert decide(node, DIAMOND) == "triggered"
    assert decide(IN_CHAIN, DIAMOND) == "triggered"
    init = durable_run.Evaluation.__init__

    def forgetful(self: durable_run.Evaluation, *args: Any) -> None:
        init(self, *args)
        self.seen = _Forgetful()

    monkeypatch.setattr(durable_run.Evaluation, "__init__", forgetful)
    engine = DurableEngine()
    engine.prepare([Target("t", node)])
    with pytest.raises(EngineError, match="code 2"):
        engine.decide(FactBase(DIAMOND, ()))


# -- exceptions inside actions ----------------------------------------------------------


def test_guard_exceptions_in_actions_surface(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = DurableEngine()
    engine.prepare([Target("t", IN_CHAIN)])

    def broken(self: durable_run.Evaluation, name: str, message: str) -> None:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(durable_run.Evaluation, "act", broken)
        for _ in range(1500):  # more than the live-session limit: each one is deleted
            with pytest.raises(EngineError, match="boom"):
                engine.decide(FactBase(DIAMOND, ()))
    assert engine.decide(FactBase(DIAMOND, ())) == {"t": "triggered"}


def test_guard_a_value_the_native_engine_cannot_compare_is_an_error() -> None:
    node = AllOf((Leaf(("organisation", "name"), "lt", 3),))
    with pytest.raises(EngineError, match="not a number"):
        decide(node, profile())
    with pytest.raises(ValueError):
        native = NativeEngine()
        native.prepare([Target("t", node)])
        native.decide(FactBase(profile(), ()))


# -- ruleset names ----------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    created: list[str] = []
    module = _engine()

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(module, name)

        def create_ruleset(self, name: str, text: str) -> int:
            created.append(name)
            return int(module.create_ruleset(name, text))

    monkeypatch.setattr(durable_module, "_module", Counting)
    yield created


def test_guard_rulesets_are_named_by_content_and_created_once(counted: list[str]) -> None:
    # The ruleset holds no paths (the adapter maps values to facts), only the tests.
    node = Leaf(("organisation", "name"), "one_of", ("a value only this test uses",))
    for _ in range(3):
        DurableEngine().prepare([Target("t", node)])
    DurableEngine().prepare([Target("other key", node)])
    DurableEngine().prepare(
        [Target("t", Leaf(("other", "path"), "one_of", ("a value only this test uses",)))]
    )
    assert len(counted) == 1
    assert counted[0].startswith("imsa_")
    DurableEngine().prepare(
        [
            Target(
                "t",
                Leaf(("organisation", "name"), "one_of", ("another value only this test uses",)),
            )
        ]
    )
    assert len(counted) == 2


# -- every failure is an EngineError ----------------------------------------------------


def test_guard_engine_failures_become_engine_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _engine()

    class Failing:
        def __getattr__(self, name: str) -> Any:
            return getattr(module, name)

        def complete_and_start_action(self, handle: int, state: int) -> str:
            raise module.error("Could not complete and start action, error code: 307")

    engine = DurableEngine()
    engine.prepare([Target("t", IN_CHAIN)])
    monkeypatch.setattr(durable_module, "_module", Failing)
    with pytest.raises(EngineError, match="307"):
        engine.decide(FactBase(DIAMOND, ()))


def test_guard_without_durable_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durable_module, "_module", lambda: None)
    assert not durable_available()
    with pytest.raises(EngineError, match="native engine"):
        DurableEngine().prepare([])


def test_guard_importing_never_needs_durable_rules() -> None:
    result = run_python("""
    import sys
    sys.modules["durable_rules_engine"] = None  # as where it does not build (Python 3.13+)
    from imsa_eligibility.engine.durable import DurableEngine, durable_available
    print(durable_available())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_threads_share_one_engine_safely() -> None:
    engine = DurableEngine()
    engine.prepare([Target("t", IN_CHAIN)])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(100):
                assert engine.decide(FactBase(DIAMOND, ())) == {"t": "triggered"}
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
