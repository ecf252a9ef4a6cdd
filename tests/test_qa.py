"""qa.py's pure functions, publication mode, the QA sections on small frames, and their params."""

from __future__ import annotations

import pandas as pd
import pytest

import qa_frames as qf
from carequality.model import records as model_records
from carequality.present import publication as pub
from carequality.measures import qa
from carequality import vocab
from carequality.errors import ParamsError
from carequality.params import parse_params
from carequality.sections import qa as sections
from carequality.sources.council_records import CouncilRecords

# ---- ratings and percentages ---------------------------------------------------------------------------


@pytest.mark.parametrize("word, group", [
    ("Outstanding", qa.GO), ("Good", qa.GO), ("Requires improvement", qa.RI), ("Inadequate", qa.RI),
    ("Not Rated", qa.NOT_RATED), ("No published rating", qa.NOT_RATED), ("Insufficient evidence to rate", qa.NOT_RATED),
    (None, qa.NOT_RATED), (float("nan"), qa.NOT_RATED),
])
def test_rating_group(word, group):
    assert qa.rating_group(word) == group


def test_shares_round_once_to_one_decimal_half_up_and_only_a_row_with_no_locations_has_no_number():
    assert qa.share_or_dash(55, 86) == 64.0
    assert qa.share_or_dash(1, 16) == 6.3  # 6.25 → 6.3, not banker's 6.2
    assert qa.share_or_dash(0, 64) == 0.0  # a true zero is 0 (issue 19): none of 64, not "not available"
    assert qa.share_or_dash(0, 0) is None


def test_rating_group_table_counts_and_unknown_rows():
    t = qa.rating_group_table({"a": pd.Series(["Good", "Inadequate", "Not Rated", "Outstanding"]), "b": None})
    assert t.loc[0, ["Locations", qa.GO, qa.RI, qa.NOT_RATED]].tolist() == [4, 2, 1, 1]
    assert t.loc[0, f"{qa.GO} (%)"] == 50.0
    assert t.loc[1, ["Locations", qa.GO]].isna().all()


def test_worst_rating_by_provider():
    locs = qf.locations_frame([
        qf.location("1-1", "York", "Good", provider_id="A"), qf.location("1-2", "York", "Requires improvement", provider_id="A"),
        qf.location("1-3", "York", "Not Rated", provider_id="B"), qf.location("1-4", "York", "Outstanding", provider_id="C"),
        qf.location("1-5", "York", "Not Rated", provider_id="C"), qf.location("1-6", "York", "Good", provider_id=""),
    ])
    assert qa.worst_rating_by_provider(locs).to_dict() == {
        "1-6": "Good", "A": "Requires improvement", "B": "Not yet rated", "C": "Outstanding"}


def test_net_change_phrase():
    from carequality.present.text import net_change_phrase

    assert net_change_phrase(86, 85) == "a net increase of 1"
    assert net_change_phrase(56, 64, "locations") == "a net decrease of 8 locations"
    assert net_change_phrase(3, 3) == "no change"


def test_change_table():
    now = qa.rating_group_table({"x": pd.Series(["Good", "Good"])})
    before = qa.rating_group_table({"x": pd.Series(["Good", "Inadequate", "Not Rated"])})
    t = qa.change_table(before, now).set_index("Measure")
    assert t.loc["Locations", ["Previous period", "This period", "Change"]].tolist() == [3, 2, -1]
    assert t.loc[qa.GO, "Change"] == 1


# ---- locations -----------------------------------------------------------------------------------------


def test_unknown_location_rows_name_file_and_row(tmp_path):
    records = CouncilRecords(commissioned_by_location=qf.commissioned([("1-1", "Home care", 3), ("1-99", "Home care", 2)]),
                             visits_by_location_date=qf.visits([("1-98", "2025-05-01", "announced", "")]),
                             files={"commissioned_services": tmp_path / "com.csv", "qa_visits": tmp_path / "v.xlsx"})
    rows = model_records.unknown_location_rows(records, {"1-1"})
    assert rows[["file", "row", "location_id"]].values.tolist() == [["com.csv", 3, "1-99"], ["v.xlsx", 2, "1-98"]]
    assert rows["issue"].str.startswith("location id not found in CQC's data").all()


