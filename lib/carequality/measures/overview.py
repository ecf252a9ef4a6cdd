"""The market and its ratings now, from the latest ratings: locations by category and by service group,
ratings counted by category and by key question, and every location's ratings side by side.

Pure functions of the model's frames (locations, ratings_by_location_key_question, service_groups_by_location).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, count
from carequality.measures.headline import headline_from_counts
from carequality.measures.shares import percent

#: The share column of the ratings tables: Good or Outstanding of the locations with a graded rating.
PERCENT_GO = "% Good or Outstanding"


def locations_by_category(locations: pd.DataFrame) -> pd.DataFrame:
    """Locations by primary inspection category: CQC's two adult social care categories first (always listed),
    then any other category present, then a Total row. Columns: category, locations."""
    by_cat = locations["category"].value_counts()
    others = sorted(set(by_cat.index) - set(vocab.CATEGORIES))
    rows = [(c, int(by_cat.get(c, 0))) for c in vocab.CATEGORIES] + [(c, int(by_cat[c])) for c in others]
    rows.append(("Total", len(locations)))
    return pd.DataFrame(rows, columns=["category", "locations"])


def locations_by_service_group(locations: pd.DataFrame, service_groups: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Distinct locations per CQC service group (most first, ties by name), and the number of locations with no
    service group. A location rated for several groups counts under each."""
    by_group = service_groups.groupby("service_group")["location_id"].nunique()
    by_group = by_group.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    no_group = len(set(locations["location_id"]) - set(service_groups["location_id"]))
    frame = pd.DataFrame({"service_group": by_group.index.astype(str), "locations": by_group.to_numpy().astype(int)})
    return frame, no_group


def rating_counts_by(
    frame: pd.DataFrame, row_key: str, rating_col: str, rows: list[tuple[str | None, str]]
) -> pd.DataFrame:
    """Count ratings per row; rows is [(key value or None for all rows, label)]. Columns: "" (the label), the graded
    ratings, other rating words present, Total, and PERCENT_GO (of those with a graded rating, one decimal)."""
    present = {str(vocab.rating_label(w)) for w in frame[rating_col].dropna().astype(str)}
    labels = list(dict.fromkeys(str(vocab.rating_label(w)) for w in vocab.RATINGS))
    words = list(vocab.GRADED) + [w for w in labels[4:] if w in present]
    out = []
    for key, label in rows:
        sub = frame if key is None else frame[frame[row_key] == key]
        counts = sub[rating_col].astype(str).map(vocab.rating_label).value_counts()
        row: dict[str, Any] = {"": label}
        for w in words:
            row[w] = int(counts.get(w, 0))
        row["Total"] = len(sub)
        row[PERCENT_GO] = headline_from_counts(row).percent  # the one headline measure (measures/headline.py)
        out.append(row)
    return pd.DataFrame(out)


def ratings_by_category(locations: pd.DataFrame) -> pd.DataFrame:
    """Overall ratings by category (Residential, Community, Total): rating_counts_by's columns, first "Category"."""
    rows: list[tuple[str | None, str]] = [(c, c) for c in vocab.CATEGORIES] + [(None, "Total")]
    return rating_counts_by(locations, "category", "overall_rating", rows).rename(columns={"": "Category"})


def ratings_by_key_question(ratings: pd.DataFrame) -> pd.DataFrame:
    """Ratings of each key question (Safe … Well-led): rating_counts_by's columns, first "Key question"."""
    kq = ratings[ratings["key_question"].isin(vocab.KEY_QUESTIONS)]
    rows: list[tuple[str | None, str]] = [(q, q) for q in vocab.KEY_QUESTIONS]
    return rating_counts_by(kq, "key_question", "rating", rows).rename(columns={"": "Key question"})


def graded_total(row: pd.Series) -> int:
    """Locations with a graded rating in a rating_counts_by row: the headline measure's N (measures/headline.py)."""
    return headline_from_counts(row).rated


def good_or_outstanding(row: pd.Series) -> int:
    """Locations rated Good or Outstanding in a rating_counts_by row: the headline measure's n."""
    return headline_from_counts(row).good_or_outstanding


