"""`carequality site OUTPUTS_DIR`: one browsable page, OUTPUTS_DIR/index.html, for every report in a folder.

One row per council and period with the headline measures (share of rated services Good or Outstanding with n of
N, its change since the end of the previous period, the number of high-risk services where the report has a risk
register), links to the files present (HTML, PDF, XLSX, ODS, DOCX, manifest), and the failed councils with their
error. A small inline script filters the rows by region and by council name; it needs no server, so the page works
from file:// and from any static host. With JavaScript off the table is complete and the filters are not shown.

The headline measures are computed by `headline` from the report's tables when the report is rendered, and kept
in manifest.json (`headline`); for a report rendered before that, they are computed here from tables/*.csv.
`carequality batch` writes the page at the end, passing the failures it knows (including params that did not
validate); `site` alone finds failed notebooks, <council>/<period>.failed.ipynb. Text from inputs is escaped.

The committee paper (`render --profile summary`) has a folder of its own, <council>/<period>-summary; its files are
linked from the same row as the full report's, marked "(committee paper)".
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carequality import vocab
from carequality.measures.headline import Headline, headline_from_counts
from carequality.registry import DEFAULT_PROFILE, profile_of_folder
from carequality.run.atomic import write_atomic

INDEX = "index.html"
#: The report files the page links to, in order, with the words the link shows.
FILES: tuple[tuple[str, str], ...] = (
    ("report.html", "Web page"),
    ("report.pdf", "PDF"),
    ("report.xlsx", "Excel spreadsheet"),
    ("report.ods", "OpenDocument spreadsheet"),
    ("report.docx", "Word document"),
    ("manifest.json", "Manifest"),
)
#: The words after each link to the committee paper's files (the summary profile's own folder).
COMMITTEE_PAPER = "committee paper"
#: Longest error shown for a failed council (the rest is in its failed notebook or the batch's summary).
ERROR_CHARS = 400


# ---- headline measures ------------------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rows(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row)) for row in table["rows"]]


def _headline_of_row(row: dict) -> Headline:
    """The headline measure (measures/headline.py) of a row of a ratings table: Good or Outstanding of the locations
    with a graded rating, whatever else the row counts (not yet rated, no published rating …)."""
    return headline_from_counts({w: int(_number(row.get(w)) or 0) for w in vocab.GRADED})


#: The headline's count of high-risk services: in the council's own area only (the in-area high-risk table).
HIGH_RISK = "high_risk_services_in_area"


def headline(
    tables: Iterable[dict],
    council: str,
    sections: Sequence[str] | None = None,
    period_start: dt.date | str | None = None,
) -> dict:
    """The report's headline measures from its tables (JSON as collected, or read back from the CSVs).

    Every share and change is the one headline measure (measures/headline.py), as the report's own sentences are:
    good_or_outstanding: {"n", "of", "percent"} from the ratings overview's total row, of the locations with a
    graded rating only (not those not yet rated, nor those with no published rating or another outcome);
    change_since_last_period: {"points", "from", "to"}: the council's share Good or Outstanding at the last month
    end before the period against the latest month, from the trend table; else at the period start against now,
    from the ratings-against-baseline table; high_risk_services_in_area: the services of the in-area high-risk
    table (its rows, or the sum of its Services column where a paper that may be public counts them; 0 when the
    section ran and found none; named for what it counts, as the report's fact qa.high_risk.in_area.services is,
    so it is not read as the key message's services in the area and elsewhere). Each is None when the report does
    not have what it needs.
    """
    by_id = {t["id"]: t for t in tables}
    out: dict = {"good_or_outstanding": None, "change_since_last_period": None, HIGH_RISK: None}

    overview = by_id.get("ratings_overview")
    if overview:
        total = next((r for r in _rows(overview) if str(r.get(overview["columns"][0], "")).strip() == "Total"), None)
        if total:
            h = _headline_of_row(total)
            if h.rated:
                out["good_or_outstanding"] = {"n": h.good_or_outstanding, "of": h.rated, "percent": h.percent}

    out["change_since_last_period"] = _change_from_trend(
        by_id.get("trend_good_outstanding"), council, period_start
    ) or _change_from_baseline(by_id.get("ratings_vs_baseline"))

    risk = by_id.get("high_risk_in_area")
    if risk is not None:
        out[HIGH_RISK] = (
            int(sum(_number(r.get("Services")) or 0 for r in _rows(risk)))
            if "Services" in risk["columns"]
            else len(risk["rows"])
        )
    elif sections is not None and "high_risk_in_area" in sections:
        out[HIGH_RISK] = 0
    return out


def _change_from_trend(trend: dict | None, council: str, period_start: dt.date | str | None) -> dict | None:
    if not trend or period_start is None or "As of" not in trend["columns"]:
        return None
    start = str(period_start)
    sums: dict[str, list[float]] = {}
    for r in _rows(trend):
        if str(r.get("Area")) != council:
            continue
        good, rated = _number(r.get("Good or Outstanding")), _number(r.get("Rated locations"))
        if good is None or rated is None:
            continue
        s = sums.setdefault(str(r["As of"]), [0.0, 0.0])
        s[0] += good
        s[1] += rated
    before = sorted(d for d in sums if d < start)
    if not before or not sums:
        return None
    then, now = before[-1], max(sums)
    if now <= then:
        return None
    points = Headline(*map(int, sums[now])).points_since(Headline(*map(int, sums[then])))
    if points is None:
        return None
    return {"points": points, "from": then, "to": now}


def _change_from_baseline(table: dict | None) -> dict | None:
    if not table:
        return None
    rows = {str(r.get(table["columns"][0])): r for r in _rows(table)}
    then_cols = [c for c in table["columns"][1:] if not c.endswith(", now")]
    now_cols = [c for c in table["columns"][1:] if c.endswith(", now")]
    if not then_cols or not now_cols:
        return None

    def measure(cols: list[str]) -> Headline:  # the headline of the rating rows, summed over the categories' columns
        return headline_from_counts(
            {w: sum(int(_number(rows.get(w, {}).get(c)) or 0) for c in cols) for w in vocab.GRADED}
        )

    points = measure(now_cols).points_since(measure(then_cols))
    if points is None:
        return None
    return {"points": points, "from": then_cols[0].rsplit(", ", 1)[-1], "to": "now"}


def _tables_from_csv(folder: Path) -> list[dict]:
    tables = []
    for path in sorted((folder / "tables").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        if rows:
            tables.append({"id": path.stem, "columns": rows[0], "rows": rows[1:]})
    return tables


# ---- what is in the folder ---------------------------------------------------------------------------------
@dataclass
class Entry:
    """One rendered report."""

    council: str
    code: str
    region: str
    period_start: str
    period_end: str
    folder: str  # relative to the outputs folder, with forward slashes
    files: list[tuple[str, str]] = field(default_factory=list)  # (relative href, link words)
    headline: dict = field(default_factory=dict)
    example_data: bool = False
    profile: str = DEFAULT_PROFILE  # of the folder the entry was read from (registry.PROFILES)


@dataclass
class Failure:
    """A council whose report could not be written."""

    council: str
    period: str
    error: str
    notebook: str | None = None  # relative href of the failed notebook, when kept


def region_of(code: str) -> str:
    """The region of a council, current or replaced (Somerset's E10000027 is in the South West)."""
    from carequality.councils import any_council_by_code

    try:
        return any_council_by_code(code).region
    except KeyError:
        return "Unknown region"


def _read_report(root: Path, manifest: Path) -> Entry | None:
    """The report whose manifest this is, or None when it does not read as a carequality manifest."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        params = data["params"]
        council, period = params["council"], params["period"]
        name, code = str(council["name"]), str(council["code"])
        start, end = str(period["start"]), str(period["end"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    folder = manifest.parent
    rel = folder.relative_to(root).as_posix()
    head = data.get("headline")
    if not isinstance(head, dict):
        head = headline(_tables_from_csv(folder), name, params.get("sections"), start)
    profile = str(data.get("profile") or profile_of_folder(folder.name))
    files = [(f"{rel}/{f}", w if profile == DEFAULT_PROFILE else f"{w} ({COMMITTEE_PAPER})") for f, w in FILES]
    return Entry(
        name,
        code,
        region_of(code),
        start,
        end,
        rel,
        [(href, w) for (href, w), (f, _) in zip(files, FILES) if (folder / f).is_file()],
        head,
        bool(params.get("options", {}).get("example_data")),
        profile,
    )


def find_reports(root: Path) -> list[Entry]:
    """Every <council>/<folder>/manifest.json under root that reads as a carequality manifest, one entry per council
    and period: the full report's files first, then the committee paper's (its own folder, <period>-summary), the
    headline measures from the full report when there is one."""
    found = [e for m in sorted(root.glob("*/*/manifest.json")) if (e := _read_report(root, m)) is not None]
    found.sort(key=lambda e: e.profile != DEFAULT_PROFILE)  # the full report first within each council and period
    entries: dict[tuple[str, str, str], Entry] = {}
    for e in found:
        first = entries.setdefault((e.code, e.period_start, e.period_end), e)
        if first is not e:
            first.files = [*first.files, *e.files]
            first.example_data = first.example_data or e.example_data
    out = list(entries.values())
    out.sort(key=lambda e: (e.council.casefold(), e.period_start, e.period_end))
    return out


def failed_notebooks(root: Path) -> list[Failure]:
    """<council>/<period>.failed.ipynb files (<period>-summary.failed.ipynb for a committee paper): the council and period from the names, the error from the notebook."""
    failures = []
    for nb in sorted(root.glob("*/*.failed.ipynb")):
        error = "the report failed; the failed notebook holds the error"
        try:
            data = json.loads(nb.read_text(encoding="utf-8"))
            for cell in data.get("cells", []):
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        error = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
        except (OSError, ValueError, AttributeError):
            pass
        folder = nb.name.removesuffix(".failed.ipynb")
        profile = profile_of_folder(folder)
        period = folder.removesuffix(f"-{profile}").replace("_to_", " to ")
        if profile != DEFAULT_PROFILE:
            period += f" ({COMMITTEE_PAPER})"
        failures.append(Failure(_council_name(nb.parent.name), period, error, nb.relative_to(root).as_posix()))
    return failures


def _council_name(slug: str) -> str:
    from carequality.councils import all_councils

    return next((c.name for c in all_councils() if c.slug == slug), slug)


# ---- the page --------------------------------------------------------------------------------------------
def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _href(relative: str) -> str:
    return _e(urllib.parse.quote(relative, safe="/"))


def _long(iso: str) -> str:
    from carequality.present.text import long_date

    try:
        return long_date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def _good(h: dict) -> str:
    g = h.get("good_or_outstanding")
    if not g:
        return '<span class="cq-none">Not known</span>'
    pct = g["percent"]
    pct_text = f"{pct:.0f}%" if float(pct).is_integer() else f"{pct:.1f}%"
    return f'{_e(pct_text)} <span class="cq-sub">({g["n"]:,} of {g["of"]:,} rated)</span>'


def _change(h: dict) -> str:
    c = h.get("change_since_last_period")
    if not c:
        return '<span class="cq-none">Not known</span>'
    points = c["points"]
    words = "no change" if points == 0 else f"{'up' if points > 0 else 'down'} {abs(points):g} points"
    since = _long(c["from"]) if c.get("from") else ""
    to = "" if c.get("to") in (None, "now") else f" to {_long(c['to'])}"
    return f'{_e(words)}<span class="cq-sub"> ({_e("from " + since + to)})</span>' if since else _e(words)


def _risk(h: dict) -> str:
    n = h.get(HIGH_RISK, h.get("high_risk_services"))  # the old name, in manifests written before it was renamed
    return '<span class="cq-none">Not known</span>' if n is None else _e(f"{n:,}")


CSS = """
:root { color-scheme: light; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #0b0c0c; background: #fff;
  margin: 0; line-height: 1.45; }
.cq-page { max-width: 78rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; margin: 0.5rem 0 0.5rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.5rem; }
a { color: #1d70b8; text-underline-offset: 0.15em; }
a:visited { color: #4c2c92; }
a:hover { color: #003078; }
a:focus, input:focus, select:focus { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 4px #0b0c0c;
  background: #ffdd00; color: #0b0c0c; }
input:focus, select:focus { background: #fff; }
.cq-filters { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-end; margin: 1rem 0;
  padding: 1rem; background: #f3f2f1; }
.cq-filters label { display: block; font-weight: bold; margin-bottom: 0.25rem; }
.cq-filters select, .cq-filters input { font: inherit; padding: 0.3rem; border: 2px solid #0b0c0c; min-width: 14rem; }
.cq-count { margin: 0; font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; font-size: 1.15rem; padding: 0.5rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem 0.75rem 0.5rem 0; border-bottom: 1px solid #b1b4b6; }
thead th { border-bottom: 2px solid #0b0c0c; }
td.num { text-align: right; }
.cq-sub, .cq-none { color: #484949; }
.cq-files { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; }
.cq-error { white-space: pre-wrap; overflow-wrap: anywhere; }
.cq-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); border: 0; white-space: nowrap; }
.cq-tag { display: inline-block; font-size: 0.85rem; padding: 0 0.3rem; border: 1px solid #484949; margin-left: 0.4rem; }
[hidden] { display: none !important; }
@media print { .cq-filters { display: none !important; } tr[hidden] { display: table-row !important; } }
"""

# Filters rows by region and council name; shown only when scripts run, so the page is complete without them.
SCRIPT = """
(function () {
  var form = document.getElementById('cq-filters');
  var region = document.getElementById('cq-region');
  var name = document.getElementById('cq-name');
  var count = document.getElementById('cq-count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#cq-reports tbody tr'));
  function apply() {
    var r = region.value, q = name.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var ok = (!r || tr.getAttribute('data-region') === r) &&
               (!q || tr.getAttribute('data-name').indexOf(q) !== -1);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length + (rows.length === 1 ? ' report' : ' reports');
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  region.addEventListener('change', apply);
  name.addEventListener('input', apply);
  form.hidden = false;
  apply();
})();
"""


def render_index(
    entries: Sequence[Entry], failures: Sequence[Failure], *, title: str = "Adult social care quality reports"
) -> str:
    """The page as text: every value escaped, every link relative to the outputs folder."""
    councils = len({e.code for e in entries})
    regions = sorted({e.region for e in entries})
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<main class="cq-page" id="cq-main">',
        f"<h1>{_e(title)}</h1>",
        f"<p>{len(entries):,} {'report' if len(entries) == 1 else 'reports'} for {councils:,} "
        f"{'council' if councils == 1 else 'councils'}"
        + (f"; {len(failures):,} could not be written (listed at the end)." if failures else ".")
        + " Each row links to the report's files. The share rated Good or Outstanding counts rated services only.</p>",
    ]
    out += [
        '<form class="cq-filters" id="cq-filters" role="search" aria-label="Filter the reports" hidden>',
        '<div><label for="cq-region">Region</label>',
        '<select id="cq-region" name="region"><option value="">All regions</option>',
        *[f'<option value="{_e(r)}">{_e(r)}</option>' for r in regions],
        "</select></div>",
        '<div><label for="cq-name">Council name contains</label>',
        '<input id="cq-name" name="council" type="search" autocomplete="off"></div>',
        '<p class="cq-count" id="cq-count" role="status" aria-live="polite"></p>',
        "</form>",
    ]
    out += [
        '<table id="cq-reports">',
        "<caption>Reports by council and period</caption>",
        "<thead><tr>",
        '<th scope="col">Council</th>',
        '<th scope="col">Region</th>',
        '<th scope="col">Period</th>',
        '<th scope="col">Rated Good or Outstanding</th>',
        '<th scope="col">Change since the previous period</th>',
        '<th scope="col">High-risk services in the area</th>',
        '<th scope="col">Files</th>',
        "</tr></thead>",
        "<tbody>",
    ]
    for e in entries:
        period = f"{_long(e.period_start)} to {_long(e.period_end)}"
        tag = '<span class="cq-tag">Example data</span>' if e.example_data else ""
        links = "".join(
            f'<li><a href="{_href(href)}">{_e(words)}<span class="cq-visually-hidden">: {_e(e.council)}, '
            f"{_e(period)}</span></a></li>"
            for href, words in e.files
        )
        out.append(
            f'<tr data-region="{_e(e.region)}" data-name="{_e(e.council.casefold())}">'
            f'<th scope="row">{_e(e.council)}{tag}</th>'
            f"<td>{_e(e.region)}</td>"
            f"<td>{_e(period)}</td>"
            f"<td>{_good(e.headline)}</td>"
            f"<td>{_change(e.headline)}</td>"
            f'<td class="num">{_risk(e.headline)}</td>'
            f'<td><ul class="cq-files">{links}</ul></td>'
            "</tr>"
        )
    if not entries:
        out.append('<tr data-region="" data-name=""><td colspan="7">No reports in this folder yet.</td></tr>')
    out += ["</tbody>", "</table>"]
    if failures:
        out += [
            '<h2 id="cq-failed">Reports that could not be written</h2>',
            "<table>",
            "<caption>Failed councils and what went wrong</caption>",
            '<thead><tr><th scope="col">Council</th><th scope="col">Period</th><th scope="col">What went wrong</th>'
            '<th scope="col">Failed notebook</th></tr></thead>',
            "<tbody>",
        ]
        for f in failures:
            error = f.error if len(f.error) <= ERROR_CHARS else f.error[: ERROR_CHARS - 1] + "…"
            nb = (
                (f'<a href="{_href(f.notebook)}">Notebook<span class="cq-visually-hidden">: {_e(f.council)}</span></a>')
                if f.notebook
                else '<span class="cq-none">None kept</span>'
            )
            out.append(
                f'<tr><th scope="row">{_e(f.council)}</th><td>{_e(f.period)}</td>'
                f'<td class="cq-error">{_e(error)}</td><td>{nb}</td></tr>'
            )
        out += ["</tbody>", "</table>"]
    out += ["</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(line for line in out if line)


def write_site(root: str | Path, failures: Sequence[Failure] | None = None) -> Path:
    """Write root/index.html (atomically) for the reports under root. `failures` (from batch) come first; failed
    notebooks under root that they do not already name are added."""
    root = Path(root)
    known = list(failures or [])
    named = {f.notebook for f in known if f.notebook}
    found = [f for f in failed_notebooks(root) if f.notebook not in named]
    path = root / INDEX
    write_atomic(path, render_index(find_reports(root), [*known, *found]))
    return path


__all__ = ["Entry", "Failure", "failed_notebooks", "find_reports", "headline", "render_index", "write_site"]