def test_with_cqc_marks_known_and_in_area():
    lookup = model_records.location_lookup(qf.locations_frame([qf.location("1-1", "York"), qf.location("1-2", "Leeds")]))
    out = model_records.with_cqc(qf.commissioned([("1-1", "A", 1), ("1-2", "A", 1), ("1-3", "A", 1)]), lookup, {"1-1"})
    assert out["known"].tolist() == [True, True, False]
    assert out["in_area"].tolist() == [True, False, False]
    assert out["local_authority"].tolist()[:2] == ["York", "Leeds"]


def test_location_lookup_adds_closed_locations_from_the_history():
    current = qf.locations_frame([qf.location("1-1", "York")])
    hist = qf.history([("1-2", "2020-01-01", "Overall", "Inadequate")],
                      [qf.history_location("1-1", "York"), qf.history_location("1-2", "York", deregistered="2024-01-01")])
    lookup = model_records.location_lookup(current, hist.locations_all, pd.Series({"1-2": "Inadequate"}))
    assert lookup.index.tolist() == ["1-1", "1-2"]
    assert lookup.loc["1-2", "overall_rating"] == "Inadequate"


# ---- market and service types --------------------------------------------------------------------------


def commissioned_with_cqc():
    lookup = model_records.location_lookup(qf.locations_frame([
        qf.location("1-1", "York", "Good", provider_id="A"), qf.location("1-2", "York", "Inadequate", provider_id="A"),
        qf.location("1-3", "Leeds", "Outstanding", provider_id="B"), qf.location("1-4", "Leeds", "Not Rated", provider_id="C"),
    ]))
    com = qf.commissioned([("1-1", "Care home", 10), ("1-2", "Care home", 4), ("1-3", "Home care", 20),
                           ("1-4", "Home care", 1), ("1-99", "Home care", 5)])
    return model_records.with_cqc(com, lookup, {"1-1", "1-2"})


def test_market_measures():
    m = qa.market_measures(commissioned_with_cqc())
    assert m == {"people": 40, "providers": 3, "locations": 4, "in_area": 2, "share_in_area": 50.0, "spend": None,
                 "unknown": 1}


def test_by_service_type():
    t = qa.by_service_type(commissioned_with_cqc()).set_index("Service type")
    assert t.index.tolist() == ["Care home", "Home care", "Total"]
    assert t.loc["Care home", ["Locations", "Good", "Inadequate", "People funded"]].tolist() == [2, 1, 1, 14]
    assert t.loc["Home care", ["Outstanding", qa.NOT_RATED, vocab.NOT_FOUND]].tolist() == [1, 1, 1]
    assert t.loc["Total", f"{qa.GO} (%)"] == 50.0  # 2 of the 4 found in CQC's data
    assert t.loc["Home care", f"{qa.GO} (%)"] == 50.0


def test_requires_improvement_count():
    kq = qf.kq_frame({"a": {"Safe": "Requires improvement", "Well-led": "Requires improvement", "Overall": "Requires improvement"},
                      "b": {"Safe": "Good"}, "c": {"Caring": "Requires improvement"}})
    assert qa.requires_improvement_count(kq, {"a", "b"}) == (1, 2)  # Overall is not a key question
    assert qa.requires_improvement_count(kq, {"a", "b", "c"}) == (2, 3)


# ---- risk register -------------------------------------------------------------------------------------


RISK = [
    {"case_ref": "A", "location_id": "1-1", "risk_level": 2, "opened": "2025-01-10", "closed": "2025-06-01"},
    {"case_ref": "A", "location_id": "1-1", "risk_level": 3, "opened": "2025-06-01", "placements_suspended": True},
    {"case_ref": "B", "location_id": "1-2", "risk_level": 4, "opened": "2025-05-01", "closed": "2025-09-01"},
    {"case_ref": "B", "location_id": "1-2", "risk_level": 2, "opened": "2025-09-01", "closed": "2026-02-01"},
    {"case_ref": "C", "location_id": "1-3", "risk_level": 1, "opened": "2024-01-01", "closed": "2024-03-01"},
    {"case_ref": "C", "location_id": "1-3", "risk_level": 3, "opened": "2025-10-01"},  # reopened later: not a move
]


def test_open_at_treats_the_closed_date_as_the_first_day_out():
    r = qf.risk(RISK)
    assert qa.open_at(r, "2025-05-31")["case_ref"].tolist() == ["A", "B"]
    assert sorted(zip(qa.open_at(r, "2025-06-01")["case_ref"], qa.open_at(r, "2025-06-01")["risk_level"])) == [("A", 3), ("B", 4)]


