"""Digests of inputs: the SHA-256 of a file's bytes or a folder's files, remembered under the input's identity."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from carequality.sources import provenance
from carequality.sources.provenance import sha256_of, sha256_of_folder, sha256_of_input


@pytest.fixture(autouse=True)
def forget(monkeypatch):
    monkeypatch.setattr(provenance, "_remembered", {})


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (a real file must be unchanged for SETTLE_SECONDS first)."""
    monkeypatch.setattr(provenance, "SETTLE_SECONDS", 0.0)


def _no_hashing(monkeypatch):
    def refuse(*_):
        raise AssertionError("hashed again")

    monkeypatch.setattr(provenance, "_hash_file", refuse)
    monkeypatch.setattr(provenance, "_folder_digest", refuse)


def test_a_file_digest_is_the_sha256_of_its_bytes(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"x,y\n1,2\n")
    assert sha256_of(f) == hashlib.sha256(b"x,y\n1,2\n").hexdigest()


def test_a_settled_file_is_hashed_once_in_a_process(tmp_path, monkeypatch, settled):
    f = tmp_path / "a.csv"
    f.write_bytes(b"abc")
    first = sha256_of(f)
    _no_hashing(monkeypatch)
    assert sha256_of(f) == first


def test_another_process_finds_the_digest_in_the_memo_folder(tmp_path, monkeypatch, settled):
    f, memo = tmp_path / "a.csv", tmp_path / "digests"
    f.write_bytes(b"abc")
    first = sha256_of(f, memo)
    assert [p.read_text().strip() for p in memo.iterdir()] == [first]
    monkeypatch.setattr(provenance, "_remembered", {})  # a new process: nothing remembered in memory
    _no_hashing(monkeypatch)
    assert sha256_of(f, memo) == first


def test_a_changed_file_is_hashed_again_even_with_its_size_and_modification_time_put_back(tmp_path, settled):
    f = tmp_path / "a.csv"
    f.write_bytes(b"abc")
    st = os.stat(f)
    before = sha256_of(f, tmp_path / "digests")
    time.sleep(0.05)  # past the file system's clock tick (what SETTLE_SECONDS, set to 0 here, guards against)
    f.write_bytes(b"abd")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # the change time still moves: it cannot be set
    assert sha256_of(f, tmp_path / "digests") == hashlib.sha256(b"abd").hexdigest() != before


def test_a_file_changed_within_the_settling_time_is_not_remembered(tmp_path, monkeypatch):
    f, memo = tmp_path / "a.csv", tmp_path / "digests"
    f.write_bytes(b"abc")
    sha256_of(f, memo)
    assert not memo.exists()
    _no_hashing(monkeypatch)
    with pytest.raises(AssertionError, match="hashed again"):
        sha256_of(f, memo)


def test_a_folder_digest_covers_names_and_contents_and_sees_a_new_file(tmp_path, monkeypatch, settled):
    folder = tmp_path / "api"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_text("{}")
    (folder / "sub" / "b.json").write_text("[]")
    expected = hashlib.sha256()
    for name, data in (("a.json", b"{}"), ("sub/b.json", b"[]")):
        expected.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    assert sha256_of_input(folder) == sha256_of_folder(folder) == expected.hexdigest()
    (folder / "c.json").write_text("{}")
    assert sha256_of_folder(folder) != expected.hexdigest()
