"""The council's QA record loaders: CSV and XLSX, the templates, the example, and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from carequality.cli import main as cli_main
from carequality.errors import CombinedInputError, InputError
from carequality.examples.records import FILES as EXAMPLE_FILES, UNKNOWN_IDS, example_records
from carequality.examples.files import write_csv, write_xlsx
from carequality.sources import council_records as cr
from conftest import EXAMPLE_PARAMS, LINCOLNSHIRE_CSV, ROOT
from spreadsheets import write_xlsx as raw_xlsx

TEMPLATES = ROOT / "templates" / "inputs"
EXAMPLE = ROOT / "data" / "example"

GOOD_RISK = ["case_ref", "location_id", "risk_level", "opened", "closed", "lead_authority", "funded_residents",
             "concerns", "actions", "placements_suspended"]


def raised(fn, *args) -> InputError:
    with pytest.raises(InputError) as e:
        fn(*args)
    return e.value


# ---- templates and example ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(cr.FORMATS))
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_blank_templates_load_as_empty_frames_with_the_format_columns(name, suffix):
    frame = cr.read_records(TEMPLATES / f"{name}.{suffix}", cr.FORMATS[name])
    assert frame.empty
    assert list(frame.columns) == [c.name for c in cr.FORMATS[name].columns] + ["row"]


def test_templates_are_what_the_script_writes(tmp_path):
    import runpy

    runpy.run_path(str(TEMPLATES / "make_templates.py"), run_name="not_main")["write_templates"](tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in TEMPLATES.iterdir() if p.suffix in (".csv", ".xlsx"))
    assert written == committed
    for name in written:
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


def test_example_records_are_what_the_generator_writes(tmp_path):
    from carequality.examples.records import write_example_records

    for p in write_example_records(tmp_path):
        assert hashlib.sha256(p.read_bytes()).digest() == hashlib.sha256((EXAMPLE / p.name).read_bytes()).digest(), p.name


def test_example_files_load_with_every_row():
    records = example_records()
    for name, (file, _) in EXAMPLE_FILES.items():
        attr, loader = cr.LOADERS[name]
        frame = loader(EXAMPLE / file)
        assert len(frame) == len(records[name]), name
    com = cr.load_commissioned_services(EXAMPLE / EXAMPLE_FILES["commissioned_services"][0])
    assert UNKNOWN_IDS[0] in set(com["location_id"])


def test_example_model_lists_the_unknown_location_ids_under_data_quality():
    from carequality.model.build import build_model
    from carequality.params import load_params

    m = build_model(load_params(EXAMPLE_PARAMS))
    dq = m.data_quality
    assert set(UNKNOWN_IDS) <= set(dq["location_id"])
    row = dq[dq["location_id"] == UNKNOWN_IDS[0]].iloc[0]
    assert row["file"] == "commissioned_services_example.csv"
    assert "not found in CQC's data" in row["issue"]
    as_of = {i.name: i.as_of for i in m.inputs}
    assert as_of["commissioned_services"] == "2026-03-31" and as_of["commissioned_services_previous"] == "2025-03-31"
    visits = cr.load_qa_visits(EXAMPLE / EXAMPLE_FILES["qa_visits"][0])
    assert as_of["qa_visits"] == visits["visit_date"].max().date().isoformat()
    assert as_of["theme_offers"] is None  # no dates in it


# ---- CSV and XLSX read the same --------------------------------------------------------------------------


def risk_rows() -> list[dict]:
    return [
        {"case_ref": "C1", "location_id": "1-117886088", "risk_level": 2, "opened": dt.date(2025, 1, 6),
         "closed": dt.date(2025, 5, 1), "funded_residents": 4, "concerns": "=HYPERLINK(\"x\")", "actions": "Plan agreed",
         "placements_suspended": False},
        {"case_ref": "C1", "location_id": "1-117886088", "risk_level": 3, "opened": dt.date(2025, 5, 1),
         "funded_residents": 1234, "lead_authority": "Leeds", "placements_suspended": True},
    ]


def test_xlsx_and_csv_give_the_same_frame(tmp_path):
    a = cr.load_risk_register(write_csv(tmp_path / "r.csv", cr.RISK_REGISTER, risk_rows()))
    b = cr.load_risk_register(write_xlsx(tmp_path / "r.xlsx", cr.RISK_REGISTER, risk_rows()))
    pd.testing.assert_frame_equal(a, b)
    assert a["risk_level"].tolist() == [2, 3]
    assert a["closed"].isna().tolist() == [False, True]
    assert a["placements_suspended"].tolist() == [False, True]
    assert a["concerns"].iloc[0] == '=HYPERLINK("x")'  # data, kept as text (Table escapes and neutralises it)


def test_surrounding_spaces_trailing_blank_rows_and_optional_columns(write_csv):
    path = write_csv([
        ["location_id", " service_type ", "funded_clients"],
        ["  1-117886088 ", " Home care ", " 1,234 "],
        ["1-100000001", "Care home", "3"],
        ["", "", ""],
        ["", "", ""],
    ])
    frame = cr.load_commissioned_services(path)
    assert frame["location_id"].tolist() == ["1-100000001", "1-117886088"]
    assert frame["funded_clients"].tolist() == [3, 1234]
    assert frame["row"].tolist() == [3, 2]
    assert frame["contract_type"].tolist() == ["", ""] and frame["annual_spend"].isna().all()


def test_money_accepts_pounds_and_commas(write_csv):
    frame = cr.load_commissioned_services(write_csv([
        ["location_id", "service_type", "funded_clients", "annual_spend"],
        ["1-100000001", "Home care", "3", "£125,000.50"],
    ]))
    assert frame["annual_spend"].tolist() == [125000.5]


def test_visit_types_are_matched_ignoring_capitals(write_csv):
    frame = cr.load_qa_visits(write_csv([
        ["location_id", "visit_date", "visit_type", "outcome"],
        ["1-100000001", "2025-06-01", "Welfare  Check", "Fine"],
        ["1-100000001", "2025-06-02", "UNANNOUNCED", ""],
    ]))
    assert frame["visit_type"].tolist() == ["welfare check", "unannounced"]


# ---- every way a file can be wrong: file, row, column and what was expected ----------------------------


def com_file(write_csv, *rows, header=("location_id", "service_type", "funded_clients")):
    return write_csv([list(header), *[list(r) for r in rows]], name="com.csv")


@pytest.mark.parametrize("cells, column, expected", [
    (("1117886088", "Home care", "3"), "location_id", "CQC location id"),
    (("", "Home care", "3"), "location_id", "blank cell"),
    (("1-100000001", "", "3"), "service_type", "blank cell"),
    (("1-100000001", "Home care", "three"), "funded_clients", "whole number"),
    (("1-100000001", "Home care", "-1"), "funded_clients", "whole number"),
    (("1-100000001", "Home care", "2.5"), "funded_clients", "whole number"),
])
def test_bad_cells_name_file_row_and_column(write_csv, cells, column, expected):
    path = com_file(write_csv, ("1-100000002", "Care home", "4"), cells)
    e = raised(cr.load_commissioned_services, path)
    assert (Path(e.file).name, e.row, e.column) == ("com.csv", 3, column)
    assert expected in str(e)
    assert "expected" in e.message


def test_bad_money(write_csv):
    e = raised(cr.load_commissioned_services, com_file(
        write_csv, ("1-100000002", "Care home", "4", "lots"),
        header=("location_id", "service_type", "funded_clients", "annual_spend")))
    assert (e.row, e.column) == (2, "annual_spend") and "amount in pounds" in e.message


def test_missing_unknown_and_repeated_columns(write_csv):
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000002", "Care home"),
                                                       header=("location_id", "service_type")))
    assert "missing column(s) 'funded_clients'" in e.message
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000002", "Care home", "4"),
                                                       header=("location_id", "service_typ", "funded_clients")))
    assert "missing column(s) 'service_type'" in e.message and "the file also has 'service_typ', not read" in e.message
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000002", "Care home", "4", "5"),
                                                       header=("location_id", "service_type", "funded_clients", "funded_clients")))
    assert "more than once" in e.message


def test_no_header_row(write_csv):
    e = raised(cr.load_commissioned_services, write_csv([["Loc", "Type"], ["1-100000002", "Care home"]]))
    assert "no header row with a 'location_id' column" in e.message


def test_a_blank_row_inside_the_data_is_set_aside_and_said(write_csv):
    report = cr.FileReport(Path("com.csv"))
    frame = cr.load_commissioned_services(com_file(write_csv, ("1-100000002", "Care home", "4"), ("", "", ""),
                                                   ("1-100000003", "Care home", "4")), report=report)
    assert frame["row"].tolist() == [2, 4]
    assert report.set_aside == [(3, "a blank row")] and report.rows_read == 2


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "records.pdf"
    path.write_bytes(b"%PDF-1.4")
    e = raised(cr.load_commissioned_services, path)
    assert "unsupported file type" in e.message


def test_bad_risk_level_yes_no_date_and_visit_type(write_csv):
    def risk(**change):
        row = {"case_ref": "C1", "location_id": "1-100000001", "risk_level": "2", "opened": "2025-01-06",
               "closed": "", "lead_authority": "", "funded_residents": "", "concerns": "", "actions": "",
               "placements_suspended": "N"} | change
        return write_csv([GOOD_RISK, [row[c] for c in GOOD_RISK]], name="risk.csv")

    e = raised(cr.load_risk_register, risk(risk_level="5"))
    assert (e.row, e.column) == (2, "risk_level") and "1, 2, 3 or 4" in e.message
    e = raised(cr.load_risk_register, risk(placements_suspended="maybe"))
    assert (e.row, e.column) == (2, "placements_suspended") and "Y or N" in e.message
    e = raised(cr.load_risk_register, risk(opened="next week"))
    assert (e.row, e.column) == (2, "opened") and "not a date" in e.message
    e = raised(cr.load_risk_register, risk(opened=""))
    assert (e.row, e.column) == (2, "opened") and "blank cell" in e.message
    visits = write_csv([["location_id", "visit_date", "visit_type", "outcome"],
                        ["1-100000001", "2025-06-01", "drop-in", ""]], name="visits.csv")
    e = raised(cr.load_qa_visits, visits)
    assert (e.row, e.column) == (2, "visit_type") and "announced, unannounced, contract monitoring, welfare check" in e.message


def test_xlsx_errors_name_the_spreadsheet_row(tmp_path):
    path = raw_xlsx(tmp_path / "com.xlsx", [["location_id", "service_type", "funded_clients"],
                                             ["1-100000001", "Home care", 3], ["1-100000002", "Home care", 2.5]],
                    sheet="commissioned_services")
    e = raised(cr.load_commissioned_services, path)
    assert (Path(e.file).name, e.row, e.column) == ("com.xlsx", 3, "funded_clients")


def test_xlsx_with_several_sheets_needs_the_named_one(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "hello")
    wb.add_worksheet("Data").write_row(0, 0, ["location_id", "service_type", "funded_clients"])
    wb.close()
    e = raised(cr.load_commissioned_services, path)
    assert "no sheet named 'commissioned_services'" in e.message


# ---- validators, one rule each -------------------------------------------------------------------------


def test_check_unique_one_row_per_location(write_csv):
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000002", "Care home", "4"),
                                                       ("1-100000003", "Care home", "1"), ("1-100000002", "Care home", "2")))
    assert e.row == 4 and "same location as row 2" in e.message


def test_check_one_spelling(write_csv):
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000002", "Home care", "4"),
                                                       ("1-100000003", "home  care", "1")))
    assert (e.row, e.column) == (3, "service_type") and "spelt 'Home care' in row 2" in e.message


def risk_file(write_csv, *rows):
    """A risk register CSV of GOOD_RISK's header and `rows`: case_ref, location_id, risk_level, opened, closed and
    placements_suspended (the other columns blank)."""
    return write_csv([GOOD_RISK] + [[case, loc, level, opened, closed, "", "", "", "", suspended]
                                    for case, loc, level, opened, closed, suspended in rows])


def test_check_closed_after_opened(write_csv):
    e = raised(cr.load_risk_register, risk_file(write_csv, ("C1", "1-100000001", "2", "2025-03-01", "2025-02-01", "N")))
    assert (e.row, e.column) == (2, "closed") and "before opened" in e.message


def test_check_case_has_one_location(write_csv):
    e = raised(cr.load_risk_register, risk_file(write_csv, ("C1", "1-100000001", "2", "2025-01-01", "2025-02-01", "N"),
                                                ("C1", "1-100000009", "3", "2025-02-01", "", "Y")))
    assert (e.row, e.column) == (3, "location_id") and "one location per case" in e.message


def test_check_spells_do_not_overlap(write_csv):
    e = raised(cr.load_risk_register, risk_file(write_csv, ("C1", "1-100000001", "2", "2025-01-01", "", "N"),
                                                ("C1", "1-100000001", "3", "2025-02-01", "", "Y")))
    assert (e.row, e.column) == (3, "opened") and "still open" in e.message


def test_a_level_change_on_the_closing_day_is_not_an_overlap(write_csv):
    frame = cr.load_risk_register(risk_file(write_csv, ("C1", "1-100000001", "3", "2025-02-01", "", "Y"),
                                            ("C1", "1-100000001", "2", "2025-01-01", "2025-02-01", "N")))
    assert frame["risk_level"].tolist() == [2, 3]


def test_theme_offers_one_row_per_theme_ignoring_capitals(write_csv):
    e = raised(cr.load_theme_offers, write_csv([["theme", "offer"], ["Medication", "A"], ["medication ", "B"]]))
    assert e.row == 3 and "same theme as row 2" in e.message
    assert e.column == "theme"  # the file's column, not the key the loader matches on


def test_duplicate_visit(write_csv):
    e = raised(cr.load_qa_visits, write_csv([["location_id", "visit_date", "visit_type", "outcome"],
                                             ["1-100000001", "2025-06-01", "announced", ""],
                                             ["1-100000001", "2025-06-01", "Announced", "x"]]))
    assert e.row == 3 and "same location, date and visit type as row 2" in e.message


# ---- the command line: exit 2 with file, row and column -------------------------------------------------


def test_check_command_reports_a_bad_council_file_and_exits_2(tmp_path, capsys):
    import shutil

    import yaml

    for name in ("cqc_ratings_example.csv",):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    (tmp_path / "com.csv").write_text("location_id,service_type,funded_clients\n1-100000001,Home care,lots\n")
    params = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
              "inputs": {"cqc_ratings": "cqc_ratings_example.csv", "commissioned_services": "com.csv"}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(params))
    assert cli_main(["check", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "com.csv, row 2, column 'funded_clients': 'lots' is not a whole number; expected a whole number" in err
    assert "Traceback" not in err


# ---- real CQC data: commissioned ids from Lincolnshire's file --------------------------------------------


@pytest.mark.shared
def test_real_lincolnshire_locations_join_and_unknown_ids_are_listed(shared_data, tmp_path):
    import yaml

    from carequality.model.build import build_model
    from carequality.params import load_params
    from carequality.sections import qa

    ids = pd.read_csv(LINCOLNSHIRE_CSV, dtype=str, usecols=["Location ID", "Location Type"])
    ids = sorted(set(ids.loc[ids["Location Type"] == "Social Care Org", "Location ID"]))[:40]
    rows = [[i, "Care home" if k % 2 else "Home care", str(k + 1)] for k, i in enumerate(ids)] + [["1-999999999", "Home care", "2"]]
    with open(tmp_path / "com.csv", "w") as f:
        f.write("location_id,service_type,funded_clients\n" + "".join(",".join(r) + "\n" for r in rows))
    params = {"council": {"code": "E10000019", "name": "Lincolnshire"},
              "period": {"start": "2025-06-01", "end": "2026-05-31"},
              "inputs": {"cqc_ratings": str(LINCOLNSHIRE_CSV), "commissioned_services": "com.csv"}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(params))
    p = load_params(tmp_path / "p.yaml")
    m = build_model(p)
    assert m.data_quality[m.data_quality["file"] == "com.csv"]["location_id"].tolist() == ["1-999999999"]
    t = qa.commissioned_by_rating(m, p).table("commissioned_by_rating").frame
    assert t["Number of locations"].tolist()[1:] == [40, 0]
    assert t["Number of locations"].iloc[0] == len(m.locations)


# ---- bad input that must not slip past (issue 13) ---------------------------------------------------------

def test_a_count_too_large_for_an_integer_column_names_the_cell(write_csv):
    e = raised(cr.load_commissioned_services, write_csv([["location_id", "service_type", "funded_clients"],
                                                          ["1-100000001", "Home care", "1" + "0" * 30]]))
    assert (e.row, e.column) == (2, "funded_clients") and "is too large (more than 999,999,999)" in e.message


def test_an_amount_too_large_names_the_cell(write_csv):
    e = raised(cr.load_commissioned_services, write_csv([["location_id", "service_type", "funded_clients", "annual_spend"],
                                                          ["1-100000001", "Home care", "3", "9" * 400]]))
    assert (e.row, e.column) == (2, "annual_spend") and "is too large" in e.message


def test_digits_that_are_not_ascii_are_not_a_count(write_csv):
    e = raised(cr.load_commissioned_services, write_csv([["location_id", "service_type", "funded_clients"],
                                                          ["1-100000001", "Home care", "²"]]))
    assert e.column == "funded_clients" and "not a whole number" in e.message


@pytest.mark.parametrize("value", ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!"])
def test_a_spreadsheet_error_value_is_an_error_naming_the_cell_never_a_blank(tmp_path, value):
    import xlsxwriter

    path = tmp_path / "commissioned_services.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("commissioned_services")
    ws.write_row(0, 0, ["location_id", "service_type", "funded_clients", "contract_type"])
    ws.write_row(1, 0, ["1-100000001", "Home care", "3"])
    ws.write_formula(1, 3, "=1/0", None, value)  # an optional column that may be blank: still not read as blank
    wb.close()
    e = raised(cr.load_commissioned_services, path)
    assert (e.row, e.column) == (2, "contract_type") and f"the spreadsheet error value {value}" in e.message


def test_error_value_text_in_a_csv_is_an_error_too(write_csv):
    e = raised(cr.load_qa_visits, write_csv([["location_id", "visit_date", "visit_type", "outcome"],
                                              ["1-100000001", "2025-06-01", "announced", "#N/A"]]))
    assert (e.row, e.column) == (2, "outcome") and "#N/A" in e.message


def test_a_data_column_without_a_header_is_an_error_naming_its_letter(write_csv):
    e = raised(cr.load_qa_visits, write_csv([["location_id", "visit_date", "visit_type", "outcome", ""],
                                              ["1-100000001", "2025-06-01", "announced", "", "ring back"]]))
    assert e.row == 2 and "column E has data ('ring back' on row 2) but no header" in e.message


def test_a_cell_longer_than_a_spreadsheet_holds_is_a_data_quality_row(tmp_path, write_csv):
    path = write_csv([["case_ref", "location_id", "risk_level", "opened", "closed", "lead_authority",
                       "funded_residents", "concerns", "actions", "placements_suspended"],
                      ["QA-1", "1-100000001", "3", "2025-06-02", "", "", "", "x" * 40_000, "", "N"]])
    records = cr.load_council_records({"risk_register": path})
    dq = records.data_quality
    assert list(dq["row"]) == [2] and list(dq["location_id"]) == ["1-100000001"]
    assert "'concerns' holds 40,000 characters, more than the 32,767" in dq["issue"].iloc[0]
    assert len(records.risk_by_case_opened["concerns"].iloc[0]) == 40_000  # kept whole; the spreadsheet writer cuts it


# ---- forgiving where nothing is lost (issue 19) ------------------------------------------------------------


def test_headers_match_ignoring_capitals_spaces_and_underscores_and_extra_columns_are_kept_aside(write_csv):
    report = cr.FileReport(Path("com.csv"))
    frame = cr.load_commissioned_services(write_csv([
        ["Location_ID", "Provider name", "Service Type", "FUNDED_CLIENTS", "annual spend"],
        ["1-100000001", "Acme Care Ltd", "Home care", "3", "100"],
    ]), report=report)
    assert list(frame.columns) == [c.name for c in cr.COMMISSIONED_SERVICES.columns] + ["row"]
    assert frame["funded_clients"].tolist() == [3] and frame["annual_spend"].tolist() == [100.0]
    assert report.notices == ["column 'Provider name' (B) is not one the report reads: kept aside, not used"]


def test_a_column_named_twice_in_two_spellings_is_refused(write_csv):
    e = raised(cr.load_commissioned_services, write_csv([
        ["location_id", "Location ID", "service_type", "funded_clients"], ["1-100000001", "1-100000001", "Home care", "3"]]))
    assert "column 'location_id' appears more than once in the header ('location_id', 'Location ID', columns A and B)" in e.message


def test_whole_numbers_written_with_a_zero_fraction_are_whole_numbers(write_csv):
    frame = cr.load_commissioned_services(com_file(write_csv, ("1-100000001", "Home care", "12.0"),
                                                   ("1-100000002", "Home care", "1,234.00")))
    assert frame["funded_clients"].tolist() == [12, 1234]
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000001", "Home care", "12.5")))
    assert e.column == "funded_clients" and "'12.5' is not a whole number" in e.message


@pytest.mark.parametrize("mark", ["-", "N/A", "n/a", "", " – "])
def test_a_dash_or_n_a_in_an_optional_column_is_missing(write_csv, mark):
    frame = cr.load_commissioned_services(com_file(
        write_csv, ("1-100000001", "Home care", "3", mark, mark),
        header=("location_id", "service_type", "funded_clients", "contract_type", "annual_spend")))
    assert frame["annual_spend"].isna().all() and frame["contract_type"].tolist() == [""]


def test_n_a_in_a_required_column_is_still_refused(write_csv):
    e = raised(cr.load_commissioned_services, com_file(write_csv, ("1-100000001", "Home care", "N/A")))
    assert e.column == "funded_clients" and "(required)" in e.message


def test_a_sheet_chosen_by_name(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "hello")
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["location_id", "service_type", "funded_clients"])
    ws.write_row(1, 0, ["1-100000001", "Home care", 3])
    wb.close()
    e = raised(cr.load_commissioned_services, path)
    assert "options.record_sheets: {commissioned_services: NAME}" in e.message
    e = raised(lambda: cr.load_commissioned_services(path, sheet="Sheet2"))
    assert "no sheet named 'Sheet2'; the sheets are Notes, Sheet1 (the sheet options.record_sheets names)" in e.message
    frame = cr.load_commissioned_services(path, sheet="Sheet1")
    assert frame["funded_clients"].tolist() == [3]
    records = cr.load_council_records({"commissioned_services": path}, sheets={"commissioned_services": "Sheet1"})
    assert records.commissioned_by_location["location_id"].tolist() == ["1-100000001"]


def test_the_header_search_depth_in_the_docs_is_the_code_s():
    import re

    from carequality.sources.tabular import HEADER_SEARCH_ROWS

    said = re.findall(r"within\s+the\s+first\s+(\d+)\s+rows", (ROOT / "docs" / "inputs.md").read_text())
    assert said and all(int(n) == HEADER_SEARCH_ROWS for n in said)


def test_every_problem_in_every_file_at_once(write_csv):
    com = com_file(write_csv, ("1-100000001", "Home care", "three"), ("1-100000002", "", "2.5"))
    visits = write_csv([["location_id", "visit_date", "visit_type", "outcome"],
                        ["1-100000001", "2025-06-01", "drop-in", ""]], name="visits.csv")
    with pytest.raises(CombinedInputError) as e:
        cr.load_council_records({"commissioned_services": com, "qa_visits": visits})
    found = [(Path(err.file).name, err.row, err.column) for err in e.value.errors]
    assert found == [("com.csv", 3, "service_type"), ("com.csv", 2, "funded_clients"), ("com.csv", 3, "funded_clients"),
                     ("visits.csv", 2, "visit_type")]


def test_every_repeat_and_every_misspelling_is_named_not_only_the_first(write_csv):
    with pytest.raises(CombinedInputError) as e:
        cr.load_commissioned_services(com_file(write_csv, ("1-100000002", "Care home", "4"), ("1-100000002", "Care home", "1"),
                                               ("1-100000002", "care home", "2")))
    assert [(err.row, err.message.split(";")[0]) for err in e.value.errors] == [
        (3, "same location as row 2"), (4, "same location as row 2"), (4, "'care home' is spelt 'Care home' in row 2")]
