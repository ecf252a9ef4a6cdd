"""What the notebook calls: Report.show and the blocks, checked by what they display."""

from __future__ import annotations

import pytest

import carequality.report as report_module
from carequality.present.tables import TABLE_MIME
from carequality.present.text import long_date
from carequality.report import Report, open_report
from carequality.sections import changes, compare, overview
from conftest import EXAMPLE_PARAMS


@pytest.fixture(scope="module")
def opened() -> Report:
    return open_report(EXAMPLE_PARAMS)


@pytest.fixture
def shown(monkeypatch):
    """Every bundle the report displays, in order."""
    out: list[tuple[dict, dict]] = []
    monkeypatch.setattr(report_module, "display", lambda data, metadata=None, raw=False: out.append((data, metadata or {})))
    return out


def _fresh(opened: Report, **params_update) -> Report:
    params = opened.params.model_copy(update=params_update) if params_update else opened.params
    return Report(params=params, model=opened.model)


def test_a_section_params_leave_out_is_not_shown(opened, shown):
    r = _fresh(opened, sections=("ratings_overview",))
    assert r.show(overview.market_overview) is None
    assert shown == []
    assert r.show(overview.ratings_overview) is not None
    assert r.shown == ["ratings_overview"]


def test_a_section_shows_its_heading_sentences_and_tables_with_their_data(opened, shown):
    r = _fresh(opened)
    section = r.show(overview.ratings_overview)
    heading = shown[0]
    # Numbered (issue 21): members cite "1.2"; the first section shown in a fresh report is section 1.
    assert heading[1]["carequality"] == {"heading": section.title, "anchor": "section-ratings_overview", "number": "1"}
    assert '<span class="cq-sn">1</span>' in heading[0]["text/html"]
    paragraphs = [d["text/html"] for d, _ in shown if d["text/html"].startswith("<p>")]
    assert paragraphs and paragraphs[0].startswith('<p><span class="cq-pn">1.1</span> ')
    tables = [d[TABLE_MIME] for d, _ in shown if TABLE_MIME in d]
    assert [t["id"] for t in tables] == ["ratings_overview"]
    assert "Table 1: " in [d for d, _ in shown if TABLE_MIME in d][0]["text/html"]
    assert r.tables_shown == 1


def test_appendix_tables_wait_for_the_data_appendix(opened, shown):
    r = _fresh(opened)
    r.show(compare.benchmarks)
    ids = [d[TABLE_MIME]["id"] for d, _ in shown if TABLE_MIME in d]
    assert "trend_good_outstanding" not in ids
    before = len(ids)
    r.appendix_tables()
    ids = [d[TABLE_MIME]["id"] for d, _ in shown if TABLE_MIME in d]
    assert "trend_good_outstanding" in ids[before:]


def test_the_title_block_names_the_council_period_and_data_date(opened, shown):
    _fresh(opened).title_block()
    html = shown[0][0]["text/html"]
    as_of = long_date(opened.model.as_of)
    assert "York" in html and "1 April 2025 to 31 March 2026" in html and f"CQC data as of {as_of}" in html
    assert "Example data." in html
    assert shown[0][1]["carequality"]["role"] == "title"


def test_the_title_block_says_when_the_data_end_before_the_period(opened, shown):
    r = _fresh(opened)
    assert opened.model.as_of.date().isoformat() == "2026-02-25"  # the example's data end before 31 March 2026
    r.title_block()
    assert ("The reporting period ends on 31 March 2026, but the latest CQC data are from 25 February 2026: figures "
            "for the end of the period describe 25 February 2026.") in shown[0][0]["text/html"]
    shown.clear()
    early = _fresh(opened, period=opened.params.period.model_copy(update={"end": opened.model.as_of.date()}))
    early.title_block()
    assert "latest CQC data are from" not in shown[0][0]["text/html"]


def test_the_method_note_gives_the_one_as_of_date(opened, shown):
    _fresh(opened).method_note()
    text = " ".join(d.get("text/plain", "") for d, _ in shown)
    assert f"The report's CQC data are as of {long_date(opened.model.as_of)}" in text


def test_data_quality_lists_rows_or_says_there_are_none(opened, shown):
    r = _fresh(opened)
    r.data_quality()
    text = " ".join(d.get("text/plain", "") for d, _ in shown)
    n = len(opened.model.data_quality)
    assert (f"{n:,} rows need attention" in text) if n else ("no data-quality issues were found" in text)


def test_published_data_quality_names_each_source_in_words_not_its_file(opened, shown):
    assert len(opened.model.data_quality), "the example has rows for data quality"
    options = opened.params.options.model_copy(update={"mode": "publication"})
    _fresh(opened, options=options).data_quality()
    table = next(d[TABLE_MIME] for d, _ in shown if TABLE_MIME in d and d[TABLE_MIME]["id"] == "data_quality")
    assert table["columns"][0] == "Source"
    sources = {row[0] for row in table["rows"]}
    assert "The council's record of the services it commissions" in sources
    assert not any(s.endswith((".csv", ".xlsx", ".json")) for s in sources)
    assert not any("location id" in row[-1] for row in table["rows"])


def test_history_sections_show_their_tables(opened, shown):
    r = _fresh(opened)
    r.show(changes.inspections_in_period)
    ids = [d[TABLE_MIME]["id"] for d, _ in shown if TABLE_MIME in d]
    assert ids == ["inspections_in_period", "inspections_in_previous_period", "inspections_in_period_list"]
