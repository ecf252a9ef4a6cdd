"""Property: a CQC ratings file (CSV, XLSX or ODS) with any cells changed loads to valid frames, lists what it
cannot use in data quality, or is refused by name; future dates never become the as-of date."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.ratings_file import load_ratings_file
from fuzz import EXAMPLE, FUZZ, allowed, encoded, mutated, read_csv_rows, write_sheet

ROWS = read_csv_rows(EXAMPLE / "cqc_ratings_example.csv", 13)  # header and the first two locations
TODAY = dt.date(2026, 6, 1)


def check_frames(ratings) -> None:
    assert ratings.locations["location_id"].is_unique
    assert not ratings.ratings_by_location_key_question.duplicated(["location_id", "key_question"]).any()
    assert list(ratings.data_quality.columns) == ["file", "row", "location_id", "issue"]
    assert ratings.as_of is None or ratings.as_of <= pd.Timestamp(TODAY)


def load(rows: list[list[str]], kind: str, data: bytes | None = None):
    with tempfile.TemporaryDirectory() as d:
        path = write_sheet(Path(d) / f"ratings.{kind}", rows, "Locations", kind, data)
        return allowed(load_ratings_file, path, today=TODAY)


@FUZZ
@given(st.data())
def test_any_csv_loads_or_is_refused_by_name(data):
    rows = data.draw(mutated(ROWS, header=data.draw(st.booleans())))
    ratings = load(rows, "csv", data.draw(encoded(rows)))
    if ratings is not None:
        check_frames(ratings)


@FUZZ
@given(mutated(ROWS))
def test_any_xlsx_loads_or_is_refused_by_name(rows):
    ratings = load(rows, "xlsx")
    if ratings is not None:
        check_frames(ratings)


@FUZZ
@given(mutated(ROWS))
def test_any_ods_loads_or_is_refused_by_name(rows):
    ratings = load(rows, "ods")
    if ratings is not None:
        check_frames(ratings)
