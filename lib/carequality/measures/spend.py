"""Where the money goes (Leicester's paragraphs 4.2 to 4.5): by service type, the locations and providers the council
commissions, the people it funds, the period's spend, and the shares of people and of spend with services rated Good
or Outstanding and below Good; care home beds in the area beside the people the council funds in them.

Spend is the period's flow (the commissioned-services record's annual_spend): never a figure "at" a date. Shares are
of all the people (or spend) of the service type, those at services not yet rated or not found in CQC's data
included, so each row's Good or Outstanding, below Good and the rest add up to the whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, count
from carequality.measures.shares import DIGITS, percent, share
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
        go = good(sub)
        below = sub["known"] & sub["overall_rating"].map(lambda r: str(r) in vocab.RI_OR_INADEQUATE)
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
            spend = pounds(sub)
            total = int(spend.sum())
            row[SPEND] = total
            row[f"Spend at {GO} services (%)"] = percent(int(spend[go].sum()), total, DIGITS)
            row[f"Spend at services {BELOW_WORDS} (%)"] = percent(int(spend[below].sum()), total, DIGITS)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for c in frame.columns:
        if c.endswith("(%)"):
            frame[c] = frame[c].astype("Float64")
        elif c != "Service type":
            frame[c] = frame[c].astype("Int64")
    return frame


def pounds(commissioned: pd.DataFrame) -> pd.Series:
    """Each row's spend in whole pounds (a blank is none): totals and shares are of whole pounds, so a Total row is
    the sum of the rows above it."""
    return commissioned["annual_spend"].fillna(0).astype(float).round().astype(int)


def good(commissioned: pd.DataFrame) -> pd.Series:
    """Rows at a service CQC knows and rates Good or Outstanding."""
    return commissioned["known"] & commissioned["overall_rating"].map(lambda r: str(r) in vocab.GOOD_OR_OUTSTANDING)


def spend_facts(commissioned: pd.DataFrame, beds: CareHomeBeds, start: dt.date, end: dt.date) -> dict[str, Fact]:
    """The section's facts: the share of people funded, and (where the record gives spend) the yearly spend and its
    share, at services rated Good or Outstanding; the area's care homes, their beds and the people funded in them."""
    go = good(commissioned)
    people = commissioned["funded_clients"].fillna(0).astype(int)
    out = {
        "people_good": share(
            "spend.people_at_good",
            int(people[go].sum()),
            int(people.sum()),
            "Of the people the council funds at the period end, those at services rated Good or Outstanding.",
            as_of=end,
            source="commissioned",
        ).at("spend_by_service_type", "Total", f"People at {GO} services (%)"),
        "homes": count("spend.care_homes", beds.homes, "Care homes in the council's area.", "care home", as_of=end),
        "homes_commissioned": count(
            "spend.care_homes_commissioned",
            beds.commissioned,
            "Care homes in the area the council commissions.",
            "care home",
            as_of=end,
            source="commissioned",
        ),
        "people_in_homes": count(
            "spend.people_in_care_homes",
            beds.people,
            "People the council funds in care homes in its area.",
            "person",
            as_of=end,
            source="commissioned",
        ),
    }
    if beds.beds is not None:
        out["beds"] = count(
            "spend.care_home_beds",
            beds.beds,
            "Registered beds of the area's care homes, where CQC gives them.",
            "registered bed",
            as_of=end,
        )
        out["homes_with_beds"] = count(
            "spend.care_homes_with_beds",
            beds.homes_with_beds,
            "Care homes whose beds CQC's data give.",
            "care home",
            as_of=end,
        )
    if spend_given(commissioned):
        money = pounds(commissioned)
        year = (end - dt.timedelta(days=364) if end.month != 2 or end.day != 29 else end - dt.timedelta(days=365), end)
        out["spend"] = Fact(
            "spend.yearly",
            int(money.sum()),
            "pounds",
            "The council's yearly spend at the services it commissions.",
            period=year,
            source="commissioned",
        ).at("spend_by_service_type", "Total", SPEND)
        out["spend_good"] = share(
            "spend.at_good",
            int(money[go].sum()),
            int(money.sum()),
            "Of the council's yearly spend, the part at services rated Good or Outstanding.",
            period=year,
            source="commissioned",
        ).at("spend_by_service_type", "Total", f"Spend at {GO} services (%)")
    return out


@dataclass
class CareHomeBeds:
    """Care homes in the area: their registered beds (None where the data give none) and the people the council
    funds in them."""

    homes: int
    homes_with_beds: int
    beds: int | None
    commissioned: int  # of those care homes, the ones the council commissions
    people: int  # people the council funds in care homes in the area


def care_home_beds(locations: pd.DataFrame, commissioned: pd.DataFrame) -> CareHomeBeds:
    """`locations`: the model's in-area locations (category, beds where a ratings history gives them);
    `commissioned`: with_cqc output."""
    homes = locations[locations["category"] == vocab.RESIDENTIAL]
    beds = homes["beds"] if "beds" in homes else pd.Series([], dtype="Int64")
    with_beds = int(beds.notna().sum())
    ids = set(homes["location_id"])
    here = commissioned[commissioned["location_id"].isin(ids)]
    return CareHomeBeds(
        homes=len(homes),
        homes_with_beds=with_beds,
        beds=int(beds.fillna(0).sum()) if with_beds else None,
        commissioned=int(here["location_id"].nunique()),
        people=int(here["funded_clients"].fillna(0).sum()),
    )
