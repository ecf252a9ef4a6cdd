"""The council's QA records joined to CQC data: pure functions from frames to counted frames.

Sections (sections/qa.py) lay these out as tables and sentences. Nothing here reads a file or params;
dates, thresholds and names come in as arguments, so each function is tested on frames built in the test.

Words: a location is *commissioned* when it is in the commissioned-services file; *in area* when CQC lists
it under the council (the model's `locations`); the *host* view is every registered location in the area.
A rating group is one of Haringey's three columns: Good or Outstanding, Requires improvement or Inadequate,
Not yet rated (every other word: Not Rated, no published rating, insufficient evidence …).
"""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.sources.council_records import VISIT_TYPES, theme_key
from carequality.measures.shares import percent

GO = "Good or Outstanding"
RI = "Requires improvement or Inadequate"
NOT_RATED = "Not yet rated"
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
CATEGORY_NOUNS = {vocab.RESIDENTIAL: ("care home", "care homes"), vocab.COMMUNITY: ("community service", "community services")}


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
    counts["Locations"] = int(len(overall))
    return counts


def worst_rating_by_provider(locations: pd.DataFrame) -> pd.Series:
    """One overall rating per provider (provider_id; a location without one is its own provider): the lowest
    graded rating among its locations, or Not Rated when none of them has a graded rating."""
    if not len(locations):
        return pd.Series([], dtype=object)
    pid = locations["provider_id"].fillna("").astype(str)
    pid = pid.where(pid != "", locations["location_id"])
    order = {w: i for i, w in enumerate(vocab.GRADED)}
    rank = locations["overall_rating"].map(lambda r: order.get(str(r), -1))
    worst = rank.groupby(pid.to_numpy()).max()
    return worst.map(lambda i: vocab.GRADED[i] if i >= 0 else "Not Rated").sort_index()


def whole_percent_or_dash(count: int, total: int) -> float | None:
    """A share as Haringey prints it: whole percent rounded half up, and no number (a dash) for an empty cell."""
    if not count or not total:
        return None
    return percent(count, total, 0)


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
                row[f"{g} (%)"] = whole_percent_or_dash(c[g], c["Locations"])
        out.append(row)
    frame = pd.DataFrame(out)
    for c in ["Locations", *RATING_GROUPS]:
        frame[c] = frame[c].astype("Int64")
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
            out.append({"": label, "Measure": m, "Previous period": None if pd.isna(before) else int(before),
                        "This period": None if pd.isna(after) else int(after), "Change": change})
    frame = pd.DataFrame(out)
    for c in ("Previous period", "This period", "Change"):
        frame[c] = frame[c].astype("Int64")
    return frame


def change_phrase(now: int, before: int, noun: str = "") -> str:
    """'a net increase of 1', 'a net decrease of 8' or 'no change' (with an optional noun after the number)."""
    d = int(now) - int(before)
    tail = f" {noun}" if noun else ""
    if d > 0:
        return f"a net increase of {d:,}{tail}"
    if d < 0:
        return f"a net decrease of {-d:,}{tail}"
    return "no change"


# ---- market -------------------------------------------------------------------------------------------


