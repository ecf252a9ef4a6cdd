"""The market and ratings overview: what is registered in the area and how CQC rates it.

Numbers come from carequality.measures.overview; sentences are built from them.
"""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.measures import overview as m
from carequality.measures.overview import PERCENT_GO as GO
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.tables import Table
from carequality.present.text import format_percent, long_date, plural
from carequality.sections import Section


def market_overview(model: Model, params: ReportParams) -> Section:
    """Active adult social care locations in the area by primary inspection category and by service group."""
    locs = model.locations
    council = params.council.name
    by_cat = m.locations_by_category(locs)
    t_cat = Table(
        "market_overview",
        f"Adult social care locations registered in {council}, by primary inspection category",
        pd.DataFrame({"Primary inspection category": by_cat["category"], "Locations": by_cat["locations"]}),
        footnotes=[f"Source: CQC care directory with ratings, as of {long_date(model.as_of)}. "
                   "Locations are counted once, under CQC's primary inspection category."],
    )
    by_group, no_group = m.locations_by_service_group(locs, model.service_groups_by_location)
    group_rows = [{"Service group": g, "Locations": n} for g, n in zip(by_group["service_group"], by_group["locations"])]
    if no_group:
        group_rows.append({"Service group": "No service group given", "Locations": no_group})
    t_group = Table(
        "market_overview_by_service_group",
        f"Adult social care locations registered in {council}, by CQC service group",
        pd.DataFrame(group_rows, columns=["Service group", "Locations"]),
        footnotes=["A location rated for more than one service group is counted under each, so the rows can add up "
                   "to more than the number of locations."],
    )
    count = by_cat.set_index("category")["locations"]
    care_homes = vocab.CATEGORY_WORDS[vocab.RESIDENTIAL].noun
    community = vocab.CATEGORY_WORDS[vocab.COMMUNITY].noun
    para = (
        f"CQC's care directory of {long_date(model.as_of)} lists {plural(len(locs), 'active adult social care location')} "
        f"in {council}: {plural(int(count[vocab.RESIDENTIAL]), *care_homes)} (residential social care) and "
        f"{plural(int(count[vocab.COMMUNITY]), *community)} such as home care and supported living."
    )
    return Section("market_overview", "The care market", [para], [t_cat, t_group])


def ratings_overview(model: Model, params: ReportParams) -> Section:
    """Overall ratings by category with a total row and the share rated Good or Outstanding."""
    frame = m.ratings_by_category(model.locations)
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
    graded = m.graded_total(total)
    unrated = int(total["Total"]) - graded
    paras = [
        f"Of the {plural(graded, 'location')} in {params.council.name} with a graded rating, "
        f"{m.good_or_outstanding(total):,} ({_pct_text(total[GO])}) are rated Good or Outstanding and "
        f"{m.requires_improvement_or_inadequate(total):,} Requires improvement or Inadequate."
        + (f" A further {plural(unrated, 'location')} had no graded rating." if unrated else "")
    ]
    for i in range(len(vocab.CATEGORIES)):
        r = frame.iloc[i]
        if r["Total"]:
            paras.append(f"{r['Category']}: {_pct_text(r[GO])} of rated locations are Good or Outstanding "
                         f"({m.good_or_outstanding(r):,} of {m.graded_total(r):,}).")
    return Section("ratings_overview", "How CQC rates services in the area", paras, [t])


def _pct_text(v: object) -> str:
    return format_percent(None if pd.isna(v) else float(v))  # type: ignore[arg-type]


def key_question_ratings(model: Model, params: ReportParams) -> Section:
    """Ratings for each key question across the area's locations."""
    frame = m.ratings_by_key_question(model.ratings_by_location_key_question)
    t = Table(
        "key_question_ratings",
        f"Key question ratings of adult social care locations in {params.council.name}",
        frame,
        formats={GO: "percent"},
        footnotes=[f"Each location counts once per key question. {GO} uses locations with a graded rating for that "
                   "key question as the denominator. Total counts locations with a published line for that key question."],
    )
    strongest, weakest = m.strongest_and_weakest(frame)
    para = (
        f"{strongest['Key question']} is the strongest key question ({_pct_text(strongest[GO])} Good or Outstanding) "
        f"and {weakest['Key question']} the weakest ({_pct_text(weakest[GO])})."
    )
    return Section("key_question_ratings", "Ratings by key question", [para], [t])


def location_ratings_appendix(model: Model, params: ReportParams) -> Section:
    """Every location with its five key-question ratings, overall rating and publication date (Rutland's Appendix A)."""
    wide = m.location_ratings_wide(model.locations, model.ratings_by_location_key_question)
    frame = pd.DataFrame({
        "Location": wide["location_name"], "CQC location ID": wide["location_id"], "Provider": wide["provider_name"],
        "Category": wide["category"].map(lambda c: vocab.CATEGORY_WORDS[c].cell if c in vocab.CATEGORY_WORDS else c),
        **{q: wide[q] for q in vocab.DOMAINS},
        "Publication date": wide["publication_date"],
        "Inherited": wide["inherited"].map({True: "Yes", False: ""}),
        "CQC page": wide["url"],
    })
    frame = frame.sort_values(["Category", "Location", "CQC location ID"], kind="stable").reset_index(drop=True)
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
