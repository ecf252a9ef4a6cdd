"""Report tables: accessible HTML, escaped text, CSV with formulas neutralised, formats."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carequality.present.tables import Table, format_cell, neutralise


def _table() -> Table:
    frame = pd.DataFrame({"Location": ["<b>Oak</b> & Co", "=HYPERLINK(\"x\")"], "Beds": [12, 40],
                          "Share": [50.0, 12.5], "Published": [pd.Timestamp("2025-03-04"), pd.NaT],
                          "Page": ["https://www.cqc.org.uk/location/1-1", "javascript:alert(1)"]})
    return Table("t", "Caption & more", frame, footnotes=["Note <1>"], formats={"Share": "percent", "Location": "link"},
                 links={"Location": "Page"})


def test_html_has_a_numbered_caption_scoped_headers_and_escaped_text():
    html = _table().to_html(number=3)
    assert "<caption>Table 3: Caption &amp; more</caption>" in html
    assert '<th scope="col" class="num">Beds</th>' in html
    assert '<th scope="row" class="txt"><a href="https://www.cqc.org.uk/location/1-1">&lt;b&gt;Oak&lt;/b&gt; &amp; Co</a></th>' in html
    assert "<li>Note &lt;1&gt;</li>" in html


def test_only_web_links_are_links():
    html = _table().to_html()
    assert "javascript:" not in html
    assert '<a href="#">' in html


def test_csv_neutralises_formulas_and_keeps_numbers_and_iso_dates():
    lines = _table().to_csv().splitlines()
    assert lines[0] == "Location,Beds,Share,Published"
    assert lines[1] == "<b>Oak</b> & Co,12,50.0,2025-03-04"
    assert lines[2].startswith('"\'=HYPERLINK(""x"")"')
    assert lines[2].endswith(",40,12.5,")


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (1234, "int", "1,234"), (None, "int", "–"), (12.5, "percent", "12.5%"), (80.0, "percent", "80%"),
    (dt.date(2025, 3, 4), "date", "4 Mar 2025"), (float("nan"), "text", ""), ("x", "text", "x"),
])
def test_format_cell(value, fmt, text):
    assert format_cell(value, fmt) == text


def test_neutralise_prefixes_only_formula_starts():
    assert neutralise("+44 1904") == "'+44 1904"
    assert neutralise("-1") == "'-1"
    assert neutralise("Oak") == "Oak"
    assert neutralise(-1) == -1


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown formats"):
        Table("t", "c", pd.DataFrame({"a": [1]}), formats={"a": "money"})


# ---- print layout (issue 12) ---------------------------------------------------------------------------------
def test_ids_dates_ratings_and_numbers_never_break_across_lines():
    frame = pd.DataFrame({"Location": ["Oak House care home"], "CQC location ID": ["1-117886088"],
                          "Rating": ["Requires improvement"], "Published": [pd.Timestamp("2025-03-03")],
                          "Beds": [12]})
    html = Table("t", "Caption", frame).to_html()
    assert '<th scope="row" class="txt">Oak House care home</th>' in html  # a name may wrap
    assert '<td class="txt nw">1-117886088</td>' in html
    assert '<td class="txt nw">Requires improvement</td>' in html
    assert '<td class="txt nw">3 Mar 2025</td>' in html
    assert '<td class="num">12</td>' in html


def test_a_table_too_wide_for_a_portrait_page_is_marked_wide():
    narrow = Table("n", "Narrow", pd.DataFrame({"Area": ["York"], "Locations": [104]}))
    assert not narrow.wide and narrow.min_chars() == len("Locations") + 2 + len("Area") + 2
    cols = {f"Column {i}": ["Requires improvement"] for i in range(6)}
    wide = Table("w", "Wide", pd.DataFrame(cols))
    assert wide.min_chars() == 6 * (len("Requires improvement") + 2) and wide.wide
