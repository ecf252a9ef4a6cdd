"""History functions (ratings_at, active_at, merge) and period functions on small histories built here."""

from __future__ import annotations

import pandas as pd
import pytest

from carequality.measures import changes as P
from carequality import vocab
from carequality.sources.frames import History, normalise_locations, normalise_outcomes
from carequality.model.history import active_at, merge, outcomes_by_location_date, ratings_at, restrict

RES, COM = vocab.RESIDENTIAL, vocab.COMMUNITY


def outcome(loc, date, ratings: dict[str, str], source="api", inherited=False) -> list[dict]:
    return [{"location_id": loc, "report_date": date, "key_question": kq, "rating": r, "source": source,
             "inherited": inherited} for kq, r in ratings.items()]


def full(rating: str, **changes: str) -> dict[str, str]:
    out = {q: rating for q in vocab.DOMAINS}
    out.update({k.replace("_", "-"): v for k, v in changes.items()})
    return out


def location(loc, name, category=RES, registered="2015-01-01", deregistered=None, status=None, types=None):
    return {"location_id": loc, "location_name": name, "category": category, "care_home": category == RES,
            "registration_date": registered, "deregistration_date": deregistered,
            "registration_status": status or ("Deregistered" if deregistered else "Registered"),
            "service_types": types if types is not None else ("Residential homes" if category == RES else "Homecare agencies"),
            "local_authority": "York", "location_type": "Social Care Org"}


@pytest.fixture
def history() -> History:
    rows = (
        # A: Good in 2019; focused 2024-06 rates Safe RI (overall RI); full 2025-02 back to Good.
        outcome("A", "2019-05-01", full("Good"))
        + outcome("A", "2024-06-10", {"Overall": "Requires improvement", "Safe": "Requires improvement"})
        + outcome("A", "2025-02-01", full("Good"))
        # B: RI in 2020; inspected but not rated in 2024-09 (Safe only); no other report.
        + outcome("B", "2020-03-01", full("Requires improvement"))
        + outcome("B", "2024-09-01", {"Overall": "Inspected but not rated", "Safe": "Inspected but not rated"})
        # C: registered 2024-05; first rating Outstanding 2025-01 (community).
        + outcome("C", "2025-01-15", full("Outstanding"))
        # D: inherited Good from a predecessor (2023-11), then nothing. E: the predecessor, closed 2024-05-01.
        + outcome("D", "2023-11-01", full("Good"), inherited=True)
        + outcome("E", "2023-11-01", full("Good"))
        # F: a focused report in the period that rated only Well-led (no Overall row): counted under Good held.
        + outcome("F", "2018-01-01", full("Good"))
        + outcome("F", "2024-12-01", {"Well-led": "Requires improvement"})
    )
    locs = [
        location("A", "Acorn House"), location("B", "Beech Lodge"),
        location("C", "Cedar Home Care", COM, registered="2024-05-20", types="Supported living; Homecare agencies"),
        location("D", "Elm House", registered="2024-05-01"), location("E", "Elm House", deregistered="2024-05-01"),
        location("F", "Fern Care", COM, registered="2012-01-01"),
        location("G", "Gone Care", COM, registered="2012-01-01", deregistered="2023-06-30"),
        location("H", "Hazel Care", COM, registered="2025-03-01"),  # never inspected
    ]
    return History(normalise_outcomes(pd.DataFrame(rows)), normalise_locations(pd.DataFrame(locs)))


# ---- history ------------------------------------------------------------------------------------------

def test_ratings_at_carries_key_questions_forward(history):
    r = ratings_at(history, "2024-07-01").set_index(["location_id", "key_question"])
    assert r.loc[("A", "Safe"), "rating"] == "Requires improvement"
    assert r.loc[("A", "Caring"), "rating"] == "Good"  # not rated in the focused report: carried from 2019
    assert r.loc[("A", "Caring"), "report_date"] == pd.Timestamp("2019-05-01")
    assert r.loc[("A", "Overall"), "rating"] == "Requires improvement"
    assert "C" not in r.index.get_level_values(0)  # not yet rated on that date


