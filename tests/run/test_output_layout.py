"""Issue 19, item 1: nothing overwritten that the user did not ask to replace. Each profile renders to its own folder
(the committee paper beside the full report, <period>-summary), so rendering one leaves the other complete; the
outputs get the user's usual permissions (umask), not the owner-only ones of the staging folder."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from carequality.registry import profile_folder, profile_of_folder
from carequality.run.atomic import current_umask, write_atomic
from carequality.run.render import render
from conftest import EXAMPLE_PARAMS

PERIOD = "2025-04-01_to_2026-03-31"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, the executed notebook and manifest left out (they hold the time)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in ("annual_report.ipynb", "manifest.json", "report.html")
    }


def _modes(folder: Path) -> set[tuple[str, int]]:
    return {("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.rglob("*")]}


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_each_profile_has_a_folder_of_its_own_and_the_folder_names_its_profile():
    assert profile_folder(PERIOD) == PERIOD
    assert profile_folder(PERIOD, "full") == PERIOD
    assert profile_folder(PERIOD, "summary") == f"{PERIOD}-summary"
    assert profile_of_folder(PERIOD) == "full" and profile_of_folder(f"{PERIOD}-summary") == "summary"


@pytest.mark.slow
def test_the_committee_paper_after_the_full_report_and_the_reverse_leave_both_complete(
    example_render, tmp_path, umask_022
):
    out = tmp_path / "outputs"
    full = out / "york" / PERIOD
    shutil.copytree(example_render.out_dir, full)  # the full report, as rendered (session fixture)
    before = _files(full)
    assert "watch_list.xlsx" in before and len([f for f in before if f.startswith("tables/")]) > 30

    summary = render(EXAMPLE_PARAMS, out, profile="summary")
    assert summary.out_dir == out / "york" / f"{PERIOD}-summary"
    assert _files(full) == before  # the full report is untouched: watch list and every table still there
    assert (summary.out_dir / "report.html").is_file() and summary.tables
    paper = _files(summary.out_dir)

    again = render(EXAMPLE_PARAMS, out)  # and the reverse: the full report again leaves the committee paper whole
    assert again.out_dir == full and set(_files(full)) == set(before)
    assert _files(summary.out_dir) == paper
    assert sorted(p.name for p in (out / "york").iterdir()) == [PERIOD, f"{PERIOD}-summary"]  # nothing left over

    # Folders and files as the user's umask (022) allows: readable by colleagues, not owner-only.
    for folder in (full, summary.out_dir):
        assert _modes(folder) == {("dir", 0o755), ("file", 0o644)}, folder


def test_a_file_written_atomically_gets_the_umasks_permissions(tmp_path, umask_022):
    assert current_umask() == 0o022
    path = tmp_path / "index.html"
    write_atomic(path, "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    os.umask(0o027)
    write_atomic(path, "y")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
