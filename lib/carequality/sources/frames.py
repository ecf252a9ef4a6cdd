"""The frames the CQC history loaders return (sources/cqc_api.py, sources/snapshots.py): their columns,
dtypes and the `History` that holds them. Queries on a History (ratings at a date, active locations …) are in
model/history.py.

Frames, named by their grain:

- ``outcomes_by_location_date_key_question``: one row per location × report (publication) date × key question
  rated in that report (Overall included). Focused inspections list only the key questions they rated.
  Columns: location_id, report_date, key_question, rating, source ("api" or the snapshot file name) and
  inherited (True for a rating inherited from a previous provider: it counts for ratings at a date but is not
  an inspection of this location).
- ``locations_all``: one row per location ever seen, deregistered included.
- ``data_quality``: what a loader could not use as it is (file, row or field, location id, issue).
- ``assessments_by_location_service_group`` and ``quality_statements_by_location_assessment``: the Single
  Assessment Framework's blocks (API only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from carequality import vocab

OUTCOME_COLUMNS = ("location_id", "report_date", "key_question", "rating", "source", "inherited")
LOCATION_COLUMNS = (
    "location_id",
    "location_name",
    "provider_id",
    "provider_name",
    "category",
    "care_home",
    "local_authority",
    "region",
    "registration_date",
    "deregistration_date",
    "registration_status",
    "dormancy",
    "beds",
    "service_types",
    "inspection_directorate",
    "location_type",
    "postcode",
    "registered_manager_absent_date",
    "dates_source",
)
DATA_QUALITY_COLUMNS = ("file", "row", "location_id", "issue")
DATE_COLUMNS = ("registration_date", "deregistration_date", "registered_manager_absent_date")
ASSESSMENT_COLUMNS = (
    "location_id",
    "published",
    "assessment_plan_id",
    "service_group",
    "rating",
    "assessment_date",
    "status",
)
QUALITY_STATEMENT_COLUMNS = (
    "location_id",
    "assessment_plan_id",
    "service_group",
    "key_question",
    "key_question_score_percent",
    "quality_statement_id",
    "quality_statement",
    "score",
    "score_text",
    "status",
)


def empty_outcomes() -> pd.DataFrame:
    return normalise_outcomes(pd.DataFrame({c: [] for c in OUTCOME_COLUMNS}))


def empty_locations() -> pd.DataFrame:
    return normalise_locations(pd.DataFrame({c: [] for c in LOCATION_COLUMNS}))


def empty_data_quality() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in DATA_QUALITY_COLUMNS})


def normalise_outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    """Outcome rows with the contract's dtypes, in a stable order (location, date, key question in report order)."""
    out = frame.copy()
    if "inherited" not in out.columns:
        out["inherited"] = False
    out = out[list(OUTCOME_COLUMNS)]
    out["location_id"] = out["location_id"].astype(str)
    out["report_date"] = pd.to_datetime(out["report_date"]).astype("datetime64[ns]")
    out["key_question"] = out["key_question"].astype(str)
    out["rating"] = out["rating"].astype(str).astype(vocab.RATING_DTYPE)
    out["source"] = out["source"].astype(str)
    out["inherited"] = out["inherited"].fillna(False).astype(bool)
    order = out["key_question"].map(vocab.DOMAIN_ORDER)
    out = out.assign(_kq=order).sort_values(["location_id", "report_date", "_kq", "source"], kind="stable")
    return out.drop(columns="_kq").reset_index(drop=True)


def normalise_locations(frame: pd.DataFrame) -> pd.DataFrame:
    """Location rows with the contract's dtypes, sorted by location id."""
    out = frame.copy()
    for c in LOCATION_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    text = [c for c in LOCATION_COLUMNS if c not in DATE_COLUMNS and c not in ("care_home", "beds")]
    for c in text:
        out[c] = out[c].fillna("").astype(str)
    for c in DATE_COLUMNS:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    out["care_home"] = out["care_home"].fillna(False).astype(bool)
    out["beds"] = pd.to_numeric(out["beds"]).astype("Int64")
    extra = [c for c in out.columns if c not in LOCATION_COLUMNS]
    return out[list(LOCATION_COLUMNS) + extra].sort_values("location_id", kind="stable").reset_index(drop=True)


@dataclass
class History:
    """Every inspection outcome and every location the history inputs know of, plus what could not be used."""

    outcomes_by_location_date_key_question: pd.DataFrame
    locations_all: pd.DataFrame
    data_quality: pd.DataFrame = field(default_factory=empty_data_quality)
    #: Single Assessment Framework: one row per location × assessment × service group (API only).
    assessments_by_location_service_group: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: [] for c in ASSESSMENT_COLUMNS})
    )
    #: Single Assessment Framework: one row per location × assessment × quality statement, with its score.
    quality_statements_by_location_assessment: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: [] for c in QUALITY_STATEMENT_COLUMNS})
    )

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The latest report date in the history."""
        d = self.outcomes_by_location_date_key_question["report_date"].max()
        return None if pd.isna(d) else d
