"""The model: every source loaded once, filtered to the council, as frames named by their grain.

Nothing below this module reads files; sections take a Model and params and return tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from carequality.areas import PeerGroup
from carequality.councils import council_for_cqc_name, covering_successors
from carequality.model.asof import cqc_as_of
from carequality.model.coverage import Coverage, input_coverage, provider_labels, provider_name_counts
from carequality.model.history import restrict
from carequality.model.inputs import load_benchmark_inputs, load_history_inputs, location_types_named, no_ratings
from carequality.model.records import add_council_records
from carequality.params import ReportParams
from carequality.sources.cache import load_ratings
from carequality.sources.council_records import CouncilRecords
from carequality.sources.frames import History
from carequality.sources.lginform import ExternalSeries
from carequality.sources.plausibility import implausible_ratings
from carequality.sources.provenance import InputFile, sha256_of
from carequality.sources.ratings_file import RatingsFile


@dataclass
class Model:
    """Frames for one council, named by their grain."""

    council_names: tuple[str, ...]
    #: One row per location in the council area (registered at the latest ratings' date). With a ratings history,
    #: its register details are added where the history has them: service_types, specialisms, beds.
    locations: pd.DataFrame
    ratings_by_location_key_question: pd.DataFrame  # location × key question (Overall included)
    service_groups_by_location: pd.DataFrame  # location × service group
    data_quality: pd.DataFrame  # file, row, location_id, issue
    excluded_by_location_type: pd.DataFrame  # location type, rows, locations (whole file)
    inputs: list[InputFile]
    #: THE as-of date of the report: the latest date in CQC's inputs (model/asof.py). None without CQC inputs.
    as_of: pd.Timestamp | None
    #: Every adult social care location in the CQC file, in any area (out-of-area commissioned services are here).
    cqc_locations_all: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The council's own QA records (docs/inputs.md); a frame is None where its file was not given.
    records: CouncilRecords = field(default_factory=CouncilRecords)
    #: Ratings history (docs/history.md) of every location of params' location types in the history inputs,
    #: in any area (benchmarks need other areas; `council_history` keeps the council's). None without inputs.
    history: History | None = None
    #: Benchmarks (docs/benchmarks.md): ratings counts by area and month (sources.area_counts.COUNT_COLUMNS), an external
    #: LG Inform-style series, and the peer group; None where params give none.
    area_counts: pd.DataFrame | None = None
    external_series: ExternalSeries | None = None
    peer_group: PeerGroup | None = None
    #: What CQC's inputs cover (model/coverage.py): sections say what is not covered instead of reporting 0.
    coverage: Coverage = field(default_factory=Coverage)
    #: Single Assessment Framework key-question ratings and percentage scores of the council's locations
    #: (sources.cqc_api.KEY_QUESTION_SCORE_COLUMNS); empty without an API input.
    key_question_scores: pd.DataFrame = field(default_factory=pd.DataFrame)


#: Register details a ratings history adds to the latest ratings' locations (model.locations).
REGISTER_DETAILS = ("service_types", "specialisms", "beds")


def with_register_details(locations: pd.DataFrame, history: History | None) -> pd.DataFrame:
    """The latest ratings' locations with service types, specialisms and beds from the history's register, where
    it has the location (a ratings file gives none of them)."""
    if history is None:
        return locations
    h = history.locations_all
    cols = [c for c in REGISTER_DETAILS if c in h.columns]
    if not cols:
        return locations
    have = (
        h[h["location_id"].isin(set(locations["location_id"]))].drop_duplicates("location_id").set_index("location_id")
    )
    out = locations.drop(columns=[c for c in cols if c in locations.columns])
    for c in cols:
        out[c] = out["location_id"].map(have[c])
        if c != "beds":
            out[c] = out[c].fillna("").astype(str)
    if "beds" in cols:
        out["beds"] = pd.to_numeric(out["beds"]).astype("Int64")
    return out


def future_dates(ratings: RatingsFile, today: dt.date) -> pd.DataFrame:
    """Data-quality rows for a ratings file's publication dates after the day of the run (not used for the as-of)."""
    tidy = ratings.ratings_by_location_service_group_key_question
    late = tidy[tidy["publication_date"] > pd.Timestamp(today)].drop_duplicates("location_id")
    return pd.DataFrame(
        {
            "file": ratings.path.name,
            "row": late["row"].astype(object),
            "location_id": late["location_id"],
            "issue": [
                f"publication date {d.date().isoformat()} is in the future (after the day of this run); "
                "not used for the report's as-of date"
                for d in late["publication_date"]
            ],
        },
        columns=["file", "row", "location_id", "issue"],
    )


def name_providers(model: Model) -> None:
    """Every location's provider named in every table (coverage.provider_labels: the name, else CQC's brand, else
    "Not in CQC's data"), after the coverage has counted what the data leave blank."""
    by_brand, not_named = provider_name_counts(model.locations)
    model.coverage = dataclasses.replace(model.coverage, providers_by_brand=by_brand, providers_not_named=not_named)
    model.locations = model.locations.assign(provider_name=provider_labels(model.locations))
    if model.history is not None and "provider_name" in model.history.locations_all.columns:
        everyone = model.history.locations_all
        model.history = dataclasses.replace(
            model.history, locations_all=everyone.assign(provider_name=provider_labels(everyone))
        )


