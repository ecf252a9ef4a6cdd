"""CQC's "Care directory with ratings" (Locations sheet), in its published long format.

One row per location × service/population group × domain (key question). Read from CSV, XLSX or ODS.
Both header eras are accepted: `Domain` (recent files) and `Key Question` (older files).

The result is a `RatingsFile`: tidy frames named by their grain, plus what the loader noticed
about the data (rows excluded by location type, locations without a location-level rating).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carequality import vocab
from carequality.errors import InputError, LocationTypesError
from carequality.sources.dates import parse_date_column
from carequality.sources.provenance import sha256_of
from carequality.sources.tabular import CELL_LIMIT, Finding, Sheet, read_sheet, unmatched_location_types

SOCIAL_CARE = "Social Care Org"

#: Our column name ← the CQC header(s) it may arrive under.
COLUMNS: dict[str, tuple[str, ...]] = {
    "location_id": ("Location ID",),
    "location_name": ("Location Name",),
    "care_home": ("Care Home?", "Care home?"),
    "location_type": ("Location Type", "Location Type/Sector"),
    "category": ("Location Primary Inspection Category",),
    "street": ("Location Street Address",),
    "city": ("Location City",),
    "postcode": ("Location Post Code",),
    "local_authority": ("Location Local Authority",),
    "region": ("Location Region",),
    "service_group": ("Service / Population Group", "Service/Population Group"),
    "domain": ("Domain", "Key Question"),
    "rating": ("Latest Rating",),
    "publication_date": ("Publication Date",),
    "report_type": ("Report Type",),
    "inherited": ("Inherited Rating (Y/N)",),
    "url": ("URL",),
    "provider_id": ("Provider ID",),
    "provider_name": ("Provider Name",),
    "brand_name": ("Brand Name",),
}
REQUIRED = (
    "location_id",
    "location_name",
    "location_type",
    "category",
    "local_authority",
    "service_group",
    "domain",
    "rating",
    "publication_date",
)
LOCATION_COLUMNS = (
    "location_id",
    "location_name",
    "provider_id",
    "provider_name",
    "brand_name",
    "location_type",
    "category",
    "care_home",
    "street",
    "city",
    "postcode",
    "local_authority",
    "region",
    "url",
)


@dataclass
class RatingsFile:
    """What one ratings file says, as tidy frames.

    - ``locations``: one row per location (attributes, overall rating, its date, inherited flag).
    - ``ratings_by_location_key_question``: one row per location × domain (Safe … Well-led, Overall),
      from the location-level ("Overall" service group) rows.
    - ``ratings_by_location_service_group_key_question``: every rating row, tidy.
    - ``service_groups_by_location``: one row per location × service group it is rated for.
    - ``excluded_by_location_type``: rows per location type that the loader left out (not adult social care).
    - ``data_quality``: rows the report lists because they could not be used as they are.
    """

    path: Path
    sha256: str
    header_era: str
    date_format: str
    locations: pd.DataFrame
    ratings_by_location_key_question: pd.DataFrame
    ratings_by_location_service_group_key_question: pd.DataFrame
    service_groups_by_location: pd.DataFrame
    excluded_by_location_type: pd.DataFrame
    data_quality: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "location_id", "issue"])
    )

    @property
    def as_of(self) -> pd.Timestamp | None:
        d = self.ratings_by_location_key_question["publication_date"].max()
        return None if pd.isna(d) else d


DQ_COLUMNS = ["file", "row", "location_id", "issue"]


def load_ratings_file(
    path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,), today: dt.date | None = None
) -> RatingsFile:
    """Load and validate a CQC ratings file. Raise InputError naming file, row and column on bad input.

    A publication date after `today` (default: the day of the run) is listed in the data-quality table and not
    used (flag_future_dates); the rest of what the file says does not depend on the day, so cache.py keeps it."""
    return flag_future_dates(parse_ratings_file(path, location_types=location_types), today)


def flag_future_dates(ratings: RatingsFile, today: dt.date | None = None) -> RatingsFile:
    """Publication dates after `today`: one data-quality row per location, and the date is not used (the rating is
    kept, undated), so a mistyped year never becomes the report's "CQC data as of" date."""
    today = today or dt.date.today()
    limit = pd.Timestamp(today)
    tidy = ratings.ratings_by_location_service_group_key_question
    future = tidy["publication_date"] > limit
    if not future.any():
        return ratings
    rows = []
    for loc, g in tidy[future].sort_values("row", kind="stable").groupby("location_id", sort=True):
        first = g.iloc[0]
        rows.append(
            {
                "file": ratings.path.name,
                "row": int(first["row"]) if pd.notna(first["row"]) else "",
                "location_id": loc,
                "issue": f"publication date {first['publication_date'].date().isoformat()} is in the future "
                f"(after {today.isoformat()}, the day of this run): the rating is kept, its date is not "
                "used",
            }
        )
    for frame in (ratings.ratings_by_location_key_question, tidy, ratings.locations):
        frame.loc[frame["publication_date"] > limit, "publication_date"] = pd.NaT
    dq = pd.DataFrame(rows, columns=DQ_COLUMNS)
    ratings.data_quality = pd.concat([ratings.data_quality, dq], ignore_index=True) if len(ratings.data_quality) else dq
    return ratings


