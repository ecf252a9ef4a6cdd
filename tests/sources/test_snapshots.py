"""Monthly "Care directory with ratings" files as a history; merged with API history without double counting."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from carequality.measures import changes as P
from carequality import vocab
from carequality.errors import InputError
from carequality.model.history import merge, ratings_at
from carequality.sources.cqc_api import load_api_folder
from carequality.sources.snapshots import date_from_name, load_snapshot_folder
from conftest import LINCOLNSHIRE_CSV

from snapshot_files import rows_for, write_snapshots


@pytest.fixture
def three_months(tmp_path) -> Path:
    return write_snapshots(tmp_path / "snaps", {
        # January: A Good since 2023, B RI since 2022, C not yet rated.
        "01_January_2025_Latest_ratings.csv": rows_for("1-A", "Good", "15/06/2023")
        + rows_for("1-B", "Requires improvement", "01/03/2022")
        + rows_for("1-C", "Not Rated", "", care_home=False),
        # February: B re-inspected (Good, 10 Feb); C gone; D new.
        "01_February_2025_Latest_ratings.csv": rows_for("1-A", "Good", "15/06/2023")
        + rows_for("1-B", "Good", "10/02/2025")
        + rows_for("1-D", "Not Rated", "", care_home=False),
        # March: A focused inspection on Safe only (Safe dated 3 Mar, the rest keep 2023); D inherits a rating.
        "01_March_2025_Latest_ratings.csv": rows_for("1-A", {"Safe": "Requires improvement"}, "03/03/2025")
        + rows_for("1-A", {d: "Good" for d in vocab.DOMAINS if d != "Safe"}, "15/06/2023")
        + rows_for("1-B", "Good", "10/02/2025")
        + rows_for("1-D", "Good", "20/11/2024", inherited="Y", care_home=False),
    })


def test_an_outcome_repeated_in_later_files_is_counted_once(three_months):
    h = load_snapshot_folder(three_months).history
    o = h.outcomes_by_location_date_key_question
    b = o[o["location_id"] == "1-B"]
    assert sorted(b["report_date"].dt.strftime("%Y-%m-%d").unique()) == ["2022-03-01", "2025-02-10"]
    assert len(b) == 12
    assert set(b.loc[b["report_date"] == "2025-02-10", "source"]) == {"01_February_2025_Latest_ratings.csv"}
    assert len(o) == 6 + 1 + 12 + 6  # A (2023 and the focused Safe), B twice, D's inherited rating


def test_focused_inspection_and_carry_forward(three_months):
    h = load_snapshot_folder(three_months).history
    now = ratings_at(h, "2025-03-31").set_index(["location_id", "key_question"])["rating"].astype(str)
    assert now[("1-A", "Safe")] == "Requires improvement" and now[("1-A", "Caring")] == "Good"
    got = P.inspections_in_period(h, "2025-01-01", "2025-03-31")
    assert list(zip(got["location_id"], got["rating"].astype(str))) == [("1-B", "Good"), ("1-A", "Good")]
    assert list(got["key_questions"]) == ["Safe; Effective; Caring; Responsive; Well-led", "Safe"]


def test_inherited_ratings_are_not_inspections(three_months):
    h = load_snapshot_folder(three_months).history
    o = h.outcomes_by_location_date_key_question
    assert o.loc[o["location_id"] == "1-D", "inherited"].all()
    assert "1-D" not in set(P.inspections_in_period(h, "2024-01-01", "2025-12-31")["location_id"])
    assert ratings_at(h, "2025-03-31").set_index(["location_id", "key_question"]).loc[("1-D", "Overall"), "rating"] == "Good"


def test_registration_dates_come_from_first_and_last_appearance(three_months):
    locs = load_snapshot_folder(three_months).history.locations_all.set_index("location_id")
    assert pd.isna(locs.loc["1-A", "registration_date"])  # in the first file: registered before it
    assert locs.loc["1-D", "registration_date"] == pd.Timestamp("2025-02-01")
    assert locs.loc["1-C", "deregistration_date"] == pd.Timestamp("2025-02-01")
    assert locs.loc["1-C", "registration_status"] == "Deregistered"
    assert set(locs["dates_source"]) == {"snapshots"}
    assert locs.loc["1-D", "category"] == vocab.COMMUNITY


def test_latest_snapshot_is_the_latest_file(three_months):
    s = load_snapshot_folder(three_months)
    assert [x.as_of for x in s.snapshots] == [pd.Timestamp(f"2025-0{m}-01") for m in (1, 2, 3)]
    assert s.latest.file.name.startswith("01_March")
    assert len(s.sha256) == 64


def test_a_correction_without_a_new_date_is_listed(tmp_path):
    folder = write_snapshots(tmp_path / "s", {
        "2025-01-01.csv": rows_for("1-A", "Good", "15/06/2023"),
        "2025-02-01.csv": rows_for("1-A", {**{d: "Good" for d in vocab.DOMAINS}, "Caring": "Outstanding"}, "15/06/2023"),
    })
    h = load_snapshot_folder(folder).history
    assert len(h.data_quality) == 1
    issue = h.data_quality["issue"].iloc[0]
    assert "Caring published 2023-06-15 is Outstanding here but Good in 2025-01-01.csv" in issue
    assert h.data_quality["file"].iloc[0] == "2025-02-01.csv"
    o = h.outcomes_by_location_date_key_question
    assert o.loc[o["key_question"] == "Caring", "rating"].tolist() == ["Outstanding"]


def test_two_files_with_the_same_date(tmp_path):
    folder = write_snapshots(tmp_path / "s", {
        "March_2025.csv": rows_for("1-A", "Good", "15/06/2023"),
        "01_March_2025_Latest_ratings.csv": rows_for("1-A", "Good", "15/06/2023"),
    })
    with pytest.raises(InputError, match="has the same date"):
        load_snapshot_folder(folder)


def test_a_file_without_a_date_in_its_name_uses_its_latest_publication_date(tmp_path):
    folder = write_snapshots(tmp_path / "s", {"ratings.csv": rows_for("1-A", "Good", "15/06/2023")})
    s = load_snapshot_folder(folder)
    assert s.latest.as_of == pd.Timestamp("2023-06-15") and s.latest.as_of_from == "latest publication date"


def test_a_broken_file_is_an_error_naming_it(tmp_path):
    folder = write_snapshots(tmp_path / "s", {"2025-01-01.csv": rows_for("1-A", "Good", "not a date")})
    with pytest.raises(InputError) as e:
        load_snapshot_folder(folder)
    assert e.value.file.name == "2025-01-01.csv" and e.value.column == "Publication Date"


def test_no_files(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "README.txt.bak").write_text("x")
    with pytest.raises(InputError, match="no ratings files"):
        load_snapshot_folder(tmp_path / "s")
    with pytest.raises(InputError, match="folder not found"):
        load_snapshot_folder(tmp_path / "nowhere")


@pytest.mark.parametrize("name,expected", [
    ("01_March_2025_Latest_ratings.ods", "2025-03-01"),
    ("1 Sept 2024 ratings.csv", None),
    ("2024-11-05_cqc.csv", "2024-11-05"),
    ("cqc_December_2024.xlsx", "2024-12-01"),
    ("05_Dec_2024.csv", "2024-12-05"),
    ("latest.csv", None),
])
def test_date_from_name(name, expected):
    got = date_from_name(name)
    assert (got.date().isoformat() if got is not None else None) == expected


def test_merged_with_api_history_without_double_counting(tmp_path, three_months):
    api = tmp_path / "api" / "location_details"
    api.mkdir(parents=True)
    # The API knows B's February report (all five key questions) and an older one the files never showed.
    (api / "location_1-B.json").write_text(json.dumps({
        "locationId": "1-B", "type": "Social Care Org", "name": "Home 1-B (API)", "registrationDate": "2012-01-01",
        "registrationStatus": "Registered", "careHome": "Y", "localAuthority": "York",
        "currentRatings": {"overall": {"rating": "Good", "reportDate": "2025-02-10", "keyQuestionRatings": [
            {"name": q, "rating": "Good", "reportDate": "2025-02-10"} for q in vocab.KEY_QUESTIONS]}},
        "historicRatings": [{"reportDate": "2019-05-05", "overall": {"rating": "Inadequate"}}],
    }))
    a = load_api_folder(tmp_path / "api", today=pd.Timestamp("2026-01-01").date()).history
    s = load_snapshot_folder(three_months).history
    m = merge(a, s)
    o = m.outcomes_by_location_date_key_question
    b = o[o["location_id"] == "1-B"]
    assert sorted(b["report_date"].dt.strftime("%Y-%m-%d").unique()) == ["2019-05-05", "2022-03-01", "2025-02-10"]
    assert set(b.loc[b["report_date"] == "2025-02-10", "source"]) == {"api"}
    assert len(b[b["report_date"] == "2025-02-10"]) == 6
    assert len(P.inspections_in_period(m, "2025-01-01", "2025-03-31")) == 2
    locs = m.locations_all.set_index("location_id")
    assert locs.loc["1-B", "location_name"] == "Home 1-B (API)" and locs.loc["1-B", "dates_source"] == "api"
    assert {"1-A", "1-C", "1-D"} <= set(locs.index)


def test_lincolnshire_file_as_one_snapshot(shared_data, tmp_path):
    folder = tmp_path / "lincs"
    folder.mkdir()
    (folder / "01_June_2026_Latest_ratings.csv").symlink_to(LINCOLNSHIRE_CSV)
    s = load_snapshot_folder(folder)
    level = s.latest.ratings.ratings_by_location_key_question
    o = s.history.outcomes_by_location_date_key_question
    assert len(o) == int(level["publication_date"].notna().sum())
    assert len(s.history.locations_all) == len(s.latest.ratings.locations) == 356
    assert s.history.locations_all["registration_date"].isna().all()
