"""Write council record files (CSV and XLSX) in the formats of sources/council_records.py.

Used for the blank templates (templates/inputs/make_templates.py) and the generated example (example_records.py).
XLSX files are written with xlsxwriter with a fixed creation date, so the same rows give the same bytes.
Text is written as text cells, never as formulas. Workbooks have the data sheet (named as the format) first and
an "About" sheet that describes each column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from carequality.sources.council_records import RecordFormat

#: Fixed document dates: the same rows always give the same XLSX bytes.
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Y" if v else "N"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def write_csv(path: Path, fmt: RecordFormat, rows: Sequence[dict[str, object]] = ()) -> Path:
    """A CSV file with the format's header and `rows` (dicts by column name; dates written YYYY-MM-DD)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in fmt.columns]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for r in rows:
            w.writerow([_cell_text(r.get(n)) for n in names])
    return path


def write_xlsx(path: Path, fmt: RecordFormat, rows: Sequence[dict[str, object]] = (), *, blank_rows: int = 0) -> Path:
    """An XLSX workbook: the data sheet with a bold frozen header, date-formatted date columns and drop-down lists
    for the columns with a fixed set of values (for `blank_rows` rows below the data), then an About sheet."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_TIME, "title": fmt.title, "comments": "carequality council record template"})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet(fmt.name)
    last = max(len(rows) + blank_rows, 1)
    for j, col in enumerate(fmt.columns):
        ws.write_string(0, j, col.name, bold)
        width = max(len(col.name), len(col.example), 12) + 2
        ws.set_column(j, j, min(width, 60), date_fmt if col.kind == "date" else None)
        choices = {"risk_level": ["1", "2", "3", "4"], "yes_no": ["Y", "N"], "choice": list(col.choices)}.get(col.kind)
        if choices:
            ws.data_validation(
                1,
                j,
                last,
                j,
                {
                    "validate": "list",
                    "source": choices,
                    "error_title": col.name[:32],  # Excel's limit
                    "error_message": f"Expected {col.expected}.",
                    "ignore_blank": True,
                },
            )
        for i, r in enumerate(rows, start=1):
            v = r.get(col.name)
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                ws.write_string(i, j, "Y" if v else "N")
            elif isinstance(v, dt.datetime):
                ws.write_datetime(i, j, v, date_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    ws.freeze_panes(1, 0)
    about = wb.add_worksheet("About")
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 70, wrap)
    about.set_column(2, 3, 30, wrap)
    about.write_string(0, 0, fmt.title, bold)
    about.write_string(0, 1, fmt.description, wrap)
    about.write_string(
        1,
        1,
        "Fill the first sheet, one row per record, keeping its name and its header row. "
        "Add no other columns there. See docs/inputs.md.",
        wrap,
    )
    for j, h in enumerate(("column", "what it holds", "expected", "example")):
        about.write_string(3, j, h, bold)
    for i, col in enumerate(fmt.columns, start=4):
        about.write_string(i, 0, col.name + (" (optional column)" if col.optional else ""))
        about.write_string(i, 1, col.description, wrap)
        about.write_string(i, 2, col.expected, wrap)
        about.write_string(i, 3, col.example, wrap)
    wb.close()
    return path
