"""The two spreadsheet readers behind read_sheet give the same frames, so the loader's outputs do not depend on which ran.

read_sheet reads a spreadsheet with fastexcel (Arrow columns) when the caller names its columns, as the CQC
ratings loader does, and with python-calamine (a Python object per cell) otherwise, or when fastexcel cannot
say what python-calamine would. Both are built on the same Rust library; these tests hold them to the same
frames, cell for cell and dtype for dtype, on CQC's real Lincolnshire rows written as XLSX and ODS, on the
benchmark's national file in its recent shape (notice rows above the header), and on the shapes that make
the Arrow reader step aside.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from carequality.sources import tabular
from carequality.sources.ratings_file import COLUMNS, load_ratings_file
from carequality.sources.tabular import read_sheet
from conftest import LINCOLNSHIRE_CSV
from spreadsheets import write_ods, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.national_file import write_ods as write_national_ods  # noqa: E402

WANTED = {h for names in COLUMNS.values() for h in names}


def both(path: Path, monkeypatch, **kwargs) -> tuple[tabular.Sheet, tabular.Sheet]:
    """read_sheet as it runs (Arrow reader where it applies), then with python-calamine only."""
    kwargs = {"header_contains": "Location ID", "sheet": "Locations", "columns": WANTED} | kwargs
    arrow = read_sheet(path, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(tabular, "_arrow_sheet", lambda *a, **k: None)
        calamine = read_sheet(path, **kwargs)
    return arrow, calamine


def assert_same(a: tabular.Sheet, b: tabular.Sheet) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert a.first_row == b.first_row


def lincolnshire_rows() -> list[list[object]]:
    """CQC's real Lincolnshire rows; Publication Date as date cells, as CQC's ODS has it (blank stays blank)."""
    frame = pd.read_csv(LINCOLNSHIRE_CSV, dtype=str, keep_default_na=False)
    at = list(frame.columns).index("Publication Date")
    rows: list[list[object]] = [list(frame.columns)]
    for values in frame.itertuples(index=False):
        row: list[object] = list(values)
        if row[at]:
            month, day, year = map(int, row[at].split("/"))
            row[at] = dt.date(year, month, day)
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def lincolnshire_files(tmp_path_factory, shared_data) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lincolnshire")
    rows = lincolnshire_rows()
    notice = [["Care directory with ratings"], ["A notice above the header, as in CQC's 2026 files."], []]
    return {
        "ods": write_ods(folder / "lincolnshire.ods", rows),
        "xlsx": write_xlsx(folder / "lincolnshire.xlsx", rows),
        "ods_notice": write_ods(folder / "lincolnshire_notice.ods", notice + rows),
    }


@pytest.mark.shared
@pytest.mark.parametrize("kind", ["ods", "xlsx", "ods_notice"])
def test_both_readers_give_equal_frames_on_the_real_lincolnshire_rows(lincolnshire_files, monkeypatch, kind):
    path = lincolnshire_files[kind]
    assert tabular._arrow_sheet(path, "Locations", "Location ID", WANTED) is not None  # the Arrow reader ran
    arrow, calamine = both(path, monkeypatch)
    assert_same(arrow, calamine)
    assert len(arrow.frame) == 4_159


@pytest.mark.shared
@pytest.mark.parametrize("kind", ["ods", "xlsx"])
def test_the_loader_gives_equal_results_with_either_reader(lincolnshire_files, monkeypatch, kind):
    path = lincolnshire_files[kind]
    arrow = load_ratings_file(path)
    monkeypatch.setattr(tabular, "_arrow_sheet", lambda *a, **k: None)
    calamine = load_ratings_file(path)
    for name in ("locations", "ratings_by_location_key_question", "ratings_by_location_service_group_key_question",
                 "service_groups_by_location", "excluded_by_location_type", "data_quality"):
        pd.testing.assert_frame_equal(getattr(arrow, name), getattr(calamine, name), check_exact=True, obj=name)
    assert (arrow.header_era, arrow.date_format) == (calamine.header_era, calamine.date_format) == (
        "Domain", "spreadsheet dates")


@pytest.mark.shared
def test_the_spreadsheet_loads_as_the_real_csv_does(lincolnshire_files):
    """The Arrow reader's ODS gives the CSV's tidy ratings (the CSV's dates are text, so only they differ)."""
    from_csv, from_ods = load_ratings_file(LINCOLNSHIRE_CSV), load_ratings_file(lincolnshire_files["ods"])
    pd.testing.assert_frame_equal(from_csv.ratings_by_location_service_group_key_question,
                                  from_ods.ratings_by_location_service_group_key_question, check_exact=True)
    pd.testing.assert_frame_equal(from_csv.locations, from_ods.locations, check_exact=True)


def test_both_readers_give_equal_frames_on_the_national_file_in_its_recent_shape(tmp_path, monkeypatch):
    path = tmp_path / "national.ods"
    write_national_ods(path, rows=3_000, notice=True)
    arrow, calamine = both(path, monkeypatch)
    assert_same(arrow, calamine)
    assert arrow.first_row == 6  # three notice rows and a blank row above the header
    assert pd.api.types.is_string_dtype(arrow.frame["Location Name"])
    dates = arrow.frame["Publication Date"]
    assert {type(v) for v in dates} <= {dt.date, str} and any(isinstance(v, dt.date) for v in dates)


def test_blank_rows_above_the_header_keep_the_spreadsheet_row_numbers(tmp_path, monkeypatch):
    rows = [[], [], ["Location ID", "Location Name"], ["1-1", "A home"], ["1-2", " Another home "]]
    for writer, name in ((write_ods, "blank.ods"), (write_xlsx, "blank.xlsx")):
        arrow, calamine = both(writer(tmp_path / name, rows), monkeypatch)
        assert_same(arrow, calamine)
        assert arrow.first_row == 4
        assert list(arrow.frame["Location Name"]) == ["A home", "Another home"]


def test_a_column_with_numbers_and_text_is_read_cell_by_cell_alike(tmp_path, monkeypatch):
    """A column mixing kinds of cell makes the Arrow reader step aside; the result is python-calamine's."""
    rows = [["Location ID", "Location Name", "Provider ID"], ["1-1", "A home", 12345.0], ["1-2", "B home", "1-99"]]
    path = write_ods(tmp_path / "mixed.ods", rows)
    assert tabular._arrow_sheet(path, "Locations", "Location ID", WANTED) is None
    arrow, calamine = both(path, monkeypatch)
    assert_same(arrow, calamine)
    assert list(arrow.frame["Provider ID"]) == ["12345", "1-99"]


def test_number_and_date_columns_come_out_as_python_calamine_gives_them(tmp_path, monkeypatch):
    rows = [["Location ID", "Location Name", "Provider ID", "Publication Date"],
            ["1-1", "A home", 7.0, dt.date(2026, 5, 29)], ["1-2", "B home", 2.5, ""]]
    for writer, name in ((write_ods, "types.ods"), (write_xlsx, "types.xlsx")):
        path = writer(tmp_path / name, rows)
        assert tabular._arrow_sheet(path, "Locations", "Location ID", WANTED) is not None
        arrow, calamine = both(path, monkeypatch)
        assert_same(arrow, calamine)
        assert list(arrow.frame["Provider ID"]) == ["7", "2.5"]
        assert list(arrow.frame["Publication Date"]) == [dt.date(2026, 5, 29), ""]


# ---- CSV: pyarrow where the caller names its columns, pandas otherwise --------------------------------------
def csv_both(path: Path, monkeypatch) -> tuple[tabular.Sheet, tabular.Sheet]:
    kwargs = {"header_contains": "Location ID", "columns": WANTED}
    arrow = read_sheet(path, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(tabular, "_arrow_csv", lambda *a, **k: None)
        pandas = read_sheet(path, **kwargs)
    return arrow, pandas


@pytest.mark.shared
def test_both_csv_readers_give_equal_frames_on_the_real_lincolnshire_csv(shared_data, monkeypatch):
    assert tabular._arrow_csv(LINCOLNSHIRE_CSV, "Location ID", WANTED) is not None
    arrow, pandas = csv_both(LINCOLNSHIRE_CSV, monkeypatch)
    assert_same(arrow, pandas)
    assert len(arrow.frame) == 4_159


def test_both_csv_readers_give_equal_frames_on_the_national_file_in_its_recent_shape(tmp_path, monkeypatch):
    from bench.national_file import write_csv as write_national_csv

    path = tmp_path / "national.csv"
    write_national_csv(path, rows=3_000, notice=True)
    arrow, pandas = csv_both(path, monkeypatch)
    assert_same(arrow, pandas)
    assert arrow.first_row == 6


def test_csv_quirks_read_alike(tmp_path, monkeypatch):
    """A byte-order mark, a quoted line break, blank lines, padded cells and a leading zero."""
    path = tmp_path / "quirks.csv"
    path.write_bytes(b'\xef\xbb\xbfLocation ID,Location Name,Provider ID\r\n1-1,"Two\nlines",0123\r\n\r\n'
                     b' 1-2 ,  Padded  ,\r\n')
    arrow, pandas = csv_both(path, monkeypatch)
    assert_same(arrow, pandas)
    assert list(arrow.frame["Location Name"]) == ["Two\nlines", "Padded"]
    assert list(arrow.frame["Provider ID"]) == ["0123", ""]


def test_a_csv_pyarrow_cannot_read_goes_to_pandas(tmp_path, monkeypatch):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Location ID,Location Name\n1-1,Caf\u00e9 House\n".encode("cp1252"))
    assert tabular._arrow_csv(path, "Location ID", WANTED) is None
    assert list(read_sheet(path, header_contains="Location ID", columns=WANTED).frame["Location Name"]) == ["Caf\u00e9 House"]
