"""The CSV readers behind read_sheet give the same frames, so the loader's outputs do not depend on which ran.

read_sheet reads a CSV with pyarrow (both cores, Arrow columns) when the caller names its columns, as the
CQC ratings loader does, and with pandas otherwise or when pyarrow cannot read the file as it stands. These
tests hold the two to the same frames, cell for cell and dtype for dtype, on CQC's real Lincolnshire CSV, on
the benchmark's national file in its recent shape (notice rows above the header) and on CSV quirks; and hold
the spreadsheet reader (python-calamine) to the CSV's results on the same real rows written as XLSX and ODS.
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.national_file import write_csv as write_national_csv  # noqa: E402

WANTED = {h for names in COLUMNS.values() for h in names}
TIDY = ("locations", "ratings_by_location_key_question", "ratings_by_location_service_group_key_question",
        "service_groups_by_location", "excluded_by_location_type")


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


@pytest.mark.shared
@pytest.mark.parametrize(("writer", "suffix"), [(write_ods, "ods"), (write_xlsx, "xlsx")])
def test_the_real_rows_load_alike_from_csv_and_from_a_spreadsheet(tmp_path, shared_data, writer, suffix):
    """python-calamine's spreadsheet gives the CSV's tidy frames (only the dates' format differs: text in the CSV)."""
    from_csv = load_ratings_file(LINCOLNSHIRE_CSV)
    from_sheet = load_ratings_file(writer(tmp_path / f"lincolnshire.{suffix}", lincolnshire_rows()))
    for name in TIDY:
        pd.testing.assert_frame_equal(getattr(from_csv, name), getattr(from_sheet, name), check_exact=True, obj=name)
    assert (from_csv.date_format, from_sheet.date_format) == ("MM/DD/YYYY", "spreadsheet dates")


# ---- CSV: pyarrow where the caller names its columns, pandas otherwise --------------------------------------
def csv_both(path: Path, monkeypatch) -> tuple[tabular.Sheet, tabular.Sheet]:
    kwargs = {"header_contains": "Location ID", "columns": WANTED}
    arrow = read_sheet(path, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(tabular, "_arrow_csv_frame", lambda *a, **k: None)
        pandas = read_sheet(path, **kwargs)
    return arrow, pandas


@pytest.mark.shared
def test_both_csv_readers_give_equal_frames_on_the_real_lincolnshire_csv(shared_data, monkeypatch):
    assert tabular._arrow_csv_frame(LINCOLNSHIRE_CSV.read_bytes()) is not None
    arrow, pandas = csv_both(LINCOLNSHIRE_CSV, monkeypatch)
    assert_same(arrow, pandas)
    assert len(arrow.frame) == 4_159


@pytest.mark.shared
def test_the_loader_gives_equal_results_with_either_csv_reader(shared_data, monkeypatch):
    arrow = load_ratings_file(LINCOLNSHIRE_CSV)
    monkeypatch.setattr(tabular, "_arrow_csv_frame", lambda *a, **k: None)
    pandas = load_ratings_file(LINCOLNSHIRE_CSV)
    for name in (*TIDY, "data_quality"):
        pd.testing.assert_frame_equal(getattr(arrow, name), getattr(pandas, name), check_exact=True, obj=name)
    assert (arrow.header_era, arrow.date_format) == (pandas.header_era, pandas.date_format)


def test_both_csv_readers_give_equal_frames_on_the_national_file_in_its_recent_shape(tmp_path, monkeypatch):
    path = tmp_path / "national.csv"
    write_national_csv(path, rows=3_000, notice=True)
    arrow, pandas = csv_both(path, monkeypatch)
    assert_same(arrow, pandas)
    assert arrow.first_row == 6


def test_csv_quirks_read_alike(tmp_path, monkeypatch):
    """A byte-order mark, a quoted line break, a blank line (kept, so rows keep their numbers), padded cells and a
    leading zero."""
    path = tmp_path / "quirks.csv"
    path.write_bytes(b'\xef\xbb\xbfLocation ID,Location Name,Provider ID\r\n1-1,"Two\nlines",0123\r\n\r\n'
                     b' 1-2 ,  Padded  ,\r\n')
    arrow, pandas = csv_both(path, monkeypatch)
    assert_same(arrow, pandas)
    assert list(arrow.frame["Location Name"]) == ["Two\nlines", "", "Padded"]
    assert list(arrow.frame["Provider ID"]) == ["0123", "", ""]


def test_a_csv_without_blank_lines_is_read_by_pyarrow(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"Location ID,Location Name\r\n1-1, Oak \r\n")
    frame = tabular._arrow_csv_frame(path.read_bytes())
    assert frame is not None and frame.iloc[1].tolist() == ["1-1", "Oak"]


def test_a_csv_pyarrow_cannot_read_goes_to_pandas(tmp_path, monkeypatch):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Location ID,Location Name\n1-1,Caf\u00e9 House\n".encode("cp1252"))
    assert tabular._arrow_csv_frame(path.read_bytes()) is None
    assert list(read_sheet(path, header_contains="Location ID", columns=WANTED).frame["Location Name"]) == ["Caf\u00e9 House"]