def test_inspected_but_not_rated_does_not_replace_a_rating(history):
    r = ratings_at(history, "2025-01-01").set_index(["location_id", "key_question"])
    assert r.loc[("B", "Safe"), "rating"] == "Requires improvement"
    assert r.loc[("B", "Overall"), "report_date"] == pd.Timestamp("2020-03-01")


def test_ratings_at_includes_the_day_itself_and_orders_key_questions(history):
    r = ratings_at(history, "2025-02-01")
    a = r[r["location_id"] == "A"]
    assert list(a["key_question"]) == list(vocab.DOMAINS)
    assert set(a["rating"].astype(str)) == {"Good"}


def test_active_at(history):
    ids = lambda d: sorted(active_at(history, d)["location_id"])  # noqa: E731
    assert ids("2024-04-30") == ["A", "B", "E", "F"]
    assert ids("2024-05-01") == ["A", "B", "D", "F"]  # E deregistered that day, D registered that day
    assert ids("2025-03-31") == ["A", "B", "C", "D", "F", "H"]


def test_active_at_leaves_out_a_deregistered_location_without_a_date():
    h = History(normalise_outcomes(pd.DataFrame(columns=["location_id", "report_date", "key_question", "rating", "source"])),
                normalise_locations(pd.DataFrame([location("X", "X", status="Deregistered")])))
    assert active_at(h, "2020-01-01").empty


def test_outcomes_by_location_date(history):
    per = outcomes_by_location_date(history).set_index(["location_id", "report_date"])
    assert per.loc[("A", pd.Timestamp("2024-06-10")), "key_questions"] == "Safe"
    assert pd.isna(per.loc[("F", pd.Timestamp("2024-12-01")), "overall"])
    assert bool(per.loc[("D", pd.Timestamp("2023-11-01")), "inherited"])
    assert len(per) == 10


def test_restrict(history):
    r = restrict(history, ["A"])
    assert set(r.locations_all["location_id"]) == {"A"}
    assert set(r.outcomes_by_location_date_key_question["location_id"]) == {"A"}


def test_merge_counts_an_outcome_once_and_lists_disagreements(history):
    snap_rows = (
        outcome("A", "2025-02-01", full("Good", Safe="Requires improvement"), source="March.csv")  # same report
        + outcome("A", "2010-06-01", full("Inadequate"), source="March.csv")  # only in the file
    )
    snap = History(normalise_outcomes(pd.DataFrame(snap_rows)),
                   normalise_locations(pd.DataFrame([location("A", "Acorn (file)"), location("Z", "Zinnia")])))
    m = merge(history, snap)
    o = m.outcomes_by_location_date_key_question
    a = o[o["location_id"] == "A"]
    assert len(a[a["report_date"] == "2025-02-01"]) == 6 and set(a.loc[a["report_date"] == "2025-02-01", "source"]) == {"api"}
    assert len(a[a["report_date"] == "2010-06-01"]) == 6
    assert list(m.data_quality["location_id"]) == ["A"]
    assert "rated Requires improvement here but Good in api" in m.data_quality["issue"].iloc[0]
    assert m.locations_all.set_index("location_id").loc["A", "location_name"] == "Acorn House"
    assert "Z" in set(m.locations_all["location_id"])


# ---- period functions -----------------------------------------------------------------------------------

def test_inspections_in_period(history):
    got = P.inspections_in_period(history, "2024-04-01", "2025-03-31")
    assert list(got["location_id"]) == ["A", "B", "F", "C", "A"]  # by date; D's inherited rating is not one
    assert list(got["rating"].astype(str)) == [
        "Requires improvement", "Inspected but not rated", "Good", "Outstanding", "Good"]
    assert got.loc[2, "key_questions"] == "Well-led"


