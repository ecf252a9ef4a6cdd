"""A report table: an id, a caption, a frame whose columns are named as displayed, footnotes and formats.

Tables are data first. The same object gives the accessible HTML shown in the report, the CSV written
beside it, and the JSON the renderer collects from the executed notebook (mime type TABLE_MIME).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import re
from dataclasses import dataclass, field
from typing import Literal, cast, get_args

import pandas as pd

from carequality import vocab
from carequality.facts import unmark
from carequality.present.text import format_percent, signed_points

TABLE_MIME = "application/vnd.carequality.table+json"
Format = Literal["text", "int", "percent", "date", "link"]
FORMATS: tuple[Format, ...] = get_args(Format)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: About how many characters of a table's type fit across an A4 portrait page (180 mm at 8.7 pt), counting two a
#: column for its padding. A table whose narrowest layout needs more is printed on the landscape annex pages.
PORTRAIT_CHARS = 108
#: The same across an A4 landscape page (267 mm at 9 pt). A table wider still is split into tables of fewer columns,
#: each repeating the row headers (`Table.split`): nothing is shrunk to fit and nothing is dropped.
LANDSCAPE_CHARS = 160
#: A table of at most this many rows is printed whole on one page, its caption with it.
SHORT_ROWS = 25
#: Text cells of one word up to this long (a location id, a reference) are never broken across lines, nor are
#: rating words ("Requires improvement") and months ("Aug 2025").
NOWRAP_CHARS = 24
_MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")
#: A display format for one cell only (Table.cell_formats): a change of a share, in percentage points, in a column
#: of shares ("−0.4 percentage points"). The JSON, CSV and spreadsheet keep the number.
POINTS = "points"
#: What an empty cell can mean in a spreadsheet (Table.blanks): not available, not applicable.
BLANK_SYMBOLS = ("[x]", "[z]")
#: Formats shown as numbers (right-aligned).
_NUMERIC = ("int", "percent", POINTS)


@dataclass
class Table:
    id: str
    caption: str
    frame: pd.DataFrame
    footnotes: list[str] = field(default_factory=list)
    #: Column → Format, where the column's dtype does not say (a share is "percent", a link column "link").
    formats: dict[str, str] = field(default_factory=dict)
    #: Columns whose cells are row headers (th scope=row). Defaults to the first column.
    row_header: int = 1
    #: For "link" columns: the column holding each cell's URL.
    links: dict[str, str] = field(default_factory=dict)
    #: Long reference tables (a monthly series, say) go to the report's data appendix, not the section body.
    appendix: bool = False
    #: (row position, column) → a display format for that one cell (POINTS), where a row differs from its column: the
    #: change row of a table of shares. Only what the report shows changes; the JSON, CSV and spreadsheet keep the number.
    cell_formats: dict[tuple[int, str], str] = field(default_factory=dict)
    #: Count columns whose Total row is not the sum of the rows above it (a location counted under two groups, say):
    #: the audit checks every other count column's Total row adds up (docs/facts.md).
    total_not_sum: tuple[str, ...] = ()
    #: Column → what its empty cells mean, as the spreadsheets write them (the Analysis Function's symbols): "[z]"
    #: not applicable (a risk level of a location with no open case), "[x]" not available. Columns not named
    #: here: "[x]" in a number column, "[z]" in a text or date column.
    blanks: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._drop_empty_columns()
        self._label_ratings()
        # A caption or footnote written with facts keeps their text, not their marks (the numbers are in the cells).
        self.caption = unmark(self.caption)
        self.footnotes[:] = [unmark(n) for n in self.footnotes]  # in place: a section may add a note after
        bad = {c: f for c, f in self.formats.items() if f not in FORMATS}
        if bad:
            raise ValueError(f"table {self.id}: unknown formats {bad}; expected one of {', '.join(FORMATS)}")
        bad_blanks = {c: b for c, b in self.blanks.items() if b not in BLANK_SYMBOLS or c not in self.frame.columns}
        if bad_blanks:
            raise ValueError(f"table {self.id}: blanks {bad_blanks}; expected columns of the table and {BLANK_SYMBOLS}")
        bad_cells = {k: f for k, f in self.cell_formats.items() if f not in (*FORMATS, POINTS)}
        if bad_cells:
            raise ValueError(f"table {self.id}: unknown cell formats {bad_cells}")

    def _drop_empty_columns(self) -> None:
        """Leave out a column blank in every row (a "Note" column no row has a note in, say): it says nothing, in
        the report, the CSV or the spreadsheet. The row-header columns stay, and every column of a table with no
        rows (its header says what a row would hold)."""
        if self.frame.empty:
            return
        keep = set(self.frame.columns[: self.row_header])
        urls = set(self.links.values())
        empty = [c for c in self.frame.columns if c not in keep and c not in urls and is_blank_column(self.frame[c])]
        if not empty:
            return
        empty += [self.links[c] for c in empty if c in self.links]
        self.frame = self.frame.drop(columns=empty)
        self.links = {c: u for c, u in self.links.items() if c not in empty}
        self.blanks = {c: b for c, b in self.blanks.items() if c not in empty}
        self.cell_formats = {k: f for k, f in self.cell_formats.items() if k[1] not in empty}
        self.total_not_sum = tuple(c for c in self.total_not_sum if c not in empty)

    def _label_ratings(self) -> None:
        """Show each of CQC's words for "no rating yet" as the one label (vocab.NOT_YET_RATED), in every cell that
        holds one: the same idea has the same words in every table, CSV and spreadsheet."""
        words = list(vocab.RATING_LABELS)
        hit = [
            c
            for c in self.frame.columns
            if (
                pd.api.types.is_object_dtype(self.frame[c].dtype)
                or pd.api.types.is_string_dtype(self.frame[c].dtype)
                or isinstance(self.frame[c].dtype, pd.CategoricalDtype)
            )
            and self.frame[c].isin(words).any()
        ]
        if hit:
            frame = self.frame.copy()
            for c in hit:
                frame[c] = frame[c].astype(object).map(vocab.rating_label)
            self.frame = frame

    def column_cell_formats(self, column: str) -> list[str]:
        """The display format of each cell of `column`, top to bottom: its own (cell_formats), else the column's
        (worked out once: `fmt` looks at the column's dtype, too dear to ask for every cell)."""
        base = self.fmt(column)
        n = len(self.frame)
        if not any(c == column for _, c in self.cell_formats):
            return [base] * n
        return [self.cell_formats.get((i, column)) or base for i in range(n)]

    def fmt(self, column: str) -> Format:
        if column in self.formats:
            return cast(Format, self.formats[column])
        dtype = self.frame[column].dtype
        if pd.api.types.is_integer_dtype(dtype):
            return "int"
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "date"
        return "text"

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c not in set(self.links.values())]

    # ---- print width ------------------------------------------------------------------
    def min_chars(self) -> int:
        """The narrowest the table can be printed, in characters: per column, the longest word of its header and of
        its cells (a whole cell where it must not break: dates, ids, numbers), plus two for the padding."""
        total = 0
        frame = self.frame.reset_index(drop=True)
        for c in self.columns:
            widest = max((len(w) for w in str(c).split()), default=0)
            for v, f in zip(frame[c], self.column_cell_formats(c)):
                text = format_cell(v, f)
                widest = max(widest, len(text) if nowrap(text, f) else max((len(w) for w in text.split()), default=0))
            total += widest + 2
        return total

    @property
    def wide(self) -> bool:
        """Too wide for an A4 portrait page (PORTRAIT_CHARS): the report prints it on a landscape page."""
        return self.min_chars() > PORTRAIT_CHARS

    def split(self, limit: int = LANDSCAPE_CHARS) -> list[Table]:
        """This table as tables of at most `limit` characters' width, each repeating the row-header columns and
        captioned "(part 1 of 2)": [self] when it fits. The JSON of each part is what that part shows."""
        if self.min_chars() <= limit:
            return [self]
        keys = self.columns[: self.row_header]
        rest = self.columns[self.row_header :]
        width = {c: Table(self.id, "", self.frame[[c]], formats=self.formats).min_chars() for c in self.columns}
        budget = limit - sum(width[c] for c in keys)
        groups: list[list[str]] = [[]]
        for c in rest:
            if groups[-1] and sum(width[x] for x in groups[-1]) + width[c] > budget:
                groups.append([])
            groups[-1].append(c)
        n = len(groups)
        parts = []
        for i, group in enumerate(groups, 1):
            cols = keys + group + [self.links[c] for c in keys + group if c in self.links]
            parts.append(
                Table(
                    self.id if i == 1 else f"{self.id}_part{i}",
                    f"{self.caption} (part {i} of {n})",
                    self.frame[cols],
                    footnotes=self.footnotes if i == n else [],
                    formats={c: f for c, f in self.formats.items() if c in cols},
                    row_header=self.row_header,
                    links={c: u for c, u in self.links.items() if c in cols},
                    appendix=self.appendix,
                    cell_formats={k: f for k, f in self.cell_formats.items() if k[1] in cols},
                )
            )
        return parts

    # ---- data -------------------------------------------------------------------------
    def records(self) -> list[list[object]]:
        """Rows as JSON-ready values: numbers stay numbers, dates become ISO text, blanks None."""
        out = []
        for row in self.frame[self.columns].itertuples(index=False):
            out.append([_json_value(v) for v in row])
        return out

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "caption": self.caption,
            "columns": self.columns,
            "formats": {c: self.fmt(c) for c in self.columns},
            "rows": self.records(),
            "footnotes": list(self.footnotes),
            **({"total_not_sum": list(self.total_not_sum)} if self.total_not_sum else {}),
            **({"blanks": dict(self.blanks)} if self.blanks else {}),
        }

    def to_csv(self) -> str:
        return table_json_to_csv(self.to_json())

    # ---- display ----------------------------------------------------------------------
    def to_html(self, number: int | None = None) -> str:
        label = f"Table {number}: " if number is not None else ""
        columns = self.columns
        formats = [self.fmt(c) for c in columns]
        classes = ["num" if f in _NUMERIC else "txt" for f in formats]
        # A short table is never broken across pages (Chromium parts a caption from its rows otherwise).
        short = " cq-short" if len(self.frame) <= SHORT_ROWS else ""
        out = [f'<table class="cq-table{short}" id="table-{html.escape(self.id)}">']
        out.append(f"<caption>{html.escape(label + self.caption)}</caption>")
        out.append("<thead><tr>")
        for c, cls in zip(columns, classes):
            out.append(f'<th scope="col" class="{cls}">{html.escape(str(c))}</th>')
        out.append("</tr></thead><tbody>")
        # Column by column (a cell at a time through pandas' indexing cost more than the rest of a report).
        cells, cell_classes = [], []
        for c, f in zip(columns, formats):
            cell_fmts = self.column_cell_formats(c)
            texts = [format_cell(v, g) for v, g in zip(self.frame[c], cell_fmts)]
            urls = list(self.frame[self.links[c]]) if f == "link" and c in self.links else None
            if urls is None:
                cells.append([html.escape(t) for t in texts])
            else:
                cells.append(
                    [
                        f'<a href="{html.escape(_safe_url(u))}">{html.escape(t)}</a>'
                        if isinstance(u, str) and u
                        else html.escape(t)
                        for t, u in zip(texts, urls)
                    ]
                )
            # Ids, dates, ratings and months never break across lines.
            cell_classes.append(
                ["num" if g in _NUMERIC else "txt nw" if nowrap(t, g) else "txt" for t, g in zip(texts, cell_fmts)]
            )
        rows = zip(zip(*cells), zip(*cell_classes)) if cells else [((), ())] * len(self.frame)
        for row, row_classes in rows:
            out.append("<tr>")
            for j, (cell, cls) in enumerate(zip(row, row_classes)):
                if j < self.row_header:
                    out.append(f'<th scope="row" class="{cls}">{cell}</th>')
                else:
                    out.append(f'<td class="{cls}">{cell}</td>')
            out.append("</tr>")
        out.append("</tbody>")
        if self.footnotes:
            # The notes in the table's own last row group (shown once, not on every page: report.css), so that
            # print keeps them with the last rows: Chromium parts a list after a table from it (review r1, 31).
            out.append(f'<tfoot class="cq-notes"><tr><td colspan="{max(len(columns), 1)}">')
            out.append('<ul class="cq-footnotes">')
            out.extend(f"<li>{html.escape(n)}</li>" for n in self.footnotes)
            out.append("</ul></td></tr></tfoot>")
        out.append("</table>")
        return "".join(out)

    def to_text(self) -> str:
        columns = self.columns
        texts = [[format_cell(v, g) for v, g in zip(self.frame[c], self.column_cell_formats(c))] for c in columns]
        grid = text_grid(columns, texts)
        if grid is None:  # a layout text_grid leaves to pandas
            frame = self.frame[columns].copy()
            for c, column_texts in zip(frame.columns, texts):
                frame[c] = column_texts
            grid = frame.to_string(index=False)
        return f"{self.caption}\n{grid}"