def test_level_changes():
    moves = qa.level_changes(qf.risk(RISK))
    assert moves[["case_ref", "from_level", "to_level", "direction"]].values.tolist() == [
        ["A", 2, 3, "escalation"], ["B", 4, 2, "de-escalation"]]


def test_risk_level_counts():
    t = qa.risk_level_counts(qf.risk(RISK), pd.Series({"1-1": "P", "1-3": "P"}), "2025-04-01", "2026-03-31").set_index("Level")
    assert t["Services at period end"].tolist() == [0, 0, 2, 0]
    assert t.loc[3, "Providers at period end"] == 1  # both level-3 services belong to provider P
    assert t.loc[3, "Escalated to this level"] == 1 and t.loc[2, "De-escalated to this level"] == 1
    assert t.loc[4, "Cases opened at this level"] == 1 and t.loc[2, "Cases closed from this level"] == 1
    assert t.loc[1, "Cases opened at this level"] == 0  # case C opened before the period


def test_high_risk_at():
    assert qa.high_risk_at(qf.risk(RISK), "2026-03-31", 3)["case_ref"].tolist() == ["A", "C"]


# ---- visits and themes ---------------------------------------------------------------------------------


def test_visits_by_type_and_outcomes():
    lookup = model_records.location_lookup(qf.locations_frame([qf.location("1-1", "York"), qf.location("1-2", "Leeds")]))
    v = model_records.with_cqc(qf.visits([("1-1", "2025-05-01", "announced", "Fine"), ("1-1", "2025-06-01", "welfare check", ""),
                               ("1-2", "2025-06-01", "welfare check", "Fine"), ("1-9", "2025-07-01", "unannounced", "Poor")]),
                    lookup, {"1-1"})
    t = qa.visits_by_type(v).set_index("Visit type")
    assert t.index.tolist() == ["Announced", "Unannounced", "Contract monitoring", "Welfare check", "Total"]
    assert t.loc["Welfare check", ["In area", "Out of area", "Total", "Services visited"]].tolist() == [1, 1, 2, 2]
    assert t.loc["Total", [vocab.NOT_FOUND, "Total", "Services visited"]].tolist() == [1, 4, 3]
    o = qa.visit_outcomes(v)
    assert o.values.tolist() == [["Fine", 2], ["Not recorded", 1], ["Poor", 1]]


def test_themes_ranked_and_offers():
    issues = pd.DataFrame({"location_id": ["1-1", "1-1", "1-2", "1-2", "1-3"],
                           "report_date": pd.to_datetime(["2024-01-01"] * 2 + ["2024-02-01"] * 2 + ["2024-03-01"]),
                           "theme": ["Medication", "Medication", "Medication", "Leadership", "Fire"],
                           "issue": ["a", "b", "c", "d", "e"], "row": [2, 3, 4, 5, 6]})
    offers = pd.DataFrame({"theme": ["LEADERSHIP", "Fire", "Dementia"], "offer": ["Course", "", "Café"], "row": [2, 3, 4]})
    t = qa.themes_ranked(issues, offers)
    assert t.values.tolist()[0][:5] == [1, "Medication", 3, 2, 2]
    assert t["Rank"].tolist() == [1, 2, 2] and t["Theme"].tolist() == ["Medication", "Fire", "Leadership"]
    assert t["Support offer"].isna().tolist() == [True, True, False]  # none listed; listed blank; matched
    assert t["Support offer"].iloc[2] == "Course"
    assert qa.offers_without_issues(issues, offers) == ["Dementia"]
    assert "Support offer" not in qa.themes_ranked(issues, None).columns


# ---- publication mode ----------------------------------------------------------------------------------


def test_provider_references_are_stable_keyed_and_shaped():
    a = pub.provider_reference("1-101651423")
    assert a == pub.provider_reference("1-101651423")
    assert a != pub.provider_reference("1-101651424")
    assert a != pub.provider_reference("1-101651423", key="a council's own secret")
    assert len(a) == 8 and a.startswith("P-") and not set(a[2:]) & set("ILOU")


