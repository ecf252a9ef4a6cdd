"""The model: every source loaded once, filtered to the council, as frames named by their grain.

Nothing below this module reads files; sections take a Model and params and return tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .councils import council_for_cqc_name
from .params import ReportParams
from .sources.ratings_file import RatingsFile, load_ratings_file


@dataclass
class InputFile:
    name: str
    path: Path
    sha256: str
    as_of: str | None
    note: str


@dataclass
class Model:
    """Frames for one council, named by their grain."""

    council_names: tuple[str, ...]
    locations: pd.DataFrame  # one row per location in the council area
    ratings_by_location_key_question: pd.DataFrame  # location × key question (Overall included)
    service_groups_by_location: pd.DataFrame  # location × service group
    data_quality: pd.DataFrame  # file, row, location_id, issue
    excluded_by_location_type: pd.DataFrame  # location type, rows, locations (whole file)
    inputs: list[InputFile]
    as_of: pd.Timestamp | None


def area_mask(local_authority: pd.Series, params: ReportParams) -> pd.Series:
    """Rows whose CQC 'Location Local Authority' names the params' council."""
    wanted = params.council.council
    extra = {n.casefold() for n in params.council.cqc_names}
    names = pd.Series(pd.unique(local_authority))
    hits = {n for n in names if (council_for_cqc_name(n) == wanted) or n.casefold() in extra}
    return local_authority.isin(hits)


def build_model(params: ReportParams, ratings: RatingsFile | None = None) -> Model:
    """Load every input named in params (or take an already-loaded ratings file) and keep the council's rows."""
    if ratings is None:
        ratings = load_ratings_file(params.path(params.inputs.cqc_ratings), location_types=params.options.location_types)
    in_area = area_mask(ratings.locations["local_authority"], params)
    locations = ratings.locations.loc[in_area].reset_index(drop=True)
    ids = set(locations["location_id"])
    by_kq = ratings.ratings_by_location_key_question
    groups = ratings.service_groups_by_location
    dq = ratings.data_quality[ratings.data_quality["location_id"].isin(ids)].reset_index(drop=True)
    as_of = ratings.as_of
    return Model(
        council_names=tuple(sorted(set(ratings.locations.loc[in_area, "local_authority"]))),
        locations=locations,
        ratings_by_location_key_question=by_kq[by_kq["location_id"].isin(ids)].reset_index(drop=True),
        service_groups_by_location=groups[groups["location_id"].isin(ids)].reset_index(drop=True),
        data_quality=dq,
        excluded_by_location_type=ratings.excluded_by_location_type,
        inputs=[
            InputFile(
                name="cqc_ratings",
                path=ratings.path,
                sha256=ratings.sha256,
                as_of=None if as_of is None else as_of.date().isoformat(),
                note=f"CQC care directory with ratings; header era '{ratings.header_era}'; dates {ratings.date_format}",
            )
        ],
        as_of=as_of,
    )
