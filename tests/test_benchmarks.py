"""Benchmarks (benchmarks.py, sources/area_counts.py, sources/neighbours.py, params): small frames built here,
broken copies of files, and series recomputed independently from the real Lincolnshire and Oldham data."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import pandas as pd
import pytest

from carequality.measures import compare as bm
from carequality.sources import area_counts
from carequality import areas
from carequality import vocab
from carequality.councils import all_councils, council_by_code
from carequality.errors import InputError, ParamsError
from carequality.sources.frames import History, normalise_locations, normalise_outcomes
from carequality.params import parse_params
from carequality.sources.area_counts import load_area_counts, write_area_counts
from carequality.sources.neighbours import load_comparator_list

from conftest import LINCOLNSHIRE_CSV, OLDHAM_API, ROOT

RES, COM = vocab.RESIDENTIAL, vocab.COMMUNITY
YORK = council_by_code("E06000014")
LEEDS = council_by_code("E08000035")


def loc(location_id, la="York", category=RES, registered=None, deregistered=None, status=None):
    return {"location_id": location_id, "category": category, "local_authority": la, "region": "",
            "registration_date": registered, "deregistration_date": deregistered,
            "registration_status": status or ("Deregistered" if deregistered else "Registered"),
            "location_type": "Social Care Org", "dates_source": "api"}


def out(location_id, date, rating, inherited=False, kq="Overall"):
    return {"location_id": location_id, "report_date": date, "key_question": kq, "rating": rating, "source": "api",
            "inherited": inherited}


def history(locations, outcomes) -> History:
    o = pd.DataFrame(outcomes, columns=["location_id", "report_date", "key_question", "rating", "source", "inherited"])
    return History(outcomes_by_location_date_key_question=normalise_outcomes(o),
                   locations_all=normalise_locations(pd.DataFrame(locations)))


def row(counts: pd.DataFrame, month: str, code: str, category: str) -> dict:
    hit = counts[(counts["month"] == month) & (counts["area_code"] == code) & (counts["category"] == category)]
    assert len(hit) <= 1
    return hit.iloc[0].to_dict() if len(hit) else None


# ---- counts from a history --------------------------------------------------------------------------------
def test_active_locations_and_their_latest_rating_at_each_month_end():
    h = history(
        [loc("a", registered="2020-01-01"),
         loc("b", registered="2024-02-10"),  # registers in February: counted from the February month end
         loc("c", registered="2019-01-01", deregistered="2024-02-29"),  # closes on the February month end: gone
         loc("d", category=COM, registered="2019-01-01"),
         loc("e", la="Leeds", registered="2019-01-01")],  # a neighbour's location: this history says nothing of Leeds
        [out("a", "2021-05-01", "Requires improvement"), out("a", "2024-02-15", "Good"),
         out("c", "2020-01-01", "Good"), out("d", "2023-01-01", "Outstanding"), out("e", "2020-01-01", "Good")],
    )
    counts = bm.counts_from_history(h, ["2024-01", "2024-02", "2024-03"], council=YORK.ons_code, covered_to="2024-03-31")
    jan, feb = row(counts, "2024-01", YORK.ons_code, RES), row(counts, "2024-02", YORK.ons_code, RES)
    assert (jan["good"], jan["requires_improvement"], jan["not_graded"], jan["active"]) == (1, 1, 0, 2)  # a (RI), c (Good)
    assert (feb["good"], feb["requires_improvement"], feb["not_graded"], feb["active"]) == (1, 0, 1, 2)  # a (Good), b
    assert row(counts, "2024-02", YORK.ons_code, COM)["outstanding"] == 1
    assert set(counts["area_code"]) == {YORK.ons_code}  # no Leeds, no region, no England: not covered
    assert counts["date"].max() == pd.Timestamp("2024-03-31")


def test_inspected_but_not_rated_does_not_replace_an_earlier_rating():
    h = history([loc("a", registered="2015-01-01"), loc("b", registered="2015-01-01")],
                [out("a", "2018-06-14", "Good"), out("a", "2021-04-07", "Inspected but not rated"),
                 out("b", "2022-01-01", "Inspected but not rated")])
    r = row(bm.counts_from_history(h, ["2024-01"], council=YORK.ons_code, covered_to="2024-01-31"), "2024-01",
            YORK.ons_code, RES)
    assert (r["good"], r["not_graded"], r["active"]) == (1, 1, 2)


def test_inherited_ratings_count_by_default_and_not_when_params_say_so():
    h = history([loc("new", registered="2023-06-01"), loc("moved", registered="2023-06-01")],
                [out("new", "2021-09-07", "Requires improvement"),  # published before registration: the predecessor's
                 out("moved", "2023-01-01", "Good", inherited=True)])  # a monthly file's inherited flag
    with_ = row(bm.counts_from_history(h, ["2024-01"], council=YORK.ons_code, covered_to="2024-01-31"),
                "2024-01", YORK.ons_code, RES)
    without = row(bm.counts_from_history(h, ["2024-01"], council=YORK.ons_code, include_inherited=False,
                                         covered_to="2024-01-31"), "2024-01", YORK.ons_code, RES)
    assert (with_["good"], with_["requires_improvement"], with_["not_graded"]) == (1, 1, 0)
    assert (without["good"], without["requires_improvement"], without["not_graded"], without["active"]) == (0, 0, 2, 2)


def test_months_outside_the_inputs_are_missing_and_a_month_cut_short_describes_the_last_day():
    h = history([loc("a", registered="2015-01-01")], [out("a", "2020-01-01", "Good")])
    counts = bm.counts_from_history(h, ["2023-12", "2024-01", "2024-02", "2024-03"], council=YORK.ons_code,
                                    covered_from="2024-01-15", covered_to="2024-02-20")
    assert sorted(set(counts["month"])) == ["2024-01", "2024-02"]
    assert row(counts, "2024-02", YORK.ons_code, RES)["date"] == pd.Timestamp("2024-02-20")
    trend = bm.trend_good_outstanding(counts, council=YORK, peers=None, months=["2023-12", "2024-01", "2024-02", "2024-03"])
    york = trend[(trend["area_type"] == areas.COUNCIL) & (trend["category"] == RES)].set_index("month")
    assert york.loc["2024-01", "percent"] == 100.0
    assert pd.isna(york.loc["2023-12", "percent"]) and pd.isna(york.loc["2024-03", "rated"])
    assert york.loc["2024-03", "note"] == bm.NOT_COVERED
    # A covered council without a location of a category: zeros, and no share (not 0%).
    com = trend[(trend["area_type"] == areas.COUNCIL) & (trend["category"] == COM)].set_index("month")
    assert com.loc["2024-01", "active"] == 0 and pd.isna(com.loc["2024-01", "percent"])


def test_a_national_history_covers_every_council_region_and_england():
    locs, outs = [], []
    for i, c in enumerate(all_councils()):
        locs.append(loc(f"L{i}", la=c.name, registered="2015-01-01"))
        outs.append(out(f"L{i}", "2020-01-01", "Good" if i % 4 else "Inadequate"))
    locs.append(loc("X", la="Nowhere Borough", registered="2015-01-01"))  # not one of the 153
    outs.append(out("X", "2020-01-01", "Outstanding"))
    h = history(locs, outs)
    assert bm.counts_from_history(h, ["2024-01"], council=YORK.ons_code).empty  # the history ends in 2020
    counts = bm.counts_from_history(h, ["2024-01"], council=YORK.ons_code, covered_to="2024-01-31")
    assert counts["area_code"].nunique() == 153 + 9 + 1
    england = row(counts, "2024-01", areas.ENGLAND_CODE, RES)
    assert england["active"] == 154 and england["outstanding"] == 1  # the unmapped location counts in England only
    assert england["inadequate"] == sum(1 for i in range(153) if i % 4 == 0)
    yh = row(counts, "2024-01", areas.REGION_CODES["Yorkshire and The Humber"], RES)
    assert yh["active"] == sum(1 for c in all_councils() if c.region == "Yorkshire and The Humber")
    assert bm.unmapped_local_authorities(h).to_dict("records") == [{"local_authority": "Nowhere Borough", "locations": 1}]


# ---- tables -------------------------------------------------------------------------------------------------
def counts_frame(rows: list[tuple]) -> pd.DataFrame:
    """(month, code, category, outstanding, good, ri, inadequate, not_graded) → a counts frame."""
    out_rows = []
    for month, code, cat, o, g, r, i, n in rows:
        out_rows.append({"month": month, "date": pd.Period(month, "M").end_time.normalize(),
                         "area_type": areas.area_type_of(code), "area_code": code, "area_name": _name(code),
                         "category": cat,
                         "outstanding": o, "good": g, "requires_improvement": r, "inadequate": i, "not_graded": n,
                         "active": o + g + r + i + n, "source": "test"})
    return area_counts.as_counts_frame(out_rows)


def _name(code: str) -> str:
    if code == areas.ENGLAND_CODE:
        return areas.ENGLAND_NAME
    return areas.REGION_NAMES.get(code) or council_by_code(code).short_name


PEERS = areas.peer_group("test peers", ["E08000035", "E08000036"], council=YORK.ons_code, source="test")


def test_trend_pools_peer_councils_and_is_missing_when_a_peer_is_not_covered():
    counts = counts_frame([
        ("2024-01", YORK.ons_code, RES, 1, 7, 2, 0, 3),
        ("2024-01", "E08000035", RES, 0, 30, 10, 0, 1),
        ("2024-01", "E08000036", RES, 2, 8, 0, 0, 0),
        ("2024-02", YORK.ons_code, RES, 1, 8, 1, 0, 0),
        ("2024-02", "E08000035", RES, 0, 31, 9, 0, 0),
        ("2024-01", areas.ENGLAND_CODE, RES, 100, 700, 180, 20, 50),
    ])
    trend = bm.trend_good_outstanding(counts, council=YORK, peers=PEERS, months=["2024-01", "2024-02"])
    assert len(trend) == 2 * 4 * 2  # months × (council, region, peers, England) × categories
    get = trend.set_index(["month", "area_type", "category"])
    york = get.loc[("2024-01", areas.COUNCIL, RES)]
    assert (york["good_or_outstanding"], york["rated"], york["active"], york["percent"]) == (8, 10, 13, 80.0)
    peers = get.loc[("2024-01", areas.PEERS, RES)]
    assert (peers["good_or_outstanding"], peers["rated"], peers["percent"]) == (40, 50, 80.0)
    feb = get.loc[("2024-02", areas.PEERS, RES)]
    assert pd.isna(feb["percent"]) and "1 of 2 peer councils" in feb["note"] and "Wakefield" in feb["note"]
    assert get.loc[("2024-01", areas.ENGLAND, RES), "percent"] == 80.0
    assert pd.isna(get.loc[("2024-02", areas.ENGLAND, RES), "percent"])  # missing, never zero
    assert pd.isna(get.loc[("2024-01", areas.REGION, RES), "rated"])


def test_distribution_and_change_since_baseline():
    counts = counts_frame([
        ("2024-01", YORK.ons_code, RES, 3, 80, 18, 0, 2),
        ("2024-06", YORK.ons_code, RES, 1, 59, 25, 5, 1),
        ("2024-01", areas.ENGLAND_CODE, COM, 10, 80, 9, 1, 0),
        ("2024-06", areas.ENGLAND_CODE, COM, 10, 75, 14, 1, 0),
    ])
    dist = bm.rating_distribution_comparison(counts, council=YORK, peers=None, month="2024-06").set_index(
        ["area_type", "category"])
    york = dist.loc[(areas.COUNCIL, RES)]
    assert (york["rated"], york["active"]) == (90, 91)
    assert (york["percent_outstanding"], york["percent_good"], york["percent_requires_improvement"],
            york["percent_inadequate"], york["percent_good_or_outstanding"]) == (1.1, 65.6, 27.8, 5.6, 66.7)
    assert pd.isna(dist.loc[(areas.ENGLAND, RES), "rated"]) and dist.loc[(areas.ENGLAND, RES), "note"] == bm.NOT_COVERED
    change = bm.change_since_baseline(counts, council=YORK, peers=None, baseline_month="2024-01",
                                      month="2024-06").set_index(["area_type", "category"])
    c = change.loc[(areas.COUNCIL, RES)]
    assert (c["baseline_percent"], c["percent"]) == (82.2, 66.7)
    assert c["change_points"] == round(100 * (60 / 90 - 83 / 101), 1) == -15.5
    assert change.loc[(areas.ENGLAND, COM), "change_points"] == -5.0
    assert pd.isna(change.loc[(areas.COUNCIL, COM), "change_points"])


def test_combine_counts_keeps_the_first_source_for_a_month_area_and_category():
    a = counts_frame([("2024-01", YORK.ons_code, RES, 1, 1, 1, 1, 1)]).assign(source="history")
    b = counts_frame([("2024-01", YORK.ons_code, RES, 9, 9, 9, 9, 9), ("2024-02", YORK.ons_code, RES, 2, 2, 2, 2, 2)])
    both = bm.combine_counts(a, b)
    assert len(both) == 2 and row(both, "2024-01", YORK.ons_code, RES)["good"] == 1


def test_external_comparison_averages_peers_only_when_all_have_a_value():
    s = pd.DataFrame({
        "area_code": ["E06000014", "E08000035", "E08000036", "E92000001", "E06000014", "E08000035", "E08000036"],
        "month": ["2024-01"] * 4 + ["2024-02"] * 3,
        "indicator": ["x"] * 7,
        "value": [80.0, 70.0, 75.0, 78.0, 81.0, 71.0, float("nan")],
    })
    comp = bm.external_comparison(s, indicator="x", council=YORK, peers=PEERS).set_index(["month", "area_type"])
    assert comp.loc[("2024-01", areas.PEERS), "value"] == 72.5
    assert pd.isna(comp.loc[("2024-02", areas.PEERS), "value"]) and "Wakefield" in comp.loc[("2024-02", areas.PEERS), "note"]
    assert comp.loc[("2024-01", areas.ENGLAND), "value"] == 78.0
    assert pd.isna(comp.loc[("2024-02", areas.ENGLAND), "value"])
    assert areas.REGION not in set(comp.index.get_level_values("area_type"))  # the series has no region


def test_peer_group_leaves_out_the_council_itself_and_says_so():
    g = areas.peer_group("p", ["E06000014", "E08000035"], council="E06000014", source="file.csv")
    assert g.codes == ("E08000035",) and "York itself" in g.notes[0]
    with pytest.raises(ValueError, match="no councils other than"):
        areas.peer_group("p", ["E06000014"], council="E06000014", source="f")


# ---- params -------------------------------------------------------------------------------------------------
def params(tmp_path, **options):
    f = tmp_path / "r.csv"
    f.write_text("x")
    data = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "r.csv"}, "options": options}
    inputs = options.pop("inputs", {})
    for k, v in inputs.items():
        (tmp_path / v).write_text("x")
        data["inputs"][k] = v
    return parse_params(data, source=tmp_path / "p.yaml", base_dir=tmp_path)


def test_params_peer_group_codes_are_validated(tmp_path):
    p = params(tmp_path, peer_group_name="peers", peer_group_codes=["e08000035", "E08000036"])
    assert p.options.peer_group_codes == ("E08000035", "E08000036")
    with pytest.raises(ParamsError) as e:
        params(tmp_path, peer_group_name="peers", peer_group_codes=["E08000035", "E99999999", "E08000035", "E06000014"])
    text = str(e.value)
    assert "'E99999999' not the ONS code or name of one of the 153" in text
    assert "listed more than once: E08000035" in text
    assert "E06000014 is the council itself" in text
    with pytest.raises(ParamsError, match="peer_group_name: required"):
        params(tmp_path, peer_group_codes=["E08000035"])
    with pytest.raises(ParamsError, match="no peer group is"):
        params(tmp_path, peer_group_name="peers")
    with pytest.raises(ParamsError, match="both given"):
        params(tmp_path, peer_group_name="p", peer_group_codes=["E08000035"], inputs={"peer_group": "peers.csv"})
    with pytest.raises(ParamsError, match="trend_from 2026-03-31 is not before"):
        params(tmp_path, trend_from="2026-03-31")


def test_params_default_trend_start_and_sections(tmp_path):
    p = params(tmp_path, inputs={"area_ratings_by_month": "counts.csv"})
    assert p.trend_from == dt.date(2024, 4, 1)
    assert "benchmarks" in p.sections and "benchmarks_method" in p.sections and "external_benchmarks" not in p.sections


def test_a_report_of_an_external_series_alone_needs_no_cqc_input(tmp_path):
    (tmp_path / "lg.csv").write_text("x")
    p = parse_params({"council": {"code": "E08000009", "name": "Trafford"},
                      "period": {"start": "2025-04-01", "end": "2026-03-31"},
                      "inputs": {"external_benchmark": "lg.csv"}}, source=tmp_path / "p.yaml", base_dir=tmp_path)
    assert p.sections == ("external_benchmarks", "benchmarks_method")
    with pytest.raises(ParamsError, match="cqc_ratings: required"):
        parse_params({"council": {"code": "E08000009", "name": "Trafford"},
                      "period": {"start": "2025-04-01", "end": "2026-03-31"}, "inputs": {}},
                     source=tmp_path / "p.yaml", base_dir=tmp_path)


def test_trafford_params_load_the_real_series_and_peer_group(shared_data):
    from carequality.model.build import build_model
    from carequality.params import load_params

    p = load_params(ROOT / "params" / "trafford" / "2025-26.yaml")
    m = build_model(p)
    assert len(m.locations) == 0 and m.as_of is None
    assert m.peer_group.codes == load_comparator_list(shared_data / "reference" / "neighbours" / "trafford_nhsennpg.csv")
    assert len(m.external_series.frame) == 510


# ---- comparator lists ---------------------------------------------------------------------------------------
def test_real_comparator_lists_load(shared_data):
    folder = shared_data / "reference" / "neighbours"
    codes = load_comparator_list(folder / "trafford_nhsennpg.csv")
    with open(folder / "trafford_nhsennpg.csv", encoding="utf-8-sig") as f:
        assert codes == tuple(r["area_code"] for r in csv.DictReader(f))
    assert len(codes) == 15 and "E08000009" not in codes
    assert len(load_comparator_list(folder / "trafford_cipfa2021.csv")) == 15


@pytest.mark.parametrize("text, message, row, column", [
    ("area_code,area_name\nE08000002,Bury\nE07000001,Somewhere\n", "'E07000001' is not the ONS code", 3, "area_code"),
    ("area_code,area_name\nE08000002,Stockport\n", "name 'Stockport' does not match ONS code E08000002", 2, "area_name"),
    ("area_code,area_name\nE08000002,Bury\nE08000002,Bury\n", "also on row 2", 3, "area_code"),
    ("code_of_area,name\nE08000002,Bury\n", "no column of ONS codes", None, None),
    ("area_code,area_name\n", "names no councils", None, None),
])
def test_broken_comparator_lists_name_row_and_column(tmp_path, text, message, row, column):
    f = tmp_path / "peers.csv"
    f.write_text(text)
    with pytest.raises(InputError) as e:
        load_comparator_list(f)
    assert message in e.value.message and (e.value.row, e.value.column) == (row, column)


# ---- the counts file ----------------------------------------------------------------------------------------
HEADER = "date,area_code,area_name,category,outstanding,good,requires_improvement,inadequate,not_graded,active,source\n"


def test_counts_file_round_trip(tmp_path):
    counts = counts_frame([("2024-01", YORK.ons_code, RES, 1, 2, 3, 4, 5), ("2024-01", areas.ENGLAND_CODE, COM, 0, 9, 0, 0, 1)])
    path = write_area_counts(counts, tmp_path / "c.csv")
    back = load_area_counts(path)
    pd.testing.assert_frame_equal(back.drop(columns="source"), counts.sort_values(["month", "area_code", "category"])
                                  .reset_index(drop=True).drop(columns="source"))
    assert set(back["source"]) == {"test"}


@pytest.mark.parametrize("line, message, column", [
    ("2024-13-31,E06000014,York,Residential social care,1,2,3,4,5,15,", "not a date", "date"),
    ("31/01/2024,E06000014,York,Residential social care,1,2,3,4,5,15,", "not a date", "date"),
    ("2024-01-31,E07000001,Somewhere,Residential social care,1,2,3,4,5,15,", "not England", "area_code"),
    ("2024-01-31,E06000014,Leeds,Residential social care,1,2,3,4,5,15,", "does not match area code", "area_name"),
    ("2024-01-31,E06000014,York,Hospice services,1,2,3,4,5,15,", "not an adult social care", "category"),
    ("2024-01-31,E06000014,York,Residential social care,1,-2,3,4,5,11,", "not a count", "good"),
    ("2024-01-31,E06000014,York,Residential social care,1,2,3,4,5,14,", "add up to 15", "active"),
    ("2024-01-30,E06000014,York,Residential social care,0,0,0,0,0,0,", "also on row 2", "date"),
])
def test_broken_counts_files_name_row_and_column(tmp_path, line, message, column):
    f = tmp_path / "c.csv"
    f.write_text(HEADER + "2024-01-31,E06000014,York,Residential social care,0,0,0,0,0,0,\n" + line + "\n")
    with pytest.raises(InputError) as e:
        load_area_counts(f)
    assert message in e.value.message and e.value.row == 3 and e.value.column == column


def test_example_counts_file_is_england_regions_and_every_council_for_every_month():
    counts = load_area_counts(ROOT / "data" / "example" / "area_ratings_by_month_example.csv")
    assert counts.groupby("month")["area_code"].nunique().eq(163).all()
    assert len(set(counts["month"])) == 24
    # England is the sum of the councils (every generated location is in one of them).
    sums = counts[counts["area_type"] == areas.COUNCIL].groupby(["month", "category"])[list(area_counts.COUNTS)].sum()
    england = counts[counts["area_type"] == areas.ENGLAND].set_index(["month", "category"])[list(area_counts.COUNTS)]
    pd.testing.assert_frame_equal(sums.sort_index(), england.sort_index())
    assert (ROOT / "data" / "example" / "area_ratings_by_month_example.csv").stat().st_size < 1_000_000


# ---- real data, recomputed independently -------------------------------------------------------------------
def test_lincolnshire_counts_equal_an_independent_count_of_the_raw_file(shared_data):
    from carequality.sources.ratings_file import load_ratings_file

    ratings = load_ratings_file(LINCOLNSHIRE_CSV)
    lincs = council_by_code("E10000019")
    ours = bm.counts_from_locations(ratings.locations, council=lincs, date=ratings.as_of)

    # Independent: the raw rows, location-level ("Overall" service group) overall rating per location.
    overall, category, groups = {}, {}, {}
    with open(LINCOLNSHIRE_CSV, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["Location Type"] != "Social Care Org":
                continue
            lid = r["Location ID"]
            category[lid] = r["Location Primary Inspection Category"]
            groups.setdefault(lid, set()).add(r["Service / Population Group"])
            if r["Domain"] == "Overall" and r["Service / Population Group"] == "Overall":
                overall[lid] = r["Latest Rating"]
            elif r["Domain"] == "Overall":
                groups.setdefault(lid + "#", []).append(r["Latest Rating"])
    for lid in category:  # rated only for one service group: that group's overall rating (as CQC's own file does)
        if lid not in overall and len(groups[lid]) == 1 and groups.get(lid + "#"):
            overall[lid] = groups[lid + "#"][0]
    expected = {}
    for cat in vocab.CATEGORIES:
        c = Counter(overall.get(lid, "").strip().lower() for lid, k in category.items() if k == cat)
        n = sum(1 for k in category.values() if k == cat)
        expected[cat] = {"outstanding": c["outstanding"], "good": c["good"],
                         "requires_improvement": c["requires improvement"], "inadequate": c["inadequate"], "active": n}
    for cat in vocab.CATEGORIES:
        r = row(ours, str(ratings.as_of.to_period("M")), lincs.ons_code, cat)
        assert {k: r[k] for k in expected[cat]} == expected[cat]
        assert r["not_graded"] == expected[cat]["active"] - sum(expected[cat][k] for k in vocab.GRADED_COLUMNS.values())
    assert expected[vocab.RESIDENTIAL]["active"] > 200  # the real file, not an empty match


def _oldham_independent(month_ends: list[dt.date], include_inherited: bool = True) -> dict:
    """Per month end and category: (Good or Outstanding, rated, active) from the raw API JSON, with plain loops."""
    weak = {"inspected but not rated", "no published rating"}
    locations = []
    for f in sorted((OLDHAM_API / "location_details").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("type") != "Social Care Org":
            continue
        cats = [c["name"] for c in d.get("inspectionCategories", []) if str(c.get("primary")).lower() == "true"]
        if not cats or cats[0] not in vocab.CATEGORIES:
            continue
        reg = dt.date.fromisoformat(d["registrationDate"]) if d.get("registrationDate") else None
        dereg = dt.date.fromisoformat(d["deregistrationDate"]) if d.get("deregistrationDate") else None
        gone_undated = d.get("registrationStatus") == "Deregistered" and dereg is None
        ratings = {}  # report date → overall rating (the first seen for a date wins, current first)
        cur = d.get("currentRatings", {}).get("overall", {})
        if cur.get("rating") and (cur.get("reportDate") or d["currentRatings"].get("reportDate")):
            day = dt.date.fromisoformat((cur.get("reportDate") or d["currentRatings"]["reportDate"])[:10])
            ratings.setdefault(day, cur["rating"])
        for h in d.get("historicRatings", []):
            if h.get("overall", {}).get("rating") and h.get("reportDate"):
                ratings.setdefault(dt.date.fromisoformat(h["reportDate"][:10]), h["overall"]["rating"])
        for a in d.get("assessment", []):
            groups = a.get("ratings", {}).get("asgRatings", [])
            if len(groups) == 1 and groups[0].get("rating"):
                ratings.setdefault(dt.date.fromisoformat(a["assessmentPlanPublishedDateTime"][:10]), groups[0]["rating"])
        if not include_inherited and reg is not None:
            ratings = {k: v for k, v in ratings.items() if k >= reg}
        locations.append((cats[0], reg, dereg, gone_undated, ratings))
    result = {}
    for end in month_ends:
        for cat in vocab.CATEGORIES:
            go = rated = active = 0
            for c, reg, dereg, gone, ratings in locations:
                if c != cat or gone or (reg and reg > end) or (dereg and dereg <= end):
                    continue
                active += 1
                known = sorted((day, r) for day, r in ratings.items() if day <= end)
                strong = [r for _, r in known if r.lower() not in weak]
                latest = (strong or [r for _, r in known] or [""])[-1].lower()
                if latest in ("outstanding", "good", "requires improvement", "inadequate"):
                    rated += 1
                    go += latest in ("outstanding", "good")
            result[(end, cat)] = (go, rated, active)
    return result


@pytest.mark.parametrize("include_inherited", [True, False])
def test_oldham_monthly_series_equals_an_independent_computation_from_the_raw_json(shared_data, include_inherited):
    from carequality.sources.cqc_api import load_api_folder

    h = load_api_folder(OLDHAM_API).history
    oldham = council_by_code("E08000004")
    months = bm.months_between("2021-01-01", "2025-02-28")
    counts = bm.counts_from_history(h, months, council=oldham.ons_code, include_inherited=include_inherited)
    trend = bm.trend_good_outstanding(counts, council=oldham, peers=None, months=months)
    ours = trend[trend["area_type"] == areas.COUNCIL]
    ends = [pd.Period(m, "M").end_time.date() for m in months]
    expected = _oldham_independent(ends, include_inherited)
    for r in ours.itertuples():
        end = pd.Period(r.month, "M").end_time.date()
        assert (r.good_or_outstanding, r.rated, r.active) == expected[(end, r.category)], (r.month, r.category)
    assert ours["rated"].min() > 20  # real locations, not an empty match
    assert trend.loc[trend["area_type"] == areas.ENGLAND, "percent"].isna().all()  # Oldham's fetch says nothing of England


# ---- the sections -------------------------------------------------------------------------------------------
def test_benchmarks_section_states_the_tables_numbers_and_names_the_peer_group(tmp_path):
    from carequality.model.build import Model
    from carequality.sections import compare

    p = params(tmp_path, peer_group_name="test peers", peer_group_codes=["E08000035", "E08000036"],
               inputs={"area_ratings_by_month": "counts.csv"})
    months = bm.months_between(p.trend_from, p.period.end)  # Apr 2024 … Mar 2026
    rows = []
    for m in months:
        rows += [(m, YORK.ons_code, RES, 3, 80, 18, 0, 2), (m, "E08000035", RES, 0, 30, 10, 0, 1),
                 (m, areas.ENGLAND_CODE, RES, 100, 700, 180, 20, 50)]
        if m >= "2025-01":
            rows.append((m, "E08000036", RES, 2, 8, 0, 0, 0))
    rows[-4] = ("2026-03", YORK.ons_code, RES, 1, 59, 25, 5, 1)
    empty = pd.DataFrame()
    model = Model(council_names=("York",), locations=empty, ratings_by_location_key_question=empty,
                  service_groups_by_location=empty, data_quality=empty, excluded_by_location_type=empty, inputs=[],
                  as_of=None, area_counts=counts_frame(rows),
                  peer_group=areas.peer_group("test peers", ["E08000035", "E08000036"], council=YORK.ons_code,
                                           source="params (options.peer_group_codes)"))
    s = compare.benchmarks(model, p)
    assert [t.id for t in s.tables] == ["trend_good_outstanding", "rating_distribution_comparison",
                                        "change_since_baseline"]
    assert [f.id for f in s.figures] == ["trend_good_outstanding", "rating_distribution_comparison",
                                         "change_since_baseline"]
    text = " ".join(s.sentences)
    # Now (March 2026): York 60 of 90 = 66.7%; England 800 / 1,000 = 80%; peers 40 / 50 = 80%.
    assert "60 of 90 (66.7%) of York's care homes with a rating were Good or Outstanding" in text
    assert "against 800 of 1,000 (80.0%) in England and 40 of 50 (80.0%) in the peer group" in text
    # Baseline: the last month end on or before the period start, March 2025: 83 of 101 = 82.2%.
    assert "Good 80, now 59" in text and "Inadequate 0, now 5" in text
    assert "down 15.5 percentage points" in text
    assert "The peer group is the test peers (2 councils: Leeds, Wakefield)" in text
    assert "shown as missing" in text  # peers before 2025, the region and community services throughout
    trend = s.table("trend_good_outstanding").frame
    assert len(trend) == 24 * 3 * 2  # the region is covered in no month: left out, said once
    assert "do not cover Yorkshire and The Humber, so York is shown without it" in text
    assert "Yorkshire and The Humber" not in set(trend["Area"])
    peers_2024 = trend[(trend["Area"] == "Peer group") & trend["Month"].str.endswith("2024") & (trend["Category"] == RES)]
    assert peers_2024["% Good or Outstanding"].isna().all()
    assert (peers_2024["Note"].str.contains("1 of 2 peer councils")).all()
    method = " ".join(compare.benchmarks_method(model, p).sentences)
    assert "Ratings a service inherited from its previous provider are counted" in method
    assert "options." not in method


def test_benchmarks_section_without_coverage_says_so(tmp_path):
    from carequality.model.build import Model
    from carequality.sections import compare

    p = params(tmp_path, inputs={"area_ratings_by_month": "counts.csv"})
    empty = pd.DataFrame()
    model = Model(council_names=(), locations=empty, ratings_by_location_key_question=empty,
                  service_groups_by_location=empty, data_quality=empty, excluded_by_location_type=empty, inputs=[],
                  as_of=None, area_counts=counts_frame([("2024-05", areas.ENGLAND_CODE, RES, 1, 1, 1, 1, 1)]))
    s = compare.benchmarks(model, p)
    assert s.tables == [] and s.figures == []
    assert s.sentences == ["The data used here do not cover York in any month from April 2024 to March 2026, so there is no "
                            "comparison to show."]


def test_example_counts_file_is_what_the_generator_makes_from_the_example_history():
    from carequality.examples.national import national_counts
    from carequality.sources.cqc_api import load_api_folder

    york = load_api_folder(ROOT / "data" / "example" / "cqc_api").history
    committed = load_area_counts(ROOT / "data" / "example" / "area_ratings_by_month_example.csv")
    fresh = national_counts(york).sort_values(["month", "area_code", "category"]).reset_index(drop=True)
    assert len(fresh) == len(committed), "run `carequality example` to regenerate data/example"
    pd.testing.assert_frame_equal(fresh.drop(columns="source"), committed.drop(columns="source"))
    # York's rows are its own history's: the example report's York figures agree whichever input gives them.
    mine = bm.counts_from_history(york, sorted(set(committed["month"])), council=YORK.ons_code, covered_to="2026-03-27")
    theirs = committed[committed["area_code"] == YORK.ons_code].reset_index(drop=True)
    mine = mine.sort_values(["month", "category"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.drop(columns="source"), theirs.drop(columns="source"))


def test_comparisons_use_the_latest_month_england_is_covered_too(tmp_path):
    from carequality.model.build import Model
    from carequality.sections import compare

    p = params(tmp_path, inputs={"area_ratings_by_month": "counts.csv"})
    empty = pd.DataFrame()
    rows = [("2026-02", YORK.ons_code, RES, 1, 9, 0, 0, 0), ("2026-02", areas.ENGLAND_CODE, RES, 1, 7, 2, 0, 0),
            ("2026-03", YORK.ons_code, RES, 1, 8, 1, 0, 0)]  # the council's file is a month newer than England's
    model = Model(council_names=(), locations=empty, ratings_by_location_key_question=empty,
                  service_groups_by_location=empty, data_quality=empty, excluded_by_location_type=empty, inputs=[],
                  as_of=None, area_counts=counts_frame(rows))
    s = compare.benchmarks(model, p)
    assert s.title == "How York compares with its region and England"
    assert "cover York to March 2026 but England only to February 2026" in s.sentences[0]
    assert "do not cover Yorkshire and The Humber" in s.sentences[1]
    assert "10 of 10 (100.0%) of York's care homes with a rating" in s.sentences[2]
    assert "against 8 of 10 (80.0%) in England" in s.sentences[2]
    assert s.table("trend_good_outstanding").frame["Month"].iloc[-1] == "Mar 2026"
