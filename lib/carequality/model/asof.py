"""The one "as of" date of a report: the day CQC's data end.

Defined once here and stored on the Model (`Model.as_of`); the title block, the method note, the market,
history and benchmark sections all use it. It is the latest date CQC's inputs record: a report's publication
(ratings file, API, monthly files), an assessment's publication, a registration or a deregistration (API, monthly
files), or a monthly file's own date. Dates after the day of the run are not data (the loaders list them under
data quality) and are ignored. Inputs other than CQC's (the council's records, benchmark counts, LG Inform series)
have their own dates, given in the method note, and do not move it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from carequality.sources.frames import History


def cqc_as_of(
    *,
    publication_dates: Iterable[pd.Series] = (),
    history: History | None = None,
    file_dates: Iterable[object] = (),
    today: dt.date | None = None,
) -> pd.Timestamp | None:
    """The latest date in CQC's inputs on or before `today` (default: the day of the run), or None.

    `publication_dates`: columns of publication dates (a ratings file's); `history`: a ratings history (its report,
    registration and deregistration dates); `file_dates`: the dates monthly files carry in their names.
    """
    limit = pd.Timestamp(today or dt.date.today())
    columns = [pd.to_datetime(c) for c in publication_dates]
    if history is not None:
        columns += [
            history.outcomes_by_location_date_key_question["report_date"],
            history.locations_all["registration_date"],
            history.locations_all["deregistration_date"],
        ]
    columns.append(pd.to_datetime(pd.Series(list(file_dates), dtype=object)))
    latest = [c[c <= limit].max() for c in columns if len(c)]
    latest = [d for d in latest if not pd.isna(d)]
    return pd.Timestamp(max(latest)).normalize() if latest else None


def figures_date(end: dt.date, as_of: pd.Timestamp | None) -> dt.date:
    """The day "at the end of the period" figures describe: the period end, or the as-of date when the data end
    before it (no figure is dated after the data)."""
    if as_of is None or pd.isna(as_of):
        return end
    return min(end, as_of.date())


def data_end_before(end: dt.date, as_of: pd.Timestamp | None) -> bool:
    """Whether CQC's data end before the period does."""
    return as_of is not None and not pd.isna(as_of) and as_of.date() < end
