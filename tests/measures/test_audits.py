"""measures/audits.py and measures/spend.py on frames built in the test, and the audit and visit-rule params."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carequality.errors import ParamsError
from carequality.measures import audits as m
from carequality.measures import spend
from carequality.measures import watch as w
from carequality.params import AuditOptions, VisitRules, parse_params

SCALE = m.Scale.of(AuditOptions())
OWN = AuditOptions(
    scale=("Outstanding", "Good", "Adequate", "Weak", "Unacceptable"),
    domains=("Safe care", "Dignity"),
    cqc_equivalent={
        "Outstanding": "Outstanding",
        "Good": "Good",
        "Adequate": "Requires improvement",
        "Weak": "Requires improvement",
        "Unacceptable": "Inadequate",
    },
)


def _audits(rows: list[tuple[str, str, str, str]], domains: tuple[str, ...] = ()) -> pd.DataFrame:
    """(location_id, date, overall, status) rows as audits_by_location_date; each domain graded as the overall."""
    frame = pd.DataFrame(
        [{"location_id": i, "audit_date": pd.Timestamp(d), "auditor": "T", "overall_rating": g, "status": s}
         for i, d, g, s in rows],
        columns=["location_id", "audit_date", "auditor", "overall_rating", "status"],
    )
    for d in domains:
        frame[d] = frame["overall_rating"]
    return frame


def test_audits_are_counted_by_rating_in_each_period_final_only():
    a = _audits([("1-1", "2025-05-01", "Good", "final"), ("1-2", "2025-06-01", "Poor", "final"),
                 ("1-3", "2025-07-01", "Good", "draft"), ("1-1", "2024-05-01", "Excellent", "final")])
    now = m.final_audits(m.audits_in(a, "2025-04-01", "2026-03-31"))
    before = m.final_audits(m.audits_in(a, "2024-04-01", "2025-03-31"))
    t = m.by_rating(now, before, SCALE.grades).set_index("Overall rating")
    assert t["This period"].tolist() == [0, 1, 0, 1, 2]
    assert t["Previous period"].tolist() == [1, 0, 0, 0, 1]
    assert t.loc["Total", "Change"] == 1


def test_domains_most_often_below_good_come_first_on_the_councils_scale():
    scale = m.Scale.of(OWN)
    a = _audits([("1-1", "2025-05-01", "Good", "final"), ("1-2", "2025-06-01", "Adequate", "final")], OWN.domains)
    a.loc[0, "Dignity"] = "Weak"
    a.loc[1, "Safe care"] = ""
    t = m.domains_short(a, scale)
    assert t["Domain"].tolist() == ["Dignity", "Safe care"]
    assert t["Below Good"].tolist() == [2, 0] and t["Audits grading it"].tolist() == [2, 1]
    assert t["Below Good (%)"].tolist() == [100.0, 0.0]


def test_the_latest_final_audit_by_the_end_is_the_one_compared():
    a = _audits([("1-1", "2025-05-01", "Poor", "final"), ("1-1", "2025-09-01", "Good", "final"),
                 ("1-1", "2025-10-01", "Excellent", "draft"), ("1-1", "2026-05-01", "Excellent", "final")])
    latest = m.latest_audits(a, "2026-03-31")
    assert latest.to_dict("records") == [
        {"location_id": "1-1", "audit_date": pd.Timestamp("2025-09-01"), "overall_rating": "Good"}
    ]


def test_the_cross_table_and_disagreements_of_more_than_one_step():
    pairs = pd.DataFrame({
        "location_id": ["1-1", "1-2", "1-3", "1-4"], "location_name": ["A", "B", "C", "D"],
        "audit_rating": ["Poor", "Good", "Excellent", "Requires Improvement"],
        "overall_rating": ["Good", "Good", "Requires improvement", "Inadequate"],
    })
    cross = m.audit_against_cqc(pairs, SCALE).set_index("Audit rating")
    assert cross.loc["Poor", "Good"] == 1 and cross.loc["Good", "Good"] == 1 and cross.loc["Total", "Total"] == 4
    apart = m.disagreements(pairs, SCALE)
    assert apart["location_id"].tolist() == ["1-1", "1-3"]  # two steps each; one step (1-4) is not a disagreement
    assert apart["audit_higher"].tolist() == [False, True]


RULES = VisitRules()


@pytest.mark.parametrize(
    ("rating", "level", "flags", "expected"),
    [
        ("Good", None, [], (12, m.RATING)),
        ("Outstanding", None, [], (24, m.RATING)),
        ("Inadequate", None, [], (3, m.RATING)),
        (None, None, [], (6, m.NO_RATING)),
        ("Good", 3, [], (3, m.RISK_HIGH)),
        ("Good", 1, [], (6, m.RISK)),
        ("Good", None, [w.NO_MANAGER], (3, m.NO_MANAGER)),
        ("Good", None, [w.OVERDUE], (6, m.EARLY_WARNING)),
        ("Requires improvement", None, [w.OVERDUE], (6, m.RATING)),  # a tie: the rating is the reason
    ],
)
def test_the_shortest_interval_that_applies_sets_the_next_visit(rating, level, flags, expected):
    months, rule, _ = m.interval(RULES, rating, level, 3, flags)
    assert (months, rule) == expected


def test_the_lower_of_the_cqc_rating_and_the_audit_sets_the_rating_rule():
    assert m.lower_rating("Good", "Inadequate") == "Inadequate"
    assert m.lower_rating("Requires improvement", None) == "Requires improvement"
    assert m.lower_rating("Not Rated", None) is None


def test_due_bands_count_every_service_once():
    end = pd.Timestamp("2026-03-31")
    s = pd.DataFrame({"due": pd.to_datetime(["2026-01-01", "2026-03-31", "2026-07-15", "2026-12-01", "2028-01-01"]),
                      "overdue": [True, False, False, False, False]})
    t = m.schedule_counts(s, end).set_index("When the next visit is due")["Services"]
    assert t.tolist() == [1, 1, 1, 1, 1, 5]


def test_spend_and_people_shares_by_service_type():
    com = pd.DataFrame({
        "location_id": ["1-1", "1-2", "1-3", "1-4"], "service_type": ["Home care", "Home care", "Care home", "Care home"],
        "funded_clients": [10, 30, 5, 5], "annual_spend": [100.4, 300.0, 50.0, None],
        "known": [True, True, True, False], "provider_id": ["P1", "P1", "P2", None],
        "overall_rating": ["Good", "Inadequate", "Outstanding", None],
    })
    t = spend.by_type(com).set_index("Service type")
    assert t.loc["Home care", "People funded"] == 40 and t.loc["Home care", "Providers"] == 1
    assert t.loc["Home care", "People at Good or Outstanding services (%)"] == 25.0
    assert t.loc["Home care", spend.SPEND] == 400 and t.loc["Total", spend.SPEND] == 450
    assert t.loc["Care home", "Spend at Good or Outstanding services (%)"] == 100.0
    assert t.loc["Total", "Spend at services rated below Good (%)"] == 66.7
    assert t.loc["Total", "People at services rated below Good (%)"] == 60.0


def test_no_spend_in_the_record_gives_no_spend_columns():
    com = pd.DataFrame({"location_id": ["1-1"], "service_type": ["Home care"], "funded_clients": [3],
                        "annual_spend": [None], "known": [True], "provider_id": ["P1"], "overall_rating": ["Good"]})
    assert not spend.spend_given(com)
    assert spend.SPEND not in spend.by_type(com).columns


# ---- params ---------------------------------------------------------------------------------------------
def _params(tmp_path: Path, options: dict) -> object:
    (tmp_path / "r.csv").write_text("x\n")
    return parse_params(
        {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
         "inputs": {"cqc_ratings": "r.csv"}, "options": options},
        source="p.yaml", base_dir=tmp_path,
    )


def test_a_councils_own_scale_and_domains_are_accepted(tmp_path):
    p = _params(tmp_path, {"audits": OWN.model_dump()})
    assert p.options.audits.scale[2] == "Adequate" and p.options.audits.domains == ("Safe care", "Dignity")


@pytest.mark.parametrize(
    ("audits", "message"),
    [
        ({"scale": ["Good", "Bad"]}, "cqc_equivalent: expected one CQC rating for each grade of the scale (Good, Bad)"),
        ({"scale": ["Good", "good"], "cqc_equivalent": {"Good": "Good", "good": "Good"}}, "'Good', 'good' given more than once"),
        ({"scale": ["A", "B"], "cqc_equivalent": {"A": "Good", "B": "Poor"}}, "'Poor' not a CQC rating"),
        ({"domains": ["status"]}, "'status' is a column of the audit file"),
    ],
)
def test_a_bad_scale_is_refused_naming_the_setting(tmp_path, audits, message):
    with pytest.raises(ParamsError) as e:
        _params(tmp_path, {"audits": audits})
    assert "options.audits" in str(e.value) and message in str(e.value)


def test_visit_rules_need_months_for_every_cqc_rating(tmp_path):
    with pytest.raises(ParamsError) as e:
        _params(tmp_path, {"visit_rules": {"months_by_rating": {"Good": 12}}})
    assert "options.visit_rules.months_by_rating" in str(e.value) and "expected months for each of Outstanding" in str(e.value)
