"""What happened in a period, from a ratings History: inspections, rating changes, openings, closures, and
ratings at chosen dates. Pure functions of a History and dates; dates are inclusive.

An *inspection* here is a published inspection outcome: a location × report (publication) date with at
least one rating, as CQC's reports give them. Ratings inherited from a previous provider are not
inspections of the location that inherited them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, count
from carequality.model.coverage import Coverage
from carequality.model.history import NON_REPLACING, active_at, day, outcomes_by_location_date, ratings_at
from carequality.sources.frames import History

#: The row labels of CQC's primary inspection categories (Haringey's Table 4 rows), in report order.
ROW_LABELS = [vocab.CATEGORY_WORDS[c].label for c in (vocab.COMMUNITY, vocab.RESIDENTIAL)]
#: A location's main service type: the first of these (CQC service type names) it is registered for.
SERVICE_TYPE_PRIORITY = (
    "Nursing homes",
    "Residential homes",
    "Homecare agencies",
    "Supported living",
    "Shared lives",
    "Extra Care housing services",
    "Supported housing",
)
NOT_KNOWN = "Not known"
DIRECTIONS = ("Improved", "Declined", "Unchanged", "First rating")


def category_label(category: str) -> str:
    return vocab.category_label(category) if category else NOT_KNOWN


def category_order(labels: Iterable[str]) -> list[str]:
    """Labels in report order: Community-based services, Care homes, then any others alphabetically."""
    present = list(dict.fromkeys(labels))
    known = [lab for lab in ROW_LABELS if lab in present]
    return known + sorted(lab for lab in present if lab not in known)


def counts_by_category_label(frame: pd.DataFrame) -> dict[str, int]:
    """Rows of a frame with a `category` column by category row label, in report order; the two adult social care
    categories always listed (0 when absent)."""
    labels = frame["category"].map(category_label).value_counts()
    return {label: int(labels.get(label, 0)) for label in category_order(ROW_LABELS + list(labels.index))}


def main_service_type(service_types: str) -> str:
    """The main CQC service type of a location from its "; "-joined service types (see SERVICE_TYPE_PRIORITY)."""
    types = [t.strip() for t in (service_types or "").split(";") if t.strip()]
    if not types:
        return NOT_KNOWN
    folded = {t.casefold(): t for t in types}
    for p in SERVICE_TYPE_PRIORITY:
        if p.casefold() in folded:
            return folded[p.casefold()]
    return types[0]


def _with_location(frame: pd.DataFrame, history: History) -> pd.DataFrame:
    loc = history.locations_all[["location_id", "location_name", "category", "care_home"]]
    out = frame.merge(loc, on="location_id", how="left", validate="many_to_one")
    out["category"] = out["category"].fillna("").astype(str)
    return out


def _overall_before(history: History, keys: pd.DataFrame, *, strictly: bool, column: str = "rating") -> pd.Series:
    """Each (location_id, report_date) row's Overall rating carried forward to that date (or just before it); with
    `column="inherited"`, whether that rating was inherited."""
    o = history.outcomes_by_location_date_key_question
    strong = o[(o["key_question"] == "Overall") & ~o["rating"].astype(str).isin(NON_REPLACING)]
    right = strong[["location_id", "report_date", "rating", "inherited"]].sort_values("report_date", kind="stable")
    left = keys[["location_id", "report_date"]].reset_index().sort_values("report_date", kind="stable")
    if left.empty:
        return pd.Series([], dtype=object)
    m = pd.merge_asof(
        left,
        right.astype({"rating": str}),
        on="report_date",
        by="location_id",
        allow_exact_matches=not strictly,
        direction="backward",
    )
    return m.set_index("index")[column].reindex(keys.index)


def inspections_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """Published inspection outcomes with a report date from `start` to `end`, one row each.

    Columns: location_id, location_name, category, care_home, report_date, rating (the Overall rating published
    that day; when the report rated only key questions, the Overall rating the location then held),
    key_questions (those the report rated), source.
    """
    per = outcomes_by_location_date(history)
    per = per[(per["report_date"] >= day(start)) & (per["report_date"] <= day(end)) & ~per["inherited"]]
    per = per.reset_index(drop=True)
    carried = _overall_before(history, per, strictly=False)
    rating = per["overall"].astype(object).where(per["overall"].notna(), carried)
    per["rating"] = (
        pd.Series(rating, index=per.index).fillna("No published rating").astype(str).astype(vocab.RATING_DTYPE)
    )
    out = _with_location(per.drop(columns=["overall", "inherited"]), history)
    cols = ["location_id", "location_name", "category", "care_home", "report_date", "rating", "key_questions", "source"]
    return out[cols].sort_values(["report_date", "location_name", "location_id"], kind="stable").reset_index(drop=True)


def inspection_counts(inspections: pd.DataFrame) -> pd.DataFrame:
    """Haringey's Table 4: inspections by category (Community based, Care homes, …, Total) × rating.

    Columns: Category, the four graded ratings, any other rating words present, Total.
    """
    present = set(inspections["rating"].astype(str))
    words = list(vocab.GRADED) + [w for w in vocab.RATINGS[4:] if w in present]
    labels = inspections["category"].map(category_label)
    rows = category_order(ROW_LABELS + list(labels))
    out = []
    for lab in [*rows, "Total"]:
        sub = inspections if lab == "Total" else inspections[labels == lab]
        counts = sub["rating"].astype(str).value_counts()
        out.append({"Category": lab, **{w: int(counts.get(w, 0)) for w in words}, "Total": len(sub)})
    return pd.DataFrame(out)


def rating_changes(history: History, start: object, end: object) -> pd.DataFrame:
    """Each graded Overall rating published from `start` to `end` against the location's rating before it.

    Columns: location_id, location_name, category, report_date, from_rating (the latest Overall rating before
    the report; blank when there was none), from_inherited (that rating was the previous provider's), to_rating,
    direction (Improved, Declined, Unchanged, First rating).
    Reports whose Overall rating is not graded (for example Inspected but not rated) are not rating changes.
    """
    o = history.outcomes_by_location_date_key_question
    new = o[
        (o["key_question"] == "Overall")
        & o["rating"].astype(str).isin(vocab.GRADED)
        & ~o["inherited"]
        & (o["report_date"] >= day(start))
        & (o["report_date"] <= day(end))
    ]
    new = new[["location_id", "report_date", "rating"]].rename(columns={"rating": "to_rating"}).reset_index(drop=True)
    before = _overall_before(history, new, strictly=True)
    new["from_rating"] = pd.Series([b if b in vocab.GRADED else "" for b in before], index=new.index, dtype=str)
    inherited_before = _overall_before(history, new, strictly=True, column="inherited")
    new["from_inherited"] = inherited_before.fillna(False).astype(bool) & new["from_rating"].ne("")
    rank = {w: i for i, w in enumerate(vocab.GRADED)}

    def direction(was: str, now: str) -> str:
        if not was:
            return "First rating"
        return "Improved" if rank[now] < rank[was] else "Declined" if rank[now] > rank[was] else "Unchanged"

    new["direction"] = pd.Series(
        [direction(a, str(b)) for a, b in zip(new["from_rating"], new["to_rating"])], index=new.index, dtype=str
    )
    new["to_rating"] = new["to_rating"].astype(str)
    out = _with_location(new, history)
    cols = [
        "location_id",
        "location_name",
        "category",
        "report_date",
        "from_rating",
        "from_inherited",
        "to_rating",
        "direction",
    ]
    return out[cols].sort_values(["report_date", "location_name", "location_id"], kind="stable").reset_index(drop=True)


def _dated(history: History, column: str, start: object, end: object) -> pd.DataFrame:
    loc = history.locations_all
    hit = loc[(loc[column] >= day(start)) & (loc[column] <= day(end))].copy()
    hit["main_service_type"] = hit["service_types"].map(main_service_type)
    return hit.sort_values([column, "location_name", "location_id"], kind="stable").reset_index(drop=True)


def registrations_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """Locations registered from `start` to `end` (locations_all rows plus main_service_type), changes of provider
    included (see new_services_in_period)."""
    return _dated(history, "registration_date", start, end)


def deregistrations_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """Locations deregistered from `start` to `end` (locations_all rows plus main_service_type), changes of provider
    included (see closures_in_period)."""
    return _dated(history, "deregistration_date", start, end)


# ---- changes of provider ------------------------------------------------------------------------------------

#: CQC's reasons for linking a location to the one it replaced (`relationships[].reason`), in plain words.
CHANGE_REASONS: dict[str, str] = {
    "New Provider": "New provider",
    "Legal Entity Change": "The provider became a new legal entity",
    "Partnership Change": "The partnership that runs it changed",
    "NHS Transfer": "Transferred from an NHS body",
    "Location Move": "Moved to a new address",
}
#: How a change of provider is known, in plain words.
BY_LINK = "CQC links the two registrations"
BY_INHERITED = "the new registration inherited the old one's rating"
BY_NAME = "same name and postcode"
#: Largest gap between a closure and a registration with the same name and postcode that is one service going on.
SAME_NAME_DAYS = 92
LINK_COLUMNS = ("previous_id", "location_id", "reason", "evidence", "previous_name", "new_name")


def _split(text: object) -> list[str]:
    """ "a; b" → ["a", "b"]; blank or missing → []."""
    if not isinstance(text, str) or not text.strip():
        return []
    return [t.strip() for t in text.split(";")]


def _fold_name(text: object) -> str:
    """A name compared loosely: case, punctuation and spacing ignored."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in str(text or "").casefold()).split())


def continuation_links(history: History) -> pd.DataFrame:
    """Pairs of registrations that are one service going on: a location that replaced another (a new provider took
    it over, the provider became a new legal entity, or the service moved address). Found, in this order, by
    CQC's own links (the API's `relationships`: predecessor and successor), by a first rating inherited from a
    previous provider (the previous location is then the one with the same postcode that left the register
    nearest in time, when there is one), and by the same name and postcode on a closure and a registration at most
    SAME_NAME_DAYS apart. Each pair once.

    Columns: previous_id (blank when not known), location_id (blank when the new registration is not in the
    inputs), reason (CQC's, blank when not given), evidence (BY_LINK, BY_INHERITED or BY_NAME), previous_name and
    new_name (as CQC's link names them; blank otherwise).
    """
    loc = history.locations_all
    links = _cqc_links(loc)
    linked_new, linked_old = set(links["location_id"]), set(links["previous_id"])
    closed = loc[loc["deregistration_date"].notna() & ~loc["location_id"].isin(linked_old)]
    extra, took_over = _inherited_links(history, closed, linked_new)
    taken = linked_new | took_over
    used_old = linked_old | {e["previous_id"] for e in extra}
    opened = loc[loc["registration_date"].notna() & ~loc["location_id"].isin(taken)]
    extra += _same_name_links(opened, closed[~closed["location_id"].isin(used_old)])
    out = pd.concat([links, pd.DataFrame(extra, columns=list(LINK_COLUMNS))], ignore_index=True)
    return out.sort_values(["location_id", "previous_id"], kind="stable").reset_index(drop=True)


def _link(
    previous: str, new: str, evidence: str, reason: str = "", previous_name: str = "", new_name: str = ""
) -> dict:
    return {
        "previous_id": previous,
        "location_id": new,
        "reason": reason,
        "evidence": evidence,
        "previous_name": previous_name,
        "new_name": new_name,
    }


def _cqc_links(loc: pd.DataFrame) -> pd.DataFrame:
    """CQC's own links between registrations (the API's predecessor and successor relationships)."""
    rows: list[dict] = []
    if "predecessor_id" in loc.columns:
        for r in loc.itertuples():
            for kind in ("predecessor", "successor"):
                ids = _split(getattr(r, f"{kind}_id"))
                names = _split(getattr(r, f"{kind}_name", ""))
                reasons = _split(getattr(r, f"{kind}_reason", ""))
                names = names if len(names) == len(ids) else [""] * len(ids)
                reasons = reasons if len(reasons) == len(ids) else [""] * len(ids)
                for other, name, reason in zip(ids, names, reasons):
                    if kind == "predecessor":
                        rows.append(_link(other, r.location_id, BY_LINK, reason, previous_name=name))
                    else:
                        rows.append(_link(r.location_id, other, BY_LINK, reason, new_name=name))
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS)).drop_duplicates(["previous_id", "location_id"])


