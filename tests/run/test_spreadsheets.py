"""report.xlsx and report.ods by the Analysis Function's "Releasing statistics in spreadsheets" guidance.

The example report is rendered once to both formats; each file is read back (openpyxl for the XLSX, python-calamine
and the ODS's own XML for the ODS) and checked against the tables and charts' data collected from the executed
notebook: cover, contents with links, numbered notes referenced from the titles, one table per sheet named in words,
title in A1, header row marked, no merged cells or blank rows, numbers as numbers, shorthand with its key.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import nbformat
import pytest

from carequality.run import exports
from carequality.params import DEFAULT_CONTACT
from carequality.run.render import collect_figures, collect_tables, render
from conftest import EXAMPLE_PARAMS

pytestmark = pytest.mark.slow

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}
FORBIDDEN = set("[]:*?/\\")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    result = render(EXAMPLE_PARAMS, tmp_path_factory.mktemp("sheets"), formats=("html", "xlsx", "ods"))
    nb = nbformat.read(result.out_dir / "annual_report.ipynb", as_version=4)
    return result, collect_tables(nb), [f for f, _ in collect_figures(nb)]


@pytest.fixture(scope="module")
def xlsx(example):
    import openpyxl

    return openpyxl.load_workbook(example[0].outputs["xlsx"])


@pytest.fixture(scope="module")
def ods(example) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(example[0].outputs["ods"]))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


@pytest.fixture(scope="module")
def ods_xml(example) -> ElementTree.Element:
    with zipfile.ZipFile(example[0].outputs["ods"]) as z:
        return ElementTree.fromstring(z.read("content.xml"))


def _xlsx_rows(ws) -> list[list[object]]:
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [r + [None] * (ws.max_column - len(r)) for r in rows]


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Rows without trailing blank cells (ODS and XLSX readers pad differently)."""
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] in (None, ""):
            r.pop()
        out.append(r)
    return out


def _expected(value: object, fmt: str, blank: str | None = None) -> object:
    """What a cell should hold for a table JSON value, written independently of exports._cell."""
    if value is None or value == "":
        return blank or ("[x]" if fmt in ("int", "percent") else "[z]")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if fmt == "date" and re.fullmatch(r"\d{4}-\d\d-\d\d", str(value)):
        return dt.date.fromisoformat(value)
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _items(tables, figures):
    return [("Table", t) for t in tables] + [("Figure", f) for f in figures]


