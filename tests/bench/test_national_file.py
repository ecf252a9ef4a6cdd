"""The benchmark's generated national file has the real file's shape: its text as long as CQC's own rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from carequality.examples.ratings import HEADERS
from carequality.sources.ratings_file import load_ratings_file
from carequality.sources.tabular import read_sheet
from conftest import LINCOLNSHIRE_CSV

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.national_file import NOTICE, REAL_TEXT, write_csv, write_ods  # noqa: E402


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("national") / "n.csv"
    write_csv(path, rows=20_000)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_rows_come_out_near_the_number_asked_for(national):
    assert 18_000 <= len(national) <= 22_000


def test_text_columns_are_as_long_as_the_real_ones(national):
    for column, (mean, blank) in REAL_TEXT.items():
        lengths = national[column].str.len()
        assert abs(lengths.mean() / mean - 1) < 0.25, (column, lengths.mean(), mean)
        assert abs((national[column] == "").mean() - blank) < 0.05, column


@pytest.mark.shared
def test_the_recorded_real_text_lengths_are_lincolnshires(shared_data):
    real = pd.read_csv(LINCOLNSHIRE_CSV, dtype=str, keep_default_na=False)
    for column, (mean, blank) in REAL_TEXT.items():
        assert round(real[column].str.len().mean(), 1) == mean, column
        assert round((real[column] == "").mean(), 2) == blank, column


def test_rows_are_sorted_by_location_id_with_each_locations_rows_together(national):
    ids = national["Location ID"]
    assert ids.is_monotonic_increasing
    assert national["Location Local Authority"].iloc[:200].nunique() > 10  # councils interleaved, as in CQC's file


def test_the_recent_shape_has_notice_rows_above_the_header(tmp_path):
    path = tmp_path / "n.ods"
    write_ods(path, rows=2_000, notice=True)
    sheet = read_sheet(path, header_contains="Location ID", sheet="Locations")
    assert list(sheet.frame.columns) == HEADERS
    assert sheet.first_row == len(NOTICE) + 3  # the notice, a blank row, the header
    assert load_ratings_file(path).header_era == "Domain"