def _inherited_links(history: History, closed: pd.DataFrame, linked_new: set) -> tuple[list[dict], set]:
    """Registrations whose first rating was inherited, each with the closed registration at the same postcode
    nearest in time (blank when none)."""
    loc = history.locations_all
    o = history.outcomes_by_location_date_key_question
    first = o.sort_values("report_date", kind="stable").drop_duplicates("location_id")
    took_over = set(first.loc[first["inherited"], "location_id"]) - linked_new
    extra = []
    for r in loc[loc["location_id"].isin(took_over)].sort_values("location_id").itertuples():
        same = closed[
            closed["postcode"].ne("") & closed["postcode"].eq(r.postcode) & closed["location_id"].ne(r.location_id)
        ]
        if pd.notna(r.registration_date) and len(same):
            gap = (same["deregistration_date"] - r.registration_date).abs()
            previous = same.loc[gap.idxmin(), "location_id"]
        else:
            previous = ""
        extra.append(_link(previous, r.location_id, BY_INHERITED))
    return extra, took_over


def _same_name_links(opened: pd.DataFrame, closed: pd.DataFrame) -> list[dict]:
    """A closure and a registration with the same name and postcode at most SAME_NAME_DAYS apart."""
    if not len(opened) or not len(closed):
        return []
    a = opened.assign(_key=opened["location_name"].map(_fold_name) + "|" + opened["postcode"].map(_fold_name))
    b = closed.assign(_key=closed["location_name"].map(_fold_name) + "|" + closed["postcode"].map(_fold_name))
    pairs = a.merge(b, on="_key", suffixes=("", "_old"))
    pairs = pairs[
        pairs["location_id"].ne(pairs["location_id_old"])
        & pairs["postcode"].ne("")
        & ((pairs["registration_date"] - pairs["deregistration_date_old"]).abs().dt.days <= SAME_NAME_DAYS)
    ]
    pairs = pairs.sort_values(["location_id", "location_id_old"]).drop_duplicates("location_id")
    pairs = pairs.drop_duplicates("location_id_old")
    return [_link(r.location_id_old, r.location_id, BY_NAME) for r in pairs.itertuples()]