# ---- both files ------------------------------------------------------------------------------------------
def test_both_files_have_the_same_sheets_in_guidance_order(example, xlsx, ods):
    _, tables, figures = example
    assert figures, "the example has charts, so their data must be in the spreadsheets"
    names = xlsx.sheetnames
    assert list(ods) == names
    assert names[:3] == ["Cover", "Contents", "Notes"]
    body = names[3:]
    assert len(body) == len(tables) + len(figures)
    for name, (kind, item) in zip(body, _items(tables, figures)):  # named by the table's id, not its number
        words = item["id"].replace("_", " ").replace("qa ", "QA ").replace(" vs ", " versus ")
        short = exports.SHORT_SHEET_NAMES.get(item["id"], "")
        assert name in (words[:1].upper() + words[1:], short) if kind == "Table" else (
            name in (words[:1].upper() + words[1:] + " chart", short + " chart")), name
    assert all(len(n) <= 31 and not (set(n) & FORBIDDEN) and not n.startswith("'") and not n.endswith("'")
               for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert "Commissioned by rating" in names and "Watch list" in names


def test_cover_names_title_council_period_source_date_contact_and_the_shorthand_key(example, xlsx, ods):
    result, _, _ = example
    for rows in (_xlsx_rows(xlsx["Cover"]), ods["Cover"]):
        column_a = [r[0] for r in rows if r and r[0] not in (None, "")]
        assert column_a[0] == "Quality of adult social care providers: York"
        text = "\n".join(map(str, column_a))
        assert "Council: York (E06000014)" in text
        assert "Reporting period: 1 April 2025 to 31 March 2026" in text
        assert re.search(r"^Source: CQC's care directory with ratings; .*the council's risk register", text, re.M)
        assert re.search(r"^CQC data as of: \d{1,2} \w+ 20\d\d$", text, re.M)
        assert DEFAULT_CONTACT not in text and "params file" not in text
        assert re.search(r"^Contact: .*@york\.example", text, re.M)  # the front sheet's contact
        assert "Example data" in text
        for symbol in ("[x]", "[c]", "[z]"):
            assert re.search(rf"^{re.escape(symbol)} \w", text, re.M), symbol
        assert all(len(r) == 1 or all(v in (None, "") for v in r[1:]) for r in rows)  # text in column A only


def test_contents_links_and_describes_every_table_and_chart(example, xlsx, ods, ods_xml):
    _, tables, figures = example
    ws = xlsx["Contents"]
    rows = _xlsx_rows(ws)
    assert rows[0][0] == "Contents" and rows[1][0]
    assert rows[2] == ["Sheet name", "Table or chart", "Description"]
    listed = rows[3:]
    assert [r[0] for r in listed] == ["Notes", *xlsx.sheetnames[3:]]
    for r, (kind, item) in zip(listed[1:], _items(tables, figures)):
        assert r[1] == f"{kind} {item['number']}" + (" data" if kind == "Figure" else "")
        assert r[2] == item["caption"]
    for row_number, name in enumerate([r[0] for r in listed], start=4):
        link = ws.cell(row_number, 1).hyperlink
        assert link is not None and link.location == f"'{name}'!A1"
    assert _trim(ods["Contents"]) == _trim(rows)
    hrefs = [a.get(f"{{{NS['xlink']}}}href") for a in _ods_table(ods_xml, "Contents").iter(f"{{{NS['text']}}}a")]
    assert hrefs == [f"#'{name}'.A1" for name in ["Notes", *xlsx.sheetnames[3:]]]


def test_every_footnote_is_a_numbered_note_referenced_from_its_table_title(example, xlsx, ods):
    _, tables, figures = example
    rows = _xlsx_rows(xlsx["Notes"])
    assert rows[2] == ["Note number", "Note text"]
    notes = {r[1]: r[0] for r in rows[3:]}
    assert [r[0] for r in rows[3:]] == [f"[note {i}]" for i in range(1, len(rows) - 2)]
    every = {n for _, item in _items(tables, figures) for n in item["footnotes"]}
    assert every and set(notes) == every  # each footnote once, and nothing else
    for name, (kind, item) in zip(xlsx.sheetnames[3:], _items(tables, figures)):
        title = xlsx[name]["A1"].value
        refs = "".join(f" {notes[n]}" for n in item["footnotes"])
        lead = f"Table {item['number']}: " if kind == "Table" else f"Figure {item['number']} (data behind the chart): "
        assert title == lead + item["caption"] + refs
        assert ods[name][0][0] == title
    assert _trim(ods["Notes"]) == _trim(rows)


def test_each_table_sheet_starts_in_a1_with_a_marked_header_and_no_gaps_or_merged_cells(example, xlsx, ods_xml):
    _, tables, figures = example
    for name, (_, item) in zip(xlsx.sheetnames[3:], _items(tables, figures)):
        ws = xlsx[name]
        assert not ws.merged_cells.ranges, name
        assert ws["A1"].value and ws["A2"].value  # title, then one line: no blank row above the table
        assert [ws.cell(3, c + 1).value for c in range(len(item["columns"]))] == item["columns"]
        assert ws.max_row == 3 + len(item["rows"])  # nothing under the table
        (table,) = ws.tables.values()
        last_col = ws.cell(3, len(item["columns"])).column_letter
        assert table.ref == f"A3:{last_col}{3 + len(item['rows'])}"
        assert table.headerRowCount in (None, 1)
        assert ws.freeze_panes == "A4"
    for name in xlsx.sheetnames:
        sheet = _ods_table(ods_xml, name)
        assert sheet.find(".//table:table-cell[@table:number-columns-spanned]", NS) is None, name
    header_rows = {t.get(f"{{{NS['table']}}}name"): t.findall("table:table-header-rows", NS)
                   for t in ods_xml.iter(f"{{{NS['table']}}}table")}
    assert all(len(header_rows[n]) == 1 for n in xlsx.sheetnames[1:])
    ranges = {r.get(f"{{{NS['table']}}}target-range-address"): r.get(f"{{{NS['table']}}}contains-header")
              for r in ods_xml.iter(f"{{{NS['table']}}}database-range")}
    for name, (_, item) in zip(xlsx.sheetnames[3:], _items(tables, figures)):
        last_col = xlsx[name].cell(3, len(item["columns"])).column_letter
        assert ranges[f"'{name}'.A3:'{name}'.{last_col}{3 + len(item['rows'])}"] == "true"


def test_cells_hold_numbers_dates_and_shorthand_as_the_report_shows_them(example, xlsx, ods):
    _, tables, figures = example
    seen = {"[x]": 0, "[z]": 0, "number": 0, "date": 0}
    for name, (_, item) in zip(xlsx.sheetnames[3:], _items(tables, figures)):
        ws = xlsx[name]
        for r, row in enumerate(item["rows"], start=4):
            for c, (col, value) in enumerate(zip(item["columns"], row), start=1):
                want = _expected(value, item["formats"][col], item.get("blanks", {}).get(col))
                cell, other = ws.cell(r, c), ods[name][r - 1][c - 1]
                if isinstance(want, dt.date):
                    assert cell.value == dt.datetime(want.year, want.month, want.day) and cell.is_date
                    assert other == want
                    seen["date"] += 1
                elif isinstance(want, (int, float)):
                    assert cell.data_type == "n" and cell.value == want, (name, r, c)
                    assert isinstance(other, float) and other == want
                    seen["number"] += 1
                else:
                    assert cell.data_type == "s" and cell.value == want, (name, r, c)
                    assert other == want
                    seen[want] = seen.get(want, 0) + 1
    assert all(seen[k] for k in ("[x]", "[z]", "number", "date")), seen


def test_no_cell_is_a_formula(xlsx, example):
    for ws in xlsx.worksheets:
        for row in ws.iter_rows():
            assert not any(c.data_type == "f" for c in row), ws.title
    with zipfile.ZipFile(example[0].outputs["ods"]) as z:
        assert b"table:formula" not in z.read("content.xml")


# ---- the writers on small tables -----------------------------------------------------------------------------
def _table(**extra) -> dict:
    t = {"id": "commissioned_by_rating", "caption": "People by rating", "number": 6,
         "columns": ["Name", "People", "Share (%)", "Since"],
         "formats": {"Name": "text", "People": "int", "Share (%)": "percent", "Since": "date"},
         "rows": [["=HYPERLINK(\"http://x\")", "[c]", None, None], ["Plain", 12, 50.0, "2025-04-01"]],
         "footnotes": ["[c]: fewer than 5 people.", "=cmd|' /C calc'!A0"]}
    return t | extra


def _write_both(tmp_path: Path, tables: list[dict], **kw) -> tuple[Path, Path]:
    return (exports.tables_to_workbook(tables, tmp_path / "t.xlsx", title="=Title", **kw),
            exports.tables_to_workbook(tables, tmp_path / "t.ods", title="=Title", **kw))


def test_formulas_are_neutralised_and_suppressed_counts_keep_their_shorthand(tmp_path):
    import openpyxl
    from python_calamine import CalamineWorkbook

    x, o = _write_both(tmp_path, [_table()])
    ws = openpyxl.load_workbook(x)["Commissioned by rating"]
    assert ws["A4"].value == "'=HYPERLINK(\"http://x\")" and ws["A4"].data_type == "s"
    assert [ws["B4"].value, ws["C4"].value, ws["D4"].value] == ["[c]", "[x]", "[z]"]
    assert ws["A1"].value == "Table 6: People by rating [note 1] [note 2]"
    notes = openpyxl.load_workbook(x)["Notes"]
    assert notes["B5"].value == "'=cmd|' /C calc'!A0"
    cover = openpyxl.load_workbook(x)["Cover"]
    assert cover["A1"].value == "'=Title"
    back = CalamineWorkbook.from_path(str(o)).get_sheet_by_name("Commissioned by rating").to_python()
    assert back[3] == ["'=HYPERLINK(\"http://x\")", "[c]", "[x]", "[z]"]


def test_a_cell_over_the_spreadsheet_limit_is_cut_with_a_marker_and_a_note(tmp_path):
    import openpyxl
    from python_calamine import CalamineWorkbook

    long_text = "x" * 40_000
    x, o = _write_both(tmp_path, [_table(rows=[[long_text, 1, 1.0, "2025-04-01"]], footnotes=[])])
    ws = openpyxl.load_workbook(x)["Commissioned by rating"]
    cut = ws["A4"].value
    assert len(cut) == exports.CELL_LIMIT and cut.endswith(exports.CUT_MARKER) and cut.startswith("x" * 30_000)
    assert ws["A1"].value == "Table 6: People by rating [note 1]"
    note = openpyxl.load_workbook(x)["Notes"]["B4"].value
    assert "32,767 characters" in note and "CSV file" in note
    back = CalamineWorkbook.from_path(str(o)).get_sheet_by_name("Commissioned by rating").to_python()
    assert back[3][0] == cut


def test_sheet_names_are_words_legal_unique_and_stable():
    used: set[str] = set()
    ids = ["market_overview_by_service_group", "qa_activity", "a" * 40, "x[1]:y/z?*'", "commissioned_by_rating",
           "commissioned_requires_improvement_vs_baseline", "commissioned_requires_improvement_vs_previous"]
    names = [exports.sheet_name(tid, used) for tid in ids]
    # A long id of the report's own tables has a short name in words, not a code (review r1, defect 10).
    assert names[0] == "Market by service group" and names[1] == "QA activity"
    assert names[4] == "Commissioned by rating"
    assert names[5] == "Requires improvement v baseline" and names[6] == "Requires improvement v previous"
    assert re.fullmatch(r"Aa+ [0-9a-f]{4}", names[2])  # an id of no table of the report's: cut and tagged
    assert exports.sheet_name("trend_good_outstanding", used, chart=True) == "Trend good outstanding chart"
    assert exports.sheet_name("rating_distribution_comparison", used, chart=True) == "Rating distribution chart"
    assert exports.sheet_name("key_question_ratings_at_dates_part2", used) == "Key question ratings part 2"
    assert exports.sheet_name("location_ratings_appendix_part2", used) == "Location ratings part 2"
    again: set[str] = set()
    assert [exports.sheet_name(t, again) for t in reversed(ids)] == names[::-1]  # whatever the order
    assert all(1 <= len(n) <= 31 and not set(n) & FORBIDDEN and "'" not in n for n in names)
    assert len({n.casefold() for n in names}) == len(names)


def test_a_table_added_before_another_leaves_its_sheet_name_and_its_excel_table_name_alone(tmp_path):
    """Workbooks that link to 'Watch list'!A1 keep working when a new table is added before it (issue 19)."""
    import openpyxl

    watch = _table(id="watch_list", number=17)
    first = exports.tables_to_workbook([_table(number=16), watch], tmp_path / "a.xlsx", title="T")
    second = exports.tables_to_workbook([_table(id="new_table", number=16), _table(number=17), watch | {"number": 18}],
                                        tmp_path / "b.xlsx", title="T")
    a, b = openpyxl.load_workbook(first), openpyxl.load_workbook(second)
    assert "Watch list" in a.sheetnames and "Watch list" in b.sheetnames
    assert list(a["Watch list"].tables) == list(b["Watch list"].tables) == ["Table_watch_list"]
    assert a["Watch list"]["A1"].value.startswith("Table 17: ") and b["Watch list"]["A1"].value.startswith("Table 18: ")


def test_blanks_say_what_they_mean_and_a_true_zero_is_zero(tmp_path):
    import openpyxl

    t = _table(columns=["Name", "Risk level", "Placements suspended", "Share (%)"],
               formats={"Name": "text", "Risk level": "int", "Placements suspended": "text", "Share (%)": "percent"},
               rows=[["A", None, None, 0.0], ["B", 3, "No", None]], footnotes=[],
               blanks={"Risk level": "[z]", "Placements suspended": "[z]"})
    ws = openpyxl.load_workbook(exports.tables_to_workbook([t], tmp_path / "t.xlsx", title="T"))["Commissioned by rating"]
    assert [c.value for c in ws[4]] == ["A", "[z]", "[z]", 0]  # no open case: not applicable; a zero share is 0
    assert [c.value for c in ws[5]] == ["B", 3, "No", "[x]"]  # "No" is No; a share not known is not available


def test_the_same_tables_give_the_same_bytes_whenever_they_are_written(tmp_path, monkeypatch):
    import odf.opendocument

    (tmp_path / "a").mkdir()
    first = _write_both(tmp_path / "a", [_table()], figures=[_table(id="trend", number=1)])
    from odf.chart import Chart

    Chart(attributes={"class": "chart:bar"})  # odfpy's namespaces are process-wide: another document must not change ours
    later = time.localtime(time.time() + 86_400 * 400)
    monkeypatch.setattr(odf.opendocument, "time", SimpleNamespace(localtime=lambda *a: later))  # odfpy's clock only
    (tmp_path / "b").mkdir()
    second = _write_both(tmp_path / "b", [_table()], figures=[_table(id="trend", number=1)])
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    with zipfile.ZipFile(second[1]) as z:
        assert z.namelist()[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in z.infolist()} == {exports.source_date().timetuple()[:6]}


def _ods_table(root: ElementTree.Element, name: str) -> ElementTree.Element:
    for t in root.iter(f"{{{NS['table']}}}table"):
        if t.get(f"{{{NS['table']}}}name") == name:
            return t
    raise AssertionError(f"no sheet {name!r}")
