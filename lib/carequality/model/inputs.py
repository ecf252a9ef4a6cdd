"""Load the inputs params name, beyond the latest ratings file: the ratings history (cqc_api, cqc_snapshots) and
the benchmarks (ratings counts by area and month, an LG Inform-style series, the peer group).

History: both folders may be given; the API's outcomes win where they overlap and the monthly files add the rest
(see history.merge). The latest-ratings view comes from the API when there is no ratings file, else from the
latest monthly file. Benchmarks: docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carequality import vocab
from carequality.areas import PeerGroup, peer_group
from carequality.errors import InputError, LocationTypesError
from carequality.model.asof import cqc_as_of
from carequality.model.history import latest_ratings_view, merge
from carequality.params import ReportParams
from carequality.sources.area_counts import as_of as counts_as_of
from carequality.sources.area_counts import load_area_counts
from carequality.sources.cqc_api import load_api_folder
from carequality.sources.frames import History
from carequality.sources.lginform import ExternalSeries, load_lginform_csv
from carequality.sources.neighbours import load_comparator_list
from carequality.sources.provenance import InputFile, sha256_of
from carequality.sources.ratings_file import LOCATION_COLUMNS, RatingsFile
from carequality.sources.snapshots import load_snapshot_files, load_snapshot_folder


def iso_day(ts: object) -> str | None:
    """A timestamp as YYYY-MM-DD for the manifest and method note; None for a missing one."""
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


@dataclass
class HistoryInputs:
    history: History | None = None
    #: Latest ratings from the history inputs, for a model without a ratings file.
    latest: RatingsFile | None = None
    inputs: list[InputFile] = field(default_factory=list)
    #: The API download's list filters (None without inputs.cqc_api), the monthly files' dates, and the Single
    #: Assessment Framework's key-question scores (sources.cqc_api.KEY_QUESTION_SCORE_COLUMNS; None without the API).
    api_list_filters: dict[str, str] | None = None
    snapshot_dates: list[pd.Timestamp] = field(default_factory=list)
    key_question_scores: pd.DataFrame | None = None


@contextmanager
def location_types_named(params: ReportParams) -> Iterator[None]:
    """A location type in params that matches no location of a CQC input is the params file's mistake: the message
    names the params file and its setting (and the input it was checked against), not the input alone."""
    try:
        yield
    except LocationTypesError as e:
        raise InputError(params.source_file or "the params file", e.message) from None


def load_history_inputs(params: ReportParams) -> HistoryInputs:
    """Load cqc_api and cqc_snapshots when params give them; an empty HistoryInputs when neither is given."""
    out = HistoryInputs()
    types = params.options.location_types
    api = snaps = None
    if params.inputs.cqc_api is not None:
        api = load_api_folder(params.path(params.inputs.cqc_api), location_types=types)
        # The download's date: the latest report, registration or closure it holds (model/asof.py).
        out.inputs.append(
            InputFile(
                "cqc_api",
                api.path,
                api.sha256,
                iso_day(cqc_as_of(history=api.history)),
                f"CQC API responses for {api.files:,} locations",
            )
        )
    if params.inputs.cqc_snapshots is not None:
        snaps = load_snapshot_folder(params.path(params.inputs.cqc_snapshots), location_types=types)
        out.inputs.append(
            InputFile(
                "cqc_snapshots",
                snaps.path,
                snaps.sha256,
                iso_day(snaps.latest.as_of),
                f"{len(snaps.snapshots):,} CQC care directory files from {iso_day(snaps.snapshots[0].as_of)} "
                f"to {iso_day(snaps.latest.as_of)}",
            )
        )
    if params.inputs.cqc_ratings_start is not None and params.inputs.cqc_ratings is not None:
        # Two monthly files (the start and the end of the period) are a history of two snapshots.
        start = params.path(params.inputs.cqc_ratings_start)
        snaps = load_snapshot_files([start, params.path(params.inputs.cqc_ratings)], start, location_types=types)
        first = next(s for s in snaps.snapshots if s.file == start)
        out.inputs.append(
            InputFile(
                "cqc_ratings_start",
                start,
                sha256_of(start),
                iso_day(first.as_of),
                f"CQC care directory with ratings as of {iso_day(first.as_of)} (from its {first.as_of_from}), "
                "compared with the one as of the period's end",
            )
        )
    if api is not None:
        out.api_list_filters, out.key_question_scores = api.list_filters, api.key_question_scores
    if snaps is not None:
        out.snapshot_dates = [s.as_of for s in snaps.snapshots]
    if api is not None and snaps is not None:
        out.history = merge(api.history, snaps.history)
    elif api is not None:
        out.history = api.history
    elif snaps is not None:
        out.history = snaps.history
    if api is not None:
        out.latest = latest_ratings_view(api)
    elif snaps is not None:
        out.latest = snaps.latest.ratings
    return out


@dataclass
class BenchmarkInputs:
    area_counts: pd.DataFrame | None = None
    external: ExternalSeries | None = None
    peer_group: PeerGroup | None = None
    inputs: list[InputFile] = field(default_factory=list)


def load_benchmark_inputs(params: ReportParams) -> BenchmarkInputs:
    out = BenchmarkInputs()
    i, o = params.inputs, params.options
    if i.area_ratings_by_month is not None:
        path = params.path(i.area_ratings_by_month)
        out.area_counts = load_area_counts(path)
        months = sorted(set(out.area_counts["month"]))
        out.inputs.append(
            InputFile(
                "area_ratings_by_month",
                path,
                sha256_of(path),
                iso_day(counts_as_of(out.area_counts)),
                f"ratings counts by area and month, {months[0]} to {months[-1]}, "
                f"{out.area_counts['area_code'].nunique():,} areas",
            )
        )
    if i.external_benchmark is not None:
        out.external = load_lginform_csv(params.path(i.external_benchmark))
        e = out.external
        out.inputs.append(
            InputFile(
                "external_benchmark",
                e.path,
                e.sha256,
                iso_day(e.as_of),
                f"external series (LG Inform-style export): {'; '.join(e.indicators)}",
            )
        )
    if i.peer_group is not None:
        path = params.path(i.peer_group)
        codes = load_comparator_list(path)
        try:
            out.peer_group = peer_group(o.peer_group_name or "", codes, council=params.council.code, source=path.name)
        except ValueError as err:
            raise InputError(path, str(err)) from None
        out.inputs.append(
            InputFile("peer_group", path, sha256_of(path), None, f"comparator list of {len(codes)} councils")
        )
    elif o.peer_group_codes:
        out.peer_group = peer_group(
            o.peer_group_name or "",
            o.peer_group_codes,
            council=params.council.code,
            source="params (options.peer_group_codes)",
        )
    return out


def no_ratings(path: Path) -> RatingsFile:
    """An empty latest-ratings view, for a report whose only input is an external benchmark series."""
    locations = pd.DataFrame({c: pd.Series([], dtype=str) for c in LOCATION_COLUMNS})
    locations["overall_rating"] = pd.Series([], dtype=vocab.RATING_DTYPE)
    locations["publication_date"] = pd.Series([], dtype="datetime64[ns]")
    locations["inherited"] = pd.Series([], dtype=bool)
    level = pd.DataFrame(
        {
            "location_id": pd.Series([], dtype=str),
            "key_question": pd.Series([], dtype=str),
            "rating": pd.Series([], dtype=vocab.RATING_DTYPE),
            "publication_date": pd.Series([], dtype="datetime64[ns]"),
            "inherited": pd.Series([], dtype=bool),
            "row": pd.Series([], dtype="Int64"),
        }
    )
    return RatingsFile(
        path=path,
        sha256="",
        header_era="none",
        date_format="none",
        locations=locations,
        ratings_by_location_key_question=level,
        ratings_by_location_service_group_key_question=level.assign(service_group=pd.Series([], dtype=str)),
        service_groups_by_location=pd.DataFrame(
            {"location_id": pd.Series([], dtype=str), "service_group": pd.Series([], dtype=str)}
        ),
        excluded_by_location_type=pd.DataFrame(
            {
                "location_type": pd.Series([], dtype=str),
                "rows": pd.Series([], dtype="int64"),
                "locations": pd.Series([], dtype="int64"),
            }
        ),
    )
