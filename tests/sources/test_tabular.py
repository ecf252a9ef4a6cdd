"""Monthly files as CQC publishes them now: notice rows above the header, the Locations sheet at any position in an
XLSX or ODS workbook. Built from the real Lincolnshire rows (all 28 of CQC's columns) in those shapes."""

from __future__ import annotations

import csv
import itertools

import pytest

from carequality.errors import InputError
from carequality.sources.ratings_file import COLUMNS, load_ratings_file
from carequality.sources.tabular import choose_sheet, header_row, read_sheet
from conftest import LINCOLNSHIRE_CSV

NOTICES = [
    ["Care Quality Commission: care directory with ratings"],
    ["This file lists every location CQC regulates with its latest ratings. Notes on the columns follow."],
    ["Location ID", "the location's identifier on CQC's register"],  # a notice row that names a column
    [],
]


@pytest.fixture(scope="module")
def real_rows(shared_data) -> list[list[str]]:
    """The header and the first 60 rows of the real Lincolnshire file."""
    with open(LINCOLNSHIRE_CSV, encoding="utf-8", newline="") as f:
        return list(itertools.islice(csv.reader(f), 61))


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path, sheets: dict[str, list[list[str]]]):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def write_ods(path, sheets: dict[str, list[list[str]]]):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for r in rows:
            tr = TableRow()
            for v in r:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_header_row_is_found_by_its_column_names():
    wanted = {h for names in COLUMNS.values() for h in names}
    rows = [*NOTICES, ["Location ID", "Location Name", "Location Type", "Domain"], ["1-1", "A", "Social Care Org", "Safe"]]
    assert header_row(rows, "Location ID", wanted) == len(NOTICES)
    assert header_row(rows[:3], "Location ID", wanted) == 2  # only the notice: the loader then names what is missing
    assert header_row(rows[:2], "Location ID", wanted) is None


def test_choose_sheet_finds_locations_anywhere():
    assert choose_sheet(["Read me", "Providers", "Locations"], "Locations") == "Locations"
    assert choose_sheet(["Notes", " locations "], "Locations") == " locations "
    assert choose_sheet(["Sheet1"], "Locations") == "Sheet1"
    assert choose_sheet(["Notes", "Providers"], "Locations") is None


def test_notice_rows_above_the_header_in_a_csv(tmp_path, real_rows):
    plain = load_ratings_file(write_csv(tmp_path / "plain.csv", real_rows))
    noticed = load_ratings_file(write_csv(tmp_path / "notices.csv", NOTICES + real_rows))
    assert noticed.locations["location_id"].tolist() == plain.locations["location_id"].tolist()
    # Row numbers are those the user sees in the file: shifted by the notice rows.
    first = noticed.ratings_by_location_service_group_key_question["row"].min()
    assert first == plain.ratings_by_location_service_group_key_question["row"].min() + len(NOTICES) == 2 + len(NOTICES)


@pytest.mark.parametrize("writer, suffix", [(write_xlsx, "xlsx"), (write_ods, "ods")])
def test_the_locations_sheet_at_any_position_with_notices(tmp_path, real_rows, writer, suffix):
    plain = load_ratings_file(write_csv(tmp_path / "plain.csv", real_rows))
    book = writer(tmp_path / f"ratings.{suffix}", {
        "Read me": [["About this file"], ["Published by CQC"]],
        "Providers": [["Provider ID", "Provider Name"], ["1-9", "A provider"]],
        "Locations": NOTICES + real_rows,
    })
    got = load_ratings_file(book)
    assert got.locations["location_id"].tolist() == plain.locations["location_id"].tolist()
    assert got.locations["overall_rating"].astype(str).tolist() == plain.locations["overall_rating"].astype(str).tolist()
    assert got.ratings_by_location_service_group_key_question["row"].min() == 2 + len(NOTICES)
    sheet = read_sheet(book, header_contains="Location ID", sheet="Locations", columns={"Location Name", "Domain"})
    assert sheet.first_row == 2 + len(NOTICES) and list(sheet.frame.columns) == ["Location ID", "Location Name", "Domain"]


def test_a_workbook_without_a_locations_sheet_names_its_sheets(tmp_path, real_rows):
    book = write_xlsx(tmp_path / "r.xlsx", {"Notes": [["x"]], "Providers": real_rows})
    with pytest.raises(InputError, match="no sheet named 'Locations'; the sheets are Notes, Providers"):
        load_ratings_file(book)