def test_provider_references_never_collide(monkeypatch):
    ids = [f"1-{n}" for n in range(500)]
    monkeypatch.setattr(pub, "LENGTH", 1)  # one character: 32 values for 500 ids forces collisions
    refs = pub.provider_references(ids)
    assert len(set(refs.values())) == len(ids)
    refs_again = pub.provider_references(list(reversed(ids)))
    assert refs == refs_again  # order of input does not matter


def test_suppress_primary_and_secondary():
    values, n = pub.suppress(pd.Series([12, 3, 0, 40, None]), 5, total_shown=True)
    assert values.tolist() == [pub.SUPPRESSED, pub.SUPPRESSED, 0, 40, None] and n == 2
    values, n = pub.suppress(pd.Series([12, 3, 1, 40]), 5, total_shown=True)
    assert values.tolist() == [12, pub.SUPPRESSED, pub.SUPPRESSED, 40] and n == 2
    assert pub.suppressed_total(4, 5) == pub.SUPPRESSED and pub.suppressed_total(5, 5) == 5
    assert pub.people_text(3, 5) == "fewer than 5 people" and pub.people_text(3, None) == "3 people"


# ---- sections on small models --------------------------------------------------------------------------


def york_model(previous: bool = False, history=None):
    locs = [qf.location("1-1", "York", "Good", provider_id="A", name="Acorn House"),
            qf.location("1-2", "York", "Inadequate", provider_id="B", name="Beech House"),
            qf.location("1-3", "Leeds", "Requires improvement", provider_id="C", name="Cedar Court"),
            qf.location("1-4", "York", "Not Rated", provider_id="D", category=vocab.COMMUNITY, published=None)]
    records = CouncilRecords(
        commissioned_by_location=qf.commissioned([("1-1", "Care home", 20), ("1-2", "Care home", 3), ("1-3", "Nursing", 7),
                                                  ("1-99", "Home care", 2)]),
        commissioned_previous_by_location=qf.commissioned([("1-1", "Care home", 18), ("1-3", "Nursing", 1)]) if previous else None,
        risk_by_case_opened=qf.risk([
            {"case_ref": "R1", "location_id": "1-2", "risk_level": 4, "opened": "2025-05-01", "funded_residents": 3,
             "concerns": "<b>Rated Inadequate</b>", "actions": "=cmd|' /C calc'!A0", "placements_suspended": True},
            {"case_ref": "R2", "location_id": "1-3", "risk_level": 3, "opened": "2025-06-01", "funded_residents": 7,
             "concerns": "Safeguarding", "actions": "Visits", "placements_suspended": True},
            {"case_ref": "R3", "location_id": "1-99", "risk_level": 3, "opened": "2025-06-01"},
        ]),
        visits_by_location_date=qf.visits([("1-2", "2025-05-02", "welfare check", "Fine"), ("1-1", "2024-06-01", "announced", "")]),
    )
    return qf.model(locs, "York", records=records, history=history)


def test_commissioned_market_with_and_without_the_previous_file():
    s = sections.commissioned_market(york_model(previous=True), qf.params(previous=True))
    t = s.table("commissioned_market").frame
    assert t["People funded"].tolist() == [19, 32, 13]
    assert t["Locations"].tolist() == [2, 3, 1]
    assert t["Share of the area's locations (%)"].tolist() == [50.0, 66.7, 16.7]
    assert s.sentences[0] == ("At 31 March 2026, York funded 32 people at 3 CQC-registered locations run by 3 providers, "
                               "1 more than the 2 on 31 March 2025.")
    s = sections.commissioned_market(york_model(), qf.params())
    assert len(s.table("commissioned_market").frame) == 1
    assert any("so the change since then is not shown" in p for p in s.sentences)


def test_publication_mode_suppresses_small_counts_of_people():
    s = sections.commissioned_by_service_type(york_model(), qf.params(mode="publication", suppress_below=5))
    t = s.table("commissioned_by_service_type")
    people = t.frame.set_index("Service type")["People funded"]
    # Home care 2 is suppressed; Nursing 7 is the smallest other part, so it goes too (else 32 - 23 - 7 = 2).
    assert people.to_dict() == {"Care home": "23", "Home care": "[c]", "Nursing": "[c]", "Total": "32"}
    assert any(n.startswith("[c]: suppressed") for n in t.footnotes)
    working = sections.commissioned_by_service_type(york_model(), qf.params()).table("commissioned_by_service_type")
    assert working.frame.set_index("Service type").loc["Home care", "People funded"] == 2


