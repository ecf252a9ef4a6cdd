"""Write the small broken files of tests/badinputs/files/ (run once; the files are committed).

Each is one class of bad input from issue 13, cut down from the example council's data (data/example/), so that
tests/badinputs/cases.yaml can say exactly what carequality must answer to it.

    .venv/bin/python tests/badinputs/make_files.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "data" / "example"
sys.path.insert(0, str(ROOT / "tests"))

from spreadsheets import write_ods, write_xlsx  # noqa: E402


def cqc_rows() -> list[list[str]]:
    """The header and every row of the example file's first two York locations (12 rows)."""
    with open(EXAMPLE / "cqc_ratings_example.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    ids = list(dict.fromkeys(r[0] for r in rows[1:]))[:2]
    return [rows[0]] + [r for r in rows[1:] if r[0] in ids]


def write_csv(name: str, rows: list[list[str]]) -> Path:
    path = FILES / name
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def col(rows: list[list[str]], header: str) -> int:
    return rows[0].index(header)


def main() -> None:
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir(parents=True)
    rows = cqc_rows()
    write_csv("cqc_york_small.csv", rows)

    # A byte valid in neither UTF-8 nor Windows-1252 (0x81) in a location name on line 4.
    data = (FILES / "cqc_york_small.csv").read_bytes().split(b"\n")
    data[3] = data[3].replace(b"Acorn", b"Ac\x81orn", 1)
    (FILES / "cqc_bad_byte.csv").write_bytes(b"\n".join(data))

    # The CSV's bytes under an .xlsx name; an XLSX cut in half (its zip directory is lost).
    shutil.copy(FILES / "cqc_york_small.csv", FILES / "cqc_is_csv.xlsx")
    write_xlsx(FILES / "whole.xlsx", rows)
    whole = (FILES / "whole.xlsx").read_bytes()
    (FILES / "cqc_damaged.xlsx").write_bytes(whole[: len(whole) // 2])
    (FILES / "whole.xlsx").unlink()

    # Spreadsheet error values where the report needs a value: #N/A as a rating on row 3 (XLSX) and #REF! (ODS).
    bad = [list(r) for r in rows]
    bad[2][col(rows, "Latest Rating")] = "=NA()"
    _write_xlsx_with_errors(FILES / "cqc_error_value.xlsx", bad, {(2, col(rows, "Latest Rating")): "#N/A"})
    bad = [list(r) for r in rows]
    _write_ods_with_error(FILES / "cqc_error_value.ods", bad, 3, col(rows, "Latest Rating"), "#REF!")

    # A data column with no header: a note in column AC on row 5.
    extra = [r + [""] for r in rows]
    extra[4][-1] = "call back"
    write_csv("cqc_headerless_column.csv", extra)

    # Dates: DD/MM/YYYY on rows 2-4, then a date only valid as MM/DD/YYYY on row 5; a date valid in no format.
    mixed = [list(r) for r in rows]
    d = col(rows, "Publication Date")
    for i in range(1, len(mixed)):
        mixed[i][d] = "25/03/2025"
    mixed[4][d] = "03/28/2025"
    write_csv("cqc_mixed_dates.csv", mixed)
    neither = [list(r) for r in rows]
    neither[3][d] = "32/13/2025"
    write_csv("cqc_date_valid_in_no_format.csv", neither)
    year1 = [list(r) for r in rows]
    year1[6][d] = "0001-01-01"
    for i in range(1, len(year1)):
        if i != 6:
            year1[i][d] = "2025-03-25"
    write_csv("cqc_year_0001.csv", year1)

    # Publication dates years in the future (a data-quality row; the report's as-of date does not move).
    future = [list(r) for r in rows]
    first = future[1][0]
    for r in future[1:]:
        if r[0] == first:
            r[d] = "15/06/2030"
    write_csv("cqc_future_dates.csv", future)

    # Another council's data: the same rows moved to Leeds.
    leeds = [list(r) for r in rows]
    la = col(rows, "Location Local Authority")
    for r in leeds[1:]:
        r[la] = "Leeds"
    write_csv("cqc_leeds.csv", leeds)

    # An API folder of another council (Oldham), and one with a number of beds too large for any column.
    api = FILES / "api_oldham" / "location_details"
    api.mkdir(parents=True)
    src = sorted((EXAMPLE / "cqc_api" / "location_details").glob("*.json"))[0]
    loc = json.loads(src.read_text(encoding="utf-8"))
    oldham = dict(loc, localAuthority="Oldham", region="North West")
    (api / src.name).write_text(json.dumps(oldham, indent=1) + "\n", encoding="utf-8")
    api = FILES / "api_huge_beds" / "location_details"
    api.mkdir(parents=True)
    (api / src.name).write_text(json.dumps(dict(loc, numberOfBeds=10**30), indent=1) + "\n", encoding="utf-8")

    # Council records.
    head = ["location_id", "service_type", "funded_clients", "contract_type", "annual_spend"]
    ids = list(dict.fromkeys(r[0] for r in rows[1:]))
    write_csv("commissioned_huge_count.csv", [head, [ids[0], "Home care", "12", "Spot", "1000"],
                                              [ids[1], "Home care", "1" + "0" * 30, "Spot", "2000"]])
    _write_xlsx_with_errors(FILES / "commissioned_div0.xlsx",
                            [head, [ids[0], "Home care", "12", "Spot", "1000"], [ids[1], "Home care", "=1/0", "Spot", ""]],
                            {(2, 2): "#DIV/0!"}, sheet="commissioned_services")
    risk_head = ["case_ref", "location_id", "risk_level", "opened", "closed", "lead_authority", "funded_residents",
                 "concerns", "actions", "placements_suspended"]
    write_csv("risk_register_unknown_lead.csv", [risk_head, ["QA-1", ids[0], "3", "2024-06-01", "", "York", "4", "", "", "N"],
                                                 ["QA-2", ids[1], "4", "2024-07-01", "", "Leeds Citty Council", "2", "", "",
                                                  "Y"]])
    write_csv("theme_offers_duplicate.csv", [["theme", "offer"], ["Medication", "Training"], ["medication ", "Team"]])
    write_csv("qa_visits_headerless_column.csv", [["location_id", "visit_date", "visit_type", "outcome", ""],
                                                   [ids[0], "2024-06-10", "announced", "Satisfactory", ""],
                                                   [ids[1], "2024-07-17", "announced", "Satisfactory", "see notes"]])

    # Council records (issue 19): one US-only date among day-first dates; an opened date typed 2052; a messy file
    # that loses nothing (a header as people write it, an extra column, a blank row, 12.0, N/A, a mistyped id);
    # several problems in one file, all reported at once.
    visits_head = ["location_id", "visit_date", "visit_type", "outcome"]
    write_csv("qa_visits_us_date.csv", [visits_head, [ids[0], "01/04/2024", "announced", ""],
                                        [ids[1], "04/25/2024", "announced", ""], [ids[0], "02/05/2024", "unannounced", ""],
                                        [ids[1], "05/30/2024", "unannounced", ""]])
    risk_head = ["case_ref", "location_id", "risk_level", "opened", "closed", "lead_authority", "funded_residents",
                 "concerns", "actions", "placements_suspended"]
    write_csv("risk_register_2052.csv", [risk_head, ["QA-1", ids[0], "3", "2024-06-03", "", "", "", "", "", "N"],
                                         ["QA-2", ids[1], "2", "2052-06-03", "", "", "", "", "", "N"]])
    typo = ids[0][:-2] + ids[0][-1] + ids[0][-2]  # the last two digits swapped
    write_csv("commissioned_messy.csv", [["Location_ID", "Provider name", "Service Type", "funded clients", "annual_spend"],
                                         [ids[1], "Acorn", "Home care", "12.0", "N/A"], ["", "", "", "", ""],
                                         [typo, "Beech", "Home care", "3", "-"]])
    write_csv("commissioned_many_problems.csv", [head, [ids[0], "Home care", "lots", "Spot", "1000"],
                                                 [ids[1], "Home care", "12.5", "Spot", "£ten"]])

    # Benchmarks: a value no number can hold; a count written with a superscript digit.
    write_csv("lginform_infinite.csv", [["area_code", "area_name", "period", "indicator", "measure", "unit", "value"],
                                        ["E06000014", "York", "Nov 2023", "Good or outstanding", "Percentage", "%", "80"],
                                        ["E06000014", "York", "Dec 2023", "Good or outstanding", "Percentage", "%", "1e999"]])
    counts_head = ["date", "area_code", "area_name", "category", "outstanding", "good", "requires_improvement",
                   "inadequate", "not_graded", "active", "source"]
    write_csv("area_counts_superscript.csv", [counts_head, ["2024-04-30", "E06000014", "York", "Residential social care",
                                                            "1", "2²", "0", "0", "0", "3", ""]])


def _write_xlsx_with_errors(path: Path, rows: list[list[object]], errors: dict[tuple[int, int], str],
                            sheet: str = "Locations") -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if (r, c) in errors:
                ws.write_formula(r, c, str(v) if str(v).startswith("=") else "=NA()", None, errors[(r, c)])
            else:
                ws.write_string(r, c, str(v))
    wb.close()


def _write_ods_with_error(path: Path, rows: list[list[object]], r: int, c: int, error: str) -> None:
    """An ODS file as LibreOffice saves a failed formula: calcext:value-type="error" and the error as its text."""
    write_ods(path, rows)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    content = parts["content.xml"].decode("utf-8")
    content = content.replace('office:version="1.2"', 'xmlns:calcext="urn:org:documentfoundation:names:experimental:'
                              'calc:xmlns:calcext:1.0" office:version="1.2"', 1)
    body_rows = content.split("<table:table-row>")
    cells = body_rows[r + 1].split("<table:table-cell ")
    cells[c + 1] = (f'table:formula="of:=#REF!" office:value-type="float" office:value="0" calcext:value-type="error">'
                    f"<text:p>{error}</text:p></table:table-cell>" + cells[c + 1].split("</table:table-cell>", 1)[1])
    body_rows[r + 1] = "<table:table-cell ".join(cells)
    parts["content.xml"] = "<table:table-row>".join(body_rows).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for n, b in parts.items():
            z.writestr(n, b, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main()
