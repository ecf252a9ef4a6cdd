"""Shared pieces of the property-based tests: the only outcomes a loader may have, and generated cells and files.

Every test here builds files from the real layouts (the example council's data, in CQC's and the templates'
exact shapes), changes random cells to random values (blank, control characters, right-to-left marks, emoji,
100,000-character text, spreadsheet error values, odd dates and numbers), and checks the loader either returns
a valid result (possibly with data-quality rows) or raises InputError / ParamsError: never anything else.
Settings are fixed (derandomize, a set number of examples, no deadline) so the run is the same every time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from carequality.errors import InputError, ParamsError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example"
sys.path.insert(0, str(ROOT / "tests"))

#: Fixed, deterministic, quick: the same examples on every run, a few seconds a test. For a deeper search by hand,
#: CAREQUALITY_FUZZ_EXAMPLES=500 runs that many random (not fixed) examples per test.
_DEEP = int(os.environ.get("CAREQUALITY_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(max_examples=_DEEP or 30, derandomize=not _DEEP, deadline=None, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.large_base_example])

ERROR_VALUES = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!"]
ODD_CHARACTERS = ["\u200f", "\u202e", "\u200b", "\ufeff", "\x00", "\x07", "\x1b", "\r", "\n", "\t", "\u2028", "😀",
                  "👩‍⚕️", "é", "ß", "中", "ﷺ", "\ud7ff", "²", "٣", "'", '"', ",", ";", "=", "+", "-", "@", "<", ">", "&"]


def allowed(fn, *args, **kwargs):
    """Run a loader: its result, or None when it refused the input by name. Anything else fails the test."""
    try:
        return fn(*args, **kwargs)
    except (InputError, ParamsError) as e:
        text = str(e)
        assert text and "Traceback" not in text
        return None


def text_values() -> st.SearchStrategy[str]:
    odd = st.lists(st.sampled_from(ODD_CHARACTERS) | st.characters(codec="utf-8"), max_size=30).map("".join)
    long = st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀", "\u200f"]), st.sampled_from([40_000, 100_000]))
    return st.one_of(odd, long, st.sampled_from(ERROR_VALUES), st.just(""), st.just(" "))


def date_values() -> st.SearchStrategy[str]:
    days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    return st.one_of(
        days.map(lambda d: d.isoformat()),
        days.map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
        days.map(lambda d: f"{d.month:02d}/{d.day:02d}/{d.year:04d}"),
        st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99999)).map(lambda t: f"{t[0]}/{t[1]}/{t[2]}"),
        st.sampled_from(["2025-02-30", "0000-01-01", "2030-06-15", "31/02/2025", "1850-01-01", "13/13/2013"]),
    )


def number_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-10**40, 10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["1,234", "1e999", "nan", "inf", "-0", "00012", "1_000", "£125,000.50", "²", "٣", "0x10", "1.5"]),
    )


def cell_values() -> st.SearchStrategy[str]:
    return st.one_of(text_values(), date_values(), number_values())


@st.composite
def mutated(draw, rows: list[list[str]], *, header: bool = False, max_changes: int = 6) -> list[list[str]]:
    """`rows` with random cells changed (the header too when `header`), rows dropped, repeated or cut short, and
    now and then a column added."""
    rows = [list(r) for r in rows]
    first = 0 if header else 1
    for _ in range(draw(st.integers(0, max_changes))):
        if len(rows) <= first:
            break
        i = draw(st.integers(first, len(rows) - 1))
        j = draw(st.integers(0, len(rows[i]) - 1)) if rows[i] else 0
        if rows[i]:
            rows[i][j] = draw(cell_values())
    action = draw(st.sampled_from(["none", "none", "drop", "repeat", "short", "column", "blank_row", "only_header"]))
    if action == "drop" and len(rows) > 2:
        del rows[draw(st.integers(1, len(rows) - 1))]
    elif action == "repeat" and len(rows) > 1:
        rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    elif action == "short" and len(rows) > 1:
        i = draw(st.integers(1, len(rows) - 1))
        rows[i] = rows[i][: draw(st.integers(0, len(rows[i])))]
    elif action == "column":
        name = draw(st.sampled_from(["", "notes", rows[0][0] if rows else "x"]))
        rows = [r + ([name] if k == 0 else [draw(cell_values())]) for k, r in enumerate(rows)]
    elif action == "blank_row" and len(rows) > 1:
        rows.insert(draw(st.integers(1, len(rows))), [""] * len(rows[0]))
    elif action == "only_header":
        rows = rows[:1]
    return rows


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


@st.composite
def encoded(draw, rows: list[list[str]]) -> bytes:
    """The rows as CSV bytes: UTF-8, UTF-8 with a byte-order mark, Windows-1252, or UTF-8 with stray bytes."""
    how = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "stray"]))
    if how == "stray":
        data = bytearray(csv_bytes(rows))
        for _ in range(draw(st.integers(1, 3))):
            data.insert(draw(st.integers(0, len(data))), draw(st.sampled_from([0x81, 0x8D, 0x9D, 0xC3, 0xFF, 0x00])))
        return bytes(data)
    return csv_bytes(rows, how)


def write_sheet(path: Path, rows: list[list[str]], sheet: str, kind: str, data: bytes | None = None) -> Path:
    """Write rows as CSV (or the given bytes), XLSX (text cells; a spreadsheet error value as a failed formula) or ODS."""
    from spreadsheets import write_ods

    if kind == "csv":
        path.write_bytes(data if data is not None else csv_bytes(rows))
    elif kind == "xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v in ERROR_VALUES:
                    ws.write_formula(r, c, "=NA()", None, v)
                else:
                    ws.write_string(r, c, v)
        wb.close()
    else:
        write_ods(path, rows, sheet=sheet)
    return path


def load_mutated(data: st.DataObject, loader, rows: list[list[str]], *, name: str, sheet: str = "Sheet1",
                 kinds: tuple[str, ...] = ("csv", "csv", "xlsx", "ods"), header: bool | None = None, **kwargs):
    """Draw a file kind from `kinds`, change cells of `rows` (the header too when `header`, or when drawn if None),
    write them as `name`.csv/.xlsx/.ods (CSV in a drawn encoding) and run `loader(path, **kwargs)` on the file:
    its result, or None when it refused the input by name (see `allowed`)."""
    kind = data.draw(st.sampled_from(kinds))
    rows = data.draw(mutated(rows, header=data.draw(st.booleans()) if header is None else header))
    raw = data.draw(encoded(rows)) if kind == "csv" else None
    with tempfile.TemporaryDirectory() as d:
        return allowed(loader, write_sheet(Path(d) / f"{name}.{kind}", rows, sheet, kind, raw), **kwargs)


def read_csv_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows if limit is None else rows[:limit]
