"""Property: a ratings-counts file (area × month × category) with any cells changed loads, or is refused by name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.area_counts import load_area_counts
from fuzz import EXAMPLE, FUZZ, load_mutated, read_csv_rows

ROWS = read_csv_rows(EXAMPLE / "area_ratings_by_month_example.csv", 7)


@FUZZ
@given(st.data())
def test_any_counts_file_loads_or_is_refused_by_name(data):
    counts = load_mutated(data, load_area_counts, ROWS, name="counts", kinds=("csv", "csv", "xlsx"))
    if counts is not None:
        assert (counts["active"] == counts[["outstanding", "good", "requires_improvement", "inadequate",
                                            "not_graded"]].sum(axis=1)).all()
        assert not counts.duplicated(["month", "area_code", "category"]).any()