def parse_ratings_file(path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,)) -> RatingsFile:
    """What load_ratings_file returns before future dates are flagged: it depends on the file's bytes and the
    location types only (cache.py stores it). Each step below handles one thing CQC's file does (docs/history.md);
    each has its own test in tests/sources/test_ratings_file_steps.py."""
    path = Path(path)
    # Only the columns we use are converted: a national file's other 8 columns are a quarter of its cells.
    sheet = read_sheet(
        path, header_contains="Location ID", sheet="Locations", columns={h for names in COLUMNS.values() for h in names}
    )
    rename, header_era = map_headers(path, list(sheet.frame.columns))
    df = select_columns(sheet, rename, path)
    finding_dq = _finding_rows(sheet.of_kind("error_value", "long_text"), df, rename, path)
    unmatched = unmatched_location_types(df, location_types, path.name)
    if unmatched:
        raise LocationTypesError(
            path, unmatched, column=next(h for h, ours in rename.items() if ours == "location_type")
        )
    df = fold_overall_spelling(df)
    df, excluded = split_location_types(df, location_types)
    word_dq = normalise_words(df, path, header_era)
    df["publication_date"], date_format = _dates(df, path)
    df["inherited"] = df["inherited"].astype(str).str.upper().eq("Y")
    df["care_home"] = df["care_home"].astype(str).str.upper().eq("Y")
    check_duplicates(df, path)

    tidy = df[["location_id", "service_group", "domain", "rating", "publication_date", "inherited", "row"]].rename(
        columns={"domain": "key_question"}
    )
    tidy = tidy.sort_values(["location_id", "service_group", "key_question"], kind="stable").reset_index(drop=True)
    locations = (
        df.drop_duplicates("location_id")[list(LOCATION_COLUMNS)].sort_values("location_id").reset_index(drop=True)
    )
    level, level_dq = location_level(tidy, set(locations["location_id"]), path)
    return RatingsFile(
        path=path,
        sha256=sha256_of(path),
        header_era=header_era,
        date_format=date_format,
        locations=with_overall(locations, level),
        ratings_by_location_key_question=level,
        ratings_by_location_service_group_key_question=tidy,
        service_groups_by_location=service_groups(tidy),
        excluded_by_location_type=excluded,
        data_quality=pd.DataFrame(finding_dq + word_dq + level_dq, columns=DQ_COLUMNS),
    )


def map_headers(path: Path, headers: list[str]) -> tuple[dict[str, str], str]:
    """CQC's header → our column, and the header era: recent files say `Domain`, older ones `Key Question`.
    Every required column must be there, each once."""
    present = set(headers)
    rename: dict[str, str] = {}
    for ours, theirs in COLUMNS.items():
        for h in theirs:
            if h in present:
                rename[h] = ours
                break
    missing = [COLUMNS[c][0] for c in REQUIRED if c not in rename.values()]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        if "Domain" in missing:
            names = names.replace("'Domain'", "'Domain' (or 'Key Question' in older files)")
        raise InputError(
            path, f"missing column(s) {names}; is this CQC's 'Care directory with ratings' Locations sheet?"
        )
    dups = sorted({h for h in headers if headers.count(h) > 1 and h in rename})
    if dups:
        raise InputError(path, f"column(s) {', '.join(map(repr, dups))} appear more than once; expected each once")
    return rename, "Domain" if "Domain" in present else "Key Question"


