"""The 153 English councils with adult social care duties: ONS code, name, region and the names CQC files use;
and the councils reorganisations replaced (Somerset, Cumbria, North Yorkshire, Northamptonshire, Buckinghamshire,
Dorset, Bournemouth and Poole), each with the days it was valid, so a report for a period before a reorganisation
names the council of its day.

The table ships with the package (resources/councils.csv, built by scripts/build_councils.py from the
ONS April 2023 LTLA→UTLA lookup and mySociety's register) so that nothing here reads ../shared at run time.
`all_councils()`, `council_by_code` and `council_for_cqc_name` without a date know the current councils only.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Council:
    ons_code: str
    name: str
    short_name: str
    region: str
    aliases: tuple[str, ...]
    #: First and last day the council existed (None: no limit within the table's reach).
    start: dt.date | None = None
    end: dt.date | None = None
    #: ONS codes of the councils that replaced it.
    replaced_by: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.short_name)

    @property
    def current(self) -> bool:
        return self.end is None

    def valid_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def known_as(self, name: str) -> bool:
        """True if `name` is one of the council's names as people write them: its name, short name or an alias
        ('Leeds', 'Leeds City Council'), letter case, spaces and '&' for 'and' ignored, as find_council matches."""
        return _fold(name) in {_fold(n) for n in (self.name, self.short_name, *self.aliases)}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fold(name: str) -> str:
    return " ".join(name.replace("&", "and").casefold().split())


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def councils_ever() -> tuple[Council, ...]:
    """Every council in the table: the 153 current ones, then those reorganisations replaced."""
    text = files("carequality").joinpath("resources/councils.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Council(
            r["ons_code"],
            r["name"],
            r["short_name"],
            r["region"],
            tuple(r["aliases"].split(";")),
            _day(r.get("start_date")),
            _day(r.get("end_date")),
            tuple(c for c in (r.get("replaced_by") or "").split(";") if c),
        )
        for r in rows
    )


@cache
def all_councils() -> tuple[Council, ...]:
    """The 153 councils with adult social care duties today."""
    return tuple(c for c in councils_ever() if c.current)


@cache
def former_councils() -> tuple[Council, ...]:
    """The councils reorganisations replaced, with their last day and successors."""
    return tuple(c for c in councils_ever() if not c.current)


@cache
def _by_code() -> dict[str, Council]:
    return {c.ons_code: c for c in all_councils()}


@cache
def _by_name() -> dict[str, Council]:
    index: dict[str, Council] = {}
    for c in all_councils():
        for name in (c.name, c.short_name, *c.aliases):
            index.setdefault(_fold(name), c)
    return index


def council_by_code(code: str) -> Council:
    """The current council with this ONS code, or KeyError."""
    return _by_code()[code.strip().upper()]


def any_council_by_code(code: str) -> Council:
    """The council, current or replaced, with this ONS code, or KeyError."""
    key = code.strip().upper()
    for c in councils_ever():
        if c.ons_code == key:
            return c
    raise KeyError(key)


def formal_name(code: str, name: str) -> str:
    """The council's name as it signs its papers ('City of York Council', 'Oldham Metropolitan Borough Council'):
    the first of its names in the table that ends in "Council" and is written as a name, else "<name> Council"."""
    try:
        aliases = any_council_by_code(code).aliases
    except KeyError:
        aliases = ()
    formal = [a for a in aliases if a.endswith(" Council") and a[:1].isupper()]
    return formal[0] if formal else f"{name} Council"


def predecessors(council: Council) -> tuple[Council, ...]:
    """The councils `council` replaced."""
    return tuple(c for c in former_councils() if council.ons_code in c.replaced_by)


def covering_successors(council: Council) -> tuple[Council, ...]:
    """The successors that together cover exactly a replaced council's area, when each of them replaced it alone
    (a rename such as Somerset, or a split such as Cumbria); () when a successor also took in another council's
    area (Bournemouth and Poole merged with Christchurch)."""
    after = tuple(any_council_by_code(c) for c in council.replaced_by)
    return after if after and all(predecessors(c) == (council,) for c in after) else ()


def council_period_problem(council: Council, start: dt.date, end: dt.date) -> str | None:
    """Why `council` cannot be the council of a period from `start` to `end` (it did not exist for all of it), naming
    the council(s) of that time; None when it can."""

    def names(codes: tuple[Council, ...], word: str) -> str:
        parts = [f"{c.ons_code} ({c.name})" for c in codes]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]

    if council.end is not None and end > council.end:
        after = tuple(any_council_by_code(c) for c in council.replaced_by)
        return (
            f"{council.ons_code} ({council.name}) was replaced on {council.end + dt.timedelta(days=1)} by "
            f"{names(after, 'and')}; the period ends {end}: use the council of that time, or end the period by "
            f"{council.end}"
        )
    if council.start is not None and start < council.start:
        before = predecessors(council)
        return (
            f"{council.ons_code} ({council.name}) began on {council.start}; the period starts {start}: for a "
            f"period before then use the council of that time: {names(before, 'or') if before else 'not in this table'}"
        )
    return None


def find_council(code_or_name: str) -> Council:
    """The council named by an ONS code or any of its names (case and '&' ignored), or KeyError."""
    key = code_or_name.strip()
    if key.upper() in _by_code():
        return _by_code()[key.upper()]
    return _by_name()[_fold(key)]


def find_any_council(code_or_name: str) -> Council:
    """As find_council (what `carequality params new` accepts: an ONS code or any name), then the councils
    reorganisations replaced; KeyError when none is known by it."""
    try:
        return find_council(code_or_name)
    except KeyError:
        pass
    key = code_or_name.strip()
    for c in former_councils():
        if c.ons_code == key.upper() or c.known_as(key):
            return c
    raise KeyError(key)


def closest_council_name(text: str) -> str | None:
    """The current council's name nearest to `text` as typed (for "did you mean …"), or None."""
    import difflib

    names = {_fold(n): c.name for c in all_councils() for n in (c.name, c.short_name, *c.aliases)}
    near = difflib.get_close_matches(_fold(text), list(names), n=1, cutoff=0.75)
    return names[near[0]] if near else None


def council_for_cqc_name(name: str, at: dt.date | None = None) -> Council | None:
    """The council a CQC 'Location Local Authority' text names, or None; with `at`, the council of that name on that
    day ("Somerset" on 1 March 2023 is Somerset County Council, E10000027; on 1 April 2023 Somerset Council)."""
    if at is None:
        return _by_name().get(_fold(name))
    key = _fold(name)
    for c in councils_ever():
        if c.valid_on(at) and key in {_fold(n) for n in (c.name, c.short_name, *c.aliases)}:
            return c
    return None


def regions() -> tuple[str, ...]:
    return tuple(sorted({c.region for c in all_councils()}))
