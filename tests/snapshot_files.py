"""Monthly "Care directory with ratings" files built in tests, in the columns CQC publishes (a subset)."""

from __future__ import annotations

import csv
from pathlib import Path

from carequality import vocab

HEADER = [
    "Location ID", "Location Name", "Care Home?", "Location Type", "Location Primary Inspection Category",
    "Location Local Authority", "Location Region", "Service / Population Group", "Domain", "Latest Rating",
    "Publication Date", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name",
]


def rows_for(loc: str, ratings: dict[str, str] | str, date: str, *, inherited="N", care_home=True) -> list[list[str]]:
    if isinstance(ratings, str):
        ratings = {d: ratings for d in vocab.DOMAINS}
    cat = vocab.RESIDENTIAL if care_home else vocab.COMMUNITY
    return [[loc, f"Home {loc}", "Y" if care_home else "N", "Social Care Org", cat, "York", "Yorkshire and The Humber",
             "Overall", d, r, date, inherited, f"http://www.cqc.org.uk/location/{loc}", "1-9", "Provider"]
            for d, r in ratings.items()]


def write_snapshots(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([HEADER, *rows])
    return folder
