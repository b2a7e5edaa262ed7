"""The on-disk cache (imsa_eligibility.cache) and the rule set cached with it.

A hit returns what was built without building again; an entry that is damaged, for
another key, or not the user's own is rebuilt; a cache that cannot be written, or is off,
only costs the build. The compiled rule set read back decides and reports exactly as a
freshly compiled one, and a rule set with problems is never cached.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from imsa_eligibility import cache
from imsa_eligibility.decision import evaluate
from imsa_eligibility.engine import engine_for
from imsa_eligibility.errors import RuleFileError
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.report import render_json, render_text
from imsa_eligibility.resources import rules_dir
from imsa_eligibility.rules import build as rules_build
from imsa_eligibility.rules.load import CACHE_KIND, load_ruleset

from .conftest import EXAMPLES, ROOT, cli_process

AS_OF = dt.date(2026, 6, 1)
KIND = "test-kind"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (which does not exist yet)."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(where))
    return where


class Builder:
    """A build function that counts its calls and returns a fresh, equal value each time."""

    def __init__(self, value: object = None) -> None:
        self.calls = 0
        self.value = value if value is not None else {"rules": ["IND-001"], "n": 3}

    def __call__(self) -> object:
        self.calls += 1
        return dict(self.value) if isinstance(self.value, dict) else self.value


def _entry(key: str = "k") -> Path:
    path = cache.entry_path(KIND, key)
    assert path is not None
    return path


# The cache itself ---------------------------------------------------------------------


def test_a_hit_returns_an_equal_value_without_building(folder: Path) -> None:
    build = Builder()
    first = cache.cached(KIND, "k", build)
    assert _entry().is_file()
    second = cache.cached(KIND, "k", build)
    assert second == first
    assert second is not first  # read back from disk, not kept in memory
    assert build.calls == 1


def test_entries_are_private_and_written_whole(folder: Path) -> None:
    cache.cached(KIND, "k", Builder())
    assert [p.name for p in (folder / KIND).iterdir()] == [_entry().name]  # no temporary
    if os.name == "posix":
        assert _entry().stat().st_mode & 0o777 == 0o600
        assert (folder / KIND).stat().st_mode & 0o777 == 0o700


def _truncate(data: bytes) -> bytes:
    return data[: len(data) - 10]


def _random(data: bytes) -> bytes:
    return os.urandom(len(data))


def _flip_payload(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0xFF])


def _wrong_checksum(data: bytes) -> bytes:
    head, _, payload = data.partition(b"\n")
    header, _, rest = payload.partition(b"\n")
    key, checksum, size = header.split(b" ")
    wrong = (b"0" if checksum[:1] != b"0" else b"1") + checksum[1:]
    return head + b"\n" + b" ".join((key, wrong, size)) + b"\n" + rest


def _wrong_length(data: bytes) -> bytes:
    return data + b"\x00"


def _no_header(data: bytes) -> bytes:
    return data[: data.index(b"\n") + 1]


def _empty(data: bytes) -> bytes:
    return b""


def _not_a_pickle(data: bytes) -> bytes:
    """A whole, correctly checksummed entry whose payload is not a pickle."""
    import hashlib

    head, _, rest = data.partition(b"\n")
    key = rest.split(b" ")[0]
    payload = b"this is not a pickle"
    checksum = hashlib.sha256(payload).hexdigest().encode()
    return head + b"\n" + b" ".join((key, checksum, str(len(payload)).encode())) + b"\n" + payload


@pytest.mark.parametrize(
    "damage",
    [
        _truncate,
        _random,
        _flip_payload,
        _wrong_checksum,
        _wrong_length,
        _no_header,
        _empty,
        _not_a_pickle,
    ],
)
def test_a_damaged_entry_is_rebuilt_and_replaced(
    folder: Path, damage: Callable[[bytes], bytes]
) -> None:
    build = Builder()
    expected = cache.cached(KIND, "k", build)
    path = _entry()
    path.write_bytes(damage(path.read_bytes()))
    path.chmod(0o600)
    assert cache.cached(KIND, "k", build) == expected
    assert build.calls == 2
    assert cache.cached(KIND, "k", build) == expected  # the rebuilt entry is whole again
    assert build.calls == 2


def test_a_stale_key_is_never_used(folder: Path) -> None:
    old, new = Builder({"version": "old"}), Builder({"version": "new"})
    assert cache.cached(KIND, "old", old) == {"version": "old"}
    assert cache.cached(KIND, "new", new) == {"version": "new"}
    assert new.calls == 1
    # An entry moved to another key's name is refused too: it names the key it was for.
    _entry("old").replace(_entry("new"))
    assert cache.cached(KIND, "new", new) == {"version": "new"}
    assert new.calls == 2


def test_another_tool_or_python_version_is_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.full_key(KIND, "k")
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    assert cache.full_key(KIND, "k") != key
    monkeypatch.undo()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert cache.full_key(KIND, "k") != key
    monkeypatch.undo()
    assert cache.full_key(KIND, "k") == key
    assert cache.full_key("other-kind", "k") != key


def test_an_edit_to_the_library_is_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code fingerprint follows the library's files (here: a copy of it)."""
    package = tmp_path / "imsa_eligibility"
    shutil.copytree(Path(cache.__file__).parent, package)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import imsa_eligibility.cache as c; "
        "print(c.code_fingerprint())"
    )

    def fingerprint() -> str:
        run = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip()

    before = fingerprint()
    assert fingerprint() == before
    rules = package / "rules" / "compile.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert fingerprint() != before


