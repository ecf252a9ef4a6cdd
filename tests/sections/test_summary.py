"""The key messages: each bullet's numbers are those of the section it summarises (built from the example model,
no render), four to seven bullets, a status in words and a shape as well as colour, and no names when published."""

from __future__ import annotations

import re

import pytest

import carequality.report as report_module
from carequality.measures.summary import AMBER, GREEN, RED, status
from carequality.model.build import build_model
from carequality.params import Standard, load_params
from carequality.report import Report
from carequality.sections import section_function, summary
from conftest import EXAMPLE_PARAMS


@pytest.fixture(scope="module")
def example():
    params = load_params(EXAMPLE_PARAMS)
    model = build_model(params)
    return params, model


@pytest.fixture(scope="module")
def bullets(example):
    params, model = example
    return {b.source: b for b in summary.key_messages(model, params).bullets}


def _section(example, name):
    params, model = example
    return section_function(name)(model, params)


def test_the_example_has_four_to_seven_bullets_with_every_source(example, bullets):
    params, model = example
    assert 4 <= len(summary.key_messages(model, params).bullets) <= 7
    assert set(bullets) == {"ratings_overview", "benchmarks", "commissioned_by_service_type", "rating_changes",
                            "high_risk_in_area", "qa_activity", "data_quality"}


def test_the_area_bullet_is_the_ratings_overview_total_row_and_the_host_row_a_period_ago(example, bullets):
    b = bullets["ratings_overview"]
    total = _section(example, "ratings_overview").table("ratings_overview").frame.iloc[-1]
    assert b.numbers["good_or_outstanding"] == total["Outstanding"] + total["Good"]
    assert b.numbers["rated"] == sum(total[w] for w in ("Outstanding", "Good", "Requires improvement", "Inadequate"))
    assert b.numbers["percent"] == total["% Good or Outstanding"]
    change = _section(example, "commissioned_by_rating").table("commissioned_by_rating_change").frame
    host = change[change["Group"].str.startswith("In area: host")].set_index("Measure")["Previous period"]
    assert b.numbers["previous_good_or_outstanding"] == host["Good or Outstanding"]
    assert b.numbers["previous_rated"] == host["Locations"] - host["Not yet rated"]
    assert f"{b.numbers['good_or_outstanding']} of {b.numbers['rated']} (80.4%)" in b.plain


def test_the_comparison_bullet_is_the_distribution_table_by_area(example, bullets):
    frame = _section(example, "benchmarks").table("rating_distribution_comparison").frame
    by_area = frame.groupby("Area")[["Outstanding", "Good", "Requires improvement", "Inadequate"]].sum()
    names = {"council": "York", "region": "Yorkshire and The Humber", "peer group": "Peer group", "england": "England"}
    numbers = bullets["benchmarks"].numbers
    assert set(numbers) == set(names)
    for area_type, (go, rated) in numbers.items():
        r = by_area.loc[names[area_type]]
        assert (go, rated) == (r["Outstanding"] + r["Good"], r.sum())


def test_the_commissioned_bullet_is_the_service_type_tables_total_row(example, bullets):
    b = bullets["commissioned_by_service_type"]
    total = _section(example, "commissioned_by_service_type").table("commissioned_by_service_type").frame.iloc[-1]
    assert b.numbers["good_or_outstanding"] == total["Outstanding"] + total["Good"]
    assert b.numbers["rated"] == sum(total[w] for w in ("Outstanding", "Good", "Requires improvement", "Inadequate"))


def test_the_changes_bullet_names_the_locations_the_rating_changes_table_lists(example, bullets):
    b = bullets["rating_changes"]
    section = _section(example, "rating_changes")
    detail = section.table("rating_changes").frame
    assert b.numbers["published"] == len(detail)
    assert b.numbers["declined_names"] == list(detail.loc[detail["Change"] == "Declined", "Location"])
    assert b.numbers["improved_names"] == list(detail.loc[detail["Change"] == "Improved", "Location"])
    assert all(name in b.plain for name in b.numbers["declined_names"] + b.numbers["improved_names"])


def test_the_high_risk_bullet_counts_the_high_risk_tables(example, bullets):
    b = bullets["high_risk_in_area"]
    inside = _section(example, "high_risk_in_area").table("high_risk_in_area").frame
    outside = _section(example, "high_risk_out_of_area").table("high_risk_out_of_area").frame
    assert (b.numbers["in_area"], b.numbers["out_of_area"]) == (len(inside), len(outside))
    suspended = (inside["Placements suspended"] == "Yes").sum() + (outside["Placements suspended"] == "Yes").sum()
    assert b.numbers["suspended"] == suspended
    assert b.numbers["providers"] == len(set(inside["Provider"]) | set(outside["Provider"]))


def test_the_visits_bullet_is_the_qa_activity_total_row(example, bullets):
    total = _section(example, "qa_activity").table("qa_activity").frame.iloc[-1]
    n = bullets["qa_activity"].numbers
    assert (n["visits"], n["services"], n["previous"]) == (total["Total"], total["Services visited"],
                                                           total["Previous period"])


