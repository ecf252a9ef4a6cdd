"""The market and ratings overview: what is registered in the area and how CQC rates it.

Numbers come from carequality.measures.overview; sentences are built from them.
"""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.facts import slug
from carequality.measures import overview as m
from carequality.measures.facts import FactSet
from carequality.measures.overview import PERCENT_GO as GO
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present import facts as pf
from carequality.present.facts import say
from carequality.present.tables import Table
from carequality.present.text import has_have, long_date, n_are, plural
from carequality.sections import Section, community_not_covered, cqc_source, location_columns, with_inherited


def market_overview(model: Model, params: ReportParams) -> Section:
    """Active adult social care locations in the area by primary inspection category, by main regulated service type
    (with care home beds) and specialism where the inputs give them, and by service group."""
    locs = model.locations
    council = params.council.name
    cov = model.coverage
    by_cat = m.locations_by_category(locs)
    homes, community = (vocab.CATEGORY_WORDS[c] for c in (vocab.RESIDENTIAL, vocab.COMMUNITY))
    t_cat = Table(
        "market_overview",
        f"Adult social care locations registered in {council}, by category",
        pd.DataFrame({"Category": by_cat["category"].map(vocab.category_label), "Locations": by_cat["locations"]}),
        footnotes=[
            f"Source: {cqc_source(model)}, as of {long_date(model.as_of)}. Each location counts once, under "
            f"CQC's primary inspection category: {homes.noun[1]} are CQC's '{vocab.RESIDENTIAL}' and "
            f"{community.noun[1]} its '{vocab.COMMUNITY}' (home care, supported living and the like)."
        ],
    )
    tables = [t_cat, *(_service_type_tables(locs, council) if cov.service_types else [])]
    by_group, _ = m.locations_by_service_group(locs, model.service_groups_by_location)
    group_rows = [
        {"Service group": vocab.service_label(g), "Locations": n}
        for g, n in zip(by_group["service_group"], by_group["locations"])
    ]
    for label, n in m.locations_without_service_group(
        locs, model.service_groups_by_location, model.key_question_scores
    ).items():
        if n:
            group_rows.append({"Service group": label, "Locations": n})
    tables.append(
        Table(
            "market_overview_by_service_group",
            f"Adult social care locations registered in {council}, by the CQC service group they are rated in",
            pd.DataFrame(group_rows, columns=["Service group", "Locations"]),
            footnotes=[
                "CQC rates a location by service group (such as care homes or home care) only when it has assessed "
                "it under its single assessment framework, used since late 2023. A location last rated before "
                "then has only an overall rating and is counted as last rated before service-group ratings began.",
                "A location rated for more than one service group is counted under each, so the rows can add up "
                "to more than the number of locations.",
            ],
        )
    )
    paras, facts = _market_sentences(model, council, by_cat, tables)
    return Section("market_overview", "The care market", paras, tables, facts=facts)


def _service_type_tables(locs: pd.DataFrame, council: str) -> list[Table]:
    """The market by main CQC service type (with care home beds) and by specialism."""
    homes, community = (vocab.CATEGORY_WORDS[c] for c in (vocab.RESIDENTIAL, vocab.COMMUNITY))
    tables = []
    st = m.locations_by_service_type(locs)
    tables.append(
        Table(
            "market_overview_by_service_type",
            f"Adult social care locations registered in {council}, by main CQC service type, with care home beds",
            pd.DataFrame(
                {
                    "Category": st["category"].map(vocab.category_label),
                    "Service type": st["service_type"].map(vocab.service_label),
                    "Locations": st["locations"],
                    "Beds": st["beds"],
                }
            ),
            footnotes=[
                "Each location counts once, under its main regulated service type (nursing home, residential "
                "home, home care, supported living, shared lives, extra care, supported housing, in that "
                "order of precedence). Beds: the number of beds CQC lists for the care homes; a dash means "
                "none is given."
            ],
        )
    )
    spec = m.locations_by_specialism(locs)
    if len(spec):
        tables.append(
            Table(
                "market_overview_by_specialism",
                f"Adult social care locations registered in {council}, by the people they are registered to care for",
                pd.DataFrame(
                    {
                        "Specialism": spec["specialism"].map(vocab.specialism_label),
                        homes.label: spec["care_homes"],
                        community.label: spec["community"],
                    }
                ),
                footnotes=[
                    "CQC's specialisms, in CQC's words (abbreviations spelt out): a location registered for several "
                    "counts under each, so the rows add up to more than the number of locations."
                ],
            )
        )
    return tables


