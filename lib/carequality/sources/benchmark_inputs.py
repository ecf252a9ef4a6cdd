"""Load the benchmark inputs named in params: ratings counts by area and month, an LG Inform-style external
series and the peer group (a comparator list file or ONS codes in params). See docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import vocab
from ..benchmarks import PeerGroup, peer_group
from ..errors import InputError
from ..params import ReportParams
from .area_counts import as_of as counts_as_of
from .area_counts import load_area_counts
from .lginform import ExternalSeries, load_lginform_csv
from .neighbours import load_comparator_list
from .provenance import InputFile, sha256_of
from .ratings_file import LOCATION_COLUMNS, RatingsFile


@dataclass
class BenchmarkInputs:
    area_counts: pd.DataFrame | None = None
    external: ExternalSeries | None = None
    peer_group: PeerGroup | None = None
    inputs: list[InputFile] = field(default_factory=list)


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def load_benchmark_inputs(params: ReportParams) -> BenchmarkInputs:
    out = BenchmarkInputs()
    i, o = params.inputs, params.options
    if i.area_ratings_by_month is not None:
        path = params.path(i.area_ratings_by_month)
        out.area_counts = load_area_counts(path)
        months = sorted(set(out.area_counts["month"]))
        out.inputs.append(InputFile(
            "area_ratings_by_month", path, sha256_of(path), _iso(counts_as_of(out.area_counts)),
            f"ratings counts by area and month, {months[0]} to {months[-1]}, "
            f"{out.area_counts['area_code'].nunique():,} areas"))
    if i.external_benchmark is not None:
        out.external = load_lginform_csv(params.path(i.external_benchmark))
        e = out.external
        out.inputs.append(InputFile(
            "external_benchmark", e.path, e.sha256, _iso(e.as_of),
            f"external series (LG Inform-style export): {'; '.join(e.indicators)}"))
    if i.peer_group is not None:
        path = params.path(i.peer_group)
        codes = load_comparator_list(path)
        try:
            out.peer_group = peer_group(o.peer_group_name, codes, council=params.council.code, source=path.name)
        except ValueError as err:
            raise InputError(path, str(err)) from None
        out.inputs.append(InputFile("peer_group", path, sha256_of(path), None,
                                         f"comparator list of {len(codes)} councils"))
    elif o.peer_group_codes:
        out.peer_group = peer_group(o.peer_group_name, o.peer_group_codes, council=params.council.code,
                                    source="params (options.peer_group_codes)")
    return out


def no_ratings(path: Path) -> RatingsFile:
    """An empty latest-ratings view, for a report whose only input is an external benchmark series."""
    locations = pd.DataFrame({c: pd.Series([], dtype=str) for c in LOCATION_COLUMNS})
    locations["overall_rating"] = pd.Series([], dtype=vocab.RATING_DTYPE)
    locations["publication_date"] = pd.Series([], dtype="datetime64[ns]")
    locations["inherited"] = pd.Series([], dtype=bool)
    level = pd.DataFrame({"location_id": pd.Series([], dtype=str), "key_question": pd.Series([], dtype=str),
                          "rating": pd.Series([], dtype=vocab.RATING_DTYPE),
                          "publication_date": pd.Series([], dtype="datetime64[ns]"),
                          "inherited": pd.Series([], dtype=bool), "row": pd.Series([], dtype="Int64")})
    return RatingsFile(
        path=path, sha256="", header_era="none", date_format="none", locations=locations,
        ratings_by_location_key_question=level,
        ratings_by_location_service_group_key_question=level.assign(service_group=pd.Series([], dtype=str)),
        service_groups_by_location=pd.DataFrame({"location_id": pd.Series([], dtype=str),
                                                 "service_group": pd.Series([], dtype=str)}),
        excluded_by_location_type=pd.DataFrame({"location_type": pd.Series([], dtype=str),
                                                "rows": pd.Series([], dtype="int64"),
                                                "locations": pd.Series([], dtype="int64")}),
    )
