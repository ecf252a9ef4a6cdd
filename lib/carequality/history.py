"""Ratings history: every published inspection outcome of every location ever seen, from CQC's API or monthly files.

A `History` is what the history loaders (sources/cqc_api.py, sources/snapshots.py) return and what the period
functions (periods.py) read. Its frames are named by their grain:

- ``outcomes_by_location_date_key_question``: one row per location × report (publication) date × key question
  rated in that report (Overall included). Focused inspections list only the key questions they rated; the
  others keep their earlier rating, which `ratings_at` carries forward. Columns: location_id, report_date,
  key_question, rating, source ("api" or the snapshot file name) and inherited (True for a rating a monthly
  file shows as inherited from a previous provider: it counts for `ratings_at` but is not an inspection of
  this location).
- ``locations_all``: one row per location ever seen, deregistered included.
- ``data_quality``: what a loader could not use as it is (file, row or field, location id, issue).

Two words never replace an earlier rating when ratings are carried forward: "Inspected but not rated" (a
focused inspection that rated nothing) and "No published rating". CQC's own current ratings behave so: a
location rated Good in 2018 and inspected but not rated in 2022 is still rated Good.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import vocab

OUTCOME_COLUMNS = ("location_id", "report_date", "key_question", "rating", "source", "inherited")
LOCATION_COLUMNS = (
    "location_id", "location_name", "provider_id", "provider_name", "category", "care_home", "local_authority",
    "region", "registration_date", "deregistration_date", "registration_status", "dormancy", "beds",
    "service_types", "inspection_directorate", "location_type", "postcode", "registered_manager_absent_date",
    "dates_source",
)
DATA_QUALITY_COLUMNS = ("file", "row", "location_id", "issue")
DATE_COLUMNS = ("registration_date", "deregistration_date", "registered_manager_absent_date")
ASSESSMENT_COLUMNS = (
    "location_id", "published", "assessment_plan_id", "service_group", "rating", "assessment_date", "status",
)
QUALITY_STATEMENT_COLUMNS = (
    "location_id", "assessment_plan_id", "service_group", "key_question", "key_question_score_percent",
    "quality_statement_id", "quality_statement", "score", "score_text", "status",
)

#: Rating words that say nothing new about quality: they never replace an earlier rating when carrying forward.
NON_REPLACING: frozenset[str] = frozenset({"Inspected but not rated", "No published rating"})

_DOMAIN_ORDER = {d: i for i, d in enumerate(vocab.DOMAINS)}


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
    order = out["key_question"].map(_DOMAIN_ORDER)
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
        default_factory=lambda: pd.DataFrame({c: [] for c in ASSESSMENT_COLUMNS}))
    #: Single Assessment Framework: one row per location × assessment × quality statement, with its score.
    quality_statements_by_location_assessment: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: [] for c in QUALITY_STATEMENT_COLUMNS}))

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The latest report date in the history."""
        d = self.outcomes_by_location_date_key_question["report_date"].max()
        return None if pd.isna(d) else d


def _ts(date: object) -> pd.Timestamp:
    return pd.Timestamp(date).normalize()


def ratings_at(history: History, date: object) -> pd.DataFrame:
    """Each location's latest rating per key question on or before `date` (focused inspections carry
    the other key questions forward): location_id, key_question, rating, report_date.

    A later "Inspected but not rated" or "No published rating" does not replace an earlier rating; it is
    the answer only when the location has nothing else for that key question.
    """
    o = history.outcomes_by_location_date_key_question
    o = o[o["report_date"] <= _ts(date)]
    if o.empty:
        return pd.DataFrame({
            "location_id": pd.Series([], dtype=str), "key_question": pd.Series([], dtype=str),
            "rating": pd.Series([], dtype=vocab.RATING_DTYPE), "report_date": pd.Series([], dtype="datetime64[ns]"),
        })
    weak = o["rating"].astype(str).isin(NON_REPLACING)
    # Strong ratings sort after weak ones, then by date: the last row per key is the answer.
    o = o.assign(_strong=~weak).sort_values(["location_id", "key_question", "_strong", "report_date"], kind="stable")
    last = o.drop_duplicates(["location_id", "key_question"], keep="last")
    out = last[["location_id", "key_question", "rating", "report_date"]]
    out = out.assign(_kq=out["key_question"].map(_DOMAIN_ORDER)).sort_values(["location_id", "_kq"], kind="stable")
    return out.drop(columns="_kq").reset_index(drop=True)


def active_at(history: History, date: object) -> pd.DataFrame:
    """locations_all rows registered and not deregistered on `date`.

    Registered on or before the date (or registration date unknown) and deregistered after it (or not at
    all). A location CQC lists as deregistered without a date is never counted as active.
    """
    loc = history.locations_all
    d = _ts(date)
    registered = loc["registration_date"].isna() | (loc["registration_date"] <= d)
    open_ = loc["deregistration_date"].isna() | (loc["deregistration_date"] > d)
    unknown_closure = loc["deregistration_date"].isna() & loc["registration_status"].eq("Deregistered")
    return loc[registered & open_ & ~unknown_closure].reset_index(drop=True)


