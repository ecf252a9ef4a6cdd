"""Committee-ready outputs (issue 6): the example report rendered once per session to HTML, PDF, XLSX, ODS and DOCX,
then checked — self-contained accessible HTML (axe-core in Chromium), tagged A4 PDF with page furniture,
real tables in DOCX (the spreadsheets in tests/test_spreadsheets.py) — and rendered a second time to check
determinism.

Needs Debian's chromium, pandoc and poppler-utils and tests/js/node_modules/axe-core: `make test` installs them.
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from axe_chromium import AXE_JS, run_axe
from carequality.run import exports
from carequality.cli import main
from carequality.run.render import render, to_html
from carequality.present.tables import TABLE_MIME

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "params" / "york" / "2025-26-example.yaml"
ARTEFACTS = ROOT / "tests" / "_artefacts"
TITLE = "Quality of adult social care providers: York"
RUNNING_HEADER = "York: Quality of adult social care providers"
CQC_LOCATION = re.compile(r"https://www\.cqc\.org\.uk/location/[0-9A-Za-z-]+")
ALL_FORMATS = ("html", "pdf", "xlsx", "ods", "docx")

pytestmark = pytest.mark.slow


def _need(*tools: str) -> None:
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make sysdeps` (make test installs them)")


@pytest.fixture(scope="session")
def rendered(renders):
    return renders[0]


@pytest.fixture(scope="session")
def tables(rendered) -> list[dict]:
    nb = nbformat.read(rendered.out_dir / "annual_report.ipynb", as_version=4)
    return [o["data"][TABLE_MIME] for c in nb.cells for o in c.get("outputs", []) if TABLE_MIME in o.get("data", {})]


@pytest.fixture(scope="session")
def html_text(rendered) -> str:
    return rendered.html.read_text(encoding="utf-8")


# ---- a small HTML reader ----------------------------------------------------------------------
class Page(HTMLParser):
    """Elements with attributes and text, in document order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("meta", "img", "br", "link", "input", "hr"):
            self._open.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for el in self._open:
            el["text"] += data

    def all(self, tag: str) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag]


# ---- every format -----------------------------------------------------------------------------
def test_every_format_is_written_with_the_manifest(rendered):
    names = {p.name for p in rendered.out_dir.iterdir()}
    assert {"report.html", "report.pdf", "report.xlsx", "report.ods", "report.docx", "manifest.json", "tables"} <= names
    # the example has a watch list and a visit schedule: watch_list.xlsx, visit_schedule.xlsx
    assert set(rendered.outputs) == {*ALL_FORMATS, "watch_list", "visit_schedule"}
    manifest = json.loads(rendered.manifest.read_text(encoding="utf-8"))
    assert manifest["outputs"] == [f"report.{f}" for f in ALL_FORMATS] + ["watch_list.xlsx", "visit_schedule.xlsx"]
    assert not [p for p in rendered.out_dir.parent.iterdir() if ".tmp-" in p.name]


def test_no_absolute_paths_in_any_output(rendered):
    """Nor any URL in the PDF but CQC location links."""
    forbidden = [str(rendered.out_dir.parents[2]), str(ROOT), "/tmp/", "/home/", "/root"]
    for path in [rendered.html, rendered.manifest, *rendered.tables]:
        text = path.read_text(encoding="utf-8")
        assert not [f for f in forbidden if f in text], path.name
    pdf = rendered.outputs["pdf"].read_bytes()
    streams = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    assert not [f for f in forbidden for data in streams if f.encode() in data or b"file://" in data]
    assert re.findall(rb"/URI \(([^)]*)\)", pdf) and all(
        CQC_LOCATION.fullmatch(u.decode()) for u in re.findall(rb"/URI \(([^)]*)\)", pdf))
    for name in ("report.xlsx", "report.ods", "report.docx"):
        with zipfile.ZipFile(rendered.out_dir / name) as z:
            for member in z.namelist():
                text = z.read(member).decode("utf-8", "replace")
                assert not [f for f in forbidden if f in text], f"{name}:{member}"


