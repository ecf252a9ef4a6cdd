"""One test per step of the API loader (sources/cqc_api.LocationParser), each on a real Oldham record or a copy of
one changed in the one way the step is about. The loader's behaviour on whole folders is in test_cqc_api.py."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from carequality import vocab
from carequality.errors import InputError
from carequality.sources.cqc_api import Collected, LocationParser, holds_ratings, primary_category
from conftest import OLDHAM_API

TODAY = dt.date(2026, 1, 1)


def real(location_id: str) -> dict:
    return json.loads((OLDHAM_API / "location_details" / f"location_{location_id}.json").read_text())


@pytest.fixture
def parser() -> LocationParser:
    return LocationParser(OLDHAM_API, TODAY)


def collected(location_id: str) -> Collected:
    return Collected(OLDHAM_API / "location_details" / f"location_{location_id}.json", location_id)


def overall(c: Collected) -> dict[str, str]:
    return {o["report_date"].date().isoformat(): o["rating"] for o in c.outcomes if o["key_question"] == "Overall"}


def test_primary_category_from_care_home_when_categories_are_missing(shared_data):
    """1-115471908 (real): deregistered in 2011, no inspectionCategories, careHome N."""
    d = real("1-115471908")
    assert "inspectionCategories" not in d and primary_category(d) == vocab.COMMUNITY
    assert primary_category(d | {"careHome": "Y"}) == vocab.RESIDENTIAL
    assert primary_category(real("1-5312102242")) == vocab.RESIDENTIAL  # Franklin House: its primary category
    assert primary_category(d | {"type": "Primary Dental Care"}) == ""


def test_attributes_take_what_the_response_gives(shared_data, parser):
    row = parser.attributes(OLDHAM_API / "x.json", real("1-5312102242"))
    assert (row["location_name"], row["beds"], row["care_home"]) == ("Franklin House Limited", 40, True)
    assert row["url"] == "https://www.cqc.org.uk/location/1-5312102242"


@pytest.mark.parametrize("beds", [-1, 100_001, "40", 4.5, True])
def test_check_beds_refuses_what_no_home_has(beds):
    with pytest.raises(InputError) as e:
        LocationParser.check_beds(Path("location_1-1.json"), beds)
    assert e.value.column == "numberOfBeds"
    LocationParser.check_beds(Path("location_1-1.json"), 40)  # Franklin House
    LocationParser.check_beds(Path("location_1-1.json"), None)  # absent: a home care office


def test_check_text_fields_reads_numbers_and_lists_long_text(shared_data, parser):
    d = real("1-5312102242")
    row = parser.attributes(OLDHAM_API / "location_details" / "location_1-5312102242.json", d | {"postalCode": 12345})
    row["location_name"] = "x" * 40_000
    parser.check_text_fields(OLDHAM_API / "location_details" / "location_1-5312102242.json", row)
    assert row["postcode"] == "12345"
    assert [(n["row"], n["location_id"]) for n in parser.dq] == [("name", "1-5312102242")]
    assert "40,000 characters" in parser.dq[0]["issue"]
    row["region"] = ["North West"]
    with pytest.raises(InputError, match="is not text"):
        parser.check_text_fields(OLDHAM_API / "location_details" / "location_1-5312102242.json", row)


def test_check_deregistration_lists_a_deregistered_location_without_a_date(shared_data, parser):
    d = real("1-115471908")
    path = OLDHAM_API / "location_details" / "location_1-115471908.json"
    parser.check_deregistration(path, parser.attributes(path, d), d)
    assert parser.dq == []
    d.pop("deregistrationDate")
    parser.check_deregistration(path, parser.attributes(path, d), d)
    assert [n["row"] for n in parser.dq] == ["deregistrationDate"]


def test_current_overall_keeps_a_rating_on_its_own_date(shared_data, parser):
    """1-109570155 (real): Good on 10 October 2018; in the shape CQC gives when a later report rated nothing, the
    overall date moved to that report (3 March 2022)."""
    d = real("1-109570155")
    c = collected("1-109570155")
    parser.current_overall(c, d)
    assert overall(c) == {"2018-10-10": "Good"}
    d["currentRatings"]["overall"]["reportDate"] = "2022-03-03"
    c = collected("1-109570155")
    parser.current_overall(c, d)
    assert overall(c) == {"2018-10-10": "Good", "2022-03-03": "Inspected but not rated"}
    assert c.current_date == pd.Timestamp("2018-10-10")


def test_current_service_ratings_are_service_groups(shared_data, parser):
    """1-12287951775 (real, an independent hospital): one service rating, diagnostics, Good on 3 July 2023."""
    d = real("1-12287951775")
    c = collected("1-12287951775")
    parser.current_overall(c, d)
    d["currentRatings"]["serviceRatings"][0].pop("reportDate")  # dated by the overall rating when it has no date
    parser.current_service_ratings(c, d)
    assert [(g["service_group"], g["rating"], g["publication_date"]) for g in c.groups] == [
        ("diagnostics", "Good", pd.Timestamp("2023-07-03"))
    ]


def test_historic_ratings_of_a_focused_inspection_list_only_what_it_rated(shared_data, parser):
    """1-109570155 (real): the 3 March 2022 report looked at Safe only."""
    c = collected("1-109570155")
    parser.historic_ratings(c, real("1-109570155"))
    on = [(o["key_question"], o["rating"]) for o in c.outcomes if o["report_date"] == pd.Timestamp("2022-03-03")]
    assert on == [("Overall", "Inspected but not rated"), ("Safe", "Inspected but not rated")]


def test_assessment_of_one_service_group_is_the_location_level(shared_data, parser):
    """1-5312102242 Franklin House (real): Single Assessment Framework, one group (Care Homes), Good, 8 August 2024."""
    d = real("1-5312102242")
    c = collected("1-5312102242")
    parser.assessment(c, 0, d["assessment"][0])
    assert overall(c) == {"2024-08-08": "Good"}
    assert {s["key_question"]: s["percentage_score"] for s in c.scores}["Safe"] == 75
    assert c.statements and {s["service_group"] for s in c.statements} == {"Care Homes"}
    two = copy.deepcopy(d["assessment"][0])
    two["ratings"]["asgRatings"].append(two["ratings"]["asgRatings"][0] | {"name": "Home care"})
    c = collected("1-5312102242")
    parser.assessment(c, 0, two)
    assert overall(c) == {} and [g["service_group"] for g in c.groups] == ["Care Homes", "Home care"]
    assert parser.dq[-1]["issue"].startswith("assessment rates several service groups")


def test_assessment_with_an_unknown_rating_block_or_label_is_listed(shared_data, parser):
    """A copy of Franklin House's assessment in a shape of a framework the loader has not seen."""
    a = real("1-5312102242")["assessment"][0]
    a["ratings"]["kloeRatings"] = [{"name": "Care Homes", "rating": "Meets the standard"}]
    a["ratings"]["asgRatings"][0]["rating"] = "Meets the standard"
    c = collected("1-5312102242")
    parser.assessment(c, 0, a)
    assert overall(c) == {"2024-08-08": vocab.UNRECOGNISED}
    rows = [n["row"] for n in parser.dq]
    assert rows == ["assessment[0].ratings.asgRatings[0].rating", "assessment[0].ratings.asgRatings[0].rating",
                    "assessment[0].ratings.kloeRatings"]
    assert "'Meets the standard' is not a rating this report knows" in parser.dq[0]["issue"]


