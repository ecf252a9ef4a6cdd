"""Read a CSV, XLSX or ODS sheet into a frame of text cells, keeping spreadsheet row numbers for messages."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carequality.errors import InputError

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


def read_sheet(path: Path, *, header_contains: str, sheet: str | None = None,
               columns: Collection[str] | None = None) -> Sheet:
    """Read `path`; the header is found by its column names among the first HEADER_SEARCH_ROWS rows (header_row).

    `columns`, when given, keeps only the columns with those headers (and `header_contains`'s): a spreadsheet's
    other cells are then not even converted.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        raw = _spreadsheet_frame(path, sheet, header_contains, columns)
    elif suffix in {".csv", ".txt"}:
        names = _csv_columns(path)  # notice rows above the header have fewer cells than it
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig", names=names,
                              skip_blank_lines=False)  # blank lines keep their place: row numbers are the file's
        except UnicodeDecodeError:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="cp1252", names=names,
                              skip_blank_lines=False)
        except pd.errors.EmptyDataError:
            raise InputError(path, "the file is empty") from None
        except pd.errors.ParserError as e:
            raise InputError(path, f"not a readable CSV file ({e})") from None
        raw = raw.fillna("").apply(lambda col: col.str.strip())
    else:
        raise InputError(path, f"unsupported file type {suffix!r}; expected .csv, .xlsx or .ods")

    header_at = header_row((list(raw.iloc[i]) for i in range(min(HEADER_SEARCH_ROWS, len(raw)))),
                           header_contains, columns)
    if header_at is None:
        raise InputError(path, f"no header row with a {header_contains!r} column in the first {HEADER_SEARCH_ROWS} rows")
    header = [str(v).strip() if v is not None else "" for v in raw.iloc[header_at]]
    frame = raw.iloc[header_at + 1 :].reset_index(drop=True)
    frame.columns = header
    frame = frame.loc[:, [h != "" and (columns is None or h in columns or h == header_contains) for h in header]]
    # Trailing blank rows (common in spreadsheets) carry nothing: drop them; blank rows inside the data stay
    # and are reported by the loader that reads them.
    last = len(frame) - 1
    while last >= 0 and all(v == "" or v is None for v in frame.iloc[last]):
        last -= 1
    frame = frame.iloc[: last + 1]
    return Sheet(path=path, frame=frame, first_row=header_at + 2)


#: How far down a sheet the header row may be: CQC's recent files open with rows of notices above it.
HEADER_SEARCH_ROWS = 50


def header_row(rows: Iterable[list[object]], header_contains: str, columns: Collection[str] | None = None) -> int | None:
    """Index of the header row among the first rows: the first with a cell equal to `header_contains` and, when
    `columns` are given, at least two more of them (or all of them when fewer are wanted); failing that, the first
    with a cell equal to `header_contains` (the loader then names the columns it lacks); None when none has it.

    Notice rows above the header (CQC's recent files have several) are passed over even when one mentions a
    column's name in a cell of its own.
    """
    wanted = set(columns or ()) - {header_contains}
    need = min(2, len(wanted))
    first = None
    for i, row in enumerate(rows):
        names = {v.strip() for v in row if isinstance(v, str)}
        if header_contains in names:
            if len(names & wanted) >= need:
                return i
            first = i if first is None else first
    return first


def _csv_columns(path: Path) -> list[int] | None:
    """Column positions for a CSV whose first rows (notices above the header) have fewer cells than the header:
    the most cells in any of the first HEADER_SEARCH_ROWS rows. None when they cannot be read (pandas then reports)."""
    import csv

    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with open(path, encoding=encoding, newline="") as f:
                widths = [len(r) for r in itertools.islice(csv.reader(f), HEADER_SEARCH_ROWS)]
        except (UnicodeDecodeError, csv.Error):
            continue
        return list(range(max(widths))) if widths and max(widths) > widths[0] else None
    return None