def select_columns(sheet: Sheet, rename: dict[str, str], path: Path) -> pd.DataFrame:
    """Our columns, each row with its spreadsheet row number. A column with data but no header is never dropped
    silently; a spreadsheet error value in a column the report needs stops the run (in another column, and a cell
    too long for a spreadsheet, it is a data-quality row: _finding_rows). A wholly blank row carries nothing (CSV
    files saved by hand have them): left out, the others keep their numbers. A blank location id stops the run."""
    sheet.raise_first("unnamed_column")
    sheet.raise_first("error_value", columns={h for h, ours in rename.items() if ours in REQUIRED})
    df = sheet.frame.rename(columns=rename)[list(dict.fromkeys(rename.values()))].copy()
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df["row"] = range(sheet.first_row, sheet.first_row + len(df))
    cells = df.drop(columns="row")
    df = df[~cells.eq("").all(axis=1)] if len(df) else df
    if df.empty:
        raise InputError(path, "the file has a header but no data rows")
    blank_id = df["location_id"].eq("")
    if blank_id.any():
        r = int(df.loc[blank_id, "row"].iloc[0])
        raise InputError(
            path, "blank location id; expected a CQC location id such as 1-117886088", row=r, column="Location ID"
        )
    return df


def fold_overall_spelling(df: pd.DataFrame) -> pd.DataFrame:
    """ "OVERALL" and "Overall" are one service group: the location level (so a location's two rows are a
    duplicate)."""
    spelt = [g for g in pd.unique(df["service_group"]) if g != "Overall" and str(g).casefold() == "overall"]
    if spelt:
        df.loc[df["service_group"].isin(spelt), "service_group"] = "Overall"
    return df