def area_mask(local_authority: pd.Series, params: ReportParams) -> pd.Series:
    """Rows whose CQC 'Location Local Authority' names the params' council.

    Names are read as of the period's end: "Somerset" is Somerset County Council (E10000027) in a period to
    March 2023 and Somerset Council (E06000066) after. For a council a reorganisation replaced, the names of the
    successors that cover exactly its area count too (newer CQC data name Cumbria's services Cumberland or
    Westmorland and Furness)."""
    wanted = params.council.council
    at = params.period.end
    extra = {n.casefold() for n in params.council.cqc_names}
    successors = set(covering_successors(wanted)) if not wanted.current else set()
    names = pd.Series(pd.unique(local_authority))
    hits = {
        n
        for n in names
        if council_for_cqc_name(n, at=at) == wanted or council_for_cqc_name(n) in successors or n.casefold() in extra
    }
    return local_authority.isin(hits)


def build_model(params: ReportParams, ratings: RatingsFile | None = None, *, today: dt.date | None = None) -> Model:
    """Load every input named in params (or take an already-loaded ratings file) and keep the council's rows."""
    today = today or dt.date.today()
    with location_types_named(params):
        hist = load_history_inputs(params)
        if ratings is None and params.inputs.cqc_ratings is not None:
            # Parsed once per file's bytes, then read from the cache (sources/cache.py).
            path = params.path(params.inputs.cqc_ratings)
            ratings = load_ratings(path, location_types=params.options.location_types)
    ratings = ratings if ratings is not None else hist.latest
    if ratings is None:  # no CQC input: a report of an external benchmark series alone (docs/benchmarks.md)
        ratings = no_ratings(params.base_dir)
    in_area = area_mask(ratings.locations["local_authority"], params)
    locations = ratings.locations.loc[in_area].reset_index(drop=True)
    ids = set(locations["location_id"])
    by_kq = ratings.ratings_by_location_key_question
    groups = ratings.service_groups_by_location
    dq = ratings.data_quality[ratings.data_quality["location_id"].isin(ids)].reset_index(drop=True)
    given_file = params.inputs.cqc_ratings is not None
    if given_file:
        late = pd.concat(
            [
                future_dates(ratings, today),
                implausible_ratings(
                    ratings.ratings_by_location_service_group_key_question,
                    ratings.path,
                    getattr(ratings, "key_question_scores", None),
                ),
            ],
            ignore_index=True,
        )
        late = late[late["location_id"].isin(ids)]
        if len(late):
            dq = (
                pd.concat([dq.astype({"row": object}), late], ignore_index=True)
                if len(dq)
                else late.reset_index(drop=True)
            )
    file_as_of = cqc_as_of(
        publication_dates=[ratings.ratings_by_location_service_group_key_question["publication_date"]], today=today
    )
    as_of = cqc_as_of(
        publication_dates=[ratings.ratings_by_location_service_group_key_question["publication_date"]]
        if given_file
        else [],
        history=hist.history,
        file_dates=hist.snapshot_dates,
        today=today,
    )
    locations = with_register_details(locations, hist.history)
    model = Model(
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
                as_of=None if file_as_of is None else file_as_of.date().isoformat(),
                note=f"CQC care directory with ratings; header era '{ratings.header_era}'; dates {ratings.date_format}",
            )
        ]
        if params.inputs.cqc_ratings is not None
        else [],
        as_of=as_of,
        cqc_locations_all=ratings.locations,
        history=hist.history,
    )
    model.inputs += hist.inputs
    model.coverage = input_coverage(
        api=params.inputs.cqc_api is not None,
        api_list_filters=hist.api_list_filters,
        snapshot_dates=hist.snapshot_dates,
        history_locations=None if hist.history is None else hist.history.locations_all,
        latest_locations=ratings.locations,
        council_locations=locations,
    )
    name_providers(model)
    if hist.key_question_scores is not None:
        kqs = hist.key_question_scores
        model.key_question_scores = kqs[kqs["location_id"].isin(ids)].reset_index(drop=True)
    bench = load_benchmark_inputs(params)
    model.area_counts, model.external_series, model.peer_group = bench.area_counts, bench.external, bench.peer_group
    model.inputs += bench.inputs
    if hist.history is not None:
        hdq = council_history(model, params).data_quality
        all_dq, known = hist.history.data_quality, set(hist.history.locations_all["location_id"])
        hdq = pd.concat([hdq, all_dq[~all_dq["location_id"].isin(known)]])  # about the input, not a location
        if len(hdq):
            both = pd.concat([model.data_quality, hdq], ignore_index=True) if len(model.data_quality) else hdq
            model.data_quality = both.astype({"row": object}).drop_duplicates().reset_index(drop=True)
    if params.inputs.commentary is not None:  # the council's own words (docs/commentary.md): listed for provenance
        path = params.path(params.inputs.commentary)
        model.inputs.append(
            InputFile(name="commentary", path=path, sha256=sha256_of(path), as_of=None, note="the council's commentary")
        )
    return add_council_records(model, params, today=today)


def council_history(model: Model, params: ReportParams) -> History:
    """The model's history restricted to the council's area (deregistered locations included)."""
    h = model.history
    if h is None:
        raise ValueError("this section needs a ratings history: give inputs.cqc_api or inputs.cqc_snapshots")
    return restrict(h, h.locations_all.loc[area_mask(h.locations_all["local_authority"], params), "location_id"])
