"""The numbers of the key messages (sections/summary.py), each taken from the measures functions of the section it
summarises, so that a key message and its section can never disagree (tests/sections/test_summary.py checks it).

`key_figures` gathers, where the params include the section and the inputs give it:
- the headline measure (measures/headline.py) for the area now (ratings_overview) and at the end of the previous
  period (the host row of commissioned_by_rating's change table), and its status against the council's standard;
- the same measure for England, the region and the peer group beside the council's, in the latest month the
  comparison covers (benchmarks' rating distribution);
- the headline for the locations the council commissions now (commissioned_by_service_type's total row) and at the
  end of the previous period (commissioned_by_rating's change table), and its status;
- the rating changes of the period that improved or declined (rating_changes);
- the services at a high risk level, in and out of the area, with placements suspended (the high-risk sections);
- the period's quality assurance visits (qa_activity);
- the caveats: rows of the inputs that need attention (data quality) and the age of the CQC data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from carequality.areas import COUNCIL, ENGLAND, PEERS, REGION
from carequality.measures import changes as periods
from carequality.measures import compare as bm
from carequality.measures import qa, watch
from carequality.measures.headline import Headline, headline, headline_from_counts
from carequality.measures.overview import ratings_by_category
from carequality.model.build import Model, council_history
from carequality.params import ReportParams, Standard

GREEN, AMBER, RED = "green", "amber", "red"


def status(share: float | None, standard: Standard) -> str | None:
    """The share against the council's standard: green, amber or red (None without a share)."""
    if share is None:
        return None
    if share >= standard.green_from:
        return GREEN
    return AMBER if share >= standard.amber_from else RED


@dataclass
class Comparator:
    """One area's headline in the comparison month: the council, its region, the peer group or England."""

    area_type: str
    area: str
    headline: Headline
    #: The day this area's figure describes (an area's counts can be dated apart from the council's).
    date: pd.Timestamp | None = None


@dataclass
class Changes:
    """The period's graded overall ratings that improved or declined, with the location and the two ratings."""

    published: int
    improved: pd.DataFrame
    declined: pd.DataFrame
    unchanged: int = 0  # the same rating as the location's previous one
    first: int = 0  # the location's first graded overall rating


@dataclass
class HighRiskFigures:
    level: int
    in_area: int | None  # services in the area at the level or above (None when the section is not in the report)
    out_of_area: int | None
    providers: int
    suspended: int
    as_of: dt.date | None = None  # the risk register's date (qa.register_as_of); None: the period end


@dataclass
class VisitFigures:
    visits: int
    services: int
    previous: int | None  # visits in the previous period (None when the file has none)


@dataclass
class KeyFigures:
    council: str
    period_end: dt.date
    previous_end: dt.date
    period_start: dt.date | None = None
    previous_start: dt.date | None = None
    area: Headline | None = None
    area_previous: Headline | None = None
    area_status: str | None = None
    compared_on: pd.Timestamp | None = None
    comparators: list[Comparator] = field(default_factory=list)
    commissioned: Headline | None = None
    commissioned_previous: Headline | None = None
    commissioned_status: str | None = None
    changes: Changes | None = None
    high_risk: HighRiskFigures | None = None
    visits: VisitFigures | None = None
    #: Commissioned locations rated Requires improvement or Inadequate with no risk level or no QA visit since the
    #: rating (measures.watch.unwatched); None without a record of commissioned services.
    unwatched: pd.DataFrame | None = None
    data_quality_rows: int = 0
    as_of: pd.Timestamp | None = None
    standard: Standard = field(default_factory=Standard)


def area_now(model: Model) -> Headline:
    """ratings_overview's total row as the headline."""
    return headline_from_counts(ratings_by_category(model.locations).iloc[-1])


def area_at(model: Model, params: ReportParams, date: object) -> Headline | None:
    """The headline of every location registered in the area on `date`, rated as it was then (the host row of
    commissioned_by_rating's change table, counted by location); None without a ratings history."""
    host = qa.host_overall_at(model, params, date)
    return None if host is None else headline(host["overall_rating"])


def comparators(model: Model, params: ReportParams) -> tuple[pd.Timestamp | None, list[Comparator]]:
    """The headline of the council, its region, the peer group and England in the month benchmarks compares them
    (its rating distribution, both categories together); areas the inputs do not cover are left out."""
    c = bm.comparison(model, params)
    if c.dist is None:
        return None, []
    out = []
    dist = c.dist
    for area_type in (COUNCIL, REGION, PEERS, ENGLAND):
        rows = dist[dist["area_type"] == area_type]
        if not len(rows) or rows["rated"].isna().any():
            continue
        h = Headline(int(rows["outstanding"].sum() + rows["good"].sum()), int(rows["rated"].sum()))
        day = rows["date"].dropna()
        out.append(Comparator(area_type, str(rows["area"].iloc[0]), h, day.max() if len(day) else None))
    dates = dist.loc[dist["area_type"] == COUNCIL, "date"].dropna()
    return (dates.max() if len(dates) else None), out


