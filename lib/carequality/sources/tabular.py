"""Read a CSV, XLSX or ODS sheet into a frame of text cells, keeping spreadsheet row numbers for messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass
class Sheet:
    """Cells as text (dates stay date objects where the spreadsheet stored dates), header cleaned of spaces.

    `first_row` is the spreadsheet row number of the first data row, so frame index i is row first_row + i.
    """

    path: Path
    frame: pd.DataFrame
    first_row: int

    def row_number(self, index: int) -> int:
        return self.first_row + int(index)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    return str(value).strip()


def read_sheet(path: Path, *, header_contains: str, sheet: str | None = None) -> Sheet:
    """Read `path`; the header is the first row (within the first 20) that has a cell equal to `header_contains`."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        rows = _spreadsheet_rows(path, sheet)
    elif suffix in {".csv", ".txt"}:
        rows = None
    else:
        raise InputError(path, f"unsupported file type {suffix!r}; expected .csv, .xlsx or .ods")

    if rows is None:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
        except UnicodeDecodeError:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="cp1252")
        except pd.errors.EmptyDataError:
            raise InputError(path, "the file is empty") from None
        except pd.errors.ParserError as e:
            raise InputError(path, f"not a readable CSV file ({e})") from None
        raw = raw.apply(lambda col: col.str.strip())
    else:
        if not rows:
            raise InputError(path, "the sheet is empty")
        width = max(len(r) for r in rows)
        raw = pd.DataFrame([[_cell(v) for v in r] + [""] * (width - len(r)) for r in rows])

    header_at = None
    for i in range(min(20, len(raw))):
        if any(isinstance(v, str) and v.strip() == header_contains for v in raw.iloc[i]):
            header_at = i
            break
    if header_at is None:
        raise InputError(path, f"no header row with a {header_contains!r} column in the first 20 rows")
    header = [str(v).strip() if v is not None else "" for v in raw.iloc[header_at]]
    frame = raw.iloc[header_at + 1 :].reset_index(drop=True)
    frame.columns = header
    frame = frame.loc[:, [h != "" for h in header]]
    # Trailing blank rows (common in spreadsheets) carry nothing: drop them; blank rows inside the data stay
    # and are reported by the loader that reads them.
    last = len(frame) - 1
    while last >= 0 and all(v == "" or v is None for v in frame.iloc[last]):
        last -= 1
    frame = frame.iloc[: last + 1]
    return Sheet(path=path, frame=frame, first_row=header_at + 2)


def _spreadsheet_rows(path: Path, sheet: str | None) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for corrupt files
        raise InputError(path, f"not a readable spreadsheet ({e})") from None
    names = book.sheet_names
    if sheet is not None and sheet in names:
        chosen = sheet
    elif sheet is not None and len(names) > 1:
        raise InputError(path, f"no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    else:
        chosen = names[0]
    return book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
