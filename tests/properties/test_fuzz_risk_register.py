"""Property: a risk register (CSV, XLSX or ODS) with any cells changed loads to a valid frame, or is refused by
name (file, row, column); a cell longer than a spreadsheet holds is a data-quality row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.council_records import FORMATS, load_risk_register
from carequality.sources.tabular import read_sheet
from fuzz import EXAMPLE, FUZZ, allowed, encoded, mutated, write_sheet

_SHEET = read_sheet(EXAMPLE / "risk_register_example.xlsx", header_contains="case_ref", sheet="risk_register")
ROWS = [list(_SHEET.frame.columns)] + [
    [v.isoformat()[:10] if hasattr(v, "isoformat") else str(v) for v in r] for r in _SHEET.frame.head(7).itertuples(index=False)
]
FORMAT = FORMATS["risk_register"]


@FUZZ
@given(st.data())
def test_any_file_loads_or_is_refused_by_name(data):
    kind = data.draw(st.sampled_from(["csv", "csv", "xlsx", "ods"]))
    rows = data.draw(mutated(ROWS, header=data.draw(st.booleans())))
    raw = data.draw(encoded(rows)) if kind == "csv" else None
    dq: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        path = write_sheet(Path(d) / f"risk_register.{kind}", rows, "risk_register", kind, raw)
        frame = allowed(load_risk_register, path, dq)
    if frame is not None:
        assert [c.name for c in FORMAT.columns] + ["row"] == list(frame.columns)
        assert frame["row"].is_unique
        assert (frame["closed"].isna() | (frame["closed"] >= frame["opened"])).all()