def test_high_risk_tables_in_working_and_publication_mode():
    m = york_model()
    inside = sections.high_risk_in_area(m, qf.params())
    t = inside.table("high_risk_in_area")
    assert t.frame[["Provider", "Location", "Risk level"]].values.tolist() == [["Provider of B", "Beech House", 4]]
    html = t.to_html()
    assert "&lt;b&gt;Rated Inadequate&lt;/b&gt;" in html and "<b>" not in html
    assert "'=cmd" in t.to_csv()  # formula neutralised in the CSV
    assert any("1 high-risk case is about a location id not found" in n for n in t.footnotes)
    out = sections.high_risk_out_of_area(m, qf.params())
    assert out.table("high_risk_out_of_area").frame["Lead council"].tolist() == ["Leeds"]  # blank → the host council
    assert "Another council leads the intervention for it" in out.sentences[0]
    # Publication mode (the committee paper): counts by risk level alone, no service type, no row per service, no
    # provider reference and no people funded (review r1, defect 1: a row per service joins with the public
    # rating counts to pick out the service under intervention).
    pub_t = sections.high_risk_in_area(m, qf.params(mode="publication", reference_key="k" * 16)).table("high_risk_in_area")
    assert list(pub_t.frame.columns) == ["Risk level", "Services", "Placements suspended"]
    assert pub_t.frame[["Risk level", "Services"]].values.tolist() == [[4, 1]]
    html = pub_t.to_html()
    assert "Beech" not in html and "Provider of B" not in html and pub.provider_reference("B", "k" * 16) not in html


def test_high_risk_counts_group_services_by_level_alone_most_serious_first():
    """Review r3: a count of one service of a type at a level, read with the public rating counts, named it."""
    services = pd.DataFrame(
        {
            "provider": ["A", "A", "B", "C"],
            "service": ["Home care", "Supported living", "Home care", "Home care"],
            "risk_level": [3, 3, 3, 4],
            "funded_residents": [40, 9, 6, 22],
            "placements_suspended": [True, False, True, True],
        }
    )
    counts = sections.high_risk_counts(services)
    assert counts.values.tolist() == [[4, 1, 1], [3, 3, 2]]
    assert "Service type" not in counts.columns
    assert list(sections.high_risk_counts(services.iloc[:0]).columns) == list(counts.columns)


def test_risk_levels_oversight_from_params():
    s = sections.risk_levels(york_model(), qf.params(oversight_forums={3: "Quality Board", 4: "Quality Board"}))
    t = s.table("risk_levels").frame.set_index("Level")
    assert t.loc[3, "Oversight"] == "Quality Board" and t.loc[2, "Oversight"] == "Quality Peer Support Group"
    assert s.sentences[0] == "At 31 March 2026, 3 services were on the risk register: 2 at level 3 and 1 at level 4."


def test_qa_activity_counts_welfare_checks_and_suspensions():
    s = sections.qa_activity(york_model(), qf.params())
    t = s.table("qa_activity").frame.set_index("Visit type")
    assert t.loc["Total", "Total"] == 1 and t.loc["Total", "Previous period"] == 1
    assert "1 welfare check was made at 1 service, 1 of them rated Requires improvement or Inadequate." in s.sentences
    assert "At 31 March 2026, new placements were suspended at 2 services: 1 in York and 1 in other areas." in s.sentences


def test_commissioned_by_rating_with_a_history():
    hist = qf.history(
        [("1-1", "2024-01-01", "Overall", "Requires improvement"), ("1-2", "2024-01-01", "Overall", "Good")],
        [qf.history_location("1-1", "York"), qf.history_location("1-2", "York"),
         qf.history_location("1-4", "York", registered="2025-06-01", category=vocab.COMMUNITY),
         qf.history_location("1-3", "Leeds")])
    s = sections.commissioned_by_rating(york_model(previous=True, history=hist), qf.params(previous=True))
    change = s.table("commissioned_by_rating_change").frame
    host = change[change["Group"].str.startswith("In area: host")].set_index("Measure")
    assert host.loc["Locations", ["Previous period", "This period", "Change"]].tolist() == [2, 3, 1]
    assert host.loc[qa.NOT_RATED, "Previous period"] == 0
    text = " ".join(s.sentences)
    assert "York oversees 3 CQC-registered adult social care locations, 1 more than the 2 on 31 March 2025" in text
    # 1-3 is in the history but has no outcome before the date: counted as not yet rated then.
    out = change[change["Group"].str.startswith("Out of area")].set_index("Measure")
    assert out.loc[qa.NOT_RATED, "Previous period"] == 1


