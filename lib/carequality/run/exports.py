"""The formats beside report.html: PDF (Chromium prints our HTML), XLSX and ODS (spreadsheets by the Analysis
Function's guidance: a cover, contents, notes, one table per sheet), DOCX (pandoc).

render() writes report.html and the tables first, then calls `write_exports` on the same temporary folder,
so the atomic swap covers every format. Each writer reads only what is already in that folder or in the
collected tables, fetches nothing from the network and writes no absolute path into its output.

System tools come from Debian's packages (`make sysdeps` installs them): chromium for PDF, pandoc for DOCX.
A missing tool is named before the notebook runs (`check_formats`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from carequality import vocab
from carequality.present.tables import neutralise
from carequality.sources.tabular import column_letter

#: Every format `carequality render --to` accepts. HTML, the CSV tables and manifest.json are always written.
FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "ods", "docx")
#: Debian package that provides each format's tool.
_TOOLS = {"pdf": ("chromium", "chromium"), "docx": ("pandoc", "pandoc")}
#: Metadata dates in XLSX and DOCX: fixed, so that the same inputs give the same files
#: (SOURCE_DATE_EPOCH, the reproducible-builds convention, overrides it).
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
TIMEOUT_SECONDS = 300


class ExportError(Exception):
    """A format could not be written: a missing system tool, or a tool that failed. Not bad input."""


# ---- formats and tools ------------------------------------------------------------------------
def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """'html,pdf' → ('html', 'pdf') in FORMATS order; ValueError naming unknown formats."""
    items = [f.strip().lower() for f in (text.split(",") if isinstance(text, str) else text)]
    items = [f for f in items if f]
    unknown = sorted(set(items) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; expected some of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in items or f == "html")


def chromium() -> str | None:
    """Debian's Chromium (CAREQUALITY_CHROMIUM overrides the path)."""
    override = os.environ.get("CAREQUALITY_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pandoc() -> str | None:
    return os.environ.get("CAREQUALITY_PANDOC") or shutil.which("pandoc")


def missing_tools(formats: Iterable[str]) -> dict[str, str]:
    """Each asked-for format whose system tool is not installed, with what it needs and the command that installs
    it on Debian or Ubuntu."""
    missing = {}
    for f in formats:
        if f in _TOOLS:
            tool, package = _TOOLS[f]
            found = chromium() if f == "pdf" else pandoc()
            if not found:
                missing[f] = f"{f.upper()} needs {tool} (Debian package {package}: sudo apt-get install {package})"
    return missing


def check_formats(formats: Iterable[str]) -> None:
    """Raise ExportError naming every tool the formats need that is not installed."""
    missing = missing_tools(formats)
    if missing:
        raise ExportError(
            "; ".join(missing.values()) + ". Install with `make sysdeps` (or apt-get install), then run again."
        )


def source_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return FIXED_DATE


def _run(cmd: list[str], what: str, *, env: dict | None = None, cwd: Path | None = None) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise ExportError(f"{what} did not finish within {TIMEOUT_SECONDS} s") from None
    except OSError as e:
        raise ExportError(f"{what} could not start: {e.strerror}") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-5:])
        raise ExportError(f"{what} failed (exit {proc.returncode}): {tail}")


# ---- PDF ----------------------------------------------------------------------------------------
#: A contents entry with its page-number slot (index.html.j2):
#: `<a href="#ANCHOR">HEADING</a><span class="cq-page" data-for="ANCHOR"></span>`.
_PAGE_SLOT = re.compile(r'<a href="#([^"]*)">([^<]*)</a><span class="cq-page" data-for="\1"></span>')


