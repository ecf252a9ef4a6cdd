import csv

import pytest

from carequality.councils import all_councils, council_by_code, council_for_cqc_name, find_council


def test_153_councils_with_adult_social_care_duties():
    councils = all_councils()
    assert len(councils) == 153
    assert {c.ons_code[:3] for c in councils} == {"E06", "E08", "E09", "E10"}
    assert len({c.slug for c in councils}) == 153


def test_table_matches_the_ons_lookup(shared_data):
    path = shared_data / "reference" / "la_codes" / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        utla = {r["UTLA23CD"]: r["UTLA23NM"] for r in csv.DictReader(f) if r["UTLA23CD"].startswith("E")}
    assert {c.ons_code: c.name for c in all_councils()} == utla


def test_regions_follow_cqc_and_ons():
    assert council_by_code("E10000019").region == "East Midlands"  # Lincolnshire
    assert council_by_code("E10000007").region == "East Midlands"  # Derbyshire
    assert council_by_code("E08000004").region == "North West"  # Oldham
    counts = {}
    for c in all_councils():
        counts[c.region] = counts.get(c.region, 0) + 1
    assert counts == {"North East": 12, "North West": 24, "Yorkshire and The Humber": 15, "East Midlands": 10,
                      "West Midlands": 14, "East of England": 11, "London": 33, "South East": 19, "South West": 15}


@pytest.mark.parametrize("name, code", [("Lincolnshire", "E10000019"), ("e06000014", "E06000014"),
                                        ("Bristol, City of", "E06000023"), ("Redcar & Cleveland", "E06000003")])
def test_find_council(name, code):
    assert find_council(name).ons_code == code


def test_cqc_names():
    assert council_for_cqc_name("Lincolnshire").ons_code == "E10000019"
    assert council_for_cqc_name("North East Lincolnshire").ons_code == "E06000012"
    assert council_for_cqc_name("Atlantis") is None