def is_blank_column(values: pd.Series) -> bool:
    """Every cell of the column is blank: missing, or text of nothing but spaces (a dash is a value: it says
    "no figure" on purpose)."""
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        return bool(
            values.map(
                lambda v: (
                    v is None
                    or v is pd.NA
                    or (isinstance(v, float) and math.isnan(v))
                    or (isinstance(v, str) and not v.strip())
                )
            ).all()
        )
    return bool(values.isna().all())


def text_grid(columns: list[str], cells: list[list[str]]) -> str | None:
    """Text cells laid out as pandas' DataFrame.to_string(index=False) lays out a frame of text columns (labels and
    cells right-aligned to each column's widest, one space between columns), at a small part of its cost; None for
    what pandas would write otherwise (no rows, labels that are not unique text or start with a space, tabs or line
    breaks it escapes, display options that change its layout). tests/present/test_tables.py compares the two."""
    if not columns or not cells or not cells[0] or len(set(columns)) != len(columns):
        return None
    if any(not isinstance(c, str) or c.startswith(" ") for c in columns):
        return None
    if pd.get_option("display.unicode.east_asian_width") or pd.get_option("display.colheader_justify") != "right":
        return None
    widths = []
    for c, texts in zip(columns, cells):
        if any(("\t" in t or "\n" in t or "\r" in t) for t in (c, *texts)):
            return None
        widths.append(max(len(c), *map(len, texts)))
    lines = [" ".join(c.rjust(w) for c, w in zip(columns, widths))]
    lines += [" ".join(t.rjust(w) for t, w in zip(row, widths)) for row in zip(*cells)]
    return "\n".join(lines)


