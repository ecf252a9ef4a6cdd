"""One test per step of parse_ratings_file (sources/ratings_file.py), each on rows in the exact shape of CQC's real
June 2026 Lincolnshire file (../shared/data/cqc/latest_ratings). Whole files are tested in test_ratings_file.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carequality import vocab
from carequality.errors import InputError
from carequality.sources.ratings_file import (
    check_duplicates,
    fold_overall_spelling,
    location_level,
    map_headers,
    normalise_words,
    service_groups,
    split_location_types,
    with_overall,
)

PATH = Path("cqc_lincolnshire_prefiltered.csv")
#: The real file's 28 headers, in its order.
HEADERS = (
    "Location ID,Location ODS Code,Location Name,Care Home?,Location Type,Location Primary Inspection Category,"
    "Location Street Address,Location Address Line 2,Location City,Location Post Code,Location Local Authority,"
    "Location Region,Location NHS Region,Location ONSPD CCG Code,Location ONSPD CCG,Location Commissioning CCG Code,"
    "Location Commissioning CCG Name,Service / Population Group,Domain,Latest Rating,Publication Date,Report Type,"
    "Inherited Rating (Y/N),URL,Provider ID,Provider Name,Brand ID,Brand Name"
).split(",")


def rows(*specs: tuple[str, str, str, str], kind: str = "Social Care Org") -> pd.DataFrame:
    """Our columns for (location id, service group, domain, rating) rows, as select_columns gives them: MSP Case
    Management Ltd (1-10041249501), the real file's first location, and others in its shape."""
    out = []
    for i, (loc, group, domain, rating) in enumerate(specs):
        out.append(
            {
                "location_id": loc, "location_name": "MSP Case Management Ltd", "care_home": "N", "location_type": kind,
                "category": vocab.COMMUNITY, "street": "Hardings Farm", "city": "Lincoln", "postcode": "LN3 5AG",
                "local_authority": "Lincolnshire", "region": "East Midlands", "service_group": group, "domain": domain,
                "rating": rating, "publication_date": "05/29/2026", "report_type": "Location", "inherited": "N",
                "url": f"http://www.cqc.org.uk/location/{loc}", "provider_id": "1-9438821988",
                "provider_name": "MSP Case Management Ltd", "brand_name": "-", "row": i + 2,
            }
        )  # fmt: skip
    return pd.DataFrame(out)


def tidy_of(df: pd.DataFrame) -> pd.DataFrame:
    normalise_words(df, PATH, "Domain")
    df["publication_date"] = pd.Timestamp("2026-05-29")
    df["inherited"] = False
    return df[["location_id", "service_group", "domain", "rating", "publication_date", "inherited", "row"]].rename(
        columns={"domain": "key_question"}
    )


def test_map_headers_of_both_eras():
    rename, era = map_headers(PATH, HEADERS)
    assert era == "Domain" and rename["Latest Rating"] == "rating" and rename["Care Home?"] == "care_home"
    older = [("Key Question" if h == "Domain" else h) for h in HEADERS]
    assert map_headers(PATH, older)[1] == "Key Question"
    with pytest.raises(InputError, match="'Domain' \\(or 'Key Question' in older files\\)"):
        map_headers(PATH, [h for h in HEADERS if h != "Domain"])
    with pytest.raises(InputError, match="'Latest Rating' appear more than once"):
        map_headers(PATH, [*HEADERS, "Latest Rating"])


def test_fold_overall_spelling():
    df = fold_overall_spelling(rows(("1-1", "OVERALL", "Overall", "Good"), ("1-1", "Homecare", "Safe", "Good")))
    assert list(df["service_group"]) == ["Overall", "Homecare"]


def test_split_location_types_counts_what_it_leaves_out():
    df = pd.concat(
        [rows(("1-1", "Overall", "Overall", "Good")), rows(("1-2", "Overall", "Overall", "Good"), kind="Primary Dental Care")]
    )
    kept, excluded = split_location_types(df, ("Social Care Org",))
    assert list(kept["location_id"]) == ["1-1"]
    assert excluded.to_dict("records") == [{"location_type": "Primary Dental Care", "rows": 1, "locations": 1}]


def test_normalise_words_folds_spellings_and_lists_an_unknown_label():
    df = rows(
        ("1-1", "Overall", "Overall", "Requires Improvement"),
        ("1-1", "Overall", "Well led", "No Approved Rating"),
        ("1-2", "Overall", "Overall", "Meets expectations"),
        ("1-3", "Overall", "Overall", "Meets expectations"),
    )
    dq = normalise_words(df, PATH, "Domain")
    assert list(df["domain"]) == ["Overall", "Well-led", "Overall", "Overall"]
    assert list(df["rating"].astype(str)) == ["Requires improvement", "No published rating", *[vocab.UNRECOGNISED] * 2]
    assert [(d["row"], d["location_id"]) for d in dq] == [(4, "1-2")]
    assert "'Meets expectations' (2 rows) is not a rating this report knows" in dq[0]["issue"]
    with pytest.raises(InputError) as e:
        normalise_words(rows(("1-1", "Overall", "Kind", "Good")), PATH, "Domain")
    assert (e.value.row, e.value.column) == (2, "Domain")


def test_check_duplicates_names_both_rows():
    df = rows(("1-1", "Overall", "Safe", "Good"), ("1-1", "Overall", "Safe", "Good"))
    with pytest.raises(InputError, match="rows 2, 3"):
        check_duplicates(df, PATH)
    check_duplicates(rows(("1-1", "Overall", "Safe", "Good"), ("1-1", "Homecare", "Safe", "Good")), PATH)


def test_location_level_from_one_service_group_or_listed():
    tidy = tidy_of(
        rows(
            ("1-1", "Overall", "Overall", "Good"),
            ("1-2", "Homecare", "Overall", "Inadequate"),
            ("1-3", "Homecare", "Overall", "Good"),
            ("1-3", "Supported Living", "Overall", "Good"),
        )
    )
    level, dq = location_level(tidy, {"1-1", "1-2", "1-3"}, PATH)
    assert dict(zip(level["location_id"], level["rating"].astype(str))) == {"1-1": "Good", "1-2": "Inadequate"}
    assert [(d["location_id"], d["row"]) for d in dq] == [("1-3", 4)]
    locations = with_overall(pd.DataFrame({"location_id": ["1-1", "1-2", "1-3"]}), level)
    assert list(locations["overall_rating"].astype(str)) == ["Good", "Inadequate", "No published rating"]
    assert list(service_groups(tidy)["service_group"]) == ["Homecare", "Homecare", "Supported Living"]
