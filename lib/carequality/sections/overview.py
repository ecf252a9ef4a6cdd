"""The market and ratings overview: what is registered in the area and how CQC rates it."""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.text import long_date, plural
from carequality.measures.shares import percent
from carequality.sections import Section
from carequality.present.tables import Table

CATEGORY_ROWS = {vocab.RESIDENTIAL: "Residential social care", vocab.COMMUNITY: "Community based adult social care services"}
GO = "% Good or Outstanding"


def _category_label(category: str) -> str:
    return CATEGORY_ROWS.get(category, category)


def market_overview(model: Model, params: ReportParams) -> Section:
    """Active adult social care locations in the area by primary inspection category and by service group."""
    locs = model.locations
    council = params.council.name
    by_cat = locs["category"].value_counts()
    cats = [c for c in vocab.CATEGORIES if c in by_cat.index] + sorted(set(by_cat.index) - set(vocab.CATEGORIES))
    cat_rows = [{"Primary inspection category": _category_label(c), "Locations": int(by_cat.get(c, 0))} for c in vocab.CATEGORIES]
    cat_rows += [{"Primary inspection category": c, "Locations": int(by_cat[c])} for c in cats if c not in vocab.CATEGORIES]
    cat_rows.append({"Primary inspection category": "Total", "Locations": int(len(locs))})
    t_cat = Table(
        "market_overview",
        f"Adult social care locations registered in {council}, by primary inspection category",
        pd.DataFrame(cat_rows),
        footnotes=[f"Source: CQC care directory with ratings, as of {long_date(model.as_of)}. "
                   "Locations are counted once, under CQC's primary inspection category."],
    )
    groups = model.service_groups_by_location
    by_group = groups.groupby("service_group")["location_id"].nunique().sort_values(ascending=False, kind="stable")
    by_group = by_group.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    no_group = len(set(locs["location_id"]) - set(groups["location_id"]))
    group_rows = [{"Service group": g, "Locations": int(n)} for g, n in by_group.items()]
    if no_group:
        group_rows.append({"Service group": "No service group given", "Locations": no_group})
    t_group = Table(
        "market_overview_by_service_group",
        f"Adult social care locations registered in {council}, by CQC service group",
        pd.DataFrame(group_rows, columns=["Service group", "Locations"]),
        footnotes=["A location rated for more than one service group is counted under each, so the rows can add up "
                   "to more than the number of locations."],
    )
    n_res = int(by_cat.get(vocab.RESIDENTIAL, 0))
    n_com = int(by_cat.get(vocab.COMMUNITY, 0))
    para = (
        f"CQC's care directory of {long_date(model.as_of)} lists {plural(len(locs), 'active adult social care location')} "
        f"in {council}: {plural(n_res, 'care home')} (residential social care) and "
        f"{plural(n_com, 'community-based service')} such as home care and supported living."
    )
    return Section("market_overview", "The care market", [para], [t_cat, t_group])