def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Print our HTML to PDF (print_pdf); when its contents list has page-number slots, print twice: Chromium has no
    target-counter(), so the first print's outline (a bookmark per heading, with its page) gives each heading's page,
    the numbers are written into a copy of the HTML, and the copy is printed. The slots have a fixed width, so the
    numbers move nothing and the pages stay those of the first print."""
    import html as html_lib

    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    text = html.read_text(encoding="utf-8")
    if not _PAGE_SLOT.search(text):
        return print_pdf(html, pdf)
    print_pdf(html, pdf)
    pages = heading_pages(pdf)

    def slot(m: re.Match) -> str:
        page = pages.get(" ".join(html_lib.unescape(m.group(2)).split()), "")
        return f'<a href="#{m.group(1)}">{m.group(2)}</a><span class="cq-page" data-for="{m.group(1)}">{page}</span>'

    second = html.with_name(f".{html.stem}.paged.html")
    try:
        second.write_text(_PAGE_SLOT.sub(slot, text), encoding="utf-8")
        print_pdf(second, pdf)
    finally:
        second.unlink(missing_ok=True)
    return pdf


def heading_pages(pdf: Path) -> dict[str, int]:
    """Each heading's text → the page it is first printed on, from the PDF's outline (Chromium writes a bookmark per
    heading, titled with the heading's text)."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    pages: dict[str, int] = {}

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                if page is not None:
                    pages.setdefault(" ".join(str(item.title).split()), page + 1)

    walk(reader.outline)
    return pages


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print an HTML file with headless Chromium: A4 and page furniture from the @page CSS, tagged, with an outline.

    A fresh profile per run; every host name resolves to nothing, so the printer cannot reach the network.
    """
    exe = chromium()
    if not exe:
        check_formats(["pdf"])  # raises, naming the tool and its package
        raise ExportError("PDF needs chromium (Debian package chromium)")  # only if it vanished between the calls
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    pdf.unlink(missing_ok=True)  # a second print writes afresh
    with tempfile.TemporaryDirectory(prefix="carequality-chromium-") as profile:
        env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-default-browser-check",
            "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
        _run(cmd, "Chromium (printing the PDF)", env=env, cwd=Path(profile))
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise ExportError("Chromium (printing the PDF) finished but wrote no PDF")
    return pdf


# ---- spreadsheets: XLSX and ODS -----------------------------------------------------------------
# Both files follow the Analysis Function's "Releasing statistics in spreadsheets" guidance and carry the same
# sheets, built once (`workbook_sheets`) and written twice: a cover, a contents sheet with a link and a description
# per table, a notes sheet (every footnote numbered and referenced from the table titles as "[note 3]"), then one
# table per sheet named in words ("Table 6 Commissioned by rating"), and the data behind each chart. Each sheet has
# its title in A1, one line saying what the sheet holds, then the table: header row marked (an Excel table; in the
# ODS, header rows and a database range), no merged cells, no blank rows above it, nothing below it.
# gptables was evaluated for the XLSX and not used: see docs/outputs.md.

#: The most characters a spreadsheet cell can hold (Excel's limit; LibreOffice's is larger).
CELL_LIMIT = 32_767
#: Ends a cell cut at CELL_LIMIT, so the cut is visible; the notes sheet explains it.
CUT_MARKER = " [cut short: see the notes]"
#: Shorthand where the report shows a dash, a suppressed count or nothing (guidance: symbols in tables).
SHORTHAND = {
    "[x]": "not available (the report shows a dash)",
    "[c]": "confidential: a small count of people, suppressed so that no one can be identified",
    "[z]": "not applicable (the report leaves the cell empty)",
}
RESERVED_SHEETS = ("Cover", "Contents", "Notes")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: Words of table ids spelt out in sheet names; words a cut name does not end on.
_SHEET_WORDS = {"qa": "QA", "vs": "versus", "kq": "key question"}
_TRAILING = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "versus", "with"}
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CUT_NOTE = (
    "Some cells held more text than the {limit:,} characters a spreadsheet cell can hold. They are cut "
    'short and end with "{marker}"; the full text is in the CSV file of the same table beside the report.'
)

#: What each input gives, in the words of the cover sheet's "Source" line (vocab.INPUT_LABELS, the report's words).
SOURCE_NAMES = {
    name: vocab.INPUT_LABELS[name]
    for name in (
        "cqc_ratings",
        "cqc_api",
        "cqc_snapshots",
        "cqc_ratings_start",
        "commissioned_services",
        "risk_register",
        "qa_visits",
        "inspection_themes",
        "audits",
        "area_ratings_by_month",
        "external_benchmark",
    )
}


@dataclass(frozen=True)
class Link:
    """A cell that links to another sheet's A1."""

    text: str
    sheet: str


@dataclass
class Sheet:
    """One worksheet: a title (A1), lines of text under it, then an optional table (header row, then rows)."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)
    columns: list[str] | None = None
    rows: list[list[object]] = field(default_factory=list)
    #: Per column: "int", "percent", "date", "text" (the table JSON's formats).
    formats: list[str] = field(default_factory=list)
    #: The table's name (an Excel table, an ODS database range): letters, digits and underscores.
    table_name: str = ""

    @property
    def header_row(self) -> int:
        """0-based row of the table's header: right under the title and the lines."""
        return 1 + len(self.lines)


#: The words of a table whose id spelt out is too long for a sheet's 31 characters: a shorter name in words, so the
#: sheet needs no code to tell it apart (review r1: "Market overview by service 174e").
SHORT_SHEET_NAMES = {
    "market_overview_by_service_group": "Market by service group",
    "market_overview_by_service_type": "Market by service type",
    "market_overview_by_specialism": "Market by specialism",
    "rating_distribution_comparison": "Rating distribution",
    "key_question_ratings_at_dates": "Key question ratings",
    "location_ratings_appendix": "Location ratings",
    "key_question_ratings_at_dates_counts": "Key question rating counts",
    "commissioned_requires_improvement_vs_baseline": "Requires improvement v baseline",
    "commissioned_requires_improvement_vs_previous": "Requires improvement v previous",
    "inspections_in_previous_period": "Inspections, previous period",
    "commissioned_by_rating_change": "Commissioned rating change",
}
_PART = re.compile(r"(?P<id>.+)_part(?P<n>\d+)")


def sheet_name(table_id: str, used: set[str], *, chart: bool = False) -> str:
    """A sheet's name from its table's id alone, so it never changes when another table is added or removed:
    'commissioned_by_rating' → 'Commissioned by rating'; a chart's data 'Trend good outstanding chart'; the second
    part of a split table 'Location ratings appendix part 2'. At most 31 characters, legal for Excel and
    LibreOffice; a name too long is the table's short name in words (SHORT_SHEET_NAMES), else is cut at a word
    (never ending on "by", "of" …) and given four characters of the id's SHA-256, so two long ids that start alike
    still differ, whatever else the workbook holds. Unique (case-insensitively) among `used`, which it joins."""
    part = _PART.fullmatch(str(table_id))
    base_id = part["id"] if part else str(table_id)
    split = _SHEET_BAD.sub(" ", base_id.replace("_", " ").replace("'", "")).split()
    words = [_SHEET_WORDS.get(w, w) for w in split] or ["Sheet"]
    words[0] = words[0][:1].upper() + words[0][1:]
    suffix = (" chart" if chart else "") + (f" part {part['n']}" if part else "")
    name = " ".join(words) + suffix
    if len(name) > 31 and base_id in SHORT_SHEET_NAMES:
        words = SHORT_SHEET_NAMES[base_id].split()
        name = " ".join(words) + suffix
    if len(name) > 31:
        tag = " " + hashlib.sha256(str(table_id).encode()).hexdigest()[:4] + suffix
        kept: list[str] = []
        for word in words:
            if len(" ".join([*kept, word])) > 31 - len(tag):
                break
            kept.append(word)
        while len(kept) > 1 and kept[-1].casefold() in _TRAILING:  # "Market overview by" → "Market overview"
            kept.pop()
        name = (" ".join(kept) or words[0])[: 31 - len(tag)].rstrip() + tag
    name = name.strip().strip("'") or "Sheet"
    base, n = name, 1
    while name.casefold() in used:  # only a workbook holding one id twice
        n += 1
        more = f" ({n})"
        name = base[: 31 - len(more)].rstrip() + more
    used.add(name.casefold())
    return name


def _clean_text(text: object, cut: list[bool]) -> str:
    """Text as a cell holds it: characters XML cannot carry replaced, formulas neutralised, cut at CELL_LIMIT with
    a visible marker (cut[0] is set so that the caller adds the note)."""
    text = str(neutralise(_XML_BAD.sub("\ufffd", str(text))))
    if len(text) > CELL_LIMIT:
        cut[0] = True
        text = text[: CELL_LIMIT - len(CUT_MARKER)] + CUT_MARKER
    return text


def _cell(value: object, fmt: str, cut: list[bool], blank: str | None = None) -> object:
    """A table value as the spreadsheets hold it: numbers (a true zero is 0) and dates typed, blanks as the table
    says they are (`blank`, from Table.blanks: "[z]" not applicable, "[x]" not available), else "[x]" in a number
    column and "[z]" in a text or date column; text cleaned."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return blank or ("[x]" if fmt in ("int", "percent") else "[z]")
    if isinstance(value, bool):
        return str(value)  # as the CSV and the report show it
    if isinstance(value, (int, float)):
        return value if value == value and abs(value) != float("inf") else "[x]"
    if fmt == "date" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return _clean_text(value, cut)


def _table_name(kind: str, table_id: str) -> str:
    """The Excel table's (and ODS database range's) name, from the table's id like its sheet's: 'Table_watch_list',
    'Figure_trend_good_outstanding_data'."""
    name = re.sub(r"\W", "_", f"{kind}_{table_id}", flags=re.ASCII)
    return name + ("_data" if kind == "Figure" else "")


def workbook_sheets(tables: list[dict], figures: list[dict] | None = None, cover: dict | None = None) -> list[Sheet]:
    """The sheets of report.xlsx and report.ods, in order: Cover, Contents, Notes, tables, charts' data.

    `tables` and `figures` are the JSON collected from the executed notebook (each with its report `number`
    when the notebook gives one); `cover` holds title, council, period, source, as_of, contact, marking and
    example_data (all optional but the title).
    """
    cover = dict(cover or {})
    figures = list(figures or [])
    used = {n.casefold() for n in RESERVED_SHEETS}
    notes: dict[str, int] = {}  # footnote text → note number, in order of first reference
    cut = [False]
    body: list[Sheet] = []
    contents_rows: list[list[object]] = []
    described = [("Table", t, i) for i, t in enumerate(tables, 1)] + [
        ("Figure", f, i) for i, f in enumerate(figures, 1)
    ]
    for kind, item, fallback in described:
        number = item.get("number") or fallback
        label = f"{kind} {number}"
        name = sheet_name(item.get("id", "") or label, used, chart=kind == "Figure")
        refs = "".join(f" [note {notes.setdefault(n, len(notes) + 1)}]" for n in item.get("footnotes", []) if n)
        caption = str(item.get("caption", ""))
        heading = f"{label}: {caption}" if kind == "Table" else f"{label} (data behind the chart): {caption}"
        columns = [str(c) for c in item["columns"]]
        formats = [item.get("formats", {}).get(c, "text") for c in item["columns"]]
        before = cut[0]
        cut[0] = False
        blanks = [item.get("blanks", {}).get(c) for c in item["columns"]]
        rows = [[_cell(v, f, cut, b) for v, f, b in zip(row, formats, blanks)] for row in item["rows"]]
        columns = [_clean_text(c, cut) for c in columns]
        if cut[0]:
            refs += f" [note {notes.setdefault(_CUT_NOTE, len(notes) + 1)}]"
        cut[0] = cut[0] or before
        what = "one table" if rows else "one table with no rows"
        line = f"This worksheet contains {what}. Notes are on the Notes sheet; symbols such as [x] are explained on the Cover sheet."
        body.append(
            Sheet(
                name,
                _clean_text(heading + refs, cut),
                [line],
                columns,
                rows,
                formats,
                table_name=_table_name(kind, str(item.get("id", "") or number)),
            )
        )
        contents_rows.append(
            [Link(name, name), label if kind == "Table" else f"{label} data", _clean_text(caption, cut)]
        )

    note_sheet = Sheet(
        "Notes",
        "Notes",
        ["This worksheet contains one table. The tables' titles refer to these notes as [note 1] and so on."],
        ["Note number", "Note text"],
        [
            [
                f"[note {n}]",
                _clean_text(
                    text.format(limit=CELL_LIMIT, marker=CUT_MARKER.strip()) if text == _CUT_NOTE else text, cut
                ),
            ]
            for text, n in notes.items()
        ]
        or [["[z]", "No table of this report has notes."]],
        ["text", "text"],
        table_name="Notes_table",
    )
    contents = Sheet(
        "Contents",
        "Contents",
        ["This worksheet contains one table. Each sheet name links to its sheet."],
        ["Sheet name", "Table or chart", "Description"],
        [[Link("Notes", "Notes"), "Notes", "The notes the tables' titles refer to"], *contents_rows],
        ["text", "text", "text"],
        table_name="Contents_table",
    )

    title = str(cover.get("title", ""))
    lines = []
    if cover.get("example_data"):
        lines.append(
            "Example data: this spreadsheet was built from generated example data in CQC's published "
            "format. It does not describe real services."
        )
    lines.append(
        str(
            cover.get("description")
            or "This spreadsheet holds the tables of the report and the data behind its charts, one table per sheet."
        )
    )
    for label, key in (
        ("Council", "council"),
        ("Reporting period", "period"),
        ("Source", "source"),
        ("CQC data as of", "as_of"),
        ("Licence", "licence"),
        ("Protective marking", "marking"),
        ("Contact", "contact"),
    ):
        if cover.get(key):
            lines.append(f"{label}: {cover[key]}")
    lines.append("The Contents sheet lists every table; the Notes sheet holds the notes their titles refer to.")
    lines.append("Symbols used in the tables:")
    lines.extend(f"{symbol} {meaning}" for symbol, meaning in SHORTHAND.items())
    cover_sheet = Sheet("Cover", _clean_text(title or "Report tables", cut), [_clean_text(x, cut) for x in lines])
    return [cover_sheet, contents, note_sheet, *body]


def _widths(sheet: Sheet) -> list[int]:
    """Column widths in characters, from the header and the cells (lines of text under the title do not count)."""
    if sheet.columns is None:
        return [100]
    widths = [min(max(len(c), 8), 40) for c in sheet.columns]
    for row in sheet.rows:
        for c, value in enumerate(row):
            widths[c] = min(max(widths[c], len(_shown(value)) + 1), 60)
    return widths


def _shown(value: object) -> str:
    if isinstance(value, Link):
        return value.text
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def sheets_to_xlsx(sheets: list[Sheet], path: Path, *, title: str, subject: str = "", comments: str = "") -> Path:
    """Write the sheets to an XLSX with xlsxwriter. Same sheets → same bytes (fixed metadata date)."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(
        str(path),
        # in_memory: zip entries carry xlsxwriter's fixed 1980 date whatever the time zone (no temporary files).
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
            "in_memory": True,
        },
    )
    wb.set_properties(
        {
            "title": title,
            "subject": subject,
            "author": "carequality",
            "comments": comments,
            "created": source_date().replace(tzinfo=None),
        }
    )
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    header_fmt = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    link_fmt = wb.add_format({"underline": True, "font_color": "#0000FF"})
    text_fmt = wb.add_format({"text_wrap": False})
    fmts = {
        "int": wb.add_format({"num_format": "#,##0"}),
        "percent": wb.add_format({"num_format": "0.0"}),
        "date": wb.add_format({"num_format": "d mmm yyyy"}),
        "number": wb.add_format({"num_format": "General"}),
        "shorthand": wb.add_format({"align": "right"}),
    }
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        ws.write_string(0, 0, sheet.title, title_fmt)
        for r, line in enumerate(sheet.lines, start=1):
            ws.write_string(r, 0, line, text_fmt)
        widths = _widths(sheet)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        if sheet.columns is None:
            continue
        top = sheet.header_row
        for r, row in enumerate(sheet.rows, start=top + 1):
            for c, value in enumerate(row):
                fmt = sheet.formats[c] if c < len(sheet.formats) else "text"
                if isinstance(value, Link):
                    ws.write_url(
                        r, c, "internal:'" + value.sheet.replace("'", "''") + "'!A1", link_fmt, string=value.text
                    )
                elif isinstance(value, bool) or not isinstance(value, (int, float, dt.date)):
                    ws.write_string(r, c, str(value), fmts["shorthand"] if value in SHORTHAND else None)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmts["date"])
                else:
                    ws.write_number(r, c, value, fmts.get(fmt, fmts["number"]))
        if sheet.rows:
            ws.add_table(
                top,
                0,
                top + len(sheet.rows),
                len(sheet.columns) - 1,
                {
                    "name": sheet.table_name,
                    "autofilter": False,
                    "style": "Table Style Light 1",
                    "columns": [{"header": h, "header_format": header_fmt} for h in sheet.columns],
                },
            )
        else:  # Excel tables need a row of data: the header alone, in bold
            for c, h in enumerate(sheet.columns):
                ws.write_string(top, c, h, header_fmt)
        ws.freeze_panes(top + 1, 0)
    wb.close()
    return path


