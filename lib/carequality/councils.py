"""The 153 English councils with adult social care duties: ONS code, name, region and the names CQC files use.

The table ships with the package (resources/councils.csv, built by scripts/build_councils.py from the
ONS April 2023 LTLA→UTLA lookup and mySociety's register) so that nothing here reads ../shared at run time.
"""

from __future__ import annotations

import csv
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

    @property
    def slug(self) -> str:
        return slugify(self.short_name)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fold(name: str) -> str:
    return " ".join(name.replace("&", "and").casefold().split())


@cache
def all_councils() -> tuple[Council, ...]:
    text = files("carequality").joinpath("resources/councils.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Council(r["ons_code"], r["name"], r["short_name"], r["region"], tuple(r["aliases"].split(";"))) for r in rows
    )


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
    """The council with this ONS code, or KeyError."""
    return _by_code()[code.strip().upper()]


def find_council(code_or_name: str) -> Council:
    """The council named by an ONS code or any of its names (case and '&' ignored), or KeyError."""
    key = code_or_name.strip()
    if key.upper() in _by_code():
        return _by_code()[key.upper()]
    return _by_name()[_fold(key)]


def council_for_cqc_name(name: str) -> Council | None:
    """The council a CQC 'Location Local Authority' text names, or None."""
    return _by_name().get(_fold(name))


def regions() -> tuple[str, ...]:
    return tuple(sorted({c.region for c in all_councils()}))
