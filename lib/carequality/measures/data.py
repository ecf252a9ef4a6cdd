"""A report's data as frames with stable, documented names: the questions a committee asks after the meeting.

`report.data` (carequality.report) is a `ReportData`; docs/recipes.md answers common questions from it, each
recipe run by tests/measures/test_data.py, and notebooks/explore.ipynb opens it for any params file. Every frame
is a copy built from the same model the report's sections use, so an answer agrees with the report's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carequality import vocab
from carequality.measures.changes import rating_changes
from carequality.measures.qa import commissioned, overall_at, qa_context
from carequality.model.build import Model
from carequality.model.history import ratings_at
from carequality.params import ReportParams

#: The columns of ReportData.locations, in order.
LOCATION_COLUMNS: tuple[str, ...] = (
    "location_id",
    "location_name",
    "provider_id",
    "provider_name",
    "category",
    "care_home",
    "service_types",
    "beds",
    "overall_rating",
    "publication_date",
    "commissioned",
    "funded_clients",
    "annual_spend",
)
#: The columns of ReportData.commissioned, in order.
COMMISSIONED_COLUMNS: tuple[str, ...] = (
    "location_id",
    "location_name",
    "provider_name",
    "category",
    "care_home",
    "service_type",
    "contract_type",
    "funded_clients",
    "annual_spend",
    "in_area",
    "known",
    "overall_rating",
    "rating_before",
    "change",
)
#: ReportData.commissioned's `change`: the overall rating now against the one at the previous period's end.
CHANGES: tuple[str, ...] = ("Improved", "Declined", "Unchanged", "First rating")


@dataclass(frozen=True)
class ReportData:
    """The frames behind one report (docs/recipes.md lists every column).

    - `locations`: one row per adult social care location in the council's area at the CQC data's date, with its
      overall rating, beds (where the inputs give them) and whether, and how much, the council commissions there.
    - `commissioned`: one row per location in the commissioned-services file (in the area or out of it), with
      its rating now and at the previous period's end and the `change` between them; empty without that file.
    - `ratings`: one row per location and key question (Overall included): location_id, key_question, rating.
    - `rating_changes`: each graded overall rating published in the period against the one before it (needs a
      ratings history; None without one).
    - `risk_register`, `qa_visits`, `inspection_themes`: the council's own files as read (None where not given).
    - `data_quality`: the report's data-quality table.
    """

    council: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    as_of: pd.Timestamp | None
    locations: pd.DataFrame
    commissioned: pd.DataFrame
    ratings: pd.DataFrame
    rating_changes: pd.DataFrame | None
    risk_register: pd.DataFrame | None
    qa_visits: pd.DataFrame | None
    inspection_themes: pd.DataFrame | None
    data_quality: pd.DataFrame


def change_between(before: object, now: object) -> str:
    """Improved, Declined, Unchanged or First rating (no graded rating before); "" when there is no graded rating
    now or the rating before is not known."""
    rank = {w: i for i, w in enumerate(vocab.GRADED)}
    now, before = str(now), "" if pd.isna(before) else str(before)
    if now not in rank:
        return ""
    if before not in rank:
        return "First rating"
    return "Improved" if rank[now] < rank[before] else "Declined" if rank[now] > rank[before] else "Unchanged"


def locations_frame(model: Model) -> pd.DataFrame:
    """ReportData.locations: the area's locations with what the council's commissioned-services file says of them."""
    loc = model.locations.copy()
    if "beds" not in loc.columns:
        loc["beds"] = pd.array([pd.NA] * len(loc), dtype="Int64")
    if "service_types" not in loc.columns:
        loc["service_types"] = ""
    com = model.records.commissioned_by_location
    by_id = com.set_index("location_id") if com is not None else None
    loc["commissioned"] = loc["location_id"].isin(set(by_id.index)) if by_id is not None else False
    for c, dtype in (("funded_clients", "Int64"), ("annual_spend", "Float64")):
        values = loc["location_id"].map(by_id[c]) if by_id is not None else pd.Series(pd.NA, index=loc.index)
        loc[c] = values.astype(dtype)
    loc["overall_rating"] = loc["overall_rating"].astype(str)
    return loc[list(LOCATION_COLUMNS)].reset_index(drop=True)


def commissioned_frame(model: Model, params: ReportParams) -> pd.DataFrame:
    """ReportData.commissioned: the commissioned-services file with CQC's attributes, the overall rating at the
    previous period's end (from the ratings history; missing without one) and the change to the rating now."""
    ctx = qa_context(model, params)
    frame = commissioned(model, ctx)
    if frame is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in COMMISSIONED_COLUMNS})
    frame = frame.copy()
    frame["care_home"] = frame["category"].eq(vocab.RESIDENTIAL)
    frame["overall_rating"] = frame["overall_rating"].fillna("").astype(str)
    if ctx.history is not None:
        before = overall_at(ratings_at(ctx.history, params.period.previous.end))
        frame["rating_before"] = frame["location_id"].map(before).astype(object).where(lambda s: s.notna(), "")
        frame["rating_before"] = frame["rating_before"].astype(str)
        frame["change"] = [change_between(b, n) for b, n in zip(frame["rating_before"], frame["overall_rating"])]
    else:
        frame["rating_before"] = pd.NA
        frame["change"] = ""
    return frame[list(COMMISSIONED_COLUMNS)].sort_values("location_id", kind="stable").reset_index(drop=True)


def report_data(model: Model, params: ReportParams) -> ReportData:
    """Every frame of ReportData for this model and params."""
    by_kq = model.ratings_by_location_key_question
    ratings = by_kq[["location_id", "key_question", "rating"]].assign(rating=by_kq["rating"].astype(str))
    history = model.history
    rec = model.records
    return ReportData(
        council=params.council.name,
        period_start=pd.Timestamp(params.period.start),
        period_end=pd.Timestamp(params.period.end),
        as_of=model.as_of,
        locations=locations_frame(model),
        commissioned=commissioned_frame(model, params),
        ratings=ratings.reset_index(drop=True),
        rating_changes=None if history is None else rating_changes(history, params.period.start, params.period.end),
        risk_register=None if rec.risk_by_case_opened is None else rec.risk_by_case_opened.copy(),
        qa_visits=None if rec.visits_by_location_date is None else rec.visits_by_location_date.copy(),
        inspection_themes=None if rec.issues_by_location_report is None else rec.issues_by_location_report.copy(),
        data_quality=model.data_quality.copy(),
    )
