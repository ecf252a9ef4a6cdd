"""Property: each council file (CSV, XLSX or ODS) with any cells changed loads to a valid frame, or is refused by
name (file, row, column); a cell longer than a spreadsheet holds is a data-quality row.

One test per property, run for every council file: what differs between the files (the loader, the example rows
the changes start from, what a valid frame holds) is the table RECORDS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carequality.sources import council_records as cr
from carequality.sources.tabular import read_sheet
from fuzz import EXAMPLE, FUZZ, load_mutated, read_csv_rows


def _risk_register_rows() -> list[list[str]]:
    """The header and first seven rows of the example risk register, as the text a spreadsheet shows."""
    sheet = read_sheet(EXAMPLE / "risk_register_example.xlsx", header_contains="case_ref", sheet="risk_register")
    return [list(sheet.frame.columns)] + [
        [v.isoformat()[:10] if hasattr(v, "isoformat") else str(v) for v in r]
        for r in sheet.frame.head(7).itertuples(index=False)
    ]


def _columns_in_format_order_then_row(name: str, frame: pd.DataFrame, dq: list[dict]) -> None:
    assert [c.name for c in cr.FORMATS[name].columns if c.name in frame.columns] + ["row"] == list(frame.columns)
    assert frame["row"].is_unique and (frame["row"] >= 2).all()
    assert all(set(r) == {"file", "row", "location_id", "issue"} for r in dq)


def _every_column_and_spells_close_after_they_open(name: str, frame: pd.DataFrame, dq: list[dict]) -> None:
    assert [c.name for c in cr.FORMATS[name].columns] + ["row"] == list(frame.columns)
    assert frame["row"].is_unique
    assert (frame["closed"].isna() | (frame["closed"] >= frame["opened"])).all()


@dataclass(frozen=True)
class Record:
    name: str  # the key in FORMATS, and the file and sheet name
    loader: Callable[..., pd.DataFrame]
    rows: list[list[str]]  # header and first rows of the example file
    check: Callable[[str, pd.DataFrame, list[dict]], None]  # what a loaded frame must satisfy


RECORDS = [
    Record("commissioned_services", cr.load_commissioned_services,
           read_csv_rows(EXAMPLE / "commissioned_services_example.csv", 8), _columns_in_format_order_then_row),
    Record("inspection_themes", cr.load_inspection_themes,
           read_csv_rows(EXAMPLE / "inspection_themes_example.csv", 8), _columns_in_format_order_then_row),
    Record("qa_visits", cr.load_qa_visits,
           read_csv_rows(EXAMPLE / "qa_visits_example.csv", 8), _columns_in_format_order_then_row),
    Record("theme_offers", cr.load_theme_offers,
           read_csv_rows(EXAMPLE / "theme_offers_example.csv", 8), _columns_in_format_order_then_row),
    Record("risk_register", cr.load_risk_register, _risk_register_rows(),
           _every_column_and_spells_close_after_they_open),
]
# Every council file format is fuzzed: a new one in FORMATS needs its row in RECORDS.
assert sorted(r.name for r in RECORDS) == sorted(cr.FORMATS), "RECORDS must list every council file format"


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
@FUZZ
@given(data=st.data())
def test_any_file_loads_or_is_refused_by_name(record, data):
    dq: list[dict] = []
    frame = load_mutated(data, record.loader, record.rows, name=record.name, sheet=record.name, data_quality=dq)
    if frame is not None:
        record.check(record.name, frame, dq)
