"""The market, minimum-standard and appendix sections on the real Oldham and Lincolnshire inputs."""

from __future__ import annotations

import pytest

from carequality.model.build import build_model
from carequality.params import load_params
from carequality.sections import overview
from conftest import ROOT


@pytest.fixture(scope="module")
def oldham(shared_data):
    params = load_params(ROOT / "params" / "oldham" / "2024-25.yaml")
    return build_model(params), params


@pytest.fixture(scope="module")
def lincolnshire(shared_data):
    params = load_params(ROOT / "params" / "lincolnshire" / "2025-26.yaml")
    return build_model(params), params


def test_the_service_group_table_labels_locations_rated_before_service_groups(lincolnshire):
    s = overview.market_overview(*lincolnshire)
    t = s.table("market_overview_by_service_group")
    rows = dict(zip(t.frame["Service group"], t.frame["Locations"]))
    assert "No service group given" not in rows
    assert rows["Last rated before service-group ratings began"] == 269
    assert "service group they are rated in" in t.caption


def test_a_ratings_file_alone_says_it_gives_no_service_types(lincolnshire):
    s = overview.market_overview(*lincolnshire)
    assert ("CQC's data used here do not give each service's regulated service types or number of beds, so the market is "
            "shown by category and by service group only.") in s.sentences
    assert [t.id for t in s.tables] == ["market_overview", "market_overview_by_service_group"]


def test_the_api_gives_the_market_by_service_type_with_beds(oldham):
    s = overview.market_overview(*oldham)
    t = s.table("market_overview_by_service_type").frame
    assert t.iloc[-1].to_dict()["Locations"] == 106
    assert "The care homes have 1,574 beds between them." in s.sentences
    assert "market_overview_by_specialism" in [x.id for x in s.tables]


def test_the_minimum_standard_section(lincolnshire):
    s = overview.minimum_standard(*lincolnshire)
    assert s.sentences[1] == ("241 of 349 (69.1%) of the locations in Lincolnshire with an overall rating meet "
                               "this standard, against 279 of 349 (79.9%) rated Good or Outstanding overall.")
    assert s.table("minimum_standard").frame.iloc[-1]["Meeting the minimum standard"] == 241


def test_the_appendix_shows_the_rating_framework_and_the_saf_score(oldham):
    t = overview.location_ratings_appendix(*oldham).table("location_ratings_appendix").frame.set_index("CQC location ID")
    assert t.loc["1-5312102242", "Framework"] == "Single assessment: Good, score 74%"
    assert t.loc["1-5203053560", "Framework"] == "Single assessment: Good, score 75%"
    assert t.loc["1-109570155", "Framework"] == "Earlier framework"
    assert t.loc["1-21881722437", "Framework"] == ""  # registered, not yet rated
    assert t.loc["1-18648277454", "Overall"].endswith(" (inherited)") and "Inherited" not in t.columns  # review r1, 22


def test_the_appendix_says_when_provider_names_are_partial(oldham):
    t = overview.location_ratings_appendix(*oldham).table("location_ratings_appendix")
    assert any("name the providers of only some locations" in n for n in t.footnotes)