def choose_sheet(names: list[str], sheet: str | None) -> str | None:
    """The sheet to read: `sheet` wherever it is in the workbook (case and spaces ignored), the only sheet when
    there is one, else None."""
    if sheet is None:
        return names[0] if names else None
    folded = {" ".join(n.split()).casefold(): n for n in names}
    found = folded.get(" ".join(sheet.split()).casefold())
    if found is not None:
        return found
    return names[0] if len(names) == 1 else None


def _spreadsheet_frame(path: Path, sheet: str | None, header_contains: str,
                       wanted: Collection[str] | None) -> pd.DataFrame:
    """The sheet as a frame of cells (`_cell` applied), built column by column in chunks of rows.

    A national CQC file has millions of cells: converting them one by one in Python, with the garbage
    collector scanning the row lists, took longer than reading the file. Here a chunk of rows is turned
    into columns at C speed, an all-text column chunk becomes one Arrow array (trimmed in Arrow), and
    only columns holding numbers, dates or booleans go through `_cell`. The result equals
    pd.DataFrame([[_cell(v) for v in row] for row in rows]): text columns as pandas' str dtype, others object.
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for corrupt files
        raise InputError(path, f"not a readable spreadsheet ({e})") from None
    names = book.sheet_names
    chosen = choose_sheet(names, sheet)
    if chosen is None:
        raise InputError(path, f"no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    rows = book.get_sheet_by_name(chosen).iter_rows()
    del book  # the sheet keeps its own cells; the workbook's copy can go
    chunks: list[list[object]] = []  # per column, its chunks: pyarrow string arrays or lists of cells
    done = 0
    keep = None  # column positions to convert; None: all
    with _gc_paused():
        while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
            if not done and wanted is not None:
                keep = _wanted_positions(chunk, header_contains, wanted)
            columns = list(itertools.zip_longest(*chunk, fillvalue=""))
            if keep is not None:
                columns = [c for j, c in enumerate(columns) if j in keep]
            while len(chunks) < len(columns):  # a column that starts in this chunk: blank above
                chunks.append([[""] * done] if done else [])
            for i, cells in enumerate(columns):
                chunks[i].append(_column_chunk(list(cells)))
            for short in chunks[len(columns):]:
                short.append([""] * len(chunk))
            done += len(chunk)
            del chunk, columns
    if not done:
        raise InputError(path, "the sheet is empty")
    return pd.DataFrame({i: _column(parts) for i, parts in enumerate(chunks)})


_CHUNK_ROWS = 50_000


def _wanted_positions(first_rows: list[list[object]], header_contains: str, wanted: Collection[str]) -> set[int] | None:
    """Positions of the wanted columns, by the header row read_sheet will find; None (keep all) without one."""
    at = header_row(first_rows[:HEADER_SEARCH_ROWS], header_contains, wanted)
    if at is None:
        return None
    names = [v.strip() if isinstance(v, str) else None for v in first_rows[at]]
    return {j for j, n in enumerate(names) if n is not None and (n in wanted or n == header_contains)}


@contextlib.contextmanager
def _gc_paused():
    """Millions of new cell objects would otherwise trigger full collections that find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _column_chunk(cells: list[object]) -> object:
    import pyarrow as pa

    try:  # letting Arrow infer the type is the quickest test that every cell is text (and twice as quick to build)
        arr = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if arr is not None and arr.type == pa.string() and arr.null_count == 0:
        return arr.cast(pa.large_string())  # pandas' str dtype stores large_string
    return [_cell(v) for v in cells]


def _column(parts: list[object]) -> object:
    import pyarrow as pa
    import pyarrow.compute as pc

    if all(isinstance(p, pa.Array) for p in parts):
        return pd.array(pc.utf8_trim_whitespace(pa.chunked_array(parts, type=pa.large_string())), dtype="str")
    values: list[object] = []
    for p in parts:
        values.extend(pc.utf8_trim_whitespace(p).to_pylist() if isinstance(p, pa.Array) else p)
    if all(isinstance(v, str) for v in values):
        return pd.array(values, dtype="str")
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
