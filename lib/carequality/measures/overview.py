"""The market and its ratings now, from the latest ratings: locations by category and by service group,
ratings counted by category and by key question, and every location's ratings side by side.

Pure functions of the model's frames (locations, ratings_by_location_key_question, service_groups_by_location).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from carequality import vocab
from carequality.measures.shares import percent

#: The share column of the ratings tables: Good or Outstanding of the locations with a graded rating.
PERCENT_GO = "% Good or Outstanding"


def locations_by_category(locations: pd.DataFrame) -> pd.DataFrame:
    """Locations by primary inspection category: CQC's two adult social care categories first (always listed),
    then any other category present, then a Total row. Columns: category, locations."""
    by_cat = locations["category"].value_counts()
    others = sorted(set(by_cat.index) - set(vocab.CATEGORIES))
    rows = [(c, int(by_cat.get(c, 0))) for c in vocab.CATEGORIES] + [(c, int(by_cat[c])) for c in others]
    rows.append(("Total", int(len(locations))))
    return pd.DataFrame(rows, columns=["category", "locations"])


def locations_by_service_group(locations: pd.DataFrame, service_groups: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Distinct locations per CQC service group (most first, ties by name), and the number of locations with no
    service group. A location rated for several groups counts under each."""
    by_group = service_groups.groupby("service_group")["location_id"].nunique()
    by_group = by_group.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    no_group = len(set(locations["location_id"]) - set(service_groups["location_id"]))
    frame = pd.DataFrame({"service_group": by_group.index.astype(str), "locations": by_group.to_numpy().astype(int)})
    return frame, no_group


def rating_counts_by(frame: pd.DataFrame, row_key: str, rating_col: str,
                     rows: list[tuple[str | None, str]]) -> pd.DataFrame:
    """Count ratings per row; rows is [(key value or None for all rows, label)]. Columns: "" (the label), the graded
    ratings, other rating words present, Total, and PERCENT_GO (of those with a graded rating, one decimal)."""
    present = set(frame[rating_col].dropna().astype(str))
    words = list(vocab.GRADED) + [w for w in vocab.RATINGS[4:] if w in present]
    out = []
    for key, label in rows:
        sub = frame if key is None else frame[frame[row_key] == key]
        counts = sub[rating_col].astype(str).value_counts()
        row: dict[str, Any] = {"": label}
        for w in words:
            row[w] = int(counts.get(w, 0))
        row["Total"] = int(len(sub))
        graded = sum(row[w] for w in vocab.GRADED)
        row[PERCENT_GO] = percent(row["Outstanding"] + row["Good"], graded, 1)
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
    """Locations with a graded rating in a rating_counts_by row."""
    return int(sum(int(row[w]) for w in vocab.GRADED))


def good_or_outstanding(row: pd.Series) -> int:
    """Locations rated Good or Outstanding in a rating_counts_by row."""
    return int(row["Outstanding"]) + int(row["Good"])


def requires_improvement_or_inadequate(row: pd.Series) -> int:
    return int(row["Requires improvement"]) + int(row["Inadequate"])


def strongest_and_weakest(by_key_question: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The key questions with the highest and the lowest share Good or Outstanding (ties by name)."""
    f = by_key_question
    weakest = f.sort_values([PERCENT_GO, "Key question"], ascending=[True, True], kind="stable", na_position="last").iloc[0]
    strongest = f.sort_values([PERCENT_GO, "Key question"], ascending=[False, True], kind="stable", na_position="last").iloc[0]
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
        frame[q] = wide[q].astype(str).where(wide[q].notna(), "") if q in wide.columns else ""
    frame["publication_date"] = locs["publication_date"]
    frame["inherited"] = locs["inherited"]
    frame["url"] = locs["url"].astype(str).str.replace("http://", "https://", regex=False)
    return frame.reset_index()