def split_location_types(df: pd.DataFrame, location_types: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of the location types asked for, and the others counted by type (rows, locations)."""
    keep = df["location_type"].isin(location_types)
    excluded = (
        df.loc[~keep]
        .groupby("location_type", sort=True)
        .agg(rows=("row", "size"), locations=("location_id", "nunique"))
        .reset_index()
    )
    return df.loc[keep].reset_index(drop=True), excluded


def normalise_words(df: pd.DataFrame, path: Path, header_era: str) -> list[dict]:
    """Key questions and ratings in the one vocabulary ("Requires Improvement", "No Approved Rating" …), each
    distinct word mapped once. A key question the vocabulary does not know stops the run; a rating it does not
    know (a new framework's label) is kept as vocab.UNRECOGNISED, and listed (the data-quality rows returned)."""
    df["domain"] = _normalise(
        df, "domain", vocab.normalise_domain, path, "Domain" if header_era == "Domain" else "Key Question"
    )
    dq: list[dict] = []
    mapping: dict[object, str | None] = {}
    for word in pd.unique(df["rating"]):
        try:
            mapping[word] = vocab.normalise_rating(word)
        except vocab.UnknownWordError:
            mapping[word] = vocab.UNRECOGNISED
            at = df.loc[df["rating"] == word]
            dq.append(
                {
                    "file": path.name,
                    "row": int(at["row"].iloc[0]),
                    "location_id": str(at["location_id"].iloc[0]),
                    "issue": vocab.unrecognised_issue(word, "Latest Rating", len(at)),
                }
            )
    df["rating"] = df["rating"].map(mapping).fillna("No published rating").astype(vocab.RATING_DTYPE)
    return dq


def check_duplicates(df: pd.DataFrame, path: Path) -> None:
    """One row per location, service group and key question: a repeat is refused, naming both rows."""
    dup = df.duplicated(["location_id", "service_group", "domain"], keep=False)
    if not dup.any():
        return
    d = df.loc[dup].sort_values("row")
    first = d.iloc[0]
    other = d[
        (d.location_id == first.location_id) & (d.service_group == first.service_group) & (d.domain == first.domain)
    ]
    raise InputError(
        path,
        f"location {first.location_id} has {len(other)} rows for service group {first.service_group!r} and "
        f"{first.domain!r} (rows {', '.join(str(r) for r in other['row'])}); expected one",
        row=int(other["row"].iloc[1]),
        column="Domain",
    )


def location_level(tidy: pd.DataFrame, location_ids: set[str], path: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Each location's own ratings: its "Overall" service group's rows. A location rated only for one service
    group takes that group's ratings; one rated for several has no known overall rating (a data-quality row)."""
    level = tidy[tidy["service_group"].str.casefold() == "overall"].drop(columns="service_group")
    dq = []
    without = sorted(location_ids - set(level["location_id"]))
    if without:
        sub = tidy[tidy["location_id"].isin(without)]
        groups = sub.groupby("location_id")["service_group"].nunique()
        single = groups[groups == 1].index
        level = pd.concat([level, sub[sub["location_id"].isin(single)].drop(columns="service_group")])
        for loc in sorted(set(without) - set(single)):
            rows = sub.loc[sub["location_id"] == loc, "row"]
            dq.append(
                {
                    "file": path.name,
                    "row": int(rows.min()),
                    "location_id": loc,
                    "issue": "no location-level ('Overall') rows and several service groups: overall rating not known",
                }
            )
    return level.sort_values(["location_id", "key_question"], kind="stable").reset_index(drop=True), dq


def with_overall(locations: pd.DataFrame, level: pd.DataFrame) -> pd.DataFrame:
    """Each location's overall rating, its publication date and whether it is inherited (none: "No published
    rating")."""
    overall = level[level["key_question"] == "Overall"].set_index("location_id")
    ids = locations["location_id"]

    def by_location(column: str) -> object:  # reindex keeps the column's dtype when no location has a rating
        return overall[column].reindex(ids).to_numpy()

    locations["overall_rating"] = pd.Series(by_location("rating"), index=locations.index).astype(vocab.RATING_DTYPE)
    locations["overall_rating"] = locations["overall_rating"].fillna("No published rating")
    locations["publication_date"] = pd.Series(
        by_location("publication_date"), index=locations.index, dtype="datetime64[ns]"
    )
    locations["inherited"] = pd.Series(by_location("inherited"), index=locations.index).fillna(False).astype(bool)
    return locations


def service_groups(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per location and service group it is rated for (other than the location level)."""
    return (
        tidy.loc[tidy["service_group"].str.casefold() != "overall", ["location_id", "service_group"]]
        .drop_duplicates()
        .sort_values(["location_id", "service_group"])
        .reset_index(drop=True)
    )


def _finding_rows(findings: list[Finding], df: pd.DataFrame, rename: dict[str, str], path: Path) -> list[dict]:
    """Data-quality rows for error values in columns the report can do without (the cell is then read as blank) and
    for cells longer than a spreadsheet cell holds, each with the location id of its row."""
    out: list[dict] = []
    if not findings:
        return out
    position = {int(r): i for i, r in enumerate(df["row"])}
    for f in findings:
        ours = rename.get(f.column)
        if ours is None or f.row not in position:
            continue
        i = position[f.row]
        loc = str(df["location_id"].iloc[i])
        if f.kind == "error_value":
            df.iloc[i, df.columns.get_loc(ours)] = ""
            issue = f"column {f.column!r} holds the spreadsheet error value {f.value}: read as blank"
        else:
            issue = (
                f"column {f.column!r} holds {len(f.value):,} characters, more than the {CELL_LIMIT:,} a "
                "spreadsheet cell holds: cut in report.xlsx"
            )
        out.append({"file": path.name, "row": f.row, "location_id": loc, "issue": issue})
    return out


def _normalise(df: pd.DataFrame, column: str, fn, path: Path, header: str) -> pd.Series:
    mapping = {}
    for word in pd.unique(df[column]):
        try:
            mapping[word] = fn(word)
        except vocab.UnknownWordError as e:
            r = int(df.loc[df[column] == word, "row"].iloc[0])
            raise InputError(path, str(e), row=r, column=header) from None
    return df[column].map(mapping)


def _dates(df: pd.DataFrame, path: Path) -> tuple[pd.Series, str]:
    # Rows keep their spreadsheet numbers in df["row"] (rows of other location types are gone): messages name them.
    values = df["publication_date"].reset_index(drop=True)
    return parse_date_column(values, file=path, column="Publication Date", rows=df["row"])