def test_a_failed_build_stores_nothing(folder: Path) -> None:
    def broken() -> object:
        raise RuleFileError([])

    with pytest.raises(RuleFileError):
        cache.cached(KIND, "k", broken)
    assert not _entry().exists()


def test_an_unpicklable_value_is_returned_and_not_stored(folder: Path) -> None:
    def one() -> int:
        return 1

    value = cache.cached(KIND, "k", lambda: one)
    assert value() == 1
    assert not _entry().exists()


@pytest.mark.parametrize("setting", ["off", "OFF", "", "  "])
def test_off_or_empty_disables_the_cache(
    setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(cache.ENV, setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() is None
    assert cache.entry_path(KIND, "k") is None
    build = Builder()
    cache.cached(KIND, "k", build)
    cache.cached(KIND, "k", build)
    assert build.calls == 2
    assert sorted(tmp_path.iterdir()) == []


def test_where_the_cache_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "chosen"
    monkeypatch.delenv(cache.ENV)
    assert cache.cache_dir() == tmp_path / "xdg" / "imsa-eligibility"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")  # not absolute: ignored (XDG spec)
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "imsa-eligibility"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "imsa-eligibility"


def test_the_suite_never_uses_the_real_cache() -> None:
    chosen = os.environ.get(cache.ENV)
    assert chosen and Path(chosen).name.startswith("imsa-eligibility-test-cache-")
    assert cache.cache_dir() == Path(chosen)


def test_an_unwritable_cache_folder_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))  # cannot be created
    build = Builder()
    assert cache.cached(KIND, "k", build) == build.value
    assert cache.cached(KIND, "k", build) == build.value
    assert build.calls == 2


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_a_read_only_cache_folder_still_builds(folder: Path) -> None:
    (folder / KIND).mkdir(parents=True)
    (folder / KIND).chmod(0o500)
    try:
        build = Builder()
        assert cache.cached(KIND, "k", build) == build.value
        assert cache.cached(KIND, "k", build) == build.value
        assert build.calls == 2
    finally:
        (folder / KIND).chmod(0o700)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_trusted(folder: Path) -> None:
    build = Builder()
    cache.cached(KIND, "k", build)
    _entry().chmod(0o666)
    cache.cached(KIND, "k", build)
    assert build.calls == 2


def test_a_folder_in_place_of_an_entry_is_not_read(folder: Path) -> None:
    _entry().mkdir(parents=True)
    build = Builder()
    assert cache.cached(KIND, "k", build) == build.value
    assert cache.cached(KIND, "k", build) == build.value
    assert build.calls == 2


def test_old_entries_are_pruned(folder: Path) -> None:
    for index in range(cache.MAX_ENTRIES + 5):
        cache.cached(KIND, f"key {index}", Builder())
        os.utime(_entry(f"key {index}"), (1_000_000 + index, 1_000_000 + index))
    leftover = folder / KIND / ".leftover.tmp"
    leftover.write_bytes(b"half an entry")
    os.utime(leftover, (1_000_000, 1_000_000))
    cache.cached(KIND, "latest", Builder())
    kept = sorted((folder / KIND).iterdir())
    assert len(kept) == cache.MAX_ENTRIES
    assert _entry("latest") in kept
    assert _entry(f"key {cache.MAX_ENTRIES + 4}") in kept  # the most recently used stay
    assert _entry("key 0") not in kept
    assert not leftover.exists()


def test_a_kind_is_a_plain_name(folder: Path) -> None:
    for kind in ("", "../up", "Rule Set", "a/b"):
        with pytest.raises(ValueError, match="cache kind"):
            cache.cached(kind, "k", Builder())


# The rule set -------------------------------------------------------------------------


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = rules_build.build_ruleset

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules_build, "build_ruleset", counting)
    return calls


def _rule_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy, ignore=shutil.ignore_patterns("tests"))
    return copy


