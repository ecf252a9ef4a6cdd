"""Checks that run before any kernel starts: do the CQC inputs hold the params file's council?

A params file that names York but points at a CQC file (or API folder, or folder of monthly files) of another
council would otherwise pass `carequality check` and fail, or print an empty report, inside a section. Here each
CQC input is read cheaply (the ratings file's locations from its Parquet cache entry; each API response for its
`localAuthority` and `type` only) and an InputError names which councils the data hold instead.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..councils import council_for_cqc_name
from ..errors import InputError
from ..params import ReportParams
from .tabular import shorten


def local_authorities_in_ratings_file(path: Path, location_types: tuple[str, ...]) -> Counter:
    """'Location Local Authority' → number of locations of these types in a ratings file (through the cache)."""
    from ..cache import cached_frame

    frame = cached_frame(path, "locations", ["local_authority"], location_types=location_types)
    return Counter(frame["local_authority"].astype(str))


def local_authorities_in_api_folder(path: Path, location_types: tuple[str, ...]) -> Counter:
    """localAuthority → number of locations of these types in a folder of CQC API responses. Responses that are
    not location objects are skipped here: the loader names them."""
    from .cqc_api import _location_files, read_json

    counts: Counter = Counter()
    types: Counter = Counter()
    seen: set[str] = set()
    for f in _location_files(path):
        data = read_json(f)
        if not isinstance(data, dict):
            continue
        loc, kind, area = data.get("locationId"), data.get("type"), data.get("localAuthority")
        if not isinstance(loc, str) or loc in seen:
            continue
        seen.add(loc)
        types[kind if isinstance(kind, str) else ""] += 1
        if kind in location_types:
            counts[area if isinstance(area, str) else ""] += 1
    unmatched = [t for t in location_types if t not in types]
    if unmatched and types:
        listed = ", ".join(f"{shorten(t)!r} ({n:,} location{'s' if n != 1 else ''})" for t, n in sorted(types.items()))
        raise InputError(path, f"options.location_types {', '.join(repr(shorten(t)) for t in unmatched)} matches no "
                               f"location in this folder; its location types (field 'type') are {listed}",
                         column="type")
    return counts


def local_authorities_in_snapshots(path: Path, location_types: tuple[str, ...]) -> Counter:
    """'Location Local Authority' → locations of these types in any of a folder's monthly files (through the cache)."""
    from .snapshots import snapshot_files

    ids: dict[str, str] = {}
    for f in snapshot_files(path):
        from ..cache import cached_frame

        frame = cached_frame(f, "locations", ["location_id", "local_authority"], location_types=location_types)
        ids.update(zip(frame["location_id"].astype(str), frame["local_authority"].astype(str)))
    return Counter(ids.values())


def _in_area(name: str, params: ReportParams) -> bool:
    extra = {n.casefold() for n in params.council.cqc_names}
    return council_for_cqc_name(name) == params.council.council or name.casefold() in extra


def describe(counts: Counter, limit: int = 5) -> str:
    """'Leeds (412 locations), Bradford (3 locations) and 2 more areas': the areas with most locations first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{shorten(name or '(blank)', 40)} ({n:,} location{'s' if n != 1 else ''})" for name, n in ranked[:limit]]
    more = len(ranked) - limit
    return ", ".join(shown) + (f" and {more:,} more area{'s' if more != 1 else ''}" if more > 0 else "")


def check_council_in_data(params: ReportParams) -> None:
    """InputError when a CQC input holds none of the council's locations, naming the councils it does hold."""
    types = params.options.location_types
    council = params.council
    readers = {"cqc_ratings": (local_authorities_in_ratings_file, "'Location Local Authority'"),
               "cqc_api": (local_authorities_in_api_folder, "localAuthority"),
               "cqc_snapshots": (local_authorities_in_snapshots, "'Location Local Authority'")}
    for name, (read, field) in readers.items():
        relative = getattr(params.inputs, name)
        if relative is None:
            continue
        path = params.path(relative)
        counts = read(path, types)
        if not counts:
            continue  # no locations of these types at all: the loader says so, naming the types present
        if any(_in_area(area, params) for area in counts):
            continue
        raise InputError(
            path,
            f"holds no location of {council.name} ({council.code}), the council the params file names: by CQC's "
            f"{field} its {sum(counts.values()):,} locations are in {describe(counts)}; expected {council.name}'s "
            f"locations (check council in the params file and inputs.{name}, or add the area's spelling to "
            "council.cqc_names)",
        )


def preflight(params: ReportParams) -> None:
    """Every check that can run before a kernel starts, cheaply."""
    check_council_in_data(params)
