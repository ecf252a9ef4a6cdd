"""Dates in CQC and council files: decided once per file (column), never per row.

Spreadsheet date cells arrive as date objects. Text dates may be ISO (YYYY-MM-DD), DD/MM/YYYY (CQC's
own files) or MM/DD/YYYY (files that went through a US-locale spreadsheet, like the Lincolnshire extract).
A column is read with the one format that fits every value; when both DD/MM and MM/DD fit every value
(every day is 12 or less) the file is ambiguous and we say so rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carequality.errors import InputError

_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]00:00(?::00)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")

FORMATS = ("ISO", "DD/MM/YYYY", "MM/DD/YYYY")
_SHOWN = {"ISO": "YYYY-MM-DD", "DD/MM/YYYY": "DD/MM/YYYY", "MM/DD/YYYY": "MM/DD/YYYY"}
#: The dates an input may hold: pandas holds dates from 1677 to 2262 only, and no record of care is older.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
#: The months' English names in lower case, January first (file names and exports write them; not the locale's).
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _fits(v: str) -> dict[str, bool]:
    iso = _ISO.match(v)
    sl = _SLASHED.match(v)
    return {
        "ISO": iso is not None and _valid(int(iso[1]), int(iso[2]), int(iso[3])),
        "DD/MM/YYYY": sl is not None and _valid(int(sl[3]), int(sl[2]), int(sl[1])),
        "MM/DD/YYYY": sl is not None and _valid(int(sl[3]), int(sl[1]), int(sl[2])),
    }


def _in_range(d: dt.date) -> bool:
    return EARLIEST <= d <= LATEST


def _out_of_range(shown: str, file: str | Path | None, row: int | None, column: str) -> InputError:
    """The error for a date (written `shown` in the file) outside the dates a report can use."""
    return InputError(
        file,
        f"{shown} is outside the dates a report can use; expected a date from {EARLIEST.year} to {LATEST.year}",
        row=row,
        column=column,
    )


def parse_date_column(
    values: pd.Series, *, file: str | Path | None, column: str, first_row: int = 2, rows: pd.Series | None = None
) -> tuple[pd.Series, str]:
    """Parse a column of dates; return (datetime64 series with NaT for blanks, the format used).

    `first_row` is the spreadsheet row number of values.iloc[0], for messages; or `rows` gives each value's.
    """
    if rows is not None:
        numbers = [int(r) for r in rows]
        first_row = 0

        def _row_of(values: pd.Series, value: object, first_row: int) -> int | None:
            hits = (values == value).to_numpy().nonzero()[0]
            return numbers[int(hits[0])] if len(hits) else None
    else:
        _row_of = _row_in
    uniques = pd.unique(values)  # in order of first appearance, so the first bad value is the first in the file
    text = [v for v in uniques if isinstance(v, str) and v != ""]
    parsed: dict[object, object] = {"": pd.NaT, None: pd.NaT}
    for v in uniques:
        if isinstance(v, (dt.datetime, dt.date)):
            day = v.date() if isinstance(v, dt.datetime) else v
            if not _in_range(day):
                raise _out_of_range(day.isoformat(), file, _row_of(values, v, first_row), column)
            parsed[v] = pd.Timestamp(day)
        elif not isinstance(v, str) and v is not None and not (isinstance(v, float) and v != v):
            raise InputError(
                file,
                f"{str(v)!r} is not a date; expected DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD",
                row=_row_of(values, v, first_row),
                column=column,
            )
    chosen = "spreadsheet dates" if len(parsed) > 2 else "none"
    if text:
        fits = {f: True for f in FORMATS}
        first_fit: dict[str, str] = {}  # format → the first value that fits only formats including it
        for v in text:
            ok = _fits(v)
            if not any(ok.values()):
                raise InputError(
                    file,
                    f"{_quote(v)} is not a date; expected DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD",
                    row=_row_of(values, v, first_row),
                    column=column,
                )
            still = {f: fits[f] and ok[f] for f in FORMATS}
            if not any(still.values()):
                # This value fits none of the formats every value before it fits: it is the one out of step.
                before = [f for f in FORMATS if fits[f]]
                earlier = next(first_fit[f] for f in before if f in first_fit)
                mine = " or ".join(_SHOWN[f] for f in FORMATS if ok[f])
                theirs = " or ".join(_SHOWN[f] for f in before)
                raise InputError(
                    file,
                    f"mixed date formats: {_quote(v)} is only valid as {mine} but {_quote(earlier)} on row "
                    f"{_row_of(values, earlier, first_row)} is only valid as {theirs}; expected one format for the "
                    "whole column",
                    row=_row_of(values, v, first_row),
                    column=column,
                )
            for f in FORMATS:
                if still[f]:
                    first_fit.setdefault(f, v)
            fits = still
        candidates = [f for f in FORMATS if fits[f]]
        if candidates == ["DD/MM/YYYY", "MM/DD/YYYY"]:
            raise InputError(
                file,
                "dates are ambiguous: every day is 12 or less, so DD/MM/YYYY and MM/DD/YYYY both fit; "
                "save the column as spreadsheet dates or as YYYY-MM-DD",
                column=column,
            )
        fmt = candidates[0]
        if chosen == "spreadsheet dates":
            chosen = f"spreadsheet dates and {fmt}"
        else:
            chosen = fmt
        for v in text:
            if fmt == "ISO":
                m = _ISO.match(v)
                assert m is not None  # chosen because every value fits it
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            else:
                m = _SLASHED.match(v)
                assert m is not None
                a, b, y = int(m[1]), int(m[2]), int(m[3])
                day = dt.date(y, b, a) if fmt == "DD/MM/YYYY" else dt.date(y, a, b)
            if not _in_range(day):
                raise _out_of_range(_quote(v), file, _row_of(values, v, first_row), column)
            parsed[v] = pd.Timestamp(day)
    out = pd.to_datetime(values.map(parsed), errors="raise")
    return out.astype("datetime64[ns]"), chosen


def _quote(v: str) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:50] + f"…' ({len(v):,} characters)"


def _row_in(values: pd.Series, value: object, first_row: int) -> int | None:
    hits = (values == value).to_numpy().nonzero()[0]
    return first_row + int(hits[0]) if len(hits) else None


# ---- the council's own records: one reading said once (day-first unless the council says month-first) ----------

_SLASHED_SHORT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})(?:[ T]00:00(?::00)?)?$")
#: The readings a council may name for its records (params `options.records_date_order`).
DATE_ORDERS = ("day-first", "month-first")
_ORDER_SHOWN = {"day-first": "DD/MM/YYYY", "month-first": "MM/DD/YYYY"}


@dataclass(frozen=True)
class DateReading:
    """How a council's records write dates: `order` for slashed dates (ISO and spreadsheet dates need none), and
    `near_year` the year two-digit years are read close to (the period's end: `01/04/25` is 2025 in a 2025-26
    report); without it a two-digit year is refused."""

    order: str = "day-first"
    near_year: int | None = None
    #: Dates a record cannot hold: after the day of the run (a visit or a case that has not happened: 2052-06-03
    #: typed for 2025-06-03), before the earliest date the report uses. None: only the 1900-2199 bounds.
    today: dt.date | None = None
    earliest: dt.date | None = None


def _century(two_digits: int, near_year: int) -> int:
    """The four-digit year ending in `two_digits` nearest `near_year` (25 near 2026 is 2025; 99 near 2026 is 1999)."""
    return min((c + two_digits for c in (1800, 1900, 2000, 2100, 2200)), key=lambda y: (abs(y - near_year), y))


def _read_one(v: str, reading: DateReading) -> tuple[dt.date | None, str]:
    """A text date read as `reading` says: (the date, "") or (None, why: "other-order", "two-digit", "not-a-date")."""
    iso = _ISO.match(v)
    if iso is not None:
        ok = _valid(int(iso[1]), int(iso[2]), int(iso[3]))
        return (dt.date(int(iso[1]), int(iso[2]), int(iso[3])), "") if ok else (None, "not-a-date")
    long, short = _SLASHED.match(v), _SLASHED_SHORT.match(v)
    m = long or short
    if m is None:
        return None, "not-a-date"
    a, b = int(m[1]), int(m[2])
    if long is None:
        if reading.near_year is None:
            return None, "two-digit"
        y = _century(int(m[3]), reading.near_year)
    else:
        y = int(m[3])
    d, mo = (a, b) if reading.order == "day-first" else (b, a)
    if _valid(y, mo, d):
        return dt.date(y, mo, d), ""
    return None, ("other-order" if _valid(y, d, mo) else "not-a-date")


def _rows_text(rows: list[int]) -> str:
    """'row 7', 'rows 7, 9 and 12', or the first ten and how many more."""
    shown = [str(r) for r in rows]
    if len(shown) == 1:
        return f"row {shown[0]}"
    if len(shown) <= 10:
        return f"rows {', '.join(shown[:-1])} and {shown[-1]}"
    return f"rows {', '.join(shown[:10])} and {len(shown) - 10:,} more"


def read_record_dates(
    values: pd.Series, rows: Sequence[int], *, file: str | Path, column: str, reading: DateReading
) -> tuple[pd.Series, list[InputError]]:
    """A council record's date column read one way (`reading`), never switched by what the values hold.

    Returns (datetime64 series, NaT for blanks and for refused cells; every problem found, one InputError each per
    kind of problem naming all its rows). A date valid only in the other order (04/25/2025 read day-first) is
    refused with the rows of every such date, as is a date in no format and one outside what a report can use.
    """
    out: list[object] = []
    problems: dict[str, list[tuple[int, str]]] = {
        k: [] for k in ("other-order", "two-digit", "not-a-date", "range", "future", "early")
    }
    for v, row in zip(values, rows):
        day: dt.date | None = None
        if isinstance(v, (dt.datetime, dt.date)):
            day = v.date() if isinstance(v, dt.datetime) else v
        elif isinstance(v, str) and v.strip() != "":
            day, why = _read_one(v.strip(), reading)
            if day is None:
                problems[why].append((int(row), v.strip()))
        elif v is not None and not (isinstance(v, str) or (isinstance(v, float) and v != v)):
            problems["not-a-date"].append((int(row), str(v)))
        if day is not None and not _in_range(day):
            problems["range"].append((int(row), _quote(v.strip()) if isinstance(v, str) else day.isoformat()))
            day = None
        elif day is not None and reading.today is not None and day > reading.today:
            problems["future"].append((int(row), day.isoformat()))
        elif day is not None and reading.earliest is not None and day < reading.earliest:
            problems["early"].append((int(row), day.isoformat()))
        out.append(pd.NaT if day is None else pd.Timestamp(day))
    return pd.Series(out, index=values.index, dtype="datetime64[ns]"), _date_errors(problems, file, column, reading)


def _date_errors(
    problems: dict[str, list[tuple[int, str]]], file: str | Path, column: str, reading: DateReading
) -> list[InputError]:
    errors = []
    mine, other = (
        _ORDER_SHOWN[reading.order],
        _ORDER_SHOWN["month-first" if reading.order == "day-first" else "day-first"],
    )
    switch = "month-first" if reading.order == "day-first" else "day-first"
    if found := problems["other-order"]:
        rows = [r for r, _ in found]
        errors.append(
            InputError(
                file,
                f"{_quote(found[0][1])}{' on ' + _rows_text(rows) if len(rows) > 1 else ''} "
                f"{'is' if len(found) == 1 else f'and {len(found) - 1:,} other date(s) are'} only valid as {other}, "
                f"but this file's dates are read {reading.order} ({mine}); expected every date {mine}: write "
                f"{'it' if len(found) == 1 else 'them'} as {mine} or YYYY-MM-DD (or, if the whole file is "
                f"{switch}, set options.records_date_order: {switch})",
                row=rows[0],
                column=column,
            )
        )
    if found := problems["two-digit"]:
        errors.append(
            InputError(
                file,
                f"{_quote(found[0][1])}{' on ' + _rows_text([r for r, _ in found]) if len(found) > 1 else ''} has "
                "a two-digit year; expected "
                f"a four-digit year ({mine} or YYYY-MM-DD)",
                row=found[0][0],
                column=column,
            )
        )
    for r, v in problems["not-a-date"]:
        errors.append(
            InputError(file, f"{_quote(v)} is not a date; expected {mine} or YYYY-MM-DD", row=r, column=column)
        )
    for r, v in problems["range"]:
        errors.append(_out_of_range(v, file, r, column))
    for kind, bound, when in (
        ("future", reading.today, "after the day of this run"),
        ("early", reading.earliest, "before the earliest date the report uses"),
    ):
        for r, v in problems[kind]:
            errors.append(
                InputError(
                    file,
                    f"{v} is {when} ({bound}); expected the date it happened (is the year mistyped?)",
                    row=r,
                    column=column,
                )
            )
    return errors
