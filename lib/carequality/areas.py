"""The areas a council is compared with: England, the nine regions, the 153 councils and a peer group.

Codes are ONS codes (E92000001 England, E12… regions, E06/E08/E09/E10 councils). The area types name the
rows of every comparison table and the lines of every comparison chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carequality.councils import Council, council_by_code

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
#: ONS codes of the nine English regions, by the names councils.csv uses.
REGION_CODES: dict[str, str] = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}
REGION_NAMES: dict[str, str] = {code: name for name, code in REGION_CODES.items()}

#: Area types, in the order comparisons list them.
COUNCIL, REGION, PEERS, ENGLAND = "council", "region", "peer group", "england"


def area_type_of(code: str) -> str:
    """council, region or england, from the ONS code's prefix."""
    if code == ENGLAND_CODE:
        return ENGLAND
    if code.startswith("E12"):
        return REGION
    return COUNCIL


def region_code(council: Council) -> str:
    return REGION_CODES[council.region]


@dataclass(frozen=True)
class PeerGroup:
    """A named list of comparator councils (ONS codes), with where it came from and what was done to it."""

    name: str
    codes: tuple[str, ...]
    source: str
    notes: tuple[str, ...] = field(default=())

    @property
    def councils(self) -> tuple[Council, ...]:
        return tuple(council_by_code(c) for c in self.codes)

    def describe(self) -> str:
        names = ", ".join(c.short_name for c in self.councils)
        return f"{self.name} ({len(self.codes)} councils: {names})"


def peer_group(name: str, codes: list[str] | tuple[str, ...], *, council: str, source: str) -> PeerGroup:
    """A peer group for `council` from validated ONS codes; the council itself, if listed, is left out and noted."""
    notes = []
    kept: list[str] = []
    for c in codes:
        if c == council:
            notes.append(f"{council_by_code(c).short_name} itself is in the list and is not counted as its own peer")
            continue
        if c not in kept:
            kept.append(c)
    if not kept:
        raise ValueError(f"peer group {name!r} has no councils other than the council itself")
    return PeerGroup(name=name, codes=tuple(kept), source=source, notes=tuple(notes))
