"""The council's QA records joined to CQC data: functions from frames to counted frames.

Sections (sections/qa.py) lay these out as tables and sentences. Nothing here reads a file. The small functions
take frames, dates, thresholds and names as arguments, so each is tested on frames built in the test; the
`*_measures` functions at the end of each part gather what one section shows from the model and params.

Words: a location is *commissioned* when it is in the commissioned-services file; *in area* when CQC lists
it under the council (the model's `locations`); the *host* view is every registered location in the area.
A rating group is one of Haringey's three columns: Good or Outstanding, Requires improvement or Inadequate,
Not yet rated (every other word: Not Rated, no published rating, insufficient evidence …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from carequality import vocab
from carequality.measures.shares import DIGITS, percent, round1
from carequality.model.build import Model, area_mask
from carequality.model.history import active_at, day, ratings_at
from carequality.model.records import location_lookup, provider_key, with_cqc
from carequality.params import ReportParams
from carequality.sources.council_records import VISIT_TYPES, theme_key
from carequality.sources.frames import History

GO = "Good or Outstanding"
RI = "Requires improvement or Inadequate"
NOT_RATED = vocab.NOT_YET_RATED
RATING_GROUPS: tuple[str, ...] = (GO, RI, NOT_RATED)

#: Coventry's Table One (July 2022): the four risk levels, and the oversight of each (its paragraph 3.7).
RISK_LEVEL_DESCRIPTIONS: dict[int, str] = {
    1: "Concerns that are defined, single or time-limited in cause, or limited in scope",
    2: "Persistent or widespread low-risk concerns that need formal action",
    3: "Persistent serious concerns that need enforcement action",
    4: "Persistent serious concerns: the provider is at risk of urgent closure or failure, or people are at "
    "significant risk",
}
DEFAULT_OVERSIGHT: dict[int, str] = {
    1: "Contracts officer and clinical nurse, with oversight from their line managers",
    2: "Quality Peer Support Group",
    3: "Provider Escalation Panel",
    4: "Provider Escalation Panel",
}


# ---- ratings ------------------------------------------------------------------------------------------


def rating_group(rating: object) -> str:
    """Haringey's three columns: Good or Outstanding, Requires improvement or Inadequate, or Not yet rated."""
    word = None if rating is None or (not isinstance(rating, str) and pd.isna(rating)) else str(rating)
    if word in vocab.GOOD_OR_OUTSTANDING:
        return GO
    if word in vocab.RI_OR_INADEQUATE:
        return RI
    return NOT_RATED


def rating_word(rating: object) -> str:
    """A graded rating as CQC writes it, or Not yet rated for every other word and for no rating."""
    word = None if rating is None or (not isinstance(rating, str) and pd.isna(rating)) else str(rating)
    return word if word in vocab.GRADED else NOT_RATED


def group_counts(overall: pd.Series) -> dict[str, int]:
    """Locations in each rating group, and the total."""
    groups = overall.map(rating_group) if len(overall) else pd.Series([], dtype=object)
    counts = {g: int((groups == g).sum()) for g in RATING_GROUPS}
    counts["Locations"] = len(overall)
    return counts


def worst_rating_by_provider(locations: pd.DataFrame) -> pd.Series:
    """One overall rating per provider (provider_id; a location without one is its own provider): the lowest
    graded rating among its locations, or Not yet rated when none of them has a graded rating."""
    if not len(locations):
        return pd.Series([], dtype=object)
    pid = provider_key(locations["provider_id"], locations["location_id"])
    order = {w: i for i, w in enumerate(vocab.GRADED)}
    rank = locations["overall_rating"].map(lambda r: order.get(str(r), -1))
    worst = rank.groupby(pid.to_numpy()).max()
    return worst.map(lambda i: vocab.GRADED[i] if i >= 0 else NOT_RATED).sort_index()


def share_or_dash(count: int, total: int) -> float | None:
    """A share of Haringey's Table 1: the report's one rounding (measures.shares, one decimal place, halves away from
    zero); a true zero (none of the row's locations) is 0, and only a row with no locations has no number (a dash)."""
    if not total:
        return None
    return percent(count, total, DIGITS)


def overall_at(ratings: pd.DataFrame) -> pd.Series:
    """location_id → Overall rating from a ratings_at() frame."""
    o = ratings[ratings["key_question"] == "Overall"]
    return o.set_index("location_id")["rating"]


