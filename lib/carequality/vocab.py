"""The words of CQC ratings, defined once: ordered ratings, key questions, categories and palette."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

#: Every rating word CQC publishes, in report order: the four graded ratings
#: first (best to worst), then the words that say a location has no graded rating.
RATINGS: tuple[str, ...] = (
    "Outstanding",
    "Good",
    "Requires improvement",
    "Inadequate",
    "Regulations met",
    "Inspected but not rated",
    "Insufficient evidence to rate",
    "Not Rated",
    "Not applicable",
    "Rating not recognised",
    "No published rating",
)
#: A rating label CQC used that the vocabulary does not know (a new framework's word): kept, shown as this, and its
#: label listed in the data-quality table, never dropped and never a stop.
UNRECOGNISED = "Rating not recognised"
GRADED: tuple[str, ...] = RATINGS[:4]
GOOD_OR_OUTSTANDING: frozenset[str] = frozenset({"Outstanding", "Good"})
RI_OR_INADEQUATE: frozenset[str] = frozenset({"Requires improvement", "Inadequate"})

#: The one label every table, chart and CSV gives a location with no rating yet, whichever of CQC's words its data
#: use: CQC's care directory says "Not Rated", its API "No published rating" (or "No approved rating").
NOT_YET_RATED = "Not yet rated"
#: CQC's words shown as the report's label (every other rating word is shown as CQC writes it).
RATING_LABELS: dict[str, str] = {"Not Rated": NOT_YET_RATED, "No published rating": NOT_YET_RATED}


def rating_label(word: object) -> object:
    """How the report shows a rating word: NOT_YET_RATED for each of CQC's words for no rating yet; any other
    value as it is."""
    return RATING_LABELS.get(word, word) if isinstance(word, str) else word


#: Ordered categorical dtype for rating columns.
RATING_DTYPE = pd.CategoricalDtype(categories=list(RATINGS), ordered=True)

#: Spellings seen in CQC files and the API, folded to lower case, mapped to the one word we use.
_ALIASES: dict[str, str] = {r.lower(): r for r in RATINGS}
_ALIASES.update(
    {
        "requires improvement": "Requires improvement",
        "requires-improvement": "Requires improvement",
        "not rated": "Not Rated",
        "not yet rated": "Not Rated",
        "no rating": "Not Rated",
        "insufficient evidence": "Insufficient evidence to rate",
        "n/a": "Not applicable",
        # The API's word where a Single Assessment Framework assessment has no approved rating yet.
        "no approved rating": "No published rating",
    }
)

KEY_QUESTIONS: tuple[str, ...] = ("Safe", "Effective", "Caring", "Responsive", "Well-led")
#: Key questions and the overall rating beside them, in the order reports use.
DOMAINS: tuple[str, ...] = (*KEY_QUESTIONS, "Overall")
#: Position of each key question (and Overall) in report order, for sorting.
DOMAIN_ORDER: dict[str, int] = {d: i for i, d in enumerate(DOMAINS)}
_DOMAIN_ALIASES = {d.lower(): d for d in DOMAINS} | {"well led": "Well-led", "wellled": "Well-led"}

#: The graded ratings' count columns (area counts files, comparison tables), in report order.
GRADED_COLUMNS: dict[str, str] = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement": "requires_improvement",
    "Inadequate": "inadequate",
}

RESIDENTIAL = "Residential social care"
COMMUNITY = "Community based adult social care services"
#: CQC's primary inspection categories for adult social care.
CATEGORIES: tuple[str, ...] = (RESIDENTIAL, COMMUNITY)


@dataclass(frozen=True)
class CategoryWords:
    """How the report names one of CQC's primary inspection categories: one label in every table, chart and
    heading, and one noun in every sentence. CQC's own name (the category itself) is given once, in the method
    appendix and under the first table of the market."""

    #: The label of every table row and cell, chart panel and heading: "Care homes", "Community-based services".
    label: str
    #: Singular and plural nouns of the sentences: "care home", "care homes".
    noun: tuple[str, str]


#: Every name of each category, defined once.
CATEGORY_WORDS: dict[str, CategoryWords] = {
    RESIDENTIAL: CategoryWords(label="Care homes", noun=("care home", "care homes")),
    COMMUNITY: CategoryWords(
        label="Community-based services", noun=("community-based service", "community-based services")
    ),
}


def category_label(category: str) -> str:
    """The report's label of a CQC category ("Care homes"), or the category as CQC writes it when it is another."""
    words = CATEGORY_WORDS.get(category)
    return words.label if words else category


#: CQC's names of its service groups and service types, as the report writes them: one term per idea ("home care",
#: as the sentences say it, not CQC's "Homecare"), in sentence case like every other label.
SERVICE_WORDS: dict[str, str] = {
    "Homecare": "Home care",
    "Homecare agencies": "Home care agencies",
    "Care Homes": "Care homes",
    "Supported Living": "Supported living",
}


def service_label(name: object) -> object:
    """A CQC service group's or service type's name as the report writes it (SERVICE_WORDS), else as CQC writes it."""
    return SERVICE_WORDS.get(name, name) if isinstance(name, str) else name


