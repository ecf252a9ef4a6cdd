"""Build the monthly counts file a report compares against (`inputs.area_ratings_by_month`).

From CQC history inputs — a folder of national monthly "Care directory with ratings" files, a CQC API
download, or both — count, for every month end, the active adult social care locations of each council,
region and England by category and rating, with the same function the report uses
(`benchmarks.counts_from_history`). National files cover every area; anything narrower covers only the
council named with `council` (see counts_from_history).
"""

from __future__ import annotations

from pathlib import Path

from carequality.errors import InputError
from carequality.measures.compare import counts_from_history, history_coverage, months_between
from carequality.model.history import merge
from carequality.run.atomic import atomic_path
from carequality.sources.area_counts import write_area_counts
from carequality.sources.cqc_api import load_api_folder
from carequality.sources.snapshots import load_snapshot_folder


def build_counts_file(
    out: str | Path,
    *,
    start: str,
    end: str,
    snapshots: str | Path | None = None,
    api: str | Path | None = None,
    council: str | None = None,
    include_inherited: bool = True,
) -> tuple[Path, int]:
    """Write the counts for the months from `start` to `end` ('YYYY-MM') to `out` atomically; return (path, rows)."""
    if snapshots is None and api is None:
        raise InputError(None, "give --snapshots, --api or both: the counts come from a ratings history")
    histories = []
    if api is not None:
        histories.append(load_api_folder(api).history)
    if snapshots is not None:
        histories.append(load_snapshot_folder(snapshots).history)
    history = merge(*histories) if len(histories) == 2 else histories[0]
    covered_from, covered_to = history_coverage(history)
    counts = counts_from_history(
        history,
        months_between(start, end),
        council=council,
        covered_from=covered_from,
        covered_to=covered_to,
        include_inherited=include_inherited,
        source="CQC monthly files" if api is None else "CQC ratings history",
    )
    if counts.empty:
        raise InputError(
            snapshots or api,
            f"the history covers no council in full from {start} to {end}; "
            "national files cover every council, a narrower input needs --council",
        )
    out = Path(out)
    with atomic_path(out) as tmp:
        write_area_counts(counts, tmp)
    return out, len(counts)
