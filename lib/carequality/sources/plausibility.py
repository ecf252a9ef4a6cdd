"""What real CQC data cannot hold, flagged for the data-quality table (issue 20): a single-assessment rating (a
rating by service group, or a key-question score) published before CQC's single assessment framework began in
November 2023, and a rating published after the date the file itself gives in its name (CQC names its monthly
files by the day they were made: "01 June 2026", "2026-06-01").

One function, `implausible_ratings`, called where the ratings file's other data-quality rows are gathered
(model/build.py); it knows no params.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from carequality.sources.dates import MONTH_NAMES

#: The first day CQC published ratings under its single assessment framework.
SINGLE_ASSESSMENT_FROM = pd.Timestamp("2023-11-01")
_MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, 1)}
COLUMNS = ["file", "row", "location_id", "issue"]


def file_date(path: Path) -> dt.date | None:
    """The day a CQC file's name gives ('01_June_2026_…', 'HSCA_2026-06-01.csv'), or None."""
    name = path.name.lower().replace("_", " ").replace("-", " ")
    m = re.search(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b", name)
    try:
        if m:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        m = re.search(r"\b(20\d\d) (\d\d) (\d\d)\b", name)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def implausible_ratings(tidy: pd.DataFrame, path: Path, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Data-quality rows (file, row, location_id, issue), one a location and kind, for ratings real CQC data cannot
    hold. `tidy` is a ratings file's ratings by location, service group and key question; `scores` its key-question
    scores (single assessments), where it has them."""
    out = []
    groups = tidy[(tidy["service_group"].astype(str) != "Overall") & tidy["publication_date"].notna()]
    early = groups[groups["publication_date"] < SINGLE_ASSESSMENT_FROM].drop_duplicates("location_id")
    for r in early.itertuples():
        out.append(
            (
                r.row,
                r.location_id,
                f"a rating by service group (CQC's single assessment) published on "
                f"{r.publication_date.date().isoformat()}, before the single assessment framework began in "
                "November 2023; counted as CQC gives it",
            )
        )
    if scores is not None and len(scores) and "published" in scores:
        s = scores[pd.to_datetime(scores["published"]) < SINGLE_ASSESSMENT_FROM].drop_duplicates("location_id")
        for r in s.itertuples():
            out.append(
                (
                    pd.NA,
                    r.location_id,
                    f"a single-assessment score published on "
                    f"{pd.Timestamp(r.published).date().isoformat()}, before the single assessment framework "
                    "began in November 2023",
                )
            )
    day = file_date(path)
    if day is not None:
        late = tidy[tidy["publication_date"] > pd.Timestamp(day)].drop_duplicates("location_id")
        for r in late.itertuples():
            out.append(
                (
                    r.row,
                    r.location_id,
                    f"a rating published on {r.publication_date.date().isoformat()}, "
                    f"after the date of the file itself ({day.isoformat()})",
                )
            )
    frame = pd.DataFrame(out, columns=["row", "location_id", "issue"])
    frame.insert(0, "file", path.name)
    frame["row"] = frame["row"].astype(object)
    return frame[COLUMNS]
