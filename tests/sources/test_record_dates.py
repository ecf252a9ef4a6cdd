"""The council's own records read dates one way, said once (issue 19): day-first unless params say month-first;
a date only valid the other way is refused with its rows, never a reason to switch; two-digit years read in the
period's century; dates after the day of the run refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carequality.errors import CombinedInputError, InputError
from carequality.sources import council_records as cr
from carequality.sources.dates import DateReading, read_record_dates

VISITS = ["location_id", "visit_date", "visit_type", "outcome"]


def read(values, reading=DateReading()):
    rows = list(range(2, 2 + len(values)))
    return read_record_dates(pd.Series(values, dtype=object), rows, file="v.csv", column="visit_date", reading=reading)


def visits(write_csv, *dates):
    return write_csv([VISITS] + [["1-100000001", d, "announced" if i % 2 else "unannounced", ""]
                                 for i, d in enumerate(dates)], name="visits.csv")


def test_day_first_by_default_even_when_every_day_is_12_or_less(write_csv):
    frame = cr.load_qa_visits(visits(write_csv, "01/04/2025", "03/02/2025"))
    assert sorted(frame["visit_date"]) == [pd.Timestamp(2025, 2, 3), pd.Timestamp(2025, 4, 1)]


def test_one_us_date_never_switches_the_column_it_is_refused_with_its_row(write_csv):
    path = visits(write_csv, "01/04/2025", "04/25/2025", "02/05/2025", "05/30/2025")
    with pytest.raises(InputError) as e:
        cr.load_qa_visits(path)
    assert (e.value.row, e.value.column) == (3, "visit_date")
    msg = str(e.value)
    assert "'04/25/2025' on rows 3 and 5 and 1 other date(s) are only valid as MM/DD/YYYY" in msg
    assert "read day-first (DD/MM/YYYY)" in msg and "options.records_date_order: month-first" in msg


def test_month_first_when_the_council_says_so():
    out, errors = read(["04/25/2025", "01/04/2025"], DateReading(order="month-first"))
    assert not errors and list(out) == [pd.Timestamp(2025, 4, 25), pd.Timestamp(2025, 1, 4)]
    out, errors = read(["25/04/2025"], DateReading(order="month-first"))
    assert "only valid as DD/MM/YYYY" in errors[0].message and "set options.records_date_order: day-first" in errors[0].message


def test_two_digit_years_in_the_century_the_period_implies():
    out, errors = read(["01/04/25", "31/12/99", "2025-06-01"], DateReading(near_year=2026))
    assert not errors
    assert list(out) == [pd.Timestamp(2025, 4, 1), pd.Timestamp(1999, 12, 31), pd.Timestamp(2025, 6, 1)]
    _, errors = read(["01/04/25"])  # no period: refused, not guessed
    assert "'01/04/25' has a two-digit year" in errors[0].message


def test_a_date_after_the_day_of_the_run_or_before_the_earliest_is_refused():
    reading = DateReading(today=dt.date(2026, 12, 8), earliest=dt.date(1990, 1, 1))
    _, errors = read(["2025-06-03", "2052-06-03", "1925-06-03", dt.date(2030, 1, 1)], reading)
    assert [(e.row, e.message.split(";")[0]) for e in errors] == [
        (3, "2052-06-03 is after the day of this run (2026-12-08)"),
        (5, "2030-01-01 is after the day of this run (2026-12-08)"),
        (4, "1925-06-03 is before the earliest date the report uses (1990-01-01)"),
    ]


def test_every_bad_date_in_a_file_at_once(write_csv):
    path = visits(write_csv, "01/04/2025", "soon", "04/25/2025", "32/01/2025")
    with pytest.raises(CombinedInputError) as e:
        cr.load_qa_visits(path)
    assert sorted(err.row for err in e.value.errors) == [3, 4, 5]
    assert str(e.value).startswith("3 problems")


def test_the_date_order_is_a_validated_params_setting(tmp_path):
    from carequality.errors import ParamsError
    from carequality.params import parse_params

    base = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "r.csv"}}
    (tmp_path / "r.csv").write_text("x")
    p = parse_params(base | {"options": {"records_date_order": "month-first"}}, source="p.yaml", base_dir=tmp_path)
    assert p.options.records_date_order == "month-first"
    assert parse_params(base, source="p.yaml", base_dir=tmp_path).options.records_date_order == "day-first"
    with pytest.raises(ParamsError) as e:
        parse_params(base | {"options": {"records_date_order": "US"}}, source="p.yaml", base_dir=tmp_path)
    assert "options.records_date_order" in str(e.value) and "day-first" in str(e.value)


def test_a_sheet_is_named_only_for_a_council_file_that_is_given(tmp_path):
    from carequality.errors import ParamsError
    from carequality.params import parse_params

    (tmp_path / "r.csv").write_text("x")
    (tmp_path / "com.xlsx").write_text("x")
    base = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "r.csv", "commissioned_services": "com.xlsx"}}
    p = parse_params(base | {"options": {"record_sheets": {"commissioned_services": "Sheet1"}}}, source="p.yaml",
                     base_dir=tmp_path)
    assert p.options.record_sheets == {"commissioned_services": "Sheet1"}
    with pytest.raises(ParamsError) as e:
        parse_params(base | {"options": {"record_sheets": {"risk_register": "Sheet1"}}}, source="p.yaml", base_dir=tmp_path)
    assert "options.record_sheets names a sheet for risk_register, but inputs does not give that file" in str(e.value)
    with pytest.raises(ParamsError) as e:
        parse_params(base | {"options": {"record_sheets": {"cqc_ratings": "Sheet1"}}}, source="p.yaml", base_dir=tmp_path)
    assert "options.record_sheets" in str(e.value)