def _market_sentences(model: Model, council: str, by_cat: pd.DataFrame, tables: list[Table]) -> tuple[list, list]:
    cov = model.coverage
    homes, community = (vocab.CATEGORY_WORDS[c] for c in (vocab.RESIDENTIAL, vocab.COMMUNITY))
    f = FactSet("overview.market", as_of=model.as_of, source="cqc")
    count = by_cat.set_index("category")["locations"]
    t = "market_overview"
    total = f.count(
        "locations", len(model.locations), f"Active adult social care locations CQC lists in {council}.", "location"
    )
    cat = {
        c: f.count(
            c,
            count[c],
            f"{vocab.CATEGORY_WORDS[c].label} in {council}.",
            "location",
            at=(t, vocab.category_label(c), "Locations"),
        )
        for c in (vocab.RESIDENTIAL, vocab.COMMUNITY)
    }
    lead = (
        f"On {long_date(model.as_of)}, CQC listed {plural(total, 'active adult social care location')} in "
        f"{council}: {plural(cat[vocab.RESIDENTIAL], *homes.noun)}"
    )
    paras = [
        lead
        + (
            f" and {plural(cat[vocab.COMMUNITY], *community.noun)}, such as home care and supported living."
            if cov.community_services
            else "."
        )
    ]
    if not cov.community_services:
        paras.append(community_not_covered(model))
    if cov.service_types:
        beds = tables[1].frame["Beds"].iloc[-1]
        if not pd.isna(beds):
            b = f.count("beds", beds, f"Beds in the care homes in {council}.", "bed")
            paras.append(f"The care homes have {say(b)} beds between them.")
    else:
        paras.append(
            "CQC's data used here do not give each service's regulated service types or number of beds, so "
            "the market is shown by category and by service group only."
        )
    return paras, f.made


def _headline(f: FactSet, key: str, row: pd.Series, definition: str, at: tuple | None = None) -> str:
    """'78 of 97 (80.4%)': a ratings row's Good or Outstanding of those rated, as a share fact."""
    return pf.n_of_n(f.share(key, m.good_or_outstanding(row), m.graded_total(row), definition, at=at))


def _share(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]


def ratings_overview(model: Model, params: ReportParams) -> Section:
    """Overall ratings by category with a total row and the share rated Good or Outstanding."""
    council = params.council.name
    frame = m.ratings_by_category(model.locations)
    t = Table(
        "ratings_overview",
        f"Overall CQC ratings of adult social care locations in {council}",
        frame.assign(Category=frame["Category"].map(vocab.category_label)),
        formats={GO: "percent"},
        footnotes=[
            f"{GO}: the share of locations with a CQC rating (Outstanding, Good, Requires improvement or Inadequate) "
            "that are rated Good or Outstanding, the report's headline measure. Locations not yet rated, or with "
            "another outcome, count in Total but not in the share.",
            "Ratings inherited by a location after a change of provider are included, as CQC publishes them.",
        ],
    )
    paras, facts = _ratings_sentences(model, council, frame)
    return Section("ratings_overview", "How CQC rates services in the area", paras, [t], facts=facts)


