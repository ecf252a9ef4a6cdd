"""Small helpers that build sentences from numbers, so no number in the report is typed by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pandas as pd

from carequality.facts import Fact, mark


def _n(n: int | Fact) -> tuple[int, str]:
    """A count and its text as a sentence writes it: a Fact's value, marked as that fact (docs/facts.md); a plain
    int as it is (only for numbers that are not a reader's: the audit flags any in a report's sentences)."""
    if isinstance(n, Fact):
        v = int(n.value or 0)
        return v, mark(n.id, f"{v:,}")
    return int(n), f"{int(n):,}"


def upper_first(text: str) -> str:
    """The text with its first letter a capital and the rest as written: 'monthly counts of CQC ratings for England'
    → 'Monthly counts of CQC ratings for England' (str.capitalize would write 'cqc' and 'england')."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The text with its first letter small, to run on inside a sentence, unless its first word is a name written in
    capitals ('CQC ratings …' stays as it is): 'Locations in York' → 'locations in York'."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def plural(n: int | Fact, singular: str, plural_form: str | None = None) -> str:
    v, shown = _n(n)
    word = singular if v == 1 else (plural_form or singular + "s")
    return f"{shown} {word}"


def _v(n: int | Fact) -> int:
    return _n(n)[0]


def was_were(n: int | Fact) -> str:
    return "was" if _v(n) == 1 else "were"


def is_are(n: int | Fact) -> str:
    return "is" if _v(n) == 1 else "are"


def has_have(n: int | Fact) -> str:
    return "has" if _v(n) == 1 else "have"


def n_are(n: int | Fact, zero: str = "none") -> str:
    """'none is', '1 is', '3 are': a count and its verb, with natural zero."""
    v, shown = _n(n)
    return f"{_zero(n, zero)} is" if not v else f"{shown} {is_are(v)}"


def _zero(n: int | Fact, zero: str) -> str:
    """The word for a zero count, marked as its fact when it is one (so the audit knows it)."""
    return mark(n.id, zero) if isinstance(n, Fact) else zero


def number_or_none(n: int | Fact, zero: str = "none") -> str:
    """'none' for 0 (natural zero in a sentence: "none declined"), else the number: '3', '1,204'."""
    v, shown = _n(n)
    return _zero(n, zero) if not v else shown


def previous_period_phrase(now: int | Fact, before: int | Fact, noun: str = "period") -> str:
    """'down from 7 in the previous period', 'up from 1 …' or 'the same number as in the previous period'
    (`noun`: period_noun's word for the period, "quarter" say)."""
    a, b = _v(now), _v(before)
    if a < b:
        return f"down from {_n(before)[1]} in the previous {noun}"
    if a > b:
        return f"up from {number_or_none(before)} in the previous {noun}"
    return f"the same number as in the previous {noun}"


def net_change_phrase(now: int, before: int, noun: str = "") -> str:
    """'a net increase of 1', 'a net decrease of 8' or 'no change' (with an optional noun after the number)."""
    d = int(now) - int(before)
    tail = f" {noun}" if noun else ""
    if d > 0:
        return f"a net increase of {d:,}{tail}"
    if d < 0:
        return f"a net decrease of {-d:,}{tail}"
    return "no change"


def format_percent(value: float | None) -> str:
    """A share as the report shows it: always one decimal place ('90.0%', '84.8%'), so that precision never
    changes between tables and sentences; the value is rounded once, by measures.shares.percent; '–' for none."""
    if value is None:
        return "–"
    return f"{float(value):.1f}%"


def format_threshold(value: float) -> str:
    """A threshold the council sets ('80%', '82.5%'): written as given, not as a measured share."""
    return f"{value:g}%"


def long_date(d: dt.date | pd.Timestamp | None) -> str:
    if d is None or pd.isna(d):
        return "a date not given"
    return f"{d.day} {d:%B %Y}"


def short_date(d: Any) -> str:
    """'3 Mar 2025': a date in a column heading."""
    ts = pd.Timestamp(d)
    return f"{ts.day} {ts:%b %Y}"


