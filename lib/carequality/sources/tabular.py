"""Read a CSV, XLSX or ODS sheet into a frame of text cells, keeping spreadsheet row numbers for messages.

What a sheet holds that is not a plain value is never read as a blank: a spreadsheet error value (#DIV/0!,
#N/A, #REF!, …, which calamine would give as an empty cell, or as 0 in an ODS file) is put back in its cell as
its text and listed in `Sheet.findings`, with any cell longer than a spreadsheet cell can hold and any column
that has data but no header. Each loader decides whether a finding stops the run (InputError naming the cell)
or becomes a row of the report's data-quality table. A file whose content is not what its name says (a CSV
named .xlsx, a damaged zip) and a CSV whose bytes are not text are CombinedInputError naming what was found.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from carequality.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt"}
#: What a spreadsheet shows in a cell whose formula failed. Read as text from a CSV; found in the file's XML
#: for XLSX and ODS (calamine reads them as blanks or zeros).
ERROR_VALUES: frozenset[str] = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#N/A!",
        "Err:502",
        "Err:504",
        "Err:508",
        "Err:511",
        "Err:522",
        "Err:523",
    }
)
#: The most characters an Excel cell holds; a longer cell is cut in report.xlsx (and listed in data quality).
CELL_LIMIT = 32_767
_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv", ".txt": "csv"}
_KIND_NAMES = {
    "xlsx": "an XLSX workbook",
    "xls": "an old Excel (.xls) workbook",
    "ods": "an ODS spreadsheet",
    "csv": "CSV text",
    "zip": "a zip archive that is not a spreadsheet",
    "binary": "not text",
}


@dataclass(frozen=True)
class Finding:
    """A cell or column a loader must not take as it is: where it is (as the user sees it) and what it holds.

    kind: "error_value" (a spreadsheet error such as #DIV/0!), "long_text" (longer than CELL_LIMIT) or
    "unnamed_column" (data under a blank header cell; `column` is then the column's letter).
    """

    kind: str
    row: int
    column: str
    value: str

    @property
    def message(self) -> str:
        if self.kind == "error_value":
            return (
                f"the spreadsheet error value {self.value} (a formula that failed); expected a value: fix or "
                "remove the formula"
            )
        if self.kind == "long_text":
            return (
                f"a cell of {len(self.value):,} characters, more than the {CELL_LIMIT:,} a spreadsheet cell "
                "holds; expected a shorter value"
            )
        return (
            f"column {self.column} has data ({shorten(self.value)!r} on row {self.row}) but no header; expected a "
            "column name in the header row, or delete the column"
        )


@dataclass
class Sheet:
    """Cells as text (dates stay date objects where the spreadsheet stored dates), header cleaned of spaces.

    `first_row` is the spreadsheet row number of the first data row, so frame index i is row first_row + i.
    `findings` lists error values, over-long cells and headerless data columns, in row order.
    `letters` maps each kept header to its column letter.
    """

    path: Path
    frame: pd.DataFrame
    first_row: int
    findings: list[Finding] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    #: The header row as written, one entry per column from column A (blank where a column has no name).
    header: list[str] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        return self.first_row + int(index)

    def of_kind(self, *kinds: str) -> list[Finding]:
        return [f for f in self.findings if f.kind in kinds]

    def raise_duplicates(self, columns: Collection[str]) -> None:
        """InputError when one of `columns` is in the header twice (which of the two to read is not known)."""
        names = list(self.frame.columns)
        dups = sorted({c for c in names if c in columns and names.count(c) > 1})
        if dups:
            where = ", ".join(
                f"{c!r} (columns {' and '.join(column_letter(j) for j, h in enumerate(self.header) if h == c)})"
                for c in dups
            )
            raise InputError(
                self.path,
                f"column(s) {where} appear more than once in the header; expected each once",
                row=self.first_row - 1,
            )

    def raise_first(self, *kinds: str, columns: Collection[str] | None = None) -> None:
        """InputError naming the first finding of these kinds (in these columns, when given)."""
        for f in self.of_kind(*kinds):
            if columns is None or f.column in columns or f.kind == "unnamed_column":
                raise InputError(
                    self.path, f.message, row=f.row, column=None if f.kind == "unnamed_column" else f.column
                )


def shorten(text: str, limit: int = 60) -> str:
    """Text as a message quotes it: cut to `limit` characters, saying how long it was."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def unmatched_location_types(locations: pd.DataFrame, wanted: Sequence[str], where: str) -> str | None:
    """The message when some of params' location types match no location of `locations` (location_id,
    location_type): the types asked for that match none, then the types `where` ("this file") holds with their
    numbers of locations; None when every one matches. `where` names the input (its file or folder name)."""
    present = locations.groupby("location_type", sort=True)["location_id"].nunique()
    unmatched = [t for t in wanted if t not in present.index]
    if not unmatched:
        return None
    listed = ", ".join(f"{shorten(t)!r} ({n:,} location{'s' if n != 1 else ''})" for t, n in present.items())
    return (
        f"options.location_types {', '.join(repr(shorten(t)) for t in unmatched)} matches no location in "
        f"{where}; its location types are {listed}"
    )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a column as a spreadsheet names it."""
    out = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def sniff(path: Path) -> str:
    """What a file holds by its first bytes: xlsx, ods, xls, zip (another zip, or a damaged one) or csv (text)."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
                if "mimetype" in names and z.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    return "ods"
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
            pass
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return "csv"


def file_kind(path: Path) -> str:
    """The kind of file `path` is by its name and content (xlsx, ods, xls, csv), or InputError when they differ."""
    suffix = path.suffix.lower()
    expected = _KINDS.get(suffix)
    if expected is None:
        raise InputError(path, f"unsupported file type {suffix!r}; expected .csv, .xlsx or .ods")
    found = sniff(path)
    if found == expected:
        return found
    label = suffix.lstrip(".").upper()
    if found == "xls" and expected == "xlsx":
        raise InputError(
            path,
            f"not a readable {label} file: it is password-protected, or an old Excel (.xls) "
            "workbook; expected an XLSX workbook (save it from Excel without a password, as .xlsx)",
        )
    if found == "zip" and expected in ("xlsx", "ods"):
        raise InputError(
            path,
            f"not a readable {label} file: its zip archive is damaged or is not a spreadsheet; "
            f"expected {_KIND_NAMES[expected]} (save it again from the spreadsheet program)",
        )
    if found == "csv" and expected in ("xlsx", "ods", "xls"):
        raise InputError(
            path,
            f"not a readable {label} file: the content is CSV (or other) text, not "
            f"{_KIND_NAMES[expected]}; rename it to .csv if it is CSV",
        )
    raise InputError(
        path,
        f"the file is named {suffix} but the content is {_KIND_NAMES[found]}; "
        f"expected {_KIND_NAMES[expected]} (rename it to match its content)",
    )


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


def read_sheet(
    path: Path,
    *,
    header_contains: str,
    sheet: str | None = None,
    columns: Collection[str] | None = None,
    match: Callable[[str], str] | None = None,
) -> Sheet:
    """Read `path`; the header is found by its column names among the first HEADER_SEARCH_ROWS rows (header_row).

    `columns`, when given, keeps only the columns with those headers (and `header_contains`'s): a spreadsheet's
    other cells are then not even converted. `match`, when given, is how a header cell is compared with
    `header_contains` (both passed through it: the council's records ignore capitals, spaces and underscores).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if not path.is_file():
        raise InputError(path, "a folder, not a file; expected a .csv, .xlsx or .ods file")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty")
    kind = file_kind(path)
    if kind in ("xlsx", "ods", "xls"):
        raw = _spreadsheet_frame(path, sheet, header_contains, columns, kind)
    else:
        raw = _csv_frame(path, fast=columns is not None)

    header_at = header_row(
        (list(raw.iloc[i]) for i in range(min(HEADER_SEARCH_ROWS, len(raw)))), header_contains, columns, match
    )
    if header_at is None:
        raise InputError(
            path, f"no header row with a {header_contains!r} column in the first {HEADER_SEARCH_ROWS} rows"
        )
    header = [str(v).strip() if v is not None else "" for v in raw.iloc[header_at]]
    positions = list(raw.columns)  # each column's position in the sheet (0 is column A)
    frame = raw.iloc[header_at + 1 :].reset_index(drop=True)
    frame.columns = header
    # Trailing blank rows (common in spreadsheets) carry nothing: drop them; blank rows inside the data stay
    # and are reported by the loader that reads them.
    last = len(frame) - 1
    while last >= 0 and all(v == "" or v is None for v in frame.iloc[last]):
        last -= 1
    frame = frame.iloc[: last + 1]
    first_row = header_at + 2
    findings: list[Finding] = []
    for j, h in enumerate(header):
        if h == "":
            values = frame.iloc[:, j]
            filled = _filled(values)
            if filled.any():
                i = int(filled.to_numpy().nonzero()[0][0])
                findings.append(
                    Finding("unnamed_column", first_row + i, column_letter(positions[j]), str(values.iloc[i]))
                )
    keep = [h != "" and (columns is None or h in columns or h == header_contains) for h in header]
    letters = {h: column_letter(positions[j]) for j, h in enumerate(header) if keep[j]}
    frame = frame.loc[:, keep]
    findings += _cell_findings(frame, first_row)
    findings.sort(key=lambda f: (f.row, f.kind != "unnamed_column"))
    full = [""] * (max(positions) + 1 if positions else 0)
    for j, h in enumerate(header):
        full[positions[j]] = h
    return Sheet(path=path, frame=frame, first_row=first_row, findings=findings, letters=letters, header=full)


#: How far down a sheet the header row may be: CQC's recent files open with rows of notices above it.
HEADER_SEARCH_ROWS = 50


def header_row(
    rows: Iterable[Sequence[object]],
    header_contains: str,
    columns: Collection[str] | None = None,
    match: Callable[[str], str] | None = None,
) -> int | None:
    """Index of the header row among the first rows: the first with a cell equal to `header_contains` and, when
    `columns` are given, at least two more of them (or all of them when fewer are wanted); failing that, the first
    with a cell equal to `header_contains` (the loader then names the columns it lacks); None when none has it.

    Notice rows above the header (CQC's recent files have several) are passed over even when one mentions a
    column's name in a cell of its own.
    """
    key = match or str.strip
    header_contains = key(header_contains)
    wanted = {key(c) for c in columns or ()} - {header_contains}
    need = min(2, len(wanted))
    first = None
    for i, row in enumerate(rows):
        names = {key(v.strip()) for v in row if isinstance(v, str)}
        if header_contains in names:
            if len(names & wanted) >= need:
                return i
            first = i if first is None else first
    return first


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


def _filled(values: pd.Series) -> pd.Series:
    """True where a cell holds something (not "" or None)."""
    if values.dtype == object:
        return values.map(lambda v: not (v is None or (isinstance(v, str) and v == ""))).astype(bool)
    return values.fillna("").ne("")


def _cell_findings(frame: pd.DataFrame, first_row: int) -> list[Finding]:
    """Error values and over-long cells in the kept columns."""
    out = []
    for j, name in enumerate(frame.columns):
        values = frame.iloc[:, j]
        if values.dtype == object:
            text = values.map(lambda v: v if isinstance(v, str) else "")
        else:
            text = values.fillna("")
        errors = text.isin(ERROR_VALUES)
        long = text.str.len().gt(CELL_LIMIT)
        for i in (errors | long).to_numpy().nonzero()[0]:
            v = text.iloc[i]
            out.append(Finding("error_value" if v in ERROR_VALUES else "long_text", first_row + int(i), name, v))
    return out


def _decode(data: bytes, path: Path) -> str:
    """CSV bytes as text: UTF-8 (with or without a byte-order mark), else Windows-1252; else InputError naming the
    first byte that is valid in neither, with its offset and line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as e:
            at = e.start
            line = data.count(b"\n", 0, at) + 1
            first = utf8.start
            first_line = data.count(b"\n", 0, first) + 1
            also = (
                ""
                if first == at
                else (
                    f"; the first byte that is not UTF-8 is 0x{data[first]:02x} at offset {first:,} (line {first_line})"
                )
            )
            raise InputError(
                path,
                f"not text: byte 0x{data[at]:02x} at offset {at:,} (line {line}) is valid neither "
                f"as UTF-8 nor as Windows-1252{also}; expected a CSV file saved as UTF-8",
            ) from None


def _csv_frame(path: Path, *, fast: bool = False) -> pd.DataFrame:
    """A CSV file as a frame of stripped text cells, one row per record (blank lines kept, so rows stay numbered as
    a spreadsheet numbers them), as wide as its widest record.

    `fast`: try pyarrow first (both cores; a national CSV of 300,000 rows), which gives the same frame when the
    file is UTF-8 with records of one length and no blank line; anything else is read as before.
    """
    data = path.read_bytes()
    if fast and b"\x00" not in data:
        raw = _arrow_csv_frame(data)
        if raw is not None:
            return raw
    text = _decode(data, path)
    if not text or text.isspace():
        raise InputError(path, "the file is empty")
    if b"\x00" in data:
        at = text.index("\x00")
        raise InputError(
            path, f"a NUL character on line {text.count(chr(10), 0, at) + 1}; expected CSV text (is this a CSV file?)"
        )
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            header=None,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            names=_csv_columns(text),
        )
    except pd.errors.EmptyDataError:
        raise InputError(path, "the file is empty") from None
    except (pd.errors.ParserError, ValueError, OverflowError):
        raw = _csv_frame_slow(text, path)  # records of different lengths, or a quote left open
    return raw.fillna("").apply(lambda col: col.str.strip())


def _csv_columns(text: str) -> list[int] | None:
    """Column positions for a CSV whose first rows (notices above the header) have fewer cells than the header:
    as many as the widest of the first HEADER_SEARCH_ROWS records. None (pandas decides) otherwise."""
    try:
        widths = [
            len(r) for r in itertools.islice(csv.reader(io.StringIO(text[: 1 << 20], newline="")), HEADER_SEARCH_ROWS)
        ]
    except csv.Error:
        return None
    return list(range(max(widths))) if widths and max(widths) > widths[0] else None


def _csv_frame_slow(text: str, path: Path) -> pd.DataFrame:
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(
            path,
            f"not a readable CSV file: the record starting on line {start} is broken ({e}); "
            'expected every quote (") to be closed',
            row=len(rows) + 1,
        ) from None
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _spreadsheet_frame(
    path: Path, sheet: str | None, header_contains: str, wanted: Collection[str] | None, kind: str = "xlsx"
) -> pd.DataFrame:
    """The sheet's cells (see _read_spreadsheet), with spreadsheet error values put back as their text; column
    labels are the columns' positions in the sheet (0 is column A). Calamine's errors are CombinedInputError."""
    label = path.suffix.lstrip(".").upper()
    try:
        frame, chosen, offset = _read_spreadsheet(path, sheet, header_contains, wanted)
    except InputError:
        raise
    except Exception as e:  # calamine raises its own error types for corrupt files
        raise InputError(path, f"not a readable {label} file ({type(e).__name__}: {shorten(str(e), 200)})") from None
    frame.columns = [offset + j for j in frame.columns]
    try:
        errors = _error_cells(path, chosen, kind)
    except Exception as e:  # the XML calamine just read but we cannot: say so rather than miss error values
        raise InputError(path, f"not a readable {label} file ({type(e).__name__}: {shorten(str(e), 200)})") from None
    for (r, c), text in errors.items():
        if r < len(frame) and c in frame.columns:
            j = frame.columns.get_loc(c)
            if frame.dtypes.iloc[j] != np.dtype(object):
                frame[c] = frame[c].astype(object)
            frame.iat[r, j] = text
    return frame


def _read_spreadsheet(
    path: Path, sheet: str | None, header_contains: str, wanted: Collection[str] | None
) -> tuple[pd.DataFrame, str, int]:
    """The sheet as a frame of cells (`_cell` applied), built column by column in chunks of rows.

    A national CQC file has millions of cells: converting them one by one in Python, with the garbage
    collector scanning the row lists, took longer than reading the file. Here a chunk of rows is turned
    into columns at C speed, an all-text column chunk becomes one Arrow array (trimmed in Arrow), and
    only columns holding numbers, dates or booleans go through `_cell`. The result equals
    pd.DataFrame([[_cell(v) for v in row] for row in rows]): text columns as pandas' str dtype, others object.
    """
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    names = book.sheet_names
    if not names:
        raise InputError(path, "the workbook has no sheets")
    chosen = choose_sheet(names, sheet)
    if chosen is None:
        raise InputError(path, f"no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    calamine_sheet = book.get_sheet_by_name(chosen)
    start = calamine_sheet.start
    offset = start[1] if start else 0  # calamine drops the empty columns left of the data (not the rows above)
    rows = calamine_sheet.iter_rows()
    del book  # the sheet keeps its own cells; the workbook's copy can go
    chunks: list[list[pa.Array | list[object]]] = []  # per column, its chunks: pyarrow string arrays or lists of cells
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
            for short in chunks[len(columns) :]:
                short.append([""] * len(chunk))
            done += len(chunk)
            del chunk, columns
    if not done:
        raise InputError(path, f"the sheet {chosen!r} is empty")
    if keep is not None:
        positions = sorted(keep)
        return pd.DataFrame({positions[i]: _column(parts) for i, parts in enumerate(chunks)}), chosen, offset
    return pd.DataFrame({i: _column(parts) for i, parts in enumerate(chunks)}), chosen, offset


_CHUNK_ROWS = 50_000


def _wanted_positions(
    first_rows: Sequence[Sequence[object]], header_contains: str, wanted: Collection[str]
) -> set[int] | None:
    """Positions of the wanted columns, by the header row read_sheet will find; None (keep all) without one."""
    at = header_row(first_rows[:HEADER_SEARCH_ROWS], header_contains, wanted)
    if at is None:
        return None
    names = [v.strip() if isinstance(v, str) else None for v in first_rows[at]]
    # Columns without a header are kept too, so that data under them is found (never dropped silently).
    return {j for j, n in enumerate(names) if n is None or n == "" or n in wanted or n == header_contains}


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


def _column_chunk(cells: list[object]) -> pa.Array | list[object]:
    import pyarrow as pa

    try:  # letting Arrow infer the type is the quickest test that every cell is text (and twice as quick to build)
        arr = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if arr is not None and arr.type == pa.string() and arr.null_count == 0:
        return arr.cast(pa.large_string())  # pandas' str dtype stores large_string
    return [_cell(v) for v in cells]


def _column(parts: list[pa.Array | list[object]]) -> object:
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


# ---- spreadsheet error values: calamine reads them as blanks (XLSX) or zeros (ODS), so find them in the XML ----

_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _error_cells(path: Path, sheet: str, kind: str) -> dict[tuple[int, int], str]:
    """{(row, column) (0-based): the error's text} for every error cell of `sheet`. A quick scan of the sheet's
    XML for the error marker first: the full parse runs only for a sheet that has one."""
    if kind == "xlsx":
        with zipfile.ZipFile(path) as z:
            part = _xlsx_sheet_part(z, sheet)
            if part is None or not _contains(z, part, (b't="e"', b"t='e'")):
                return {}
            return _xlsx_errors(z, part)
    if kind == "ods":
        with zipfile.ZipFile(path) as z:
            if not _contains(z, "content.xml", (b'value-type="error"', b"value-type='error'")):
                return {}
            return _ods_errors(z, sheet)
    return {}  # .xls: calamine gives error cells as blanks and the binary format is not read here (docs/inputs.md)


def _contains(z: zipfile.ZipFile, part: str, needles: tuple[bytes, ...]) -> bool:
    tail = b""
    with z.open(part) as f:
        while chunk := f.read(1 << 22):
            block = tail + chunk
            if any(n in block for n in needles):
                return True
            tail = block[-16:]
    return False


def _xlsx_sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    import xml.etree.ElementTree as ET

    book = ET.fromstring(z.read("xl/workbook.xml"))
    rid = next((s.get(_REL_ID) for s in book.iter(f"{_XLSX_MAIN}sheet") if s.get("name") == sheet), None)
    if rid is None:
        return None
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for r in rels:
        if r.get("Id") == rid:
            target = r.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target.removeprefix("./")
    return None


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_errors(z: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    import xml.etree.ElementTree as ET

    out: dict[tuple[int, int], str] = {}
    row = -1
    col = -1
    with z.open(part) as f:
        for event, el in ET.iterparse(f, events=("start", "end")):
            if event == "start":
                if el.tag == f"{_XLSX_MAIN}row":
                    r = el.get("r")
                    row = int(r) - 1 if r and r.isdigit() else row + 1
                    col = -1
                elif el.tag == f"{_XLSX_MAIN}c":
                    m = _CELL_REF.match(el.get("r", ""))
                    col = _column_index(m[1]) if m else col + 1
                continue
            if el.tag == f"{_XLSX_MAIN}c":
                if el.get("t") == "e":
                    v = el.find(f"{_XLSX_MAIN}v")
                    out[(row, col)] = (v.text or "#N/A").strip() if v is not None else "#N/A"
                el.clear()
            elif el.tag == f"{_XLSX_MAIN}row":
                el.clear()
    return out


def _ods_errors(z: zipfile.ZipFile, sheet: str) -> dict[tuple[int, int], str]:
    import xml.etree.ElementTree as ET

    out: dict[tuple[int, int], str] = {}
    in_sheet = False
    row = col = 0
    rows_repeat = 1
    with z.open("content.xml") as f:
        for event, el in ET.iterparse(f, events=("start", "end")):
            tag = el.tag
            if tag == f"{_ODS_TABLE}table":
                if event == "start":
                    in_sheet = el.get(f"{_ODS_TABLE}name") == sheet
                    row = 0
                else:
                    if in_sheet:
                        break
                    el.clear()
                continue
            if not in_sheet:
                continue
            if tag == f"{_ODS_TABLE}table-row":
                if event == "start":
                    col = 0
                    rows_repeat = int(el.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                else:
                    row += rows_repeat
                    el.clear()
            elif tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell") and event == "end":
                repeat = int(el.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
                if el.get(f"{_ODS_CALCEXT}value-type") == "error":
                    text = "".join(el.itertext()).strip() or "#N/A"
                    for r in range(row, row + min(rows_repeat, 1000)):
                        for c in range(col, col + min(repeat, 1000)):
                            out[(r, c)] = text
                col += repeat
                el.clear()
    return out


# -- CSV through pyarrow ------------------------------------------------------------------------------------
# A national CSV (300,000 rows) is read by pyarrow on both cores, every cell as text, when the loader names its
# columns (the CQC ratings file); the frame equals the pandas read above, cell for cell
# (tests/sources/test_reader_equivalence.py). Spreadsheets stay with python-calamine: fastexcel, which hands over
# Arrow columns from the same Rust library, was measured slower on the real-shaped national ODS, because loading a
# sheet copies every cell that opening the file already parsed (docs/performance.md).


def _arrow_csv_frame(data: bytes) -> pd.DataFrame | None:
    """UTF-8 CSV bytes as _csv_frame's frame, read by pyarrow; None (read it with pandas) when pyarrow cannot give
    the same frame: another encoding, records of differing lengths, a blank line."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    try:
        table = pv.read_csv(
            pa.py_buffer(data),
            read_options=pv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(4096)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeError):
        return None
    if table.num_columns > 4096 or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    return pd.DataFrame(
        {
            j: pd.array(pc.utf8_trim_whitespace(table.column(j).combine_chunks()).cast(pa.large_string()), dtype="str")
            for j in range(table.num_columns)
        }
    )
