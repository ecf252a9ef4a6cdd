"""How the council compares: monthly share rated Good or Outstanding, and the rating distribution, for the
council, its region, England and a peer group.

Everything here is a pure function of frames. The one intermediate is `ratings_by_area_month_category`
(`COUNT_COLUMNS`): for each month, area and primary inspection category, the number of active adult social
care locations whose overall rating on that day was Outstanding, Good, Requires improvement or Inadequate,
the number without a graded rating (not yet rated, inspected but not rated, …) and the number active. It comes
from a ratings `History` (`counts_from_history`), from one latest-ratings file (`counts_from_locations`) or
from a file of such counts prepared earlier over CQC's national files (sources/area_counts.py). The tables
(`trend_good_outstanding`, `rating_distribution_comparison`, `change_since_baseline`) are built from it.

Rules, stated once (docs/benchmarks.md says the same in words):
- A location counts on a day when it is registered and not deregistered (`history.active_at`), is adult social
  care (primary inspection category residential or community-based) and is in the area (CQC's 'Location
  Local Authority' mapped to one of the 153 councils).
- Its rating on that day is its latest overall rating on or before it (`history.ratings_at`: "Inspected but not
  rated" does not replace an earlier rating). Inherited ratings count unless params say otherwise; then a
  location whose rating was inherited from a previous provider counts as not yet rated.
- The share is Good or Outstanding ÷ locations with a graded rating (the denominator leaves out locations not
  yet rated), as in CQC's and LG Inform's published figures.
- An area or month the input does not cover has no row: tables show it as missing, never as zero. A covered
  area with no location of a category has a row of zeros and no share.
- The peer group's share pools its councils' locations (sum of numerators ÷ sum of denominators), and is
  given only for months where every peer council is covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carequality import vocab
from carequality.areas import (
    COUNCIL,
    ENGLAND,
    ENGLAND_CODE,
    ENGLAND_NAME,
    PEERS,
    REGION,
    REGION_CODES,
    PeerGroup,
    region_code,
)
from carequality.councils import Council, all_councils, council_for_cqc_name
from carequality.measures.shares import percent, round1
from carequality.model.asof import figures_date
from carequality.model.build import Model
from carequality.model.history import active_at, ratings_at
from carequality.params import ReportParams
from carequality.sources.area_counts import COUNT_COLUMNS, COUNTS, KEY, as_counts_frame, empty_counts
from carequality.sources.frames import History
from carequality.vocab import GRADED_COLUMNS

NOT_COVERED = vocab.NOT_COVERED


# ---- months ------------------------------------------------------------------------------------------------
def months_between(start: object, end: object) -> list[str]:
    """Months ('YYYY-MM') from the month containing `start` to the month containing `end`."""
    return [str(p) for p in pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")]


def point_date(month: str, covered_from: pd.Timestamp | None, covered_to: pd.Timestamp) -> pd.Timestamp | None:
    """The day a month's figure describes: its last day, or the input's as-of day when that falls inside the
    month. None when the input does not cover the month."""
    p = pd.Period(month, freq="M")
    if p.start_time > covered_to:
        return None
    d = min(p.end_time.normalize(), covered_to)
    if covered_from is not None and d < covered_from:
        return None
    return d


# ---- counts from a history -----------------------------------------------------------------------------------
def council_codes(local_authority: pd.Series, extra_names: dict[str, str] | None = None) -> pd.Series:
    """ONS code of the council each CQC 'Location Local Authority' names (NA when none)."""
    extra = {k.casefold(): v for k, v in (extra_names or {}).items()}
    mapping = {}
    for name in pd.unique(local_authority):
        c = council_for_cqc_name(str(name))
        mapping[name] = c.ons_code if c is not None else extra.get(str(name).casefold(), pd.NA)
    return local_authority.map(mapping).astype("string")


def unmapped_local_authorities(history: History, extra_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Adult social care locations whose 'Location Local Authority' is not one of the 153 councils: counted in
    England (when England is covered) but in no council or region."""
    locs = _asc(history.locations_all)
    codes = council_codes(locs["local_authority"], extra_names)
    bad = locs[codes.isna()]
    return bad.groupby("local_authority", sort=True).size().rename("locations").reset_index()


def latest_date(history: History) -> pd.Timestamp | None:
    """The latest day the history says anything about: a report, a registration or a deregistration."""
    dates = [
        history.outcomes_by_location_date_key_question["report_date"].max(),
        history.locations_all["registration_date"].max(),
        history.locations_all["deregistration_date"].max(),
    ]
    dates = [d for d in dates if not pd.isna(d)]
    return max(dates) if dates else None


