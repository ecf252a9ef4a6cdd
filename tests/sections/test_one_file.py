"""One monthly ratings file (issue 22): the latest ratings published in the period and the locations not rated
recently, from small frames in the shape the ratings-file loader gives, and params choosing these sections only
when there is no ratings history."""

from __future__ import annotations

import datetime as dt

import pytest

import qa_frames as qf
from carequality.measures import changes as periods
from carequality.params import parse_params
from carequality.sections import changes


def params(tmp_path, **inputs):
    return parse_params(
        {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
         "inputs": inputs}, source="test.yaml", base_dir=tmp_path
    )


def small():
    locs = [
        qf.location("1-1", "York", "Good", published="2025-04-01"),  # first day of the period
        qf.location("1-2", "York", "Inadequate", published="2026-03-31", category=qf.vocab.COMMUNITY),  # last day
        qf.location("1-3", "York", "Good", published="2025-03-31"),  # the day before
        qf.location("1-4", "York", "Outstanding", published="2021-05-01"),
        qf.location("1-5", "York", "No published rating", published=None),
        qf.location("1-6", "York", "Requires improvement", published="2025-09-09"),
    ]
    locs[5]["inherited"] = True  # the previous provider's rating: not an inspection of this location
    return qf.model(locs, "York")


def test_latest_ratings_published_in_the_period_counted_by_hand(tmp_path):
    model = small()
    got = periods.latest_ratings_published(model.locations, "2025-04-01", "2026-03-31")
    assert list(got["location_id"]) == ["1-1", "1-2"]
    facts = periods.latest_ratings_facts(got, model.as_of)
    assert {w: f.value for w, f in facts.items()} == {
        "Total": 2, "Outstanding": 0, "Good": 1, "Requires improvement": 0, "Inadequate": 1}
    (tmp_path / "r.csv").write_text("")
    s = changes.latest_ratings_in_period(model, params(tmp_path, cqc_ratings="r.csv"))
    from carequality.facts import marks, unmark

    assert next(i for i, _ in marks(s.paragraphs[0])).startswith("changes.latest_published.total")  # a fact

    assert unmark(s.paragraphs[0]) == (
        "2 locations in York had their latest CQC rating published between 1 April 2025 and 31 March 2026: "
        "1 Good and 1 Inadequate.")
    assert "a location inspected twice in the period shows once" in s.paragraphs[1]
    total = s.table("latest_ratings_in_period").frame.set_index("Category").loc["Total"]
    assert (total["Good"], total["Inadequate"], total["Total"]) == (1, 1, 2)
    assert {f.id for f in s.facts} >= {"changes.latest_published.total", "changes.latest_published.good"}


def test_locations_rated_before_a_date_and_never(tmp_path):
    model = small()
    gap = periods.rated_before(model.locations, dt.date(2022, 4, 1))
    assert list(zip(gap["location_id"], gap["status"])) == [("1-4", "Rated before"), ("1-5", "No rating")]
    (tmp_path / "r.csv").write_text("")
    s = changes.not_rated_since(model, params(tmp_path, cqc_ratings="r.csv"))
    from carequality.facts import unmark

    assert unmark(s.paragraphs[0]) == (
        "Of the 6 locations in York in CQC's file, 1 had their latest rating published before 1 April 2022, and 1 "
        "had no rating yet.")
    assert list(s.table("not_rated_since").frame.columns) == [
        "Location", "CQC location ID", "Provider", "Category", "Rating published", "Overall rating"]


def test_one_file_sections_only_without_a_history(tmp_path):
    (tmp_path / "r.csv").write_text("")
    (tmp_path / "api").mkdir()
    one = params(tmp_path, cqc_ratings="r.csv").sections
    assert "latest_ratings_in_period" in one and "not_rated_since" in one and "inspections_in_period" not in one
    both = params(tmp_path, cqc_ratings="r.csv", cqc_api="api").sections
    assert "latest_ratings_in_period" not in both and "inspections_in_period" in both


def test_a_location_type_that_matches_nothing_names_the_params_file_and_setting(shared_data, tmp_path):
    """The typo is in the params file, so the message names it and its setting, and the file checked against."""
    import yaml

    from carequality.errors import InputError
    from carequality.model.build import build_model
    from carequality.params import load_params
    from conftest import LINCOLNSHIRE_CSV

    path = tmp_path / "lincs.yaml"
    path.write_text(yaml.safe_dump({
        "council": {"code": "E10000019", "name": "Lincolnshire"}, "period": {"start": "2025-06-01", "end": "2026-05-31"},
        "inputs": {"cqc_ratings": str(LINCOLNSHIRE_CSV)}, "options": {"location_types": ["Social Care Organisation"]}}))
    with pytest.raises(InputError) as e:
        build_model(load_params(path))
    assert str(e.value).startswith(f"{path}: options.location_types 'Social Care Organisation' matches no location "
                                   "in cqc_lincolnshire_prefiltered.csv; its location types are ")