#: Abbreviations in CQC's words spelt out in a formal paper ("Caring for adults over 65 yrs" → "… over 65 years").
_SPELT_OUT: tuple[tuple[str, str], ...] = ((r"\byrs\b", "years"), (r"\byr\b", "year"))


def specialism_label(name: object) -> object:
    """A CQC specialism as the report writes it: CQC's words with their abbreviations spelt out."""
    if not isinstance(name, str):
        return name
    for pattern, words in _SPELT_OUT:
        name = re.sub(pattern, words, name)
    return name


#: The attribution the Open Government Licence v3.0 asks for, under which CQC publishes its data and LG Inform
#: its (issue 21: each source credited as its licence asks).
OGL_CREDIT = "Contains public sector information licensed under the Open Government Licence v3.0."
#: The inputs whose data are published under that licence (CQC's files and API, counts made from them, LG Inform).
OGL_INPUTS: tuple[str, ...] = ("cqc_ratings", "cqc_api", "cqc_snapshots", "area_ratings_by_month", "external_benchmark")

#: What the report calls each input a params file can name, in plain words (the method appendix, the
#: spreadsheet's cover): never the params field's name.
INPUT_LABELS: dict[str, str] = {
    "cqc_ratings": "CQC's care directory with ratings",
    "cqc_api": "CQC's data service (the CQC API)",
    "cqc_snapshots": "CQC's monthly care directory files",
    "cqc_ratings_start": "CQC's care directory with ratings from the start of the period",
    "commissioned_services": "the council's record of the services it commissions",
    "commissioned_services_previous": "the council's record of the services it commissioned a year earlier",
    "risk_register": "the council's risk register",
    "qa_visits": "the council's record of quality assurance visits",
    "inspection_themes": "themes from CQC inspection reports, gathered by the council",
    "theme_offers": "the council's support offers for each theme",
    "audits": "the council's record of its quality audits",
    "area_ratings_by_month": "monthly counts of CQC ratings for England, regions and councils",
    "external_benchmark": "LG Inform",
    "peer_group": "the council's list of peer councils",
    "commentary": "the council's commentary",
}

#: Rows of the council's records whose location id CQC's data do not hold: one label in every table.
NOT_FOUND = "Not found in CQC's data"
#: A provider CQC's data used here do not name, and no brand either: one label in every table.
PROVIDER_NOT_NAMED = "Not in CQC's data"
#: After a CQC brand shown where the provider's name is not in the data ("Bloomcare (brand)").
BRAND_MARK = " (brand)"
#: An area or month the inputs do not give: missing, never zero (comparison tables, charts and sentences).
NOT_COVERED = "not covered by the data used here"
#: People the council funds at a service (commissioned services, the risk register, the watch list).
PEOPLE_FUNDED = "People funded"


#: CQC's rating colours (from CQC's published style), one per rating word.
#: Charts always label values too, so colour never carries meaning alone.
PALETTE: dict[str, str] = {
    "Outstanding": "#1f7a4d",
    "Good": "#5ba55b",
    "Requires improvement": "#f2a900",
    "Inadequate": "#c8102e",
    "Regulations met": "#7d8fa0",
    "Inspected but not rated": "#a5b2bf",
    "Insufficient evidence to rate": "#b9c4ce",
    "Not Rated": "#d5dbe1",
    "Not applicable": "#e6eaee",
    "Rating not recognised": "#ffffff",
    "No published rating": "#eef1f4",
}
#: Hatches so that greyscale print still tells the ratings apart.
HATCHES: dict[str, str] = {
    "Outstanding": "",
    "Good": "//",
    "Requires improvement": "..",
    "Inadequate": "xx",
}


class UnknownWordError(ValueError):
    """A word that is not in the vocabulary."""


def normalise_rating(word: object) -> str | None:
    """Return the vocabulary's spelling of a rating word, None for a blank, or raise UnknownWordError."""
    if word is None or (isinstance(word, float) and pd.isna(word)):
        return None
    text = " ".join(str(word).split())
    if not text:
        return None
    try:
        return _ALIASES[text.lower()]
    except KeyError:
        raise UnknownWordError(f"{text!r} is not a CQC rating; expected one of: {', '.join(RATINGS)}") from None


def unrecognised_issue(word: object, where: str, rows: int = 1) -> str:
    """The data-quality row's words for a rating label the vocabulary does not know."""
    text = " ".join(str(word).split())
    times = "" if rows == 1 else f" ({rows:,} rows)"
    return (
        f"{where} {text!r}{times} is not a rating this report knows (an older or newer CQC framework's word?): "
        f"shown as {UNRECOGNISED!r}, not counted as a graded rating"
    )


def normalise_domain(word: object) -> str:
    """Return the vocabulary's spelling of a key question (or Overall), or raise UnknownWordError."""
    text = " ".join(str(word).split())
    try:
        return _DOMAIN_ALIASES[text.lower()]
    except KeyError:
        raise UnknownWordError(f"{text!r} is not a key question; expected one of: {', '.join(DOMAINS)}") from None


def is_good_or_outstanding(rating: str | None) -> bool:
    return rating in GOOD_OR_OUTSTANDING