def test_inspection_counts_layout(history):
    counts = P.inspection_counts(P.inspections_in_period(history, "2024-04-01", "2025-03-31"))
    assert list(counts.columns) == ["Category", *vocab.GRADED, "Inspected but not rated", "Total"]
    t = counts.set_index("Category")
    assert list(t.index) == ["Community-based services", "Care homes", "Total"]
    assert t.loc["Care homes", "Requires improvement"] == 1 and t.loc["Care homes", "Good"] == 1
    assert t.loc["Community-based services", "Outstanding"] == 1 and t.loc["Community-based services", "Good"] == 1
    assert t.loc["Total", "Total"] == 5 == t.loc["Care homes", "Total"] + t.loc["Community-based services", "Total"]


def test_inspection_counts_of_an_empty_period_has_zero_rows(history):
    counts = P.inspection_counts(P.inspections_in_period(history, "2000-01-01", "2000-12-31"))
    assert list(counts["Total"]) == [0, 0, 0]


def test_rating_changes(history):
    rc = P.rating_changes(history, "2024-04-01", "2025-03-31")
    assert list(zip(rc["location_id"], rc["from_rating"], rc["to_rating"], rc["direction"])) == [
        ("A", "Good", "Requires improvement", "Declined"),
        ("C", "", "Outstanding", "First rating"),
        ("A", "Requires improvement", "Good", "Improved"),
    ]


def test_rating_changes_unchanged():
    h = History(normalise_outcomes(pd.DataFrame(outcome("A", "2020-01-01", full("Good")) + outcome("A", "2024-01-01", full("Good")))),
                normalise_locations(pd.DataFrame([location("A", "A")])))
    assert list(P.rating_changes(h, "2024-01-01", "2024-01-01")["direction"]) == ["Unchanged"]


def test_registrations_and_deregistrations_dates_are_inclusive(history):
    reg = P.registrations_in_period(history, "2024-05-01", "2025-03-01")
    assert list(reg["location_id"]) == ["D", "C", "H"]
    assert list(reg["main_service_type"]) == ["Residential homes", "Homecare agencies", "Homecare agencies"]
    assert list(P.deregistrations_in_period(history, "2023-06-30", "2024-05-01")["location_id"]) == ["G", "E"]
    assert P.registrations_in_period(history, "2024-05-02", "2024-05-19").empty


def test_main_service_type():
    assert P.main_service_type("Supported living; Homecare agencies") == "Homecare agencies"
    assert P.main_service_type("Residential homes; Nursing homes") == "Nursing homes"
    assert P.main_service_type("Diagnosis/screening") == "Diagnosis/screening"
    assert P.main_service_type("") == P.NOT_KNOWN


def test_counts_by_service_type(history):
    now = P.registrations_in_period(history, "2024-04-01", "2025-03-31")
    before = P.registrations_in_period(history, "2023-04-01", "2024-03-31")
    t = P.counts_by_service_type(now, before)
    assert t.to_dict("records") == [
        {"Category": "Community-based services", "Service type": "Home care agencies", "This period": 2, "Previous period": 0},
        {"Category": "Care homes", "Service type": "Residential homes", "This period": 1, "Previous period": 0},
        {"Category": "Total", "Service type": "", "This period": 3, "Previous period": 0},
    ]


def test_not_inspected_since(history):
    gap = P.not_inspected_since(history, "2021-01-01", "2025-03-31")
    # F's last report is 2024-12 (a focused one counts); B's 2024-09 (inspected but not rated counts);
    # D only inherited a rating and H is new: never inspected.
    assert list(zip(gap["location_id"], gap["status"])) == [("D", "Never inspected"), ("H", "Never inspected")]
    assert gap.set_index("location_id").loc["D", "overall_rating"] == "Good"
    gap = P.not_inspected_since(history, "2024-10-01", "2024-10-01")
    # On 2024-10-01 every report is "before" that day: oldest report first, then those never inspected.
    assert list(gap["location_id"]) == ["F", "A", "B", "C", "D"]
    assert list(gap["last_report_date"].dt.strftime("%Y-%m-%d").fillna("")) == ["2018-01-01", "2024-06-10", "2024-09-01", "", ""]


