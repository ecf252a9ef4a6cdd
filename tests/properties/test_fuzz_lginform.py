"""Property: an LG Inform-style export with any cells changed loads to a valid series, or is refused by name."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.lginform import load_lginform_csv
from fuzz import FUZZ, load_mutated

HEADER = ["area_code", "area_name", "period", "indicator", "measure", "unit", "value"]
ROWS = [HEADER] + [[code, name, period, "Care homes rated good or outstanding", "Percentage", "%", value]
                   for code, name in (("E08000009", "Trafford"), ("E92000001", "England"))
                   for period, value in (("Nov 2023", "81.5"), ("Dec 2023", ""), ("2024-01", "82"))]


@FUZZ
@given(st.data())
def test_any_export_loads_or_is_refused_by_name(data):
    series = load_mutated(data, load_lginform_csv, ROWS, name="lginform", kinds=("csv", "csv", "xlsx"))
    if series is not None:
        values = series.frame["value"]
        assert values.dtype == "float64" and all(math.isnan(v) or math.isfinite(v) for v in values)
        assert not series.frame.duplicated(["area_code", "month", "indicator"]).any()