# ---- Haringey Table 1 ---------------------------------------------------------------------------------


def rating_group_table(rows: dict[str, pd.Series | None]) -> pd.DataFrame:
    """Haringey's Table 1 as numbers: per row (label → overall ratings of its locations, or None if unknown),
    the number of locations, and the count and whole percent in each rating group ("-" → None when empty)."""
    out = []
    for label, overall in rows.items():
        row: dict[str, object] = {"": label}
        if overall is None:
            row["Locations"] = None
            for g in RATING_GROUPS:
                row[g] = None
                row[f"{g} (%)"] = None
        else:
            c = group_counts(overall)
            row["Locations"] = c["Locations"]
            for g in RATING_GROUPS:
                row[g] = c[g]
                row[f"{g} (%)"] = share_or_dash(c[g], c["Locations"])
        out.append(row)
    frame = pd.DataFrame(out)
    for col in ["Locations", *RATING_GROUPS]:
        frame[col] = frame[col].astype("Int64")
    for g in RATING_GROUPS:
        frame[f"{g} (%)"] = frame[f"{g} (%)"].astype("Float64")
    return frame


def change_table(previous: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Long frame: per row label and measure (Locations and each rating group), previous, now and change."""
    out = []
    for i in range(len(now)):
        label = now.iloc[i, 0]
        for m in ["Locations", *RATING_GROUPS]:
            before, after = previous.loc[i, m], now.loc[i, m]
            change = None if pd.isna(before) or pd.isna(after) else int(after) - int(before)
            out.append(
                {
                    "": label,
                    "Measure": m,
                    "Previous period": None if pd.isna(before) else int(before),
                    "This period": None if pd.isna(after) else int(after),
                    "Change": change,
                }
            )
    frame = pd.DataFrame(out)
    for c in ("Previous period", "This period", "Change"):
        frame[c] = frame[c].astype("Int64")
    return frame


# ---- market -------------------------------------------------------------------------------------------


def market_measures(commissioned: pd.DataFrame) -> dict[str, Any]:
    """People funded, providers and locations commissioned, locations in area and their share, spend.

    `commissioned` is with_cqc() output. People count every row; providers and locations only those CQC knows.
    """
    known = commissioned[commissioned["known"]]
    providers = provider_key(known["provider_id"], known["location_id"])
    n_loc = len(known)
    n_in = int(known["in_area"].sum())
    spend = commissioned["annual_spend"] if "annual_spend" in commissioned else pd.Series([], dtype="Float64")
    return {
        "people": int(commissioned["funded_clients"].fillna(0).sum()),
        "providers": int(providers.nunique()),
        "locations": n_loc,
        "in_area": n_in,
        "share_in_area": percent(n_in, n_loc, DIGITS),
        "spend": None if spend.isna().all() or not len(spend) else float(spend.fillna(0).sum()),
        "unknown": int((~commissioned["known"]).sum()),
    }


def by_service_type(commissioned: pd.DataFrame) -> pd.DataFrame:
    """Per service type (sorted) and a Total: locations, counts at each graded rating and Not yet rated, locations
    CQC does not know, % Good or Outstanding (one decimal, of locations CQC knows) and people funded."""
    rows = []
    types = sorted(commissioned["service_type"].unique(), key=lambda s: (s.casefold(), s))
    for label, sub in [(t, commissioned[commissioned["service_type"] == t]) for t in types] + [("Total", commissioned)]:
        known = sub[sub["known"]]
        words = known["overall_rating"].map(rating_word)
        row: dict[str, object] = {"Service type": label, "Locations": len(sub)}
        for w in (*vocab.GRADED, NOT_RATED):
            row[w] = int((words == w).sum())
        row[vocab.NOT_FOUND] = int((~sub["known"]).sum())
        row[f"{GO} (%)"] = percent(int(words.isin(vocab.GOOD_OR_OUTSTANDING).sum()), len(known), 1)
        row["People funded"] = int(sub["funded_clients"].fillna(0).sum())
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame[f"{GO} (%)"] = frame[f"{GO} (%)"].astype("Float64")
    return frame


# ---- baseline -----------------------------------------------------------------------------------------


def ratings_count(overall: pd.Series) -> dict[str, int]:
    """Locations at each graded rating and Not yet rated."""
    words = overall.map(rating_word) if len(overall) else pd.Series([], dtype=object)
    return {w: int((words == w).sum()) for w in (*vocab.GRADED, NOT_RATED)}


def requires_improvement_count(ratings: pd.DataFrame, location_ids: set[str]) -> tuple[int, int]:
    """Rutland's measure over the five key questions: (locations with at least one Requires improvement rating,
    Requires improvement ratings between them). `ratings`: location_id, key_question, rating."""
    r = ratings[ratings["location_id"].isin(location_ids) & ratings["key_question"].isin(vocab.KEY_QUESTIONS)]
    ri = r[r["rating"].astype(str) == "Requires improvement"]
    return int(ri["location_id"].nunique()), len(ri)


# ---- risk register ------------------------------------------------------------------------------------


def open_at(risk: pd.DataFrame, date: object) -> pd.DataFrame:
    """Spells in force on `date`: opened on or before it and not closed by it (a spell closes on its closed date)."""
    d = day(date)
    return risk[(risk["opened"] <= d) & (risk["closed"].isna() | (risk["closed"] > d))].reset_index(drop=True)


def level_changes(risk: pd.DataFrame) -> pd.DataFrame:
    """One row per move of a case between levels: case_ref, location_id, date, from_level, to_level, direction.

    A move is a spell that opens on the day the case's previous spell closed, at another level.
    """
    out = []
    for case, rows in risk.sort_values(["case_ref", "opened", "row"], kind="stable").groupby("case_ref", sort=True):
        prev = None
        for r in rows.itertuples():
            if (
                prev is not None
                and pd.notna(prev.closed)
                and prev.closed == r.opened
                and prev.risk_level != r.risk_level
            ):
                out.append(
                    {
                        "case_ref": case,
                        "location_id": r.location_id,
                        "date": r.opened,
                        "from_level": int(prev.risk_level),
                        "to_level": int(r.risk_level),
                        "direction": "escalation" if r.risk_level > prev.risk_level else "de-escalation",
                    }
                )
            prev = r
    return pd.DataFrame(out, columns=["case_ref", "location_id", "date", "from_level", "to_level", "direction"])


def case_starts_and_ends(risk: pd.DataFrame) -> pd.DataFrame:
    """Per case: opened (first spell), level it opened at, closed (last spell's closed, if the case ended)."""
    s = risk.sort_values(["case_ref", "opened", "row"], kind="stable")
    first = s.groupby("case_ref", sort=True).first()
    last = s.groupby("case_ref", sort=True).last()
    return pd.DataFrame(
        {
            "case_ref": first.index,
            "opened": first["opened"].to_numpy(),
            "opened_level": first["risk_level"].to_numpy(),
            "closed": last["closed"].to_numpy(),
            "closed_level": last["risk_level"].to_numpy(),
        }
    ).reset_index(drop=True)


def risk_level_counts(risk: pd.DataFrame, provider_of: pd.Series, start: object, end: object) -> pd.DataFrame:
    """Per level 1–4: services and providers at the level at `end`; escalations to it, de-escalations to it,
    cases opened at it and cases closed from it, each dated within [start, end].

    `provider_of` maps location_id → CQC provider id (a location CQC does not know counts as its own provider).
    """
    s, e = day(start), day(end)
    at_end = open_at(risk, e)
    moves = level_changes(risk)
    moves = moves[(moves["date"] >= s) & (moves["date"] <= e)]
    cases = case_starts_and_ends(risk)
    rows = []
    for level in (1, 2, 3, 4):
        here = at_end[at_end["risk_level"] == level]
        providers = (
            here["location_id"].map(provider_of).fillna(here["location_id"]) if len(here) else here["location_id"]
        )
        rows.append(
            {
                "Level": level,
                "Services at period end": int(here["location_id"].nunique()),
                "Providers at period end": int(pd.Series(providers).nunique()),
                "Escalated to this level": int(
                    ((moves["to_level"] == level) & (moves["direction"] == "escalation")).sum()
                ),
                "De-escalated to this level": int(
                    ((moves["to_level"] == level) & (moves["direction"] == "de-escalation")).sum()
                ),
                "Cases opened at this level": int(
                    ((cases["opened_level"] == level) & (cases["opened"] >= s) & (cases["opened"] <= e)).sum()
                ),
                "Cases closed from this level": int(
                    (
                        (cases["closed_level"] == level)
                        & cases["closed"].notna()
                        & (cases["closed"] >= s)
                        & (cases["closed"] <= e)
                    ).sum()
                ),
            }
        )
    return pd.DataFrame(rows)


def high_risk_at(risk: pd.DataFrame, date: object, from_level: int) -> pd.DataFrame:
    """Spells in force on `date` at `from_level` or above."""
    here = open_at(risk, date)
    return here[here["risk_level"] >= from_level].reset_index(drop=True)


# ---- visits -------------------------------------------------------------------------------------------


def in_period(frame: pd.DataFrame, column: str, start: object, end: object) -> pd.DataFrame:
    return frame[(frame[column] >= day(start)) & (frame[column] <= day(end))].reset_index(drop=True)


def visits_by_type(visits: pd.DataFrame) -> pd.DataFrame:
    """Per visit type (in the order of the format) and a Total: visits in area, out of area, where CQC does not
    know the location, in total, and services visited. `visits` is with_cqc() output."""
    rows = []
    for label in (*VISIT_TYPES, "Total"):
        sub = visits if label == "Total" else visits[visits["visit_type"] == label]
        rows.append(
            {
                "Visit type": label[0].upper() + label[1:],
                "In area": int((sub["known"] & sub["in_area"]).sum()),
                "Out of area": int((sub["known"] & ~sub["in_area"]).sum()),
                vocab.NOT_FOUND: int((~sub["known"]).sum()),
                "Total": len(sub),
                "Services visited": int(sub["location_id"].nunique()),
            }
        )
    return pd.DataFrame(rows)


def visit_outcomes(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits per outcome, most frequent first (ties by name); a blank outcome is 'Not recorded'."""
    outcomes = visits["outcome"].where(visits["outcome"] != "", "Not recorded")
    counts = outcomes.value_counts()
    frame = pd.DataFrame({"Outcome": counts.index.astype(str), "Visits": counts.to_numpy().astype(int)})
    return frame.sort_values(["Visits", "Outcome"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---- inspection themes --------------------------------------------------------------------------------


def themes_ranked(issues: pd.DataFrame, offers: pd.DataFrame | None) -> pd.DataFrame:
    """Themes ranked by number of issues (ties share a rank and sort by name), with reports, services and offer.

    `offer` is None where the offers file has no row for the theme or leaves it blank, and the column is
    absent when no offers file is given.
    """
    if not len(issues):
        cols = ["Rank", "Theme", "Issues", "Reports", "Services"] + ([] if offers is None else ["Support offer"])
        return pd.DataFrame(columns=cols)
    g = issues.assign(report=issues["location_id"] + "|" + issues["report_date"].astype(str)).groupby(
        "theme", sort=True
    )
    frame = pd.DataFrame(
        {
            "Theme": g.size().index.astype(str),
            "Issues": g.size().to_numpy().astype(int),
            "Reports": g["report"].nunique().to_numpy().astype(int),
            "Services": g["location_id"].nunique().to_numpy().astype(int),
        }
    )
    frame = (
        frame.assign(_k=frame["Theme"].str.casefold())
        .sort_values(["Issues", "_k"], ascending=[False, True], kind="stable")
        .drop(columns="_k")
    )
    frame.insert(0, "Rank", frame["Issues"].rank(method="min", ascending=False).astype(int))
    if offers is not None:
        by_key = {theme_key(t): (o or None) for t, o in zip(offers["theme"], offers["offer"])}
        frame["Support offer"] = frame["Theme"].map(lambda t: by_key.get(theme_key(t)))
    return frame.reset_index(drop=True)


def offers_without_issues(issues: pd.DataFrame, offers: pd.DataFrame) -> list[str]:
    """Themes in the offers file that no issue uses (listed in a footnote, not silently left out)."""
    used = {theme_key(t) for t in issues["theme"]}
    return [t for t in offers["theme"] if theme_key(t) not in used]


# ---- what each section shows, gathered from the model ---------------------------------------------------


@dataclass
class QaContext:
    """What every QA section needs: the council's name, every location CQC's data knows (with its attributes and
    overall rating), the ids in the council's area, the ratings history, and publication mode's threshold."""

    council: str
    lookup: pd.DataFrame
    in_area: set[str]
    history: History | None
    threshold: int | None  # suppression threshold in publication mode, else None
    publication: bool


def qa_context(model: Model, params: ReportParams) -> QaContext:
    history = model.history
    hist_locs, hist_overall = None, None
    if history is not None:
        hist_locs = history.locations_all
        hist_overall = overall_at(ratings_at(history, params.period.end))
    lookup = location_lookup(model.cqc_locations_all, hist_locs, hist_overall)
    la = lookup["local_authority"].fillna("").astype(str) if len(lookup) else pd.Series([], dtype=str)
    in_area = set(lookup.index[area_mask(la, params).to_numpy()]) if len(lookup) else set()
    in_area |= set(model.locations["location_id"])
    publication = params.options.mode == "publication"
    return QaContext(
        params.council.name,
        lookup,
        in_area,
        history,
        params.options.suppress_below if publication else None,
        publication,
    )


def commissioned(model: Model, ctx: QaContext, previous: bool = False) -> pd.DataFrame | None:
    """The commissioned-services file (now, or at the previous period end) with CQC's attributes (with_cqc)."""
    frame = model.records.commissioned_previous_by_location if previous else model.records.commissioned_by_location
    return None if frame is None else with_cqc(frame, ctx.lookup, ctx.in_area)


def host_overall_at(model: Model, params: ReportParams, date: object) -> pd.DataFrame | None:
    """Every location registered in the area on `date` (from the history) with its overall rating then:
    location_id, provider_id, category, overall_rating. None without a history."""
    history = model.history
    if history is None:
        return None
    active = active_at(history, date)
    active = active[area_mask(active["local_authority"].fillna("").astype(str), params).to_numpy()]
    types = active["location_type"].fillna("").astype(str)
    active = active[types.isin(params.options.location_types) | (types == "")]
    out = active[["location_id", "provider_id", "category"]].reset_index(drop=True)
    return out.assign(overall_rating=out["location_id"].map(overall_at(ratings_at(history, date))))


def market_change(now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """market_measures now minus before: people, providers, locations, in area, the share in the area (percentage
    points, worked out before rounding as every change of a share; None when either is unknown) and spend (None when
    either is unknown)."""
    out: dict[str, Any] = {k: now[k] - before[k] for k in ("people", "providers", "locations", "in_area")}
    out["share_in_area"] = (
        None
        if not now["locations"] or not before["locations"]
        else round1(100 * (now["in_area"] / now["locations"] - before["in_area"] / before["locations"]))
    )
    out["spend"] = None if now["spend"] is None or before["spend"] is None else now["spend"] - before["spend"]
    return out


def rating_rows(rows: dict[str, object]) -> pd.DataFrame:
    """rating_group_table, allowing a row whose location count is known but not its ratings (an int)."""
    counts_only = {k: v for k, v in rows.items() if isinstance(v, int)}
    frame = rating_group_table({k: (None if isinstance(v, int) else v) for k, v in rows.items()})
    for k, n in counts_only.items():
        frame.loc[frame[""] == k, "Locations"] = n
    return frame


def previous_rating_rows(
    model: Model, params: ReportParams, ctx: QaContext, labels: tuple[str, str, str], by_provider: bool
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Haringey's Table 1 at the end of the previous period: host row from the ratings history, commissioned rows
    from the previous commissioned-services file rated from the history. A row is unknown (all None) without the
    inputs it needs; a commissioned row whose locations the history does not all cover keeps only its count.
    Returns the table and, per such row, the number of locations the history does not cover."""
    prev_end = params.period.previous.end
    host_prev = host_overall_at(model, params, prev_end)
    if host_prev is not None and by_provider:
        host_prev = worst_rating_by_provider(host_prev).to_frame("overall_rating")
    com_prev = commissioned(model, ctx, previous=True)
    rows: dict[str, object] = {labels[0]: None if host_prev is None else host_prev["overall_rating"]}
    uncovered: dict[str, int] = {}
    if com_prev is None:
        rows[labels[1]] = rows[labels[2]] = None
        return rating_rows(rows), uncovered
    kp = com_prev[com_prev["known"]]
    hist = ctx.history
    o = None if hist is None else overall_at(ratings_at(hist, prev_end))
    covered = set() if hist is None else set(hist.locations_all["location_id"])
    for label, mask in ((labels[1], kp["in_area"]), (labels[2], ~kp["in_area"])):
        sub = kp[mask]
        missing = 0 if o is None else int((~sub["location_id"].isin(covered)).sum())
        if o is not None and not missing:
            rows[label] = sub["location_id"].map(o)
        else:
            rows[label] = len(sub)  # the count is known; the ratings then are not
            if missing:
                uncovered[label] = missing
    return rating_rows(rows), uncovered


def ratings_by_category_at(locations: pd.DataFrame, baseline: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """Per category: ratings_count now (the latest ratings' locations) and at the baseline (None without one)."""
    out = {}
    for cat in vocab.CATEGORIES:
        now = ratings_count(locations.loc[locations["category"] == cat, "overall_rating"])
        then = None if baseline is None else ratings_count(baseline.loc[baseline["category"] == cat, "overall_rating"])
        out[cat] = {"now": now, "then": then}
    return out


def requires_improvement_by_category(
    model: Model, ctx: QaContext, com: pd.DataFrame, baseline: object
) -> list[dict[str, Any]]:
    """Rutland 2.7: per category, in-area commissioned locations and requires_improvement_count now and (with a
    history) at the baseline: category, locations, now (locations, ratings), then (or None)."""
    cohort = com[com["known"] & com["in_area"]]
    then_kq = ratings_at(ctx.history, baseline) if ctx.history is not None else None
    out = []
    for cat in vocab.CATEGORIES:
        ids = set(cohort.loc[cohort["category"] == cat, "location_id"])
        out.append(
            {
                "category": cat,
                "locations": len(ids),
                "now": requires_improvement_count(model.ratings_by_location_key_question, ids),
                "then": None if then_kq is None else requires_improvement_count(then_kq, ids),
            }
        )
    return out


@dataclass
class HighRisk:
    """Haringey's Tables 2 and 3: the services at a high risk level at a date, in or out of the area."""

    services: pd.DataFrame  # one row per spell: with_cqc columns plus service, lead and provider (provider_key)
    #: Every provider on the register with a location CQC knows, in or out of the area (for references).
    all_providers: pd.Series
    unknown: int  # high-risk cases at location ids CQC's data does not know (area unknown)
    providers: int  # distinct providers of the services
    suspended: int  # services with new placements suspended
    lead_own: int  # services whose intervention the council leads


def high_risk_measures(model: Model, params: ReportParams, ctx: QaContext, *, in_area: bool) -> HighRisk:
    """The services at risk level options.high_risk_from_level or above at the period end, in the council's area
    (in_area) or in others."""
    risk = with_cqc(model.records.risk_by_case_opened, ctx.lookup, ctx.in_area)
    spells = high_risk_at(risk, params.period.end, params.options.high_risk_from_level)
    rows = spells[spells["known"] & (spells["in_area"] == in_area)].copy()
    com = model.records.commissioned_by_location
    stype = com.set_index("location_id")["service_type"] if com is not None else pd.Series(dtype=object)
    rows["service"] = [stype.get(i) or vocab.category_label(c) for i, c in zip(rows["location_id"], rows["category"])]
    rows["lead"] = [
        (la or (ctx.council if in_area else host)) for la, host in zip(rows["lead_authority"], rows["local_authority"])
    ]
    rows["provider"] = provider_key(rows["provider_id"], rows["location_id"])
    rows = rows.reset_index(drop=True)
    known_all = risk[risk["known"]]
    return HighRisk(
        services=rows,
        all_providers=provider_key(known_all["provider_id"], known_all["location_id"]),
        unknown=int((~spells["known"]).sum()),
        providers=int(rows["provider"].nunique()),
        suspended=int(rows["placements_suspended"].fillna(False).sum()),
        lead_own=int((rows["lead"] == ctx.council).sum()),
    )


@dataclass
class RiskSummary:
    counts: pd.DataFrame  # risk_level_counts with Description and Oversight
    services: int  # on the register at the period end
    escalated: int
    de_escalated: int
    opened: int
    closed: int


def risk_summary(model: Model, params: ReportParams, ctx: QaContext, forums: dict[int, str]) -> RiskSummary:
    """Coventry's Table One for the period: risk_level_counts with each level's description and oversight forum,
    and the period's totals."""
    provider_of = ctx.lookup["provider_id"] if len(ctx.lookup) else pd.Series(dtype=object)
    provider_of = provider_of[provider_of.fillna("").astype(str) != ""]
    counts = risk_level_counts(model.records.risk_by_case_opened, provider_of, params.period.start, params.period.end)
    counts.insert(1, "Description", counts["Level"].map(RISK_LEVEL_DESCRIPTIONS))
    counts.insert(2, "Oversight", counts["Level"].map(forums))
    return RiskSummary(
        counts=counts,
        services=int(counts["Services at period end"].sum()),
        escalated=int(counts["Escalated to this level"].sum()),
        de_escalated=int(counts["De-escalated to this level"].sum()),
        opened=int(counts["Cases opened at this level"].sum()),
        closed=int(counts["Cases closed from this level"].sum()),
    )


@dataclass
class VisitSummary:
    by_type: pd.DataFrame  # visits_by_type of the period (with Previous period when the file has any)
    outcomes: pd.DataFrame  # visit_outcomes of the period
    previous: int  # visits in the previous period
    outside: int  # visits dated in neither period
    welfare_checks: int
    welfare_services: int
    welfare_low_rated: int  # services with a welfare check rated Requires improvement or Inadequate
    suspensions: (
        dict[str, int] | None
    )  # in_area, out_of_area, unknown, total at the period end; None without a register


def visit_summary(model: Model, params: ReportParams, ctx: QaContext) -> VisitSummary:
    """Haringey 6.7: visits by type in the period and the previous one, outcomes, welfare checks, and services with
    new placements suspended at the period end (from the risk register)."""
    visits = with_cqc(model.records.visits_by_location_date, ctx.lookup, ctx.in_area)
    p, prev = params.period, params.period.previous
    cur = in_period(visits, "visit_date", p.start, p.end)
    before = in_period(visits, "visit_date", prev.start, prev.end)
    frame = visits_by_type(cur)
    if not frame[vocab.NOT_FOUND].any():
        frame = frame.drop(columns=vocab.NOT_FOUND)
    if len(before):
        frame["Previous period"] = visits_by_type(before)["Total"]
    welfare = cur[cur["visit_type"] == "welfare check"]
    wl = welfare.drop_duplicates("location_id")
    low = int(wl["overall_rating"].map(lambda r: str(r) in vocab.RI_OR_INADEQUATE).sum())
    suspensions = None
    risk = model.records.risk_by_case_opened
    if risk is not None:
        r = with_cqc(open_at(risk, p.end), ctx.lookup, ctx.in_area)
        ids = r[r["placements_suspended"].fillna(False).astype(bool)].drop_duplicates("location_id")
        n_in = int((ids["known"] & ids["in_area"]).sum())
        n_out = int((ids["known"] & ~ids["in_area"]).sum())
        suspensions = {"in_area": n_in, "out_of_area": n_out, "unknown": len(ids) - n_in - n_out, "total": len(ids)}
    return VisitSummary(
        by_type=frame,
        outcomes=visit_outcomes(cur),
        previous=len(before),
        outside=len(visits) - len(cur) - len(before),
        welfare_checks=len(welfare),
        welfare_services=len(wl),
        welfare_low_rated=low,
        suspensions=suspensions,
    )


@dataclass
class ThemeSummary:
    ranked: pd.DataFrame  # themes_ranked
    issues: int
    reports: int
    services: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    without_offer: list[str] | None  # themes with no support offer; None without an offers file
    spare_offers: list[str]  # offers no issue uses


def theme_summary(issues: pd.DataFrame, offers: pd.DataFrame | None) -> ThemeSummary:
    """Leicester 4.12 and 4.15: themes ranked, with the counts the section's sentences give."""
    ranked = themes_ranked(issues, offers)
    reports = issues[["location_id", "report_date"]].drop_duplicates()
    return ThemeSummary(
        ranked=ranked,
        issues=len(issues),
        reports=len(reports),
        services=int(reports["location_id"].nunique()),
        first=issues["report_date"].min() if len(issues) else None,
        last=issues["report_date"].max() if len(issues) else None,
        without_offer=None if offers is None else ranked.loc[ranked["Support offer"].isna(), "Theme"].tolist(),
        spare_offers=[] if offers is None else offers_without_issues(issues, offers),
    )


def register_as_of(model: Model, params: ReportParams) -> dt.date:
    """The date the risk register's figures describe: its latest entry, or the period end if that is earlier. Its
    sentences say this date, never a later one the register cannot know about."""
    dates = [i.as_of for i in model.inputs if i.name == "risk_register" and i.as_of]
    end = params.period.end
    return min(end, dt.date.fromisoformat(dates[0])) if dates else end


def register_when(model: Model, params: ReportParams) -> str:
    """'At 31 March 2026,' or 'On 18 March 2026, the date of the risk register's latest entry,' (a sentence's
    opening, from register_as_of)."""
    day = register_as_of(model, params)
    text = f"{day.day} {day:%B %Y}"
    return f"At {text}," if day == params.period.end else f"On {text}, the date of the risk register's latest entry,"
