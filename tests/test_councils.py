import csv
import datetime as dt

import pandas as pd
import pytest

from carequality.councils import (
    all_councils,
    any_council_by_code,
    council_by_code,
    council_for_cqc_name,
    council_period_problem,
    councils_ever,
    covering_successors,
    find_council,
    former_councils,
)
from carequality.errors import ParamsError
from carequality.model.build import area_mask
from carequality.params import parse_params


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


# ---- councils over time -------------------------------------------------------------------------------------

def _society(shared_data) -> dict[str, dict]:
    with open(shared_data / "reference" / "la_codes" / "mysociety_uk_local_authorities.csv", encoding="utf-8-sig",
              newline="") as f:
        return {r["gss-code"]: r for r in csv.DictReader(f)}


def test_the_table_is_what_the_build_script_makes_of_the_lookups(shared_data):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_councils", ROOT / "scripts" / "build_councils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(module.OUT, encoding="utf-8", newline="") as f:
        assert list(csv.DictReader(f)) == module.build(shared_data)


@pytest.mark.parametrize("old, successors, last_day", [
    ("E10000027", ["E06000066"], "2023-03-31"),               # Somerset
    ("E10000006", ["E06000063", "E06000064"], "2023-03-31"),  # Cumbria → Cumberland, Westmorland and Furness
    ("E10000023", ["E06000065"], "2023-03-31"),               # North Yorkshire
    ("E10000021", ["E06000061", "E06000062"], "2021-03-31"),  # Northamptonshire → North, West Northamptonshire
    ("E06000028", ["E06000058"], "2019-03-31"),               # Bournemouth → Bournemouth, Christchurch and Poole
    ("E06000029", ["E06000058"], "2019-03-31"),               # Poole
    ("E10000009", ["E06000059", "E06000058"], "2019-03-31"),  # Dorset (Christchurch went to BCP)
])
def test_replaced_councils_and_their_last_day(old, successors, last_day):
    c = any_council_by_code(old)
    assert (list(c.replaced_by), c.end) == (successors, dt.date.fromisoformat(last_day))
    for s in successors:
        assert any_council_by_code(s).start == dt.date.fromisoformat(last_day) + dt.timedelta(days=1)


def test_validity_dates_agree_with_the_mysociety_register(shared_data):
    society = _society(shared_data)
    registry = {r["local-authority-code"]: code for code, r in society.items()}
    for c in former_councils():
        r = society[c.ons_code]
        assert {registry[x] for x in r["replaced-by"].split(",")} <= set(c.replaced_by)
        # mySociety writes the last day (2019-03-31) or the successor's first day (2023-04-01) as end-date.
        assert r["end-date"] in (c.end.isoformat(), (c.end + dt.timedelta(days=1)).isoformat())
        for s in c.replaced_by:
            assert society[s]["start-date"] == (c.end + dt.timedelta(days=1)).isoformat()
    assert len(councils_ever()) == 153 + len(former_councils()) and len(former_councils()) == 8


def test_a_cqc_name_means_the_council_of_its_day():
    assert council_for_cqc_name("Somerset", at=dt.date(2023, 3, 31)).ons_code == "E10000027"
    assert council_for_cqc_name("Somerset", at=dt.date(2023, 4, 1)).ons_code == "E06000066"
    assert council_for_cqc_name("Somerset").ons_code == "E06000066"  # no date: today's councils
    assert council_for_cqc_name("Northamptonshire", at=dt.date(2020, 6, 1)).ons_code == "E10000021"
    assert council_for_cqc_name("Northamptonshire", at=dt.date(2022, 6, 1)) is None
    assert council_for_cqc_name("Bournemouth", at=dt.date(2018, 6, 1)).ons_code == "E06000028"
    assert council_for_cqc_name("Bournemouth, Christchurch and Poole", at=dt.date(2018, 6, 1)) is None


def test_successors_that_cover_a_replaced_councils_area():
    assert [c.ons_code for c in covering_successors(any_council_by_code("E10000006"))] == ["E06000063", "E06000064"]
    assert covering_successors(any_council_by_code("E06000028")) == ()  # merged with Poole and Christchurch
    assert covering_successors(any_council_by_code("E10000009")) == ()  # Christchurch left Dorset


def test_a_council_must_exist_for_the_whole_period():
    old, new = any_council_by_code("E10000027"), any_council_by_code("E06000066")
    assert council_period_problem(old, dt.date(2022, 4, 1), dt.date(2023, 3, 31)) is None
    assert "was replaced on 2023-04-01 by E06000066 (Somerset)" in council_period_problem(
        old, dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert "for a period before then use the council of that time: E10000027 (Somerset)" in council_period_problem(
        new, dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert council_period_problem(any_council_by_code("E08000004"), dt.date(2010, 1, 1), dt.date(2030, 1, 1)) is None


def _params(tmp_path, code: str, name: str, start: str, end: str):
    (tmp_path / "r.csv").write_text("x")
    return parse_params({"council": {"code": code, "name": name}, "period": {"start": start, "end": end},
                         "inputs": {"cqc_ratings": "r.csv"}}, source="p.yaml", base_dir=tmp_path)


def test_params_accept_the_council_of_the_period(tmp_path):
    p = _params(tmp_path, "E10000027", "Somerset County Council", "2022-04-01", "2023-03-31")
    assert p.council.council.ons_code == "E10000027" and p.council.council.end == dt.date(2023, 3, 31)
    assert _params(tmp_path, "E06000066", "Somerset", "2023-04-01", "2024-03-31").council.code == "E06000066"


@pytest.mark.parametrize("code, name, start, end, message", [
    ("E10000027", "Somerset", "2023-04-01", "2024-03-31", "E10000027 (Somerset) was replaced on 2023-04-01 by E06000066"),
    ("E06000066", "Somerset", "2022-04-01", "2023-03-31", "use the council of that time: E10000027 (Somerset)"),
    ("E06000063", "Cumberland", "2022-04-01", "2023-03-31", "use the council of that time: E10000006 (Cumbria)"),
    ("E06000058", "Bournemouth, Christchurch and Poole", "2018-04-01", "2019-03-31",
     "use the council of that time: E06000028 (Bournemouth), E06000029 (Poole) or E10000009 (Dorset)"),
])
def test_params_reject_a_council_that_did_not_exist_for_the_whole_period(tmp_path, code, name, start, end, message):
    with pytest.raises(ParamsError) as e:
        _params(tmp_path, code, name, start, end)
    assert message in str(e.value) and "council.code" in str(e.value)


def test_old_cqc_names_map_to_the_council_of_the_period(tmp_path):
    names = pd.Series(["Somerset", "Cumbria", "Cumberland", "Westmorland and Furness", "Oldham"])
    somerset = _params(tmp_path, "E10000027", "Somerset", "2022-04-01", "2023-03-31")
    assert names[area_mask(names, somerset)].tolist() == ["Somerset"]
    cumbria = _params(tmp_path, "E10000006", "Cumbria", "2022-04-01", "2023-03-31")
    # Newer CQC data name Cumbria's services by its two successors, which cover its area exactly.
    assert names[area_mask(names, cumbria)].tolist() == ["Cumbria", "Cumberland", "Westmorland and Furness"]
    cumberland = _params(tmp_path, "E06000063", "Cumberland", "2023-04-01", "2024-03-31")
    assert names[area_mask(names, cumberland)].tolist() == ["Cumberland"]
