"""Issue 23 end to end on the example: audits by rating against the previous year, the audit–CQC cross-table and its
disagreements, the visit schedule (and visit_schedule.xlsx), where the money goes, each number reproduced by an
independent count from the example's own files (read here with the csv module); audit notes in no output; a
quarter's report in the quarter's words and counts."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import html as html_lib
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from carequality.examples.audits import NOTE_MARKER
from carequality.run.render import render
from conftest import EXAMPLE_PARAMS, ROOT

EXAMPLE = ROOT / "data" / "example"
QUARTER_PARAMS = ROOT / "params" / "york" / "2025-26-q4-example.yaml"
PAMMS = ["Excellent", "Good", "Requires Improvement", "Poor"]
TO_CQC = {"Excellent": 0, "Good": 1, "Requires Improvement": 2, "Poor": 3}
CQC = ["Outstanding", "Good", "Requires improvement", "Inadequate"]


def _rows(name: str) -> list[dict]:
    with open(EXAMPLE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _table(out: Path, table: str) -> list[dict]:
    with open(out / "tables" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _plain(html_path: Path) -> str:
    """The report's text: tags (the links of facts to their definitions) removed, entities unescaped."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html_path.read_text(encoding="utf-8"))).split())


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _final_in(start: str, end: str) -> list[dict]:
    return [r for r in _rows("audits_example.csv") if r["status"] == "final" and _d(start) <= _d(r["audit_date"]) <= _d(end)]


def _cqc_overall() -> dict[str, str]:
    """location id → overall rating, straight from the example's CQC ratings file."""
    out = {}
    for r in _rows("cqc_ratings_example.csv"):
        if r["Location Type"] == "Social Care Org" and r["Service / Population Group"] == "Overall" and r["Domain"] == "Overall":
            out[r["Location ID"]] = r["Latest Rating"]
    return out


def _commissioned() -> list[dict]:
    return _rows("commissioned_services_example.csv")


def test_audits_by_rating_against_the_previous_year_are_an_independent_count(example_render):
    got = {r["Overall rating"]: r for r in _table(example_render.out_dir, "audit_ratings")}
    now = Counter(r["overall_rating"] for r in _final_in("2025-04-01", "2026-03-31"))
    before = Counter(r["overall_rating"] for r in _final_in("2024-04-01", "2025-03-31"))
    for g in PAMMS:
        assert (int(got[g]["This period"]), int(got[g]["Previous period"])) == (now[g], before[g]), g
        assert int(got[g]["Change"]) == now[g] - before[g]
    assert int(got["Total"]["This period"]) == sum(now.values()) > 30
    html = _plain(example_render.html)
    assert f"completed {sum(now.values())} audits of" in html and f"against {sum(before.values())} audits" in html


def _pairs() -> dict[str, tuple[str, str]]:
    """Commissioned service → (latest final audit rating by the period end, CQC overall rating), where both exist."""
    latest: dict[str, tuple[str, str]] = {}
    for r in sorted(_final_in("1900-01-01", "2026-03-31"), key=lambda r: r["audit_date"]):
        latest[r["location_id"]] = (r["audit_date"], r["overall_rating"])
    cqc = _cqc_overall()
    return {
        c["location_id"]: (latest[c["location_id"]][1], cqc[c["location_id"]])
        for c in _commissioned()
        if c["location_id"] in latest and cqc.get(c["location_id"]) in CQC
    }


def test_the_audit_cqc_cross_table_and_its_disagreements_are_an_independent_count(example_render):
    pairs = _pairs()
    cross = {r["Audit rating"]: r for r in _table(example_render.out_dir, "audit_vs_cqc")}
    counts = Counter(pairs.values())
    for g in PAMMS:
        for c in CQC:
            assert int(cross[g][c]) == counts[(g, c)], (g, c)
    assert int(cross["Total"]["Total"]) == len(pairs)
    apart = {i for i, (g, c) in pairs.items() if abs(TO_CQC[g] - CQC.index(c)) > 1}
    listed = _table(example_render.out_dir, "audit_disagreements")
    assert {r["CQC location ID"] for r in listed} == apart and len(apart) >= 2
    for r in listed:
        assert r["Audit date"] and r["CQC rating published"]  # both dates