def sheets_to_ods(sheets: list[Sheet], path: Path, *, title: str, subject: str = "", comments: str = "") -> Path:
    """Write the sheets to an OpenDocument spreadsheet with odfpy: the same cells, types and links as the XLSX,
    the header rows marked (table:table-header-rows and a database range with a header). Same sheets → same bytes:
    the dates in meta.xml and in the zip are fixed, as for the XLSX."""
    from odf.element import Element

    # odfpy keeps the namespaces every document so far has used in one class-wide dict and declares them all in
    # each file: a fresh dict per file, so the file does not depend on what the process wrote before.
    shared_namespaces, Element.namespaces = Element.namespaces, {}
    try:
        return _write_ods(sheets, Path(path), title=title, subject=subject, comments=comments)
    finally:
        Element.namespaces = shared_namespaces


def _write_ods(sheets: list[Sheet], path: Path, *, title: str, subject: str, comments: str) -> Path:
    import io
    import zipfile

    from odf import dc, meta, teletype
    from odf.number import DateStyle, Day, Month, Number, NumberStyle, Year
    from odf.number import Text as NumberText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import ParagraphProperties, Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import DatabaseRange, DatabaseRanges, Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import A, P

    doc = OpenDocumentSpreadsheet()
    when = source_date().replace(tzinfo=None).isoformat(timespec="seconds")
    doc.meta.addElement(dc.Title(text=title))
    if subject:
        doc.meta.addElement(dc.Subject(text=subject))
    if comments:
        doc.meta.addElement(dc.Description(text=comments))
    doc.meta.addElement(meta.InitialCreator(text="carequality"))
    doc.meta.addElement(meta.CreationDate(text=when))
    doc.meta.addElement(dc.Date(text=when))

    int_style = NumberStyle(name="N_int")
    int_style.addElement(Number(decimalplaces="0", minintegerdigits="1", grouping="true"))
    pct_style = NumberStyle(name="N_pct")
    pct_style.addElement(Number(decimalplaces="1", minintegerdigits="1"))
    date_style = DateStyle(name="N_date")
    for part in (Day(), NumberText(text=" "), Month(textual="true"), NumberText(text=" "), Year(style="long")):
        date_style.addElement(part)
    for s in (int_style, pct_style, date_style):
        doc.automaticstyles.addElement(s)

    def cell_style(
        name: str,
        *,
        data: str | None = None,
        bold: bool = False,
        size: str | None = None,
        underline: bool = False,
        right: bool = False,
        border: bool = False,
    ) -> Style:
        st = Style(name=name, family="table-cell", **({"datastylename": data} if data else {}))
        text = {}
        if bold:
            text["fontweight"] = "bold"
        if size:
            text["fontsize"] = size
        if underline:
            text.update(
                textunderlinestyle="solid", textunderlinewidth="auto", textunderlinecolor="font-color", color="#0000ff"
            )
        if text:
            st.addElement(TextProperties(**text))
        if right:
            st.addElement(ParagraphProperties(textalign="end"))
        if border:
            st.addElement(TableCellProperties(borderbottom="0.5pt solid #000000", wrapoption="wrap"))
        doc.automaticstyles.addElement(st)
        return st

    styles = {
        "title": cell_style("C_title", bold=True, size="14pt"),
        "header": cell_style("C_header", bold=True, border=True),
        "link": cell_style("C_link", underline=True),
        "int": cell_style("C_int", data="N_int"),
        "percent": cell_style("C_pct", data="N_pct"),
        "date": cell_style("C_date", data="N_date"),
        "shorthand": cell_style("C_short", right=True),
    }
    col_styles: dict[int, Style] = {}

    def col_style(chars: int) -> Style:
        if chars not in col_styles:
            st = Style(name=f"W{chars}", family="table-column")
            st.addElement(TableColumnProperties(columnwidth=f"{chars * 0.21 + 0.3:.2f}cm"))
            doc.automaticstyles.addElement(st)
            col_styles[chars] = st
        return col_styles[chars]

    def text_cell(text: str, style: Style | None = None) -> TableCell:
        cell = TableCell(valuetype="string", **({"stylename": style} if style else {}))
        p = P()
        teletype.addTextToElement(p, text)
        cell.addElement(p)
        return cell

    def value_cell(value: object, fmt: str) -> TableCell:
        if isinstance(value, Link):
            cell = TableCell(valuetype="string", stylename=styles["link"])
            p = P()
            p.addElement(A(type="simple", href="#'" + value.sheet.replace("'", "''") + "'.A1", text=value.text))
            cell.addElement(p)
            return cell
        if isinstance(value, dt.date):
            cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=styles["date"])
            cell.addElement(P(text=_shown(value)))
            return cell
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell = TableCell(
                valuetype="float",
                value=repr(value) if isinstance(value, float) else str(value),
                stylename=styles.get(fmt, styles["int"]) if fmt in ("int", "percent") else None,
            )
            cell.addElement(P(text=_shown(value) if fmt in ("int", "percent") else str(value)))
            return cell
        return text_cell(str(value), styles["shorthand"] if value in SHORTHAND else None)

    ranges = DatabaseRanges()
    for sheet in sheets:
        table = Table(name=sheet.name)
        for w in _widths(sheet):
            table.addElement(TableColumn(stylename=col_style(w)))
        row = TableRow()
        row.addElement(text_cell(sheet.title, styles["title"]))
        table.addElement(row)
        for line in sheet.lines:
            row = TableRow()
            row.addElement(text_cell(line))
            table.addElement(row)
        if sheet.columns is not None:
            header = TableHeaderRows()
            row = TableRow()
            for h in sheet.columns:
                row.addElement(text_cell(h, styles["header"]))
            header.addElement(row)
            table.addElement(header)
            for values in sheet.rows:
                row = TableRow()
                for c, value in enumerate(values):
                    row.addElement(value_cell(value, sheet.formats[c] if c < len(sheet.formats) else "text"))
                table.addElement(row)
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            top, last = sheet.header_row + 1, sheet.header_row + 1 + len(sheet.rows)
            end_col = column_letter(len(sheet.columns) - 1)
            ranges.addElement(
                DatabaseRange(
                    name=sheet.table_name,
                    containsheader="true",
                    targetrangeaddress=f"{quoted}.A{top}:{quoted}.{end_col}{last}",
                )
            )
        doc.spreadsheet.addElement(table)
    doc.spreadsheet.addElement(ranges)

    buf = io.BytesIO()
    doc.write(buf)
    # odfpy stamps each zip entry with the current time: rewrite them with the fixed date, in the same order.
    stamp = source_date().timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    path.write_bytes(out.getvalue())
    return path