def test_commissioned_by_rating_without_a_history_shows_no_invented_numbers():
    s = sections.commissioned_by_rating(york_model(previous=True), qf.params(previous=True))
    change = s.table("commissioned_by_rating_change").frame
    assert change.loc[change["Measure"] != "Locations", "Previous period"].isna().all()
    assert any("need CQC's ratings history, which was not given" in p for p in s.sentences)


# ---- params --------------------------------------------------------------------------------------------


def params_problems(tmp_path, **change) -> list[str]:
    for name in ("cqc.csv", "com.csv", "offers.csv", "prev.csv"):
        (tmp_path / name).write_text("x\n")
    data = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "cqc.csv"}} | change
    with pytest.raises(ParamsError) as e:
        parse_params(data, source="p.yaml", base_dir=tmp_path)
    return e.value.problems


def test_params_companion_inputs(tmp_path):
    [p] = params_problems(tmp_path, inputs={"cqc_ratings": "cqc.csv", "commissioned_services_previous": "prev.csv"})
    assert p.startswith("inputs: commissioned_services_previous is given but commissioned_services is not")
    [p] = params_problems(tmp_path, inputs={"cqc_ratings": "cqc.csv", "theme_offers": "offers.csv"})
    assert "theme_offers is given but inspection_themes is not" in p


def test_params_options(tmp_path):
    [p] = params_problems(tmp_path, options={"oversight_forums": {5: "Panel"}})
    assert "risk level(s) 5 are not levels" in p
    [p] = params_problems(tmp_path, options={"baseline_date": "2026-03-31"})
    assert "baseline_date 2026-03-31 is not before the period end" in p
    [p] = params_problems(tmp_path, options={"mode": "public"})
    assert p.startswith("options.mode")
    [p] = params_problems(tmp_path, sections=["risk_levels"])
    assert "section 'risk_levels' needs inputs.risk_register" in p


def test_params_default_sections_follow_the_council_files(tmp_path):
    for name in ("cqc.csv", "com.csv"):
        (tmp_path / name).write_text("x\n")
    p = parse_params({"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
                      "inputs": {"cqc_ratings": "cqc.csv", "commissioned_services": "com.csv"}}, source="p", base_dir=tmp_path)
    assert {"commissioned_market", "commissioned_by_rating", "commissioned_by_service_type", "ratings_vs_baseline"} <= set(p.sections)
    assert "risk_levels" not in p.sections and "qa_activity" not in p.sections


def test_every_section_runs_on_the_blank_templates():
    """Empty files are valid (a council may have no open cases): each section says so rather than failing."""
    from conftest import ROOT
    from carequality.sources import council_records as cr

    t = ROOT / "templates" / "inputs"
    records = CouncilRecords(
        commissioned_by_location=cr.load_commissioned_services(t / "commissioned_services.xlsx"),
        commissioned_previous_by_location=cr.load_commissioned_services(t / "commissioned_services.csv"),
        risk_by_case_opened=cr.load_risk_register(t / "risk_register.xlsx"),
        visits_by_location_date=cr.load_qa_visits(t / "qa_visits.csv"),
        issues_by_location_report=cr.load_inspection_themes(t / "inspection_themes.xlsx"),
        offers_by_theme=cr.load_theme_offers(t / "theme_offers.csv"),
    )
    m = qf.model([qf.location("1-1", "York")], "York", records=records)
    p = qf.params(previous=True, mode="publication")
    said = {}
    for name in ("commissioned_market", "commissioned_by_rating", "commissioned_by_service_type", "ratings_vs_baseline",
                 "high_risk_in_area", "high_risk_out_of_area", "risk_levels", "qa_activity", "inspection_themes"):
        s = getattr(sections, name)(m, p)
        assert s.id == name and s.sentences, name
        said[name] = " ".join(s.sentences)
    assert said["high_risk_in_area"] == (
        "No service in York was at risk level 3 or above on the risk register on 31 March 2026."
    )
    assert said["qa_activity"].startswith("The quality assurance team recorded no visits in the period")
    assert said["inspection_themes"] == "The council's record of inspection themes lists no issues."
