"""The formats beside report.html: PDF (Chromium prints our HTML), XLSX (one sheet per table), DOCX (pandoc).

render() writes report.html and the tables first, then calls `write_exports` on the same temporary folder,
so the atomic swap covers every format. Each writer reads only what is already in that folder or in the
collected tables, fetches nothing from the network and writes no absolute path into its output.

System tools come from Debian's packages (`make sysdeps` installs them): chromium for PDF, pandoc for DOCX.
A missing tool is named before the notebook runs (`check_formats`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from carequality.present.tables import neutralise

#: Every format `carequality render --to` accepts. HTML, the CSV tables and manifest.json are always written.
FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "docx")
#: Debian package that provides each format's tool.
_TOOLS = {"pdf": ("chromium", "chromium"), "docx": ("pandoc", "pandoc")}
#: Metadata dates in XLSX and DOCX: fixed, so that the same inputs give the same files
#: (SOURCE_DATE_EPOCH, the reproducible-builds convention, overrides it).
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
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


def check_formats(formats: Iterable[str]) -> None:
    """Raise ExportError naming every tool the formats need that is not installed."""
    missing = []
    for f in formats:
        if f in _TOOLS:
            tool, package = _TOOLS[f]
            found = chromium() if f == "pdf" else pandoc()
            if not found:
                missing.append(f"{f.upper()} needs {tool} (Debian package {package})")
    if missing:
        raise ExportError("; ".join(missing) + ". Install with `make sysdeps` (or apt-get install), then run again.")


def source_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
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
def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Print our HTML with headless Chromium: A4 and page furniture from the @page CSS, tagged, with an outline.

    A fresh profile per run; every host name resolves to nothing, so the printer cannot reach the network.
    """
    exe = chromium()
    if not exe:
        check_formats(["pdf"])
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    with tempfile.TemporaryDirectory(prefix="carequality-chromium-") as profile:
        env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--no-default-browser-check", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--no-pdf-header-footer", "--generate-pdf-document-outline",
            f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri(),
        ]
        _run(cmd, "Chromium (printing the PDF)", env=env, cwd=Path(profile))
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise ExportError("Chromium (printing the PDF) finished but wrote no PDF")
    return pdf


# ---- XLSX ---------------------------------------------------------------------------------------
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {"contents", "history"}


def sheet_names(table_ids: list[str]) -> list[str]:
    """One Excel sheet name per table id: at most 31 characters, legal, unique (case-insensitively), stable."""
    used = set(_RESERVED)
    names = []
    for tid in table_ids:
        base = _SHEET_BAD.sub("_", str(tid)).strip("'") or "table"
        name, n = base[:31], 1
        while name.casefold() in used:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def _text(value: object) -> str:
    return str(neutralise("" if value is None else str(value)))