def tables_to_workbook(
    tables: list[dict],
    path: Path,
    *,
    title: str,
    subject: str = "",
    comments: str = "",
    figures: list[dict] | None = None,
    cover: dict | None = None,
) -> Path:
    """A workbook of the collected tables (and charts' data), see workbook_sheets: OpenDocument when `path` ends in
    .ods, else Excel; both hold the same sheets."""
    sheets = workbook_sheets(tables, figures, {"title": title, **(cover or {})})
    write = sheets_to_ods if path.suffix == ".ods" else sheets_to_xlsx
    return write(sheets, path, title=title, subject=subject, comments=comments)


# ---- the watch list --------------------------------------------------------------------------------
#: The id of the watch list's table (sections/watch.py), written also as watch_list.xlsx for placement teams.
WATCH_LIST_TABLE = "watch_list"


def write_watch_list(path: Path, table: dict, *, cover: dict | None = None, subject: str = "") -> Path:
    """watch_list.xlsx: the watch list alone, with the same cover, contents, notes and conventions as report.xlsx."""
    council = (cover or {}).get("council", "")
    title = "Provider watch list" + (f": {council}" if council else "")
    sheets = workbook_sheets(
        [{**table, "number": 1}],
        None,
        {
            **(cover or {}),
            "title": title,
            "description": "This spreadsheet holds the provider watch list for placement teams: every location the "
            "council commissions or that is at a high risk level, most concerning first, with its early "
            "warnings. It is the same table as in the report.",
        },
    )
    return sheets_to_xlsx(sheets, path, title=title, subject=subject, comments="carequality watch list")


