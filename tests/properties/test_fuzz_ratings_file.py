"""Property: a CQC ratings file (CSV, XLSX or ODS) with any cells changed loads to valid frames, lists what it
cannot use in data quality, or is refused by name; future dates never become the as-of date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.ratings_file import load_ratings_file
from fuzz import EXAMPLE, FUZZ, load_mutated, read_csv_rows

ROWS = read_csv_rows(EXAMPLE / "cqc_ratings_example.csv", 13)  # header and the first two locations
TODAY = dt.date(2026, 6, 1)


def check_frames(ratings) -> None:
    assert ratings.locations["location_id"].is_unique
    assert not ratings.ratings_by_location_key_question.duplicated(["location_id", "key_question"]).any()
    assert list(ratings.data_quality.columns) == ["file", "row", "location_id", "issue"]
    assert ratings.as_of is None or ratings.as_of <= pd.Timestamp(TODAY)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
@FUZZ
@given(data=st.data())
def test_any_file_loads_or_is_refused_by_name(kind, data):
    # The header row is changed too in CSV files (in any encoding); spreadsheets keep theirs.
    ratings = load_mutated(data, load_ratings_file, ROWS, name="ratings", sheet="Locations", kinds=(kind,),
                           header=None if kind == "csv" else False, today=TODAY)
    if ratings is not None:
        check_frames(ratings)
