"""`carequality site` and the index `carequality batch` writes: one row per report with its headline measures and
links, the failed councils with their errors, filters that need no server, accessible (axe-core in Chromium)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from axe_chromium import AXE_JS, Chromium, run_axe
from carequality.cli import main
from carequality.run.site import headline, render_index, write_site
from conftest import EXAMPLE_PARAMS

PERIOD = "2025-04-01_to_2026-03-31"
OVERVIEW = ("Category,Outstanding,Good,Requires improvement,Inadequate,Not Rated,Total,% Good or Outstanding\n"
            "Residential social care,3,32,9,1,1,46,77.8\nTotal,5,73,17,2,7,104,80.4\n")


class Page(HTMLParser):
    """Start tags with their attributes, and the text inside each element still open."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def _manifest(code: str, name: str, *, start: str = "2025-04-01", end: str = "2026-03-31", **extra) -> dict:
    return {"params": {"council": {"code": code, "name": name}, "period": {"start": start, "end": end},
                       "sections": ["ratings_overview", "high_risk_in_area"], "options": {"example_data": False}}, **extra}


def _report(root: Path, slug: str, manifest: dict, files=("report.html",), tables: dict[str, str] | None = None,
            folder_name: str = PERIOD) -> Path:
    folder = root / slug / folder_name
    (folder / "tables").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for f in files:
        (folder / f).write_text("x", encoding="utf-8")
    for tid, text in (tables or {}).items():
        (folder / "tables" / f"{tid}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def outputs(tmp_path) -> Path:
    root = tmp_path / "outputs"
    head = {"good_or_outstanding": {"n": 78, "of": 97, "percent": 80.4},
            "change_since_last_period": {"points": -1.5, "from": "2025-03-31", "to": "2026-03-27"},
            "high_risk_services_in_area": 7}
    _report(root, "york", _manifest("E06000014", "York", headline=head),
            files=("report.html", "report.xlsx", "report.ods"))
    _report(root, "oldham", _manifest("E08000004", "Oldham"), tables={"ratings_overview": OVERVIEW})
    (root / "hartlepool").mkdir()
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "error", "ename": "InputError", "evalue": "bad.csv row 3: <script>alert(1)</script>"}]}]}
    (root / "hartlepool" / f"{PERIOD}.failed.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (root / "notes").mkdir()
    (root / "notes" / "x").mkdir()
    (root / "notes" / "x" / "manifest.json").write_text("{not json", encoding="utf-8")
    return root


def _rows(text: str) -> list[str]:
    body = text[text.index('<table id="cq-reports">'):]
    body = body[: body.index("</table>")]
    return re.findall(r"<tr data-region.*?</tr>", body, re.S)


def test_one_row_per_report_with_headline_and_only_the_files_present(outputs):
    page = write_site(outputs).read_text(encoding="utf-8")
    rows = _rows(page)
    assert [re.search(r'<th scope="row">([^<]*)', r).group(1) for r in rows] == ["Oldham", "York"]
    oldham, york = rows
    assert 'data-region="Yorkshire and The Humber"' in york and 'data-region="North West"' in oldham
    assert "80.4% <span class=\"cq-sub\">(78 of 97 rated)" in york
    assert "down 1.5 points" in york and "31 March 2025 to 27 March 2026" in york
    assert '<td class="num">7</td>' in york
    hrefs = re.findall(r'href="([^"]+)"', york)
    assert hrefs == [f"york/{PERIOD}/report.html", f"york/{PERIOD}/report.xlsx", f"york/{PERIOD}/report.ods",
                     f"york/{PERIOD}/manifest.json"]
    # Oldham's manifest has no headline: it is computed from its tables' CSVs.
    assert "80.4% <span class=\"cq-sub\">(78 of 97 rated)" in oldham
    assert re.findall(r'href="([^"]+)"', oldham) == [f"oldham/{PERIOD}/report.html", f"oldham/{PERIOD}/manifest.json"]
    assert '<td class="num">0</td>' in oldham  # the section ran and its table was not shown: none at high risk
    assert "1 April 2025 to 31 March 2026" in york


# Oldham's real total row (params/oldham/2024-25.yaml): 32 locations with no published rating are not rated.
OLDHAM_OVERVIEW = ("Category,Outstanding,Good,Requires improvement,Inadequate,No published rating,Total,"
                   "% Good or Outstanding\nCare homes,0,34,6,0,4,44,85.0\nCommunity-based services,4,25,5,0,28,62,85.3\n"
                   "Total,4,59,11,0,32,106,85.1\n")


def test_the_headline_counts_only_graded_ratings_whatever_the_other_columns_are_called():
    h = headline([{"id": "ratings_overview", "columns": OLDHAM_OVERVIEW.splitlines()[0].split(","),
                   "rows": [r.split(",") for r in OLDHAM_OVERVIEW.splitlines()[1:]]}], "Oldham")
    assert h["good_or_outstanding"] == {"n": 63, "of": 74, "percent": 85.1}  # as the report says: 63 of 74 (85.1%)


def test_the_change_against_the_baseline_table_counts_only_graded_ratings():
    table = {"id": "ratings_vs_baseline", "columns": ["Rating", "Care homes, 1 April 2025", "Care homes, now"],
             "rows": [["Outstanding", 0, 0], ["Good", 8, 9], ["Requires improvement", 2, 1], ["Inadequate", 0, 0],
                      ["No published rating", 5, 0], ["Total", 15, 10]]}
    h = headline([table], "York")
    assert h["change_since_last_period"] == {"points": 10.0, "from": "1 April 2025", "to": "now"}  # 80% → 90%


def test_the_committee_paper_is_linked_from_the_full_reports_row(tmp_path):
    root = tmp_path / "outputs"
    head = {"good_or_outstanding": {"n": 78, "of": 97, "percent": 80.4}}
    _report(root, "york", _manifest("E06000014", "York", headline=head, profile="full"),
            files=("report.html", "report.xlsx"))
    _report(root, "york", _manifest("E06000014", "York", headline={}, profile="summary"),
            files=("report.html", "report.pdf"), folder_name=f"{PERIOD}-summary")
    (root / "york" / f"{PERIOD}-summary.failed.ipynb").write_text("{}", encoding="utf-8")
    page = write_site(root).read_text(encoding="utf-8")
    rows = _rows(page)
    assert len(rows) == 1 and "(78 of 97 rated)" in rows[0]  # the full report's headline
    assert re.findall(r'href="([^"]+)"', rows[0]) == [
        f"york/{PERIOD}/report.html", f"york/{PERIOD}/report.xlsx", f"york/{PERIOD}/manifest.json",
        f"york/{PERIOD}-summary/report.html", f"york/{PERIOD}-summary/report.pdf",
        f"york/{PERIOD}-summary/manifest.json"]
    assert "PDF (committee paper)" in rows[0]
    failed = page[page.index('id="cq-failed"'):]
    assert "2025-04-01 to 2026-03-31 (committee paper)" in failed


def test_failed_councils_are_listed_with_their_error_escaped(outputs):
    page = write_site(outputs).read_text(encoding="utf-8")
    failed = page[page.index('id="cq-failed"'):]
    assert "Hartlepool" in failed and "2025-04-01 to 2026-03-31" in failed
    assert "InputError: bad.csv row 3: &lt;script&gt;alert(1)&lt;/script&gt;" in failed
    assert f'href="hartlepool/{PERIOD}.failed.ipynb"' in failed
    assert "<script>alert" not in page
    assert page.count("<script>") == 1  # only the filter script


def test_text_from_manifests_and_errors_is_escaped():
    from carequality.run.site import Entry, Failure

    entry = Entry('Bad "<b>"', "E06000014", "Region <i>", "2025-04-01", "2026-03-31", "bad",
                  [('bad/"><img src=x>/report.html', "Web page")], {})
    text = render_index([entry], [Failure("<u>x</u>", "p", "e & <b>", None)])
    page = Page(text)
    assert not [t for t, _ in page.tags if t in ("b", "i", "u", "img")]
    assert 'Bad "<b>"' in page.text and "e & <b>" in page.text
    assert 'href="bad/%22%3E%3Cimg%20src%3Dx%3E/report.html"' in text


def test_the_table_is_complete_without_javascript(outputs):
    page = write_site(outputs).read_text(encoding="utf-8")
    parsed = Page(page)
    forms = [a for t, a in parsed.tags if t == "form"]
    assert len(forms) == 1 and "hidden" in forms[0]  # the filters appear only when the script runs
    rows = [a for t, a in parsed.tags if t == "tr" and "data-region" in a]
    assert len(rows) == 2 and not any("hidden" in a for a in rows)
    assert not re.search(r"<script[^>]*\bsrc=", page) and "<link" not in page  # nothing loaded from elsewhere


def test_headline_from_the_trend_table_compares_the_month_before_the_period_with_the_latest():
    trend = {"id": "trend_good_outstanding", "columns": ["Month", "As of", "Area", "Category", "Good or Outstanding",
                                                         "Rated locations"],
             "rows": [["Mar 2025", "2025-03-31", "York", "A", 30, 40], ["Mar 2025", "2025-03-31", "York", "B", 10, 10],
                      ["Mar 2025", "2025-03-31", "England", "A", 1, 100], ["Apr 2025", "2025-04-30", "York", "A", 1, 2],
                      ["Mar 2026", "2026-03-31", "York", "A", 33, 40], ["Mar 2026", "2026-03-31", "York", "B", 9, 10]]}
    h = headline([trend], "York", ["trend_good_outstanding"], "2025-04-01")
    assert h["change_since_last_period"] == {"points": 4.0, "from": "2025-03-31", "to": "2026-03-31"}  # 80% → 84%
    assert h["good_or_outstanding"] is None and h["high_risk_services_in_area"] is None


def test_site_on_a_missing_folder_is_bad_input(tmp_path, capsys):
    assert main(["site", str(tmp_path / "nowhere")]) == 2
    assert "folder not found" in capsys.readouterr().err


# ---- a real batch, in Chromium -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    bad = out.parent / "bad-params.yaml"
    bad.write_text("council:\n  code: E99999999\n  name: Nowhere\n", encoding="utf-8")
    code = main(["batch", str(EXAMPLE_PARAMS), str(bad), "--out", str(out / "outputs"), "--workers", "1",
                 "--quiet", "--to", "html,xlsx,ods"])
    assert code == 2
    # A second council beside it (the example's files, another council's manifest) for the filters.
    york = out / "outputs" / "york" / PERIOD
    oldham = out / "outputs" / "oldham" / PERIOD
    shutil.copytree(york, oldham)
    manifest = json.loads((oldham / "manifest.json").read_text(encoding="utf-8"))
    manifest["params"]["council"] = {"code": "E08000004", "name": "Oldham"}
    (oldham / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out / "outputs"


@pytest.mark.slow
def test_batch_writes_the_index_with_its_failures(batch_site, capsys):
    page = (batch_site / "index.html").read_text(encoding="utf-8")
    rows = _rows(page)
    assert len(rows) == 1 and "York" in rows[0]  # the index was written before Oldham's copy was added
    for f in ("report.html", "report.xlsx", "report.ods", "manifest.json"):
        assert f'href="york/{PERIOD}/{f}"' in rows[0]
    assert 'href="york/' + PERIOD + '/report.pdf"' not in rows[0]
    failed = page[page.index('id="cq-failed"'):]
    assert "bad-params.yaml" in failed and "E99999999" in failed


@pytest.mark.slow
def test_index_passes_axe_and_its_filters_and_links_work_in_chromium(batch_site):
    chromium = shutil.which("chromium")
    if not chromium or not AXE_JS.is_file():
        pytest.fail("needs chromium and tests/js/node_modules/axe-core: run `make test`")
    index = write_site(batch_site)
    result = run_axe(chromium, index)
    assert result["url"].endswith("/index.html") and result["passes"] >= 10
    assert result["violations"] == []

    browser = Chromium(chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=session)

        def js(expression: str):
            reply = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
            assert "exceptionDetails" not in reply, reply
            return reply["result"].get("value")

        browser.send("Page.navigate", {"url": index.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired", session)
        visible = "Array.from(document.querySelectorAll('#cq-reports tbody tr')).filter(r => !r.hidden).length"
        assert js("document.getElementById('cq-filters').hidden") is False
        assert js(visible) == 2 and js("document.getElementById('cq-count').textContent") == "Showing 2 of 2 reports"
        js("var s = document.getElementById('cq-region'); s.value = 'North West';"
           " s.dispatchEvent(new Event('change'))")
        assert js(visible) == 1 and "Oldham" in js("document.querySelector('#cq-reports tbody tr:not([hidden])').textContent")
        js("document.getElementById('cq-region').value = ''; var q = document.getElementById('cq-name');"
           " q.value = 'YOR'; q.dispatchEvent(new Event('input'))")
        assert js(visible) == 1 and js("document.getElementById('cq-count').textContent") == "Showing 1 of 2 reports"
        # Follow the York report's first link, as a reader would.
        js("document.querySelector('#cq-reports tbody tr:not([hidden]) a').click()")
        browser.wait_event("Page.loadEventFired", session)
        assert js("location.href").endswith(f"/york/{PERIOD}/report.html")
        assert js("document.title") == "Quality of adult social care providers: York"
    finally:
        browser.close()


def test_a_replaced_council_is_listed_in_its_region():
    from carequality.run.site import region_of

    assert region_of("E10000027") == "South West"  # Somerset County Council, until 31 March 2023
    assert region_of("E06000066") == "South West"  # Somerset Council, since
    assert region_of("E99999999") == "Unknown region"


def test_the_headline_names_its_high_risk_count_for_what_it_counts():
    """Review r1 item 23: manifest "high_risk_services": 7 beside the key message's 10 services at risk level 3 or
    above (7 in the area, 3 elsewhere): the count is of the in-area table, and its name says so."""
    risk = {"id": "high_risk_in_area", "columns": ["Service type", "Risk level"], "rows": [["A", 3], ["B", 4]]}
    h = headline([risk], "York", ["high_risk_in_area"], "2025-04-01")
    assert h["high_risk_services_in_area"] == 2 and "high_risk_services" not in h
