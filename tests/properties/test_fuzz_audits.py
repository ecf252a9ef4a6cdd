"""Property: an audit file (CSV, XLSX or ODS) with any cells changed loads to a valid frame, with its notes dropped,
or is refused by name (file, row, column)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from carequality.sources import audits as a
from fuzz import EXAMPLE, FUZZ, load_mutated, read_csv_rows

ROWS = read_csv_rows(EXAMPLE / "audits_example.csv", 8)


@FUZZ
@given(data=st.data())
def test_any_audit_file_loads_without_its_notes_or_is_refused_by_name(data):
    dq: list[dict] = []
    frame = load_mutated(data, a.load_audits, ROWS, name="audits", sheet="audits", data_quality=dq)
    if frame is None:
        return
    assert "notes" not in frame.columns
    assert [*a.FIXED_COLUMNS, *a.PAMMS_DOMAINS, "row"] == list(frame.columns)
    assert frame["row"].is_unique and (frame["row"] >= 2).all()
    assert frame["overall_rating"].isin(a.PAMMS_SCALE).all() and frame["status"].isin(a.AUDIT_STATUSES).all()
    assert not frame.duplicated(["location_id", "audit_date"]).any()
    assert pd.api.types.is_datetime64_any_dtype(frame["audit_date"])
    assert all(set(r) == {"file", "row", "location_id", "issue"} for r in dq)