def test_key_question_ratings_at_dates_and_counts(history):
    long = P.key_question_ratings_at_dates(history, "2024-07-01", "2025-03-31")
    assert set(long["location_id"]) == {"A", "B", "C", "D", "F", "H"}  # active on the second date
    assert len(long) == 6 * 2 * 5
    a = long[(long["location_id"] == "A")].set_index(["at", "key_question"])["rating"]
    assert a[(pd.Timestamp("2024-07-01"), "Safe")] == "Requires improvement"
    assert a[(pd.Timestamp("2025-03-31"), "Safe")] == "Good"
    counts = P.rating_level_counts(long).set_index(["rating", "at"])
    ri_before = counts.loc[("Requires improvement", pd.Timestamp("2024-07-01"))]
    assert (ri_before["ratings"], ri_before["locations"]) == (1 + 5, 2)  # A's Safe; B's five
    ri_after = counts.loc[("Requires improvement", pd.Timestamp("2025-03-31"))]
    assert (ri_after["ratings"], ri_after["locations"]) == (5 + 1, 2)  # B's five; F's Well-led
    assert counts.loc[("No rating", pd.Timestamp("2024-07-01")), "locations"] == 2  # C and H
    assert counts.loc[("No rating", pd.Timestamp("2025-03-31")), "ratings"] == 5  # H


def test_period_functions_are_deterministic(history):
    a = P.inspections_in_period(history, "2024-04-01", "2025-03-31")
    b = P.inspections_in_period(history, "2024-04-01", "2025-03-31")
    pd.testing.assert_frame_equal(a, b)


# ---- changes of provider ---------------------------------------------------------------------------------------

def test_a_linked_change_of_provider_is_neither_a_new_service_nor_a_closure(shared_data, tmp_path):
    """Avonleigh Gardens (real Oldham responses): 1-18648277454 registered on 26 March 2024 when a new provider took
    over 1-117977107, which closed on 2 April 2024. CQC links the two."""
    import json
    import shutil

    from carequality.sources.cqc_api import load_api_folder
    from conftest import OLDHAM_API

    folder = tmp_path / "api" / "location_details"
    folder.mkdir(parents=True)
    for loc in ("1-18648277454", "1-117977107"):
        shutil.copy(OLDHAM_API / "location_details" / f"location_{loc}.json", folder)
    h = load_api_folder(tmp_path / "api").history
    assert P.registrations_in_period(h, "2023-04-01", "2024-03-31")["location_id"].tolist() == ["1-18648277454"]
    assert P.new_services_in_period(h, "2023-04-01", "2024-03-31").empty
    assert P.deregistrations_in_period(h, "2024-04-01", "2025-03-31")["location_id"].tolist() == ["1-117977107"]
    assert P.closures_in_period(h, "2024-04-01", "2025-03-31").empty
    ch = P.provider_changes_in_period(h, "2023-04-01", "2024-03-31")
    assert ch[["location_id", "previous_id", "change", "evidence"]].to_dict("records") == [
        {"location_id": "1-18648277454", "previous_id": "1-117977107", "change": "New provider", "evidence": P.BY_LINK}]
    assert ch.loc[0, "previous_deregistration_date"] == pd.Timestamp("2024-04-02")
    # Without CQC's link the inherited first rating still says the service went on.
    for loc in ("1-18648277454", "1-117977107"):
        d = json.loads((folder / f"location_{loc}.json").read_text())
        d.pop("relationships")
        (folder / f"location_{loc}.json").write_text(json.dumps(d))
    h = load_api_folder(tmp_path / "api").history
    ch = P.provider_changes(h)
    assert ch[["location_id", "previous_id", "evidence"]].to_dict("records") == [
        {"location_id": "1-18648277454", "previous_id": "1-117977107", "evidence": P.BY_INHERITED}]
    assert P.closures_in_period(h, "2024-04-01", "2025-03-31").empty


