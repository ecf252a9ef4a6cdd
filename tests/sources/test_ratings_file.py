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


def test_unknown_rating_word_names_row_and_column(write_csv):
    rows = small_file()
    rows[3][HEADER.index("Latest Rating")] = "Excellent"
    with pytest.raises(InputError) as e:
        load_ratings_file(write_csv(rows))
    assert e.value.row == 4 and e.value.column == "Latest Rating"
    assert "'Excellent' is not a CQC rating" in str(e.value)


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