def test_the_visit_schedule_lists_every_commissioned_service_once_soonest_first(example_render):
    out = example_render.out_dir
    rows = _table(out, "visit_schedule")
    ids = [r["CQC location ID"] for r in rows]
    assert sorted(ids) == sorted(c["location_id"] for c in _commissioned())
    dues = [_d(r["Next visit due"]) for r in rows]
    assert dues == sorted(dues)
    end = dt.date(2026, 3, 31)
    latest_audit: dict[str, str] = {}
    for r in sorted(_final_in("1900-01-01", "2026-03-31"), key=lambda r: r["audit_date"]):
        latest_audit[r["location_id"]] = r["audit_date"]
    visits: dict[str, str] = {}
    for v in _rows("qa_visits_example.csv"):
        if _d(v["visit_date"]) <= end:
            visits[v["location_id"]] = max(visits.get(v["location_id"], ""), v["visit_date"])
    for r in rows:
        i = r["CQC location ID"]
        assert r["Last audit"] == latest_audit.get(i, "") and r["Last visit"] == visits.get(i, ""), i
        months = int(re.search(r"within (\d+) months?", r["Why"]).group(1))
        basis = max(d for d in (r["Last CQC inspection"], r["Last audit"], r["Last visit"], "") if d is not None)
        if basis:
            b = _d(basis)
            y, m = divmod(b.month - 1 + months, 12)
            day = min(b.day, calendar.monthrange(b.year + y, m + 1)[1])
            assert _d(r["Next visit due"]) == dt.date(b.year + y, m + 1, day), i
        else:
            assert _d(r["Next visit due"]) == end
        assert (r["Overdue"] == "Overdue") == (_d(r["Next visit due"]) < end)
    summary = {r["When the next visit is due"]: int(r["Services"]) for r in _table(out, "visit_schedule_summary")}
    assert summary["Overdue"] == sum(r["Overdue"] == "Overdue" for r in rows)
    assert summary["Total"] == len(rows) == sum(v for k, v in summary.items() if k != "Total")
    with zipfile.ZipFile(out / "visit_schedule.xlsx") as z:
        xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert rows[0]["Location"] in html_lib.unescape(xml)
    assert "visit_schedule.xlsx" in json.loads((out / "manifest.json").read_text())["outputs"]


def test_spend_and_people_by_service_type_and_the_good_shares_are_an_independent_count(example_render):
    cqc = _cqc_overall()
    got = {r["Service type"]: r for r in _table(example_render.out_dir, "spend_by_service_type")}
    by: dict[str, list[dict]] = {}
    for c in _commissioned():
        by.setdefault(c["service_type"], []).append(c)
    by["Total"] = _commissioned()

    def share(part: float, whole: float) -> float:
        return int(1000 * part / whole + 0.5) / 10

    for t, rows in by.items():
        people = sum(int(r["funded_clients"]) for r in rows)
        spend = sum(float(r["annual_spend"]) for r in rows)
        go = [r for r in rows if cqc.get(r["location_id"]) in ("Good", "Outstanding")]
        low = [r for r in rows if cqc.get(r["location_id"]) in ("Requires improvement", "Inadequate")]
        g = got[t]
        assert int(g["People funded"]) == people and int(g["Spend in a year (£)"]) == round(spend), t
        assert float(g["People at Good or Outstanding services (%)"]) == share(sum(int(r["funded_clients"]) for r in go), people)
        assert float(g["Spend at Good or Outstanding services (%)"]) == share(sum(float(r["annual_spend"]) for r in go), spend)
        assert float(g["Spend at services rated below Good (%)"]) == share(sum(float(r["annual_spend"]) for r in low), spend)
    total = round(sum(float(r["annual_spend"]) for r in _commissioned()))
    assert f"The council spent £{total:,} on these services in the year to 31 March 2026" in _plain(example_render.html)


def _all_text(out: Path) -> dict[str, str]:
    texts = {}
    for f in out.rglob("*"):
        if f.suffix in (".html", ".csv", ".json", ".ipynb", ".md"):
            texts[str(f)] = f.read_text(encoding="utf-8")
        elif f.suffix in (".xlsx", ".ods", ".docx"):
            with zipfile.ZipFile(f) as z:
                texts[str(f)] = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return texts


