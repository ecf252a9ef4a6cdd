"""LG Inform-style exports (sources/lginform.py): the real Trafford file and deliberately broken copies."""

from __future__ import annotations

import csv
import math
from statistics import mean

import pytest

from carequality.measures import compare as bm
from carequality import areas
from carequality.councils import council_by_code
from carequality.errors import InputError
from carequality.sources.lginform import load_lginform_csv, parse_month
from carequality.sources.neighbours import load_comparator_list

HEADER = "area_code,area_name,period,indicator,measure,unit,value\n"
GOOD = "E08000009,Trafford,Nov 2023,Percentage of care homes rated overall as good or outstanding,Percentage,Care Homes,87.3\n"


@pytest.fixture
def trafford(shared_data):
    return shared_data / "cqc" / "derived" / "trafford_themes_care_homes_rating.csv"


def test_real_trafford_export_loads_every_row(trafford):
    s = load_lginform_csv(trafford)
    with open(trafford, encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f))
    assert len(s.frame) == len(raw) == 510
    assert s.frame["area_code"].nunique() == 17 and s.frame["month"].nunique() == 30
    assert s.indicators == ["Percentage of care homes rated overall as good or outstanding"]
    assert (s.frame["month"].min(), s.frame["month"].max()) == ("2023-11", "2026-04")
    got = {(r.area_code, r.period): r.value for r in s.frame.itertuples()}
    assert all(got[(r["area_code"], r["period"])] == float(r["value"]) for r in raw)
    assert s.missing == 0 and s.as_of.date().isoformat() == "2026-04-01"


def test_trafford_peer_average_equals_a_plain_average_of_the_raw_values(trafford, shared_data):
    s = load_lginform_csv(trafford)
    codes = load_comparator_list(shared_data / "reference" / "neighbours" / "trafford_nhsennpg.csv")
    trafford_c = council_by_code("E08000009")
    peers = areas.peer_group("NHS England near neighbours", codes, council=trafford_c.ons_code, source="file")
    comp = bm.external_comparison(s.frame, indicator=s.indicators[0], council=trafford_c, peers=peers)
    with open(trafford, encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f))
    for period, month in (("Nov 2023", "2023-11"), ("Apr 2026", "2026-04")):
        values = [float(r["value"]) for r in raw if r["period"] == period and r["area_code"] in codes]
        assert len(values) == 15
        got = comp[(comp["month"] == month) & (comp["area_type"] == areas.PEERS)]["value"].item()
        assert got == pytest.approx(mean(values), abs=0.05)
        own = comp[(comp["month"] == month) & (comp["area_type"] == areas.COUNCIL)]["value"].item()
        assert own == next(float(r["value"]) for r in raw if r["period"] == period and r["area_name"] == "Trafford")
    assert set(comp["area_type"]) == {areas.COUNCIL, areas.PEERS, areas.ENGLAND}


@pytest.mark.parametrize("text, month", [("Nov 2023", "2023-11"), ("November 2023", "2023-11"),
                                         ("Sept 2024", "2024-09"), ("2024-02", "2024-02"), ("2022/23", None),
                                         ("Novem 2023", None), ("2024-13", None)])
def test_parse_month(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize("line, message, column", [
    ("E08000009,Trafford,Q3 2023,x,Percentage,Care Homes,80\n", "'Q3 2023' is not a month", "period"),
    ("E08000009,Trafford,Dec 2023,x,Percentage,Care Homes,eighty\n", "'eighty' is not a number", "value"),
    ("E08000009,Trafford,Dec 2023,x,Percentage,Care Homes,180\n", "not a percentage", "value"),
    ("E08000009,Stockport,Dec 2023,x,Percentage,Care Homes,80\n", "does not match area code E08000009", "area_name"),
    ("Trafford,Trafford,Dec 2023,x,Percentage,Care Homes,80\n", "not an ONS area code", "area_code"),
    ("E08000009,Trafford,Nov 2023,Percentage of care homes rated overall as good or outstanding,Percentage,Care Homes,80\n",
     "also on row 2", "period"),
    ("E08000009,Trafford,Dec 2023,,Percentage,Care Homes,80\n", "blank indicator", "indicator"),
])
def test_broken_exports_name_file_row_and_column(tmp_path, line, message, column):
    f = tmp_path / "lg.csv"
    f.write_text(HEADER + GOOD + line)
    with pytest.raises(InputError) as e:
        load_lginform_csv(f)
    assert message in e.value.message
    assert (e.value.row, e.value.column) == (3, column)
    assert str(f) in str(e.value)


def test_missing_columns_and_empty_files(tmp_path):
    f = tmp_path / "lg.csv"
    f.write_text("area_code,area_name,period,value\nE08000009,Trafford,Nov 2023,80\n")
    with pytest.raises(InputError, match="missing column\\(s\\) indicator, measure, unit"):
        load_lginform_csv(f)
    f.write_text(HEADER)
    with pytest.raises(InputError, match="no data rows"):
        load_lginform_csv(f)


def test_suppressed_values_are_kept_as_missing_not_zero(tmp_path):
    f = tmp_path / "lg.csv"
    f.write_text(HEADER + GOOD + "E08000009,Trafford,Dec 2023,Percentage of care homes rated overall as good or "
                                 "outstanding,Percentage,Care Homes,..\n")
    s = load_lginform_csv(f)
    assert len(s.frame) == 2 and s.missing == 1
    assert math.isnan(s.frame.set_index("month").loc["2023-12", "value"])


def test_a_column_given_twice_is_refused_naming_both_letters(write_csv):
    from carequality.errors import InputError
    from carequality.sources.lginform import load_lginform_csv

    rows = [["area_code", "area_name", "period", "indicator", "measure", "unit", "value", "value"],
            ["E08000009", "Trafford", "Nov 2023", "Good or outstanding", "Percentage", "%", "80", "81"]]
    with pytest.raises(InputError) as e:
        load_lginform_csv(write_csv(rows))
    assert e.value.row == 1 and "column(s) 'value' (columns G and H) appear more than once" in e.value.message


@pytest.mark.parametrize("value", ["1e999", "inf", "nan", "1_000"])
def test_a_value_no_number_can_hold_is_not_a_number(write_csv, value):
    from carequality.errors import InputError
    from carequality.sources.lginform import load_lginform_csv

    rows = [["area_code", "area_name", "period", "indicator", "measure", "unit", "value"],
            ["E08000009", "Trafford", "Nov 2023", "Good or outstanding", "Count", "n", value]]
    with pytest.raises(InputError) as e:
        load_lginform_csv(write_csv(rows))
    assert (e.value.row, e.value.column) == (2, "value") and "is not a number" in e.value.message
