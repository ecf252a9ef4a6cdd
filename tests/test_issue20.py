"""Issue 20's contradictions in the example, each with the test that fails on the code before it (the others are
in tests/sections/test_seed_tables.py (the comparisons' subjects), tests/measures/test_overview.py (service
groups), tests/measures/test_watch.py (71 rows, 70 locations) and tests/sections/test_summary.py (early warning))."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from carequality import vocab
from carequality.measures import compare as bm
from carequality.measures import overview as ov
from carequality.measures import qa as mqa
from carequality.measures.changes import key_question_ratings_at_dates, rating_level_counts
from carequality.model.build import build_model, council_history
from carequality.params import load_params
from carequality.report import KEY_QUESTION_RULE
from carequality.sections import qa, summary
from carequality.sources.plausibility import file_date, implausible_ratings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "params" / "york" / "2025-26-example.yaml"


@pytest.fixture(scope="module")
def example():
    params = load_params(EXAMPLE)
    return params, build_model(params)


def test_one_rule_for_key_question_ratings_in_every_table(example):
    """The table by key question and the table 'at dates' count the same ratings on the same day (they said 62, 292
    and 110 against 65, 293 and 111), and the method appendix states the rule once."""
    params, model = example
    by_kq = ov.ratings_by_key_question(model.ratings_by_location_key_question).set_index("Key question")
    day = model.as_of.date()
    long = key_question_ratings_at_dates(council_history(model, params), params.period.start, day)
    counts = rating_level_counts(long)
    at = counts[counts["at"] == pd.Timestamp(day)].set_index("rating")["ratings"]
    for word in vocab.GRADED:
        assert int(by_kq[word].sum()) == int(at.get(word, 0)), word
    assert "carried forward" in KEY_QUESTION_RULE


def test_the_baseline_is_one_date_and_one_name(example):
    params, model = example
    assert params.baseline == dt.date(2025, 3, 31)
    assert bm.baseline_month(params) == "2025-03"
    s = qa.ratings_vs_baseline(model, params)
    assert "the baseline (31 March 2025)" in s.table("ratings_vs_baseline").caption
    assert all("1 April 2025" not in p for p in s.sentences)


def test_spend_is_a_flow_never_at_a_date(example):
    params, model = example
    t = qa.commissioned_market(model, params).table("commissioned_market").frame
    assert "Spend in the year (£)" in t.columns
    assert not any(str(w).startswith("At ") for w in t["When"])


def test_the_risk_register_is_said_as_of_its_own_date(example):
    """The register's latest entry is 18 March; its sentences said 31 March."""
    params, model = example
    day = mqa.register_as_of(model, params)
    assert day < params.period.end
    when = f"{day.day} {day:%B %Y}"
    said = qa.risk_levels(model, params).sentences[0]
    assert said.startswith(f"On {when}, the date of the risk register's latest entry,")
    for section in (qa.high_risk_in_area, qa.high_risk_out_of_area):
        said = section(model, params).sentences[0]
        assert said.startswith(f"On {when}, ") or f"on the risk register on {when}" in said


def test_the_risk_levels_name_their_source_and_the_example_its_own_forums(example):
    params, model = example
    t = qa.risk_levels(model, params).table("risk_levels")
    assert not any("method appendix names it" in n for n in t.footnotes)
    assert any("named under \u201cHow this report was made\u201d" in n for n in t.footnotes)
    from carequality.report import RISK_LEVELS_SOURCE

    assert "Coventry City Council" in RISK_LEVELS_SOURCE
    forums = set(t.frame["Oversight"])
    assert not forums & {"Quality Peer Support Group", "Provider Escalation Panel"}


def test_england_and_the_region_are_said_as_of_their_own_dates(example):
    params, model = example
    bullets = {b.source: b for b in summary.key_messages(model, params).bullets}
    k = summary.m.key_figures(model, params)
    text = bullets["benchmarks"].plain
    for c in k.comparators:
        if c.date is not None and c.date != k.compared_on:
            assert f"on {c.date.day} {c.date:%B %Y}" in text


def test_the_loader_flags_what_real_cqc_data_cannot_hold(tmp_path):
    tidy = pd.DataFrame(
        {
            "location_id": ["1-1", "1-1", "1-2", "1-3"],
            "service_group": ["Overall", "Care Homes", "Homecare", "Overall"],
            "key_question": ["Overall"] * 4,
            "rating": ["Good"] * 4,
            "publication_date": pd.to_datetime(["2020-04-25", "2020-04-25", "2024-02-01", "2026-06-09"]),
            "inherited": False,
            "row": pd.array([2, 3, 4, 5], dtype="Int64"),
        }
    )
    path = tmp_path / "01_June_2026_Care_directory_with_ratings.csv"
    assert file_date(path) == dt.date(2026, 6, 1)
    dq = implausible_ratings(tidy, path)
    assert dq["location_id"].tolist() == ["1-1", "1-3"]
    assert "before the single assessment framework began in November 2023" in dq["issue"].iloc[0]
    assert "after the date of the file itself (2026-06-01)" in dq["issue"].iloc[1]
    assert dq["row"].tolist() == [3, 5]


def test_the_example_holds_no_rating_real_cqc_data_cannot(example):
    _, model = example
    assert not model.data_quality["issue"].str.contains("single assessment").any()
