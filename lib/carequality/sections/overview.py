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
    """Active adult social care locations in the area by primary inspection category, by main regulated service type
    (with care home beds) and specialism where the inputs give them, and by service group."""
    locs = model.locations
    council = params.council.name
    cov = model.coverage
    by_cat = m.locations_by_category(locs)
    t_cat = Table(
        "market_overview",
        f"Adult social care locations registered in {council}, by primary inspection category",
        pd.DataFrame({"Primary inspection category": by_cat["category"], "Locations": by_cat["locations"]}),
        footnotes=[f"Source: CQC care directory with ratings, as of {long_date(model.as_of)}. "
                   "Locations are counted once, under CQC's primary inspection category."],
    )
    tables = [t_cat]
    if cov.service_types:
        st = m.locations_by_service_type(locs)
        tables.append(Table(
            "market_overview_by_service_type",
            f"Adult social care locations registered in {council}, by main CQC service type, with care home beds",
            pd.DataFrame({"Category": st["category"].map(_cell), "Service type": st["service_type"],
                          "Locations": st["locations"], "Beds": st["beds"]}),
            footnotes=["Each location counts once, under its main regulated service type (nursing home, residential "
                       "home, home care, supported living, shared lives, extra care, supported housing, in that "
                       "order of precedence). Beds: the number of beds CQC lists for the care homes; a blank means "
                       "none is given."]))
        spec = m.locations_by_specialism(locs)
        if len(spec):
            tables.append(Table(
                "market_overview_by_specialism",
                f"Adult social care locations registered in {council}, by the people they are registered to care for",
                pd.DataFrame({"Specialism": spec["specialism"], "Care homes": spec["care_homes"],
                              "Community based": spec["community"]}),
                footnotes=["CQC's specialisms: a location registered for several counts under each, so the rows add "
                           "up to more than the number of locations."]))
    by_group, _ = m.locations_by_service_group(locs, model.service_groups_by_location)
    group_rows = [{"Service group": g, "Locations": n} for g, n in zip(by_group["service_group"], by_group["locations"])]
    for label, n in m.locations_without_service_group(locs, model.service_groups_by_location).items():
        if n:
            group_rows.append({"Service group": label, "Locations": n})
    tables.append(Table(
        "market_overview_by_service_group",
        f"Adult social care locations registered in {council}, by the CQC service group they are rated in",
        pd.DataFrame(group_rows, columns=["Service group", "Locations"]),
        footnotes=["CQC rates a location by service group (such as care homes or home care) only when it has assessed "
                   "it under its single assessment framework, used since late 2023. A location last rated before "
                   "then has only an overall rating and is counted as last rated before service-group ratings began.",
                   "A location rated for more than one service group is counted under each, so the rows can add up "
                   "to more than the number of locations."],
    ))
    count = by_cat.set_index("category")["locations"]
    care_homes = vocab.CATEGORY_WORDS[vocab.RESIDENTIAL].noun
    community = vocab.CATEGORY_WORDS[vocab.COMMUNITY].noun
    lead = (f"CQC's care directory of {long_date(model.as_of)} lists "
            f"{plural(len(locs), 'active adult social care location')} in {council}: "
            f"{plural(int(count[vocab.RESIDENTIAL]), *care_homes)} (residential social care)")
    paras = [lead + (f" and {plural(int(count[vocab.COMMUNITY]), *community)} such as home care and supported "
                     "living." if cov.community_services else ".")]
    if not cov.community_services:
        paras.append(f"Community-based services are not covered: {cov.community_missing_because}.")
    if cov.service_types:
        beds = tables[1].frame["Beds"].iloc[-1]
        if not pd.isna(beds):
            paras.append(f"The care homes have {int(beds):,} beds between them.")
    else:
        paras.append("The input does not give each service's regulated service types or number of beds, so the "
                     "market is shown by category and by service group only.")
    return Section("market_overview", "The care market", paras, tables)


def _cell(category: str) -> str:
    words = vocab.CATEGORY_WORDS.get(category)
    return words.row if words else category


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


