"""The CQC API folder loader on the real Oldham responses and on small, deliberately broken folders."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from carequality.model.history import latest_ratings_view
from carequality import vocab
from carequality.errors import InputError
from carequality.model.history import ratings_at
from carequality.sources.cqc_api import load_api_folder, sha256_of_folder
from carequality.sources.ratings_file import LOCATION_COLUMNS
from conftest import OLDHAM_API

TODAY = dt.date(2026, 1, 1)


def oldham_raw() -> list[dict]:
    return [json.loads(f.read_text()) for f in sorted((OLDHAM_API / "location_details").glob("*.json"))]


@pytest.fixture(scope="module")
def oldham(shared_data):
    return load_api_folder(OLDHAM_API)


# ---- real data ----------------------------------------------------------------------------------------

def test_oldham_locations_equal_an_independent_count(oldham):
    raw = [d for d in oldham_raw() if d["type"] == "Social Care Org"]
    locs = oldham.history.locations_all
    assert len(locs) == len(raw) == 224
    assert Counter(locs["registration_status"]) == Counter(d["registrationStatus"] for d in raw)
    assert int(locs["deregistration_date"].notna().sum()) == sum("deregistrationDate" in d for d in raw)
    assert int(locs["care_home"].sum()) == sum(d["careHome"] == "Y" for d in raw)
    assert int(locs["registered_manager_absent_date"].notna().sum()) == sum("registeredManagerAbsentDate" in d for d in raw)
    assert int(locs["beds"].sum()) == sum(d.get("numberOfBeds", 0) for d in raw)
    # Deregistered services often have no inspectionCategories; careHome decides their category.
    assert set(locs["category"]) == {vocab.RESIDENTIAL, vocab.COMMUNITY}
    assert (locs["category"].eq(vocab.RESIDENTIAL) == locs["care_home"]).all()
    excluded = dict(zip(latest_ratings_view(oldham).excluded_by_location_type["location_type"],
                        latest_ratings_view(oldham).excluded_by_location_type["locations"]))
    assert excluded == dict(Counter(d["type"] for d in oldham_raw() if d["type"] != "Social Care Org"))


def test_oldham_history_reproduces_every_current_rating(oldham):
    """Carrying forward the history to the as-of date gives CQC's own currentRatings, key question by key question."""
    now = ratings_at(oldham.history, "2025-03-31").set_index(["location_id", "key_question"])["rating"].astype(str)
    checked = 0
    for d in oldham_raw():
        overall = (d.get("currentRatings") or {}).get("overall") or {}
        if d["type"] != "Social Care Org" or not overall.get("reportDate"):
            continue
        assert now[(d["locationId"], "Overall")] == overall["rating"]
        for k in overall["keyQuestionRatings"]:
            assert now[(d["locationId"], k["name"])] == k["rating"], d["locationId"]
            checked += 1
    assert checked > 500


def test_oldham_focused_inspection_lists_only_what_it_rated(oldham):
    o = oldham.history.outcomes_by_location_date_key_question
    one = o[(o["location_id"] == "1-109570155") & (o["report_date"] == "2022-03-03")]
    assert list(zip(one["key_question"], one["rating"].astype(str))) == [
        ("Safe", "Inspected but not rated"), ("Overall", "Inspected but not rated")]


def test_oldham_predecessor_ratings_are_inherited(oldham):
    """Avonleigh Gardens changed provider in March 2024: the API repeats the old location's reports under the
    new id, dated before its registration. They are inherited, not inspections of the new location."""
    o = oldham.history.outcomes_by_location_date_key_question
    new = o[o["location_id"] == "1-18648277454"]
    assert new["inherited"].all() and len(new) > 0
    old = o[(o["location_id"] == "1-117977107") & (o["report_date"] == "2024-01-05")]
    assert len(old) and not old["inherited"].any()


