"""``check --record DB`` and ``register list|show|history|export|replay``, end to end.

The runs are in this process (``run_cli``); the register is made by ``check --record`` as a
panel secretary would make it, and changed by hand in SQL where a test needs a register
that no longer replays. ``SOURCE_DATE_EPOCH`` fixes ``recorded_at`` for the golden files.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from imsa_eligibility.engine import durable_ready
from tests.conftest import EXAMPLES, ROOT, Run
from tests.goldens import assert_golden

AS_OF = ("--as-of", "2026-11-28")
NATIVE = ("--engine", "native")
EPOCH = {"SOURCE_DATE_EPOCH": "1795858200"}  # 2026-11-28T09:30:00Z
RECORDED_AT = "2026-11-28T09:30:00Z"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden" / "register"
REPORTS = ROOT / "tests" / "golden" / "examples"
WAIVERS = "profiles/waivers-example.yaml"
LABOUR = "profiles/examples/labour-provider.yaml"
PROFILE_OF = "sha256 = (SELECT profile_sha256 FROM decisions WHERE id = ?)"
WAIVED = '"waived": true'
SUMMARY = f"replayed {len(EXAMPLE_FILES)} decisions: {len(EXAMPLE_FILES)} reproduced\n"


def _golden(name: str, actual: str, update: bool) -> None:
    assert_golden(GOLDEN / name, actual, update)


def _record(run: Run, db: Path, *args: str, engine: tuple[str, ...] = NATIVE) -> Any:
    result = run("check", *AS_OF, *args, *engine, "-o", "json", "--record", str(db), env=EPOCH)
    assert result.returncode not in (1, 2), result.stderr
    return result


def _sql(db: Path, statement: str, *args: Any) -> list[Any]:
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(statement, args).fetchall()
        connection.commit()
    finally:
        connection.close()
    return rows


def _replace(
    db: Path, table: str, column: str, old: str, new: str, where: str = "1", *args: Any
) -> None:
    """Change the register by hand, as someone tampering with it would."""
    value = f"replace(CAST({column} AS TEXT), ?, ?)"
    if column != "decision_json":
        value = f"CAST({value} AS BLOB)"
    _sql(db, f"UPDATE {table} SET {column} = {value} WHERE {where}", old, new, *args)


def _entries(db: Path) -> list[tuple[Any, ...]]:
    """What the register holds, but when it was recorded."""
    return _sql(
        db,
        "SELECT d.id, d.key, d.file, d.decision_json, p.content, d.as_of, d.nations_asked,"
        " d.engine, d.waivers_sha256 FROM decisions d JOIN profiles p"
        " ON p.sha256 = d.profile_sha256 ORDER BY d.id",
    )


@pytest.fixture
def examples_db(run_cli: Run, tmp_path: Path) -> Path:
    """A register holding a decision on every example, recorded by ``check --record``."""
    db = tmp_path / "panel.sqlite"
    result = _record(run_cli, db, "profiles/examples")
    assert result.returncode == 6
    assert result.stderr.endswith(f"recorded {len(EXAMPLE_FILES)} decisions in {db}\n")
    return db


def _unboxed(text: str) -> str:
    """A usage error's text without the box rich draws around it, on one line."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


def _id_of(db: Path, example: str) -> int:
    rows = _sql(db, "SELECT id FROM decisions WHERE file = ?", f"profiles/examples/{example}")
    assert len(rows) == 1
    return int(rows[0][0])


# --- recording and replaying every example ------------------------------------------------


