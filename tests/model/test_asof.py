"""The one as-of date of a report (model/asof.py) and what the inputs cover (model/coverage.py)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from carequality.model.asof import cqc_as_of, data_end_before, figures_date
from carequality.model.build import build_model
from carequality.model.coverage import ALL, NONE, SOME, community_coverage, provider_name_coverage
from carequality.params import load_params, parse_params
from carequality.sources.frames import History, normalise_locations, normalise_outcomes
from conftest import ROOT


def history(report_dates: list[str], registered: list[str] = (), deregistered: list[str] = ()) -> History:
    o = pd.DataFrame({"location_id": "A", "report_date": report_dates, "key_question": "Overall", "rating": "Good",
                      "source": "api"})
    locs = pd.DataFrame({"location_id": [f"L{i}" for i in range(len(registered))], "registration_date": list(registered)})
    if deregistered:
        locs = pd.concat([locs, pd.DataFrame({"location_id": "D", "registration_date": "2010-01-01",
                                              "deregistration_date": list(deregistered)})])
    return History(normalise_outcomes(o), normalise_locations(locs))


def test_the_as_of_date_is_the_latest_report_registration_or_closure():
    h = history(["2024-09-17"], registered=["2025-03-13"], deregistered=["2025-02-27"])
    assert cqc_as_of(history=h, today=dt.date(2026, 1, 1)) == pd.Timestamp("2025-03-13")


def test_the_as_of_date_ignores_dates_after_the_day_of_the_run():
    pub = pd.Series(pd.to_datetime(["2026-05-29", "2027-01-01"]))
    assert cqc_as_of(publication_dates=[pub], today=dt.date(2026, 11, 30)) == pd.Timestamp("2026-05-29")


def test_the_as_of_date_takes_a_monthly_files_own_date():
    h = history(["2025-02-10"])
    assert cqc_as_of(history=h, file_dates=[pd.Timestamp("2025-03-01")], today=dt.date(2026, 1, 1)) == \
        pd.Timestamp("2025-03-01")


def test_no_cqc_input_has_no_as_of_date():
    assert cqc_as_of(today=dt.date(2026, 1, 1)) is None


def test_figures_are_dated_no_later_than_the_data():
    end = dt.date(2025, 3, 31)
    assert figures_date(end, pd.Timestamp("2025-03-13")) == dt.date(2025, 3, 13)
    assert figures_date(end, pd.Timestamp("2025-04-02")) == end
    assert figures_date(end, None) == end
    assert data_end_before(end, pd.Timestamp("2025-03-13")) and not data_end_before(end, pd.Timestamp("2025-03-31"))


def test_oldham_has_one_as_of_date(shared_data):
    """The latest date in the Oldham responses is a registration on 13 March 2025 (1-22095289119); the latest
    rating is of 17 September 2024. The title, the method note and the benchmarks all use 13 March 2025."""
    model = build_model(load_params(ROOT / "params" / "oldham" / "2024-25.yaml"), today=dt.date(2026, 1, 1))
    assert model.as_of == pd.Timestamp("2025-03-13")
    assert [i.as_of for i in model.inputs if i.name == "cqc_api"] == ["2025-03-13"]


def test_a_future_publication_date_in_a_ratings_file_is_listed_and_ignored(tmp_path):
    from snapshot_files import rows_for, write_snapshots

    write_snapshots(tmp_path, {"r.csv": rows_for("1-A", "Good", "15/06/2025") + rows_for("1-B", "Good", "01/03/2030")})
    params = parse_params({"council": {"code": "E06000014", "name": "York"},
                           "period": {"start": "2025-04-01", "end": "2026-03-31"}, "inputs": {"cqc_ratings": "r.csv"}},
                          source="t", base_dir=tmp_path)
    model = build_model(params, today=dt.date(2026, 11, 30))
    assert model.as_of == pd.Timestamp("2025-06-15")
    dq = model.data_quality
    assert list(dq["location_id"]) == ["1-B"] and "2030-03-01 is in the future" in dq["issue"].iloc[0]


# ---- coverage ------------------------------------------------------------------------------------------------

def test_a_ratings_file_alone_covers_no_closures_registrations_or_service_types(shared_data):
    model = build_model(load_params(ROOT / "params" / "lincolnshire" / "2025-26.yaml"))
    c = model.coverage
    assert (c.closures, c.registrations, c.service_types, c.community_services) == (False, False, False, True)


def test_an_api_download_covers_closures_service_types_and_some_provider_names(shared_data):
    model = build_model(load_params(ROOT / "params" / "oldham" / "2024-25.yaml"))
    c = model.coverage
    assert (c.closures, c.registrations, c.service_types, c.provider_names) == (True, True, True, SOME)


def test_a_download_of_care_homes_only_does_not_cover_community_services():
    cats = pd.Series(["Residential social care"] * 2)
    homes = pd.Series([True, True])
    assert community_coverage(cats, homes, {"careHome": "Y"}) == (False, "the download from CQC asked for care homes only")
    assert community_coverage(cats, homes, None) == (False, "the CQC data used here list care homes only")
    assert community_coverage(pd.concat([cats, pd.Series(["Community based adult social care services"])]),
                              pd.Series([True, True, False]), None) == (True, "")


def test_monthly_files_cover_openings_from_their_first_file(tmp_path):
    from snapshot_files import rows_for, write_snapshots

    write_snapshots(tmp_path / "monthly", {
        "01_March_2025.csv": rows_for("1-A", "Good", "15/06/2023"),
        "01_April_2025.csv": rows_for("1-A", "Good", "15/06/2023") + rows_for("1-B", "Good", "01/04/2025"),
    })
    params = parse_params({"council": {"code": "E06000014", "name": "York"},
                           "period": {"start": "2025-04-01", "end": "2026-03-31"},
                           "inputs": {"cqc_snapshots": "monthly"}}, source="t", base_dir=tmp_path)
    c = build_model(params).coverage
    assert c.register_from == pd.Timestamp("2025-03-01") and c.closures
    assert c.register_known("2025-04-01") and not c.register_known("2024-04-01")


def test_provider_name_coverage():
    assert provider_name_coverage(pd.Series(["A", "B"])) == ALL
    assert provider_name_coverage(pd.Series(["A", ""])) == SOME
    assert provider_name_coverage(pd.Series(["", None])) == NONE


def test_a_care_homes_only_api_download_is_named(tmp_path):
    """The list response's firstPageUri says what the download asked CQC for (as in the real Oldham locations.json)."""
    from carequality.sources.cqc_api import load_api_folder

    folder = tmp_path / "api"
    (folder / "location_details").mkdir(parents=True)
    d = {"locationId": "1-1", "type": "Social Care Org", "careHome": "Y", "registrationStatus": "Registered",
         "registrationDate": "2015-01-01", "localAuthority": "York"}
    (folder / "location_details" / "location_1-1.json").write_text(json.dumps(d))
    (folder / "locations.json").write_text(json.dumps({
        "total": 1, "firstPageUri": "/locations?page=1&perPage=1000&localAuthority=York&careHome=Y",
        "locations": [{"locationId": "1-1", "locationName": "x", "postalCode": ""}]}))
    assert load_api_folder(folder).list_filters == {"careHome": "Y", "localAuthority": "York"}
