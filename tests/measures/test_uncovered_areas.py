"""What the data cannot give is said once, not drawn (issue 22): the comparison leaves out the areas the data cover
in no month, the section says so in one sentence, and `carequality check` says the same."""

from __future__ import annotations

import pytest

from carequality import areas
from carequality.cli import main
from carequality.measures.compare import comparison
from carequality.model.build import build_model
from carequality.params import load_params
from carequality.sections.compare import benchmarks
from conftest import ROOT

OLDHAM = ROOT / "params" / "oldham" / "2024-25.yaml"


@pytest.fixture(scope="module")
def oldham(shared_data):
    params = load_params(OLDHAM)
    return build_model(params), params


def test_areas_the_data_never_cover_are_left_out_not_drawn(oldham):
    model, params = oldham
    c = comparison(model, params)
    assert c.uncovered == ["North West", "England"]  # Oldham's API folder holds Oldham only
    for frame in (c.trend, c.dist, c.change):
        assert set(frame["area_type"]) == {areas.COUNCIL} and frame["area"].eq("Oldham").all()
    assert c.dist["rated"].notna().all() and c.trend["percent"].notna().any()


def test_the_section_says_once_what_would_add_the_comparison(oldham):
    model, params = oldham
    s = benchmarks(model, params)
    said = [p for p in s.paragraphs if "do not cover" in p]
    assert said == [
        "The data used here do not cover North West and England, so Oldham is shown without them: CQC's monthly "
        "ratings files for the whole of England, or monthly counts of ratings by area, would add the comparison."]
    assert s.title == "Oldham's share rated Good or Outstanding over time"
    for t in s.tables:
        assert "England" not in t.caption and set(t.frame["Area"]) == {"Oldham"}
        blank = [c for c in t.frame if t.frame[c].isna().all() or t.frame[c].astype(str).eq("").all()]
        assert blank == [], (t.id, blank)  # no blank column


def test_check_says_what_the_data_cannot_give(shared_data, capsys):
    assert main(["check", str(OLDHAM)]) == 0
    out = capsys.readouterr().out
    assert "section 'benchmarks' shows Oldham without North West, England: the data do not cover them" in out
    assert "section 'qa_activity' is left out: it needs inputs.qa_visits" in out
    assert "latest_ratings_in_period" not in out  # replaced by the history sections, not missing