def outcomes_by_location_date(history: History) -> pd.DataFrame:
    """One row per inspection outcome (location × report date): the Overall rating published that day (NaN when
    the report rated only key questions), the key questions it rated, the sources that report it, and whether
    it was inherited from a previous provider."""
    o = history.outcomes_by_location_date_key_question
    keys = ["location_id", "report_date"]
    if o.empty:
        return pd.DataFrame({
            "location_id": pd.Series([], dtype=str), "report_date": pd.Series([], dtype="datetime64[ns]"),
            "overall": pd.Series([], dtype=vocab.RATING_DTYPE), "key_questions": pd.Series([], dtype=str),
            "source": pd.Series([], dtype=str), "inherited": pd.Series([], dtype=bool),
        })
    overall = o[o["key_question"] == "Overall"].set_index(keys)["rating"]
    kqs = o[o["key_question"] != "Overall"].groupby(keys, sort=False)["key_question"].agg("; ".join)
    sources = o.groupby(keys, sort=False)["source"].agg(lambda s: "; ".join(sorted(set(s))))
    out = o[keys].drop_duplicates().set_index(keys)
    out["overall"] = overall.reindex(out.index).astype(vocab.RATING_DTYPE)
    out["key_questions"] = kqs.reindex(out.index).fillna("")
    out["source"] = sources.reindex(out.index)
    out["inherited"] = o.groupby(keys, sort=False)["inherited"].all().reindex(out.index)
    return out.reset_index().sort_values(keys, kind="stable").reset_index(drop=True)


def restrict(history: History, location_ids: object) -> History:
    """The same history for a subset of locations (for example one council's area)."""
    ids = set(location_ids)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        if "location_id" not in frame.columns:
            return frame
        return frame[frame["location_id"].isin(ids)].reset_index(drop=True)

    return History(
        outcomes_by_location_date_key_question=keep(history.outcomes_by_location_date_key_question),
        locations_all=keep(history.locations_all),
        data_quality=keep(history.data_quality),
        assessments_by_location_service_group=keep(history.assessments_by_location_service_group),
        quality_statements_by_location_assessment=keep(history.quality_statements_by_location_assessment),
    )


def merge(first: History, second: History) -> History:
    """Combine two histories without double counting; `first` wins where they overlap.

    Outcomes: a location × report date that `first` reports is taken from `first` only (the API lists what a
    focused inspection rated; a monthly file repeats the carried-forward ratings), so a report is never
    counted twice. Where both report the same location, date and key question with different ratings,
    the disagreement is listed in data_quality. Locations: `first`'s row wins; `second` adds the rest.
    """
    a = first.outcomes_by_location_date_key_question
    b = second.outcomes_by_location_date_key_question
    keys = ["location_id", "report_date"]
    in_a = pd.MultiIndex.from_frame(a[keys]) if len(a) else pd.MultiIndex.from_tuples([], names=keys)
    b_keys = pd.MultiIndex.from_frame(b[keys]) if len(b) else pd.MultiIndex.from_tuples([], names=keys)
    overlap = b_keys.isin(in_a)
    both = b[overlap].merge(a, on=["location_id", "report_date", "key_question"], suffixes=("_b", "_a"))
    differ = both[both["rating_a"].astype(str) != both["rating_b"].astype(str)]
    dq = [
        {"file": r.source_b, "row": f"{r.key_question} on {r.report_date.date().isoformat()}",
         "location_id": r.location_id,
         "issue": f"rated {r.rating_b} here but {r.rating_a} in {r.source_a}; {r.source_a} used"}
        for r in differ.itertuples()
    ]
    outcomes = normalise_outcomes(pd.concat([a, b[~overlap]], ignore_index=True))
    la, lb = first.locations_all, second.locations_all
    locations = normalise_locations(pd.concat([la, lb[~lb["location_id"].isin(set(la["location_id"]))]], ignore_index=True))

    def cat(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
        if x.empty:
            return y.reset_index(drop=True)
        if y.empty:
            return x.reset_index(drop=True)
        return pd.concat([x, y], ignore_index=True)

    data_quality = cat(cat(first.data_quality, second.data_quality),
                       pd.DataFrame(dq, columns=list(DATA_QUALITY_COLUMNS)))
    return History(
        outcomes_by_location_date_key_question=outcomes,
        locations_all=locations,
        data_quality=data_quality,
        assessments_by_location_service_group=cat(first.assessments_by_location_service_group,
                                                  second.assessments_by_location_service_group),
        quality_statements_by_location_assessment=cat(first.quality_statements_by_location_assessment,
                                                      second.quality_statements_by_location_assessment),
    )
