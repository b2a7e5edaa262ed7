"""The register as a library: its schema and migrations, what it refuses, what it keeps.

Every refusal leaves the file as it was, byte for byte: a file that is not a register is
never opened for writing, let alone overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from imsa_eligibility.decision import Decision, evaluate
from imsa_eligibility.engine import engine_for
from imsa_eligibility.panel.register import (
    APPLICATION_ID,
    EPOCH_ENV,
    MIGRATIONS,
    SCHEMA_VERSION,
    Record,
    Register,
    RegisterError,
    Summary,
    decision_text,
    files_sha256,
    recorded_now,
    ruleset_files,
)
from imsa_eligibility.panel.stored import StoredDecisionError, decision_from_json, shown_decision
from imsa_eligibility.panel.waivers import apply_waivers, load_waivers
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.report.jsonreport import decision_json
from imsa_eligibility.report.stream import JsonWriter
from imsa_eligibility.report.text import render_decision
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.rules.model import RuleSet
from tests.conftest import EXAMPLES, ROOT
from tests.goldens import assert_golden as _golden

GOLDEN = ROOT / "tests" / "golden" / "register"
AS_OF = dt.date(2026, 11, 28)
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))

_RULES: list[RuleSet] = []


def _rules() -> RuleSet:
    if not _RULES:
        _RULES.append(load_ruleset(None))
    return _RULES[0]


def _decisions() -> list[tuple[Decision, bytes]]:
    ruleset = _rules()
    engine = engine_for("native", ruleset)
    out = []
    for path in EXAMPLE_FILES:
        decision = evaluate(load_profile(path), ruleset, as_of=AS_OF, engine=engine)
        out.append((decision, path.read_bytes()))
    return out


def _record(decision: Decision, profile: bytes, **changes: object) -> Record:
    record = Record(
        decision_json=decision_text(decision),
        profile=profile,
        profile_syntax="yaml",
        ruleset_sha256=decision.ruleset_sha256,
        as_of=decision.as_of,
        nations_asked=None,
        engine=decision.engine,
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def _schema(path: Path) -> str:
    """The schema of the SQLite file at ``path``, as text: what a migration must produce."""
    with sqlite3.connect(path) as db:
        lines = [
            f"-- user_version {db.execute('PRAGMA user_version').fetchone()[0]}",
            f"-- application_id {db.execute('PRAGMA application_id').fetchone()[0]}",
            f"-- journal_mode {db.execute('PRAGMA journal_mode').fetchone()[0]}",
        ]
        rows = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        )
        lines += [f"{sql};" for _, _, sql in rows]
        meta = db.execute("SELECT key, value FROM meta WHERE key = 'format'").fetchall()
        lines += [f"-- meta {key} = {value}" for key, value in meta]
    db.close()
    return "\n".join(lines) + "\n"


# --- the schema and its migrations ---------------------------------------------------------


def test_migrating_an_empty_file_gives_the_current_schema(
    tmp_path: Path, update_goldens: bool
) -> None:
    path = tmp_path / "register.sqlite"
    Register.open(path, create=True).close()
    _golden(GOLDEN / "schema.sql", _schema(path), update_goldens)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION + 1))
def test_a_register_of_every_earlier_version_migrates_to_the_current_schema(
    tmp_path: Path, version: int
) -> None:
    """A register left at any version (0: an empty file) is brought up to date on opening,
    and gives the schema a new register has."""
    new = tmp_path / "new.sqlite"
    Register.open(new, create=True).close()
    old = tmp_path / "old.sqlite"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for number, step in enumerate(MIGRATIONS[:version], 1):
        for statement in step:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    db.close()
    Register.open(old, create=version == 0).close()
    assert _schema(old) == _schema(new)


def test_migration_steps_are_sql_applied_in_order() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1
    assert all(step and all(isinstance(s, str) for s in step) for step in MIGRATIONS)


# --- what is refused, and left as it was ---------------------------------------------------


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-journal").exists()


def test_a_text_file_is_not_a_register_and_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("minutes of the panel meeting\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(RegisterError) as caught:
        Register.open(path, create=True)
    message = str(caught.value)
    assert str(path) in message
    assert "not a register of decisions: it is not an SQLite database" in message
    assert "It was not changed" in message
    assert caught.value.exit_code == 2
    _unchanged(path, before)


@pytest.mark.parametrize(
    "schema",
    [
        ("CREATE TABLE contacts (name TEXT)", "INSERT INTO contacts VALUES ('Panel chair')"),
        ("CREATE TABLE meta (name TEXT)",),  # a table of the same name, of another kind
        (f"PRAGMA application_id = {APPLICATION_ID}", "CREATE TABLE t (x)"),
    ],
    ids=["other-tables", "other-meta", "our-id-without-meta"],
)
def test_another_sqlite_database_is_not_a_register_and_is_left_as_it_was(
    tmp_path: Path, schema: tuple[str, ...]
) -> None:
    path = tmp_path / "contacts.sqlite"
    with sqlite3.connect(path) as db:
        for statement in schema:
            db.execute(statement)
    db.close()
    before = path.read_bytes()
    with pytest.raises(RegisterError, match="an SQLite database of something else"):
        Register.open(path, create=True)
    _unchanged(path, before)


def test_a_register_from_a_newer_release_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    Register.open(path, create=True).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(RegisterError) as caught:
        Register.open(path, create=True)
    message = str(caught.value)
    assert "a register from a newer release" in message
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert "use a newer imsa-eligibility" in message
    assert path.read_bytes() == before


def test_reading_needs_a_register_that_exists(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="there is no register"):
        Register.open(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(RegisterError, match="an empty database, not a register"):
        Register.open(empty)
    assert empty.read_bytes() == b""
    with pytest.raises(RegisterError, match="is a folder"):
        Register.open(tmp_path, create=True)


# --- what is kept --------------------------------------------------------------------------


def test_a_decision_recorded_again_is_one_entry_and_a_rule_set_is_stored_once(
    tmp_path: Path,
) -> None:
    (first, raw), (second, raw2) = _decisions()[:2]
    with Register.open(tmp_path / "r.sqlite", create=True) as register:
        files = ruleset_files(_rules())
        register.add_ruleset(files)
        register.add_ruleset(files)
        assert register.record(_record(first, raw)) == (1, True)
        assert register.record(_record(first, raw)) == (1, False)
        assert register.record(_record(second, raw2)) == (2, True)
        # the same decision asked for with other inputs is another entry
        assert register.record(_record(first, raw, nations_asked=("england",))) == (3, True)
        assert [e.id for e in register.entries()] == [1, 2, 3]
        stored = register.stored(1)
        assert stored is not None
        assert stored.decision_json == decision_text(first)
        assert stored.profile == raw
        assert stored.nations_asked is None
        assert register.stored(3) is not None
        assert register.stored(3).nations_asked == ("england",)  # type: ignore[union-attr]
        assert register.stored(99) is None
        kept = register.ruleset(files.sha256)
        assert kept == files
        assert files_sha256(kept.files) == _rules().sha256
    with sqlite3.connect(tmp_path / "r.sqlite") as db:
        assert db.execute("SELECT count(*) FROM rulesets").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM profiles").fetchone()[0] == 2
    db.close()


def test_only_the_bytes_a_profile_was_decided_from_are_recorded(tmp_path: Path) -> None:
    (decision, raw), *_ = _decisions()
    with Register.open(tmp_path / "r.sqlite", create=True) as register:
        register.add_ruleset(ruleset_files(_rules()))
        with pytest.raises(RegisterError, match="not those it was decided from"):
            register.record(_record(decision, raw + b"\n# edited\n"))
        assert register.entries() == []


def test_the_summary_of_a_decision_is_read_from_its_json_alike() -> None:
    for decision, _ in _decisions():
        assert Summary.of(decision) == Summary.from_json(decision_text(decision))


def test_the_json_report_piece_gives_the_stored_text() -> None:
    writer = JsonWriter()
    for decision, _ in _decisions():
        text = decision_text(decision)
        assert decision_text(decision, writer.piece(decision)) == text
        assert text == json.dumps(decision_json(decision), indent=2, ensure_ascii=False)


def test_a_stored_decision_reads_back_as_itself() -> None:
    ruleset = _rules()
    waivers = load_waivers(ROOT / "profiles" / "waivers-example.yaml", ruleset)
    waived = 0
    for decision, _ in _decisions():
        decision = apply_waivers(decision, waivers, AS_OF)
        waived += any(f.waived for n in decision.nations for f in n.findings)
        text = decision_text(decision)
        back = shown_decision(1, text)
        assert decision_text(back) == text
        assert render_decision(back) == render_decision(decision)
        assert decision_from_json(json.loads(text)) == back
    assert waived >= 2  # waived findings, and their waivers, read back too


def test_stored_json_that_is_not_a_decision_is_not_shown() -> None:
    with pytest.raises(StoredDecisionError, match="not JSON"):
        shown_decision(4, "{not json")
    with pytest.raises(StoredDecisionError, match="not a decision"):
        shown_decision(4, '{"file": "x"}')
    (decision, _), *_ = _decisions()
    data = json.loads(decision_text(decision))
    data["added_by_a_newer_release"] = True
    with pytest.raises(StoredDecisionError, match="cannot show it faithfully"):
        shown_decision(4, json.dumps(data))


def test_recorded_at_is_utc_to_the_second_or_fixed_by_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(EPOCH_ENV, raising=False)
    now = recorded_now()
    assert dt.datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setenv(EPOCH_ENV, "1795858200")
    assert recorded_now() == "2026-11-28T09:30:00Z"
    monkeypatch.setenv(EPOCH_ENV, "yesterday")
    with pytest.raises(Exception, match="SOURCE_DATE_EPOCH"):
        recorded_now()


def test_changed_rule_files_are_not_recorded_as_the_rules_that_decided(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        (rules / path.name).write_bytes(path.read_bytes())
    ruleset = load_ruleset(rules)
    assert ruleset_files(ruleset).sha256 == ruleset.sha256
    (rules / "ruleset.yaml").write_bytes((rules / "ruleset.yaml").read_bytes() + b"\n# edit\n")
    with pytest.raises(RegisterError, match="changed after they were loaded"):
        ruleset_files(ruleset)