def test_the_caveats_bullet_counts_the_data_quality_rows(example, bullets):
    _, model = example
    assert bullets["data_quality"].numbers["data_quality_rows"] == len(model.data_quality)
    assert "34 days before the end of the period" in bullets["data_quality"].plain


@pytest.mark.parametrize("share, expected", [(80.0, GREEN), (79.9, AMBER), (70.0, AMBER), (69.9, RED), (None, None)])
def test_status_against_the_standard(share, expected):
    assert status(share, Standard(green_from=80, amber_from=70)) == expected


def test_a_status_is_printed_as_a_shape_and_a_word_not_colour_alone(example, monkeypatch):
    params, model = example
    shown = []
    monkeypatch.setattr(report_module, "display", lambda data, metadata=None, raw=False: shown.append(data))
    Report(params=params, model=model).show(summary.key_messages)
    html = next(d["text/html"] for d in shown if "cq-bullets" in d["text/html"])
    assert '<strong class="cq-status cq-status-green">● Green</strong>' in html
    assert "green at 80% or more, amber from 70%" in re.sub(r"<[^>]+>", "", html)


def test_a_stricter_standard_turns_the_area_amber(example):
    params, model = example
    strict = params.model_copy(update={"options": params.options.model_copy(
        update={"standard": Standard(green_from=90, amber_from=75)})})
    b = {x.source: x for x in summary.key_messages(model, strict).bullets}
    assert b["ratings_overview"].status == AMBER


def test_published_key_messages_name_no_location(example):
    params, model = example
    pub = params.model_copy(update={"options": params.options.model_copy(update={"mode": "publication"})})
    text = " ".join(b.plain for b in summary.key_messages(model, pub).bullets)
    names = set(model.cqc_locations_all["location_name"]) | set(model.history.locations_all["location_name"])
    assert not [n for n in names if n and n in text]
    assert "3 declined" in text


def test_key_messages_leave_out_what_params_leave_out(example):
    params, model = example
    only = params.model_copy(update={"sections": ("key_messages", "ratings_overview")})
    b = summary.key_messages(model, only).bullets
    assert [x.source for x in b] == ["ratings_overview", "data_quality"]


def test_the_section_function_is_registered():
    assert section_function("key_messages") is summary.key_messages


def test_a_commissioned_service_rated_below_good_and_unwatched_is_an_early_warning(example, bullets):
    """Issue 20: a commissioned service rated Inadequate, funding people, with no risk level and no QA visit since
    its rating was in no key message. Now it is flagged on the watch list and named in the key messages."""
    from carequality.measures import qa
    from carequality.measures import watch as wm

    params, model = example
    w = wm.watch_list(model, params, qa.qa_context(model, params))
    low = w[w["commissioned"] & w["overall_rating"].astype(str).isin(["Requires improvement", "Inadequate"])]
    unwatched = low[low["risk_level"].isna() | low["last_visit"].isna() | (low["last_visit"] < low["rating_date"])]
    assert len(unwatched)
    flagged = w[w["flags"].map(lambda fs: wm.LOW_NO_RISK in fs or wm.LOW_NO_VISIT in fs)]
    assert sorted(flagged["location_id"]) == sorted(unwatched["location_id"])
    text = " ".join(b.plain for b in bullets.values())
    assert f"{len(unwatched)} commissioned services rated Requires improvement or Inadequate" in text
    for name in unwatched["location_name"]:
        assert name in text


def test_the_changes_bullet_says_every_kind_of_new_rating_so_the_reader_need_not_subtract(example, bullets):
    """Review r1 item 18: "12 new overall ratings … 2 improvements and 3 declines" left 7 unsaid."""
    detail = _section(example, "rating_changes").table("rating_changes").frame
    kinds = detail["Change"].value_counts()
    text = bullets["rating_changes"].plain
    said = {"Improved": "improved", "Declined": "declined", "Unchanged": "unchanged", "First rating": "first rating"}
    for kind, word in said.items():
        if kinds.get(kind, 0):
            assert re.search(rf"{kinds[kind]} (were |was a )?{word}", text), (kind, text)
    assert sum(kinds) == bullets["rating_changes"].numbers["published"]


def test_the_visits_bullet_names_what_it_compares(bullets):
    """Review r1 item 19: "against 38 in the previous period" — 38 what?"""
    n = bullets["qa_activity"].numbers
    assert f"against {n['previous']} visits in the previous period." in bullets["qa_activity"].plain


def test_the_councils_standard_is_said_once_in_the_key_messages(example):
    """Review r1 item 26: the standard's sentence ended both the area and the commissioned key message."""
    params, model = example
    text = " ".join(b.plain for b in summary.key_messages(model, params).bullets)
    assert text.count("The council's standard:") == 1


def test_a_row_the_ratings_history_does_not_cover_is_said_in_words_not_by_its_table_label(example):
    """Review r1 item 11: "does not cover 9 locations of the row 'Out of area: commissioned by York'"."""
    text = " ".join(_section(example, "commissioned_by_rating").sentences)
    assert ("CQC's ratings history used here does not cover 9 of the locations York commissioned in other areas on "
            "31 March 2025, so their ratings then are not shown.") in text, text
    assert "of the row" not in text and "'Out of area" not in text
