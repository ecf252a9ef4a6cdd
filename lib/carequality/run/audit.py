"""`carequality audit OUTPUT_DIR`: read a rendered report back against its facts and list every disagreement.

A report's numbers are facts (docs/facts.md). The renderer writes them as facts.json beside report.html and
tables/*.csv; the audit reads those three and finds, each with where it is:

- "two values": one fact given two values (by two sections, or a sentence and the table cell it names);
- "total": a Total row that is not the sum of the rows above it, in a count column that should add up;
- "not a fact": a number in a sentence that is no fact (its section and the sentence are named);
- "share": a share whose value is not its numerator over its denominator, or whose parts in a sentence are not
  its parts;
- "as of": two as-of dates for one source, or a fact dated after its source's data;
- "comparison": a change that is not the difference of the two facts it compares, or a sentence that says a change
  without naming the facts it compares (the subject slip: "2 fewer" said after another subject);
- "unknown fact": a sentence's number marked as a fact the report does not hold.

A finding is the report's defect, not the user's: `render`, `batch` and `audit` exit with AUDIT_EXIT (3) when
there is one (docs/facts.md, docs/outputs.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from carequality.facts import LITERAL, Fact, FactBook
from carequality.measures.shares import percent
from carequality.present.facts import text as fact_text

#: The exit status of a report that disagrees with itself: distinct from bad input (2) and from a failure (1).
AUDIT_EXIT = 3
FACTS_FILE = "facts.json"

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SHORT = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
#: Text that holds digits but is not a number a reader weighs: dates, years and spans of years, table and figure
#: references, CQC's ids (1-123456789), section references. Removed before the audit looks for numbers.
_NOT_NUMBERS = re.compile(
    rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b"
    rf"|\b(?:{_MONTHS}|{_SHORT}) \d{{4}}\b"
    r"|\b(?:19|20)\d\d(?:[-–/](?:19|20)?\d\d)?\b"
    r"|\b(?:Table|Figure|Section|Appendix) \d+\b"
    r"|\b\d-\d{6,}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_NUMBER = re.compile(r"£?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|£?\d+(?:\.\d+)?%?")
_SKIP_CLASSES = {"cq-commentary", "cq-facts", "cq-footnotes", "cq-contents", "cq-provenance", "cq-marking"}


@dataclass(frozen=True)
class Finding:
    """One disagreement: its kind, where it is (section and sentence, or table, row and column) and what is wrong."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Sentence:
    """A paragraph or list item of the report: its section, its text, and the facts marked in it."""

    section: str
    text: str
    facts: list[tuple[str, str]]
    unmarked: str


