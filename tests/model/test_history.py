"""Queries on a ratings History: ratings at a date, active locations, outcomes, restriction and merging."""

from __future__ import annotations

import pandas as pd

from carequality.model.history import active_at, day, merge, outcomes_by_location_date, ratings_at, restrict
from carequality.sources.frames import History, normalise_locations, normalise_outcomes


def _history(outcomes: list[tuple], locations: list[dict] | None = None, source: str = "api") -> History:
    o = pd.DataFrame(outcomes, columns=["location_id", "report_date", "key_question", "rating"]).assign(source=source)
    locs = locations or [{"location_id": lid, "registration_date": "2015-01-01", "registration_status": "Registered"}
                         for lid in sorted({r[0] for r in outcomes})]
    return History(outcomes_by_location_date_key_question=normalise_outcomes(o),
                   locations_all=normalise_locations(pd.DataFrame(locs)))


def _overall(frame: pd.DataFrame) -> dict[str, str]:
    o = frame[frame["key_question"] == "Overall"]
    return dict(zip(o["location_id"], o["rating"].astype(str)))


def test_ratings_at_takes_the_latest_rating_on_or_before_the_date():
    h = _history([("1-1", "2019-05-01", "Overall", "Requires improvement"), ("1-1", "2022-06-01", "Overall", "Good")])
    assert _overall(ratings_at(h, "2022-05-31")) == {"1-1": "Requires improvement"}
    assert _overall(ratings_at(h, "2022-06-01")) == {"1-1": "Good"}


def test_inspected_but_not_rated_never_replaces_an_earlier_rating():
    h = _history([("1-1", "2019-05-01", "Overall", "Inadequate"), ("1-1", "2021-01-12", "Overall", "Inspected but not rated")])
    assert _overall(ratings_at(h, "2021-02-01")) == {"1-1": "Inadequate"}


def test_a_focused_inspection_carries_the_other_key_questions_forward():
    h = _history([("1-1", "2019-05-01", "Safe", "Good"), ("1-1", "2019-05-01", "Caring", "Good"),
                  ("1-1", "2023-03-01", "Safe", "Requires improvement")])
    r = ratings_at(h, "2023-04-01").set_index("key_question")["rating"].astype(str).to_dict()
    assert r == {"Safe": "Requires improvement", "Caring": "Good"}


def test_active_at_counts_registration_day_and_not_deregistration_day():
    h = _history([], [
        {"location_id": "1-1", "registration_date": "2024-01-10", "registration_status": "Registered"},
        {"location_id": "1-2", "registration_date": "2010-01-01", "deregistration_date": "2024-01-10",
         "registration_status": "Deregistered"},
        {"location_id": "1-3", "registration_date": "2010-01-01", "registration_status": "Deregistered"},
    ])
    assert set(active_at(h, "2024-01-10")["location_id"]) == {"1-1"}
    assert set(active_at(h, "2024-01-09")["location_id"]) == {"1-2"}


def test_one_outcome_per_location_and_report_date_with_the_key_questions_it_rated():
    h = _history([("1-1", "2023-03-01", "Overall", "Good"), ("1-1", "2023-03-01", "Safe", "Good"),
                  ("1-1", "2023-03-01", "Caring", "Good"), ("1-1", "2024-01-01", "Safe", "Good")])
    per = outcomes_by_location_date(h)
    assert len(per) == 2
    assert per.loc[0, "key_questions"] == "Safe; Caring" and str(per.loc[0, "overall"]) == "Good"
    assert per.loc[1, "key_questions"] == "Safe" and pd.isna(per.loc[1, "overall"])


def test_restrict_keeps_only_the_given_locations_in_every_frame():
    h = _history([("1-1", "2023-03-01", "Overall", "Good"), ("1-2", "2023-03-01", "Overall", "Inadequate")])
    r = restrict(h, ["1-2"])
    assert set(r.outcomes_by_location_date_key_question["location_id"]) == {"1-2"}
    assert set(r.locations_all["location_id"]) == {"1-2"}


def test_merge_counts_a_report_once_and_lists_disagreements():
    api = _history([("1-1", "2023-03-01", "Overall", "Good"), ("1-1", "2023-03-01", "Safe", "Good")])
    files = _history([("1-1", "2023-03-01", "Overall", "Requires improvement"), ("1-1", "2024-02-01", "Overall", "Good")],
                     source="01_March_2024_Latest_ratings.csv")
    m = merge(api, files)
    o = m.outcomes_by_location_date_key_question
    assert len(o[o["report_date"] == day("2023-03-01")]) == 2  # the API's two rows, not the file's
    assert len(o[o["report_date"] == day("2024-02-01")]) == 1  # the file adds what the API lacks
    assert m.data_quality["issue"].str.contains("rated Requires improvement here but Good in api").any()