def test_oldham_single_assessment_framework_blocks(oldham):
    a = oldham.history.assessments_by_location_service_group
    assert sorted(a["location_id"]) == ["1-5203053560", "1-5312102242"]  # the two social care ones of four
    assert set(a["rating"]) == {"Good"} and set(a["service_group"]) == {"Care Homes"}
    qs = oldham.history.quality_statements_by_location_assessment
    raw = {d["locationId"]: d for d in oldham_raw()}
    expected = sum(len(k["topicareas"]) for loc in a["location_id"] for g in raw[loc]["assessment"]
                   for r in g["ratings"]["asgRatings"] for k in r["keyQuestionRatings"])
    assert len(qs) == expected
    franklin = qs[(qs["location_id"] == "1-5312102242") & (qs["quality_statement_id"] == "17")]
    assert list(franklin["score"]) == [2]
    # The assessment is the location's latest rating (it has no currentRatings).
    now = ratings_at(oldham.history, "2025-03-31").set_index(["location_id", "key_question"])
    assert now.loc[("1-5203053560", "Overall"), "report_date"] == pd.Timestamp("2024-09-17")


def test_oldham_latest_ratings_view_matches_the_ratings_file_shape(oldham):
    r = latest_ratings_view(oldham)
    assert set(LOCATION_COLUMNS) <= set(r.locations.columns)
    assert list(r.ratings_by_location_key_question.columns) == [
        "location_id", "key_question", "rating", "publication_date", "inherited", "row"]
    assert r.locations["location_id"].is_unique
    raw = [d for d in oldham_raw() if d["type"] == "Social Care Org" and d["registrationStatus"] == "Registered"]
    assert len(r.locations) == len(raw) == 106
    assert r.ratings_by_location_key_question["rating"].dtype == vocab.RATING_DTYPE
    assert r.as_of == pd.Timestamp("2024-09-17")
    assert r.locations["url"].str.startswith("https://www.cqc.org.uk/location/").all()


def test_oldham_has_no_data_quality_findings(oldham):
    assert oldham.history.data_quality.empty
    assert oldham.files == 451


# ---- small folders ------------------------------------------------------------------------------------

def loc_json(loc="1-1", **extra) -> dict:
    d = {
        "locationId": loc, "providerId": "1-9", "type": "Social Care Org", "name": f"Home {loc}",
        "registrationStatus": "Registered", "registrationDate": "2015-01-01", "dormancy": "N", "careHome": "Y",
        "localAuthority": "York", "region": "Yorkshire and The Humber",
        "inspectionCategories": [{"code": "S1", "name": vocab.RESIDENTIAL, "primary": "true"}],
        "currentRatings": {"overall": {
            "rating": "Good", "reportDate": "2024-05-01", "reportLinkId": "x",
            "keyQuestionRatings": [{"name": q, "rating": "Good", "reportDate": "2024-05-01"} for q in vocab.KEY_QUESTIONS],
        }, "reportDate": "2024-05-01"},
        "historicRatings": [{"reportDate": "2021-02-01", "reportLinkId": "y", "overall": {
            "rating": "Requires improvement",
            "keyQuestionRatings": [{"name": "Safe", "rating": "Requires improvement"}]}}],
    }
    d.update(extra)
    return {k: v for k, v in d.items() if v is not None}


def write_folder(root: Path, locations: dict[str, object], listed: list[str] | None = None) -> Path:
    folder = root / "api"
    (folder / "location_details").mkdir(parents=True, exist_ok=True)
    for name, content in locations.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (folder / "location_details" / name).write_text(text, encoding="utf-8")
    if listed is not None:
        (folder / "locations.json").write_text(json.dumps(
            {"total": len(listed), "page": 1, "totalPages": 1,
             "locations": [{"locationId": i, "locationName": i, "postalCode": ""} for i in listed]}))
    return folder