# ---- HTML -------------------------------------------------------------------------------------
def test_html_is_self_contained_with_no_code_and_only_cqc_links(html_text):
    page = Page(html_text)
    assert not page.all("script") and not page.all("link") and not page.all("iframe") and not page.all("object")
    assert "@import" not in html_text and "<script" not in html_text.lower()
    for e in page.elements:
        for attr in ("src", "href", "srcset", "data", "action", "poster"):
            value = e["attrs"].get(attr)
            if value is None:
                continue
            if e["tag"] == "img" and attr == "src":
                assert value.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")), value[:60]
            else:
                assert value.startswith("#") or CQC_LOCATION.fullmatch(value), f"<{e['tag']} {attr}={value!r}>"
    urls = re.findall(r"(?i)(?:https?|ftp|file):/*[^\s\"'<>)]+", html_text)
    assert urls, "the example links each location to CQC"
    assert [u for u in urls if not CQC_LOCATION.fullmatch(u)] == []
    assert "url(" not in re.sub(r"url\(data:", "", html_text)
    # Nothing of the notebook's code or prompts.
    assert "open_report" not in html_text and "In&nbsp;[" not in html_text and "jp-InputPrompt" not in html_text


def test_html_header_contents_captions_and_provenance(html_text, tables, rendered):
    page = Page(html_text)
    assert page.all("html")[0]["attrs"].get("lang") == "en-GB"
    assert page.all("title")[0]["text"] == TITLE
    masthead = [e for e in page.all("header") if "cq-masthead" in e["attrs"].get("class", "")]
    assert masthead and "York" in masthead[0]["text"] and "Quality of adult social care providers" in masthead[0]["text"]
    assert "OFFICIAL" in masthead[0]["text"]
    # Headings in order: one h1 first, and no level skipped.
    levels = [int(e["tag"][1]) for e in page.elements if re.fullmatch(r"h[1-6]", e["tag"])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    # The contents list links to every section heading, and each target exists.
    ids = {e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]}
    nav = [e for e in page.all("nav")][0]
    links = [e["attrs"]["href"] for e in page.elements if e["tag"] == "a" and e["attrs"].get("href", "").startswith("#")]
    assert links and all(h[1:] in ids for h in links)
    for h2 in page.all("h2"):
        if h2["attrs"].get("id", "").startswith("section-"):
            assert h2["text"] in nav["text"]
    # Report tables are numbered in order, each caption the table's own.
    captions = [c["text"] for c in page.all("caption")]
    numbered = [c for c in captions if c.startswith("Table ")]
    # A table too wide for a landscape page is shown in parts under one number (issue 21): "(part 1 of 2)".
    whole = [c for c in numbered if not re.search(r" \(part [2-9]\d* of \d+\)$", c)]
    whole = [re.sub(r" \(part 1 of \d+\)$", "", c) for c in whole]
    assert whole == [f"Table {i}: {t['caption']}" for i, t in enumerate(tables, 1)]
    # Method footnotes sit under their tables.
    assert len(page.all("ul")) >= sum(1 for t in tables if t["footnotes"])
    assert all(n in html_text.replace("&#x27;", "'").replace("&#39;", "'") for t in tables for n in t["footnotes"])
    # Provenance footer: inputs with SHA-256, params, version, commit, generation time.
    footer = [e for e in page.all("footer")][0]["text"]
    manifest = json.loads(rendered.manifest.read_text(encoding="utf-8"))
    for item in manifest["inputs"].values():
        assert item["sha256"] in footer and item["file"] in footer
    assert manifest["params_sha256"] in footer and "2025-26-example.yaml" in footer
    assert manifest["git_commit"] in footer and f"carequality {manifest['carequality_version']}" in footer
    assert "E06000014" in footer and "2026-03-31" in footer
    assert re.search(r'<span class="cq-generated">\d{4}-\d\d-\d\d \d\d:\d\d UTC</span>', html_text)


def test_every_table_has_caption_and_scoped_headers_and_every_image_alt_text(html_text):
    page = Page(html_text)
    assert len(page.all("table")) >= 5
    for table in re.findall(r"<table\b.*?</table>", html_text, flags=re.S):
        t = Page(table)
        assert len(t.all("caption")) == 1 and t.all("caption")[0]["text"].strip()
        assert t.all("thead") and t.all("th")
        assert all(th["attrs"].get("scope") in ("col", "row") for th in t.all("th")), table[:200]
    for img in page.all("img"):
        assert img["attrs"].get("alt", "").strip(), "every figure needs alt text"