def _ratings_sentences(model: Model, council: str, frame: pd.DataFrame) -> tuple[list, list]:
    f = FactSet("overview.ratings", as_of=model.as_of, source="cqc")
    t = "ratings_overview"
    total = frame.iloc[-1]
    graded = m.graded_total(total)
    unrated = f.count(
        "unrated",
        int(total["Total"]) - graded,
        "Locations with no rating yet, or an outcome that is not a rating.",
        "location",
    )
    ri = f.count(
        "ri_or_inadequate",
        m.requires_improvement_or_inadequate(total),
        f"Locations in {council} rated Requires improvement or Inadequate.",
        "location",
    )
    headline = _headline(
        f,
        "headline",
        total,
        f"Share of the rated adult social care locations in {council} that "
        "are Good or Outstanding: the headline measure.",
        at=(t, "Total", GO),
    )
    paras = [
        f"{headline} of the adult social care locations in {council} with a CQC rating are rated Good or "
        f"Outstanding; {n_are(ri)} rated Requires improvement or Inadequate."
        + (
            f" A further {plural(unrated, 'location')} {has_have(unrated)} no rating yet, or an outcome that is not a "
            "rating."
            if unrated.value
            else ""
        )
    ]
    for i, cat in enumerate(vocab.CATEGORIES):
        r = frame.iloc[i]
        words = vocab.CATEGORY_WORDS[cat]
        if m.graded_total(r):
            h = _headline(
                f,
                f"headline.{cat}",
                r,
                f"{words.label}: the share of those rated that are Good or Outstanding.",
                at=(t, vocab.category_label(cat), GO),
            )
            paras.append(f"{words.label}: {h} of those with a rating are Good or Outstanding.")
        elif r["Total"]:
            n = f.count(f"locations.{cat}", r["Total"], f"{words.label} in {council}.", "location")
            paras.append(f"{words.label}: none of the {plural(n, words.noun[0], words.noun[1])} has a rating yet.")
    return paras, f.made


def key_question_ratings(model: Model, params: ReportParams) -> Section:
    """Ratings for each key question across the area's locations."""
    frame = m.ratings_by_key_question(model.ratings_by_location_key_question)
    t = Table(
        "key_question_ratings",
        f"Key question ratings of adult social care locations in {params.council.name}",
        frame,
        formats={GO: "percent"},
        footnotes=[
            f"Each location counts once per key question. {GO}: of the locations with a rating for that key "
            "question. Total counts the locations CQC has published anything for that key question."
        ],
    )
    strongest, weakest = m.strongest_and_weakest(frame)
    f = FactSet("overview.key_questions", as_of=model.as_of, source="cqc")
    t_id = "key_question_ratings"

    def said(r: pd.Series) -> str:
        q = r["Key question"]
        return _headline(
            f,
            slug(q),
            r,
            f"{q}: the share of the locations with a rating for it that are Good or Outstanding.",
            at=(t_id, q, GO),
        )

    para = (
        f"{strongest['Key question']} is the strongest key question: {said(strongest)} of the locations with a "
        f"rating for it are Good or Outstanding. {weakest['Key question']} is the weakest, at {said(weakest)}."
    )
    return Section("key_question_ratings", "Ratings by key question", [para], [t], facts=f.made)


def minimum_standard(model: Model, params: ReportParams) -> Section:
    """A minimum standard (Somerset's: the method appendix credits it): locations rated Good or Outstanding overall and
    in all five key questions, by category, beside the share Good or Outstanding overall."""
    council = params.council.name
    frame = m.minimum_standard_by_category(model.locations, model.ratings_by_location_key_question)
    t = Table(
        "minimum_standard",
        f"Adult social care locations in {council} meeting the minimum standard (Good or Outstanding overall and in "
        "all five key questions)",
        frame.assign(Category=frame["Category"].map(vocab.category_label)),
        formats={GO: "percent", m.PERCENT_MINIMUM: "percent"},
        footnotes=[
            "Both shares are of the locations with an overall CQC rating (Outstanding, Good, Requires "
            "improvement or Inadequate). A location meets the standard when its overall rating and each of "
            "its five key-question ratings (safe, effective, caring, responsive, well-led) is Good or "
            "Outstanding; a key question CQC has not rated does not meet it.",
            "Ratings inherited by a location after a change of provider are included, as CQC publishes them.",
        ],
    )

    f = FactSet("overview.minimum_standard", as_of=model.as_of, source="cqc")

    def meets(r: pd.Series) -> str:
        c = str(r["Category"])
        return pf.n_of_n(
            f.share(
                f"meets.{slug(c)}",
                int(r["Meeting the minimum standard"]),
                int(r["Rated"]),
                f"{vocab.category_label(c)}: the share of rated locations meeting the minimum standard.",
                at=(t.id, vocab.category_label(c), m.PERCENT_MINIMUM),
            )
        )

    def overall(r: pd.Series) -> str:
        c = str(r["Category"])
        return pf.n_of_n(
            f.share(
                f"good_overall.{slug(c)}",
                int(r["Good or Outstanding overall"]),
                int(r["Rated"]),
                f"{vocab.category_label(c)}: the share of rated locations Good or Outstanding overall.",
                at=(t.id, vocab.category_label(c), GO),
            )
        )

    total = frame.iloc[-1]
    paras = [
        "Some councils set a minimum quality standard for the services they fund: a rating of Good or Outstanding "
        "overall and in all five key questions.",
        f"{meets(total)} of the locations in {council} with an overall rating meet this standard, against "
        f"{overall(total)} rated Good or Outstanding overall.",
    ]
    for i, cat in enumerate(vocab.CATEGORIES):
        r = frame.iloc[i]
        if cat == vocab.COMMUNITY and not model.coverage.community_services:
            paras.append(community_not_covered(model))
        elif r["Rated"]:
            paras.append(
                f"{vocab.CATEGORY_WORDS[cat].label}: {meets(r)} meet the standard, against {overall(r)} "
                "Good or Outstanding overall."
            )
    return Section("minimum_standard", "The minimum standard: Good in every key question", paras, [t], facts=f.made)