def test_small_folder(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json()}, listed=["1-1"])
    got = load_api_folder(folder, today=TODAY)
    o = got.history.outcomes_by_location_date_key_question
    assert len(o) == 6 + 2
    assert list(o["source"].unique()) == ["api"]
    assert got.history.data_quality.empty
    assert latest_ratings_view(got).locations.loc[0, "overall_rating"] == "Good"


def test_absent_keys_are_not_errors(tmp_path):
    minimal = {"locationId": "1-1", "type": "Social Care Org"}
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": minimal}), today=TODAY)
    assert got.history.outcomes_by_location_date_key_question.empty
    assert got.history.data_quality.empty
    assert got.history.locations_all.loc[0, "category"] == vocab.COMMUNITY  # careHome absent: not a care home


def test_malformed_json_names_file_and_line(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": '{\n  "locationId": "1-1",\n  "type": \n}'})
    with pytest.raises(InputError) as e:
        load_api_folder(folder, today=TODAY)
    assert e.value.file.name == "location_1-1.json"
    assert "not valid JSON at line 4" in str(e.value)


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="the file is empty"):
        load_api_folder(write_folder(tmp_path, {"location_1-1.json": ""}), today=TODAY)


def test_file_name_must_match_the_location_id(tmp_path):
    folder = write_folder(tmp_path, {"location_1-2.json": loc_json("1-1")})
    with pytest.raises(InputError) as e:
        load_api_folder(folder, today=TODAY)
    assert e.value.column == "locationId"
    assert "the file name says location 1-2 but its locationId is 1-1" in str(e.value)


def test_not_a_location_response(tmp_path):
    with pytest.raises(InputError, match="expected a CQC location response"):
        load_api_folder(write_folder(tmp_path, {"location_1-1.json": [1, 2]}), today=TODAY)


def test_same_location_in_two_files(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json()})
    (folder / "location_details.json").write_text(json.dumps(loc_json(name="Another name")))
    with pytest.raises(InputError) as e:
        load_api_folder(folder, today=TODAY)
    assert "location 1-1 is also in location_details/location_1-1.json with different content" in str(e.value)
    assert e.value.column == "name"
    # The same content twice is one location.
    (folder / "location_details.json").write_text(json.dumps(loc_json()))
    assert len(load_api_folder(folder, today=TODAY).history.locations_all) == 1


def test_a_future_date_is_listed_and_not_used(tmp_path):
    d = loc_json()
    d["historicRatings"][0]["reportDate"] = "2030-01-01"
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY)
    dq = got.history.data_quality
    assert list(dq["row"]) == ["historicRatings[0].reportDate"]
    assert list(dq["file"]) == ["location_details/location_1-1.json"]
    assert "2030-01-01 is in the future" in dq["issue"].iloc[0]
    assert got.history.outcomes_by_location_date_key_question["report_date"].max() == pd.Timestamp("2024-05-01")


def test_a_bad_date_is_an_error_naming_the_field(tmp_path):
    d = loc_json(registrationDate="01/02/2015")
    with pytest.raises(InputError) as e:
        load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY)
    assert e.value.column == "registrationDate" and "expected YYYY-MM-DD" in str(e.value)


def test_unknown_rating_words_are_listed(tmp_path):
    d = loc_json()
    d["historicRatings"][0]["overall"]["rating"] = "Compliance action"
    d["historicRatings"][0]["overall"]["keyQuestionRatings"][0]["name"] = "Kind"
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY)
    dq = got.history.data_quality
    assert list(dq["row"]) == ["historicRatings[0].overall.rating", "historicRatings[0].overall.keyQuestionRatings[0].name"]
    assert "'Compliance action' is not a rating this report knows" in dq["issue"].iloc[0]
    assert "'Kind' is not a key question" in dq["issue"].iloc[1]
    o = got.history.outcomes_by_location_date_key_question
    kept = o[o["report_date"] == "2021-02-01"]  # shown as not recognised, never dropped; the unknown key question is
    assert list(kept["rating"].astype(str)) == [vocab.UNRECOGNISED]


