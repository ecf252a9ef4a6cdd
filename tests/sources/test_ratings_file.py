"""The CQC ratings-file loader on the real Lincolnshire file and on deliberately broken copies."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from carequality import vocab
from carequality.errors import InputError
from carequality.sources.ratings_file import load_ratings_file
from conftest import LINCOLNSHIRE_CSV
from spreadsheets import write_ods, write_xlsx

HEADER = [
    "Location ID", "Location Name", "Care Home?", "Location Type", "Location Primary Inspection Category",
    "Location Local Authority", "Location Region", "Service / Population Group", "Domain", "Latest Rating",
    "Publication Date", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name",
]


def row(loc="1-1", domain="Overall", rating="Good", date="29/05/2026", group="Overall", kind="Social Care Org",
        category=vocab.RESIDENTIAL, la="York"):
    return [loc, f"Home {loc}", "Y", kind, category, la, "Yorkshire and The Humber", group, domain, rating, date, "N",
            f"http://www.cqc.org.uk/location/{loc}", "1-9", "Provider"]


def small_file(n_locations: int = 2) -> list[list[object]]:
    rows = [HEADER]
    for i in range(n_locations):
        for d in vocab.DOMAINS:
            rows.append(row(loc=f"1-{i}", domain=d, rating="Good" if i else "Requires improvement", date="13/01/2025"))
    rows.append(row(loc="9-9", kind="Primary Medical Services", category="GP Practices"))
    return rows


# ---- real data --------------------------------------------------------------------------------------

def test_lincolnshire_counts_equal_an_independent_count(shared_data):
    data = load_ratings_file(LINCOLNSHIRE_CSV)
    with open(LINCOLNSHIRE_CSV, newline="", encoding="utf-8") as f:
        raw = [r for r in csv.DictReader(f) if r["Location Type"] == "Social Care Org"]
    expected = Counter(
        (r["Location Primary Inspection Category"], r["Latest Rating"])
        for r in raw
        if r["Service / Population Group"] == "Overall" and r["Domain"] == "Overall"
    )
    got = Counter(zip(data.locations["category"], data.locations["overall_rating"].astype(str)))
    assert {(c, r.replace("Not Rated", "Not Rated")): n for (c, r), n in expected.items()} == dict(got)
    assert len(data.locations) == len({r["Location ID"] for r in raw}) == 356
    assert data.header_era == "Domain"
    assert data.date_format == "MM/DD/YYYY"
    assert data.as_of == pd.Timestamp(2026, 5, 29)
    assert set(data.excluded_by_location_type["location_type"]) == {
        "Primary Medical Services", "Primary Dental Care", "Independent Healthcare Org",
        "NHS Healthcare Organisation", "Independent Ambulance"}


def test_lincolnshire_frames_have_their_grain(shared_data):
    data = load_ratings_file(LINCOLNSHIRE_CSV)
    assert data.locations["location_id"].is_unique
    assert not data.ratings_by_location_key_question.duplicated(["location_id", "key_question"]).any()
    assert set(data.ratings_by_location_key_question["key_question"]) == set(vocab.DOMAINS)
    assert data.ratings_by_location_key_question["rating"].dtype == vocab.RATING_DTYPE
    assert set(data.service_groups_by_location["service_group"]) == {"Care Homes", "Homecare", "Supported Living"}


def test_all_location_types_when_asked(shared_data):
    data = load_ratings_file(LINCOLNSHIRE_CSV, location_types=("Social Care Org", "Primary Medical Services"))
    assert set(data.locations["location_type"]) == {"Social Care Org", "Primary Medical Services"}


# ---- formats and eras ---------------------------------------------------------------------------------

def test_older_key_question_header(write_csv):
    rows = small_file()
    rows[0] = ["Key Question" if h == "Domain" else h for h in rows[0]]
    data = load_ratings_file(write_csv(rows))
    assert data.header_era == "Key Question"
    assert data.locations.set_index("location_id").loc["1-0", "overall_rating"] == "Requires improvement"


def test_xlsx_with_spreadsheet_dates(tmp_path):
    rows = small_file()
    rows = [rows[0]] + [r[:10] + [dt.date(2025, 1, 13)] + r[11:] for r in rows[1:]]
    data = load_ratings_file(write_xlsx(tmp_path / "ratings.xlsx", rows))
    assert data.date_format == "spreadsheet dates"
    assert (data.locations["publication_date"] == pd.Timestamp(2025, 1, 13)).all()
    assert len(data.locations) == 2


def test_ods_with_a_title_row_above_the_header(tmp_path):
    rows = [["Care directory with ratings"], [], *small_file()]
    data = load_ratings_file(write_ods(tmp_path / "ratings.ods", rows))
    assert len(data.locations) == 2
    assert data.date_format == "DD/MM/YYYY"


def test_trailing_blank_rows_and_spaces_are_tolerated(write_csv):
    rows = small_file() + [[""] * len(HEADER)] * 3
    rows[1] = [f"  {v}  " for v in rows[1]]
    data = load_ratings_file(write_csv(rows))
    assert len(data.locations) == 2


# ---- bad input ------------------------------------------------------------------------------------------

def test_missing_column(write_csv):
    rows = [[v for h, v in zip(HEADER, r) if h != "Latest Rating"] for r in small_file()]
    with pytest.raises(InputError) as e:
        load_ratings_file(write_csv(rows))
    assert "missing column(s) 'Latest Rating'" in str(e.value)
    assert "input.csv" in str(e.value)


def test_an_unknown_rating_label_is_kept_shown_and_listed_by_row(write_csv):
    """A label of a framework the loader has not seen (CQC's 2026 framework, say) is never a stop or a drop."""
    rows = small_file()
    rows[3][HEADER.index("Latest Rating")] = "Meets expectations"
    data = load_ratings_file(write_csv(rows))
    dq = data.data_quality
    assert list(dq["row"]) == [4] and list(dq["location_id"]) == ["1-0"]
    assert "Latest Rating 'Meets expectations' is not a rating this report knows" in dq["issue"].iloc[0]
    tidy = data.ratings_by_location_service_group_key_question
    assert list(tidy.loc[tidy["row"] == 4, "rating"].astype(str)) == [vocab.UNRECOGNISED]


def test_spellings_of_the_one_vocabulary(write_csv):
    rows = small_file()
    rows[1][HEADER.index("Latest Rating")] = "Requires Improvement"  # upper-case I, as the API writes it
    rows[2][HEADER.index("Latest Rating")] = "No Approved Rating"
    rows[3][HEADER.index("Latest Rating")] = "Insufficient evidence to rate"
    data = load_ratings_file(write_csv(rows))
    assert data.data_quality.empty
    got = data.ratings_by_location_service_group_key_question.set_index("row")["rating"].astype(str)
    assert (got[2], got[3], got[4]) == ("Requires improvement", "No published rating", "Insufficient evidence to rate")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        load_ratings_file(path)


def test_header_only(write_csv):
    with pytest.raises(InputError, match="no data rows"):
        load_ratings_file(write_csv([HEADER]))


def test_mixed_date_formats(write_csv):
    rows = small_file()
    rows[1][HEADER.index("Publication Date")] = "29/05/2026"
    rows[2][HEADER.index("Publication Date")] = "05/30/2026"
    with pytest.raises(InputError, match="mixed date formats") as e:
        load_ratings_file(write_csv(rows))
    assert e.value.column == "Publication Date"


def test_duplicate_rating_rows(write_csv):
    rows = small_file()
    rows.append(rows[1])
    with pytest.raises(InputError, match="expected one"):
        load_ratings_file(write_csv(rows))


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "ratings.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unsupported file type"):
        load_ratings_file(path)