def tables_to_xlsx(tables: list[dict], path: Path, *, title: str, subject: str = "", comments: str = "") -> Path:
    """report.xlsx: a Contents sheet, then one sheet per table (caption in row 1, header in row 2, data below).

    Numbers stay numbers, ISO dates become Excel dates, text is neutralised so no cell can run as a formula.
    Same tables → same cells and, with the fixed metadata date, the same bytes.
    """
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True},
    )
    wb.set_properties({
        "title": title, "subject": subject, "author": "carequality", "comments": comments,
        "created": source_date().replace(tzinfo=None),
    })
    bold = wb.add_format({"bold": True})
    caption_fmt = wb.add_format({"bold": True, "font_size": 12})
    header_fmt = wb.add_format({"bold": True, "bottom": 2, "text_wrap": True, "valign": "top"})
    note_fmt = wb.add_format({"italic": True, "font_color": "#4a4a4a"})
    fmts = {
        "int": wb.add_format({"num_format": "#,##0"}),
        "percent": wb.add_format({"num_format": "0.0"}),
        "date": wb.add_format({"num_format": "d mmm yyyy"}),
        "number": wb.add_format({"num_format": "General"}),
    }
    names = sheet_names([t["id"] for t in tables])

    contents = wb.add_worksheet("Contents")
    contents.write_string(0, 0, _text(title), caption_fmt)
    for c, head in enumerate(("Sheet", "Table", "Caption")):
        contents.write_string(1, c, head, header_fmt)
    for i, (t, name) in enumerate(zip(tables, names), start=1):
        contents.write_url(i + 1, 0, "internal:'" + name.replace("'", "''") + "'!A1", string=name)
        contents.write_number(i + 1, 1, i)
        contents.write_string(i + 1, 2, _text(t.get("caption", "")))
    contents.set_column(0, 0, 34)
    contents.set_column(1, 1, 8)
    contents.set_column(2, 2, 90)

    for i, (t, name) in enumerate(zip(tables, names), start=1):
        ws = wb.add_worksheet(name)
        columns = list(t["columns"])
        formats = t.get("formats", {})
        ws.write_string(0, 0, _text(f"Table {i}: {t.get('caption', '')}"), caption_fmt)
        widths = []
        for c, col in enumerate(columns):
            ws.write_string(1, c, _text(col), header_fmt)
            widths.append(min(max(len(str(col)), 8), 40))
        for r, row in enumerate(t["rows"], start=2):
            for c, value in enumerate(row):
                shown = _write_cell(ws, r, c, value, formats.get(columns[c], "text"), fmts)
                widths[c] = min(max(widths[c], len(shown) + 1), 60)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        r = len(t["rows"]) + 3
        for note in t.get("footnotes", []):
            ws.write_string(r, 0, _text(f"Note: {note}"), note_fmt)
            r += 1
        ws.freeze_panes(2, 0)
        ws.set_row(0, None, bold)
    wb.close()
    return path


def _write_cell(ws, r: int, c: int, value: object, fmt: str, fmts: dict) -> str:
    """Write one value with its own type; return the text it shows (for the column width)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
        return str(value)
    if isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmts.get(fmt, fmts["number"]))
        return f"{value:,}" if isinstance(value, int) else f"{value:.1f}"
    if fmt == "date" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        ws.write_datetime(r, c, dt.datetime.fromisoformat(value), fmts["date"])
        return dt.date.fromisoformat(value).strftime("%-d %b %Y")
    text = _text(value)
    ws.write_string(r, c, text)
    return text


# ---- DOCX ---------------------------------------------------------------------------------------
def html_to_docx(html: Path, docx: Path) -> Path:
    """report.docx from our HTML with pandoc: real Word tables with captions, headings, embedded figures.

    Figures are data: URIs inside the HTML, so pandoc reads no other file and fetches nothing (pandoc 2.17's
    --sandbox cannot be used: it also hides pandoc's own docx data files).
    """
    exe = pandoc()
    if not exe:
        check_formats(["docx"])
    html, docx = Path(html).resolve(), Path(docx).resolve()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(source_date().timestamp()))}
    cmd = [exe, "--from=html", "--to=docx", f"--output={docx}", html.name]
    _run(cmd, "pandoc (writing the DOCX)", env=env, cwd=html.parent)
    if not docx.is_file():
        raise ExportError("pandoc (writing the DOCX) finished but wrote no file")
    return docx


# ---- all ----------------------------------------------------------------------------------------
def write_exports(folder: Path, formats: Iterable[str], tables: list[dict], *, title: str, subject: str = "",
                  comments: str = "") -> dict[str, Path]:
    """Write report.pdf / report.xlsx / report.docx beside folder/report.html; return {format: path}."""
    folder = Path(folder)
    html = folder / "report.html"
    written = {"html": html}
    formats = parse_formats(list(formats))
    if "xlsx" in formats:
        written["xlsx"] = tables_to_xlsx(tables, folder / "report.xlsx", title=title, subject=subject, comments=comments)
    if "docx" in formats:
        written["docx"] = html_to_docx(html, folder / "report.docx")
    if "pdf" in formats:
        written["pdf"] = html_to_pdf(html, folder / "report.pdf")
    return written