def commissioned_now(model: Model, ctx: qa.QaContext) -> Headline | None:
    """commissioned_by_service_type's total row as the headline (commissioned locations CQC's data knows)."""
    com = qa.commissioned(model, ctx)
    if com is None:
        return None
    return headline_from_counts(qa.by_service_type(com).iloc[-1])


def commissioned_before(model: Model, params: ReportParams, ctx: qa.QaContext) -> Headline | None:
    """The commissioned rows of commissioned_by_rating's change table at the end of the previous period (in the
    area and out of it together); None when either is not known."""
    labels = ("host", "in", "out")
    before, _ = qa.previous_rating_rows(model, params, ctx, labels, by_provider=False)
    rows = before[before[""].isin(["in", "out"])]
    if rows[qa.GO].isna().any() or rows[qa.RI].isna().any():
        return None
    return Headline(int(rows[qa.GO].sum()), int(rows[qa.GO].sum() + rows[qa.RI].sum()))


def rating_changes(model: Model, params: ReportParams) -> Changes:
    """rating_changes of the period: how many graded overall ratings were published, and those that improved or
    declined (location_id, location_name, category, report_date, from_rating, to_rating)."""
    rc = periods.rating_changes(council_history(model, params), params.period.start, params.period.end)
    return Changes(
        len(rc),
        rc[rc["direction"] == "Improved"].reset_index(drop=True),
        rc[rc["direction"] == "Declined"].reset_index(drop=True),
        int((rc["direction"] == "Unchanged").sum()),
        int((rc["direction"] == "First rating").sum()),
    )


def high_risk(model: Model, params: ReportParams, ctx: qa.QaContext) -> HighRiskFigures:
    """The high-risk sections' services, providers and suspensions, in the area and out of it together."""
    parts = {}
    for name, in_area in (("high_risk_in_area", True), ("high_risk_out_of_area", False)):
        if params.wants(name):
            parts[in_area] = qa.high_risk_measures(model, params, ctx, in_area=in_area)
    providers = set()
    for hr in parts.values():
        providers |= set(hr.services["provider"])
    return HighRiskFigures(
        level=params.options.high_risk_from_level,
        as_of=qa.register_as_of(model, params),
        in_area=len(parts[True].services) if True in parts else None,
        out_of_area=len(parts[False].services) if False in parts else None,
        providers=len(providers),
        suspended=sum(hr.suspended for hr in parts.values()),
    )


def visits(model: Model, params: ReportParams, ctx: qa.QaContext) -> VisitFigures:
    """qa_activity's total row: visits in the period, services visited, and visits in the previous period."""
    v = qa.visit_summary(model, params, ctx)
    total = v.by_type.iloc[-1]
    return VisitFigures(int(total["Total"]), int(total["Services visited"]), int(v.previous) if v.previous else None)


def key_figures(model: Model, params: ReportParams) -> KeyFigures:
    """Everything the key messages say, from the sections' own measures (see the module note)."""
    standard = params.options.standard
    out = KeyFigures(
        council=params.council.name,
        period_end=params.period.end,
        previous_end=params.period.previous.end,
        period_start=params.period.start,
        previous_start=params.period.previous.start,
        standard=standard,
        data_quality_rows=len(model.data_quality),
        as_of=model.as_of,
    )
    if params.wants("ratings_overview"):
        out.area = area_now(model)
        out.area_status = status(out.area.percent, standard)
        if model.history is not None:
            out.area_previous = area_at(model, params, params.period.previous.end)
    if params.wants("benchmarks"):
        out.compared_on, out.comparators = comparators(model, params)
    qa_sections = (
        "commissioned_by_service_type",
        "commissioned_by_rating",
        "high_risk_in_area",
        "high_risk_out_of_area",
        "qa_activity",
    )
    ctx = qa.qa_context(model, params) if any(params.wants(s) for s in qa_sections) else None
    if ctx is not None and (params.wants("commissioned_by_service_type") or params.wants("commissioned_by_rating")):
        out.commissioned = commissioned_now(model, ctx)
        if out.commissioned is not None:
            out.commissioned_status = status(out.commissioned.percent, standard)
            if model.records.commissioned_previous_by_location is not None:
                out.commissioned_previous = commissioned_before(model, params, ctx)
    if params.wants("rating_changes") and model.history is not None:
        out.changes = rating_changes(model, params)
    if ctx is not None and (params.wants("high_risk_in_area") or params.wants("high_risk_out_of_area")):
        out.high_risk = high_risk(model, params, ctx)
    if ctx is not None and params.wants("qa_activity"):
        out.visits = visits(model, params, ctx)
    if model.records.commissioned_by_location is not None:
        ctx = ctx or qa.qa_context(model, params)
        out.unwatched = watch.unwatched(watch.watch_list(model, params, ctx))
    return out
