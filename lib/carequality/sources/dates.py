"""Dates in CQC and council files: decided once per file (column), never per row.

Spreadsheet date cells arrive as date objects. Text dates may be ISO (YYYY-MM-DD), DD/MM/YYYY (CQC's
own files) or MM/DD/YYYY (files that went through a US-locale spreadsheet, like the Lincolnshire extract).
A column is read with the one format that fits every value; when both DD/MM and MM/DD fit every value
(every day is 12 or less) the file is ambiguous and we say so rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from carequality.errors import InputError

_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]00:00(?::00)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")

FORMATS = ("ISO", "DD/MM/YYYY", "MM/DD/YYYY")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_date_column(values: pd.Series, *, file: object, column: str, first_row: int) -> tuple[pd.Series, str]:
    """Parse a column of dates; return (datetime64 series with NaT for blanks, the format used).

    `first_row` is the spreadsheet row number of values.iloc[0], for messages.
    """
    uniques = pd.unique(values)
    text = [v for v in uniques if isinstance(v, str) and v != ""]
    parsed: dict[object, object] = {"": pd.NaT, None: pd.NaT}
    for v in uniques:
        if isinstance(v, (dt.datetime, dt.date)):
            parsed[v] = pd.Timestamp(v).normalize()
    chosen = "spreadsheet dates" if len(parsed) > 2 else "none"
    if text:
        fits = {f: True for f in FORMATS}
        first_bad: dict[str, str] = {}
        for v in text:
            iso = _ISO.match(v)
            sl = _SLASHED.match(v)
            ok = {
                "ISO": bool(iso) and _valid(int(iso[1]), int(iso[2]), int(iso[3])),
                "DD/MM/YYYY": bool(sl) and _valid(int(sl[3]), int(sl[2]), int(sl[1])),
                "MM/DD/YYYY": bool(sl) and _valid(int(sl[3]), int(sl[1]), int(sl[2])),
            }
            for f in FORMATS:
                if fits[f] and not ok[f]:
                    fits[f] = False
                    first_bad.setdefault(f, v)
        candidates = [f for f in FORMATS if fits[f]]
        if not candidates:
            dmy, mdy = first_bad.get("DD/MM/YYYY"), first_bad.get("MM/DD/YYYY")
            bad = _first_unparseable(text)
            if bad is None and dmy is not None and mdy is not None:
                raise InputError(
                    file,
                    f"mixed date formats: {mdy!r} is only valid as DD/MM/YYYY and {dmy!r} only as MM/DD/YYYY; "
                    "expected one format for the whole column",
                    row=_row_of(values, mdy, first_row),
                    column=column,
                )
            raise InputError(
                file,
                f"{bad!r} is not a date; expected DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD",
                row=_row_of(values, bad, first_row),
                column=column,
            )
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
                parsed[v] = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
            else:
                m = _SLASHED.match(v)
                a, b, y = int(m[1]), int(m[2]), int(m[3])
                parsed[v] = pd.Timestamp(y, b, a) if fmt == "DD/MM/YYYY" else pd.Timestamp(y, a, b)
    out = pd.to_datetime(values.map(parsed), errors="raise")
    return out.astype("datetime64[ns]"), chosen


def _first_unparseable(text: list[str]) -> str | None:
    for v in text:
        if not (_ISO.match(v) or _SLASHED.match(v)):
            return v
    return None


def _row_of(values: pd.Series, value: object, first_row: int) -> int | None:
    hits = (values == value).to_numpy().nonzero()[0]
    return first_row + int(hits[0]) if len(hits) else None
