"""Queries on a ratings `History` (sources/frames.py): each location's ratings at a date, the locations active
on a date, one row per inspection outcome, a history kept to some locations, and two histories merged.

Two words never replace an earlier rating when ratings are carried forward: "Inspected but not rated" (a
focused inspection that rated nothing) and "No published rating". CQC's own current ratings behave so: a
location rated Good in 2018 and inspected but not rated in 2022 is still rated Good.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from carequality import vocab
from carequality.sources.cqc_api import ApiFolder
from carequality.sources.frames import DATA_QUALITY_COLUMNS, History, normalise_locations, normalise_outcomes
from carequality.sources.ratings_file import LOCATION_COLUMNS as RATINGS_LOCATION_COLUMNS
from carequality.sources.ratings_file import RatingsFile

#: Rating words that say nothing new about quality: they never replace an earlier rating when carrying forward.
NON_REPLACING: frozenset[str] = frozenset({"Inspected but not rated", "No published rating"})


def day(date: object) -> pd.Timestamp:
    """A date, datetime or ISO text as a midnight Timestamp: the one way dates are compared here."""
    return pd.Timestamp(date).normalize()


def ratings_at(history: History, date: object) -> pd.DataFrame:
    """Each location's latest rating per key question on or before `date` (focused inspections carry
    the other key questions forward): location_id, key_question, rating, report_date, inherited (the rating was
    given to the location this one replaced).

    A later "Inspected but not rated" or "No published rating" does not replace an earlier rating; it is
    the answer only when the location has nothing else for that key question.
    """
    o = history.outcomes_by_location_date_key_question
    o = o[o["report_date"] <= day(date)]
    if o.empty:
        return pd.DataFrame(
            {
                "location_id": pd.Series([], dtype=str),
                "key_question": pd.Series([], dtype=str),
                "rating": pd.Series([], dtype=vocab.RATING_DTYPE),
                "report_date": pd.Series([], dtype="datetime64[ns]"),
                "inherited": pd.Series([], dtype=bool),
            }
        )
    weak = o["rating"].astype(str).isin(NON_REPLACING)
    # Strong ratings sort after weak ones, then by date: the last row per key is the answer.
    o = o.assign(_strong=~weak).sort_values(["location_id", "key_question", "_strong", "report_date"], kind="stable")
    last = o.drop_duplicates(["location_id", "key_question"], keep="last")
    out = last[["location_id", "key_question", "rating", "report_date", "inherited"]]
    out = out.assign(_kq=out["key_question"].map(vocab.DOMAIN_ORDER)).sort_values(["location_id", "_kq"], kind="stable")
    return out.drop(columns="_kq").reset_index(drop=True)


def active_at(history: History, date: object) -> pd.DataFrame:
    """locations_all rows registered and not deregistered on `date`.

    Registered on or before the date (or registration date unknown) and deregistered after it (or not at
    all). A location CQC lists as deregistered without a date is never counted as active.
    """
    loc = history.locations_all
    d = day(date)
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
        return pd.DataFrame(
            {
                "location_id": pd.Series([], dtype=str),
                "report_date": pd.Series([], dtype="datetime64[ns]"),
                "overall": pd.Series([], dtype=vocab.RATING_DTYPE),
                "key_questions": pd.Series([], dtype=str),
                "source": pd.Series([], dtype=str),
                "inherited": pd.Series([], dtype=bool),
            }
        )
    overall = o[o["key_question"] == "Overall"].set_index(keys)["rating"]
    kqs = o[o["key_question"] != "Overall"].groupby(keys, sort=False)["key_question"].agg("; ".join)
    sources = o.groupby(keys, sort=False)["source"].agg(lambda s: "; ".join(sorted(set(s))))
    out = o[keys].drop_duplicates().set_index(keys)
    out["overall"] = overall.reindex(out.index).astype(vocab.RATING_DTYPE)
    out["key_questions"] = kqs.reindex(out.index).fillna("")
    out["source"] = sources.reindex(out.index)
    out["inherited"] = o.groupby(keys, sort=False)["inherited"].all().reindex(out.index)
    return out.reset_index().sort_values(keys, kind="stable").reset_index(drop=True)


def restrict(history: History, location_ids: Iterable[str]) -> History:
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
        {
            "file": r.source_b,
            "row": f"{r.key_question} on {r.report_date.date().isoformat()}",
            "location_id": r.location_id,
            "issue": f"rated {r.rating_b} here but {r.rating_a} in {r.source_a}; {r.source_a} used",
        }
        for r in differ.itertuples()
    ]
    outcomes = normalise_outcomes(pd.concat([a, b[~overlap]], ignore_index=True))
    la, lb = first.locations_all, second.locations_all
    locations = normalise_locations(
        pd.concat([la, lb[~lb["location_id"].isin(set(la["location_id"]))]], ignore_index=True)
    )

    def cat(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
        if x.empty:
            return y.reset_index(drop=True)
        if y.empty:
            return x.reset_index(drop=True)
        return pd.concat([x, y], ignore_index=True)

    data_quality = cat(
        cat(first.data_quality, second.data_quality), pd.DataFrame(dq, columns=list(DATA_QUALITY_COLUMNS))
    )
    return History(
        outcomes_by_location_date_key_question=outcomes,
        locations_all=locations,
        data_quality=data_quality,
        assessments_by_location_service_group=cat(
            first.assessments_by_location_service_group, second.assessments_by_location_service_group
        ),
        quality_statements_by_location_assessment=cat(
            first.quality_statements_by_location_assessment, second.quality_statements_by_location_assessment
        ),
    )


def latest_ratings_view(api: ApiFolder) -> RatingsFile:
    """Registered locations of a folder of API responses and their latest ratings, as the ratings-file loader's
    tidy frames."""
    history, groups = api.history, api.service_ratings
    locs = history.locations_all
    locs = locs[locs["registration_status"].eq("Registered")].copy()
    ids = set(locs["location_id"])
    at = history.as_of
    level = ratings_at(history, at) if at is not None else ratings_at(history, "1900-01-01")
    level = level[level["location_id"].isin(ids)].rename(columns={"report_date": "publication_date"})
    level["inherited"] = level["inherited"].fillna(False).astype(bool)
    level = level.assign(row=pd.array([pd.NA] * len(level), dtype="Int64")).reset_index(drop=True)
    out = pd.DataFrame({c: locs[c] if c in locs.columns else "" for c in RATINGS_LOCATION_COLUMNS})
    out = out.reset_index(drop=True)
    overall = level[level["key_question"] == "Overall"].set_index("location_id")
    ids_order = out["location_id"]
    out["overall_rating"] = pd.Series(overall["rating"].reindex(ids_order).to_numpy(), dtype=vocab.RATING_DTYPE)
    out["overall_rating"] = out["overall_rating"].fillna("No published rating")
    out["publication_date"] = pd.Series(
        overall["publication_date"].reindex(ids_order).to_numpy(), dtype="datetime64[ns]"
    )
    out["inherited"] = pd.Series(overall["inherited"].reindex(ids_order).to_numpy()).fillna(False).astype(bool)
    groups = groups[groups["location_id"].isin(ids)]
    by_group = groups[["location_id", "service_group"]].drop_duplicates().sort_values(["location_id", "service_group"])
    tidy = pd.concat(
        [level.assign(service_group="Overall"), groups.dropna(subset=["rating"]).assign(inherited=False)],
        ignore_index=True,
    )
    tidy["rating"] = tidy["rating"].astype(str).astype(vocab.RATING_DTYPE)
    tidy = tidy[["location_id", "service_group", "key_question", "rating", "publication_date", "inherited", "row"]]
    tidy = tidy.sort_values(["location_id", "service_group", "key_question"], kind="stable").reset_index(drop=True)
    return RatingsFile(
        path=api.path,
        sha256=api.sha256,
        header_era="API",
        date_format="ISO",
        locations=out.sort_values("location_id", kind="stable").reset_index(drop=True),
        ratings_by_location_key_question=level,
        ratings_by_location_service_group_key_question=tidy,
        service_groups_by_location=by_group.reset_index(drop=True),
        excluded_by_location_type=api.excluded_by_location_type,
        data_quality=history.data_quality[list(DATA_QUALITY_COLUMNS)],
    )
