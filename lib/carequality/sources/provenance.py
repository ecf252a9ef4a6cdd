"""What identifies an input: the SHA-256 of a file's bytes (or of a folder's files), and the record a report cites.

Digests are remembered under the input's identity, so that an input read by many reports (a national ratings file
read by every council's kernel and written into every manifest) is hashed once, not once a report. A file's identity
is its device, inode, size and modification and change times in nanoseconds; a folder's is the names and identities
of every file under it. Writing to a file sets its change time to the present, and no tool can set it back, so a
remembered digest never outlives the bytes it describes. A file changed less than SETTLE_SECONDS before it was hashed
is not remembered: file systems stamp times from a clock tick, so two writes within one tick can leave one identity.
Digests are remembered in this process, and in a folder when the caller names one (the cache's: sources/cache.py),
where every process finds them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SETTLE_SECONDS = 2.0
_remembered: dict[str, str] = {}


@dataclass
class InputFile:
    """One input as the report's method note and provenance cite it."""

    name: str
    path: Path
    sha256: str
    as_of: str | None
    note: str


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(st: os.stat_result) -> tuple[str, int]:
    """(identity, latest of the modification and change times)."""
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}", max(
        st.st_mtime_ns, st.st_ctime_ns
    )


def _remembered_digest(kind: str, identity: str, newest_ns: int, compute, memo: Path | None) -> str:
    key = hashlib.sha256(f"{kind}\0{identity}".encode()).hexdigest()[:40]
    if key in _remembered:
        return _remembered[key]
    if memo is not None:
        try:
            text = (memo / key).read_text(encoding="ascii").strip()
            if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
                _remembered[key] = text
                return text
        except (OSError, UnicodeDecodeError):
            pass
    started_ns = time.time_ns()
    digest = compute()
    if started_ns - newest_ns > SETTLE_SECONDS * 1e9:
        _remembered[key] = digest
        if memo is not None:
            try:  # written whole (renamed into place) or not at all; a memo that cannot be written is only slower
                memo.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{key}.", dir=memo)
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(digest + "\n")
                os.replace(tmp, memo / key)
            except OSError:
                pass
    return digest


def sha256_of(path: Path, memo: Path | None = None) -> str:
    """SHA-256 of a file's bytes, read in chunks; remembered under the file's identity (in `memo` too, if given)."""
    identity, newest = _stamp(os.stat(path))
    return _remembered_digest("file", identity, newest, lambda: _hash_file(path), memo)


def _folder_digest(files: list[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    for name, f in files:
        h.update(name.encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def sha256_of_folder(path: Path, memo: Path | None = None) -> str:
    """A digest of every file under `path` (names relative to it, and contents), in sorted order; remembered under the
    names and identities of those files (in `memo` too, if given)."""
    files = [(p.relative_to(path).as_posix(), p) for p in sorted(p for p in Path(path).rglob("*") if p.is_file())]
    stamps = [(name, *_stamp(f.stat())) for name, f in files]
    identity = "\n".join(f"{name}\0{ident}" for name, ident, _ in stamps)
    newest = max((n for _, _, n in stamps), default=0)
    return _remembered_digest("folder", identity, newest, lambda: _folder_digest(files), memo)


def sha256_of_input(path: Path, memo: Path | None = None) -> str:
    """A file's or a folder input's digest."""
    return sha256_of_folder(path, memo) if Path(path).is_dir() else sha256_of(path, memo)