def nowrap(text: str, f: str) -> bool:
    """A cell that must not break across lines: a number, a date, a rating, a month, or one word (an id, a
    reference) of up to NOWRAP_CHARS characters."""
    if f in ("int", "percent", "date"):
        return True
    if text in vocab.RATINGS or _MONTH.match(text):
        return True
    return 0 < len(text) <= NOWRAP_CHARS and not any(ch.isspace() for ch in text)


def _safe_url(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else "#"


def _json_value(v: object) -> object:
    t = type(v)
    if t is str or t is int or t is bool:  # the common cells first, as the general path below returns them
        return v
    if t is float:
        return None if math.isnan(cast(float, v)) else v
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v if isinstance(v, (int, float, bool)) else str(v)


def format_cell(v: object, f: str) -> str:
    v = _json_value(v)
    assert v is None or isinstance(v, (str, int, float, bool))
    if v is None:
        return "–" if f in ("int", "percent", POINTS) else ""
    if f == "percent":
        return format_percent(float(v))
    if f == POINTS:
        return signed_points(float(v))
    if f == "int":
        return f"{int(v):,}"
    if f == "date" and isinstance(v, str) and len(v) == 10:
        return dt.date.fromisoformat(v).strftime("%-d %b %Y")
    return str(v)


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_json_to_csv(table: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise(c) for c in table["columns"]])
    for row in table["rows"]:
        w.writerow(["" if v is None else neutralise(v) for v in row])
    return buf.getvalue()
