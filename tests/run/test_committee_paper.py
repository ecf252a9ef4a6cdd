"""Issue 12 end to end: the committee paper (summary profile) of the example, the council's words in every format,
the DOCX a council can use, the watch list spreadsheet, and a publication that names no provider or location."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from carequality.model.build import build_model
from carequality.params import load_params
from carequality.run.exports import html_to_docx
from carequality.run.render import render
from conftest import EXAMPLE_PARAMS

pytestmark = pytest.mark.slow


def _need(*tools: str) -> None:
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make sysdeps` (make test installs them)")


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    out = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _zip_text(path: Path) -> str:
    """Every XML part of an XLSX, ODS or DOCX as text, markup removed."""
    with zipfile.ZipFile(path) as z:
        xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", xml)).split())


@pytest.fixture(scope="module")
def summary(summary_render):
    return summary_render


@pytest.fixture(scope="module")
def published(published_render):
    return published_render


# ---- the committee paper --------------------------------------------------------------------------------
def test_the_committee_paper_of_the_example_is_at_most_twelve_a4_pages(summary):
    assert _pages(summary.outputs["pdf"]) <= 12


def test_the_committee_paper_opens_on_its_front_sheet_then_its_key_messages(summary):
    page1 = _pdf_text(summary.outputs["pdf"], 1, 1)
    assert "Front sheet" not in page1 and "Date of meeting" in page1 and "Key messages" not in page1
    page2 = _pdf_text(summary.outputs["pdf"], 2, 2)
    assert "Key messages" in page2 and "78 of 97 (80.4%)" in page2 and "● Green" in page2
    html = summary.html.read_text(encoding="utf-8")
    assert html.index('id="section-key_messages"') < html.index('class="cq-contents"')


def test_the_committee_paper_shows_the_main_sections_and_no_annex(summary):
    html = summary.html.read_text(encoding="utf-8")
    for shown in ("ratings_overview", "commissioned_by_rating", "high_risk_in_area", "qa_activity", "benchmarks"):
        assert f'id="section-{shown}"' in html, shown
    for left_out in ("key_question_ratings", "not_inspected_since", "watch_list", "location_ratings_appendix",
                     "appendix_data"):
        assert f'id="section-{left_out}"' not in html, left_out
    assert "too wide" not in html
    assert not (summary.out_dir / "watch_list.xlsx").exists()


# ---- the council's words ---------------------------------------------------------------------------------
def test_the_commentary_is_in_place_in_the_html(summary):
    html = " ".join(summary.html.read_text(encoding="utf-8").split())
    at = {k: html.index(f'id="section-{k}"') for k in ("purpose", "key_messages", "introduction", "market_overview",
                                                       "commissioned_by_rating", "recommendations", "implications",
                                                       "next_steps")}
    # The councils' order: purpose, key messages, recommendations, then the body, the implications, next steps.
    assert at["purpose"] < at["key_messages"] < at["recommendations"] < at["introduction"] < at["market_overview"]
    assert at["market_overview"] < at["implications"] < at["next_steps"]
    assert 'id="section-data_quality"' not in html  # in the method-and-data annex, a background paper
    annex = (summary.out_dir / "method_annex.html").read_text(encoding="utf-8")
    assert 'id="section-data_quality"' in annex and 'id="section-method"' in annex
    own_words = html.index("welfare checks on everyone the council funds there")
    assert at["commissioned_by_rating"] < own_words < html.index("Table", at["commissioned_by_rating"])
    assert "<strong>Good</strong>" in html and "<ol>" in html  # Markdown rendered


def test_the_commentary_is_in_the_pdf_and_the_docx(summary):
    for text in (_pdf_text(summary.outputs["pdf"]), _zip_text(summary.outputs["docx"])):
        assert "This report gives the scrutiny panel an overview" in text
        assert "Recommendations" in text and "Extend the provider watch list" in text


# ---- the DOCX --------------------------------------------------------------------------------------------
def test_the_docx_has_a_running_header_with_the_marking_and_page_numbers(summary):
    from docx import Document

    doc = Document(str(summary.outputs["docx"]))
    section = doc.sections[0]
    header = " ".join(p.text for p in section.header.paragraphs)
    assert "York: Quality of adult social care providers" in header and "OFFICIAL" in header
    footer = section.footer._element.xml
    assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", footer)
    assert re.search(r"<w:instrText[^>]*>\s*NUMPAGES\s*</w:instrText>", footer)
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    assert doc.tables and doc.tables[0].style.name == "Table"


def test_a_council_word_template_is_used_and_given_the_marking(tmp_path):
    _need("pandoc")
    from docx import Document

    template = Document()
    template.sections[0].header.paragraphs[0].text = "Council of Example: scrutiny panel"
    template.save(str(tmp_path / "council.docx"))
    page = tmp_path / "report.html"
    page.write_text("<html><body><h1>Title</h1><p>Text.</p></body></html>", encoding="utf-8")
    out = html_to_docx(page, tmp_path / "report.docx", header="York: report", marking="OFFICIAL-SENSITIVE",
                       council_template=tmp_path / "council.docx")
    header = " ".join(p.text for p in Document(str(out)).sections[0].header.paragraphs)
    assert "Council of Example: scrutiny panel" in header and "OFFICIAL-SENSITIVE" in header


# ---- the watch list --------------------------------------------------------------------------------------
def test_the_full_report_writes_the_watch_list_spreadsheet(example_render):
    import openpyxl

    path = example_render.out_dir / "watch_list.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Notes"] and len(wb.sheetnames) == 4
    assert wb["Cover"]["A1"].value == "Provider watch list: York (E06000014)"
    sheet = wb[wb.sheetnames[3]]
    assert sheet["A1"].value.startswith("Table 1: Provider watch list")
    assert [c.value for c in sheet[3]][:3] == ["Location", "CQC location ID", "Provider"]
    csv_rows = (example_render.out_dir / "tables" / "watch_list.csv").read_text().splitlines()
    assert sheet.max_row - 3 == len(csv_rows) - 1
    assert list(sheet.tables) == ["Table_watch_list"] and sheet.title == "Watch list"
    import json
    assert "watch_list.xlsx" in json.loads((example_render.out_dir / "manifest.json").read_text())["outputs"]


def test_wide_tables_are_laid_out_in_place_on_landscape_pages(example_render):
    """Issue 21: a table too wide for a portrait page is printed where it belongs, on a landscape page (the named
    page "wide"), never dropped; the data appendix holds only the long series behind the charts."""
    html = example_render.html.read_text(encoding="utf-8")
    annex = html.index('id="section-appendix_data"')
    assert html.index('id="table-watch_list"') < annex
    assert re.search(r'<div class="cq-landscape">\s*(<div class="cq-wide"[^>]*>)?<table class="cq-table[^"]*" '
                     r'id="table-watch_list"', html)
    assert html.index('id="table-high_risk_in_area"') < annex
    assert "@page wide" in html and "too wide" not in html


# ---- publication ----------------------------------------------------------------------------------------
def test_a_publication_names_no_provider_or_location_in_any_output(published):
    params = load_params(EXAMPLE_PARAMS)
    model = build_model(params)
    names = set()
    for frame in (model.cqc_locations_all, model.history.locations_all):
        for column in ("location_name", "provider_name"):
            names |= {str(n) for n in frame[column].dropna() if str(n).strip()}
    assert len(names) > 100
    out = published.out_dir
    texts = {}
    for f in out.rglob("*"):
        if f.suffix in (".html", ".csv", ".json"):
            texts[f.name] = " ".join(f.read_text(encoding="utf-8").split())
        elif f.suffix == ".pdf":
            texts[f.name] = _pdf_text(f)
        elif f.suffix in (".xlsx", ".ods", ".docx"):
            texts[f.name] = _zip_text(f)
    assert {"report.html", "report.pdf", "report.xlsx", "report.ods", "report.docx", "manifest.json"} <= set(texts)
    found = {name: sorted(n for n in names if n in text) for name, text in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_a_publication_leaves_out_the_lists_of_locations_and_the_risk_registers_free_text(published):
    html = published.html.read_text(encoding="utf-8")
    assert 'id="section-location_ratings_appendix"' not in html and 'id="section-watch_list"' not in html
    assert not (published.out_dir / "watch_list.xlsx").exists()
    for table in ("rating_changes", "inspections_in_period_list", "not_inspected_since"):
        assert f'id="table-{table}"' not in html, table
    assert "is left out of the published version of this report" in html
    assert "Summary of risk" not in html
    # High-risk services counted by risk level alone, no provider reference (review r1, defect 1).
    assert "Provider ref" not in html and 'id="table-high_risk_in_area"' in html
    assert not re.search(r"\b1-\d{6,}\b", html)  # no CQC location id either


# ---- issue 23: no audited service below Good named in the committee paper or a publication ---------------------
def _audited_below_good() -> set[str]:
    """The names (from CQC's data) of every service whose latest final audit in the example is below Good."""
    import csv

    latest: dict[str, tuple[str, str]] = {}
    with open(EXAMPLE_PARAMS.parent.parent.parent / "data" / "example" / "audits_example.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["status"] == "final" and r["audit_date"] <= "2026-03-31":
                latest[r["location_id"]] = max(latest.get(r["location_id"], ("", "")), (r["audit_date"], r["overall_rating"]))
    low = {i for i, (_, g) in latest.items() if g in ("Requires Improvement", "Poor")}
    model = build_model(load_params(EXAMPLE_PARAMS))
    locs = model.cqc_locations_all
    names = set(locs.loc[locs["location_id"].isin(low), "location_name"].dropna())
    assert len(names) >= 5
    return names


#: The sections of issue 23 (the committee paper's other sections name services under intervention in working mode:
#: issue 21 moves them to the exempt appendix).
AUDIT_SECTIONS = ("audit_results", "audit_gaps", "audit_vs_cqc", "audit_disagreements", "visit_schedule",
                  "visit_schedule_list", "spend_by_service_type")


def _section_html(html: str, section: str) -> str:
    start = html.find(f'id="section-{section}"')
    if start < 0:
        return ""
    end = html.find('<h2 id="section-', start + 10)
    return html[start:end if end > 0 else len(html)]


def test_neither_the_committee_paper_nor_a_publication_names_a_service_audited_below_good(summary, published):
    names = _audited_below_good()
    texts = {p.name: (_zip_text(p) if p.suffix in (".xlsx", ".ods", ".docx") else
                      _pdf_text(p) if p.suffix == ".pdf" else p.read_text(encoding="utf-8"))
             for p in published.out_dir.rglob("*") if p.suffix in (".html", ".csv", ".pdf", ".xlsx", ".ods", ".docx")}
    html = summary.html.read_text(encoding="utf-8")
    texts |= {f"summary: {s}": _section_html(html, s) for s in AUDIT_SECTIONS}
    texts |= {f"summary: {p.name}": p.read_text(encoding="utf-8") for p in (summary.out_dir / "tables").glob("*.csv")
              if p.stem.startswith(("audit", "visit", "spend"))}
    found = {k: sorted(n for n in names if n in t) for k, t in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
    for rendered in (summary, published):
        assert not (rendered.out_dir / "visit_schedule.xlsx").exists()
    assert 'id="section-audit_results"' in html and 'id="section-visit_schedule"' in html
    for left_out in ("audit_gaps", "audit_disagreements", "visit_schedule_list"):
        assert f'id="section-{left_out}"' not in html


def test_the_word_contents_field_follows_the_front_sheet_and_key_messages(tmp_path):
    """Review r1, defect 27: pandoc put the contents field first, before the front sheet; the page (and the PDF)
    has its contents list after the front sheet and the key messages."""
    _need("pandoc")
    from docx import Document
    from docx.oxml.ns import qn

    page = tmp_path / "report.html"
    page.write_text(
        '<html><head><title>Paper</title></head><body><header><section class="cq-front-sheet"><p>City of York '
        'Council</p><table class="cq-front"><tr><th>Committee</th><td>Panel</td></tr></table></section>'
        '<h2 id="k">Key messages</h2><p>All well.</p></header>'
        '<nav class="cq-contents"><h2>Contents</h2><ol><li>Key messages</li></ol></nav>'
        '<main><h2 id="r">Recommendations</h2><p>Note it.</p></main></body></html>',
        encoding="utf-8",
    )
    out = html_to_docx(page, tmp_path / "report.docx")
    body = Document(str(out)).element.body
    order = []
    for child in body:
        if child.tag == qn("w:sdt"):
            order.append("CONTENTS")
        elif child.tag == qn("w:tbl"):
            order.append("FRONT SHEET TABLE")
        else:
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text:
                order.append(text)
    assert order.index("FRONT SHEET TABLE") < order.index("Key messages") < order.index("CONTENTS")
    assert order.index("CONTENTS") < order.index("Recommendations")
    assert "carequality-contents-field" not in order and order.count("CONTENTS") == 1