def test_a_loaded_rule_set_is_read_back_and_decides_the_same(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_builds(monkeypatch)
    fresh = load_ruleset()
    assert len(builds) == 1
    assert sorted(p.parent.name for p in folder.rglob("*.entry")) == [CACHE_KIND]
    cached = load_ruleset()
    assert len(builds) == 1  # read back: not checked or compiled again
    assert cached is not fresh
    assert cached == fresh
    assert cached.sha256 == fresh.sha256
    assert list(cached.variants) == list(fresh.variants)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        profile = load_profile(path)
        ours = [
            evaluate(profile, ruleset, as_of=AS_OF, engine=engine_for("native", ruleset))
            for ruleset in (fresh, cached)
        ]
        assert ours[0] == ours[1], path.name
        assert render_text(ours[:1], []) == render_text(ours[1:], []), path.name
        assert render_json(ours[:1], []) == render_json(ours[1:], []), path.name


def test_an_edited_rule_file_is_compiled_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _rule_copy(tmp_path)
    builds = _count_builds(monkeypatch)
    before = load_ruleset(rules)
    load_ruleset(rules)
    assert len(builds) == 1
    head = rules / "ruleset.yaml"
    text = head.read_text(encoding="utf-8")
    edited = text.replace(f'version: "{before.version}"', 'version: "9999.1.0"')
    assert edited != text
    head.write_text(edited, "utf-8")
    after = load_ruleset(rules)
    assert len(builds) == 2
    assert after.version == "9999.1.0"
    assert after.sha256 != before.sha256


def test_the_same_files_in_another_folder_are_located_there(folder: Path, tmp_path: Path) -> None:
    """Rules are located at the files as named: another folder is another entry."""
    first = load_ruleset(_rule_copy(tmp_path / "one"))
    second = load_ruleset(_rule_copy(tmp_path / "two"))
    assert first.sha256 == second.sha256
    assert first.directory != second.directory
    assert {r.file for r in first.rules}.isdisjoint({r.file for r in second.rules})
    assert all(r.file.startswith(second.directory) for r in second.rules)


def test_a_rule_set_with_problems_is_never_cached(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _rule_copy(tmp_path)
    broken = sorted(p for p in rules.glob("*.yaml") if p.name != "ruleset.yaml")[0]
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("effect:", "efect:", 1), encoding="utf-8"
    )
    builds = _count_builds(monkeypatch)
    with pytest.raises(RuleFileError) as first:
        load_ruleset(rules)
    with pytest.raises(RuleFileError) as second:
        load_ruleset(rules)
    assert first.value.problems == second.value.problems
    assert first.value.problems and first.value.problems[0].file == str(broken)
    assert not list(folder.rglob("*.entry"))
    assert len(builds) == 0  # stopped at the schema, on every load


def test_a_corrupt_rule_set_entry_is_compiled_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_ruleset()
    [entry] = folder.rglob("*.entry")
    entry.write_bytes(entry.read_bytes()[:-100])
    builds = _count_builds(monkeypatch)
    assert load_ruleset() == expected
    assert len(builds) == 1


def test_a_warm_load_imports_no_checker(folder: Path) -> None:
    """Read back, the rule set needs neither jsonschema nor the compiler."""
    probe = (
        "import sys; from imsa_eligibility.rules.load import load_ruleset; load_ruleset(); "
        "print(sorted(m for m in ('jsonschema', 'imsa_eligibility.rules.validate', "
        "'imsa_eligibility.rules.build') if m in sys.modules))"
    )

    def loaded() -> str:
        run = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    cold = "['imsa_eligibility.rules.build', 'imsa_eligibility.rules.validate', 'jsonschema']"
    assert loaded() == cold
    assert loaded() == "[]"


# The command, cold and warm -----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--engine", "native", "--as-of", "2026-06-01", str(EXAMPLES)),
        ("check", "--engine", "native", "--as-of", "2026-06-01", "-o", "json", str(EXAMPLES)),
        ("check", "--as-of", "2026-06-01", str(EXAMPLES / "county-council-england.yaml")),
        ("rules", "lint"),
    ],
    ids=["text", "json", "default-engine", "lint"],
)
def test_the_command_says_the_same_with_a_warm_cache(folder: Path, args: tuple[str, ...]) -> None:
    env = {cache.ENV: str(folder)}
    cold = cli_process(*args, env=env)
    assert list(folder.rglob("*.entry")), cold.stderr
    warm = cli_process(*args, env=env)
    off = cli_process(*args, env={cache.ENV: "off"})
    for run in (warm, off):
        assert (run.returncode, run.stdout, run.stderr) == (
            cold.returncode,
            cold.stdout,
            cold.stderr,
        )
    assert cold.stdout


def test_the_command_reports_a_broken_rule_set_the_same_every_time(
    folder: Path, tmp_path: Path
) -> None:
    rules = _rule_copy(tmp_path)
    head = rules / "ruleset.yaml"
    head.write_text(head.read_text(encoding="utf-8") + "\nunknown_field: 1\n", "utf-8")
    env = {cache.ENV: str(folder)}
    runs = [cli_process("rules", "lint", "--rules", str(rules), env=env) for _ in range(2)]
    assert runs[0].returncode == 2
    assert "unknown_field" in runs[0].stderr
    assert (runs[1].returncode, runs[1].stdout, runs[1].stderr) == (
        runs[0].returncode,
        runs[0].stdout,
        runs[0].stderr,
    )
    assert not list(folder.rglob("*.entry"))