def test_location_rated_only_for_several_groups_goes_to_data_quality(write_csv):
    rows = [HEADER] + [row(loc="1-5", domain=d, group=g) for g in ("Care Homes", "Homecare") for d in vocab.DOMAINS]
    rows += [row(loc="1-6", domain=d) for d in vocab.DOMAINS]
    data = load_ratings_file(write_csv(rows))
    assert list(data.data_quality["location_id"]) == ["1-5"]
    assert data.locations.set_index("location_id").loc["1-5", "overall_rating"] == "No published rating"


# ---- bad input that must not slip past (issue 13) ---------------------------------------------------------

def test_future_publication_dates_are_data_quality_rows_and_never_the_as_of_date(write_csv):
    rows = small_file()
    for r in rows[1:]:
        if r[0] == "1-0":
            r[HEADER.index("Publication Date")] = "15/06/2030"
    data = load_ratings_file(write_csv(rows), today=dt.date(2026, 1, 1))
    assert data.as_of == pd.Timestamp(2025, 1, 13)
    [issue] = list(data.data_quality.loc[data.data_quality["location_id"] == "1-0", "issue"])
    assert "publication date 2030-06-15 is in the future" in issue
    loc = data.locations.set_index("location_id").loc["1-0"]
    assert loc["overall_rating"] == "Requires improvement" and pd.isna(loc["publication_date"])


