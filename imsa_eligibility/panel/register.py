"""The decision register: a SQLite file holding every decision a panel made, and its inputs.

Each decision is kept with everything needed to make it again (:mod:`.replay`): its JSON
exactly as the report writes it (:func:`decision_text`), the profile's bytes, the rule
set's files (stored once per rule-set sha256, so the rule set can be rebuilt in a folder
and loaded), the waivers file's bytes when there was one, ``as_of``, the nations asked
for, the engine, and the tool's version (in the JSON). It also holds when the decision was
recorded (``recorded_at``, wall-clock UTC; reports never hold clock time).

Safety:

- the file is in WAL mode and each decision is committed on its own, so a process killed
  part-way loses at most the decision it was recording, and the file stays whole;
- a decision recorded again (the same JSON, profile bytes, rule set, waivers, ``as_of``,
  nations and engine) is not added twice: a unique key on the hash of those;
- several processes may record into one register at once: each waits for the others
  (a busy timeout) and retries a transaction that found the file busy or locked;
- a file that is not a register (not SQLite, or SQLite without this schema), or a register
  written by a newer release, is refused with :class:`RegisterError` and never changed.

The schema has a version (``PRAGMA user_version``; ``PRAGMA application_id`` and the
``meta`` table say the file is a register) and :data:`MIGRATIONS` from an empty file on:
opening an older register brings it up to date in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..decision import Decision
from ..errors import UsageError
from ..printable import printable
from ..report.encode import indented
from ..report.jsonreport import decision_json
from ..rules.model import RuleSet
from ..source import MAX_BYTES

T = TypeVar("T")

FORMAT = "imsa-eligibility/register"
"""The ``meta`` table's ``format``: what kind of file this is."""
LIST_SCHEMA = "imsa-eligibility/register/v1"
"""The ``schema`` of ``register list -o json`` (and ``history``)."""
APPLICATION_ID = 0x494D5341
"""``PRAGMA application_id`` of a register: "IMSA" in ASCII."""
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0
"""How long SQLite itself waits for another process's lock before reporting it busy."""
RETRY_FOR_S = 300.0
"""How long a busy or locked transaction is retried before giving up."""
SYNCHRONOUS = "NORMAL"
"""SQLite's ``synchronous`` setting. In WAL mode, NORMAL makes each commit safe from a
crash of the process (``kill -9``): a commit is in the file's log before it returns. Only
a crash of the whole machine (a power cut) can lose the latest commits, never the
register's consistency; FULL would also sync the disk at every decision, about 5 ms each."""
EPOCH_ENV = "SOURCE_DATE_EPOCH"
"""Set to whole seconds since 1970, it fixes ``recorded_at`` (for reproducible tests)."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1 (release 0.1.0): the first schema.
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        f"INSERT INTO meta (key, value) VALUES ('format', '{FORMAT}')",
        """CREATE TABLE rulesets (
  sha256 TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  version TEXT NOT NULL
) WITHOUT ROWID""",
        """CREATE TABLE ruleset_files (
  ruleset_sha256 TEXT NOT NULL REFERENCES rulesets (sha256),
  name TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (ruleset_sha256, name)
) WITHOUT ROWID""",
        """CREATE TABLE profiles (
  sha256 TEXT PRIMARY KEY,
  content BLOB NOT NULL
) WITHOUT ROWID""",
        """CREATE TABLE waiver_files (
  sha256 TEXT PRIMARY KEY,
  content BLOB NOT NULL
) WITHOUT ROWID""",
        """CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  organisation_id TEXT NOT NULL,
  organisation_name TEXT NOT NULL,
  outcome TEXT NOT NULL,
  as_of TEXT NOT NULL,
  nations TEXT NOT NULL,
  nations_asked TEXT,
  engine TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  ruleset_sha256 TEXT NOT NULL REFERENCES rulesets (sha256),
  profile_sha256 TEXT NOT NULL REFERENCES profiles (sha256),
  profile_syntax TEXT NOT NULL,
  waivers_sha256 TEXT REFERENCES waiver_files (sha256),
  waivers_name TEXT,
  decision_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
)""",
        "CREATE INDEX decisions_by_organisation ON decisions (organisation_id, id)",
    ),
)
"""The schema's migration steps, in order: step N takes a register from version N - 1 to
N (version 0 is an empty file). A release that changes the schema appends a step; a step
is never changed once released."""
SCHEMA_VERSION = len(MIGRATIONS)


class RegisterError(UsageError):
    """The register cannot be used as asked (not a register, too new, unreadable): exit 2."""


@dataclass(frozen=True)
class RulesetFiles:
    """A rule set's files, by name, and what they are: enough to load it again."""

    id: str
    version: str
    sha256: str
    files: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class WaiversFile:
    """A waivers file as it was given: its name and bytes."""

    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        """The sha256 of its bytes."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Summary:
    """What listings show of a decision, taken from it (so its JSON need not be parsed)."""

    file: str
    organisation_id: str
    organisation_name: str
    outcome: str
    nations: tuple[str, ...]
    tool_version: str
    profile_sha256: str

    @classmethod
    def of(cls, decision: Decision) -> Summary:
        """The summary of ``decision``."""
        return cls(
            decision.file,
            decision.organisation_id,
            decision.organisation_name,
            str(decision.outcome),
            tuple(str(n.nation) for n in decision.nations),
            decision.tool_version,
            decision.profile_sha256,
        )

    @classmethod
    def from_json(cls, text: str) -> Summary:
        """The summary of the decision whose JSON is ``text``."""
        data = json.loads(text)
        return cls(
            data["file"],
            data["organisation"]["id"],
            data["organisation"]["name"],
            data["outcome"],
            tuple(data["nations"]),
            data["tool_version"],
            data["profile_sha256"],
        )


@dataclass(frozen=True)
class Record:
    """One decision to record, with what it was made from.

    ``summary`` is read from ``decision_json`` when not given.
    """

    decision_json: str
    profile: bytes
    profile_syntax: str
    ruleset_sha256: str
    as_of: dt.date
    nations_asked: tuple[str, ...] | None
    engine: str
    waivers: WaiversFile | None = None
    summary: Summary | None = None

    def key(self) -> str:
        """The hash that makes a decision recorded twice one entry."""
        digest = hashlib.sha256(b"imsa-eligibility register entry 1\n")
        parts = (
            self.decision_json.encode("utf-8"),
            self.profile,
            self.profile_syntax.encode(),
            self.ruleset_sha256.encode(),
            (self.waivers.name.encode("utf-8", "surrogatepass") if self.waivers else b""),
            (self.waivers.content if self.waivers else b"\x00none"),
            self.as_of.isoformat().encode(),
            _nations_text(self.nations_asked).encode(),
            self.engine.encode(),
        )
        for part in parts:
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A recorded decision, as listings show it."""

    id: int
    file: str
    organisation_id: str
    organisation_name: str
    outcome: str
    as_of: str
    nations: tuple[str, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    recorded_at: str

    def to_json(self) -> dict[str, Any]:
        """The entry as ``register list -o json`` writes it."""
        return {
            "id": self.id,
            "organisation": {"id": self.organisation_id, "name": self.organisation_name},
            "file": self.file,
            "outcome": self.outcome,
            "as_of": self.as_of,
            "nations": list(self.nations),
            "ruleset": {
                "id": self.ruleset_id,
                "version": self.ruleset_version,
                "sha256": self.ruleset_sha256,
            },
            "recorded_at": self.recorded_at,
        }


@dataclass(frozen=True)
class Stored:
    """A recorded decision with everything it was made from (but the rule set's files)."""

    entry: Entry
    decision_json: str
    profile: bytes
    profile_syntax: str
    as_of: dt.date
    nations_asked: tuple[str, ...] | None
    engine: str
    tool_version: str
    waivers: WaiversFile | None


_PIECE_INDENT = "\n    "  # how the JSON report's writer starts a decision, and indents it


def decision_text(decision: Decision, json_piece: str | None = None) -> str:
    """A decision's JSON as the register keeps it: the object ``-o json`` writes for it,
    on its own (two-space indentation, keys in report order, UTF-8 as it is).

    ``json_piece``, the JSON report writer's piece for the same decision, saves making
    the text again: it is the same text, indented two levels deeper (a line break is
    never inside a JSON string, which writes it ``\\n``).
    """
    if json_piece is not None and json_piece.startswith(_PIECE_INDENT):
        return json_piece[len(_PIECE_INDENT) :].replace(_PIECE_INDENT, "\n")
    return indented(decision_json(decision), 2)


def compact(text: str) -> str:
    """Stored decision JSON as one line: what ``check -o jsonl`` writes for it."""
    return json.dumps(json.loads(text), ensure_ascii=False)


def recorded_now() -> str:
    """The time to record, UTC to the second (``2026-11-28T09:30:00Z``).

    :data:`EPOCH_ENV` (``SOURCE_DATE_EPOCH``), when set, gives the time instead.
    """
    epoch = os.environ.get(EPOCH_ENV, "").strip()
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"{EPOCH_ENV}={epoch!r} is not a time; set it to whole seconds since "
                "1970-01-01 UTC, or unset it"
            ) from None
    else:
        moment = dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def files_sha256(files: Sequence[tuple[str, bytes]]) -> str:
    """The sha256 a rule set made of ``files`` (name, bytes) has."""
    digest = hashlib.sha256()
    for name, content in sorted(files):
        digest.update(f"{name}\0{hashlib.sha256(content).hexdigest()}\n".encode())
    return digest.hexdigest()