def minimum_standard(model: Model, params: ReportParams) -> Section:
    """Somerset's minimum standard: locations rated Good or Outstanding overall and in all five key questions, by
    category, beside the share Good or Outstanding overall."""
    council = params.council.name
    frame = m.minimum_standard_by_category(model.locations, model.ratings_by_location_key_question)
    t = Table(
        "minimum_standard",
        f"Adult social care locations in {council} meeting the minimum standard (Good or Outstanding overall and in "
        "all five key questions)",
        frame.assign(Category=frame["Category"].map(lambda c: vocab.CATEGORY_WORDS[c].chart
                                                    if c in vocab.CATEGORY_WORDS else c)),
        formats={GO: "percent", m.PERCENT_MINIMUM: "percent"},
        footnotes=["Both shares are of the locations with a graded overall rating (Outstanding, Good, Requires "
                   "improvement or Inadequate). A location meets the standard when its overall rating and each of "
                   "its five key-question ratings (safe, effective, caring, responsive, well-led) is Good or "
                   "Outstanding; a key question CQC has not rated does not meet it.",
                   "Ratings inherited by a location after a change of provider are included, as CQC publishes them."],
    )
    total = frame.iloc[-1]
    paras = [
        "Somerset sets a minimum quality standard for the services it funds: a rating of Good or Outstanding "
        "overall and in all five key questions.",
        f"Of the {plural(int(total['Rated']), 'location')} in {council} with a graded overall rating, "
        f"{int(total['Meeting the minimum standard']):,} ({_pct_text(total[m.PERCENT_MINIMUM])}) meet this standard, "
        f"against {int(total['Good or Outstanding overall']):,} ({_pct_text(total[GO])}) rated Good or Outstanding "
        "overall.",
    ]
    for i, cat in enumerate(vocab.CATEGORIES):
        r = frame.iloc[i]
        if cat == vocab.COMMUNITY and not model.coverage.community_services:
            paras.append(f"Community-based services are not covered: {model.coverage.community_missing_because}.")
        elif r["Rated"]:
            paras.append(f"{vocab.CATEGORY_WORDS[cat].chart}: {int(r['Meeting the minimum standard']):,} of "
                         f"{int(r['Rated']):,} ({_pct_text(r[m.PERCENT_MINIMUM])}) meet the standard; "
                         f"{_pct_text(r[GO])} are Good or Outstanding overall.")
    return Section("minimum_standard", "The minimum standard: Good in every key question", paras, [t])


def location_ratings_appendix(model: Model, params: ReportParams) -> Section:
    """Every location with its five key-question ratings, overall rating and publication date (Rutland's Appendix A)."""
    wide = m.location_ratings_wide(model.locations, model.ratings_by_location_key_question)
    fw = m.rating_frameworks(model.locations, model.service_groups_by_location, model.key_question_scores)
    fw = fw.set_index("location_id").reindex(wide["location_id"])
    framework = [f"{f}: {o} ({int(sc)}%)" if not pd.isna(sc) and o else f
                 for f, o, sc in zip(fw["framework"].fillna(""), wide["Overall"], fw["score"])]
    frame = pd.DataFrame({
        "Location": wide["location_name"], "CQC location ID": wide["location_id"], "Provider": wide["provider_name"],
        "Category": wide["category"].map(lambda c: vocab.CATEGORY_WORDS[c].cell if c in vocab.CATEGORY_WORDS else c),
        **{q: wide[q] for q in vocab.DOMAINS},
        "Publication date": wide["publication_date"],
        "Inherited": wide["inherited"].map({True: "Yes", False: ""}),
        "Framework": framework,
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
                   "Inherited: the rating was given to the previous provider of the same service.",
                   "Framework: whether the current rating comes from an assessment under CQC's single assessment "
                   "framework (used since late 2023) or from an inspection under the framework before it. For a single "
                   "assessment the overall rating is followed by its score: the average of the five key questions' "
                   "percentage scores CQC publishes (each key question weighs the same). CQC publishes no score for "
                   "earlier inspections.", *_provider_note(model)],
    )
    return Section("location_ratings_appendix", "Appendix: ratings of every location", [], [t])


def _provider_note(model: Model) -> list[str]:
    """A footnote when the inputs name the providers of only some locations, or of none."""
    from carequality.model.coverage import ALL, NONE

    cov = model.coverage.provider_names
    if cov == ALL:
        return []
    if cov == NONE:
        return ["Provider: the input does not name the providers."]
    return ["Provider: the input names the providers of only some locations (a download from CQC names only the "
            "providers whose registered office is in the area); a blank means not named."]