def test_a_location_type_that_matches_nothing_names_the_types_present(write_csv):
    with pytest.raises(InputError) as e:
        load_ratings_file(write_csv(small_file()), location_types=("Social Care Org", "Social care"))
    assert e.value.column == "Location Type"
    assert "'Social care' matches no location in input.csv" in e.value.message
    assert "'Primary Medical Services' (1 location), 'Social Care Org' (2 locations)" in e.value.message


def test_a_data_column_without_a_header_is_refused_naming_its_letter(write_csv):
    rows = [r + [""] for r in small_file()]
    rows[3][-1] = "note"
    with pytest.raises(InputError) as e:
        load_ratings_file(write_csv(rows))
    assert e.value.row == 4 and "column P has data ('note' on row 4) but no header" in e.value.message


def test_an_empty_column_without_a_header_is_fine(write_csv):
    assert len(load_ratings_file(write_csv([r + [""] for r in small_file()])).locations) == 2


def test_an_error_value_where_a_rating_is_needed_names_the_cell(tmp_path):
    rows = small_file()
    rows[2][HEADER.index("Latest Rating")] = "#N/A"
    with pytest.raises(InputError) as e:
        load_ratings_file(write_xlsx(tmp_path / "r.xlsx", rows))
    assert (e.value.row, e.value.column) == (3, "Latest Rating") and "error value #N/A" in e.value.message


def test_an_error_value_in_a_column_the_report_can_do_without_is_a_data_quality_row(write_csv):
    rows = small_file()
    rows[1][HEADER.index("Provider Name")] = "#REF!"
    data = load_ratings_file(write_csv(rows))
    dq = data.data_quality
    assert list(dq["row"]) == [2] and "'Provider Name' holds the spreadsheet error value #REF!" in dq["issue"].iloc[0]
    assert data.locations.set_index("location_id").loc["1-0", "provider_name"] == ""


def test_a_cell_longer_than_a_spreadsheet_holds_is_a_data_quality_row(write_csv):
    rows = small_file()
    rows[1][HEADER.index("Location Name")] = "x" * 100_000
    dq = load_ratings_file(write_csv(rows)).data_quality
    assert list(dq["location_id"]) == ["1-0"]
    assert "'Location Name' holds 100,000 characters, more than the 32,767" in dq["issue"].iloc[0]


def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "r.csv"
    rows = small_file()
    rows[3][HEADER.index("Latest Rating")] = "Excellent"
    lines = [",".join(r) for r in rows]
    path.write_text("\n".join(lines[:2] + ["", ""] + lines[2:]) + "\n")  # rows 3 and 4 are blank lines
    assert list(load_ratings_file(path).data_quality["row"]) == [6]


def test_records_of_different_lengths_are_read_not_refused(tmp_path):
    path = tmp_path / "r.csv"
    lines = [",".join(r) for r in small_file()]
    lines[2] += ",extra"  # longer than the header: a data column with no header
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="column P has data"):
        load_ratings_file(path)


def test_a_quote_left_open_names_the_line_it_starts_on(tmp_path):
    path = tmp_path / "r.csv"
    lines = [",".join(r) for r in small_file()]
    lines[4] = lines[4].replace("Home", '"Home', 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="the record starting on line 5 is broken"):
        load_ratings_file(path)


