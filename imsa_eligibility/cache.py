"""An on-disk cache of derived artefacts (such as a compiled rule set), never trusted blindly.

:func:`cached` returns what ``build()`` returns, from disk when an entry for the same key
was stored before: ``cached("ruleset", key, build)``. The key says what the artefact is
derived from (the sha256 of its inputs); the tool's version, the Python version and a
fingerprint of the library's own source files are added to it, so an entry made by other
code is never used.

Where: ``$IMSA_ELIGIBILITY_CACHE`` if set (empty or ``off`` disables the cache), else
``$XDG_CACHE_HOME/imsa-eligibility``, else ``~/.cache/imsa-eligibility``; one folder per
kind, holding at most :data:`MAX_ENTRIES` entries (the least recently used go first).

An entry is written to a temporary file and renamed into place, so it is whole or absent.
It holds its full key and the sha256 of its payload, both checked before the payload is
read: an entry that is truncated, corrupt, altered, for another key, or not the user's
own (on POSIX: owned by another user, or writable by others) is rebuilt, never used. The
cache is only ever a shortcut: any failure to read or write it (a folder that cannot be
created or written, a full disk) falls back to ``build()``, silently.

The payload is a pickle, so the cache folder is trusted as much as the user's own files:
it is created private (0700), and entries are written private (0600).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import stat
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")

ENV = "IMSA_ELIGIBILITY_CACHE"
"""The environment variable naming the cache folder (empty or ``off``: no cache)."""
APP = "imsa-eligibility"
MAX_ENTRIES = 16
"""The most entries kept per kind."""
FORMAT = 1
"""The entry format; a change makes every older entry stale."""
_MAGIC = b"imsa-eligibility cache\n"
_SUFFIX = ".entry"
_KIND = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_STALE_TEMPORARY = 3600.0  # seconds after which a leftover temporary file is removed


def cache_dir() -> Path | None:
    """The cache folder (it may not exist yet), or None when caching is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        if chosen.strip().lower() in ("", "off"):
            return None
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / APP
    try:
        return Path.home() / ".cache" / APP
    except RuntimeError:  # no home folder to be found
        return None


@cache
def code_fingerprint() -> str:
    """A digest of the library's source files (names, sizes and modification times).

    Any edit to the library (a development checkout, a reinstall) changes it, so an
    artefact built by other code is never used; it is cheap, as Python's own bytecode
    cache checks are.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder, name)
                try:
                    info = path.stat()
                except OSError:
                    continue
                relative = path.relative_to(package).as_posix()
                digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def full_key(kind: str, key: str) -> str:
    """The digest an entry of ``kind`` for ``key`` is stored under and checked against."""
    parts = (
        f"format {FORMAT}",
        f"kind {kind}",
        f"tool {__version__}",
        f"python {sys.implementation.cache_tag} {sys.version}",
        f"code {code_fingerprint()}",
        f"key {key}",
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def entry_path(kind: str, key: str) -> Path | None:
    """The file an entry of ``kind`` for ``key`` is stored in (None when caching is off)."""
    if not _KIND.match(kind):
        raise ValueError(f"a cache kind is a short lowercase name, not {kind!r}")
    root = cache_dir()
    if root is None:
        return None
    return root / kind / f"{full_key(kind, key)}{_SUFFIX}"


def cached(kind: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, read from the cache when stored there for ``kind`` and ``key``.

    ``kind`` names what is cached (``ruleset``: a folder of its own); ``key`` must change
    whenever the result would (the sha256 of the inputs). When ``build`` raises, nothing is
    stored and the exception propagates: only results are cached, never failures.
    """
    path = entry_path(kind, key)
    if path is None:
        return build()
    digest = path.name.removesuffix(_SUFFIX)
    found = _read(path, digest)
    if found is not None:
        try:
            value: T = pickle.loads(found)
        except Exception:  # written by other code, or damaged in a way the checksum missed
            pass
        else:
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: kept longest
            return value
    value = build()
    _write(path, digest, value)
    return value


def _read(path: Path, digest: str) -> bytes | None:
    """The payload of the entry at ``path`` if it is whole, ours and for ``digest``."""
    try:
        with path.open("rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            data = handle.read()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    header, newline, payload = data[len(_MAGIC) :].partition(b"\n")
    if not newline:
        return None
    try:
        stored, checksum, size = header.decode("ascii").split(" ")
        length = int(size)
    except ValueError:
        return None
    if stored != digest or length != len(payload):
        return None
    if hashlib.sha256(payload).hexdigest() != checksum:
        return None
    return payload


def _trusted(info: os.stat_result) -> bool:
    """Whether a file is the user's own: a regular file, not writable by other users."""
    if not stat.S_ISREG(info.st_mode):
        return False
    if os.name != "posix":
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(path: Path, digest: str, value: object) -> None:
    """Store ``value`` at ``path``, whole or not at all; then prune the kind's folder."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: the value is simply not cached
        return
    import tempfile  # only a miss writes: a hit does without it

    checksum = hashlib.sha256(payload).hexdigest()
    header = f"{digest} {checksum} {len(payload)}\n".encode("ascii")
    folder = path.parent
    temporary: Path | None = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_MAGIC + header + payload)
        temporary.replace(path)
        temporary = None
    except OSError:
        return
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
    _prune(folder, keep=path)


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the :data:`MAX_ENTRIES` most recently used entries of ``folder``."""
    try:
        listed = list(os.scandir(folder))
    except OSError:
        return
    entries: list[tuple[float, Path]] = []
    now = time.time()
    for item in listed:
        try:
            info = item.stat(follow_symlinks=False)
        except OSError:
            continue
        if item.name.endswith(_SUFFIX):
            if item.name != keep.name:
                entries.append((info.st_mtime, Path(item.path)))
        elif item.name.endswith(".tmp") and now - info.st_mtime > _STALE_TEMPORARY:
            with contextlib.suppress(OSError):  # left by a process killed while writing
                Path(item.path).unlink()
    entries.sort(reverse=True)
    for _, stale in entries[MAX_ENTRIES - 1 :]:
        with contextlib.suppress(OSError):
            stale.unlink()


__all__ = [
    "ENV",
    "MAX_ENTRIES",
    "cache_dir",
    "cached",
    "code_fingerprint",
    "entry_path",
    "full_key",
]