def ruleset_files(ruleset: RuleSet) -> RulesetFiles:
    """The files ``ruleset`` was loaded from, read again and checked against its sha256.

    Raises :class:`RegisterError` when they cannot be read, or have changed since the rule
    set was loaded (then what would be stored is not what decided).
    """
    folder = Path(ruleset.directory)
    files: list[tuple[str, bytes]] = []
    try:
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                with path.open("rb") as handle:
                    files.append((path.name, handle.read(MAX_BYTES + 1)))
    except OSError as exc:
        raise RegisterError(
            f"cannot read the rule files in {printable(str(folder))} to record them: "
            f"{exc.strerror or exc}"
        ) from None
    if files_sha256(files) != ruleset.sha256:
        raise RegisterError(
            f"the rule files in {printable(str(folder))} changed after they were loaded, "
            "so the register would not hold the rules that decided; run the command again"
        )
    return RulesetFiles(ruleset.id, ruleset.version, ruleset.sha256, tuple(files))


def _nations_text(nations: Sequence[str] | None) -> str:
    return "null" if nations is None else json.dumps(list(nations))


def _nations(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    value = json.loads(text)
    return None if value is None else tuple(str(n) for n in value)


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


_ENTRY = (
    "SELECT d.id, d.file, d.organisation_id, d.organisation_name, d.outcome, d.as_of,"
    " d.nations, r.id, r.version, d.ruleset_sha256, d.recorded_at"
    " FROM decisions d JOIN rulesets r ON r.sha256 = d.ruleset_sha256"
)


def _entry(row: Sequence[Any]) -> Entry:
    return Entry(
        id=int(row[0]),
        file=row[1],
        organisation_id=row[2],
        organisation_name=row[3],
        outcome=row[4],
        as_of=row[5],
        nations=tuple(json.loads(row[6])),
        ruleset_id=row[7],
        ruleset_version=row[8],
        ruleset_sha256=row[9],
        recorded_at=row[10],
    )


class Register:
    """An open register. Use :meth:`open`; close it (or use it as a context manager)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @property
    def name(self) -> str:
        """The register's file name, printable, for messages."""
        return printable(str(self.path))

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> Register:
        """Open the register at ``path``, made (empty) there first with ``create``.

        An older register is migrated to :data:`SCHEMA_VERSION`. Raises
        :class:`RegisterError` for a missing file (without ``create``), a file that is
        not a register, or a register from a newer release; none of them is changed.
        """
        shown = printable(str(path))
        if path.is_dir():
            raise RegisterError(
                f"{shown} is a folder; a register is a file: give a file name such as "
                f"{printable(str(path / 'register.sqlite'))}"
            )
        if not path.exists() and not create:
            raise RegisterError(
                f"there is no register {shown}; record decisions into it first with "
                f"'imsa-eligibility check PROFILES --record {shown}'"
            )
        _check_header(path, shown)
        try:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise RegisterError(
                f"cannot open the register {shown}: {exc}; check that its folder exists and "
                "can be written"
            ) from None
        register = cls(path, connection)
        try:
            register._prepare(create=create)
        except BaseException:
            connection.close()
            raise
        return register

    def _prepare(self, *, create: bool) -> None:
        version = self._retrying(self._identify)
        if version == 0 and not create:
            raise RegisterError(
                f"{self.name} is an empty database, not a register of decisions; record "
                f"decisions into it with 'imsa-eligibility check PROFILES --record "
                f"{self.name}'"
            )
        self._retrying(lambda: self._db.execute("PRAGMA journal_mode = WAL").fetchone())
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        if version < SCHEMA_VERSION:
            self._transaction(self._migrate)

    def _identify(self) -> int:
        """The schema version of the file (0: an empty database), or why it is refused."""
        try:
            self._db.execute("BEGIN")  # one snapshot: another process may be migrating it
            try:
                tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
                application = self._db.execute("PRAGMA application_id").fetchone()[0]
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                row = None
                if "meta" in tables:
                    query = "SELECT value FROM meta WHERE key = 'format'"
                    try:
                        row = self._db.execute(query).fetchone()
                    except sqlite3.OperationalError as exc:  # a meta table of another kind
                        if _busy(exc):
                            raise
            finally:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            if _busy(exc):
                raise
            raise self._not_register(f"SQLite cannot read it ({exc})") from None
        if application == 0 and version == 0 and not tables:
            return 0
        if application == APPLICATION_ID and version > SCHEMA_VERSION:
            raise RegisterError(
                f"{self.name} is a register from a newer release of imsa-eligibility "
                f"(schema version {version}; this version, {__version__}, reads up to "
                f"{SCHEMA_VERSION}): use a newer imsa-eligibility with it. It was not changed"
            )
        if application != APPLICATION_ID or row is None or row[0] != FORMAT:
            raise self._not_register("it is an SQLite database of something else")
        return int(version)

    def _not_register(self, why: str) -> RegisterError:
        return RegisterError(
            f"{self.name} is not a register of decisions: {why}. It was not changed; give "
            "--record (or the register command) a register, or a new file name"
        )

    def _migrate(self) -> None:
        """Apply the migration steps the file lacks (inside the caller's transaction)."""
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version >= SCHEMA_VERSION:  # another process migrated it first
            return
        for number, step in enumerate(MIGRATIONS[version:], version + 1):
            for statement in step:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {number}")
        self._db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('migrated_by', ?)",
            (f"imsa-eligibility {__version__}",),
        )

    def close(self) -> None:
        """Close the file (everything recorded is committed already)."""
        self._db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transactions ----------------------------------------------------------------------

    def _retrying(self, work: Callable[[], T]) -> T:
        """``work()``, tried again while the file is busy or locked (other writers)."""
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.005
        while True:
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    raise self._failed(exc) from None
            except sqlite3.Error as exc:
                raise self._failed(exc) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def _transaction(self, work: Callable[[], T]) -> T:
        """``work()`` in one write transaction, committed; retried while busy."""

        def attempt() -> T:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work()
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise
            return result

        return self._retrying(attempt)

    def _failed(self, exc: sqlite3.Error) -> RegisterError:
        return RegisterError(
            f"the register {self.name} cannot be used: {exc}; check that the file and its "
            "folder can be written, and that the disk is not full"
        )

    # --- recording -------------------------------------------------------------------------

    def add_ruleset(self, rules: RulesetFiles) -> None:
        """Store a rule set's files, once per sha256."""

        def work() -> None:
            known = self._db.execute(
                "SELECT 1 FROM rulesets WHERE sha256 = ?", (rules.sha256,)
            ).fetchone()
            if known:
                return
            self._db.execute(
                "INSERT INTO rulesets (sha256, id, version) VALUES (?, ?, ?)",
                (rules.sha256, rules.id, rules.version),
            )
            self._db.executemany(
                "INSERT INTO ruleset_files (ruleset_sha256, name, content) VALUES (?, ?, ?)",
                [(rules.sha256, name, content) for name, content in rules.files],
            )

        self._transaction(work)

    def record(self, item: Record, recorded_at: str | None = None) -> tuple[int, bool]:
        """Record one decision, committed; its id, and whether it is new.

        A decision recorded before (the same key) is not added again: its id is returned.
        Its rule set must have been stored (:meth:`add_ruleset`).
        """
        summary = item.summary or Summary.from_json(item.decision_json)
        key = item.key()
        profile_sha = hashlib.sha256(item.profile).hexdigest()
        if profile_sha != summary.profile_sha256:
            raise RegisterError(
                f"the profile bytes given for {printable(summary.file)} are not those it was "
                "decided from (their sha256 differs); nothing was recorded for it"
            )
        when = recorded_at or recorded_now()
        nations = json.dumps(list(summary.nations))

        def work() -> tuple[int, bool]:
            known = self._db.execute("SELECT id FROM decisions WHERE key = ?", (key,)).fetchone()
            if known:
                return int(known[0]), False
            self._db.execute(
                "INSERT OR IGNORE INTO profiles (sha256, content) VALUES (?, ?)",
                (profile_sha, item.profile),
            )
            if item.waivers is not None:
                self._db.execute(
                    "INSERT OR IGNORE INTO waiver_files (sha256, content) VALUES (?, ?)",
                    (item.waivers.sha256, item.waivers.content),
                )
            cursor = self._db.execute(
                "INSERT INTO decisions (key, file, organisation_id, organisation_name,"
                " outcome, as_of, nations, nations_asked, engine, tool_version,"
                " ruleset_sha256, profile_sha256, profile_syntax, waivers_sha256,"
                " waivers_name, decision_json, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    summary.file,
                    summary.organisation_id,
                    summary.organisation_name,
                    summary.outcome,
                    item.as_of.isoformat(),
                    nations,
                    None if item.nations_asked is None else _nations_text(item.nations_asked),
                    item.engine,
                    summary.tool_version,
                    item.ruleset_sha256,
                    profile_sha,
                    item.profile_syntax,
                    item.waivers.sha256 if item.waivers else None,
                    item.waivers.name if item.waivers else None,
                    item.decision_json,
                    when,
                ),
            )
            return int(cursor.lastrowid or 0), True

        return self._transaction(work)

    # --- reading ---------------------------------------------------------------------------

    def entries(
        self,
        *,
        organisation: str | None = None,
        outcome: str | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[Entry]:
        """The recorded decisions, oldest first, filtered by organisation, outcome or id."""
        where, args = [], []
        if organisation is not None:
            where.append("d.organisation_id = ?")
            args.append(organisation)
        if outcome is not None:
            where.append("d.outcome = ?")
            args.append(outcome)
        if ids is not None:
            where.append(f"d.id IN ({', '.join('?' * len(ids))})")
            args += [str(i) for i in ids]
        query = _ENTRY + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.id"
        return self._retrying(lambda: [_entry(r) for r in self._db.execute(query, args)])

    def organisations(self) -> list[str]:
        """The ids of the organisations with a recorded decision, sorted."""
        query = "SELECT DISTINCT organisation_id FROM decisions ORDER BY organisation_id"
        return self._retrying(lambda: [r[0] for r in self._db.execute(query)])

    def ids(self) -> list[int]:
        """Every recorded decision's id, oldest first."""
        return self._retrying(
            lambda: [int(r[0]) for r in self._db.execute("SELECT id FROM decisions ORDER BY id")]
        )

    def stored(self, ident: int) -> Stored | None:
        """Decision ``ident`` with what it was made from; None when there is none."""

        def read() -> Stored | None:
            entry = self._db.execute(_ENTRY + " WHERE d.id = ?", (ident,)).fetchone()
            if entry is None:
                return None
            row = self._db.execute(
                "SELECT d.decision_json, p.content, d.profile_syntax, d.as_of,"
                " d.nations_asked, d.engine, d.tool_version, d.waivers_name, w.content"
                " FROM decisions d JOIN profiles p ON p.sha256 = d.profile_sha256"
                " LEFT JOIN waiver_files w ON w.sha256 = d.waivers_sha256"
                " WHERE d.id = ?",
                (ident,),
            ).fetchone()
            if row is None:
                raise RegisterError(
                    f"the register {self.name} has lost the profile of decision {ident}"
                )
            waivers = (
                WaiversFile(row[7], bytes(row[8]))
                if row[7] is not None and row[8] is not None
                else None
            )
            return Stored(
                entry=_entry(entry),
                decision_json=row[0],
                profile=bytes(row[1]),
                profile_syntax=row[2],
                as_of=dt.date.fromisoformat(row[3]),
                nations_asked=_nations(row[4]),
                engine=row[5],
                tool_version=row[6],
                waivers=waivers,
            )

        return self._retrying(read)

    def ruleset(self, sha256: str) -> RulesetFiles | None:
        """The rule set stored under ``sha256``, with its files; None when there is none."""

        def read() -> RulesetFiles | None:
            head = self._db.execute(
                "SELECT id, version FROM rulesets WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if head is None:
                return None
            files = self._db.execute(
                "SELECT name, content FROM ruleset_files WHERE ruleset_sha256 = ? ORDER BY name",
                (sha256,),
            ).fetchall()
            return RulesetFiles(head[0], head[1], sha256, tuple((n, bytes(c)) for n, c in files))

        return self._retrying(read)

    def _page(self, after: int) -> list[tuple[int, str]]:
        query = "SELECT id, decision_json FROM decisions WHERE id > ? ORDER BY id LIMIT 256"
        return [(int(i), t) for i, t in self._db.execute(query, (after,))]

    def decision_texts(self) -> Iterator[tuple[int, str]]:
        """Every recorded decision's id and JSON, oldest first, read as they are needed."""
        last = 0
        while True:
            batch = self._retrying(functools.partial(self._page, last))
            if not batch:
                return
            for ident, text in batch:
                yield int(ident), text
            last = int(batch[-1][0])


def _check_header(path: Path, shown: str) -> None:
    """Refuse a file that is not SQLite at all (a text file, say), before SQLite opens it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RegisterError(f"cannot read the register {shown}: {exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise RegisterError(
            f"{shown} is not a register of decisions: it is not an SQLite database. It was "
            "not changed; give --record (or the register command) a register, or a new "
            "file name"
        )


__all__ = [
    "APPLICATION_ID",
    "FORMAT",
    "LIST_SCHEMA",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Entry",
    "Record",
    "Register",
    "RegisterError",
    "RulesetFiles",
    "Stored",
    "Summary",
    "WaiversFile",
    "compact",
    "decision_text",
    "files_sha256",
    "recorded_now",
    "ruleset_files",
]
