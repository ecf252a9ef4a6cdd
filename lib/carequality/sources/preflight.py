"""Which areas a CQC input's locations are in, read cheaply: the ratings file's locations from its Parquet cache
entry, each API response for its `localAuthority` and `type` only. model/preflight.py checks them against the
params file's council before any kernel starts.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from carequality.errors import InputError
from carequality.sources.tabular import shorten


def local_authorities_in_ratings_file(path: Path, location_types: tuple[str, ...]) -> Counter:
    """'Location Local Authority' → number of locations of these types in a ratings file (through the cache)."""
    from carequality.sources.cache import cached_frame

    frame = cached_frame(path, "locations", ["local_authority"], location_types=location_types)
    return Counter(frame["local_authority"].astype(str))


def local_authorities_in_api_folder(path: Path, location_types: tuple[str, ...]) -> Counter:
    """localAuthority → number of locations of these types in a folder of CQC API responses. Responses that are
    not location objects are skipped here: the loader names them."""
    from carequality.sources.cqc_api import location_files, read_json

    counts: Counter = Counter()
    types: Counter = Counter()
    seen: set[str] = set()
    for f in location_files(path):
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
        raise InputError(
            path,
            f"options.location_types {', '.join(repr(shorten(t)) for t in unmatched)} matches no "
            f"location in this folder; its location types (field 'type') are {listed}",
            column="type",
        )
    return counts


def local_authorities_in_snapshots(path: Path, location_types: tuple[str, ...]) -> Counter:
    """'Location Local Authority' → locations of these types in any of a folder's monthly files (through the cache)."""
    from carequality.sources.snapshots import snapshot_files

    ids: dict[str, str] = {}
    for f in snapshot_files(path):
        from carequality.sources.cache import cached_frame

        frame = cached_frame(f, "locations", ["location_id", "local_authority"], location_types=location_types)
        ids.update(zip(frame["location_id"].astype(str), frame["local_authority"].astype(str)))
    return Counter(ids.values())


def describe(counts: Counter, limit: int = 5) -> str:
    """'Leeds (412 locations), Bradford (3 locations) and 2 more areas': the areas with most locations first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{shorten(name or '(blank)', 40)} ({n:,} location{'s' if n != 1 else ''})" for name, n in ranked[:limit]]
    more = len(ranked) - limit
    return ", ".join(shown) + (f" and {more:,} more area{'s' if more != 1 else ''}" if more > 0 else "")
