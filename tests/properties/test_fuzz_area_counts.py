"""Property: a ratings-counts file (area × month × category) with any cells changed loads, or is refused by name."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.area_counts import load_area_counts
from fuzz import EXAMPLE, FUZZ, allowed, encoded, mutated, read_csv_rows, write_sheet

ROWS = read_csv_rows(EXAMPLE / "area_ratings_by_month_example.csv", 7)


@FUZZ
@given(st.data())
def test_any_counts_file_loads_or_is_refused_by_name(data):
    kind = data.draw(st.sampled_from(["csv", "csv", "xlsx"]))
    rows = data.draw(mutated(ROWS, header=data.draw(st.booleans())))
    raw = data.draw(encoded(rows)) if kind == "csv" else None
    with tempfile.TemporaryDirectory() as d:
        counts = allowed(load_area_counts, write_sheet(Path(d) / f"counts.{kind}", rows, "Sheet1", kind, raw))
    if counts is not None:
        assert (counts["active"] == counts[["outstanding", "good", "requires_improvement", "inadequate",
                                            "not_graded"]].sum(axis=1)).all()
        assert not counts.duplicated(["month", "area_code", "category"]).any()