def test_every_example_is_recorded_and_replayed_byte_for_byte(
    run_cli: Run, examples_db: Path
) -> None:
    assert _sql(examples_db, "PRAGMA integrity_check") == [("ok",)]
    assert _sql(examples_db, "PRAGMA journal_mode") == [("wal",)]
    files = [row[0] for row in _sql(examples_db, "SELECT file FROM decisions ORDER BY id")]
    assert files == [f"profiles/examples/{p.name}" for p in EXAMPLE_FILES]  # report order
    assert {r[0] for r in _sql(examples_db, "SELECT recorded_at FROM decisions")} == {RECORDED_AT}
    result = run_cli("register", "replay", str(examples_db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == SUMMARY


@pytest.mark.skipif(not durable_ready(), reason="durable_rules cannot run on this Python")
def test_decisions_of_the_durable_engine_are_replayed_with_it(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite"
    _record(run_cli, db, "profiles/examples", engine=("--engine", "durable"))
    assert {r[0] for r in _sql(db, "SELECT engine FROM decisions")} == {"durable"}
    result = run_cli("register", "replay", str(db))
    assert (result.returncode, result.stdout) == (0, SUMMARY), result.stderr


def test_the_stored_json_is_what_the_json_report_says_of_each_decision(
    run_cli: Run, examples_db: Path
) -> None:
    report = json.loads(run_cli("check", "profiles/examples", *AS_OF, *NATIVE, "-o", "json").stdout)
    stored = [r[0] for r in _sql(examples_db, "SELECT decision_json FROM decisions ORDER BY id")]
    assert [json.loads(text) for text in stored] == report["decisions"]
    assert stored == [json.dumps(d, indent=2, ensure_ascii=False) for d in report["decisions"]]
    profiles = [r[4] for r in _entries(examples_db)]
    assert profiles == [p.read_bytes() for p in EXAMPLE_FILES]


def test_recording_the_same_batch_again_adds_nothing(run_cli: Run, examples_db: Path) -> None:
    before = _entries(examples_db)
    again = _record(run_cli, examples_db, "profiles/examples")
    assert again.stderr.endswith(
        f"recorded 0 decisions in {examples_db} ({len(EXAMPLE_FILES)} already recorded there)\n"
    )
    assert _entries(examples_db) == before
    labour = "profiles/examples/labour-provider.yaml"
    other_nation = _record(run_cli, examples_db, labour, "--nation", "wales")
    assert "recorded 1 decision in" in other_nation.stderr
    assert _sql(examples_db, "SELECT nations_asked FROM decisions ORDER BY id DESC LIMIT 1") == [
        ('["wales"]',)
    ]


def test_one_process_and_two_record_the_same_entries(run_cli: Run, tmp_path: Path) -> None:
    one, two = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    _record(run_cli, one, "profiles/examples", "--jobs", "1")
    _record(run_cli, two, "profiles/examples", "--jobs", "2")
    assert _entries(one) == _entries(two)


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_every_report_format_records_the_same_entries(
    run_cli: Run, examples_db: Path, tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / f"{fmt}.sqlite"
    result = run_cli("check", "profiles/examples", *AS_OF, *NATIVE, "-o", fmt, "--record", str(db))
    assert result.returncode == 6, result.stderr
    assert _entries(db) == _entries(examples_db)


def test_a_jsonl_batch_records_each_line_as_its_own_profile(run_cli: Run, tmp_path: Path) -> None:
    names = ["police-force.yaml", "survivor-charity-eligible.yaml", "labour-provider.yaml"]
    lines = [
        json.dumps(yaml.safe_load((EXAMPLES / n).read_text(encoding="utf-8")), default=str)
        for n in names
    ]
    batch = tmp_path / "applicants.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    _record(run_cli, db, str(batch))
    rows = _sql(
        db,
        "SELECT d.file, d.profile_syntax, p.content FROM decisions d"
        " JOIN profiles p ON p.sha256 = d.profile_sha256 ORDER BY d.id",
    )
    assert rows == [
        (f"{batch}:{i}", "json", (line + "\n").encode()) for i, line in enumerate(lines, 1)
    ]
    result = run_cli("register", "replay", str(db))
    assert (result.returncode, result.stdout) == (0, "replayed 3 decisions: 3 reproduced\n")


def test_a_profile_on_standard_input_is_recorded_and_replayed(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    text = (EXAMPLES / "cio-with-pcc-grant.yaml").read_text(encoding="utf-8")
    result = run_cli("check", "-", *AS_OF, *NATIVE, "--record", str(db), stdin=text, env=EPOCH)
    assert result.returncode == 3, result.stderr
    assert _sql(db, "SELECT file FROM decisions") == [("<stdin>",)]
    replayed = run_cli("register", "replay", str(db))
    assert (replayed.returncode, replayed.stdout) == (0, "replayed 1 decision: 1 reproduced\n")


def test_waivers_are_recorded_with_the_decisions_and_replayed(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    _record(run_cli, db, "profiles/examples", "--waivers", WAIVERS)
    rows = _sql(
        db,
        "SELECT DISTINCT d.waivers_name, w.content FROM decisions d"
        " JOIN waiver_files w ON w.sha256 = d.waivers_sha256",
    )
    assert rows == [(WAIVERS, (ROOT / WAIVERS).read_bytes())]
    waived = _sql(db, "SELECT count(*) FROM decisions WHERE instr(decision_json, ?)", WAIVED)
    assert waived[0][0] >= 2
    result = run_cli("register", "replay", str(db))
    assert (result.returncode, result.stdout) == (0, SUMMARY), result.stderr
    _replace(db, "waiver_files", "content", "expires: 2027-03-31", "expires: 2026-11-01")
    result = run_cli("register", "replay", str(db))
    assert result.returncode == 7
    assert "england ORG-001 waived: before true, after false" in result.stdout
    assert "waivers_sha256: before" in result.stdout


# --- replays that must fail ---------------------------------------------------------------


def test_a_tampered_decision_fails_replay_naming_the_difference(
    run_cli: Run, examples_db: Path
) -> None:
    ident = _id_of(examples_db, "cio-with-pcc-grant.yaml")
    triggered, clear = '"verdict": "triggered"', '"verdict": "clear"'
    _replace(examples_db, "decisions", "decision_json", triggered, clear, "id = ?", ident)
    result = run_cli("register", "replay", str(examples_db))
    assert result.returncode == 7, result.stdout + result.stderr
    assert result.stdout == (
        f"decision {ident} (profiles/examples/cio-with-pcc-grant.yaml) differs:\n"
        "  england IND-009 verdict: before clear, after triggered\n"
        f"replayed {len(EXAMPLE_FILES)} decisions: {len(EXAMPLE_FILES) - 1} reproduced, "
        "1 differs\n"
    )
    as_json = run_cli("register", "replay", str(examples_db), str(ident), "-o", "json")
    assert as_json.returncode == 7
    assert json.loads(as_json.stdout) == {
        "schema": "imsa-eligibility/replay/v1",
        "replayed": 1,
        "reproduced": 0,
        "decisions": [
            {
                "id": ident,
                "file": "profiles/examples/cio-with-pcc-grant.yaml",
                "reproduced": False,
                "differences": [
                    {
                        "nation": "england",
                        "rule": "IND-009",
                        "field": "verdict",
                        "before": "clear",
                        "after": "triggered",
                    }
                ],
            }
        ],
    }
    others = [str(i) for i in range(1, len(EXAMPLE_FILES) + 1) if i != ident]
    assert run_cli("register", "replay", str(examples_db), *others[:3]).returncode == 0


def test_tampered_profile_bytes_fail_replay_naming_the_findings_that_change(
    run_cli: Run, examples_db: Path
) -> None:
    ident = _id_of(examples_db, "survivor-charity-eligible.yaml")
    insured, uninsured = "employers_liability: true", "employers_liability: false"
    _replace(examples_db, "profiles", "content", insured, uninsured, PROFILE_OF, ident)
    result = run_cli("register", "replay", str(examples_db))
    assert result.returncode == 7
    lines = result.stdout.splitlines()
    assert (
        lines[0] == f"decision {ident} (profiles/examples/survivor-charity-eligible.yaml) differs:"
    )
    assert "  outcome: before eligible, after ineligible" in lines
    assert "  england ORG-001 verdict: before clear, after triggered" in lines
    assert any(line.startswith("  profile_sha256: before ") for line in lines)
    assert lines[-1].endswith("1 differs")


def test_a_stored_profile_that_no_longer_reads_is_a_difference(
    run_cli: Run, examples_db: Path
) -> None:
    _sql(
        examples_db,
        f"UPDATE profiles SET content = CAST('organisation: [' AS BLOB) WHERE {PROFILE_OF}",
        1,
    )
    result = run_cli("register", "replay", str(examples_db), "1")
    assert result.returncode == 7
    assert "  profile: before a valid profile, after refused: " in result.stdout


def test_a_tampered_rule_file_fails_replay(run_cli: Run, examples_db: Path) -> None:
    before, after = 'version: "2026.11.0"', 'version: "2026.11.1"'
    _replace(examples_db, "ruleset_files", "content", before, after, "name = 'ruleset.yaml'")
    result = run_cli("register", "replay", str(examples_db), "1", "2")
    assert result.returncode == 7
    assert result.stdout.count("  ruleset: before {") == 2
    assert "replayed 2 decisions: 0 reproduced, 2 differ" in result.stdout


def test_replaying_a_decision_the_register_does_not_hold_is_a_usage_error(
    run_cli: Run, examples_db: Path
) -> None:
    result = run_cli("register", "replay", str(examples_db), "1", "99")
    assert result.returncode == 2
    assert "holds no decision 99" in result.stderr
    assert result.stdout == ""


# --- list, show, history, export ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_list_shows_every_entry_oldest_first(
    run_cli: Run, examples_db: Path, update_goldens: bool, fmt: str
) -> None:
    result = run_cli("register", "list", str(examples_db), "-o", fmt)
    assert result.returncode == 0, result.stderr
    _golden(f"list.{fmt}", result.stdout.replace(str(examples_db), "DB"), update_goldens)


def test_list_filters_by_organisation_and_outcome(run_cli: Run, examples_db: Path) -> None:
    def listed(*args: str) -> list[dict[str, Any]]:
        result = run_cli("register", "list", str(examples_db), "-o", "json", *args)
        assert result.returncode == 0, result.stderr
        body = json.loads(result.stdout)
        assert body["schema"] == "imsa-eligibility/register/v1"
        return list(body["entries"])

    every = listed()
    assert len(every) == len(EXAMPLE_FILES)
    assert list(every[0]) == [
        "id",
        "organisation",
        "file",
        "outcome",
        "as_of",
        "nations",
        "ruleset",
        "recorded_at",
    ]
    ineligible = listed("--outcome", "ineligible")
    assert ineligible == [e for e in every if e["outcome"] == "ineligible"]
    assert len(ineligible) == 5
    one = listed("--organisation", "eastmere-freedom-network")
    assert [e["file"] for e in one] == ["profiles/examples/cio-with-pcc-grant.yaml"]
    assert listed("--organisation", "nobody-at-all") == []
    bad = run_cli("register", "list", str(examples_db), "--outcome", "ineligable")
    assert bad.returncode == 2
    assert "unknown outcome 'ineligable': did you mean 'ineligible'" in _unboxed(bad.stderr)
    empty = run_cli("register", "list", str(examples_db), "--organisation", "nobody-at-all")
    assert empty.stdout == f"no decisions in {examples_db}\n"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_show_gives_the_report_check_gave(run_cli: Run, examples_db: Path, example: Path) -> None:
    ident = str(_id_of(examples_db, example.name))
    for fmt, golden in (("text", "text"), ("json", "json")):
        result = run_cli("register", "show", str(examples_db), ident, "-o", fmt)
        assert result.returncode == 0, result.stderr
        assert result.stdout == (REPORTS / f"{example.stem}.{golden}").read_text(encoding="utf-8")


def test_show_gives_the_pack_check_gave(run_cli: Run, examples_db: Path) -> None:
    example = EXAMPLE_FILES[0]
    ident = str(_id_of(examples_db, example.name))
    for fmt in ("markdown", "html", "csv"):
        result = run_cli("register", "show", str(examples_db), ident, "-o", fmt)
        assert result.returncode == 0, result.stderr
        checked = run_cli("check", str(example.relative_to(ROOT)), *AS_OF, *NATIVE, "-o", fmt)
        assert result.stdout == checked.stdout


def test_show_refuses_what_it_cannot_show(run_cli: Run, examples_db: Path) -> None:
    missing = run_cli("register", "show", str(examples_db), "99")
    assert missing.returncode == 2
    assert "holds no decision 99" in missing.stderr
    _sql(examples_db, "UPDATE decisions SET decision_json = '{' WHERE id = 1")
    broken = run_cli("register", "show", str(examples_db), "1")
    assert broken.returncode == 2
    assert "decision 1 is not JSON" in broken.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_history_lists_one_organisations_decisions_oldest_first(
    run_cli: Run, examples_db: Path, update_goldens: bool, fmt: str
) -> None:
    profile = "profiles/examples/cio-with-pcc-grant.yaml"
    _record(run_cli, examples_db, profile, "--as-of", "2027-01-15")  # a later decision
    _record(run_cli, examples_db, profile, "--nation", "wales")
    result = run_cli("register", "history", str(examples_db), "eastmere-freedom-network", "-o", fmt)
    assert result.returncode == 0, result.stderr
    _golden(f"history.{fmt}", result.stdout.replace(str(examples_db), "DB"), update_goldens)


def test_history_of_an_organisation_never_decided_suggests_the_closest(
    run_cli: Run, examples_db: Path
) -> None:
    result = run_cli("register", "history", str(examples_db), "eastmere-freedom-networks")
    assert result.returncode == 2
    assert "holds no decision for 'eastmere-freedom-networks'" in result.stderr
    assert "did you mean 'eastmere-freedom-network'" in result.stderr


def test_export_writes_each_stored_decision_as_check_writes_json_lines(
    run_cli: Run, examples_db: Path, tmp_path: Path
) -> None:
    lines = run_cli("check", "profiles/examples", *AS_OF, *NATIVE, "-o", "jsonl").stdout
    result = run_cli("register", "export", str(examples_db), "-o", "jsonl")
    assert (result.returncode, result.stdout) == (0, lines), result.stderr
    out = tmp_path / "export.jsonl"
    assert run_cli("register", "export", str(examples_db), "--output", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == lines
    bad = run_cli("register", "export", str(examples_db), "-o", "json")
    assert bad.returncode == 2


# --- files that are not registers ---------------------------------------------------------


def test_check_refuses_to_record_into_a_file_that_is_not_a_register(
    run_cli: Run, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a register\n", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    for path in (notes, other):
        before = path.read_bytes()
        result = run_cli("check", LABOUR, *AS_OF, *NATIVE, "--record", str(path))
        assert result.returncode == 2
        assert result.stdout == ""  # nothing decided
        assert f"{path} is not a register of decisions" in result.stderr
        assert path.read_bytes() == before
        listed = run_cli("register", "list", str(path))
        assert listed.returncode == 2
        assert f"{path} is not a register of decisions" in listed.stderr


def test_a_register_from_a_newer_release_is_refused_by_every_command(
    run_cli: Run, examples_db: Path
) -> None:
    _sql(examples_db, "PRAGMA user_version = 99")
    before = examples_db.read_bytes()
    for args in (
        ("check", LABOUR, *AS_OF, "--record"),
        ("register", "list"),
        ("register", "replay"),
    ):
        result = run_cli(*args, str(examples_db))
        assert result.returncode == 2, args
        assert "a register from a newer release of imsa-eligibility" in result.stderr
    assert examples_db.read_bytes() == before


def test_the_register_is_never_the_report(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    result = run_cli("check", LABOUR, *AS_OF, "--record", str(db), "--output", str(db))
    assert result.returncode == 2
    assert "is also the --output" in result.stderr
    assert not db.exists()


def test_reading_a_register_that_does_not_exist_says_how_to_make_one(
    run_cli: Run, tmp_path: Path
) -> None:
    result = run_cli("register", "list", str(tmp_path / "panel.sqlite"))
    assert result.returncode == 2
    assert "there is no register" in result.stderr
    assert "check PROFILES --record" in result.stderr
    assert not (tmp_path / "panel.sqlite").exists()
