"""The example's England, region and peer figures: a synthetic national ratings history, counted by month.

`make report` compares the example council with England, its region and a peer group. CQC's national files
are too large to ship, and the example must not pretend to describe real services, so this module generates a
national history (every one of the 153 councils, about 26,000 adult social care locations with registration,
closure and inspection dates and overall ratings; invented, deterministic) in which the example council's own
locations are exactly those of the example's API history. It then counts it with the same function the report
uses on real data (benchmarks.counts_from_history) and writes the counts file the report reads
(sources/area_counts.py): data/example/area_ratings_by_month_example.csv, about 0.7 MB.

The numbers are shaped to look like CQC's published picture (about 80% of rated care homes and 86% of rated
community services Good or Outstanding, drifting down slowly, varying by council and region); they are not
CQC's figures.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from carequality import vocab
from carequality.councils import all_councils, council_by_code
from carequality.examples.common import AS_OF
from carequality.measures.compare import counts_from_history, months_between
from carequality.sources.frames import History, normalise_locations, normalise_outcomes

SEED = 20260402
COUNCIL = "E06000014"  # the example council (York)
FIRST_MONTH = dt.date(2024, 4, 1)
FILE = "area_ratings_by_month_example.csv"
#: Mean locations per council by ONS code prefix: (care homes, community-based services).
SIZES = {"E10": (230, 190), "E08": (85, 95), "E09": (45, 85), "E06": (55, 55)}
REGION_EFFECT = {
    "North East": 0.15,
    "North West": -0.05,
    "Yorkshire and The Humber": 0.0,
    "East Midlands": -0.3,
    "West Midlands": -0.1,
    "East of England": 0.05,
    "London": -0.1,
    "South East": 0.1,
    "South West": 0.2,
}
_START = dt.date(2010, 10, 1)


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def _rating(rng: random.Random, logit: float, residential: bool) -> str:
    if rng.random() < 1 / (1 + math.exp(-logit)):
        return "Outstanding" if rng.random() < (0.045 if residential else 0.065) else "Good"
    return "Inadequate" if rng.random() < 0.12 else "Requires improvement"


def synthetic_history(*, exclude: Collection[str] = frozenset({COUNCIL}), seed: int = SEED) -> History:
    """Every council but `exclude`: locations with registration, closure and overall ratings over time."""
    rng = random.Random(seed)
    locations, outcomes = [], []
    n = 0
    for council in all_councils():
        if council.ons_code in exclude:
            continue
        effect = rng.gauss(0, 0.35) + REGION_EFFECT[council.region]
        homes, community = SIZES[council.ons_code[:3]]
        scale = math.exp(rng.gauss(0, 0.3))
        for residential, mean in ((True, homes), (False, community)):
            for _ in range(max(3, round(mean * scale))):
                n += 1
                loc = f"9-{100000000 + n}"
                new = rng.random() < 0.12
                first = dt.date(2023, 10, 1) if new else _START
                last = AS_OF - dt.timedelta(days=15) if new else dt.date(2023, 10, 1)
                registered = first + dt.timedelta(days=rng.randrange(_days(first, last)))
                closed = None
                if rng.random() < 0.07:
                    closed = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(_days(dt.date(2024, 1, 1), AS_OF)))
                    if closed <= registered + dt.timedelta(days=180):
                        closed = None
                latent = rng.gauss(0, 0.8)
                base = 1.05 if residential else 1.45
                t = registered + dt.timedelta(days=rng.randint(150, 500))
                end = closed or AS_OF
                while t <= end:
                    drift = -0.2 * max(0.0, _days(dt.date(2023, 6, 1), t) / 365)
                    r = _rating(rng, base + effect + latent + drift, residential)
                    outcomes.append((loc, t, "Overall", r, "generated example", False))
                    gap = {"Inadequate": (90, 300), "Requires improvement": (200, 700)}.get(r, (350, 1500))
                    t += dt.timedelta(days=rng.randint(*gap))
                locations.append(
                    {
                        "location_id": loc,
                        "location_name": f"Example location {n}",
                        "provider_id": "",
                        "provider_name": "",
                        "category": vocab.RESIDENTIAL if residential else vocab.COMMUNITY,
                        "care_home": residential,
                        "local_authority": council.short_name,
                        "region": council.region,
                        "registration_date": registered,
                        "deregistration_date": closed,
                        "registration_status": "Deregistered" if closed else "Registered",
                        "dormancy": "N",
                        "beds": None,
                        "service_types": "",
                        "inspection_directorate": "Adult social care",
                        "location_type": "Social Care Org",
                        "postcode": "",
                        "registered_manager_absent_date": None,
                        "dates_source": "api",
                    }
                )
    frame = pd.DataFrame(
        outcomes, columns=["location_id", "report_date", "key_question", "rating", "source", "inherited"]
    )
    return History(
        outcomes_by_location_date_key_question=normalise_outcomes(frame),
        locations_all=normalise_locations(pd.DataFrame(locations)),
    )


def national_history(council_history: History) -> History:
    """The synthetic history of every other council, plus the example council's own history as given."""
    others = synthetic_history()
    name = council_by_code(COUNCIL).short_name
    own_ids = set(
        council_history.locations_all.loc[council_history.locations_all["local_authority"] == name, "location_id"]
    )
    own_locs = council_history.locations_all[council_history.locations_all["location_id"].isin(own_ids)]
    o = council_history.outcomes_by_location_date_key_question
    own_out = o[o["location_id"].isin(own_ids)]
    return History(
        outcomes_by_location_date_key_question=normalise_outcomes(
            pd.concat([others.outcomes_by_location_date_key_question, own_out], ignore_index=True)
        ),
        locations_all=normalise_locations(pd.concat([others.locations_all, own_locs], ignore_index=True)),
    )


def national_counts(council_history: History) -> pd.DataFrame:
    """`ratings_by_area_month_category` of the synthetic national history, from April 2024 to the example's date."""
    months = months_between(FIRST_MONTH, AS_OF)
    counts = counts_from_history(
        national_history(council_history), months, council=COUNCIL, covered_to=AS_OF, source=""
    )
    return counts


def write_national_example(out: Path) -> list[Path]:
    """Write data/example/area_ratings_by_month_example.csv from the example API history in out/cqc_api."""
    from carequality.sources.area_counts import write_area_counts
    from carequality.sources.cqc_api import load_api_folder

    york = load_api_folder(out / "cqc_api", today=AS_OF).history
    return [write_area_counts(national_counts(york), out / FILE)]
