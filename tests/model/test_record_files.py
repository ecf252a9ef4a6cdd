"""The council's records joined to CQC's data (issue 19, part B): the nearest known id beside an unknown one, dates after
the data's end listed, and `carequality check` saying what a render will do with each file, every problem at once."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from carequality.cli import main
from carequality.model.records import nearest_known_id
from conftest import ROOT

EXAMPLE = ROOT / "data" / "example"
KNOWN = {"1-900023757", "1-900015838", "1-900031676", "1-117886088"}


@pytest.mark.parametrize("typed, council, expected", [
    ("1-900023775", set(), "1-900023757"),            # two digits swapped: one slip (Damerau–Levenshtein)
    ("1-90002375", set(), "1-900023757"),             # a digit dropped
    ("1-900031667", set(), "1-900031676"),
    ("1-117886008", set(), "1-117886088"),            # a digit changed
    ("1-555555555", set(), None),                     # nothing near
    # the council's own files first: an id in the risk register two slips away beats a CQC id one slip away
    ("1-900023700", {"1-900023757"}, "1-900023757"),
])
def test_the_nearest_known_id(typed, council, expected):
    known = KNOWN | {"1-900023701"} if typed == "1-900023700" else KNOWN
    assert nearest_known_id(typed, council, known) == expected


def _params(tmp_path, inputs: dict, **options) -> str:
    shutil.copy(EXAMPLE / "cqc_ratings_example.csv", tmp_path / "cqc.csv")
    data = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "cqc.csv", **inputs}}
    if options:
        data["options"] = options
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    return str(tmp_path / "p.yaml")


def test_check_reports_a_mistyped_id_an_extra_column_and_a_blank_row_at_once(tmp_path, capsys):
    shutil.copy(EXAMPLE / "risk_register_example.xlsx", tmp_path / "risk.xlsx")
    (tmp_path / "com.csv").write_text(
        "location_id,Provider name,service_type,funded_clients\n"
        "1-900015838,Acme Care,Residential care (working age),11\n"
        "1-900023775,Beech House,Residential care (older people),22\n"
        ",,,\n"
        "1-900031676,Cedars,Nursing care (older people),16\n")
    assert main(["check", _params(tmp_path, {"commissioned_services": "com.csv", "risk_register": "risk.xlsx"})]) == 0
    out = capsys.readouterr().out
    assert "commissioned_services (com.csv): 3 rows read" in out
    assert "  row 4: a blank row, set aside" in out
    assert "  column 'Provider name' (B) is not one the report reads: kept aside, not used" in out
    assert ("  row 3: 1-900023775: location id not found in CQC's data (nearest known id: 1-900023757, as in "
            "risk.xlsx row 3)") in out


def test_check_lists_every_problem_in_every_file_and_exits_2(tmp_path, capsys):
    (tmp_path / "com.csv").write_text("Location_ID,service_type,funded_clients\n1-900015838,Home care,lots\n"
                                      "1-900023757,Home care,12.5\n")
    (tmp_path / "visits.csv").write_text("location_id,visit_date,visit_type,outcome\n"
                                         "1-900015838,01/04/2025,announced,\n1-900015838,04/25/2025,announced,\n"
                                         "1-900015838,2052-06-03,unannounced,\n")
    assert main(["check", _params(tmp_path, {"commissioned_services": "com.csv", "qa_visits": "visits.csv"})]) == 2
    err = capsys.readouterr().err
    assert "4 problems, all to fix before the report can run" in err
    for where in ("com.csv, row 2, column 'funded_clients': 'lots'", "com.csv, row 3, column 'funded_clients': '12.5'",
                  "visits.csv, row 3, column 'visit_date': '04/25/2025' is only valid as MM/DD/YYYY",
                  "visits.csv, row 4, column 'visit_date': 2052-06-03 is after the day of this run"):
        assert where in err, where
    assert "Traceback" not in err


def test_a_date_after_the_period_and_the_cqc_data_is_kept_and_listed(tmp_path):
    from carequality.model.build import build_model
    from carequality.params import load_params

    (tmp_path / "visits.csv").write_text("location_id,visit_date,visit_type,outcome\n"
                                         "1-900015838,2025-06-01,announced,\n1-900015838,2026-11-02,announced,\n")
    p = load_params(_params(tmp_path, {"qa_visits": "visits.csv"}))
    m = build_model(p, today=dt.date(2026, 12, 8))
    assert len(m.records.visits_by_location_date) == 2
    dq = m.data_quality[m.data_quality["file"] == "visits.csv"]
    assert dq["row"].tolist() == [3]
    assert dq["issue"].iloc[0].startswith("visit_date 2026-11-02 is after the period end and the CQC data's date")


def test_records_read_month_first_and_from_a_named_sheet_when_the_params_say_so(tmp_path):
    import xlsxwriter

    from carequality.model.build import build_model
    from carequality.params import load_params

    wb = xlsxwriter.Workbook(str(tmp_path / "visits.xlsx"))
    wb.add_worksheet("Read me").write(0, 0, "Visits this year")
    ws = wb.add_worksheet("Sheet1")
    for i, row in enumerate([["location_id", "visit_date", "visit_type", "outcome"],
                             ["1-900015838", "04/25/2025", "announced", ""]]):
        ws.write_row(i, 0, row)
    wb.close()
    p = load_params(_params(tmp_path, {"qa_visits": "visits.xlsx"}, records_date_order="month-first",
                            record_sheets={"qa_visits": "Sheet1"}))
    m = build_model(p, today=dt.date(2026, 12, 8))
    assert m.records.visits_by_location_date["visit_date"].tolist() == [dt.datetime(2025, 4, 25)]
