"""Property: a folder of monthly CQC files, any of them changed, under any names, builds a valid history or is
refused by name."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.snapshots import load_snapshot_folder
from fuzz import EXAMPLE, FUZZ, allowed, mutated, read_csv_rows, write_sheet

ROWS = read_csv_rows(EXAMPLE / "cqc_ratings_example.csv", 13)
names = st.one_of(
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)).map(lambda d: f"{d:%d_%B_%Y}_Latest_ratings"),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda d: f"ratings_{d.isoformat()}"),
    st.sampled_from(["Latest_ratings", "March_2025", "31_February_2025_ratings", "ratings"]),
)


@FUZZ
@given(st.lists(st.tuples(names, mutated(ROWS, max_changes=3), st.sampled_from(["csv", "csv", "xlsx"])),
                min_size=1, max_size=3))
def test_any_snapshot_folder_loads_or_is_refused_by_name(files):
    with tempfile.TemporaryDirectory() as d, mock.patch.dict(os.environ, {"CAREQUALITY_CACHE": "off"}):
        folder = Path(d)
        for i, (name, rows, kind) in enumerate(files):
            write_sheet(folder / f"{name}_{i}.{kind}", rows, "Locations", kind)
        snaps = allowed(load_snapshot_folder, folder)
    if snaps is not None:
        dates = [s.as_of for s in snaps.snapshots]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert snaps.history.locations_all["location_id"].is_unique