#: The id of the whole visit schedule's table (sections/audits.py), written also as visit_schedule.xlsx for the team.
VISIT_SCHEDULE_TABLE = "visit_schedule"


def write_visit_schedule(path: Path, table: dict, *, cover: dict | None = None, subject: str = "") -> Path:
    """visit_schedule.xlsx: the visit schedule alone, soonest due first, with the report's cover and conventions."""
    council = (cover or {}).get("council", "")
    title = "Visit schedule" + (f": {council}" if council else "")
    sheets = workbook_sheets(
        [{**table, "number": 1}],
        None,
        {
            **(cover or {}),
            "title": title,
            "description": "This spreadsheet holds the visit schedule for the quality assurance team: every service "
            "the council commissions, soonest due first, with when its next visit is due and why. It is the same "
            "table as in the report.",
        },
    )
    return sheets_to_xlsx(sheets, path, title=title, subject=subject, comments="carequality visit schedule")


# ---- DOCX ---------------------------------------------------------------------------------------
#: A4 and the report's margins, in millimetres.
A4_MM, MARGINS_MM = (210, 297), {"top": 20, "bottom": 20, "left": 15, "right": 15}


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph: Word and LibreOffice fill it in when they show the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    paragraph.add_run()._r.append(fld("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(fld("end"))


def _table_style(document) -> None:
    """pandoc's table style ("Table"): a rule above and below the table and under the header row, bold headers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = [s for s in document.styles if s.name == "Table"]
    if not styles:
        return
    el = styles[0].element
    tbl_pr = el.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        el.append(tbl_pr)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", 8), ("bottom", 8), ("insideH", 4)):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "808080" if side == "insideH" else "000000")
        borders.append(b)
    tbl_pr.append(borders)
    for old in el.findall(qn("w:tblStylePr")):
        if old.get(qn("w:type")) == "firstRow":
            el.remove(old)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    tcb = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "8"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    tcb.append(bottom)
    tcpr.append(tcb)
    first.append(tcpr)
    el.append(first)


def _header_text(section) -> str:
    return "\n".join(p.text for p in section.header.paragraphs)


def reference_docx(path: Path, *, header: str, marking: str, council_template: Path | None = None) -> Path:
    """The Word template pandoc styles report.docx from (--reference-doc).

    Without a council template: pandoc's own default template, set to A4 with the report's margins, a running
    header (the report's council and title, and the protective marking), a footer (the marking, and "Page X of Y"
    as Word fields) and a table style with rules. With the council's template (options.reference_docx): that
    template as it is, with the protective marking added to its header when the header does not carry it."""
    from docx import Document
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm

    path = Path(path)
    if council_template is not None:
        try:
            doc = Document(str(council_template))
        except Exception as e:  # a file that is not a Word document: say so, as for any bad input
            raise ExportError(
                f"{council_template}: not a Word document (.docx) pandoc can use as a template: {e}"
            ) from None
        for section in doc.sections:
            if marking and marking not in _header_text(section):
                section.header.is_linked_to_previous = False
                section.header.add_paragraph(marking)
        doc.save(str(path))
        return path
    exe = pandoc()
    if not exe:
        check_formats(["docx"])
    assert exe is not None  # check_formats raised otherwise
    try:
        default = subprocess.run(
            [exe, "--print-default-data-file", "reference.docx"],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ExportError(
            f"pandoc (writing the DOCX) failed: its default Word template could not be read: {e}"
        ) from None
    path.write_bytes(default)
    doc = Document(str(path))
    usable = Mm(A4_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"])
    for section in doc.sections:
        section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(8)
        head = section.header.paragraphs[0] if section.header.paragraphs else section.header.add_paragraph()
        head.text = header
        head.paragraph_format.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
        head.add_run(f"\t{marking}").bold = True
        foot = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        foot.text = ""
        foot.paragraph_format.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
        foot.add_run(marking).bold = True
        foot.add_run("\tPage ")
        _field(foot, "PAGE")
        foot.add_run(" of ")
        _field(foot, "NUMPAGES")
    _table_style(doc)
    doc.save(str(path))
    return path


_FACT_LINK = re.compile(r'<a class="cq-fact"[^>]*>(.*?)</a>', re.S)
_FACTS_LIST = re.compile(r'<section class="cq-facts".*?</section>', re.S)


def printed_html(page: str) -> str:
    """The page as print shows it (docs/facts.md): each number's link to its fact made plain text, and the list of
    numbers (screen only) left out. The Word document is printed, so it gets this."""
    return _FACTS_LIST.sub("", _FACT_LINK.sub(r"\1", page))


#: What the Word copy of the page leaves out: the protective marking (it is in every page's header and footer) and
#: the report's own title heading (pandoc makes the document's Title from <title>: the title once).
_DOCX_DROP = (
    re.compile(r'<p class="cq-(?:front-)?marking">.*?</p>', re.S),
    re.compile(r'<h1 id="top">.*?</h1>', re.S),
)
#: The contents list: a Word contents field takes its place (pandoc --toc writes it first; place_contents moves it
#: to where this marker paragraph stands, where the page has its list: after the front sheet and key messages).
_DOCX_CONTENTS = re.compile(r'<nav class="cq-contents".*?</nav>', re.S)
CONTENTS_MARK = "carequality-contents-field"
#: A Word table of this many columns or more is put in a landscape section of its own.
DOCX_LANDSCAPE_COLUMNS = 9


def docx_html(text: str) -> str:
    """The report's HTML as pandoc should read it for Word (see _DOCX_DROP)."""
    for pattern in _DOCX_DROP:
        text = pattern.sub("", text)
    return _DOCX_CONTENTS.sub(f"<p>{CONTENTS_MARK}</p>", text, count=1)


def place_contents(path: Path) -> bool:
    """Move the Word contents field pandoc puts first in the document to the paragraph CONTENTS_MARK (where the
    page has its contents list), in place; the marker paragraph goes. Returns whether the field was moved."""
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(path))
    body = doc.element.body
    mark = next(
        (p for p in body.iter(qn("w:p")) if "".join(t.text or "" for t in p.iter(qn("w:t"))) == CONTENTS_MARK), None
    )
    if mark is None:
        return False
    field = next(
        (
            sdt
            for sdt in body.findall(qn("w:sdt"))
            if "TOC" in "".join(i.text or "" for i in sdt.iter(qn("w:instrText")))
        ),
        None,
    )
    if field is not None:
        mark.addprevious(field)
    mark.getparent().remove(mark)
    doc.save(str(path))
    return field is not None


def landscape_sections(path: Path, min_columns: int = DOCX_LANDSCAPE_COLUMNS) -> int:
    """Put each table of `min_columns` or more columns (with its caption) in a landscape section of its own, in place:
    a section break before it and after it, the pages around it portrait. Returns how many tables were turned."""
    import copy

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    doc = Document(str(path))
    body = doc.element.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        return 0
    turned = 0
    for tbl in list(body.iter(qn("w:tbl"))):
        if tbl.getparent() is not body:
            continue
        grid = tbl.find(qn("w:tblGrid"))
        if grid is None or len(grid.findall(qn("w:gridCol"))) < min_columns:
            continue
        portrait = copy.deepcopy(final)
        landscape = copy.deepcopy(final)
        size = landscape.find(qn("w:pgSz"))
        if size is not None:
            w, h = size.get(qn("w:w")), size.get(qn("w:h"))
            if w and h:
                size.set(qn("w:w"), h)
                size.set(qn("w:h"), w)
            size.set(qn("w:orient"), WD_ORIENT.LANDSCAPE.name.lower())
        start = tbl
        previous = tbl.getprevious()
        if previous is not None and previous.tag == qn("w:p") and "Caption" in previous.xml:
            start = previous  # the table's caption goes with it
        start.addprevious(_section_break(portrait))
        tbl.addnext(_section_break(landscape))
        turned += 1
    doc.save(str(path))
    return turned


def _section_break(sect_pr):
    """An empty paragraph that ends a section laid out by `sect_pr`."""
    from docx.oxml import OxmlElement

    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(sect_pr)
    p.append(ppr)
    return p


def html_to_docx(
    html: Path,
    docx: Path,
    *,
    header: str = "",
    marking: str = "",
    council_template: Path | None = None,
    author: str = "",
    date: str = "",
) -> Path:
    """report.docx from our HTML with pandoc: the title once (Word's Title style), a contents field Word fills in,
    real Word tables with captions (wide ones in landscape sections), headings, embedded figures, styled by
    `reference_docx` (A4, a running header with the protective marking, page numbers, ruled tables; or the council's
    own template). `author` and `date` (ISO) go in the document's properties.

    Figures are data: URIs inside the HTML, so pandoc reads no other file and fetches nothing (pandoc 2.17's
    --sandbox cannot be used: it also hides pandoc's own docx data files).
    """
    exe = pandoc()
    if not exe:
        check_formats(["docx"])  # raises, naming the tool and its package
        raise ExportError("DOCX needs pandoc (Debian package pandoc)")  # only if it vanished between the calls
    html, docx = Path(html).resolve(), Path(docx).resolve()
    stamp = source_date()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        stamp = dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)
    else:
        date = ""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(stamp.timestamp()))}
    with tempfile.TemporaryDirectory(prefix="carequality-docx-") as work:
        reference = reference_docx(
            Path(work) / "reference.docx", header=header, marking=marking, council_template=council_template
        )
        page = Path(work) / "report.html"
        page.write_text(docx_html(printed_html(html.read_text(encoding="utf-8"))), encoding="utf-8")
        # The report's section headings (h2) are Word's Heading 1; its title is Word's Title, once.
        cmd = [exe, "--from=html", "--to=docx", "--shift-heading-level-by=-1", "--toc", "--toc-depth=2"]
        cmd.append(f"--reference-doc={reference}")
        if author:
            cmd.append(f"--metadata=author:{author}")
        if date:
            cmd.append(f"--metadata=date:{stamp.day} {stamp:%B %Y}")
        cmd += [f"--output={docx}", page.name]
        _run(cmd, "pandoc (writing the DOCX)", env=env, cwd=page.parent)
    if not docx.is_file():
        raise ExportError("pandoc (writing the DOCX) finished but wrote no file")
    place_contents(docx)
    landscape_sections(docx)
    return docx