def location_ratings_appendix(model: Model, params: ReportParams) -> Section:
    """Every location with its five key-question ratings, overall rating and publication date (Rutland's Appendix A)."""
    wide = m.location_ratings_wide(model.locations, model.ratings_by_location_key_question)
    fw = m.rating_frameworks(model.locations, model.service_groups_by_location, model.key_question_scores)
    fw = fw.set_index("location_id").reindex(wide["location_id"])
    framework = [
        f"{f}: {o}, score {int(sc)}%" if not pd.isna(sc) and o else f
        for f, o, sc in zip(fw["framework"].fillna(""), wide["Overall"], fw["score"])
    ]
    frame = pd.DataFrame(
        {
            **location_columns(wide),
            **{q: wide[q] for q in vocab.KEY_QUESTIONS},
            "Overall": with_inherited(wide["Overall"], wide["inherited"].fillna(False)),
            "Rating published": wide["publication_date"],
            "Framework": framework,
            "CQC page": wide["url"],
        }
    )
    order = frame["Category"].map({vocab.CATEGORY_WORDS[c].label: i for i, c in enumerate(vocab.CATEGORIES)})
    frame = (
        frame.assign(_order=order.fillna(len(vocab.CATEGORIES)))
        .sort_values(["_order", "Category", "Location", "CQC location ID"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    t = Table(
        "location_ratings_appendix",
        f"Adult social care locations in {params.council.name} with their CQC ratings",
        frame,
        formats={"Location": "link", "Rating published": "date"},
        links={"Location": "CQC page"},
        footnotes=[
            "A blank key question means CQC has published no rating for it at that location. "
            "An overall rating followed by (inherited) was given to the previous provider of the same service.",
            "Framework: whether the current rating comes from an assessment under CQC's single assessment "
            "framework (used since late 2023) or from an inspection under the framework before it. For a single "
            "assessment the overall rating is followed by its score: the average of the five key questions' "
            "percentage scores CQC publishes (each key question weighs the same). CQC publishes no score for "
            "earlier inspections.",
            *_provider_note(model),
        ],
    )
    return Section("location_ratings_appendix", "Appendix: ratings of every location", [], [t])


def _provider_note(model: Model) -> list[str]:
    """A footnote when the inputs name the providers of only some locations, or of none."""
    from carequality.model.coverage import ALL, NONE

    cov = model.coverage.provider_names
    if cov == ALL:
        return []
    shown = (
        f"where a provider is not named, the location's CQC brand is shown, marked{vocab.BRAND_MARK}, or "
        f"'{vocab.PROVIDER_NOT_NAMED}'."
    )
    if cov == NONE:
        return [f"Provider: CQC's data used here do not name the providers; {shown}"]
    return [f"Provider: CQC's data used here name the providers of only some locations; {shown}"]