def test_bytes_valid_in_no_encoding_are_named_by_offset_and_line(tmp_path):
    path = tmp_path / "r.csv"
    data = "\n".join(",".join(r) for r in small_file()).encode()
    at = data.index(b"Home 1-1")
    path.write_bytes(data[:at] + b"\x81" + data[at:])
    with pytest.raises(InputError) as e:
        load_ratings_file(path)
    line = data[:at].count(b"\n") + 1
    assert f"byte 0x81 at offset {at:,} (line {line}) is valid neither as UTF-8 nor as Windows-1252" in e.value.message


def test_windows_1252_text_is_still_read(tmp_path):
    path = tmp_path / "r.csv"
    rows = small_file()
    rows[1][1] = "Café"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode("cp1252"))
    assert "Café" in set(load_ratings_file(path).locations["location_name"])


def test_a_csv_named_xlsx_is_refused_saying_it_is_csv(tmp_path, write_csv):
    path = tmp_path / "r.xlsx"
    path.write_bytes(write_csv(small_file()).read_bytes())
    with pytest.raises(InputError, match="not a readable XLSX file: the content is CSV"):
        load_ratings_file(path)


def test_a_damaged_xlsx_is_not_a_readable_xlsx_file(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", small_file()).read_bytes()
    path = tmp_path / "r.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match="not a readable XLSX file"):
        load_ratings_file(path)


def test_an_xlsx_named_csv_is_refused_saying_what_it_is(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(write_xlsx(tmp_path / "w.xlsx", small_file()).read_bytes())
    with pytest.raises(InputError, match="named .csv but the content is an XLSX workbook"):
        load_ratings_file(path)


def test_an_ods_error_cell_read_as_zero_by_calamine_is_found(tmp_path):
    import zipfile

    path = write_ods(tmp_path / "r.ods", small_file())
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    content = parts["content.xml"].decode()
    content = content.replace('office:version="1.2"', 'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:'
                              'xmlns:calcext:1.0" office:version="1.2"', 1)
    cell = '<table:table-cell office:value-type="string"><text:p>Requires improvement</text:p></table:table-cell>'
    error = ('<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
             'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    parts["content.xml"] = content.replace(cell, error, 1).encode()
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for n, b in parts.items():
            z.writestr(n, b)
    with pytest.raises(InputError) as e:
        load_ratings_file(path)
    assert (e.value.row, e.value.column) == (2, "Latest Rating") and "#DIV/0!" in e.value.message


def test_columns_of_a_sheet_that_starts_right_of_column_a_keep_their_letters(tmp_path):
    import xlsxwriter

    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Locations")
    for r, values in enumerate(small_file()):
        ws.write_row(r + 2, 2, values)  # starts at C3
    ws.write(5, 2 + len(HEADER), "note")
    wb.close()
    with pytest.raises(InputError) as e:
        load_ratings_file(path)
    assert e.value.row == 6 and f"column {chr(ord('C') + len(HEADER))} has data" in e.value.message


def test_overall_in_other_capitals_is_the_location_level(write_csv):
    rows = small_file()
    rows.append(row(loc="1-0", group="OVERALL", domain="Overall", rating="Good", date="13/01/2025"))
    with pytest.raises(InputError, match="has 2 rows for service group 'Overall'"):
        load_ratings_file(write_csv(rows))


def test_a_data_quality_row_after_a_blank_line_names_its_own_location(tmp_path):
    rows = small_file()
    rows[8][HEADER.index("Provider Name")] = "#N/A"  # location 1-1's first row
    lines = [",".join(r) for r in rows]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines[:3] + [""] + lines[3:]) + "\n")
    dq = load_ratings_file(path).data_quality
    assert list(zip(dq["row"], dq["location_id"])) == [(10, "1-1")]


def test_a_password_protected_xlsx_says_so(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # encrypted workbooks are OLE2 files
    with pytest.raises(InputError, match="not a readable XLSX file: it is password-protected"):
        load_ratings_file(path)
