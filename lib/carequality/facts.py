"""Facts: every number a reader sees, named once (docs/facts.md).

A `Fact` is one number of a report with its id, value, unit, numerator and denominator (a share), the date it
describes, a plain-English definition and the table cells it appears in. Measures make facts; sections write their
sentences and table cells from them (present/facts.say, present/facts.cell); the report gathers every fact it shows
into one `FactBook`, which the renderer writes as facts.json and `carequality audit` holds every output to.

A number in a sentence carries its fact as a mark: `mark(fact_id, text)` wraps the text in three private-use
characters that no input can hold (they are stripped from text read from files), so the report can turn the span
into a link to the fact's definition and the audit can tell a number that is a fact from one that is not.
`unmark` gives the plain text (for chart labels, alt text, text/plain and tests).

This module is a base layer: it imports nothing from carequality, so every layer above may use it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

#: What a fact's value is measured in. "count": a whole number of things (its noun says what); "percent": a share
#: rounded by measures.shares.percent; "points": a change of a share in percentage points; "pounds": money;
#: "months", "days", "years": a length of time; "level": a point on the council's risk scale; "number": any other
#: number (a score); "date": a day (the value is an ISO date); "setting": a number the council chose in its params
#: (a threshold, a limit), shown as it was given.
Unit = Literal["count", "percent", "points", "pounds", "months", "days", "years", "level", "number", "date", "setting"]
UNITS: tuple[str, ...] = get_args(Unit)

#: The marks around a fact's text in a sentence: OPEN id SEP text CLOSE (Unicode private-use characters).
OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
#: The mark id of a `literal`.
LITERAL = "literal"
_MARK = re.compile(f"{OPEN}([^{SEP}{CLOSE}]*){SEP}([^{CLOSE}]*){CLOSE}")
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_\-]+)*$")

Value = int | float | str | None


@dataclass(frozen=True)
class Cell:
    """Where a fact appears in a table: the table's id, the row (the text of the row's first cell) and the column."""

    table: str
    row: str
    column: str

    def to_json(self) -> dict[str, str]:
        return {"table": self.table, "row": self.row, "column": self.column}


@dataclass(frozen=True)
class Fact:
    """One number a reader sees.

    `id` is dotted, lower case, stable across reports ("qa.commissioned.in_area"); `value` is an int or float, an
    ISO date (unit "date") or None (no figure: a share of nothing). `as_of` is the day the value describes (a stock:
    a count of locations); `period` the first and last day of what it sums (a flow: spend, visits, inspections); a
    fact has one or the other or neither (a setting). `source` is the input the value comes from ("cqc",
    "commissioned", "risk_register" …), so the audit can hold each source to one as-of date. A share gives its
    `numerator` and `denominator`; a change names the two facts it is the difference of (`difference_of`: the later
    first), so the audit can check the subtraction and that a sentence names what it compares.
    """

    id: str
    value: Value
    unit: Unit
    definition: str
    noun: str = ""
    as_of: dt.date | None = None
    period: tuple[dt.date, dt.date] | None = None
    source: str = ""
    numerator: int | None = None
    denominator: int | None = None
    difference_of: tuple[str, str] | None = None
    cells: tuple[Cell, ...] = ()

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"fact id {self.id!r}: expected dotted lower-case words, e.g. 'qa.commissioned'")
        if self.unit not in UNITS:
            raise ValueError(f"fact {self.id}: unknown unit {self.unit!r}; expected one of {', '.join(UNITS)}")
        if self.unit == "date" and self.value is not None:
            dt.date.fromisoformat(str(self.value))  # raises for a value that is not a day
        elif self.unit != "date" and isinstance(self.value, str):
            raise ValueError(f"fact {self.id}: a {self.unit} needs a number, not {self.value!r}")
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError(f"fact {self.id}: a share needs both its numerator and its denominator")
        if not self.definition.strip():
            raise ValueError(f"fact {self.id}: every fact needs a plain-English definition")

    def at(self, table: str, row: object, column: str) -> Fact:
        """The same fact, also shown in `table` at `row` (the row's first cell) and `column`."""
        return replace(self, cells=(*self.cells, Cell(table, str(row), column)))

    def same_value(self, other: Fact) -> bool:
        return _same(self.value, other.value)

    def to_json(self) -> dict:
        out: dict = {"id": self.id, "value": self.value, "unit": self.unit, "definition": self.definition}
        if self.noun:
            out["noun"] = self.noun
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        if self.period is not None:
            out["period"] = [self.period[0].isoformat(), self.period[1].isoformat()]
        if self.source:
            out["source"] = self.source
        if self.numerator is not None:
            out["numerator"], out["denominator"] = self.numerator, self.denominator
        if self.difference_of is not None:
            out["difference_of"] = list(self.difference_of)
        if self.cells:
            out["cells"] = [c.to_json() for c in self.cells]
        return out

    @classmethod
    def from_json(cls, d: dict) -> Fact:
        period = d.get("period")
        diff = d.get("difference_of")
        return cls(
            id=d["id"],
            value=d.get("value"),
            unit=d["unit"],
            definition=d["definition"],
            noun=d.get("noun", ""),
            as_of=dt.date.fromisoformat(d["as_of"]) if d.get("as_of") else None,
            period=(dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])) if period else None,
            source=d.get("source", ""),
            numerator=d.get("numerator"),
            denominator=d.get("denominator"),
            difference_of=(diff[0], diff[1]) if diff else None,
            cells=tuple(Cell(c["table"], c["row"], c["column"]) for c in d.get("cells", [])),
        )


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


