"""A deterministic generator of the example council's own audits (PAMMS's scale and domains), consistent with its
other records: the services it commissions are audited in the period and the previous one, mostly on the days of
its announced or contract-monitoring visits, with grades near their CQC rating, a few far from it (the council
knows something CQC does not yet, or the reverse), two drafts, and notes (which no output may show).
Names and text are invented; nothing here describes a real service.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from carequality.examples.common import SEED
from carequality.examples.files import write_csv
from carequality.examples.records import (
    PERIOD_END,
    PERIOD_START,
    PREVIOUS_END,
    PREVIOUS_START,
    UNKNOWN_IDS,
    example_records,
    locations,
)
from carequality.sources.audits import AUDITS, NOTES, PAMMS_DOMAINS, PAMMS_SCALE

FILE = "audits_example.csv"
#: A CQC rating's nearest PAMMS grade.
NEAREST = {"Outstanding": 0, "Good": 1, "Requires improvement": 2, "Inadequate": 3}
AUDITORS = ("Quality assurance team (north)", "Quality assurance team (south)", "Contracts officer")
#: Every note carries this marker, so a test can search every output for it.
NOTE_MARKER = "AUDIT-NOTE"
NOTE_TEXT = (
    "manager on leave during the audit",
    "staff rota shared late",
    "follow-up visit agreed with the provider",
    "medicines room was locked; checked on a second day",
)


def _grade(rng: random.Random, cqc: str) -> int:
    """An audit grade near the CQC rating: the same most often, one step either way sometimes."""
    base = NEAREST.get(cqc, 1)
    return min(3, max(0, base + rng.choice([0, 0, 0, 0, 1, -1])))


def _dates(visits: list[dict], loc_id: str, start: dt.date, end: dt.date) -> list[dt.date]:
    return sorted(
        v["visit_date"]
        for v in visits
        if v["location_id"] == loc_id
        and start <= v["visit_date"] <= end
        and v["visit_type"] in ("announced", "contract monitoring")
    )


def example_audits(seed: int = SEED) -> list[dict]:
    """The example council's audits: rows of the audit file (PAMMS's format), sorted by date and location."""
    records = example_records(seed)
    by_id = {loc.id: loc for loc in locations(seed)}
    rng = random.Random(seed + 23)
    rows: list[dict] = []
    periods = (
        (PREVIOUS_START, PREVIOUS_END, records["commissioned_services_previous"], 0.45),
        (PERIOD_START, PERIOD_END, records["commissioned_services"], 0.6),
    )
    for start, end, commissioned, chance in periods:
        for r in commissioned:
            loc = by_id.get(r["location_id"])
            if loc is None or rng.random() >= chance:
                continue
            days = _dates(records["qa_visits"], loc.id, start, end)
            date = days[-1] if days else start + dt.timedelta(days=rng.randint(0, (end - start).days))
            overall = _grade(rng, loc.overall)
            row: dict[str, object] = {
                "location_id": loc.id,
                "audit_date": date,
                "auditor": rng.choice(AUDITORS),
                "overall_rating": PAMMS_SCALE[overall],
                "status": "final",
            }
            for d in PAMMS_DOMAINS:
                row[d] = PAMMS_SCALE[min(3, max(0, overall + rng.choice([0, 0, 1, -1])))] if rng.random() > 0.05 else ""
            row[NOTES] = f"{NOTE_MARKER}: {rng.choice(NOTE_TEXT)}" if rng.random() < 0.5 else ""
            rows.append(row)
    _far_apart(rows, by_id)
    current = [r for r in rows if r["audit_date"] >= PERIOD_START]
    for r in rng.sample(current, 2):
        r["status"] = "draft"
    rows.append(
        {
            "location_id": UNKNOWN_IDS[0],
            "audit_date": dt.date(2025, 11, 4),
            "auditor": AUDITORS[2],
            "overall_rating": "Good",
            "status": "final",
            **dict.fromkeys(PAMMS_DOMAINS, "Good"),
            NOTES: f"{NOTE_MARKER}: service not yet on CQC's directory",
        }
    )
    return sorted(rows, key=lambda r: (r["audit_date"], r["location_id"]))


def _far_apart(rows: list[dict], by_id: dict) -> None:
    """Make the latest audit of the first two Good services and the first Inadequate or Requires improvement one in
    the period disagree with CQC by two steps or more."""
    latest: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: r["audit_date"]):
        if r["audit_date"] >= PERIOD_START:
            latest[r["location_id"]] = r
    good = [r for i, r in sorted(latest.items()) if by_id[i].overall == "Good"][:2]
    low = [r for i, r in sorted(latest.items()) if by_id[i].overall == "Inadequate"][:1]
    for r in good:
        r["overall_rating"] = "Poor"
    for r in low:
        r["overall_rating"] = "Good"


def write_example_audits(out: Path, seed: int = SEED) -> Path:
    return write_csv(out / FILE, AUDITS, example_audits(seed))
