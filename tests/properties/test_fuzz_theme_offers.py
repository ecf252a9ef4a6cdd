"""Property: a theme offers file (CSV, XLSX or ODS) with any cells changed loads to a valid frame, or is refused by
name (file, row, column); a cell longer than a spreadsheet holds is a data-quality row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.council_records import FORMATS, load_theme_offers
from fuzz import EXAMPLE, FUZZ, allowed, encoded, mutated, read_csv_rows, write_sheet

ROWS = read_csv_rows(EXAMPLE / "theme_offers_example.csv", 8)
FORMAT = FORMATS["theme_offers"]


@FUZZ
@given(st.data())
def test_any_file_loads_or_is_refused_by_name(data):
    kind = data.draw(st.sampled_from(["csv", "csv", "xlsx", "ods"]))
    rows = data.draw(mutated(ROWS, header=data.draw(st.booleans())))
    raw = data.draw(encoded(rows)) if kind == "csv" else None
    dq: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        path = write_sheet(Path(d) / f"theme_offers.{kind}", rows, "theme_offers", kind, raw)
        frame = allowed(load_theme_offers, path, dq)
    if frame is not None:
        assert [c.name for c in FORMAT.columns if c.name in frame.columns] + ["row"] == list(frame.columns)
        assert frame["row"].is_unique and (frame["row"] >= 2).all()
        assert all(set(r) == {"file", "row", "location_id", "issue"} for r in dq)