def provider_changes(history: History, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every continuation (see continuation_links) with both registrations' details, one row each.

    Columns: location_id, location_name, provider_name, category, care_home, registration_date (NaT when the new
    registration is not in the inputs), previous_id, previous_name, previous_provider_name,
    previous_deregistration_date, date (the new registration's date, or the old one's closure when that is all
    that is known), change (CHANGE_REASONS' words, or "New provider" when CQC gives no reason), evidence.
    """
    links = continuation_links(history) if links is None else links
    loc = history.locations_all.drop_duplicates("location_id").set_index("location_id")

    def pick(ids: pd.Series, column: str) -> pd.Series:
        return ids.map(loc[column]) if column in loc.columns else pd.Series(pd.NA, index=ids.index)

    out = pd.DataFrame({"location_id": links["location_id"], "previous_id": links["previous_id"]})
    out["location_name"] = pick(links["location_id"], "location_name").fillna(links["new_name"]).fillna("")
    out["provider_name"] = pick(links["location_id"], "provider_name").fillna("")
    out["category"] = pick(links["location_id"], "category").fillna(pick(links["previous_id"], "category")).fillna("")
    out["care_home"] = pick(links["location_id"], "care_home").fillna(pick(links["previous_id"], "care_home"))
    out["care_home"] = out["care_home"].fillna(False).astype(bool)
    out["registration_date"] = pd.to_datetime(pick(links["location_id"], "registration_date"))
    out["previous_name"] = pick(links["previous_id"], "location_name").fillna(links["previous_name"]).fillna("")
    out["previous_provider_name"] = pick(links["previous_id"], "provider_name").fillna("")
    out["previous_deregistration_date"] = pd.to_datetime(pick(links["previous_id"], "deregistration_date"))
    out["date"] = out["registration_date"].fillna(out["previous_deregistration_date"])
    out["change"] = links["reason"].map(lambda r: CHANGE_REASONS.get(r, "New provider") if r else "New provider")
    out["evidence"] = links["evidence"]
    out = out[out["date"].notna()]
    return out.sort_values(["date", "location_name", "location_id"], kind="stable").reset_index(drop=True)


def provider_changes_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """provider_changes dated from `start` to `end` (by the new registration, or the closure when that is all)."""
    ch = provider_changes(history)
    return ch[(ch["date"] >= day(start)) & (ch["date"] <= day(end))].reset_index(drop=True)


def new_services_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """Real openings: registrations from `start` to `end` that do not continue an earlier registration (a change
    of provider or a move is not a new service)."""
    links = continuation_links(history)
    reg = registrations_in_period(history, start, end)
    return reg[~reg["location_id"].isin(set(links["location_id"]))].reset_index(drop=True)


def closures_in_period(history: History, start: object, end: object) -> pd.DataFrame:
    """Real closures: deregistrations from `start` to `end` of services that did not go on under another
    registration (a change of provider or a move is not a closure)."""
    links = continuation_links(history)
    dereg = deregistrations_in_period(history, start, end)
    return dereg[~dereg["location_id"].isin(set(links["previous_id"]))].reset_index(drop=True)


def counts_by_service_type(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Locations by category and main service type in two periods, with a total row.

    Columns: Category, Service type, This period, Previous period. Every location counts once.
    """

    def key(frame: pd.DataFrame) -> pd.Series:
        return frame["category"].map(category_label) + "\0" + frame["main_service_type"]

    now, before = key(current).value_counts(), key(previous).value_counts()
    keys = sorted(set(now.index) | set(before.index))
    cats = category_order([k.split("\0")[0] for k in keys])
    rows = []
    for c in cats:
        for k in sorted((k for k in keys if k.split("\0")[0] == c), key=lambda k: k.split("\0")[1]):
            rows.append(
                {
                    "Category": c,
                    "Service type": vocab.service_label(k.split("\0")[1]),
                    "This period": int(now.get(k, 0)),
                    "Previous period": int(before.get(k, 0)),
                }
            )
    rows.append(
        {"Category": "Total", "Service type": "", "This period": len(current), "Previous period": len(previous)}
    )
    return pd.DataFrame(rows, columns=["Category", "Service type", "This period", "Previous period"])


def not_inspected_since(history: History, before: object, at: object) -> pd.DataFrame:
    """Locations active on `at` whose latest inspection (report date, up to `at`) is before `before`, or that
    have never been inspected.

    Columns: location_id, location_name, category, registration_date, last_report_date (NaT when never),
    overall_rating (held on `at`; blank when none), rating_date (the date that rating was published: earlier than
    last_report_date when a later inspection gave no rating), inherited (that rating was given to the previous provider),
    status ("Not inspected since" or "Never inspected").
    """
    active = active_at(history, at)
    per = outcomes_by_location_date(history)
    per = per[(per["report_date"] <= day(at)) & ~per["inherited"]]
    last = per.groupby("location_id")["report_date"].max()
    out = active[["location_id", "location_name", "category", "registration_date"]].copy()
    out["last_report_date"] = out["location_id"].map(last).astype("datetime64[ns]")
    out = out[out["last_report_date"].isna() | (out["last_report_date"] < day(before))].copy()
    now = ratings_at(history, at)
    overall = now[now["key_question"] == "Overall"].set_index("location_id")
    out["overall_rating"] = out["location_id"].map(overall["rating"].astype(str)).fillna("").astype(str)
    out["rating_date"] = out["location_id"].map(overall["report_date"]).astype("datetime64[ns]")
    out["inherited"] = out["location_id"].isin(set(overall.index[overall["inherited"].astype(bool)]))
    out["status"] = out["last_report_date"].isna().map({True: "Never inspected", False: "Not inspected since"})
    out = out.assign(_never=out["last_report_date"].isna())
    out = out.sort_values(["_never", "last_report_date", "location_name", "location_id"], kind="stable")
    return out.drop(columns="_never").reset_index(drop=True)


def key_question_ratings_at_dates(history: History, first: object, second: object) -> pd.DataFrame:
    """Rutland's before/after view: for the locations active on `second`, each key question's rating on
    `first` and on `second`.

    One row per location × date × key question (Safe … Well-led): location_id, location_name, category,
    at (the date), key_question, rating (blank when the location had no rating then), report_date, inherited.
    """
    active = active_at(history, second)[["location_id", "location_name", "category"]]
    parts = []
    for when in (day(first), day(second)):
        r = ratings_at(history, when)
        r = r[r["key_question"].isin(vocab.KEY_QUESTIONS)]
        grid = active.merge(pd.DataFrame({"key_question": list(vocab.KEY_QUESTIONS)}), how="cross")
        g = grid.merge(r, on=["location_id", "key_question"], how="left")
        g["rating"] = g["rating"].astype(object).where(g["rating"].notna(), "").astype(str)
        g["inherited"] = g["inherited"].fillna(False).astype(bool)
        g["at"] = when
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    kq = out["key_question"].map({q: i for i, q in enumerate(vocab.KEY_QUESTIONS)})
    out = out.assign(_kq=kq).sort_values(["location_name", "location_id", "at", "_kq"], kind="stable")
    cols = ["location_id", "location_name", "category", "at", "key_question", "rating", "report_date", "inherited"]
    return out[cols].reset_index(drop=True)


def rating_level_counts(ratings_at_dates: pd.DataFrame) -> pd.DataFrame:
    """For each date in a key_question_ratings_at_dates frame and each rating level: the number of key-question
    ratings at that level and the number of locations with at least one. Rows: the graded ratings, then other
    words present, then "No rating". Columns: rating, at, ratings, locations."""
    f = ratings_at_dates.assign(rating=ratings_at_dates["rating"].replace("", "No rating"))
    present = set(f["rating"])
    words = (
        list(vocab.GRADED)
        + [w for w in vocab.RATINGS[4:] if w in present]
        + (["No rating"] if "No rating" in present else [])
    )
    rows = []
    for when in sorted(f["at"].unique()):
        sub = f[f["at"] == when]
        for w in words:
            hit = sub[sub["rating"] == w]
            rows.append(
                {
                    "rating": w,
                    "at": pd.Timestamp(when),
                    "ratings": len(hit),
                    "locations": int(hit["location_id"].nunique()),
                }
            )
    return pd.DataFrame(rows, columns=["rating", "at", "ratings", "locations"])


# ---- what the inputs cover, per section ---------------------------------------------------------------------


def outcomes_covered(coverage: Coverage, start: object) -> bool:
    """Whether every report published from `start` on is in the inputs (monthly files hold a report only while it
    is a location's latest: reports before the first file are missing where a later one replaced them)."""
    return coverage.register_known(start)


def openings_covered(coverage: Coverage, start: object) -> bool:
    """Whether registrations from `start` on are known (a ratings file alone gives no registration dates)."""
    return coverage.registrations and coverage.register_known(start)


def closures_covered(coverage: Coverage, start: object) -> bool:
    """Whether closures from `start` on are known (a ratings file lists only registered locations)."""
    return coverage.closures and coverage.register_known(start)


def categories_covered(coverage: Coverage) -> list[str]:
    """CQC's adult social care categories the inputs cover, in report order (care homes only, or both)."""
    return [c for c in (vocab.COMMUNITY, vocab.RESIDENTIAL) if c != vocab.COMMUNITY or coverage.community_services]


# ---- one monthly file: what the latest ratings say about the period -----------------------------------------


def latest_ratings_published(locations: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    """Each location whose latest overall rating (one monthly file's) was published from `start` to `end`: the
    latest of the period's inspection outcomes, a lower bound of them (a location inspected twice shows once, an
    inspection that gave no rating not at all). Ratings inherited from a previous provider are left out.

    Columns: location_id, location_name, category, report_date, rating (as inspection_counts takes them)."""
    dates = pd.to_datetime(locations["publication_date"])
    keep = (dates >= day(start)) & (dates <= day(end)) & ~locations["inherited"].astype(bool)
    out = pd.DataFrame(
        {
            "location_id": locations["location_id"],
            "location_name": locations["location_name"],
            "category": locations["category"].fillna("").astype(str),
            "report_date": dates,
            "rating": locations["overall_rating"].astype(vocab.RATING_DTYPE),
        }
    )[keep]
    return out.sort_values(["report_date", "location_name", "location_id"], kind="stable").reset_index(drop=True)


def latest_ratings_facts(published: pd.DataFrame, as_of: object) -> dict[str, Fact]:
    """The facts one file gives about the period: the number of latest ratings published in it
    ("changes.latest_published.total") and of each overall rating among them ("changes.latest_published.<rating>",
    every graded rating and any other word present)."""
    where = {"as_of": None if as_of is None else day(as_of).date(), "source": "cqc"}
    ratings = published["rating"].astype(str)
    out = {
        "Total": count(
            "changes.latest_published.total",
            len(published),
            "Locations whose latest CQC rating was published in the period (each location's latest rating only).",
            "location",
            **where,
        )
    }
    words = list(vocab.GRADED) + [w for w in vocab.RATINGS[4:] if w in set(ratings)]
    for w in words:
        out[w] = count(
            f"changes.latest_published.{w.lower().replace(' ', '_')}",
            int(ratings.eq(w).sum()),
            f"Of them, locations whose latest overall rating, published in the period, is {w}.",
            "location",
            **where,
        )
    return out


def rated_before(locations: pd.DataFrame, before: object) -> pd.DataFrame:
    """Locations whose latest rating (one monthly file's) was published before `before`, oldest first, then those
    with no published rating. Columns: location_id, location_name, category, publication_date (NaT when none),
    overall_rating, inherited, status ("Rated before" or "No rating")."""
    dates = pd.to_datetime(locations["publication_date"])
    keep = dates.isna() | (dates < day(before))
    out = locations.loc[keep, ["location_id", "location_name", "category", "overall_rating", "inherited"]].copy()
    out["publication_date"] = dates[keep]
    out["overall_rating"] = out["overall_rating"].astype(str)
    out["inherited"] = out["inherited"].astype(bool)
    out["status"] = out["publication_date"].isna().map({True: "No rating", False: "Rated before"})
    out = out.assign(_none=out["publication_date"].isna())
    out = out.sort_values(["_none", "publication_date", "location_name", "location_id"], kind="stable")
    cols = ["location_id", "location_name", "category", "publication_date", "overall_rating", "inherited", "status"]
    return out[cols].reset_index(drop=True)


def rated_before_facts(gap: pd.DataFrame, locations: int, as_of: object) -> tuple[Fact, Fact, Fact]:
    """rated_before's counts: latest rating before the date ("changes.rated_before.old"), no rating
    ("changes.rated_before.none"), and every location of the file ("changes.rated_before.all")."""
    where = {"as_of": None if as_of is None else day(as_of).date(), "source": "cqc"}
    old = count(
        "changes.rated_before.old",
        int(gap["status"].eq("Rated before").sum()),
        "Locations whose latest CQC rating was published before the date the report names.",
        "location",
        **where,
    )
    none = count(
        "changes.rated_before.none", int(gap["status"].eq("No rating").sum()), "Locations with no CQC rating.",
        "location", **where,
    )  # fmt: skip
    total = count(
        "changes.rated_before.all", locations, "Adult social care locations in CQC's file.", "location", **where
    )
    return old, none, total
