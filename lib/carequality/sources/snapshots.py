"""A folder of successive CQC "Care directory with ratings" files (monthly snapshots) as a ratings `History`.

Each file is read with the ratings-file loader. A rating that appears with a publication date is an inspection
outcome: the same outcome repeated in later files is counted once. Each file's date ("as of") comes from its
name (CQC names them like `01_March_2025_Latest_ratings.ods`; `2025-03-01` and `March_2025` work too) or, when
the name has no date, from its latest publication date.

The files do not give registration dates. A location that is not in the first file is taken to have registered
by the as-of date of the first file that lists it; one missing from the latest file to have left the register
by the as-of date of the first file after its last appearance (`dates_source` is "snapshots"). Dates are
therefore as precise as the files are frequent. The files carry no service types, beds or dormancy either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carequality.errors import InputError
from carequality.sources.frames import DATA_QUALITY_COLUMNS, History, normalise_locations, normalise_outcomes
from carequality.sources.provenance import sha256_of, sha256_of_folder
from carequality.sources.ratings_file import SOCIAL_CARE, RatingsFile

SUFFIXES = {".csv", ".xlsx", ".xls", ".ods"}
_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})[ _.-]([A-Za-z]+)[ _.-](\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTH_YEAR = re.compile(r"(?<![A-Za-z])([A-Za-z]+)[ _.-](\d{4})(?!\d)")


@dataclass
class Snapshot:
    file: Path
    as_of: pd.Timestamp
    as_of_from: str  # "file name" or "latest publication date"
    ratings: RatingsFile


@dataclass
class SnapshotFolder:
    path: Path
    sha256: str
    snapshots: list[Snapshot]
    history: History

    @property
    def latest(self) -> Snapshot:
        return self.snapshots[-1]


def date_from_name(name: str) -> pd.Timestamp | None:
    """The date a CQC file name carries, or None."""
    stem = Path(name).stem
    for m in _DAY_MONTH_YEAR.finditer(stem):
        month = _MONTHS.get(m[2].lower())
        if month:
            try:
                return pd.Timestamp(dt.date(int(m[3]), month, int(m[1])))
            except ValueError:
                pass
    iso = _ISO.search(stem)
    if iso:
        try:
            return pd.Timestamp(dt.date(int(iso[1]), int(iso[2]), int(iso[3])))
        except ValueError:
            pass
    for m in _MONTH_YEAR.finditer(stem):
        month = _MONTHS.get(m[1].lower())
        if month:
            return pd.Timestamp(dt.date(int(m[2]), month, 1))
    return None


def snapshot_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def load_snapshot_folder(path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,)) -> SnapshotFolder:
    """Load every ratings file in a folder, oldest first, and build the history they imply."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(folder, "folder not found; expected a folder of CQC 'Care directory with ratings' files")
    files = snapshot_files(folder)
    if not files:
        raise InputError(
            folder, "no ratings files; expected CQC 'Care directory with ratings' files (.csv, .xlsx or .ods)"
        )
    return load_snapshot_files(files, folder, location_types=location_types)


def load_snapshot_files(
    files: list[Path], path: Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,)
) -> SnapshotFolder:
    """Load the ratings files given (any order; two are enough: the start and the end of a period), oldest first,
    and build the history they imply. `path` is what the result is known by (the folder, or the first file); its
    digest covers every file."""
    from carequality.sources.cache import load_ratings

    snaps = []
    today = pd.Timestamp(dt.date.today())
    for f in files:
        ratings = load_ratings(f, location_types=location_types)
        named = date_from_name(f.name)
        if named is not None and named > today:
            raise InputError(
                f,
                f"the file name says {named.date().isoformat()}, a date in the future; expected the "
                "date CQC published the file, such as 01_March_2025_Latest_ratings.csv",
            )
        if named is not None:
            snaps.append(Snapshot(f, named, "file name", ratings))
        elif ratings.as_of is not None:
            snaps.append(Snapshot(f, ratings.as_of, "latest publication date", ratings))
        else:
            raise InputError(
                f,
                "no date in the file name and no publication dates in the file; "
                "name the file with its date, such as 01_March_2025_Latest_ratings.csv",
            )
    snaps.sort(key=lambda s: (s.as_of, s.file.name))
    for a, b in itertools.pairwise(snaps):
        if a.as_of == b.as_of:
            raise InputError(
                b.file,
                f"has the same date ({b.as_of.date().isoformat()}, from its {b.as_of_from}) as "
                f"{a.file.name}; expected one file per date",
            )
    digest = sha256_of_folder(path) if path.is_dir() else sha256_of_files(files)
    return SnapshotFolder(path=path, sha256=digest, snapshots=snaps, history=snapshot_history(snaps))