def test_a_move_is_named_as_a_move():
    locs = [location("OLD", "Care at Home", COM, deregistered="2024-09-19") | {"successor_id": "NEW",
                                                                               "successor_reason": "Location Move"},
            location("NEW", "Care at Home", COM, registered="2024-09-19") | {"predecessor_id": "OLD",
                                                                              "predecessor_reason": "Location Move"}]
    h = History(normalise_outcomes(pd.DataFrame(outcome("OLD", "2023-01-01", full("Good")))),
                normalise_locations(pd.DataFrame(locs)))
    ch = P.provider_changes(h)
    assert len(ch) == 1 and ch.loc[0, "change"] == "Moved to a new address"


def test_same_name_and_postcode_within_three_months_is_one_service_going_on():
    """Monthly files carry no links: a closure and a registration with the same name and postcode, at most
    SAME_NAME_DAYS apart, are one service under a new registration."""
    def at(loc, **kw):
        return location(loc, kw.pop("name", "Rose Court"), **kw) | {"postcode": kw.pop("postcode", "OL1 1AA")}

    locs = [at("R1", deregistered="2024-03-01"), at("R2", registered="2024-03-03"),
            at("S1", deregistered="2023-01-01", name="Stone House"), at("S2", registered="2024-06-01", name="Stone House"),
            at("T1", deregistered="2024-03-01", name="Tall Trees"), at("T2", registered="2024-03-01", name="Other Name")]
    h = History(normalise_outcomes(pd.DataFrame(outcome("R1", "2022-01-01", full("Good")))),
                normalise_locations(pd.DataFrame(locs)))
    links = P.continuation_links(h)
    assert links[["previous_id", "location_id", "evidence"]].to_dict("records") == [
        {"previous_id": "R1", "location_id": "R2", "evidence": P.BY_NAME}]
    assert set(P.new_services_in_period(h, "2023-01-01", "2024-12-31")["location_id"]) == {"S2", "T2"}
    assert set(P.closures_in_period(h, "2023-01-01", "2024-12-31")["location_id"]) == {"S1", "T1"}


def test_the_inherited_first_rating_finds_the_previous_location_by_postcode(history):
    locs = history.locations_all.assign(postcode=lambda f: f["location_id"].map({"D": "YO1 1AA", "E": "YO1 1AA"}).fillna(""))
    h = History(history.outcomes_by_location_date_key_question, locs)
    ch = P.provider_changes(h)
    assert ch[["location_id", "previous_id", "evidence"]].to_dict("records") == [
        {"location_id": "D", "previous_id": "E", "evidence": P.BY_INHERITED}]
    assert "D" not in set(P.new_services_in_period(h, "2024-04-01", "2025-03-31")["location_id"])
    assert "E" not in set(P.closures_in_period(h, "2024-04-01", "2025-03-31")["location_id"])


def test_not_inspected_since_marks_an_inherited_rating(history):
    gap = P.not_inspected_since(history, "2021-01-01", "2025-03-31").set_index("location_id")
    assert bool(gap.loc["D", "inherited"]) and not bool(gap.loc["H", "inherited"])


def test_a_first_own_rating_after_an_inherited_one_names_it_inherited(history):
    rows = history.outcomes_by_location_date_key_question
    rows = pd.concat([rows, normalise_outcomes(pd.DataFrame(outcome("D", "2025-02-01", full("Requires improvement"))))])
    h = History(normalise_outcomes(rows), history.locations_all)
    rc = P.rating_changes(h, "2025-02-01", "2025-02-01").set_index("location_id")
    assert (rc.loc["D", "from_rating"], bool(rc.loc["D", "from_inherited"]), rc.loc["D", "direction"]) == (
        "Good", True, "Declined")
    assert not rc.drop(index="D")["from_inherited"].any()


def test_coverage_measures():
    from carequality.model.coverage import Coverage

    file_only = Coverage(closures=False, registrations=False)
    assert not P.openings_covered(file_only, "2024-04-01") and not P.closures_covered(file_only, "2024-04-01")
    monthly = Coverage(register_from=pd.Timestamp("2024-06-01"))
    assert not P.outcomes_covered(monthly, "2024-04-01") and P.outcomes_covered(monthly, "2024-06-01")
    assert P.categories_covered(Coverage(community_services=False)) == [RES]
    assert P.categories_covered(Coverage()) == [COM, RES]