def join_words(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def dated_words(items: list[tuple[str, object]], own: object) -> str:
    """'A in the region, B in the peer group and C in England, all on 28 February 2026': things each as of a date,
    joined, the date said once when they share one that is not `own` (the date the sentence already gives); each
    its own date when they differ; none when a date is `own` or None."""
    dates = [d for _, d in items]
    if len(items) > 1 and dates[0] is not None and dates[0] != own and all(d == dates[0] for d in dates):
        return f"{join_words([t for t, _ in items])}, all on {long_date(dates[0])}"
    return join_words([t if d is None or d == own else f"{t} on {long_date(d)}" for t, d in items])


def month_words(month: str) -> str:
    """'2025-03' → 'March 2025': a month in a sentence, written as the sentence's dates are ('31 March 2025'); tables
    and chart axes keep the short `month_label`."""
    return pd.Period(month, freq="M").strftime("%B %Y")


def month_label(month: str) -> str:
    """'2025-03' → 'Mar 2025'."""
    return pd.Period(month, freq="M").strftime("%b %Y")


def n_of_n(n: int, total: int, share: float | None) -> str:
    """The headline measure as the report always writes it: '82 of 102 (80.4%)'; 'none of 0' has no share."""
    if share is None:
        return f"{n:,} of {total:,}"
    return f"{n:,} of {total:,} ({format_percent(share)})"


def signed_points(points: float) -> str:
    """A change of a share as a table cell or a chart label writes it: '+1.2 percentage points', '−0.4 percentage
    points' (a true minus sign), or 'no change'."""
    p = float(points)
    return "no change" if p == 0 else f"{'+' if p > 0 else '−'}{abs(p):.1f} percentage points"


def points_phrase(points: float | None) -> str:
    """A change of a share: 'up 1.2 percentage points', 'down 0.4 percentage points' or 'unchanged'."""
    if points is None:
        return "no figure"
    if points == 0:
        return "unchanged"
    word = "percentage point" if abs(points) == 1 else "percentage points"
    return f"{'up' if points > 0 else 'down'} {abs(points):.1f} {word}"


def count_phrase(n: int | Fact, singular: str, plural_form: str | None = None, *, zero: str = "no") -> str:
    """'no locations', '1 location', '3 locations': natural zero and singular."""
    if _v(n) == 0:
        return f"{_zero(n, zero)} {plural_form or singular + 's'}"
    return plural(n, singular, plural_form)


#: A status against the council's standard, never by colour alone: a shape and a word as well.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "green": ("●", "Green"),
    "amber": ("▲", "Amber"),
    "red": ("■", "Red"),
}


def status_label(status: str) -> str:
    """'● Green', '▲ Amber' or '■ Red'."""
    symbol, word = STATUS_LABELS[status]
    return f"{symbol} {word}"


def names_phrase(names: list[str], limit: int = 5) -> str:
    """'A, B and C'; past `limit` names, 'A, B, C, D, E and 3 more'."""
    if len(names) <= limit:
        return join_words(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"


def period_noun(start: dt.date, end: dt.date) -> str:
    """What a reporting period is called in sentences: "quarter" for three whole calendar months, "month" for one,
    otherwise "period" (a year's report says "the period", as it always has)."""
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if not whole:
        return "period"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return {1: "month", 3: "quarter"}.get(months, "period")


#: Where the report lists the rows of data it could not use: its own "Data quality" section in the analyst's
#: report; the method and data annex (a background paper) in the committee paper (Report.show sets it).
_DATA_QUALITY_IN_ANNEX: ContextVar[bool] = ContextVar("data_quality_in_annex", default=False)


def data_quality_place() -> str:
    """'under Data quality', or 'in the method and data annex, under Data quality' while a committee paper's
    section is built (its Data quality section is in the annex, not the paper)."""
    if _DATA_QUALITY_IN_ANNEX.get():
        return "in the method and data annex, under Data quality"
    return "under Data quality"


@contextmanager
def data_quality_in_annex(in_annex: bool) -> Iterator[None]:
    """While it lasts, data_quality_place() points to the method and data annex when `in_annex`."""
    token = _DATA_QUALITY_IN_ANNEX.set(in_annex)
    try:
        yield
    finally:
        _DATA_QUALITY_IN_ANNEX.reset(token)
