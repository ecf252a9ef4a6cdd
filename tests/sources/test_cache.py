"""The cache of parsed ratings files: never stale, written whole, equal to a fresh parse."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from carequality.sources import cache
from carequality.sources.ratings_file import load_ratings_file

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.national_file import write_csv, write_ods  # noqa: E402


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAREQUALITY_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("national") / "national_ratings.csv"
    write_csv(path, rows=3_000)
    return path


def _fields(r) -> dict:
    import dataclasses

    return {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}


def _assert_same(a, b) -> None:
    fa, fb = _fields(a), _fields(b)
    assert fa.keys() == fb.keys()
    for name, value in fa.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, fb[name], check_index_type=True, obj=name)
        else:
            assert value == fb[name], name


def test_repeat_load_is_served_from_the_cache_and_equals_a_fresh_parse(tmp_path, small_csv, cache_folder):
    path = tmp_path / "ratings.csv"
    shutil.copyfile(small_csv, path)
    first, hit1 = cache.load_ratings_cached(path)
    second, hit2 = cache.load_ratings_cached(path)
    assert (hit1, hit2) == (False, True)
    _assert_same(second, load_ratings_file(path))
    _assert_same(first, second)
    entries = list((cache_folder / "ratings").iterdir())
    assert len(entries) == 1 and (entries[0] / "meta.json").is_file()


def test_a_changed_file_is_parsed_fresh(tmp_path, small_csv, cache_folder):
    path = tmp_path / "ratings.csv"
    shutil.copyfile(small_csv, path)
    before = cache.load_ratings(path)
    assert cache.is_cached(path)

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    i_type, i_group, i_domain, i_rating = (header.index(h) for h in
                                           ("Location Type", "Service / Population Group", "Domain", "Latest Rating"))
    row = next(r for r in rows[1:] if r[i_type] == "Social Care Org" and r[i_group] == "Overall"
               and r[i_domain] == "Overall" and r[i_rating] == "Good")
    row[i_rating] = "Inadequate"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)

    assert not cache.is_cached(path)
    after, hit = cache.load_ratings_cached(path)
    assert not hit
    loc = row[header.index("Location ID")]
    rating = lambda r: r.locations.set_index("location_id").at[loc, "overall_rating"]  # noqa: E731
    assert (rating(before), rating(after)) == ("Good", "Inadequate")
    _assert_same(after, load_ratings_file(path))
    assert len(list((cache_folder / "ratings").iterdir())) == 2  # one entry per content


def test_same_bytes_under_another_name_are_a_hit_named_as_the_caller_knows_them(tmp_path, small_csv, cache_folder):
    a, b = tmp_path / "a.csv", tmp_path / "renamed.csv"
    shutil.copyfile(small_csv, a)
    shutil.copyfile(small_csv, b)
    cache.load_ratings(a)
    ratings, hit = cache.load_ratings_cached(b)
    assert hit and ratings.path == b
    _assert_same(ratings, load_ratings_file(b))


def test_options_are_part_of_the_key(tmp_path, small_csv, cache_folder):
    path = tmp_path / "ratings.csv"
    shutil.copyfile(small_csv, path)
    social = cache.load_ratings(path)
    both, hit = cache.load_ratings_cached(path, location_types=("Social Care Org", "Primary Medical Services"))
    assert not hit
    assert len(both.locations) > len(social.locations)


def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path, small_csv, cache_folder):
    path = tmp_path / "ratings.csv"
    shutil.copyfile(small_csv, path)
    cache.load_ratings(path)
    (entry,) = (cache_folder / "ratings").iterdir()
    (entry / "locations.arrow").write_bytes(b"not an Arrow file")
    with pytest.warns(UserWarning, match="unreadable entry"):
        ratings, hit = cache.load_ratings_cached(path)
    assert not hit
    _assert_same(ratings, load_ratings_file(path))
    assert cache.load_ratings_cached(path)[1]


def test_an_unfinished_entry_is_never_read(tmp_path, small_csv, cache_folder):
    """Entries are renamed into place whole: a folder without meta.json (a writer that stopped) is a miss."""
    path = tmp_path / "ratings.csv"
    shutil.copyfile(small_csv, path)
    cache.load_ratings(path)
    (entry,) = (cache_folder / "ratings").iterdir()
    (entry / "meta.json").unlink()
    assert not cache.is_cached(path)
    assert not cache.load_ratings_cached(path)[1]
    assert not [p for p in (cache_folder / "ratings").iterdir() if p.name.startswith(".")]  # no temporary left


def test_cache_off_writes_nothing(tmp_path, small_csv, monkeypatch):
    monkeypatch.setenv("CAREQUALITY_CACHE", "off")
    assert cache.cache_dir() is None
    ratings, hit = cache.load_ratings_cached(small_csv)
    assert not hit and len(ratings.locations)


def test_bad_input_is_not_cached_and_keeps_the_loaders_message(tmp_path, cache_folder):
    from carequality.errors import InputError

    bad = tmp_path / "bad.csv"
    bad.write_text("Location ID,Location Name\n1-1,A home\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        cache.load_ratings(bad)
    assert not (cache_folder / "ratings").exists() or not any((cache_folder / "ratings").iterdir())


def test_ods_and_csv_of_the_same_file_load_alike(tmp_path, cache_folder):
    """The spreadsheet path (calamine, columns built in chunks) gives the frames the CSV path gives."""
    csv_path, ods_path = tmp_path / "n.csv", tmp_path / "n.ods"
    write_csv(csv_path, rows=3_000)
    write_ods(ods_path, rows=3_000)
    a, b = load_ratings_file(csv_path), cache.load_ratings(ods_path)
    for name, value in _fields(a).items():
        if isinstance(value, pd.DataFrame) and name != "data_quality":  # data_quality names the file
            pd.testing.assert_frame_equal(value, getattr(b, name), obj=name)
    assert (a.date_format, b.date_format) == ("DD/MM/YYYY", "spreadsheet dates")
    _assert_same(cache.load_ratings(ods_path), load_ratings_file(ods_path))


def test_read_sheet_converts_only_the_columns_asked_for(tmp_path):
    from carequality.sources.tabular import read_sheet

    path = tmp_path / "n.ods"
    write_ods(path, rows=2_000)
    full = read_sheet(path, header_contains="Location ID", sheet="Locations")
    some = read_sheet(path, header_contains="Location ID", sheet="Locations", columns={"Location Name", "Domain"})
    assert list(some.frame.columns) == ["Location ID", "Location Name", "Domain"]
    pd.testing.assert_frame_equal(some.frame, full.frame[["Location ID", "Location Name", "Domain"]])
    assert some.first_row == full.first_row


def test_the_generated_national_file_is_deterministic(tmp_path):
    a, b = tmp_path / "a.ods", tmp_path / "b.ods"
    write_ods(a, rows=2_000)
    write_ods(b, rows=2_000)
    assert a.read_bytes() == b.read_bytes()
    c, d = tmp_path / "c.csv", tmp_path / "d.csv"
    write_csv(c, rows=2_000)
    write_csv(d, rows=2_000)
    assert c.read_bytes() == d.read_bytes()


def test_the_generated_national_file_has_cqc_headers_and_every_council(tmp_path):
    from carequality.councils import all_councils, council_for_cqc_name
    from carequality.examples.ratings import HEADERS
    from carequality.sources.tabular import read_sheet

    path = tmp_path / "n.ods"
    write_ods(path, rows=3_000)
    frame = read_sheet(path, header_contains="Location ID", sheet="Locations").frame
    assert list(frame.columns) == HEADERS
    names = set(frame["Location Local Authority"])
    assert {council_for_cqc_name(n).ons_code for n in names} == {c.ons_code for c in all_councils()}
    regions = dict(zip(frame["Location Local Authority"], frame["Location Region"]))
    assert all(council_for_cqc_name(n).region == r for n, r in regions.items())
    assert frame["Location ID"].str.match(r"^1-\d+$").all()


def test_checking_the_cache_needs_no_pandas_and_agrees_with_the_loader():
    import subprocess

    from carequality.sources.ratings_file import SOCIAL_CARE

    assert cache.SOCIAL_CARE == SOCIAL_CARE
    code = "import sys, carequality.sources.cache; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_a_relative_cache_folder_is_pinned_before_kernels_change_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREQUALITY_CACHE", "rel/cache")
    cache.pin_cache_dir()
    assert cache.cache_dir() == tmp_path / "rel" / "cache"
    monkeypatch.chdir(ROOT)  # as a kernel does: it runs in the params file's folder
    assert cache.cache_dir() == tmp_path / "rel" / "cache"
    monkeypatch.setenv("CAREQUALITY_CACHE", "off")
    cache.pin_cache_dir()
    assert cache.cache_dir() is None


def test_the_file_type_is_part_of_the_key_so_a_csv_named_xlsx_is_refused_on_a_warm_cache(tmp_path, small_csv, cache_folder):
    from carequality.errors import InputError

    as_csv, as_xlsx = tmp_path / "ratings.csv", tmp_path / "ratings.xlsx"
    shutil.copyfile(small_csv, as_csv)
    shutil.copyfile(small_csv, as_xlsx)
    cache.load_ratings(as_csv)
    assert cache.is_cached(as_csv) and not cache.is_cached(as_xlsx)
    with pytest.raises(InputError, match="the content is CSV"):
        cache.load_ratings(as_xlsx)


def test_future_dates_are_flagged_after_the_cache_not_stored_in_it(tmp_path, cache_folder):
    import datetime as dt

    rows = [["Location ID", "Location Name", "Location Type", "Location Primary Inspection Category",
             "Location Local Authority", "Service / Population Group", "Domain", "Latest Rating", "Publication Date"],
            ["1-1", "Home", "Social Care Org", "Residential social care", "York", "Overall", "Overall", "Good", "15/06/2030"],
            ["1-2", "Home", "Social Care Org", "Residential social care", "York", "Overall", "Overall", "Good", "13/01/2025"]]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    first = cache.load_ratings(path, today=dt.date(2026, 1, 1))
    assert first.as_of == pd.Timestamp(2025, 1, 13) and len(first.data_quality) == 1
    later, hit = cache.load_ratings_cached(path, today=dt.date(2031, 1, 1))  # the same entry, read after 2030-06-15
    assert hit and later.as_of == pd.Timestamp(2030, 6, 15) and len(later.data_quality) == 0
