"""Where the money goes (Leicester's paragraphs 4.2 to 4.5): by service type, the locations and providers the council
commissions, the people it funds, the period's spend, and the shares of people and of spend with services rated Good
or Outstanding and below Good; care home beds in the area beside the people the council funds in them.

Spend is the period's flow (the commissioned-services record's annual_spend): never a figure "at" a date. Shares are
of all the people (or spend) of the service type, those at services not yet rated or not found in CQC's data
included, so each row's Good or Outstanding, below Good and the rest add up to the whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carequality import vocab
from carequality.measures.shares import DIGITS, percent
from carequality.model.records import provider_key

GO = "Good or Outstanding"
BELOW_WORDS = "rated below Good"
#: The spend column: the record's annual_spend, a year's flow.
SPEND = "Spend in a year (£)"


def spend_given(commissioned: pd.DataFrame) -> bool:
    """Whether the record gives any spend."""
    return "annual_spend" in commissioned and bool(commissioned["annual_spend"].notna().any())


def by_type(commissioned: pd.DataFrame) -> pd.DataFrame:
    """Per service type (sorted) and a Total: locations, providers, people funded, spend (None when the record gives
    none) and the people and spend at services rated Good or Outstanding and below Good, with their shares.

    `commissioned` is qa.with_cqc output (known, provider_id, overall_rating)."""
    with_spend = spend_given(commissioned)
    types = sorted(commissioned["service_type"].unique(), key=lambda s: (s.casefold(), s))
    rows = []
    for label, sub in [(t, commissioned[commissioned["service_type"] == t]) for t in types] + [("Total", commissioned)]:
        known = sub[sub["known"]]
        rating = sub["overall_rating"].map(lambda r: str(r)).where(sub["known"], "")
        go = rating.isin(vocab.GOOD_OR_OUTSTANDING)
        below = rating.isin(vocab.RI_OR_INADEQUATE)
        people = sub["funded_clients"].fillna(0).astype(int)
        row: dict[str, object] = {
            "Service type": label,
            "Locations": len(sub),
            "Providers": int(provider_key(known["provider_id"], known["location_id"]).nunique()),
            "People funded": int(people.sum()),
            f"People at {GO} services (%)": percent(int(people[go].sum()), int(people.sum()), DIGITS),
            f"People at services {BELOW_WORDS} (%)": percent(int(people[below].sum()), int(people.sum()), DIGITS),
        }
        if with_spend:
            spend = sub["annual_spend"].fillna(0).astype(float)
            total = float(spend.sum())
            row[SPEND] = round(total)
            row[f"Spend at {GO} services (%)"] = _share(float(spend[go].sum()), total)
            row[f"Spend at services {BELOW_WORDS} (%)"] = _share(float(spend[below].sum()), total)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for c in frame.columns:
        if c.endswith("(%)"):
            frame[c] = frame[c].astype("Float64")
        elif c != "Service type":
            frame[c] = frame[c].astype("Int64")
    return frame


def _share(part: float, whole: float) -> float | None:
    """A share of money, rounded as every share (measures.shares.percent works on whole pence)."""
    return percent(round(part * 100), round(whole * 100), DIGITS)


@dataclass
class CareHomeBeds:
    """Care homes in the area: their registered beds (None where the data give none) and the people the council
    funds in them."""

    homes: int
    homes_with_beds: int
    beds: int | None
    people: int  # people the council funds in care homes in the area


def care_home_beds(locations: pd.DataFrame, commissioned: pd.DataFrame) -> CareHomeBeds:
    """`locations`: the model's in-area locations (category, beds where a ratings history gives them);
    `commissioned`: with_cqc output."""
    homes = locations[locations["category"] == vocab.RESIDENTIAL]
    beds = homes["beds"] if "beds" in homes else pd.Series([], dtype="Int64")
    with_beds = int(beds.notna().sum())
    ids = set(homes["location_id"])
    people = int(commissioned.loc[commissioned["location_id"].isin(ids), "funded_clients"].fillna(0).sum())
    return CareHomeBeds(
        homes=len(homes),
        homes_with_beds=with_beds,
        beds=int(beds.fillna(0).sum()) if with_beds else None,
        people=people,
    )