def _asc(locations: pd.DataFrame) -> pd.DataFrame:
    return locations[locations["category"].isin(vocab.CATEGORIES)]


def _bucket(rating: pd.Series) -> pd.Series:
    """Count column for each rating: one of the graded columns, or not_graded."""
    text = rating.astype("string")
    return text.map(GRADED_COLUMNS).fillna("not_graded").astype(str)


def _overall_history(history: History, include_inherited: bool) -> History:
    """The history's overall outcomes for adult social care locations; without inherited ratings if asked.

    An outcome is inherited when the loader says so (`inherited`) or when it was published before the location
    was registered (the API lists a predecessor's ratings so)."""
    locs = _asc(history.locations_all)
    o = history.outcomes_by_location_date_key_question
    o = o[(o["key_question"] == "Overall") & o["location_id"].isin(set(locs["location_id"]))]
    if not include_inherited:
        registered = o["location_id"].map(locs.set_index("location_id")["registration_date"])
        inherited = o["inherited"].astype(bool) | (registered.notna() & (o["report_date"] < registered))
        o = o[~inherited]
    return History(outcomes_by_location_date_key_question=o.reset_index(drop=True), locations_all=locs)


def counts_from_history(
    history: History,
    months: list[str],
    *,
    council: str | None = None,
    covered_from: object = None,
    covered_to: object = None,
    include_inherited: bool = True,
    source: str = "ratings history",
    extra_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """`ratings_by_area_month_category` for every council, region and England the history covers.

    A national history (one that lists locations in every one of the 153 councils, as CQC's national files
    do) covers every council, every region and England. Any other history covers only the report's `council`
    (when it lists at least one of its locations): a fetch for one council, or a file filtered to one, says
    nothing complete about its neighbours even when a few of their locations appear in it. It covers the days
    from `covered_from` (default: no limit) to `covered_to` (default: the latest date in the history).
    Locations whose local authority is not one of the 153 councils count in England only.
    """
    to = pd.Timestamp(covered_to) if covered_to is not None else latest_date(history)
    frm = pd.Timestamp(covered_from) if covered_from is not None else None
    if to is None:
        return empty_counts()
    h = _overall_history(history, include_inherited)
    locs = h.locations_all.assign(council=council_codes(h.locations_all["local_authority"], extra_names))
    councils = {c.ons_code: c for c in all_councils()}
    present = set(locs["council"].dropna())
    covered = sorted(councils) if present >= set(councils) else sorted(present & {council})
    regions_covered = sorted(
        {c.region for c in councils.values() if c.ons_code in covered}
        - {c.region for c in councils.values() if c.ons_code not in covered}
    )
    england = len(covered) == len(councils)
    council_region = pd.Series({code: c.region for code, c in councils.items()})
    council_of = locs.set_index("location_id")["council"]
    frames = []
    for month in months:
        d = point_date(month, frm, to)
        if d is None:
            continue
        act = active_at(h, d)[["location_id", "category"]]
        act = act.assign(council=act["location_id"].map(council_of))
        rated = ratings_at(h, d)
        act = act.assign(bucket=_bucket(act["location_id"].map(rated.set_index("location_id")["rating"])))
        grid = pd.MultiIndex.from_product([covered, vocab.CATEGORIES], names=["council", "category"])
        c = _wide(act, ["council", "category"]).reindex(grid, fill_value=0).reset_index()
        parts = [
            c.rename(columns={"council": "area_code"}).assign(
                area_type=COUNCIL, area_name=c["council"].map({k: v.short_name for k, v in councils.items()})
            )
        ]
        if regions_covered:
            known = act[act["council"].notna()]
            known = known.assign(region=known["council"].map(council_region))
            grid = pd.MultiIndex.from_product([regions_covered, vocab.CATEGORIES], names=["region", "category"])
            r = _wide(known, ["region", "category"]).reindex(grid, fill_value=0).reset_index()
            parts.append(
                r.assign(area_type=REGION, area_code=r["region"].map(REGION_CODES), area_name=r["region"]).drop(
                    columns="region"
                )
            )
        if england:
            e = _wide(act, ["category"]).reindex(pd.Index(list(vocab.CATEGORIES), name="category"), fill_value=0)
            parts.append(e.reset_index().assign(area_type=ENGLAND, area_code=ENGLAND_CODE, area_name=ENGLAND_NAME))
        frames.append(pd.concat(parts, ignore_index=True).assign(month=month, date=d, source=source))
    if not frames:
        return empty_counts()
    return as_counts_frame(pd.concat(frames, ignore_index=True)[list(COUNT_COLUMNS)])


def _wide(act: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts per group and bucket, one column per count (COUNTS), active the row total."""
    t = act.groupby([*by, "bucket"]).size().unstack("bucket", fill_value=0)
    for c in COUNTS:
        if c not in t.columns:
            t[c] = 0
    t["active"] = t[[c for c in COUNTS if c != "active"]].sum(axis=1)
    return t[list(COUNTS)].astype("int64")


def _row(month, date, area_type, code, name, category, counts, source) -> dict:
    return {
        "month": month,
        "date": pd.Timestamp(date),
        "area_type": area_type,
        "area_code": code,
        "area_name": name,
        "category": category,
        **counts,
        "source": source,
    }


def counts_from_locations(
    locations: pd.DataFrame,
    *,
    council: Council,
    date: object,
    include_inherited: bool = True,
    source: str = "CQC ratings file",
) -> pd.DataFrame:
    """`ratings_by_area_month_category` rows for one council from a latest-ratings file's locations (all active
    on the file's date): `locations` has category, overall_rating and inherited, as RatingsFile.locations."""
    d = pd.Timestamp(date).normalize()
    month = str(d.to_period("M"))
    locs = _asc(locations)
    rating = locs["overall_rating"]
    if not include_inherited:
        rating = rating.where(~locs["inherited"].astype(bool), None)
    bucket = _bucket(rating)
    rows = []
    for cat in vocab.CATEGORIES:
        counts = bucket[locs["category"] == cat].value_counts()
        c = {col: int(counts.get(col, 0)) for col in COUNTS if col != "active"}
        c["active"] = sum(c.values())
        rows.append(_row(month, d, COUNCIL, council.ons_code, council.short_name, cat, c, source))
    return as_counts_frame(rows)


def combine_counts(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several count frames as one; where two give the same month, area and category, the first given wins."""
    given = [f for f in frames if f is not None and len(f)]
    if not given:
        return empty_counts()
    out = pd.concat(given, ignore_index=True).drop_duplicates(KEY, keep="first")
    return as_counts_frame(out.to_dict("records"))


# ---- tables ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Area:
    area_type: str
    code: str
    name: str


def comparison_areas(council: Council, peers: PeerGroup | None) -> list[Area]:
    """Council, its region, the peer group (when named) and England, in that order."""
    areas = [Area(COUNCIL, council.ons_code, council.short_name), Area(REGION, region_code(council), council.region)]
    if peers is not None:
        areas.append(Area(PEERS, "", "Peer group"))
    areas.append(Area(ENGLAND, ENGLAND_CODE, ENGLAND_NAME))
    return areas


def _lookup(
    counts: pd.DataFrame, month: str, category: str, area: Area, peers: PeerGroup | None
) -> tuple[dict | None, str]:
    """Counts for one area, month and category (None when not covered), and a note."""
    sub = counts[(counts["month"] == month) & (counts["category"] == category)]
    if area.area_type != PEERS:
        hit = sub[sub["area_code"] == area.code]
        if hit.empty:
            return None, NOT_COVERED
        r = hit.iloc[0]
        return {**{c: int(r[c]) for c in COUNTS}, "date": r["date"], "source": r["source"]}, ""
    assert peers is not None
    hit = sub[sub["area_code"].isin(peers.codes)]
    missing = [c.short_name for c in peers.councils if c.ons_code not in set(hit["area_code"])]
    if missing:
        return None, f"{len(missing)} of {len(peers.codes)} peer councils {NOT_COVERED} ({', '.join(missing)})"
    out: dict[str, Any] = {c: int(hit[c].sum()) for c in COUNTS}
    out["date"] = hit["date"].min()
    out["source"] = "; ".join(sorted(set(hit["source"])))
    return out, ""


def _share(c: dict | None) -> tuple[Any, Any, Any]:
    if c is None:
        return pd.NA, pd.NA, pd.NA
    num = c["outstanding"] + c["good"]
    den = sum(c[v] for v in GRADED_COLUMNS.values())
    return num, den, percent(num, den, 1)


TREND_COLUMNS = (
    "month",
    "date",
    "area_type",
    "area_code",
    "area",
    "category",
    "good_or_outstanding",
    "rated",
    "active",
    "percent",
    "source",
    "note",
)


def trend_good_outstanding(
    counts: pd.DataFrame, *, council: Council, peers: PeerGroup | None, months: list[str]
) -> pd.DataFrame:
    """Month × area × category: locations rated Good or Outstanding (numerator), locations with a graded rating
    (denominator), active locations and the share, for the council, its region, the peer group and England.
    Every month and area has a row; where the inputs do not cover it the counts are missing and `note` says why."""
    rows = []
    for month in months:
        for area in comparison_areas(council, peers):
            for cat in vocab.CATEGORIES:
                c, note = _lookup(counts, month, cat, area, peers)
                num, den, pct = _share(c)
                rows.append(
                    {
                        "month": month,
                        "date": c["date"] if c else pd.NaT,
                        "area_type": area.area_type,
                        "area_code": area.code,
                        "area": area.name,
                        "category": cat,
                        "good_or_outstanding": num,
                        "rated": den,
                        "active": c["active"] if c else pd.NA,
                        "percent": pct if pct is not None else pd.NA,
                        "source": c["source"] if c else "",
                        "note": note,
                    }
                )
    return _typed(pd.DataFrame(rows, columns=list(TREND_COLUMNS)), ("good_or_outstanding", "rated", "active"))


DISTRIBUTION_COLUMNS = (
    "area_type",
    "area_code",
    "area",
    "category",
    "month",
    "date",
    *COUNTS,
    "rated",
    *(f"percent_{v}" for v in GRADED_COLUMNS.values()),
    "percent_good_or_outstanding",
    "source",
    "note",
)


def rating_distribution_comparison(
    counts: pd.DataFrame, *, council: Council, peers: PeerGroup | None, month: str
) -> pd.DataFrame:
    """Area × category for one month: locations by overall rating, and each graded rating's share of the
    locations with a graded rating, for the council, its region, the peer group and England."""
    rows = []
    for cat in vocab.CATEGORIES:
        for area in comparison_areas(council, peers):
            c, note = _lookup(counts, month, cat, area, peers)
            _, den, pct = _share(c)
            row = {
                "area_type": area.area_type,
                "area_code": area.code,
                "area": area.name,
                "category": cat,
                "month": month,
                "date": c["date"] if c else pd.NaT,
                "rated": den,
                "percent_good_or_outstanding": pct if pct is not None else pd.NA,
                "source": c["source"] if c else "",
                "note": note,
            }
            for col in COUNTS:
                row[col] = c[col] if c else pd.NA
            for col in GRADED_COLUMNS.values():
                p = percent(c[col], den, 1) if c else None
                row[f"percent_{col}"] = p if p is not None else pd.NA
            rows.append(row)
    return _typed(pd.DataFrame(rows, columns=list(DISTRIBUTION_COLUMNS)), (*COUNTS, "rated"))


CHANGE_COLUMNS = (
    "area_type",
    "area_code",
    "area",
    "category",
    "baseline_month",
    "baseline_date",
    "baseline_good_or_outstanding",
    "baseline_rated",
    "baseline_percent",
    "month",
    "date",
    "good_or_outstanding",
    "rated",
    "percent",
    "change_points",
    "note",
)


def change_since_baseline(
    counts: pd.DataFrame, *, council: Council, peers: PeerGroup | None, baseline_month: str, month: str
) -> pd.DataFrame:
    """Area × category: the share rated Good or Outstanding at the baseline month and now, and the change in
    percentage points (from unrounded shares, rounded to one decimal place)."""
    rows = []
    for cat in vocab.CATEGORIES:
        for area in comparison_areas(council, peers):
            c0, note0 = _lookup(counts, baseline_month, cat, area, peers)
            c1, note1 = _lookup(counts, month, cat, area, peers)
            n0, d0, p0 = _share(c0)
            n1, d1, p1 = _share(c1)
            change = pd.NA
            if c0 is not None and c1 is not None and d0 and d1:
                change = round1(100 * (n1 / d1 - n0 / d0))
            notes = [f"baseline: {note0}" if note0 else "", f"now: {note1}" if note1 else ""]
            rows.append(
                {
                    "area_type": area.area_type,
                    "area_code": area.code,
                    "area": area.name,
                    "category": cat,
                    "baseline_month": baseline_month,
                    "baseline_date": c0["date"] if c0 else pd.NaT,
                    "baseline_good_or_outstanding": n0,
                    "baseline_rated": d0,
                    "baseline_percent": p0 if p0 is not None else pd.NA,
                    "month": month,
                    "date": c1["date"] if c1 else pd.NaT,
                    "good_or_outstanding": n1,
                    "rated": d1,
                    "percent": p1 if p1 is not None else pd.NA,
                    "change_points": change,
                    "note": "; ".join(n for n in notes if n),
                }
            )
    return _typed(
        pd.DataFrame(rows, columns=list(CHANGE_COLUMNS)),
        ("baseline_good_or_outstanding", "baseline_rated", "good_or_outstanding", "rated"),
    )


def _typed(frame: pd.DataFrame, ints: tuple[str, ...]) -> pd.DataFrame:
    for c in ints:
        frame[c] = frame[c].astype("Int64")
    for c in [c for c in frame.columns if c.startswith(("percent", "baseline_percent")) or c == "change_points"]:
        frame[c] = frame[c].astype("Float64")
    for c in [c for c in frame.columns if c == "date" or c.endswith("_date")]:
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def latest_covered_month(
    counts: pd.DataFrame, council: Council, months: list[str], *, with_england: bool = False
) -> str | None:
    """The latest of `months` for which the council has counts (and England too, if asked)."""
    have = set(counts.loc[counts["area_code"] == council.ons_code, "month"])
    if with_england:
        have &= set(counts.loc[counts["area_code"] == ENGLAND_CODE, "month"])
    covered = [m for m in months if m in have]
    return covered[-1] if covered else None


# ---- external series ---------------------------------------------------------------------------------------
EXTERNAL_COLUMNS = ("month", "area_type", "area_code", "area", "value", "note")


def external_comparison(
    series: pd.DataFrame, *, indicator: str, council: Council, peers: PeerGroup | None
) -> pd.DataFrame:
    """Month × area for one indicator of an external (LG Inform-style) series: the council, its region, the
    peer group and England, as far as the series has them. The peer group's value is the unweighted mean of its
    councils' values (the series gives no counts to pool), given only when every peer has a value that month.
    `series` is sources.lginform's frame (area_code, month, indicator, value)."""
    s = series[series["indicator"] == indicator]
    months = sorted(set(s["month"]))
    have = set(s["area_code"])
    rows = []
    for area in comparison_areas(council, peers):
        if area.area_type != PEERS and area.code not in have:
            continue
        if area.area_type == PEERS and (peers is None or not (set(peers.codes) & have)):
            continue
        for month in months:
            m = s[s["month"] == month]
            if area.area_type == PEERS:
                assert peers is not None
                vals = m[m["area_code"].isin(peers.codes)].set_index("area_code")["value"]
                missing = [c.short_name for c in peers.councils if pd.isna(vals.get(c.ons_code))]
                if missing:
                    value, note = (
                        float("nan"),
                        (f"{len(missing)} of {len(peers.codes)} peer councils have no value ({', '.join(missing)})"),
                    )
                else:
                    value, note = round1(float(vals[list(peers.codes)].mean())), ""
                name = "Peer group (average)"
            else:
                hit = m.loc[m["area_code"] == area.code, "value"]
                value = float(hit.iloc[0]) if len(hit) else float("nan")
                note = "" if value == value else "no value in the external series"
                name = area.name
            rows.append(
                {
                    "month": month,
                    "area_type": area.area_type,
                    "area_code": area.code,
                    "area": name,
                    "value": value,
                    "note": note,
                }
            )
    frame = pd.DataFrame(rows, columns=list(EXTERNAL_COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    return frame


def history_coverage(history: History) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The days a history covers: (from, to).

    From: no limit for the CQC API (it lists deregistered locations with their dates); the date of the first
    monthly file when any location comes from monthly files only (`dates_source` "snapshots": such a history
    cannot know what closed before its first file). The file's date is read from its name as the snapshot
    loader does, or is its latest publication date. To: the latest day the history knows anything about.
    """
    from carequality.sources.snapshots import date_from_name

    locs = history.locations_all
    o = history.outcomes_by_location_date_key_question
    to = latest_date(history)
    snapshot_ids = set(locs.loc[locs["dates_source"].eq("snapshots"), "location_id"])
    if not snapshot_ids:
        return None, to
    files = o.loc[o["location_id"].isin(snapshot_ids) & o["source"].ne("api")]
    dates = []
    for source, rows in files.groupby("source", sort=True):
        d = date_from_name(str(source))
        dates.append(pd.Timestamp(d) if d is not None else rows["report_date"].max())
    if not dates:
        return to, to
    return min(dates), max([to, *dates])


# ---- what the comparison section shows, gathered from the model ----------------------------------------------
def baseline_month(params: ReportParams) -> str:
    """The month of the last month end on or before the baseline date (params.baseline)."""
    d = pd.Timestamp(params.baseline)
    end = d.to_period("M").end_time.normalize()
    return str(d.to_period("M") if d == end else d.to_period("M") - 1)


def benchmark_counts(model: Model, params: ReportParams, months: list[str]) -> pd.DataFrame:
    """`ratings_by_area_month_category` from every input that gives it, best first: the ratings history
    (location level, every area it covers), the latest ratings file (the council, on its date), then the
    counts file (England, regions and councils as prepared over CQC's national files)."""
    include = params.options.include_inherited_ratings
    extra = {n: params.council.code for n in params.council.cqc_names}
    frames = []
    if model.history is not None:
        frm, to = history_coverage(model.history)
        frames.append(
            counts_from_history(
                model.history,
                months,
                council=params.council.code,
                covered_from=frm,
                covered_to=to,
                include_inherited=include,
                extra_names=extra,
                source="CQC ratings history",
            )
        )
    if model.as_of is not None and len(model.locations) and str(model.as_of.to_period("M")) in months:
        frames.append(
            counts_from_locations(
                model.locations,
                council=params.council.council,
                date=model.as_of,
                include_inherited=include,
                source="CQC ratings file",
            )
        )
    if model.area_counts is not None:
        frames.append(model.area_counts[model.area_counts["month"].isin(months)])
    return combine_counts(*frames)


@dataclass
class Comparison:
    """Everything the comparison section shows: the months of the trend, the counts they come from, the latest month
    covered for the council (`last`; None when no month is) and for England too (`now`), the baseline month, the
    trend, distribution and change frames, and the history's local authorities that are not councils."""

    months: list[str]
    counts: pd.DataFrame
    last: str | None
    now: str | None
    base: str
    trend: pd.DataFrame | None = None
    dist: pd.DataFrame | None = None
    change: pd.DataFrame | None = None
    unmapped: pd.DataFrame | None = None
    #: Areas the data used here cover in no month: left out of the tables and charts (without_uncovered_areas).
    uncovered: list[str] = field(default_factory=list)


def comparison(model: Model, params: ReportParams) -> Comparison:
    council = params.council.council
    peers = model.peer_group
    # No month after the report's as-of date (model/asof.py): every "On <date>" sentence is dated within the data.
    months = months_between(params.trend_from, figures_date(params.period.end, model.as_of))
    counts = benchmark_counts(model, params, months)
    last = latest_covered_month(counts, council, months)
    # "Now" for the distribution and the change: the latest month England is covered too, when there is one.
    now = latest_covered_month(counts, council, months, with_england=True) or last
    out = Comparison(months=months, counts=counts, last=last, now=now, base=baseline_month(params))
    if last is None or now is None:
        return out
    out.months = months[: months.index(last) + 1]
    out.trend = trend_good_outstanding(counts, council=council, peers=peers, months=out.months)
    out.dist = rating_distribution_comparison(counts, council=council, peers=peers, month=now)
    out.change = change_since_baseline(counts, council=council, peers=peers, baseline_month=out.base, month=now)
    if model.history is not None:
        extra = {n: params.council.code for n in params.council.cqc_names}
        out.unmapped = unmapped_local_authorities(model.history, extra)
    return without_uncovered_areas(out)


def without_uncovered_areas(c: Comparison) -> Comparison:
    """The comparison without the areas the data used here cover in no month (their rows would be blank and their
    bars empty); the names of those left out in `c.uncovered`, in report order. The council is always kept."""
    if c.trend is None or c.dist is None or c.change is None:
        return c
    covered = c.trend.groupby("area", sort=False)["percent"].apply(lambda s: s.notna().any())
    council = c.trend.loc[c.trend["area_type"] == COUNCIL, "area"]
    keep = set(covered[covered].index) | set(council)
    c.uncovered = [a for a in dict.fromkeys(c.trend["area"]) if a not in keep]
    if c.uncovered:
        c.trend = c.trend[c.trend["area"].isin(keep)].reset_index(drop=True)
        c.dist = c.dist[c.dist["area"].isin(keep)].reset_index(drop=True)
        c.change = c.change[c.change["area"].isin(keep)].reset_index(drop=True)
    return c
