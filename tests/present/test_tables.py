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
    (1234, "int", "1,234"), (None, "int", "–"), (12.5, "percent", "12.5%"), (80.0, "percent", "80.0%"),
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


def _pandas_text(table: Table) -> str:
    """The plain text as Table.to_text wrote it through pandas' to_string alone (before text_grid)."""
    frame = table.frame[table.columns].copy()
    for c in frame.columns:
        frame[c] = [format_cell(v, table.fmt(c)) for v in frame[c]]
    return f"{table.caption}\n{frame.to_string(index=False)}"


def test_plain_text_is_laid_out_as_pandas_lays_it_out():
    import random

    rng = random.Random(15)
    alphabet = "abcXYZ019 ,.-–£%'\"é漢()"

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 3, 12, 49, 50, 51, 70])))

    for _ in range(300):
        n_rows = rng.randint(0, 6)
        names = list(dict.fromkeys(text().lstrip() or "x" for _ in range(rng.randint(1, 5))))
        frame = pd.DataFrame({n: [text() for _ in range(n_rows)] for n in names})
        frame["Count"] = [rng.choice([0, 7, 1234, 10**7]) for _ in range(n_rows)]
        frame["Share"] = [rng.choice([0.0, 12.5, 100.0, float("nan")]) for _ in range(n_rows)]
        table = Table("t", "Caption", frame, formats={"Share": "percent"})
        assert table.to_text() == _pandas_text(table)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": pd.Series([], dtype=str)}),  # no rows: pandas' "Empty DataFrame" text
    pd.DataFrame({" a": ["x"], " b": ["y"]}),  # labels starting with a space, which pandas trims
    pd.DataFrame({"a": ["tab\there", "line\nbreak"]}),  # escaped by pandas
    pd.DataFrame({1: ["x"], 2: ["y"]}),  # labels that are not text
])
def test_plain_text_of_unusual_frames_is_pandas_own(frame):
    table = Table("t", "Caption", frame)
    assert table.to_text() == _pandas_text(table)


def test_a_column_blank_in_every_row_is_left_out_of_the_report_csv_and_json():
    frame = pd.DataFrame(
        {
            "Month": ["Apr 2025", "May 2025"],
            "Share": [80.1, 81.2],
            "Note": ["", None],
            "Gap": [float("nan"), None],
            "Said": ["", "first rating"],
        }
    )
    table = Table("trend", "Trend", frame, formats={"Share": "percent"}, blanks={"Note": "[z]"})
    assert table.columns == ["Month", "Share", "Said"]
    assert "Note" not in table.to_csv() and "Gap" not in table.to_csv()
    assert table.to_json()["columns"] == ["Month", "Share", "Said"] and "blanks" not in table.to_json()
    assert ">Note<" not in table.to_html()


def test_a_table_with_no_rows_keeps_its_columns_and_row_headers_stay():
    assert Table("t", "T", pd.DataFrame({"A": [], "B": []})).columns == ["A", "B"]
    assert Table("t", "T", pd.DataFrame({"Area": [None], "N": [3]})).columns == ["Area", "N"]


def test_each_of_cqcs_words_for_no_rating_yet_is_shown_as_one_label():
    frame = pd.DataFrame({"Location": ["A", "B", "C"], "Rating": ["Not Rated", "No published rating", "Good"],
                          "Previous": pd.Categorical(["Good", "No published rating", "Not Rated"])})
    table = Table("t", "T", frame)
    assert table.records() == [["A", "Not yet rated", "Good"], ["B", "Not yet rated", "Not yet rated"],
                               ["C", "Good", "Not yet rated"]]
    assert "Not Rated" not in table.to_html() and "No published rating" not in table.to_csv()


def test_notes_print_with_the_last_rows_inside_the_table_once():
    table = Table("t", "T", pd.DataFrame({"A": ["x", "y"], "N": [1, 2]}), footnotes=["A note & more."])
    out = table.to_html(3)
    assert out.index("</tbody>") < out.index('<tfoot class="cq-notes">') < out.index("A note &amp; more.")
    assert out.endswith("</ul></td></tr></tfoot></table>") and 'colspan="2"' in out
    assert "<tfoot" not in Table("t", "T", pd.DataFrame({"A": ["x"]})).to_html()