def sha256_of_files(files: list[Path]) -> str:
    """One digest of several files: of each file's name and digest, in name order."""
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        h.update(f"{f.name}\0{sha256_of(f)}\n".encode())
    return h.hexdigest()


def snapshot_history(snaps: list[Snapshot]) -> History:
    """Outcomes seen across the snapshots (each counted once) and every location they list."""
    dq: list[dict] = []
    parts: list[pd.DataFrame] = []
    for s in snaps:
        level = s.ratings.ratings_by_location_key_question
        rated = level[level["publication_date"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "location_id": rated["location_id"],
                    "report_date": rated["publication_date"],
                    "key_question": rated["key_question"],
                    "rating": rated["rating"].astype(str),
                    "source": s.file.name,
                    "inherited": rated["inherited"],
                    "order": len(parts),
                    "row": rated["row"],
                }
            )
        )
        dq += s.ratings.data_quality.to_dict("records")
    allrows = pd.concat(parts, ignore_index=True)
    keys = ["location_id", "report_date", "key_question"]
    # The same outcome in several files is one outcome: keep the first file that shows it.
    distinct = allrows.drop_duplicates([*keys, "rating"], keep="first")
    clash = distinct.duplicated(keys, keep=False)
    for (loc, date, kq), g in distinct[clash].groupby(keys, sort=True):
        last = g.sort_values("order").iloc[-1]
        earlier = "; ".join(f"{r.rating} in {r.source}" for r in g.sort_values("order").iloc[:-1].itertuples())
        dq.append(
            {
                "file": last["source"],
                "row": int(last["row"]) if pd.notna(last["row"]) else "",
                "location_id": loc,
                "issue": f"{kq} published {date.date().isoformat()} is {last['rating']} here but {earlier}: "
                "a correction without a new publication date; this file's rating used",
            }
        )
    chosen = distinct.sort_values("order", kind="stable").drop_duplicates(keys, keep="last")
    outcomes = normalise_outcomes(chosen.drop(columns=["order", "row"]))

    # Locations: attributes from the latest file that lists each; dates from first and last appearance.
    first_seen: dict[str, int] = {}
    last_seen: dict[str, int] = {}
    rows: dict[str, dict] = {}
    for i, s in enumerate(snaps):
        for r in s.ratings.locations.to_dict("records"):
            loc = r["location_id"]
            first_seen.setdefault(loc, i)
            last_seen[loc] = i
            rows[loc] = r
    n = len(snaps)
    records = []
    for loc, r in rows.items():
        active = last_seen[loc] == n - 1
        records.append(
            {
                "location_id": loc,
                "location_name": r["location_name"],
                "provider_id": r["provider_id"],
                "provider_name": r["provider_name"],
                "category": r["category"],
                "care_home": bool(r["care_home"]),
                "local_authority": r["local_authority"],
                "region": r["region"],
                "registration_date": snaps[first_seen[loc]].as_of if first_seen[loc] > 0 else pd.NaT,
                "deregistration_date": pd.NaT if active else snaps[last_seen[loc] + 1].as_of,
                "registration_status": "Registered" if active else "Deregistered",
                "dormancy": "",
                "beds": pd.NA,
                "service_types": "",
                "inspection_directorate": "",
                "location_type": r["location_type"],
                "postcode": r["postcode"],
                "registered_manager_absent_date": pd.NaT,
                "dates_source": "snapshots",
                "brand_name": r["brand_name"],
                "street": r["street"],
                "city": r["city"],
                "url": r["url"],
            }
        )
    locations = normalise_locations(pd.DataFrame(records))
    return History(
        outcomes_by_location_date_key_question=outcomes,
        locations_all=locations,
        data_quality=pd.DataFrame(dq, columns=list(DATA_QUALITY_COLUMNS)),
    )
