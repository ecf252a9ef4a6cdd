"""FactSet: the facts of one part of a report, made with one id prefix, date and source (docs/facts.md).

    f = FactSet("qa_activity", period=(start, end), source="qa_visits")
    visits = f.count("visits", n, "Quality assurance visits made in the period.", "visit")
    ...
    Section(..., facts=f.made)

Each maker takes `at=(table, row, column)` (or a list of them): the table cells that show the fact, which the audit
checks. Every fact made is kept in `made`, in order, so a section hands them all to the report at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carequality.facts import Cell, Fact, count, day, setting, slug
from carequality.measures.shares import change, share


def _day(d: object) -> dt.date | None:
    if d is None or (not isinstance(d, str) and pd.isna(d)):
        return None
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return pd.Timestamp(str(d)).date()


@dataclass
class FactSet:
    """Facts with ids `prefix.key`, from `source`, dated `as_of` (a stock); a maker given `period=None` (or a set
    without as_of) dates its fact by the set's `period` (a flow: visits, cases opened, spend)."""

    prefix: str
    as_of: object = None
    period: tuple[object, object] | None = None
    source: str = ""
    made: list[Fact] = field(default_factory=list)

    def _where(self, kw: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source}
        at = kw.pop("at", None)  # (table, row, column), or a list of them: the cells that show the fact
        if at:
            out["cells"] = tuple(Cell(t, str(r), c) for t, r, c in ([at] if isinstance(at[0], str) else at))
        if "period" in kw or ("as_of" not in kw and self.as_of is None):
            p = kw.pop("period", None) or self.period
            if p is not None:
                start, end = _day(p[0]), _day(p[1])
                if start is not None and end is not None:
                    out["period"] = (start, end)
        else:
            a = _day(kw.pop("as_of", self.as_of))
            if a is not None:
                out["as_of"] = a
        out.update(kw)
        return out

    def keep(self, fact: Fact) -> Fact:
        self.made.append(fact)
        return fact

    def id(self, key: str) -> str:
        """`prefix.key`, each dotted part of the key made an id's part (facts.slug)."""
        key = ".".join(slug(k) for k in key.split("."))
        return f"{self.prefix}.{key}" if self.prefix else key

    def keep_as(self, fact_id: str, value: object, definition: str, noun: str = "", **kw: Any) -> Fact:
        """A count under an id of its own, not this set's prefix: the fact another section states too."""
        return self.keep(count(fact_id, int(value), definition, noun, **self._where(kw)))  # type: ignore[call-overload]

    def count(self, key: str, value: object, definition: str, noun: str = "", **kw: Any) -> Fact:
        return self.keep(count(self.id(key), int(value), definition, noun, **self._where(kw)))  # type: ignore[call-overload]

    def share(self, key: str, numerator: object, denominator: object, definition: str, **kw: Any) -> Fact:
        return self.keep(share(self.id(key), int(numerator), int(denominator), definition, **self._where(kw)))  # type: ignore[call-overload]

    def change(self, key: str, now: Fact, before: Fact, definition: str, **kw: Any) -> Fact:
        where = self._where(kw)
        where.pop("period", None)
        where["as_of"] = now.as_of
        return self.keep(change(self.id(key), now, before, definition, **where))

    def setting(self, key: str, value: float, definition: str, noun: str = "") -> Fact:
        return self.keep(setting(f"settings.{key}", value, definition, noun))

    def day(self, key: str, value: object, definition: str, **kw: Any) -> Fact:
        where = {"source": self.source, **kw}
        return self.keep(day(self.id(key), _day(value), definition, **where))

    def number(self, key: str, value: float, unit: str, definition: str, noun: str = "", **kw: Any) -> Fact:
        """Any other number: money ('pounds'), a length of time ('months', 'days'), a score ('number')."""
        v: float | int = int(value) if float(value) == int(value) else float(value)
        return self.keep(Fact(self.id(key), v, unit, definition, noun=noun, **self._where(kw)))  # type: ignore[arg-type]

    def add(self, facts: list[Fact]) -> None:
        self.made.extend(facts)
