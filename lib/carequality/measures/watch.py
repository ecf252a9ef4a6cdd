"""The provider watch list: the live status list a QA team keeps for placement staff (Rutland 2.6.4), with early
warning of failure computed from the data (Coventry 3.10).

One row per location the council commissions now, or that is at a high risk level (options.high_risk_from_level)
on the risk register at the period end, in any area. For each: the highest risk level of its open cases and whether
new placements are suspended, its CQC overall rating and when that rating was published, the months since its last
inspection, the council's last QA visit, the people funded there, and the early warnings (`FLAGS`):

- its overall rating at the period end is lower than at the end of the previous period (needs a ratings history);
- CQC records no registered manager (the CQC API's registeredManagerAbsentDate, on or before the period end);
- its last inspection is more than options.inspection_overdue_months before the period end, or it has never been
  inspected and was registered before then;
- it is commissioned but deregistered (on or before the period end) or dormant;
- it is commissioned but CQC's data does not know its location id;
- it is commissioned and rated Requires improvement or Inadequate but has no risk level on the risk register, or no
  QA visit since that rating was published (when the council's record of visits is given): the early warning the
  key messages also give.

Sorted by concern: risk level (highest first), placements suspended, the number of early warnings, the rating
(Inadequate first, no rating after Requires improvement), then the location's name and id.
"""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.measures import qa
from carequality.model.build import Model
from carequality.model.history import day, outcomes_by_location_date, ratings_at
from carequality.params import ReportParams

RATING_FELL = "rating fell"
NO_MANAGER = "no registered manager"
OVERDUE = "inspection overdue"
NEVER_INSPECTED = "never inspected"
DEREGISTERED = "deregistered while commissioned"
DORMANT = "dormant while commissioned"
NOT_FOUND = "not found in CQC's data"
LOW_NO_RISK = "rated below Good, no risk level"
LOW_NO_VISIT = "rated below Good, no QA visit since the rating"
#: The early warnings, in the order a row lists them.
FLAGS: tuple[str, ...] = (
    RATING_FELL,
    LOW_NO_RISK,
    LOW_NO_VISIT,
    NO_MANAGER,
    OVERDUE,
    NEVER_INSPECTED,
    DEREGISTERED,
    DORMANT,
    NOT_FOUND,
)

COLUMNS = (
    "location_id",
    "location_name",
    "provider_name",
    "known",
    "in_area",
    "commissioned",
    "risk_level",
    "suspended",
    "overall_rating",
    "rating_date",
    "last_inspection",
    "months_since_inspection",
    "last_visit",
    "people_funded",
    "previous_rating",
    "flags",
)

_RANK = {"Inadequate": 0, "Requires improvement": 1, "Good": 3, "Outstanding": 4}  # anything else: 2


def months_between(earlier: object, later: object) -> int:
    """Whole calendar months from `earlier` to `later` (a month is complete on the same day of the month)."""
    a, b = day(earlier), day(later)
    return (b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0)


def overdue_before(params: ReportParams) -> pd.Timestamp:
    """The day before which a last inspection is overdue: options.inspection_overdue_months before the period end."""
    return day(params.period.end) - pd.DateOffset(months=params.options.inspection_overdue_months)


def last_inspections(model: Model, end: object) -> pd.Series:
    """location_id → the latest inspection report date on or before `end` (not inherited): from the ratings history,
    else the publication date of a rating in the ratings file that was not inherited."""
    out = pd.Series(dtype="datetime64[ns]")
    locs = model.cqc_locations_all
    if len(locs) and "publication_date" in locs:
        own = locs[~locs["inherited"].fillna(False).astype(bool) & locs["publication_date"].notna()]
        out = own.set_index("location_id")["publication_date"].astype("datetime64[ns]")
    if model.history is not None:
        per = outcomes_by_location_date(model.history)
        per = per[(per["report_date"] <= day(end)) & ~per["inherited"]]
        hist = per.groupby("location_id")["report_date"].max()
        out = hist.combine_first(out) if len(out) else hist
    return out


def _ids(model: Model, params: ReportParams, ctx: qa.QaContext) -> tuple[list[str], pd.DataFrame | None, object]:
    """The watch list's location ids: every commissioned location, then every location at a high risk level."""
    com = qa.commissioned(model, ctx)
    risk = model.records.risk_by_case_opened
    open_now = qa.open_at(risk, day(params.period.end)) if risk is not None else None
    ids: list[str] = []
    if com is not None:
        ids += list(com["location_id"])
    if open_now is not None:
        high = open_now[open_now["risk_level"] >= params.options.high_risk_from_level]
        ids += list(high["location_id"])
    return list(dict.fromkeys(ids)), com, open_now