# ---- all ----------------------------------------------------------------------------------------
def write_exports(
    folder: Path,
    formats: Iterable[str],
    tables: list[dict],
    *,
    title: str,
    subject: str = "",
    comments: str = "",
    figures: list[dict] | None = None,
    cover: dict | None = None,
    header: str = "",
    reference_docx: Path | None = None,
    author: str = "",
    date: str = "",
) -> dict[str, Path]:
    """Write report.pdf / report.xlsx / report.ods / report.docx beside folder/report.html; return {format: path}.

    `figures` (each chart's data JSON) and `cover` (see workbook_sheets) feed the spreadsheets; `header` (the running
    header), `subject` (the protective marking), `reference_docx` (the council's Word template), `author` and `date`
    (ISO: the document's properties) the DOCX."""
    folder = Path(folder)
    html = folder / "report.html"
    written = {"html": html}
    formats = parse_formats(list(formats))
    if "xlsx" in formats or "ods" in formats:
        sheets = workbook_sheets(tables, figures, {"title": title, **(cover or {})})
        for fmt, writer in (("xlsx", sheets_to_xlsx), ("ods", sheets_to_ods)):
            if fmt in formats:
                written[fmt] = writer(sheets, folder / f"report.{fmt}", title=title, subject=subject, comments=comments)
    if "docx" in formats:
        written["docx"] = html_to_docx(
            html,
            folder / "report.docx",
            header=header or title,
            marking=subject,
            council_template=reference_docx,
            author=author,
            date=date,
        )
    if "pdf" in formats:
        written["pdf"] = html_to_pdf(html, folder / "report.pdf")
    return written
