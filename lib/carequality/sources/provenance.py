"""What identifies an input: the SHA-256 of a file's bytes (or of a folder's files), and the record a report cites."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputFile:
    """One input as the report's method note and provenance cite it."""

    name: str
    path: Path
    sha256: str
    as_of: str | None
    note: str


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_of_folder(path: Path) -> str:
    """A digest of every file under `path` (names relative to it, and contents), in sorted order."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        h.update(f.relative_to(path).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def sha256_of_input(path: Path) -> str:
    """A file's or a folder input's digest."""
    return sha256_of_folder(path) if Path(path).is_dir() else sha256_of(path)
