"""The market and ratings measures: service types and beds, service groups, the minimum standard, rating frameworks
and Single Assessment Framework scores, on frames in the shapes of the real inputs."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pandas as pd

from carequality import vocab
from carequality.measures import overview as m
from carequality.sources.ratings_file import load_ratings_file
from conftest import LINCOLNSHIRE_CSV, OLDHAM_API

RES, COM = vocab.RESIDENTIAL, vocab.COMMUNITY


def ratings(rows: dict[str, dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"location_id": loc, "key_question": kq, "rating": r} for loc, kqs in rows.items()
                         for kq, r in kqs.items()]).astype({"rating": vocab.RATING_DTYPE})


def six(rating: str, **other: str) -> dict[str, str]:
    return {q: rating for q in vocab.DOMAINS} | {k.replace("_", "-"): v for k, v in other.items()}


def test_the_minimum_standard_needs_good_overall_and_in_every_key_question():
    r = ratings({"A": six("Good"), "B": six("Good", Safe="Requires improvement"), "C": six("Outstanding", Caring="Good"),
                 "D": {"Overall": "Good", "Safe": "Good"}})  # D: four key questions never rated
    assert m.meets_minimum_standard(r).to_dict() == {"A": True, "B": False, "C": True, "D": False}


def test_minimum_standard_by_category_beside_good_or_outstanding():
    locs = pd.DataFrame({"location_id": list("ABCDE"), "category": [RES, RES, COM, COM, COM],
                         "overall_rating": ["Good", "Good", "Outstanding", "Inadequate", "No published rating"]})
    r = ratings({"A": six("Good"), "B": six("Good", Well_led="Requires improvement"), "C": six("Outstanding"),
                 "D": six("Inadequate")})
    t = m.minimum_standard_by_category(locs, r).set_index("Category")
    assert t.loc["Total"].to_dict() == {"Locations": 5, "Rated": 4, "Good or Outstanding overall": 3,
                                        m.PERCENT_GO: 75.0, "Meeting the minimum standard": 2, m.PERCENT_MINIMUM: 50.0}
    assert t.loc[RES, "Meeting the minimum standard"] == 1 and t.loc[RES, m.PERCENT_MINIMUM] == 50.0
    assert t.loc[COM, "Rated"] == 2 and t.loc[COM, "Meeting the minimum standard"] == 1


def test_lincolnshire_minimum_standard_equals_an_independent_count(shared_data):
    """From the real June 2026 file: locations whose Overall service group rows are Good or Outstanding in all six
    domains, counted straight from the CSV."""
    rows = defaultdict(dict)
    category = {}
    with open(LINCOLNSHIRE_CSV, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["Location Type"] == "Social Care Org" and r["Service / Population Group"] == "Overall":
                rows[r["Location ID"]][r["Domain"]] = r["Latest Rating"]
                category[r["Location ID"]] = r["Location Primary Inspection Category"]
    meets = Counter(category[loc] for loc, d in rows.items()
                    if all(d.get(q) in ("Good", "Outstanding") for q in vocab.DOMAINS))
    file = load_ratings_file(LINCOLNSHIRE_CSV)
    t = m.minimum_standard_by_category(file.locations, file.ratings_by_location_key_question).set_index("Category")
    assert t.loc[RES, "Meeting the minimum standard"] == meets[RES]
    assert t.loc[COM, "Meeting the minimum standard"] == meets[COM]
    assert t.loc["Total", "Meeting the minimum standard"] == sum(meets.values()) > 100


def test_locations_by_service_type_count_each_location_once_with_care_home_beds():
    locs = pd.DataFrame({
        "location_id": list("ABCD"), "category": [RES, RES, COM, COM], "care_home": [True, True, False, False],
        "service_types": ["Residential homes; Nursing homes", "Residential homes", "Homecare agencies",
                          "Supported living; Homecare agencies"],
        "beds": pd.array([40, 12, 0, pd.NA], dtype="Int64")})
    t = m.locations_by_service_type(locs)
    assert t.drop(columns="beds").to_dict("records") == [
        {"category": RES, "service_type": "Nursing homes", "locations": 1},
        {"category": RES, "service_type": "Residential homes", "locations": 1},
        {"category": COM, "service_type": "Homecare agencies", "locations": 2},
        {"category": "Total", "service_type": "", "locations": 4},
    ]
    assert t["beds"].tolist()[:2] + t["beds"].tolist()[3:] == [40, 12, 52] and pd.isna(t["beds"].iloc[2])


def test_oldham_service_types_and_beds_equal_the_raw_responses(shared_data):
    import json

    from carequality.model.build import with_register_details
    from carequality.model.history import latest_ratings_view
    from carequality.sources.cqc_api import load_api_folder

    api = load_api_folder(OLDHAM_API)
    locs = with_register_details(latest_ratings_view(api).locations, api.history)
    t = m.locations_by_service_type(locs)
    raw = [json.loads(p.read_text()) for p in (OLDHAM_API / "location_details").glob("*.json")]
    raw = [d for d in raw if d["type"] == "Social Care Org" and d["registrationStatus"] == "Registered"]
    assert t.iloc[-1]["locations"] == len(raw)
    assert t.iloc[-1]["beds"] == sum(d.get("numberOfBeds", 0) for d in raw if d["careHome"] == "Y")


def test_locations_without_a_service_group_are_said_to_be_rated_before_groups_began():
    locs = pd.DataFrame({"location_id": ["A", "B", "C"], "overall_rating": ["Good", "Good", "No published rating"],
                         "publication_date": pd.to_datetime(["2019-01-01", "2025-01-01", None])})
    groups = pd.DataFrame({"location_id": ["B"], "service_group": ["Care Homes"]})
    assert m.locations_without_service_group(locs, groups) == {
        m.RATED_BEFORE_GROUPS: 1, m.ASSESSED_NO_GROUP: 0, m.NOT_YET_RATED: 1
    }


def test_saf_score_is_the_mean_of_the_key_question_scores():
    """Franklin House (real Oldham record 1-5312102242): Caring 70%, the other four 75%: 74%."""
    k = pd.DataFrame({"location_id": "1-5312102242", "published": pd.Timestamp("2024-08-08"),
                      "assessment_plan_id": "AP3134", "service_group": "Care Homes", "key_question": list(vocab.KEY_QUESTIONS),
                      "rating": "Good", "percentage_score": pd.array([75, 75, 70, 75, 75], dtype="Int64"),
                      "status": "Assessed"})
    assert m.saf_scores(k).to_dict("records") == [
        {"location_id": "1-5312102242", "published": pd.Timestamp("2024-08-08"), "score": 74}]
    two_groups = pd.concat([k, k.assign(service_group="Homecare")])
    assert pd.isna(m.saf_scores(two_groups).loc[0, "score"])


def test_rating_frameworks():
    locs = pd.DataFrame({"location_id": ["SAF", "OLD", "FILE", "NEW"],
                         "overall_rating": ["Good", "Good", "Good", "No published rating"],
                         "publication_date": pd.to_datetime(["2024-08-08", "2019-01-18", "2025-01-01", None])})
    k = pd.DataFrame({"location_id": ["SAF", "OLD"], "published": pd.to_datetime(["2024-08-08", "2018-01-01"]),
                      "assessment_plan_id": "AP1", "service_group": "Care Homes", "key_question": "Safe",
                      "rating": "Good", "percentage_score": pd.array([72, 60], dtype="Int64"), "status": "Assessed"})
    groups = pd.DataFrame({"location_id": ["FILE"], "service_group": ["Homecare"]})
    fw = m.rating_frameworks(locs, groups, k).set_index("location_id")
    assert fw["framework"].to_dict() == {"SAF": m.SAF, "OLD": m.BEFORE_SAF, "FILE": m.SAF, "NEW": ""}
    assert fw.loc["SAF", "score"] == 72 and pd.isna(fw.loc["OLD", "score"]) and pd.isna(fw.loc["FILE", "score"])


def test_the_service_group_table_and_the_appendix_count_the_earlier_framework_alike():
    """Issue 20: 42 locations 'last rated before service-group ratings began' against 41 rows of the earlier
    framework in the appendix: a location assessed under the single framework with no group was counted as before."""
    locs = pd.DataFrame({"location_id": ["A", "B", "C", "D"], "overall_rating": ["Good", "Good", "Good", None],
                         "publication_date": pd.to_datetime(["2019-01-01", "2025-01-01", "2025-02-01", None])})
    groups = pd.DataFrame({"location_id": ["B"], "service_group": ["Care Homes"]})
    scores = pd.DataFrame({"location_id": "C", "published": pd.Timestamp("2025-02-01"), "assessment_plan_id": "AP1",
                           "service_group": "", "key_question": list(vocab.KEY_QUESTIONS), "rating": "Good",
                           "percentage_score": pd.array([75] * 5, dtype="Int64"), "status": "Assessed"})
    counts = m.locations_without_service_group(locs, groups, scores)
    fw = m.rating_frameworks(locs, groups, scores)
    assert counts[m.RATED_BEFORE_GROUPS] == int((fw["framework"] == m.BEFORE_SAF).sum()) == 1
    assert counts == {m.RATED_BEFORE_GROUPS: 1, m.ASSESSED_NO_GROUP: 1, m.NOT_YET_RATED: 1}


def test_rating_counts_fold_cqcs_words_for_no_rating_yet_into_one_column():
    from carequality.measures.overview import rating_counts_by

    locs = pd.DataFrame({"c": ["x", "x", "x", "x"], "r": ["Good", "Not Rated", "No published rating", "Inadequate"]})
    out = rating_counts_by(locs, "c", "r", [(None, "Total")])
    assert "Not Rated" not in out.columns and "No published rating" not in out.columns
    assert out.loc[0, "Not yet rated"] == 2 and out.loc[0, "Total"] == 4
