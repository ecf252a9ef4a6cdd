"""A deterministic generator of an example council's CQC data, in CQC's exact published format.

The project cannot ship CQC's files, so `make report` renders this: about a hundred adult social care
locations in York (care homes, home care, supported living) with a realistic mix of ratings, service
groups, publication dates, inherited and not-yet-rated locations, plus a few rows that are outside the
report (a neighbouring council's services, GP practices) so the report's filters are exercised.
Names are invented; nothing here describes a real service.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from carequality import vocab
from carequality.examples.common import (
    AS_OF,
    COMMUNITY_SUFFIXES,
    FIRST_NAMES,
    HOME_SUFFIXES,
    SEED,
    STREETS,
    hash_name,
    kq_ratings,
    pick,
)

#: The first day of CQC's single assessment framework: no rating by service group is older.
SINGLE_ASSESSMENT_FROM = dt.date(2023, 11, 1)

#: The 28 headers of CQC's "Care directory with ratings" Locations sheet, in CQC's order.
HEADERS = [
    "Location ID",
    "Location ODS Code",
    "Location Name",
    "Care Home?",
    "Location Type",
    "Location Primary Inspection Category",
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location Post Code",
    "Location Local Authority",
    "Location Region",
    "Location NHS Region",
    "Location ONSPD CCG Code",
    "Location ONSPD CCG",
    "Location Commissioning CCG Code",
    "Location Commissioning CCG Name",
    "Service / Population Group",
    "Domain",
    "Latest Rating",
    "Publication Date",
    "Report Type",
    "Inherited Rating (Y/N)",
    "URL",
    "Provider ID",
    "Provider Name",
    "Brand ID",
    "Brand Name",
]


def example_rows(seed: int = SEED) -> list[dict[str, str]]:
    """Rows of the example ratings file, deterministic for a seed."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    names_used: set[str] = set()
    n_provider = 0

    def location(i: int, la: str, region: str, kind: str) -> None:
        nonlocal n_provider
        loc_id = f"1-{900000000 + i * 7919}"
        while True:
            first = rng.choice(FIRST_NAMES)
            name = (
                f"{first} {rng.choice(HOME_SUFFIXES)}"
                if kind == "home"
                else f"{first} {rng.choice(COMMUNITY_SUFFIXES)}"
            )
            if name not in names_used:
                names_used.add(name)
                break
        n_provider += 1
        provider = (
            f"{first} Care Ltd"
            if rng.random() < 0.7
            else rng.choice(["Northern Care Group Ltd", "Minster Care Partnership", "Ridings Support Ltd"])
        )
        provider_id = f"1-{500000000 + (hash_name(provider) % 99999)}"
        overall = pick(rng, {"Outstanding": 5, "Good": 72, "Requires improvement": 15, "Inadequate": 2, "Not Rated": 6})
        published = (
            "" if overall == "Not Rated" else (AS_OF - dt.timedelta(days=rng.randint(20, 2600))).strftime("%d/%m/%Y")
        )
        inherited = "Y" if overall != "Not Rated" and rng.random() < 0.06 else "N"
        ratings = kq_ratings(rng, overall)
        ratings["Overall"] = overall
        care_home = kind == "home"
        category = vocab.RESIDENTIAL if care_home else vocab.COMMUNITY
        group = "Care Homes" if care_home else ("Supported Living" if "Supported" in name else "Homecare")
        # CQC rates by service group only under its single assessment framework, from November 2023 (the random draw
        # comes first, so each location keeps the values it had before this rule).
        recent = bool(published) and dt.datetime.strptime(published, "%d/%m/%Y").date() >= SINGLE_ASSESSMENT_FROM
        groups = ["Overall"] + ([group] if overall != "Not Rated" and rng.random() < 0.45 else [])
        base = {
            "Location ID": loc_id,
            "Location ODS Code": f"VN{i:03d}",
            "Location Name": name,
            "Care Home?": "Y" if care_home else "N",
            "Location Type": "Social Care Org",
            "Location Primary Inspection Category": category,
            "Location Street Address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            "Location Address Line 2": "",
            "Location City": la if la != "York" else "York",
            "Location Post Code": f"YO{rng.randint(1, 32)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "Location Local Authority": la,
            "Location Region": region,
            "Location NHS Region": "North East and Yorkshire",
            "Location ONSPD CCG Code": "E38000188",
            "Location ONSPD CCG": "NHS Vale of York CCG",
            "Location Commissioning CCG Code": "",
            "Location Commissioning CCG Name": "",
            "Report Type": "Location",
            "URL": f"http://www.cqc.org.uk/location/{loc_id}",
            "Provider ID": provider_id,
            "Provider Name": provider,
            "Brand ID": "-",
            "Brand Name": "-",
            "Publication Date": published,
            "Inherited Rating (Y/N)": inherited,
        }
        for g in groups:
            for d in vocab.DOMAINS:
                # CQC lists every key question's current rating (an older one carried forward where a focused
                # inspection left it), as the ratings history does: no key question is left out. (The draw that once
                # left one out is kept, so that every other value stays as it was.)
                rng.random() if overall != "Not Rated" and d != "Overall" else None
                if g != "Overall" and not recent:
                    continue  # no rating by service group before the single assessment framework
                rows.append({**base, "Service / Population Group": g, "Domain": d, "Latest Rating": ratings[d]})

    i = 0
    for kind, n in (("home", 46), ("community", 58)):
        for _ in range(n):
            i += 1
            location(i, "York", "Yorkshire and The Humber", kind)
    for kind, n in (("home", 4), ("community", 3)):
        for _ in range(n):
            i += 1
            location(i, "North Yorkshire", "Yorkshire and The Humber", kind)
    # Services that are not adult social care: the loader leaves them out and the report says so.
    for j in range(3):
        i += 1
        loc_id = f"1-{900000000 + i * 7919}"
        rows.append(
            {h: "" for h in HEADERS}
            | {
                "Location ID": loc_id,
                "Location Name": f"{FIRST_NAMES[j]} Medical Practice",
                "Care Home?": "N",
                "Location Type": "Primary Medical Services",
                "Location Primary Inspection Category": "GP Practices",
                "Location Local Authority": "York",
                "Location Region": "Yorkshire and The Humber",
                "Service / Population Group": "Overall",
                "Domain": "Overall",
                "Latest Rating": "Good",
                "Publication Date": (AS_OF - dt.timedelta(days=400 + j)).strftime("%d/%m/%Y"),
                "Report Type": "Location",
                "Inherited Rating (Y/N)": "N",
                "URL": f"http://www.cqc.org.uk/location/{loc_id}",
                "Brand ID": "-",
                "Brand Name": "-",
            }
        )
    # More services in neighbouring areas, where the example council also commissions (example_records.py).
    # Added after every row above so that those rows keep their ids and ratings.
    for la, kind, n in (
        ("Leeds", "home", 3),
        ("East Riding of Yorkshire", "home", 2),
        ("East Riding of Yorkshire", "community", 1),
    ):
        for _ in range(n):
            i += 1
            location(i, la, "Yorkshire and The Humber", kind)
    rows.sort(key=lambda r: (r["Location Name"], r["Location ID"], r["Service / Population Group"], r["Domain"]))
    return rows


def write_ratings_example(out: Path, seed: int = SEED) -> Path:
    """The example council's "Care directory with ratings" file (CSV, as CQC publishes it)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "cqc_ratings_example.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADERS, lineterminator="\n")
        w.writeheader()
        w.writerows(example_rows(seed))
    return path