def test_conflicting_ratings_for_one_report_are_listed(tmp_path):
    d = loc_json()
    d["historicRatings"].append({"reportDate": "2024-05-01", "overall": {"rating": "Inadequate"}})
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY)
    issue = got.history.data_quality["issue"].iloc[0]
    assert "Overall on 2024-05-01 is 'Inadequate' here but 'Good' at currentRatings.overall.rating" in issue
    o = got.history.outcomes_by_location_date_key_question
    assert o.loc[(o["key_question"] == "Overall") & (o["report_date"] == "2024-05-01"), "rating"].tolist() == ["Good"]


def test_listed_but_missing_is_listed(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json()}, listed=["1-1", "1-2"])
    dq = load_api_folder(folder, today=TODAY).history.data_quality
    assert list(dq["location_id"]) == ["1-2"]
    assert "location_details/location_1-2.json is missing" in dq["issue"].iloc[0]


def test_deregistered_without_a_date_is_listed(tmp_path):
    d = loc_json(registrationStatus="Deregistered")
    dq = load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY).history.data_quality
    assert "no deregistration date" in dq["issue"].iloc[0]


def test_other_location_types_are_left_out_and_counted(tmp_path):
    gp = loc_json("1-2", type="Primary Medical Services")
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": loc_json(), "location_1-2.json": gp}), today=TODAY)
    assert list(got.history.locations_all["location_id"]) == ["1-1"]
    assert latest_ratings_view(got).excluded_by_location_type.to_dict("records") == [
        {"location_type": "Primary Medical Services", "rows": 1, "locations": 1}]


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(InputError, match="folder not found"):
        load_api_folder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no location responses"):
        load_api_folder(tmp_path / "empty")


def test_folder_digest_is_stable_and_sees_changes(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json()})
    a = sha256_of_folder(folder)
    assert a == sha256_of_folder(folder)
    (folder / "location_details" / "location_1-1.json").write_text(json.dumps(loc_json(name="Changed")))
    assert sha256_of_folder(folder) != a


# ---- the example council's generated folder -------------------------------------------------------------

def test_example_folder_is_up_to_date_and_covers_the_cases():
    from carequality.examples.ratings import example_rows
    from carequality.examples.api import _text, api_responses
    from carequality.measures import changes as P

    folder = Path(__file__).resolve().parents[2] / "data" / "example" / "cqc_api"
    files = api_responses(example_rows())
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*.json")}
    assert on_disk == set(files), "run `carequality example` to regenerate data/example"
    for rel, data in files.items():
        assert (folder / rel).read_text(encoding="utf-8") == _text(rel, data), rel
    got = load_api_folder(folder, today=dt.date(2026, 11, 1))
    h = got.history
    assert h.data_quality.empty
    assert len(h.assessments_by_location_service_group) == 2
    o = h.outcomes_by_location_date_key_question
    per_report = o.groupby(["location_id", "report_date"])["key_question"].nunique()
    assert (per_report < 6).any()  # focused inspections
    assert o["inherited"].any()  # services taken over by a new provider
    for start, end in (("2025-04-01", "2026-03-31"), ("2024-04-01", "2025-03-31")):
        assert len(P.registrations_in_period(h, start, end)) > 0
        assert len(P.deregistrations_in_period(h, start, end)) > 0
        assert len(P.inspections_in_period(h, start, end)) > 0
    # Consistent with the example ratings file: the same current overall rating for every York location.
    rows = [r for r in example_rows() if r["Location Local Authority"] == "York" and r["Location Type"] == "Social Care Org"
            and r["Service / Population Group"] == "Overall" and r["Domain"] == "Overall"]
    current = latest_ratings_view(got).locations.set_index("location_id")["overall_rating"].astype(str)
    file_word = {"Not Rated": "No published rating"}
    assert {r["Location ID"]: file_word.get(r["Latest Rating"], r["Latest Rating"]) for r in rows} == current.to_dict()
    total = sum(p.stat().st_size for p in folder.rglob("*.json"))
    assert total < 1_000_000