@dataclass
class Conflict:
    """One fact id given two values: by two sections, or twice by one."""

    id: str
    values: tuple[Value, Value]
    where: tuple[str, str]

    def to_json(self) -> dict:
        return {"id": self.id, "values": list(self.values), "where": list(self.where)}


@dataclass
class FactBook:
    """Every fact a report shows, by id, and where each was stated (the sections). A fact stated twice with one value
    is one fact (its cells joined); with two values it is a `Conflict`, which the audit reports. `as_of` holds each
    source's one as-of date (the report declares it once: `declare_source`)."""

    facts: dict[str, Fact] = field(default_factory=dict)
    stated_in: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    as_of: dict[str, str] = field(default_factory=dict)
    #: Table id → what the audit needs to know of it (its number, caption, columns whose Total is not a sum).
    tables: dict[str, dict] = field(default_factory=dict)

    def add(self, fact: Fact, where: str = "") -> Fact:
        old = self.facts.get(fact.id)
        places = self.stated_in.setdefault(fact.id, [])
        if where and where not in places:
            places.append(where)
        if old is None:
            self.facts[fact.id] = fact
            return fact
        if not old.same_value(fact):
            first = places[0] if places else ""
            self.conflicts.append(Conflict(fact.id, (old.value, fact.value), (first, where)))
            return old
        cells = old.cells + tuple(c for c in fact.cells if c not in old.cells)
        self.facts[fact.id] = replace(old, cells=cells)
        return self.facts[fact.id]

    def extend(self, facts: Iterable[Fact], where: str = "") -> None:
        for f in facts:
            self.add(f, where)

    def declare_source(self, source: str, as_of: dt.date | str | None) -> None:
        """The one date `source`'s data are as of; declared twice with two dates is a conflict the audit reports."""
        if as_of is None:
            return
        day = as_of if isinstance(as_of, str) else as_of.isoformat()
        old = self.as_of.setdefault(source, day)
        if old != day:
            self.conflicts.append(Conflict(f"as_of.{source}", (old, day), ("", "")))

    def __getitem__(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.facts

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def to_json(self) -> dict:
        return {
            "facts": [
                {**f.to_json(), "stated_in": self.stated_in.get(f.id, [])}
                for f in sorted(self.facts.values(), key=lambda f: f.id)
            ],
            "conflicts": [c.to_json() for c in self.conflicts],
            "as_of": dict(sorted(self.as_of.items())),
            "tables": dict(sorted(self.tables.items())),
        }

    @classmethod
    def from_json(cls, d: dict) -> FactBook:
        book = cls(as_of=dict(d.get("as_of", {})), tables=dict(d.get("tables", {})))
        for f in d.get("facts", []):
            fact = Fact.from_json(f)
            book.facts[fact.id] = fact
            book.stated_in[fact.id] = list(f.get("stated_in", []))
        book.conflicts = [
            Conflict(c["id"], (c["values"][0], c["values"][1]), (c["where"][0], c["where"][1]))
            for c in d.get("conflicts", [])
        ]
        return book


def count(fact_id: str, value: int, definition: str, noun: str, **where: Any) -> Fact:
    """A whole number of things (`noun`, singular: 'location'); `where` takes Fact's other fields (as_of, source …)."""
    return Fact(fact_id, int(value), "count", definition, noun=noun, **where)


def setting(fact_id: str, value: float, definition: str, noun: str = "") -> Fact:
    """A number the council chose in its params (a threshold, a limit), shown as it was given."""
    v: float = int(value) if float(value) == int(value) else float(value)
    return Fact(fact_id, v, "setting", definition, noun=noun, source="params")


def day(fact_id: str, value: dt.date | None, definition: str, **where: Any) -> Fact:
    """A date a reader sees (an as-of date, the baseline): its value is the ISO day."""
    iso = None if value is None else (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return Fact(fact_id, iso, "date", definition, **where)


# -- marks: a fact's text inside a sentence ------------------------------------------------------------------------
def mark(fact_id: str, text: str) -> str:
    """`text` (a fact's value as a sentence writes it) marked as the fact `fact_id`."""
    return f"{OPEN}{fact_id}{SEP}{text}{CLOSE}"


def literal(text: str) -> str:
    """A number that is not a measure of anything (a worked example in the method appendix: '12.25% is written
    12.3%'), marked so the audit passes it. Never for a number a reader weighs: that is a fact."""
    return mark(LITERAL, text)


def unmark(text: str) -> str:
    """The text a reader sees: marks removed, their text kept."""
    if OPEN not in text:
        return text
    return _MARK.sub(lambda m: m.group(2), text)


def marks(text: str) -> list[tuple[str, str]]:
    """The (fact id, text) of every mark in `text`, in order."""
    return [(m.group(1), m.group(2)) for m in _MARK.finditer(text)]


def replace_marks(text: str, fn: Callable[[str, str], str]) -> str:
    """`text` with each mark replaced by fn(fact_id, text) (the report's HTML link); the rest passed as it is."""
    return _MARK.sub(lambda m: fn(m.group(1), m.group(2)), text)


def strip_mark_characters(text: str) -> str:
    """Text read from an input with any of the three mark characters removed, so no input can forge a fact."""
    return text.translate({ord(OPEN): None, ord(SEP): None, ord(CLOSE): None})
