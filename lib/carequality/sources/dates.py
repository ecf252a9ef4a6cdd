"""Dates in CQC and council files: decided once per file (column), never per row.

Spreadsheet date cells arrive as date objects. Text dates may be ISO (YYYY-MM-DD), DD/MM/YYYY (CQC's
own files) or MM/DD/YYYY (files that went through a US-locale spreadsheet, like the Lincolnshire extract).
A column is read with the one format that fits every value; when both DD/MM and MM/DD fit every value
(every day is 12 or less) the file is ambiguous and we say so rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
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