def test_a_value_of_the_wrong_kind_is_an_error_not_a_traceback(tmp_path):
    d = loc_json(historicRatings={"reportDate": "2020-01-01"})
    with pytest.raises(InputError, match="unexpected structure"):
        load_api_folder(write_folder(tmp_path, {"location_1-1.json": d}), today=TODAY)


# ---- bad input that must not slip past (issue 13) ---------------------------------------------------------

@pytest.mark.parametrize("beds", [10**30, -1, True, 2.5, "12"])
def test_a_number_of_beds_no_home_has_is_an_error_naming_the_field(tmp_path, beds):
    with pytest.raises(InputError) as e:
        load_api_folder(write_folder(tmp_path, {"location_1-1.json": loc_json(numberOfBeds=beds)}), today=TODAY)
    assert e.value.column == "numberOfBeds" and "is not a number of beds" in e.value.message


def test_a_location_type_that_matches_nothing_names_the_types_present(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json()})
    with pytest.raises(InputError) as e:
        load_api_folder(folder, location_types=("Social care",), today=TODAY)
    assert e.value.column == "type" and "'Social care' matches no location in api (field 'type')" in e.value.message
    assert "'Social Care Org' (1 location)" in e.value.message


def test_text_longer_than_a_spreadsheet_cell_is_a_data_quality_row(tmp_path):
    got = load_api_folder(write_folder(tmp_path, {"location_1-1.json": loc_json(name="x" * 40_000)}), today=TODAY)
    dq = got.history.data_quality
    assert list(dq["row"]) == ["name"] and "name holds 40,000 characters" in dq["issue"].iloc[0]


def test_a_number_with_thousands_of_digits_is_refused_by_name(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": '{"locationId": "1-1", "numberOfBeds": ' + "9" * 5000 + "}"})
    with pytest.raises(InputError, match="not a CQC API response"):
        load_api_folder(folder, today=TODAY)


def test_text_fields_of_the_wrong_kind_are_refused_by_name(tmp_path):
    folder = write_folder(tmp_path, {"location_1-1.json": loc_json(localAuthority={"name": "York"})})
    with pytest.raises(InputError) as e:
        load_api_folder(folder, today=TODAY)
    assert e.value.column == "localAuthority" and "is not text" in e.value.message


# ---- rules for CQC's quirks, each on a real Oldham record's shape ------------------------------------------

def oldham_record(location_id: str) -> dict:
    return json.loads((OLDHAM_API / "location_details" / f"location_{location_id}.json").read_text())


def load_one(tmp_path: Path, d: dict):
    return load_api_folder(write_folder(tmp_path, {f"location_{d['locationId']}.json": d}), today=TODAY)


def overall_outcomes(got) -> dict[str, str]:
    o = got.history.outcomes_by_location_date_key_question
    o = o[o["key_question"] == "Overall"]
    return {d.date().isoformat(): str(r) for d, r in zip(o["report_date"], o["rating"])}


def test_overall_rating_dates_rule():
    from carequality.sources.cqc_api import overall_rating_dates

    assert overall_rating_dates("2021-01-12", ["2019-11-20", "2019-11-20"]) == ("2019-11-20", "2021-01-12")
    assert overall_rating_dates("2019-11-20", ["2019-11-20", "2017-01-01"]) == ("2019-11-20", None)
    assert overall_rating_dates("2019-11-20", [None, None]) == ("2019-11-20", None)  # no key-question dates
    assert overall_rating_dates(None, ["2019-11-20"]) == (None, None)