def _counts_by(frame: pd.DataFrame, row_key: str, rating_col: str, rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Count ratings per row; rows is [(key value, label)]. Columns: graded ratings, others seen, Total."""
    present = set(frame[rating_col].dropna().astype(str))
    words = list(vocab.GRADED) + [w for w in vocab.RATINGS[4:] if w in present]
    out = []
    for key, label in rows:
        sub = frame if key is None else frame[frame[row_key] == key]
        counts = sub[rating_col].astype(str).value_counts()
        row = {"": label}
        for w in words:
            row[w] = int(counts.get(w, 0))
        row["Total"] = int(len(sub))
        graded = sum(row[w] for w in vocab.GRADED)
        row[GO] = percent(row["Outstanding"] + row["Good"], graded, 1)
        out.append(row)
    return pd.DataFrame(out)


def ratings_overview(model: Model, params: ReportParams) -> Section:
    """Overall ratings by category with a total row and the share rated Good or Outstanding."""
    locs = model.locations
    rows = [(vocab.RESIDENTIAL, "Residential social care"), (vocab.COMMUNITY, "Community based adult social care services"), (None, "Total")]
    frame = _counts_by(locs, "category", "overall_rating", rows).rename(columns={"": "Category"})
    t = Table(
        "ratings_overview",
        f"Overall CQC ratings of adult social care locations in {params.council.name}",
        frame,
        formats={GO: "percent"},
        footnotes=[
            f"{GO} is the share of locations with a graded rating (Outstanding, Good, Requires improvement or "
            "Inadequate); locations not yet rated, or with another outcome, are counted in Total but not in "
            "the denominator.",
            "Ratings inherited by a location after a change of provider are included, as CQC publishes them.",
        ],
    )
    total = frame.iloc[-1]
    graded = int(sum(total[w] for w in vocab.GRADED))
    go = int(total["Outstanding"] + total["Good"])
    ri = int(total["Requires improvement"] + total["Inadequate"])
    unrated = int(total["Total"]) - graded
    paras = [
        f"Of the {plural(graded, 'location')} in {params.council.name} with a graded rating, "
        f"{go:,} ({_pct_text(total[GO])}) are rated Good or Outstanding and {ri:,} Requires improvement or Inadequate."
        + (f" A further {plural(unrated, 'location')} had no graded rating." if unrated else "")
    ]
    for key, label in rows[:2]:
        r = frame[frame["Category"] == label].iloc[0]
        if r["Total"]:
            paras.append(f"{label}: {_pct_text(r[GO])} of rated locations are Good or Outstanding "
                         f"({int(r['Outstanding'] + r['Good']):,} of {int(sum(r[w] for w in vocab.GRADED)):,}).")
    return Section("ratings_overview", "How CQC rates services in the area", paras, [t])


def _pct_text(v) -> str:
    from carequality.present.text import format_percent

    return format_percent(None if pd.isna(v) else float(v))


def key_question_ratings(model: Model, params: ReportParams) -> Section:
    """Ratings for each key question across the area's locations."""
    kq = model.ratings_by_location_key_question
    kq = kq[kq["key_question"].isin(vocab.KEY_QUESTIONS)]
    rows = [(q, q) for q in vocab.KEY_QUESTIONS]
    frame = _counts_by(kq, "key_question", "rating", rows).rename(columns={"": "Key question"})
    t = Table(
        "key_question_ratings",
        f"Key question ratings of adult social care locations in {params.council.name}",
        frame,
        formats={GO: "percent"},
        footnotes=[f"Each location counts once per key question. {GO} uses locations with a graded rating for that "
                   "key question as the denominator. Total counts locations with a published line for that key question."],
    )
    weakest = frame.sort_values([GO, "Key question"], ascending=[True, True], kind="stable", na_position="last").iloc[0]
    strongest = frame.sort_values([GO, "Key question"], ascending=[False, True], kind="stable", na_position="last").iloc[0]
    para = (
        f"{strongest['Key question']} is the strongest key question ({_pct_text(strongest[GO])} Good or Outstanding) "
        f"and {weakest['Key question']} the weakest ({_pct_text(weakest[GO])})."
    )
    return Section("key_question_ratings", "Ratings by key question", [para], [t])


def location_ratings_appendix(model: Model, params: ReportParams) -> Section:
    """Every location with its five key-question ratings, overall rating and publication date (Rutland's Appendix A)."""
    kq = model.ratings_by_location_key_question
    wide = kq.pivot(index="location_id", columns="key_question", values="rating")
    locs = model.locations.set_index("location_id")
    frame = pd.DataFrame(index=locs.index)
    frame["Location"] = locs["location_name"]
    frame["Provider"] = locs["provider_name"]
    frame["Category"] = locs["category"].map(lambda c: "Care home" if c == vocab.RESIDENTIAL else ("Community" if c == vocab.COMMUNITY else c))
    for q in vocab.DOMAINS:
        frame[q] = wide[q].astype(str).where(wide[q].notna(), "") if q in wide.columns else ""
    frame["Publication date"] = locs["publication_date"]
    frame["Inherited"] = locs["inherited"].map({True: "Yes", False: ""})
    frame["CQC page"] = locs["url"].astype(str).str.replace("http://", "https://", regex=False)
    frame = frame.reset_index().rename(columns={"location_id": "CQC location ID"})
    frame = frame.sort_values(["Category", "Location", "CQC location ID"], kind="stable").reset_index(drop=True)
    frame = frame[["Location", "CQC location ID", "Provider", "Category", *vocab.DOMAINS, "Publication date", "Inherited", "CQC page"]]
    t = Table(
        "location_ratings_appendix",
        f"Adult social care locations in {params.council.name} with their CQC ratings",
        frame,
        formats={"Location": "link", "Publication date": "date"},
        links={"Location": "CQC page"},
        footnotes=["A blank key question means CQC has published no rating for it at that location. "
                   "Inherited: the rating was given to the previous provider of the same service."],
    )
    return Section("location_ratings_appendix", "Appendix: ratings of every location", [], [t])