def test_audit_notes_appear_in_no_output(example_render):
    assert any(NOTE_MARKER in r["notes"] for r in _rows("audits_example.csv"))
    texts = _all_text(example_render.out_dir)
    assert any(p.endswith("visit_schedule.xlsx") for p in texts) and any(p.endswith(".ipynb") for p in texts)
    assert [p for p, t in texts.items() if NOTE_MARKER in t] == []


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    return render(QUARTER_PARAMS, tmp_path_factory.mktemp("quarter"))


def test_a_quarter_is_said_as_a_quarter_with_the_quarters_counts(quarter):
    out = quarter.out_dir
    got = {r["Overall rating"]: r for r in _table(out, "audit_ratings")}
    now = Counter(r["overall_rating"] for r in _final_in("2026-01-01", "2026-03-31"))
    before = Counter(r["overall_rating"] for r in _final_in("2025-10-01", "2025-12-31"))
    for g in PAMMS:
        assert (int(got[g]["This quarter"]), int(got[g]["Previous quarter"])) == (now[g], before[g]), g
    html = _plain(quarter.html)
    assert "CQC inspections in the quarter" in html
    assert f"completed {sum(now.values())} audits of" in html and "in the quarter, against" in html
    visits = [v for v in _rows("qa_visits_example.csv") if "2026-01-01" <= v["visit_date"] <= "2026-03-31"]
    assert f"made {len(visits)} visits to" in html and "in the previous quarter" in html
    inspections = {r["Category"]: r for r in _table(out, "inspections_in_period")}
    assert "Previous quarter" in inspections["Total"]
    assert "in a year (the record gives each service's yearly spend)" in html  # spend is never a quarter's


#: The sections and tables of issue 23, as the audit names them.
MINE = ("own audits", "view against CQC", "disagree", "visit next", "Visit schedule", "money goes", "audit_", "visit_schedule",
        "spend_by_service_type", "audits.", "visits.schedule", "spend.")


def test_the_audit_finds_nothing_wrong_in_the_audit_schedule_and_spend_sections(example_render, quarter):
    from carequality.run.audit import audit

    for out in (example_render.out_dir, quarter.out_dir):
        found = [str(f) for f in audit(out) if any(k in str(f) for k in MINE)]
        assert found == []
    facts = {f["id"]: f for f in json.loads((example_render.out_dir / "facts.json").read_text())["facts"]}
    ratings = {r["Overall rating"]: r for r in _table(example_render.out_dir, "audit_ratings")}
    assert facts["audits.final"]["value"] == int(ratings["Total"]["This period"])
    assert facts["audits.vs_cqc.apart"]["stated_in"] == ["audit_vs_cqc", "audit_disagreements"]


def test_care_home_beds_beside_the_people_funded_in_them_are_an_independent_count(example_render):
    homes = {}
    for r in _rows("cqc_ratings_example.csv"):
        if r["Location Type"] == "Social Care Org" and r["Location Local Authority"] == "York" and r["Care Home?"] == "Y":
            homes[r["Location ID"]] = None
    for i in homes:
        detail = EXAMPLE / "cqc_api" / "location_details" / f"location_{i}.json"
        homes[i] = json.loads(detail.read_text())["numberOfBeds"]
    funded = [c for c in _commissioned() if c["location_id"] in homes]
    people = sum(int(c["funded_clients"]) for c in funded)
    text = _plain(example_render.html)
    assert (f"The area's {len(homes)} care homes have {sum(homes.values()):,} registered beds; the council commissions "
            f"{len(funded)} of them and funds {people:,} people there.") in text


def test_a_quarters_inspection_reports_say_how_many_were_on_commissioned_services(quarter):
    listed = _table(quarter.out_dir, "inspections_in_period_list")
    ids = {c["location_id"] for c in _commissioned()}
    k = sum(r["CQC location ID"] in ids for r in listed)
    word = "None" if k == 0 else str(k)
    assert f"{word} of these {'was' if len(listed) == 1 else 'were'} on services York commissions." in _plain(quarter.html)