def test_a_later_report_that_rated_nothing_keeps_the_rating_on_its_own_date(shared_data, tmp_path):
    """1-109570155 (real): rated Good on 10 October 2018, inspected but not rated on 3 March 2022. Built here in
    the shape CQC gives when such a later report is the latest: the overall report date moved to it, the report
    gone from historicRatings."""
    d = oldham_record("1-109570155")
    assert overall_outcomes(load_one(tmp_path / "real", d)) == {
        "2016-03-17": "Good", "2018-10-10": "Good", "2022-03-03": "Inspected but not rated"}
    d["currentRatings"]["overall"]["reportDate"] = d["currentRatings"]["reportDate"] = "2022-03-03"
    d["historicRatings"] = [h for h in d["historicRatings"] if h["reportDate"] != "2022-03-03"]
    got = load_one(tmp_path / "moved", d)
    assert overall_outcomes(got) == {"2016-03-17": "Good", "2018-10-10": "Good", "2022-03-03": "Inspected but not rated"}
    from carequality.measures import changes

    assert changes.rating_changes(got.history, "2022-01-01", "2022-12-31").empty  # not "Good, 3 March 2022"
    insp = changes.inspections_in_period(got.history, "2022-01-01", "2022-12-31")
    assert list(insp["rating"].astype(str)) == ["Inspected but not rated"]  # not counted as Good
    assert got.history.data_quality.empty


def test_an_organisation_id_of_another_location_marks_a_rating_inherited(shared_data, tmp_path):
    """1-9588358014 (real) registered on 25 September 2020; its 2 October 2020 report carries the organisationId of
    the location it replaced (1-4815596978): inherited though dated after the registration."""
    d = oldham_record("1-9588358014")
    o = load_one(tmp_path / "real", d).history.outcomes_by_location_date_key_question
    by_date = o.groupby("report_date")["inherited"].all()
    assert by_date[pd.Timestamp("2020-10-02")] and by_date[pd.Timestamp("2019-04-18")]
    assert not by_date[pd.Timestamp("2021-05-13")]
    for h in d["historicRatings"]:
        h.pop("organisationId", None)
    o = load_one(tmp_path / "without", d).history.outcomes_by_location_date_key_question
    assert not o.loc[o["report_date"] == "2020-10-02", "inherited"].any()


def test_an_organisation_id_of_the_location_itself_is_not_inherited(shared_data, tmp_path):
    d = oldham_record("1-9588358014")
    for h in d["historicRatings"]:
        h["organisationId"] = d["locationId"]
    o = load_one(tmp_path, d).history.outcomes_by_location_date_key_question
    assert not o.loc[o["report_date"] == "2020-10-02", "inherited"].any()


def test_an_assessment_is_an_outcome_with_its_scores(shared_data, tmp_path):
    """1-5312102242 Franklin House (real): assessed under the Single Assessment Framework, published 8 August 2024,
    Good, key-question scores 70–75%; no currentRatings."""
    got = load_one(tmp_path, oldham_record("1-5312102242"))
    assert overall_outcomes(got)["2024-08-08"] == "Good"
    s = got.key_question_scores.set_index("key_question")
    assert s.loc["Caring", "percentage_score"] == 70 and s.loc["Safe", "percentage_score"] == 75
    assert set(s["service_group"]) == {"Care Homes"} and set(s["rating"]) == {"Good"}
    assert s.loc["Effective", "status"] == "Not Assessed"


def test_relationships_name_the_location_replaced(shared_data, tmp_path):
    """1-18648277454 Avonleigh Gardens (real) replaced 1-117977107 when a new provider took it over in March 2024."""
    row = load_one(tmp_path, oldham_record("1-18648277454")).history.locations_all.iloc[0]
    assert (row["predecessor_id"], row["predecessor_reason"]) == ("1-117977107", "New Provider")
    assert row["successor_id"] == ""


def test_list_filters_say_what_a_download_covers():
    from carequality.sources.cqc_api import list_filters

    assert list_filters("/locations?page=1&perPage=1000&localAuthority=Oldham") == {"localAuthority": "Oldham"}
    assert list_filters("/locations?localAuthority=York&careHome=Y&page=2") == {"careHome": "Y", "localAuthority": "York"}
    assert list_filters(None) == {}