def market_measures(commissioned: pd.DataFrame) -> dict[str, object]:
    """People funded, providers and locations commissioned, locations in area and their share, spend.

    `commissioned` is with_cqc() output. People count every row; providers and locations only those CQC knows.
    """
    known = commissioned[commissioned["known"]]
    providers = known["provider_id"].where(known["provider_id"].astype(str) != "", known["location_id"])
    n_loc = int(len(known))
    n_in = int(known["in_area"].sum())
    spend = commissioned["annual_spend"] if "annual_spend" in commissioned else pd.Series([], dtype="Float64")
    return {
        "people": int(commissioned["funded_clients"].fillna(0).sum()),
        "providers": int(providers.nunique()),
        "locations": n_loc,
        "in_area": n_in,
        "share_in_area": percent(n_in, n_loc, 0),
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
        row: dict[str, object] = {"Service type": label, "Locations": int(len(sub))}
        for w in (*vocab.GRADED, NOT_RATED):
            row[w] = int((words == w).sum())
        row["Not found in CQC data"] = int((~sub["known"]).sum())
        row[f"{GO} (%)"] = percent(int(words.isin(vocab.GOOD_OR_OUTSTANDING).sum()), int(len(known)), 1)
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
    return int(ri["location_id"].nunique()), int(len(ri))


# ---- risk register ------------------------------------------------------------------------------------


def _ts(d: object) -> pd.Timestamp:
    return pd.Timestamp(d).normalize()


def open_at(risk: pd.DataFrame, date: object) -> pd.DataFrame:
    """Spells in force on `date`: opened on or before it and not closed by it (a spell closes on its closed date)."""
    d = _ts(date)
    return risk[(risk["opened"] <= d) & (risk["closed"].isna() | (risk["closed"] > d))].reset_index(drop=True)


def level_changes(risk: pd.DataFrame) -> pd.DataFrame:
    """One row per move of a case between levels: case_ref, location_id, date, from_level, to_level, direction.

    A move is a spell that opens on the day the case's previous spell closed, at another level.
    """
    out = []
    for case, rows in risk.sort_values(["case_ref", "opened", "row"], kind="stable").groupby("case_ref", sort=True):
        prev = None
        for r in rows.itertuples():
            if prev is not None and pd.notna(prev.closed) and prev.closed == r.opened and prev.risk_level != r.risk_level:
                out.append({"case_ref": case, "location_id": r.location_id, "date": r.opened,
                            "from_level": int(prev.risk_level), "to_level": int(r.risk_level),
                            "direction": "escalation" if r.risk_level > prev.risk_level else "de-escalation"})
            prev = r
    return pd.DataFrame(out, columns=["case_ref", "location_id", "date", "from_level", "to_level", "direction"])


def case_starts_and_ends(risk: pd.DataFrame) -> pd.DataFrame:
    """Per case: opened (first spell), level it opened at, closed (last spell's closed, if the case ended)."""
    s = risk.sort_values(["case_ref", "opened", "row"], kind="stable")
    first = s.groupby("case_ref", sort=True).first()
    last = s.groupby("case_ref", sort=True).last()
    return pd.DataFrame({
        "case_ref": first.index, "opened": first["opened"].to_numpy(), "opened_level": first["risk_level"].to_numpy(),
        "closed": last["closed"].to_numpy(), "closed_level": last["risk_level"].to_numpy(),
    }).reset_index(drop=True)


def risk_level_counts(risk: pd.DataFrame, provider_of: pd.Series, start: object, end: object) -> pd.DataFrame:
    """Per level 1–4: services and providers at the level at `end`; escalations to it, de-escalations to it,
    cases opened at it and cases closed from it, each dated within [start, end].

    `provider_of` maps location_id → CQC provider id (a location CQC does not know counts as its own provider).
    """
    s, e = _ts(start), _ts(end)
    at_end = open_at(risk, e)
    moves = level_changes(risk)
    moves = moves[(moves["date"] >= s) & (moves["date"] <= e)]
    cases = case_starts_and_ends(risk)
    rows = []
    for level in (1, 2, 3, 4):
        here = at_end[at_end["risk_level"] == level]
        providers = here["location_id"].map(provider_of).fillna(here["location_id"]) if len(here) else here["location_id"]
        rows.append({
            "Level": level,
            "Services at period end": int(here["location_id"].nunique()),
            "Providers at period end": int(pd.Series(providers).nunique()),
            "Escalated to this level": int(((moves["to_level"] == level) & (moves["direction"] == "escalation")).sum()),
            "De-escalated to this level": int(((moves["to_level"] == level) & (moves["direction"] == "de-escalation")).sum()),
            "Cases opened at this level": int(((cases["opened_level"] == level) & (cases["opened"] >= s) & (cases["opened"] <= e)).sum()),
            "Cases closed from this level": int(((cases["closed_level"] == level) & cases["closed"].notna()
                                                 & (cases["closed"] >= s) & (cases["closed"] <= e)).sum()),
        })
    return pd.DataFrame(rows)


def high_risk_at(risk: pd.DataFrame, date: object, from_level: int) -> pd.DataFrame:
    """Spells in force on `date` at `from_level` or above."""
    here = open_at(risk, date)
    return here[here["risk_level"] >= from_level].reset_index(drop=True)


# ---- visits -------------------------------------------------------------------------------------------


def in_period(frame: pd.DataFrame, column: str, start: object, end: object) -> pd.DataFrame:
    return frame[(frame[column] >= _ts(start)) & (frame[column] <= _ts(end))].reset_index(drop=True)


def visits_by_type(visits: pd.DataFrame) -> pd.DataFrame:
    """Per visit type (in the order of the format) and a Total: visits in area, out of area, where CQC does not
    know the location, in total, and services visited. `visits` is with_cqc() output."""
    rows = []
    for label in (*VISIT_TYPES, "Total"):
        sub = visits if label == "Total" else visits[visits["visit_type"] == label]
        rows.append({
            "Visit type": label[0].upper() + label[1:],
            "In area": int((sub["known"] & sub["in_area"]).sum()),
            "Out of area": int((sub["known"] & ~sub["in_area"]).sum()),
            "Not found in CQC data": int((~sub["known"]).sum()),
            "Total": int(len(sub)),
            "Services visited": int(sub["location_id"].nunique()),
        })
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
    g = issues.assign(report=issues["location_id"] + "|" + issues["report_date"].astype(str)).groupby("theme", sort=True)
    frame = pd.DataFrame({
        "Theme": g.size().index.astype(str),
        "Issues": g.size().to_numpy().astype(int),
        "Reports": g["report"].nunique().to_numpy().astype(int),
        "Services": g["location_id"].nunique().to_numpy().astype(int),
    })
    frame = frame.assign(_k=frame["Theme"].str.casefold()).sort_values(["Issues", "_k"], ascending=[False, True],
                                                                        kind="stable").drop(columns="_k")
    frame.insert(0, "Rank", frame["Issues"].rank(method="min", ascending=False).astype(int))
    if offers is not None:
        by_key = {theme_key(t): (o or None) for t, o in zip(offers["theme"], offers["offer"])}
        frame["Support offer"] = frame["Theme"].map(lambda t: by_key.get(theme_key(t)))
    return frame.reset_index(drop=True)


def offers_without_issues(issues: pd.DataFrame, offers: pd.DataFrame) -> list[str]:
    """Themes in the offers file that no issue uses (listed in a footnote, not silently left out)."""
    used = {theme_key(t) for t in issues["theme"]}
    return [t for t in offers["theme"] if theme_key(t) not in used]
