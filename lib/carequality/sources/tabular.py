"""Read a CSV, XLSX or ODS sheet into a frame of text cells, keeping spreadsheet row numbers for messages."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Collection
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
    """Read `path`; the header is the first row (within the first 20) that has a cell equal to `header_contains`.

    `columns`, when given, keeps only the columns with those headers (and `header_contains`'s): a spreadsheet's
    other cells are then not even converted.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty")
    suffix = path.suffix.lower()
    fast = _arrow_csv(path, header_contains, columns) if columns and suffix in {".csv", ".txt"} else None
    if fast is not None:
        frame, header_at = fast
        return _finish(path, frame, header_at)
    if suffix in SPREADSHEET_SUFFIXES:
        raw = _spreadsheet_frame(path, sheet, header_contains, columns)
    elif suffix in {".csv", ".txt"}:
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
        raise InputError(path, f"unsupported file type {suffix!r}; expected .csv, .xlsx or .ods")

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
    frame = frame.loc[:, [h != "" and (columns is None or h in columns or h == header_contains) for h in header]]
    return _finish(path, frame, header_at)


def _finish(path: Path, frame: pd.DataFrame, header_at: int) -> Sheet:
    """The data rows under the header (0-based row `header_at`), without trailing blank rows."""
    # Trailing blank rows (common in spreadsheets) carry nothing: drop them; blank rows inside the data stay
    # and are reported by the loader that reads them.
    last = len(frame) - 1
    while last >= 0 and all(v == "" or v is None for v in frame.iloc[last]):
        last -= 1
    frame = frame.iloc[: last + 1]
    return Sheet(path=path, frame=frame, first_row=header_at + 2)


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
    if sheet is not None and sheet in names:
        chosen = sheet
    elif sheet is not None and len(names) > 1:
        raise InputError(path, f"no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    else:
        chosen = names[0]
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
    for row in first_rows[:20]:
        names = [v.strip() if isinstance(v, str) else None for v in row]
        if header_contains in names:
            return {j for j, n in enumerate(names) if n is not None and (n in wanted or n == header_contains)}
    return None


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


# -- CSV through pyarrow ------------------------------------------------------------------------------------
# A national CSV (300,000 rows) is read by pyarrow on both cores, every cell as text, when the loader names its
# columns (the CQC ratings file); the frame equals pandas' read below, cell for cell
# (tests/test_reader_equivalence.py). Spreadsheets stay with python-calamine: fastexcel, which hands over
# Arrow columns from the same Rust library, was measured slower on the real-shaped national ODS, because
# loading a sheet copies every cell that opening the file already parsed (docs/performance.md).

_HEADER_ROWS = 20


def _arrow_csv(path: Path, header_contains: str, wanted: Collection[str]) -> tuple[pd.DataFrame, int] | None:
    """A UTF-8 CSV read by pyarrow (both cores, every cell text, blank lines skipped as pandas skips them).

    None, to read it with pandas as before, when pyarrow cannot read it as it stands: another encoding, rows
    of differing lengths, no header in the first 20 rows.
    """
    import pyarrow as pa
    import pyarrow.csv as pv

    try:
        table = pv.read_csv(
            path, read_options=pv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pv.ParseOptions(newlines_in_values=True),
            convert_options=pv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(4096)},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeError):
        return None
    if table.num_columns > 4096 or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    top = [list(r) for r in zip(*(col.to_pylist() for col in table.slice(0, _HEADER_ROWS).columns))]
    header_at = next((i for i, row in enumerate(top) if any(v.strip() == header_contains for v in row)), None)
    if header_at is None:
        return None
    header = [v.strip() for v in top[header_at]]
    keep = [j for j, h in enumerate(header) if h != "" and (h in wanted or h == header_contains)]
    if len({header[j] for j in keep}) != len(keep):
        return None
    data = table.slice(header_at + 1)
    return pd.DataFrame({header[j]: _arrow_text(data.column(j).combine_chunks()) for j in keep}), header_at


def _arrow_text(array) -> pd.api.extensions.ExtensionArray:
    """A column of text cells, trimmed as pandas' str.strip() trims them, as pandas' str dtype."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pd.array(pc.utf8_trim_whitespace(array).cast(pa.large_string()), dtype="str")