def _risk_columns(frame: pd.DataFrame, open_now: pd.DataFrame | None) -> None:
    if open_now is not None and len(open_now):
        frame["risk_level"] = (
            frame["location_id"].map(open_now.groupby("location_id")["risk_level"].max()).astype("Int64")
        )
        suspended = (
            open_now.assign(s=open_now["placements_suspended"].fillna(False).astype(bool))
            .groupby("location_id")["s"]
            .any()
        )
        frame["suspended"] = frame["location_id"].map(suspended).fillna(False).astype(bool)
    else:
        frame["risk_level"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["suspended"] = False


def _date_columns(frame: pd.DataFrame, model: Model, end: pd.Timestamp) -> None:
    locs = model.cqc_locations_all
    published = (
        locs.set_index("location_id")["publication_date"]
        if len(locs) and "publication_date" in locs
        else pd.Series(dtype="datetime64[ns]")
    )
    last = last_inspections(model, end)
    frame["rating_date"] = frame["location_id"].map(published).astype("datetime64[ns]")
    frame["last_inspection"] = frame["location_id"].map(last).astype("datetime64[ns]")
    frame["rating_date"] = frame["rating_date"].fillna(frame["last_inspection"])
    frame["months_since_inspection"] = pd.array(
        [months_between(d, end) if pd.notna(d) else pd.NA for d in frame["last_inspection"]], dtype="Int64"
    )
    if model.records.visits_by_location_date is not None:
        v = model.records.visits_by_location_date
        v = v[v["visit_date"] <= end]
        frame["last_visit"] = (
            frame["location_id"].map(v.groupby("location_id")["visit_date"].max()).astype("datetime64[ns]")
        )
    else:
        frame["last_visit"] = pd.Series([pd.NaT] * len(frame), dtype="datetime64[ns]")


def _row_flags(r, h, known: bool, cutoff: pd.Timestamp, end: pd.Timestamp, visits: bool) -> list[str]:
    """One row's early warnings, in FLAGS order."""
    f = []
    now, before = str(r.overall_rating), str(r.previous_rating)
    if now in vocab.GRADED and before in vocab.GRADED and vocab.GRADED.index(now) > vocab.GRADED.index(before):
        f.append(RATING_FELL)
    low = r.commissioned and now in vocab.RI_OR_INADEQUATE
    if low and pd.isna(r.risk_level):
        f.append(LOW_NO_RISK)
    if low and visits and (pd.isna(r.last_visit) or (pd.notna(r.rating_date) and r.last_visit < r.rating_date)):
        f.append(LOW_NO_VISIT)
    if h is not None and pd.notna(h["registered_manager_absent_date"]) and h["registered_manager_absent_date"] <= end:
        f.append(NO_MANAGER)
    if pd.notna(r.last_inspection):
        if r.last_inspection < cutoff:
            f.append(OVERDUE)
    elif h is not None and pd.notna(h["registration_date"]) and h["registration_date"] < cutoff:
        f.append(NEVER_INSPECTED)
    if r.commissioned and h is not None:
        if pd.notna(h["deregistration_date"]) and h["deregistration_date"] <= end:
            f.append(DEREGISTERED)
        elif str(h["dormancy"]).strip().upper() in ("Y", "YES"):
            f.append(DORMANT)
    if r.commissioned and not known:
        f.append(NOT_FOUND)
    return f


def watch_list(model: Model, params: ReportParams, ctx: qa.QaContext) -> pd.DataFrame:
    """The watch list (see the module note): one row per location, COLUMNS, sorted by concern."""
    end = day(params.period.end)
    ids, com, open_now = _ids(model, params, ctx)
    frame = pd.DataFrame({"location_id": pd.Series(ids, dtype=str)})
    lookup = ctx.lookup
    for c in ("location_name", "provider_name", "overall_rating"):
        frame[c] = frame["location_id"].map(lookup[c]) if len(lookup) else None
    known = frame["location_id"].isin(set(lookup.index))
    frame["known"] = known
    frame["in_area"] = frame["location_id"].isin(ctx.in_area)
    frame["commissioned"] = frame["location_id"].isin(set(com["location_id"])) if com is not None else False
    _risk_columns(frame, open_now)
    _date_columns(frame, model, end)
    if com is not None:
        people = com.groupby("location_id")["funded_clients"].sum(min_count=1)
        frame["people_funded"] = frame["location_id"].map(people).astype("Int64")
    else:
        frame["people_funded"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    history = model.history
    previous = pd.Series(dtype=object)
    hist_locs = pd.DataFrame(columns=["location_id"])
    if history is not None:
        previous = qa.overall_at(ratings_at(history, params.period.previous.end)).astype(str)
        hist_locs = history.locations_all.drop_duplicates("location_id").set_index("location_id")
    frame["previous_rating"] = frame["location_id"].map(previous)
    cutoff = overdue_before(params)
    visits = model.records.visits_by_location_date is not None
    frame["flags"] = [
        _row_flags(
            r,
            hist_locs.loc[r.location_id] if r.location_id in hist_locs.index else None,
            bool(known[r.Index]),
            cutoff,
            end,
            visits,
        )
        for r in frame.itertuples()
    ]
    order = (
        frame.assign(
            _level=-frame["risk_level"].fillna(0).astype(int),
            _susp=~frame["suspended"],
            _n=-frame["flags"].map(len),
            _rank=frame["overall_rating"].map(lambda w: _RANK.get(str(w), 2)),
            _name=frame["location_name"].fillna("").astype(str).str.casefold(),
        )
        .sort_values(["_level", "_susp", "_n", "_rank", "_name", "location_id"], kind="stable")
        .index
    )
    return frame.loc[order, list(COLUMNS)].reset_index(drop=True)


def unwatched(watch: pd.DataFrame) -> pd.DataFrame:
    """The early warning of the key messages: commissioned locations rated Requires improvement or Inadequate with
    no risk level, or no QA visit since the rating (LOW_NO_RISK, LOW_NO_VISIT)."""
    hit = watch["flags"].map(lambda fs: LOW_NO_RISK in fs or LOW_NO_VISIT in fs)
    return watch[hit].reset_index(drop=True)


def flag_counts(watch: pd.DataFrame) -> dict[str, int]:
    """Locations on the watch list with each early warning, in FLAGS order."""
    return {f: int(watch["flags"].map(lambda fs, f=f: f in fs).sum()) for f in FLAGS}