def test_unread_ratings_lists_a_block_of_ratings_the_loader_does_not_know(shared_data, parser):
    d = real("1-5312102242")
    d["frameworkRatings2026"] = {"overall": {"rating": "Good", "reportDate": "2026-06-01"}}
    d["someNewContact"] = {"name": "not a rating"}
    parser.unread_ratings(collected("1-5312102242"), d)
    assert [n["row"] for n in parser.dq] == ["frameworkRatings2026"]
    assert holds_ratings([{"x": [{"rating": "Good"}]}]) and not holds_ratings({"ratingText": "Good"})


def test_dedupe_keeps_the_first_of_two_ratings_for_one_report_and_lists_the_other(shared_data, parser):
    d = real("1-109570155")
    d["historicRatings"].append({"reportDate": "2018-10-10", "overall": {"rating": "Inadequate"}})
    c = collected("1-109570155")
    parser.current_overall(c, d)
    parser.historic_ratings(c, d)
    kept = parser.dedupe(c)
    assert {o["report_date"].date().isoformat(): o["rating"] for o in kept if o["key_question"] == "Overall"}[
        "2018-10-10"
    ] == "Good"
    assert "'Inadequate' here but 'Good' at currentRatings.overall.rating" in parser.dq[-1]["issue"]


def test_mark_inherited_by_another_locations_organisation_id(shared_data, parser):
    """1-9588358014 (real): its 2 October 2020 report carries the id of the location it replaced."""
    d = real("1-9588358014")
    c = collected("1-9588358014")
    parser.historic_ratings(c, d)
    parser.current_overall(c, d)
    marked = {o["report_date"].date().isoformat(): o["inherited"] for o in parser.mark_inherited(c.loc, d, c.outcomes)}
    assert marked["2020-10-02"] and not marked["2021-05-13"]
