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
    # The facts bundle (issue 20) has no visible output: no text/html, so not a paragraph.
    paragraphs = [d["text/html"] for d, _ in shown if d.get("text/html", "").startswith("<p>")]
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


def _committee(opened: Report, *, sections: tuple[str, ...] | None = None) -> Report:
    """The example's committee paper with no commentary file (as a real council's first draft), in publication
    mode, its working params as the council wrote them."""
    params = opened.params if sections is None else opened.params.model_copy(update={"sections": sections})
    safe = report_module.safe_params(params)
    return Report(params=safe, model=opened.model, profile="summary", working=params)


def _plain(shown) -> list[str]:
    return [d.get("text/plain", "") for d, _ in shown]


def test_a_committee_paper_without_commentary_has_the_skeleton_marked_to_be_completed(opened, shown):
    """Review r1, defect 2: a committee paper whose council has written nothing yet still has its purpose,
    recommendations, implications and next steps, each "[to be completed]", numbered as the paper is."""
    r = _committee(opened)
    r.title_block()
    html = shown[0][0]["text/html"]
    assert '<h2 id="section-purpose"><span class="cq-sn">1</span> Purpose of the report</h2>' in html
    assert '<span class="cq-pn">1.1</span> [to be completed]' in html
    r.introduction()
    r.closing()
    text = _plain(shown)
    for heading in ("Recommendations", "Implications", "Financial implications", "Legal implications",
                    "Equalities implications", "Risk implications", "Next steps"):
        assert heading in text, heading
    assert text.count("[to be completed]") == 6  # recommendations, four implications, next steps
    assert "2.1" in shown[text.index("Recommendations") + 1][0]["text/html"]
    # The analyst's full report adds no such placeholders.
    full = _fresh(opened)
    before = len(shown)
    full.introduction()
    full.closing()
    assert "[to be completed]" not in _plain(shown[before:])


def test_the_front_sheet_has_an_exempt_row_only_when_there_is_an_exempt_appendix(opened):
    assert "Exempt information (appendix)" in _committee(opened).front_sheet_html()
    no_register = tuple(s for s in opened.params.sections if not s.startswith("high_risk"))
    paper = _committee(opened, sections=no_register)
    assert not paper.has_exempt_appendix
    assert "Exempt information (appendix)" not in paper.front_sheet_html()
    assert "Public or exempt" in paper.front_sheet_html()


def test_the_front_sheet_names_the_council_once_in_full_and_leaves_the_marking_to_the_margins(opened):
    """Review r1, defect 21: "York" alone above "OFFICIAL", and the marking printed three times on page 1."""
    import re

    from carequality.councils import formal_name

    sheet = _committee(opened).front_sheet_html()
    words = re.sub(r"<[^>]+>", " ", sheet)
    assert '<p class="cq-front-council">City of York Council</p>' in sheet and words.count("York") == 1
    assert opened.params.options.protective_marking not in words
    assert formal_name("E08000004", "Oldham") == "Oldham Metropolitan Borough Council"
    assert formal_name("E08000009", "Trafford") == "Trafford Metropolitan Borough Council"  # not "trafford council"
    assert formal_name("E09000007", "Camden") == "Camden Council"  # the table has no such name: made from the name


def test_the_committee_paper_points_to_its_annex_for_data_quality(opened, shown):
    """Review r1, defect 7: the committee paper said "listed under Data quality" and has no such section (it is
    in the method and data annex); the analyst's report has its own Data quality section."""
    from carequality.sections import summary

    def said(report: Report) -> str:
        start = len(shown)
        report.show(summary.key_messages)
        return " ".join(d.get("text/plain", "") for d, _ in shown[start:])

    paper = said(_committee(opened))
    assert "listed in the method and data annex, under Data quality" in paper
    assert "listed under Data quality" not in paper
    assert "listed under Data quality" in said(_fresh(opened))


def test_the_full_report_that_names_providers_is_marked_not_for_publication(opened, shown):
    """Review r1, defect 14: the analyst's report names the services on the risk register and quotes concerns,
    and was marked only OFFICIAL."""
    from carequality.params import names_providers
    from carequality.present.publication import report_marking

    full = _fresh(opened)
    full.title_block()
    html = shown[0][0]["text/html"]
    assert '<p class="cq-marking">OFFICIAL-SENSITIVE: not for publication</p>' in html
    assert "<strong>Not for publication.</strong>" in html
    paper = _committee(opened)
    paper.title_block()
    assert '<p class="cq-marking">OFFICIAL</p>' in shown[1][0]["text/html"]
    assert "Not for publication" not in shown[1][0]["text/html"]
    assert names_providers(opened.params, "full") and not names_providers(opened.params, "summary")
    published = report_module.safe_params(opened.params)
    assert not names_providers(published, "full")
    cqc_only = opened.params.model_copy(
        update={"inputs": opened.params.inputs.model_copy(
            update={"risk_register": None, "commissioned_services": None, "qa_visits": None, "audits": None})})
    assert not names_providers(cqc_only, "full")  # CQC's public data only: nothing to withhold
    assert report_marking("OFFICIAL", names_providers=True) == "OFFICIAL-SENSITIVE: not for publication"
    assert report_marking("OFFICIAL SENSITIVE - PERSONAL", names_providers=True) == (
        "OFFICIAL SENSITIVE - PERSONAL: not for publication")
    assert report_marking("Restricted: not for publication", names_providers=True) == "Restricted: not for publication"
    assert report_marking("OFFICIAL", names_providers=False) == "OFFICIAL"


def test_a_block_of_bullets_only_is_numbered_item_by_item_and_a_list_under_a_paragraph_is_not(opened):
    """Review r1 item 20: Next steps as the council's bullets had no paragraph numbers to cite."""
    r = _fresh(opened)
    r.section_no, r.para_no = 15, 0
    steps = r._number_block("<ul>\n<li>Extend the watch list.</li>\n<li>Review the risk levels.</li>\n</ul>")
    assert steps == ('<ul class="cq-numbered">\n<li><span class="cq-pn">15.1</span> Extend the watch list.</li>\n'
                     '<li><span class="cq-pn">15.2</span> Review the risk levels.</li>\n</ul>')
    r.para_no = 0
    mixed = r._number_block("<p>We will:</p>\n<ul>\n<li>act.</li>\n</ul>")
    assert mixed == '<p><span class="cq-pn">15.1</span> We will:</p>\n<ul>\n<li>act.</li>\n</ul>'


def test_a_withheld_list_is_not_said_as_hidden_when_the_report_holds_no_council_concern_data():
    """Review r1 item 20: Oldham's paper (CQC data only) withheld 2 unchanged ratings 'so that no service can be
    identified', as if something were hidden."""
    from carequality.report import _withheld_note

    caption = "Changes of overall rating"
    plain = _withheld_note(caption, "this paper, which may be published", ["cqc_api", "area_ratings_by_month"])
    assert plain == ("The list of locations (changes of overall rating) is left out of this paper, which may be "
                     "published; CQC publishes each location's rating on its website.")
    risky = _withheld_note(caption, "this paper, which may be published", ["cqc_ratings", "risk_register"])
    assert risky.endswith("so that no service can be identified.")