def requires_improvement_or_inadequate(row: pd.Series) -> int:
    return int(row["Requires improvement"]) + int(row["Inadequate"])


def strongest_and_weakest(by_key_question: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The key questions with the highest and the lowest share Good or Outstanding (ties by name)."""
    f = by_key_question
    weakest = f.sort_values(
        [PERCENT_GO, "Key question"], ascending=[True, True], kind="stable", na_position="last"
    ).iloc[0]
    strongest = f.sort_values(
        [PERCENT_GO, "Key question"], ascending=[False, True], kind="stable", na_position="last"
    ).iloc[0]
    return strongest, weakest


def location_ratings_wide(locations: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per location: location_id, location_name, provider_name, category, a column per key question and
    Overall (blank when CQC publishes none), publication_date, inherited, url (https)."""
    wide = ratings.pivot(index="location_id", columns="key_question", values="rating")
    locs = locations.set_index("location_id")
    frame = pd.DataFrame(index=locs.index)
    frame["location_name"] = locs["location_name"]
    frame["provider_name"] = locs["provider_name"]
    frame["category"] = locs["category"]
    for q in vocab.DOMAINS:
        frame[q] = (
            wide[q].astype(str).where(wide[q].notna(), "").reindex(frame.index).fillna("") if q in wide.columns else ""
        )
    frame["publication_date"] = locs["publication_date"]
    frame["inherited"] = locs["inherited"]
    frame["url"] = locs["url"].astype(str).str.replace("http://", "https://", regex=False)
    return frame.reset_index()


# ---- the market by CQC's regulated service types ------------------------------------------------------------


def locations_by_service_type(locations: pd.DataFrame) -> pd.DataFrame:
    """Locations by primary category and main regulated service type (each location once, see
    measures.changes.main_service_type), with beds where CQC gives them (care homes). Rows in report order: care
    homes' types, then community-based ones, each by size, then a Total row.

    Columns: category, service_type, locations, beds (<NA> when no location of the row gives a number of beds).
    """
    from carequality.measures.changes import main_service_type

    f = locations.assign(main=locations["service_types"].fillna("").map(main_service_type))
    beds = pd.to_numeric(f["beds"], errors="coerce") if "beds" in f.columns else pd.Series(pd.NA, index=f.index)
    f = f.assign(_beds=beds.where(f["care_home"].astype(bool) & beds.gt(0)))
    rows = []
    for cat in vocab.CATEGORIES:
        sub = f[f["category"] == cat]
        g = sub.groupby("main").agg(locations=("location_id", "size"), beds=("_beds", lambda b: b.sum(min_count=1)))
        g = g.reset_index().sort_values(["locations", "main"], ascending=[False, True], kind="stable")
        rows += [
            {"category": cat, "service_type": r.main, "locations": int(r.locations), "beds": r.beds}
            for r in g.itertuples()
        ]
    rows.append({"category": "Total", "service_type": "", "locations": len(f), "beds": f["_beds"].sum(min_count=1)})
    out = pd.DataFrame(rows, columns=["category", "service_type", "locations", "beds"])
    out["beds"] = pd.to_numeric(out["beds"]).round().astype("Int64")
    return out


def locations_by_specialism(locations: pd.DataFrame) -> pd.DataFrame:
    """Locations by CQC specialism (the people a service is registered to care for), care homes and community-based
    services apart, most first. A location with several specialisms counts under each.

    Columns: specialism, care_homes, community (locations).
    """
    f = locations[["location_id", "category", "specialisms"]].copy()
    f["specialism"] = f["specialisms"].fillna("").str.split(";")
    f = f.explode("specialism")
    f["specialism"] = f["specialism"].astype(str).str.strip()
    f = f[f["specialism"].ne("")]
    piv = (
        f.groupby(["specialism", "category"])["location_id"]
        .nunique()
        .unstack(fill_value=0)
        .reindex(columns=list(vocab.CATEGORIES), fill_value=0)
    )
    out = pd.DataFrame(
        {
            "specialism": piv.index.astype(str),
            "care_homes": piv[vocab.RESIDENTIAL].astype(int).to_numpy(),
            "community": piv[vocab.COMMUNITY].astype(int).to_numpy(),
        }
    )
    total = out["care_homes"] + out["community"]
    return (
        out.assign(_t=total)
        .sort_values(["_t", "specialism"], ascending=[False, True], kind="stable")
        .drop(columns="_t")
        .reset_index(drop=True)
    )


#: Rows of the service-group table for locations CQC has not rated by service group.
RATED_BEFORE_GROUPS = "Last rated before service-group ratings began"
NOT_YET_RATED = vocab.NOT_YET_RATED


#: Locations assessed under the single assessment framework for which CQC's data give no service group.
ASSESSED_NO_GROUP = "Assessed since service-group ratings began, no group given"


def locations_without_service_group(
    locations: pd.DataFrame, service_groups: pd.DataFrame, key_question_scores: pd.DataFrame | None = None
) -> dict[str, int]:
    """Locations with no service-group rating, by the one rule of rating_frameworks (the appendix's Framework
    column): last rated under the earlier framework, assessed under the single framework with no group given, or
    not yet rated. So this table and the appendix count the earlier framework's locations the same."""
    fw = rating_frameworks(locations, service_groups, key_question_scores)
    grouped = fw["location_id"].isin(set(service_groups["location_id"]))
    without = fw[~grouped]
    return {
        RATED_BEFORE_GROUPS: int((without["framework"] == BEFORE_SAF).sum()),
        ASSESSED_NO_GROUP: int((without["framework"] == SAF).sum()),
        NOT_YET_RATED: int((without["framework"] == "").sum()),
    }


# ---- the Somerset minimum standard -------------------------------------------------------------------------

#: Somerset's minimum quality standard for regulated services: Good (or Outstanding) overall and in every key question.
MINIMUM_STANDARD = "Good or Outstanding overall and in all five key questions"
PERCENT_MINIMUM = "% meeting the minimum standard"


def meets_minimum_standard(ratings: pd.DataFrame) -> pd.Series:
    """location_id → whether its overall rating and all five key-question ratings are Good or Outstanding (a
    location missing any of the six ratings does not meet it)."""
    wide = ratings.pivot_table(
        index="location_id", columns="key_question", values="rating", aggfunc="first", observed=True
    )
    wide = wide.reindex(columns=list(vocab.DOMAINS))
    good = wide.apply(lambda col: col.astype(str).isin(vocab.GOOD_OR_OUTSTANDING))
    return good.all(axis=1)


def minimum_standard_by_category(locations: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Locations meeting the minimum standard beside those Good or Outstanding overall, by category and in total.

    Columns: Category, Locations, Rated (a graded overall rating), Good or Outstanding overall, PERCENT_GO,
    Meeting the minimum standard, PERCENT_MINIMUM (both shares of the rated locations, one decimal).
    """
    meets = meets_minimum_standard(ratings)
    f = locations.assign(
        _meets=locations["location_id"].map(meets).fillna(False).astype(bool),
        _rating=locations["overall_rating"].astype(str),
    )
    rows = []
    for key, label in [*((c, c) for c in vocab.CATEGORIES), (None, "Total")]:
        sub = f if key is None else f[f["category"] == key]
        rated = int(sub["_rating"].isin(vocab.GRADED).sum())
        go = int(sub["_rating"].isin(vocab.GOOD_OR_OUTSTANDING).sum())
        ok = int((sub["_meets"] & sub["_rating"].isin(vocab.GOOD_OR_OUTSTANDING)).sum())
        rows.append(
            {
                "Category": label,
                "Locations": len(sub),
                "Rated": rated,
                "Good or Outstanding overall": go,
                PERCENT_GO: percent(go, rated, 1),
                "Meeting the minimum standard": ok,
                PERCENT_MINIMUM: percent(ok, rated, 1),
            }
        )
    return pd.DataFrame(rows)


# ---- rating framework and Single Assessment Framework score -------------------------------------------------

#: The rating frameworks, as the location appendix names them.
SAF = "Single assessment"
BEFORE_SAF = "Earlier framework"


def saf_scores(key_question_scores: pd.DataFrame) -> pd.DataFrame:
    """Each location's latest Single Assessment Framework assessment and its score.

    The score is the mean of the key questions' percentage scores CQC publishes (each key question weighs the same,
    as in CQC's own aggregation of key-question ratings), rounded to a whole percent half away from zero. An
    assessment that rates several service groups has no location score. Columns: location_id, published, score
    (Int64, <NA> when not known).
    """
    cols = ["location_id", "published", "score"]
    k = key_question_scores
    if k is None or k.empty:
        return pd.DataFrame(
            {
                "location_id": pd.Series([], dtype=str),
                "published": pd.Series([], dtype="datetime64[ns]"),
                "score": pd.Series([], dtype="Int64"),
            }
        )
    k = k.dropna(subset=["published"])
    latest = k.groupby("location_id")["published"].max()
    k = k[k["published"].eq(k["location_id"].map(latest))]
    rows = []
    for loc, g in k.groupby("location_id", sort=True):
        known = g["percentage_score"].dropna()
        single = g["service_group"].nunique() == 1
        score = percent(int(known.sum()), 100 * len(known), 0) if single and len(known) else None
        rows.append(
            {"location_id": loc, "published": g["published"].iloc[0], "score": None if score is None else int(score)}
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"score": "Int64"})


def rating_frameworks(
    locations: pd.DataFrame, service_groups: pd.DataFrame, key_question_scores: pd.DataFrame | None
) -> pd.DataFrame:
    """Each location's rating framework and, under the Single Assessment Framework, its score.

    SAF when its current overall rating is an assessment's (published on or after the rating's date) or when CQC
    rates it by service group (the ratings file shows service groups only for assessed locations); BEFORE_SAF when
    it has another published rating; blank when not yet rated. Columns: location_id, framework, score (Int64).
    """
    s = saf_scores(key_question_scores).set_index("location_id")
    out = pd.DataFrame({"location_id": locations["location_id"]})
    published = out["location_id"].map(s["published"]) if len(s) else pd.Series(pd.NaT, index=out.index)
    published = pd.to_datetime(published).reset_index(drop=True)
    rating_date = pd.to_datetime(locations["publication_date"]).reset_index(drop=True)
    current = published.notna() & (rating_date.isna() | (published >= rating_date))
    rated = rating_date.notna()
    out = out.reset_index(drop=True)
    grouped = out["location_id"].isin(set(service_groups["location_id"]))
    out["framework"] = [SAF if c or g else BEFORE_SAF if r else "" for c, g, r in zip(current, grouped, rated)]
    score = out["location_id"].map(s["score"]) if len(s) else pd.Series(pd.NA, index=out.index)
    out["score"] = pd.array(score.where(current, pd.NA), dtype="Int64")
    return out


def framework_facts(
    locations: pd.DataFrame,
    service_groups: pd.DataFrame,
    key_question_scores: pd.DataFrame | None,
    as_of: pd.Timestamp | None,
) -> list[Fact]:
    """How many locations' current ratings come from each framework CQC has used (rating_frameworks): an inspection
    under the framework before the single assessment framework, a single assessment, and a rating label this report
    does not know (vocab.UNRECOGNISED, listed under data quality). Facts: overview.framework.earlier,
    overview.framework.single_assessment, overview.framework.unrecognised."""
    fw = rating_frameworks(locations, service_groups, key_question_scores)
    where = {"as_of": None if as_of is None else as_of.date(), "source": "cqc"}
    unknown = int(locations["overall_rating"].astype(str).eq(vocab.UNRECOGNISED).sum())
    return [
        count(
            "overview.framework.earlier",
            int(fw["framework"].eq(BEFORE_SAF).sum()),
            "Locations whose current CQC rating comes from an inspection under the framework before the single "
            "assessment framework.",
            "location",
            **where,
        ),
        count(
            "overview.framework.single_assessment",
            int(fw["framework"].eq(SAF).sum()),
            "Locations whose current CQC rating comes from an assessment under the single assessment framework.",
            "location",
            **where,
        ),
        count(
            "overview.framework.unrecognised",
            unknown,
            "Locations whose current CQC rating is a word this report does not know (listed under data quality).",
            "location",
            **where,
        ),
    ]