class _Sentences(HTMLParser):
    """The report's sentences (p and li outside tables, commentary, the list of numbers and the provenance)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section = "title"
        self.sentences: list[Sentence] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._current: Sentence | None = None
        self._fact: str | None = None
        self._fact_text = ""
        self._heading: list[str] | None = None

    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        skip = bool(classes & _SKIP_CLASSES) or tag in ("table", "figure", "nav", "footer", "style", "head")
        if tag in ("br", "img", "meta", "link", "hr", "input"):
            return
        self._stack.append((tag, skip))
        if tag == "h2" and not self._skipping():
            self._heading = []
        elif tag in ("p", "li") and not self._skipping() and self._current is None:
            self._current = Sentence(self.section, "", [], "")
        elif tag == "a" and "cq-fact" in classes and self._current is not None:
            self._fact, self._fact_text = a.get("data-fact") or "", ""

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "h2" and self._heading is not None:
            self.section = " ".join("".join(self._heading).split())
            self._heading = None
        elif tag == "a" and self._fact is not None and self._current is not None:
            self._current.facts.append((self._fact, self._fact_text))
            self._fact = None
        elif tag in ("p", "li") and self._current is not None and not any(t in ("p", "li") for t, _ in self._stack):
            self._current.text = " ".join(self._current.text.split())
            self.sentences.append(self._current)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self._current is None:
            return
        self._current.text += data
        if self._fact is not None:
            self._fact_text += data
        else:
            self._current.unmarked += data


def sentences(html_text: str) -> list[Sentence]:
    parser = _Sentences()
    parser.feed(html_text)
    parser.close()
    return parser.sentences


def read_tables(folder: Path) -> dict[str, list[list[str]]]:
    """Every tables/*.csv as rows of text (the first row is the header)."""
    out = {}
    for path in sorted((folder / "tables").glob("*.csv")):
        out[path.stem] = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return out


def _number(text: str) -> float | None:
    t = text.strip().lstrip("'").replace(",", "").replace("£", "").rstrip("%")
    try:
        return float(t)
    except ValueError:
        return None


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- the checks -------------------------------------------------------------------------------------------------
def conflicts(book: FactBook) -> list[Finding]:
    out = []
    for c in book.conflicts:
        if c.id.startswith("as_of."):
            out.append(
                Finding(
                    "as of", f"source {c.id[6:]}", f"two as-of dates for one source: {c.values[0]} and {c.values[1]}"
                )
            )
        else:
            places = " and ".join(f"section {w!r}" for w in c.where if w) or "the report"
            out.append(
                Finding(
                    "two values", places, f"fact {c.id} is {c.values[0]!r} in one place and {c.values[1]!r} in another"
                )
            )
    return out


def cells(book: FactBook, tables: dict[str, list[list[str]]]) -> list[Finding]:
    """Each fact against the table cells it names."""
    out = []
    for f in book:
        for c in f.cells:
            rows = tables.get(c.table)
            if rows is None:
                continue  # a table this profile does not show
            where = f"table {c.table}, row {c.row!r}, column {c.column!r}"
            header = rows[0]
            if c.column not in header:
                out.append(Finding("two values", where, f"fact {f.id} names a column the table does not have"))
                continue
            j = header.index(c.column)
            found = [r for r in rows[1:] if r and r[0].lstrip("'") == c.row]
            if not found:
                out.append(Finding("two values", where, f"fact {f.id} names a row the table does not have"))
                continue
            cell = found[0][j] if j < len(found[0]) else ""
            if not _cell_agrees(f, cell):
                out.append(Finding("two values", where, f"fact {f.id} is {fact_text(f)} but the table says {cell!r}"))
    return out


def _cell_agrees(f: Fact, cell: str) -> bool:
    if f.value is None:
        return cell == ""
    if f.unit == "date":
        return cell[:10] == str(f.value)
    v = _number(cell)
    return v is not None and abs(v - float(f.value)) < 1e-6


def totals(book: FactBook, tables: dict[str, list[list[str]]]) -> list[Finding]:
    """A Total row must be the sum of the rows above it in every count column (not shares, not the columns a table
    says do not add up)."""
    out = []
    for tid, rows in tables.items():
        meta = book.tables.get(tid, {})
        formats = meta.get("formats", {})
        skip = set(meta.get("total_not_sum", []))
        header, body = rows[0], rows[1:]
        start = 0
        for i, r in enumerate(body):
            if not r or not r[0].lstrip("'").lower().startswith("total"):
                continue
            above = body[start:i]
            start = i + 1
            for j, col in enumerate(header[1:], 1):
                if col in skip or formats.get(col, "int") != "int" or not above:
                    continue
                values = [_number(x[j]) if j < len(x) else None for x in above]
                total = _number(r[j]) if j < len(r) else None
                if total is None or any(v is None for v in values):
                    continue
                if abs(sum(v for v in values if v is not None) - total) > 1e-6:
                    out.append(
                        Finding(
                            "total",
                            f"table {tid}, row {r[0]!r}, column {col!r}",
                            f"the total is {total:,.0f} but its rows add up to "
                            f"{sum(v for v in values if v is not None):,.0f}",
                        )
                    )
    return out


def shares(book: FactBook) -> list[Finding]:
    out = []
    for f in book:
        if f.numerator is None or f.denominator is None or f.unit != "percent":
            continue
        expected = percent(f.numerator, f.denominator)
        if (expected is None) != (f.value is None) or (
            expected is not None and abs(expected - float(f.value or 0)) > 0.051
        ):
            out.append(
                Finding(
                    "share", f"fact {f.id}", f"{f.value}% is not {f.numerator:,} of {f.denominator:,} ({expected}%)"
                )
            )
    return out


def dates(book: FactBook) -> list[Finding]:
    """A fact dated after its source's as-of date, and an as-of fact whose value is not its source's date."""
    out = []
    for f in book:
        declared = book.as_of.get(f.source)
        if declared is None:
            continue
        if f.as_of is not None and f.as_of.isoformat() > declared:
            out.append(
                Finding("as of", f"fact {f.id}", f"dated {f.as_of.isoformat()}, after its source's data ({declared})")
            )
        if f.unit == "date" and f.id.endswith(".as_of") and f.value != declared:
            out.append(Finding("as of", f"fact {f.id}", f"says {f.value} but its source is as of {declared}"))
    return out


def differences(book: FactBook) -> list[Finding]:
    out = []
    for f in book:
        if f.difference_of is None or f.value is None:
            continue
        now, before = (book.facts.get(i) for i in f.difference_of)
        if now is None or before is None or now.value is None or before.value is None:
            out.append(Finding("comparison", f"fact {f.id}", "compares a fact the report does not hold"))
            continue
        diff = float(now.value) - float(before.value)
        slack = 0.11 if now.unit == "percent" else 1e-6
        if abs(diff - float(f.value)) > slack:
            out.append(
                Finding(
                    "comparison",
                    f"fact {f.id}",
                    f"a change of {fact_text(f)} is not {fact_text(now)} less {fact_text(before)}",
                )
            )
    return out


def sentence_findings(book: FactBook, said: list[Sentence]) -> list[Finding]:
    """Numbers in sentences that are no fact; marks of unknown facts or with another value; changes said without
    the facts they compare."""
    out = []
    for s in said:
        where = f"section {s.section!r}, sentence \u201c{_short(s.text)}\u201d"
        rest = _NOT_NUMBERS.sub(" ", s.unmarked)
        for n in _NUMBER.findall(rest):
            out.append(Finding("not a fact", where, f"the number {n} is not a fact"))
        ids = {fid.split("@")[0] for fid, _ in s.facts}
        for fid, shown in s.facts:
            out.extend(_mark_findings(book, fid, shown, where, ids))
    return out


def _mark_findings(book: FactBook, fid: str, shown: str, where: str, ids: set[str]) -> list[Finding]:
    if fid == LITERAL:
        return []
    base, _, part = fid.partition("@")
    f = book.facts.get(base)
    if f is None:
        return [Finding("unknown fact", where, f"{shown} is marked as fact {base}, which the report does not hold")]
    if part:
        value = f.numerator if part == "numerator" else f.denominator
        if value is None or _number(shown) != float(value):
            return [Finding("share", where, f"{shown} is said as the {part} of {base}, which is {value}")]
        return []
    allowed = {fact_text(f), fact_text(f, zero="none"), fact_text(f, zero="no")}
    if isinstance(f.value, (int, float)) and f.value < 0:
        allowed.add(fact_text(Fact(f.id, -f.value, f.unit, f.definition)))
    if shown not in allowed and not (shown.lower() in ("none", "no") and f.value == 0):
        return [Finding("two values", where, f"{shown} is said for fact {base}, which is {fact_text(f)}")]
    if f.difference_of is not None and not set(f.difference_of) <= ids:
        missing = [i for i in f.difference_of if i not in ids]
        return [
            Finding(
                "comparison",
                where,
                f"the change {shown} ({base}) is said without the number{'s' if len(missing) > 1 else ''} it compares "
                f"({', '.join(missing)})",
            )
        ]
    return []


def audit_parts(book: FactBook, tables: dict[str, list[list[str]]], html_text: str) -> list[Finding]:
    """Every finding for a report held in memory (the property tests call this)."""
    return [
        *conflicts(book),
        *cells(book, tables),
        *totals(book, tables),
        *shares(book),
        *dates(book),
        *differences(book),
        *sentence_findings(book, sentences(html_text)),
    ]


def audit(folder: str | Path) -> list[Finding]:
    """Every disagreement in the report rendered into `folder` (its report.html, facts.json and tables/*.csv)."""
    folder = Path(folder)
    facts_path = folder / FACTS_FILE
    html_path = folder / "report.html"
    for p in (facts_path, html_path):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: not found; expected a folder a carequality render wrote")
    book = FactBook.from_json(json.loads(facts_path.read_text(encoding="utf-8")))
    return audit_parts(book, read_tables(folder), html_path.read_text(encoding="utf-8"))


def describe(findings: list[Finding]) -> str:
    """The findings in plain words, one a line, numbered."""
    if not findings:
        return "The report agrees with itself: every number in its sentences is a fact, and each fact has one value."
    head = f"The report disagrees with itself in {len(findings):,} place{'s' if len(findings) != 1 else ''}:"
    return "\n".join([head, *(f"{i}. [{f.kind}] {f}" for i, f in enumerate(findings, 1))])


__all__ = ["AUDIT_EXIT", "FACTS_FILE", "Finding", "audit", "audit_parts", "describe", "sentences"]