def test_axe_core_finds_no_violations(rendered):
    _need("chromium")
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `npm ci --prefix tests/js` (make test does)")
    result = run_axe(shutil.which("chromium"), rendered.html)
    assert result["url"].endswith("/report.html")  # axe ran on the report, not on an error page
    assert result["passes"] >= 10
    assert result["violations"] == []


# ---- PDF --------------------------------------------------------------------------------------
def _pdfinfo(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdfinfo", *args, str(pdf)], capture_output=True, text=True, check=True).stdout


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_pdf_is_tagged_a4_with_title_and_page_one_rasterised(rendered):
    pdf = rendered.outputs["pdf"]
    info = _pdfinfo(pdf)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(TITLE)}$", info, re.M)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    assert pages >= 3
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", _pdfinfo(pdf, "-f", "1", "-l", str(pages)), re.M)
    assert len(sizes) == pages and all(s.endswith("(A4)") for s in sizes), sizes
    # The body is portrait; tables too wide for a portrait page (and the annexes) are on landscape pages where they
    # stand (issue 21: laid out, never dropped).
    shape = "".join("P" if s.startswith("594.96 x 841.92") else "L" if s.startswith("841.92 x 594.96") else "?"
                    for s in sizes)
    assert re.fullmatch(r"P+[PL]*L[PL]*", shape), shape
    raw = pdf.read_bytes()
    assert b"/Lang (en-GB)" in raw and b"/StructTreeRoot" in raw and b"/Outlines" in raw  # language, tags, bookmarks
    # Figures at print resolution: every image at 150 pixels per inch or more.
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    ppi = [int(line.split()[12]) for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(ppi) >= len(Page(rendered.html.read_text(encoding="utf-8")).all("img"))
    assert all(p >= 150 for p in ppi), listing
    ARTEFACTS.mkdir(exist_ok=True)
    png = ARTEFACTS / "report-page-1"
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "100", "-png", "-singlefile", str(pdf), str(png)], check=True)
    data = (ARTEFACTS / "report-page-1.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_pdf_every_page_has_running_header_marking_and_page_x_of_y(rendered):
    pdf = rendered.outputs["pdf"]
    pages = int(re.search(r"^Pages:\s+(\d+)$", _pdfinfo(pdf), re.M).group(1))
    for n in range(1, pages + 1):
        text = _page_text(pdf, n)
        assert f"Page {n} of {pages}" in text
        assert text.count("OFFICIAL") >= 2, n  # top and bottom
        assert RUNNING_HEADER in text, n
    assert "Key messages" in _page_text(pdf, 1)


def test_pdf_never_splits_a_table_row_across_pages(rendered, tables):
    """Every word of an appendix row is on the page where the row's CQC location ID is (in the appendix's first part,
    when it is too wide for a landscape page and shown in parts: the words of that part's columns)."""
    pdf = rendered.outputs["pdf"]
    pages = int(re.search(r"^Pages:\s+(\d+)$", _pdfinfo(pdf), re.M).group(1))
    appendix = next(t for t in tables if t["id"] == "location_ratings_appendix")
    id_col = appendix["columns"].index("CQC location ID")
    first_part = re.search(r'<table class="[^"]*" id="table-location_ratings_appendix">.*?</thead>',
                           rendered.html.read_text(encoding="utf-8"), re.S).group(0)
    shown = {html.unescape(c) for c in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', first_part)}
    assert appendix["columns"][id_col] in shown
    texts = {n: _page_text(pdf, n) for n in range(1, pages + 1)}
    flat = {n: " ".join(t.split()) for n, t in texts.items()}
    first = next(n for n in flat if " ".join(appendix["caption"].split()[:8]) in flat[n])
    last = next(n for n in flat if n >= first and " ".join(appendix["footnotes"][0].split()[:6]) in flat[n])
    # The appendix's last page may go on with the next table, which lists the same locations: cut it there.
    end = texts[last].find(appendix["footnotes"][0].split()[0] + " " + appendix["footnotes"][0].split()[1])
    texts[last] = texts[last][:end] if end >= 0 else texts[last]
    expected: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in appendix["rows"]:
        where = [n for n in range(first, last + 1)
                 if re.search(rf"(?<![\d-]){re.escape(row[id_col])}(?!\d)", texts[n])]
        assert len(where) == 1, (row[id_col], where)
        words = []
        for value, column in zip(row, appendix["columns"]):
            fmt = appendix["formats"][column]
            if value in (None, "") or column not in shown:
                continue
            text = dt.date.fromisoformat(value).strftime("%-d %b %Y") if fmt == "date" else str(value)
            words += text.split()
        expected[where[0]].update(words)
    assert len(expected) >= 2, "the appendix spans pages, so the check means something"
    for n, want in expected.items():
        have = collections.Counter(texts[n].split())
        short = {w: c - have[w] for w, c in want.items() if have[w] < c}
        assert not short, f"page {n}: words of rows starting there are on another page: {short}"


# ---- XLSX and ODS: tests/test_spreadsheets.py ------------------------------------------------------------


# ---- DOCX -------------------------------------------------------------------------------------
def test_docx_has_real_tables_captions_and_headings(rendered, tables):
    with zipfile.ZipFile(rendered.outputs["docx"]) as z:
        assert z.testzip() is None
        doc = z.read("word/document.xml").decode("utf-8")
    html_tables = Page(rendered.html.read_text(encoding="utf-8")).all("table")
    assert doc.count("<w:tbl>") == len(html_tables)
    assert 'w:val="Heading1"' in doc and 'w:val="Heading2"' in doc
    text = html.unescape(doc).replace("\u2019", "'")  # pandoc writes typographic apostrophes
    for t in tables:
        assert t["caption"] in text
    # Every figure of the report is an embedded picture with its caption.
    figures = Page(rendered.html.read_text(encoding="utf-8")).all("figcaption")
    assert doc.count("<pic:pic") == len(figures) == len(Page(rendered.html.read_text(encoding="utf-8")).all("img"))
    assert all(html.escape(f["text"].strip(), quote=False) in doc for f in figures)
    # pandoc reads it back: the appendix's rows are table rows.
    back = subprocess.run(["pandoc", "--from=docx", "--to=html", str(rendered.outputs["docx"])],
                          capture_output=True, text=True, check=True).stdout
    appendix = next(t for t in tables if t["id"] == "location_ratings_appendix")
    assert back.count("<table") == len(html_tables)
    assert all(row[1] in back for row in appendix["rows"])


# ---- figures, numbering, escaping: a small notebook through the template and every writer --------
def _png(width: int, height: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width / 200, height / 200), dpi=200)
    ax.bar(["Good", "Requires improvement"], [3, 1], hatch="//")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    plt.close(fig)
    return buf.getvalue()


def _notebook_with_figures(marking: str) -> nbformat.NotebookNode:
    png = base64.b64encode(_png(1200, 600)).decode()
    out = nbformat.v4.new_output
    title = out("display_data", data={"text/html": '<h1 id="top">A &lt;title&gt;: York</h1>', "text/plain": "t"},
                metadata={"carequality": {"role": "title"}})
    heading = out("display_data", data={"text/html": '<h2 id="section-s">Ratings</h2>', "text/plain": "Ratings"},
                  metadata={"carequality": {"heading": "Ratings", "anchor": "section-s"}})
    fig1 = out("display_data", data={"image/png": png, "text/plain": "<Figure>"},
               metadata={"image/png": {"alt": 'Bar chart: 3 "Good", 1 <RI>', "caption": "Overall ratings",
                                       "width": 600, "height": 300}})
    fig2 = out("display_data", data={"image/png": png, "text/plain": "<Figure>"},
               metadata={"image/png": {"alt": "Same chart again", "caption": "Ratings again", "width": 600}})
    code = nbformat.v4.new_code_cell("secret_code_here()", outputs=[title, heading, fig1, fig2])
    return nbformat.v4.new_notebook(cells=[code])


def _context(marking: str) -> dict:
    return {"title": "A <title>: York", "council": "York", "running_header": 'York: "quoted" </style>', "version": "0",
            "commit": "abc", "generated": "2026-01-01 00:00 UTC", "inputs": [], "params_file": "p.yaml",
            "params_sha256": "0" * 64, "marking": marking, "params": {"council": {"code": "E06000014"}},
            "libraries": {"pandas": "3"}}


def test_figures_are_numbered_captioned_with_alt_text_and_print_resolution(tmp_path):
    marking = "OFFICIAL-SENSITIVE </style><script>alert(1)</script>"
    html = to_html(_notebook_with_figures(marking), _context(marking))
    page = Page(html)
    assert "secret_code_here" not in html and "<script" not in html
    assert html.count("</style>") == 1
    assert [f["text"].strip() for f in page.all("figcaption")] == ["Figure 1: Overall ratings", "Figure 2: Ratings again"]
    imgs = page.all("img")
    assert [i["attrs"]["alt"] for i in imgs] == ['Bar chart: 3 "Good", 1 <RI>', "Same chart again"]
    assert imgs[0]["attrs"]["width"] == "600" and imgs[0]["attrs"]["src"].startswith("data:image/png;base64,iVBOR")
    # The title block is lifted above the contents list; the fallback h1 is not added.
    assert len(page.all("h1")) == 1 and html.index("<h1") < html.index("<nav")
    (tmp_path / "report.html").write_text(html, encoding="utf-8")
    written = exports.write_exports(tmp_path, ["pdf", "docx"], [], title="t")
    # PDF: the figure is printed at 2 image pixels per CSS pixel, so 192 pixels per inch.
    listing = subprocess.run(["pdfimages", "-list", str(written["pdf"])], capture_output=True, text=True, check=True)
    ppi = [int(line.split()[12]) for line in listing.stdout.splitlines()[2:] if line.split()[2] == "image"]
    assert ppi and min(ppi) >= 150, listing.stdout
    text = _page_text(written["pdf"], 1)
    assert "OFFICIAL-SENSITIVE </style><script>alert(1)</script>" in text.replace("\n", " ")
    # DOCX: the figures are embedded pictures with their alt text.
    with zipfile.ZipFile(written["docx"]) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        doc = z.read("word/document.xml").decode("utf-8")
    assert media and doc.count("<pic:pic") == 2
    assert "Figure 1: Overall ratings" in doc


# ---- determinism ------------------------------------------------------------------------------
def test_same_params_give_the_same_outputs(renders):
    import openpyxl

    rendered, second = renders
    first_csv = {p.name: p.read_bytes() for p in rendered.tables}
    assert first_csv and first_csv == {p.name: p.read_bytes() for p in second.tables}

    def cells(path):
        wb = openpyxl.load_workbook(path)
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}

    assert cells(rendered.outputs["xlsx"]) == cells(second.outputs["xlsx"])
    assert rendered.outputs["xlsx"].read_bytes() == second.outputs["xlsx"].read_bytes()
    assert rendered.outputs["ods"].read_bytes() == second.outputs["ods"].read_bytes()

    def without_time(path):
        text = path.read_text(encoding="utf-8")
        assert text.count('class="cq-generated"') == 1
        return re.sub(r'(<span class="cq-generated">)[^<]*(</span>)', r"\1\2", text)

    assert without_time(rendered.html) == without_time(second.html)


