"""Small helpers that build sentences from numbers, so no number in the report is typed by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def format_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def long_date(d: dt.date | pd.Timestamp | None) -> str:
    if d is None or pd.isna(d):
        return "unknown date"
    return f"{d.day} {d:%B %Y}"


def join_words(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def month_label(month: str) -> str:
    """'2025-03' → 'Mar 2025'."""
    return pd.Period(month, freq="M").strftime("%b %Y")