def test_a_failing_export_leaves_the_previous_outputs_as_they_were(rendered, monkeypatch, capsys):
    """pandoc fails after the notebook ran: exit 1, nothing of the good render changed, no temporary folder left."""
    out_root = rendered.out_dir.parents[1]
    before = {p: p.read_bytes() for p in rendered.out_dir.rglob("*") if p.is_file()}
    monkeypatch.setenv("CAREQUALITY_PANDOC", shutil.which("false"))
    assert main(["render", str(EXAMPLE), "--out", str(out_root), "--to", "html,docx", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "pandoc (writing the DOCX) failed" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in rendered.out_dir.rglob("*") if p.is_file()} == before
    assert not [p for p in rendered.out_dir.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


# ---- command line -----------------------------------------------------------------------------
def test_unknown_format_is_bad_input(capsys):
    assert main(["render", str(EXAMPLE), "--to", "html,odt"]) == 2
    assert "unknown format(s) odt" in capsys.readouterr().err


def test_missing_chromium_is_named_before_anything_runs_with_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAREQUALITY_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert main(["render", str(EXAMPLE), "--out", str(tmp_path), "--to", "html,pdf", "--quiet", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "PDF needs chromium" in err and "Traceback" not in err
    assert not any(tmp_path.rglob("report.html"))
