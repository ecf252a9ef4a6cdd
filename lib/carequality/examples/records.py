"""A deterministic generator of the example council's own QA records, consistent with its example CQC data.

From the locations of example.example_rows() (York, with some services in North Yorkshire, Leeds and the East
Riding) it makes what a council's quality assurance team keeps: commissioned services now and at the end of
the previous period, a risk register with escalations, QA visits and inspection themes with support offers.
Two location ids are deliberately unknown to CQC's data, so the report's data-quality table lists them.
Names and text are invented; nothing here describes a real service.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from carequality import vocab
from carequality.examples.common import SEED
from carequality.examples.files import write_csv, write_xlsx
from carequality.examples.ratings import example_rows
from carequality.sources.council_records import (
    COMMISSIONED_SERVICES,
    INSPECTION_THEMES,
    QA_VISITS,
    RISK_REGISTER,
    THEME_OFFERS,
)

COUNCIL_LA = "York"
PERIOD_START, PERIOD_END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
PREVIOUS_START, PREVIOUS_END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
#: Ids in the shape of CQC location ids that CQC's (example) data does not know.
UNKNOWN_IDS = ("1-999000001", "1-999000002")

THEME_ISSUES = {
    "Medication": [
        "PRN protocols missing",
        "Medicine stock counts wrong",
        "Topical creams not recorded",
        "Controlled drugs register gaps",
        "Time-critical medicines given late",
    ],
    "Health & Safety": [
        "Window restrictors missing",
        "Hot surfaces not covered",
        "Water temperatures not checked",
        "Risk assessments out of date",
    ],
    "Nutrition / Eating & Drinking": [
        "Fluid charts incomplete",
        "Weights not monitored",
        "Modified diets not followed",
    ],
    "Inclusion and person-centred support": ["Care plans not person-centred", "Few meaningful activities"],
    "Infection Prevention and Control": [
        "Cleaning schedules incomplete",
        "PPE not used correctly",
        "Laundry not segregated",
    ],
    "Leadership": ["Audits did not find issues", "No registered manager", "Notifications not sent to CQC"],
    "Staff training & Development": ["Training out of date", "No competency checks", "Supervisions overdue"],
    "Assessment / care planning / review": ["Care plans not reviewed", "Pre-admission assessment missing"],
    "Safeguarding / incidents / lessons learnt": ["Incidents not analysed", "Safeguarding referrals late"],
    "Mental Capacity Assessments": ["Capacity not assessed for decisions", "DoLS applications not made"],
    "Staffing levels / deployment": ["Not enough staff at night", "Dependency tool not used"],
    "Moving & Handling": ["Hoist slings shared", "Unsafe transfers seen"],
    "Recruitment": ["References not checked", "Gaps in employment history"],
    "Fire Safety": ["Personal evacuation plans missing", "Fire doors wedged open"],
    "Pressure area care": ["Repositioning charts incomplete"],
}
OFFERS = {
    "Medication": "Medicines optimisation team visits and distance learning",
    "Health & Safety": "Council corporate health and safety team",
    "Nutrition / Eating & Drinking": "Dietetics sessions and thickener training",
    "Inclusion and person-centred support": "Quality improvement café: person-centred planning",
    "Infection Prevention and Control": "Public health IPC nurse training",
    "Leadership": "Registered managers' network and leadership courses",
    "Staff training & Development": "Local workforce development partnership",
    "Assessment / care planning / review": "Quality improvement café: care planning",
    "Safeguarding / incidents / lessons learnt": "Safeguarding Adults Board train-the-trainer",
    "Mental Capacity Assessments": "Quality improvement café: Mental Capacity Act",
    "Moving & Handling": "Train-the-trainer moving and handling",
    "Fire Safety": "Fire and rescue service session",
    "Recruitment": "",  # listed, no offer yet
    "Dementia care": "Dementia awareness course",  # an offer no issue uses (the report's footnote says so)
}
ACTIONS = [
    "Provider suspended from new referrals.",
    "Improvement plan received and reviewed.",
    "QA team visited to review the improvement plan.",
    "Further improvements are required.",
    "People funded by the council reviewed; no concerns about their care.",
    "CQC told of the improvements; reinspection requested.",
    "Provider concerns meetings held monthly.",
]
OUTCOMES = ["Satisfactory", "Improvement plan requested", "Actions from last visit completed", "Concerns escalated"]


@dataclass
class _Loc:
    id: str
    name: str
    la: str
    care_home: bool
    overall: str
    published: dt.date | None
    kq: dict[str, str]
    provider: str


def _locations(seed: int = SEED) -> list[_Loc]:
    by_id: dict[str, _Loc] = {}
    for r in example_rows(seed):
        if r["Location Type"] != "Social Care Org" or r["Service / Population Group"] != "Overall":
            continue
        loc = by_id.setdefault(
            r["Location ID"],
            _Loc(
                r["Location ID"],
                r["Location Name"],
                r["Location Local Authority"],
                r["Care Home?"] == "Y",
                "",
                None,
                {},
                r["Provider Name"],
            ),
        )
        if r["Domain"] == "Overall":
            loc.overall = r["Latest Rating"]
            loc.published = (
                dt.datetime.strptime(r["Publication Date"], "%d/%m/%Y").date() if r["Publication Date"] else None
            )
        else:
            loc.kq[r["Domain"]] = r["Latest Rating"]
    return sorted(by_id.values(), key=lambda x: x.id)


def _service_type(rng: random.Random, loc: _Loc) -> str:
    if loc.care_home:
        return rng.choice(
            ["Residential care (older people)", "Nursing care (older people)", "Residential care (working age)"]
        )
    return "Supported living" if "Supported" in loc.name else "Home care"


def _commissioned(rng: random.Random, locs: list[_Loc]) -> list[dict]:
    rows = []
    for loc in locs:
        rated = loc.overall in vocab.GRADED
        chance = (0.7 if rated else 0.1) if loc.la == COUNCIL_LA else 0.85
        if rng.random() >= chance:
            continue
        stype = _service_type(rng, loc)
        clients = (
            rng.randint(1, 25)
            if loc.care_home
            else (rng.randint(2, 12) if stype == "Supported living" else rng.randint(5, 60))
        )
        weekly = rng.choice([780, 850, 920, 1100]) if loc.care_home else rng.choice([300, 420, 510])
        rows.append(
            {
                "location_id": loc.id,
                "service_type": stype,
                "funded_clients": clients,
                "contract_type": rng.choice(["Framework", "Framework", "Block", "Spot"]),
                "annual_spend": clients * weekly * 52,
            }
        )
    return rows


def _previous(rng: random.Random, current: list[dict], locs: list[_Loc]) -> list[dict]:
    """The commissioned services a year earlier: most the same with other numbers, a few ended, a few not yet."""
    ids = {r["location_id"] for r in current}
    rows = []
    for r in current:
        if rng.random() < 0.08:
            continue  # commissioned only since the previous period
        clients = max(1, r["funded_clients"] + rng.randint(-3, 3))
        rows.append(
            r | {"funded_clients": clients, "annual_spend": r["annual_spend"] * clients // max(r["funded_clients"], 1)}
        )
    for loc in locs:
        if loc.id not in ids and loc.overall in vocab.GRADED and rng.random() < 0.12:
            rows.append(
                {
                    "location_id": loc.id,
                    "service_type": _service_type(rng, loc),
                    "funded_clients": rng.randint(1, 8),
                    "contract_type": "Spot",
                    "annual_spend": rng.randint(20, 90) * 1000,
                }
            )
    return sorted(rows, key=lambda r: r["location_id"])


def _concern(loc: _Loc) -> str:
    low = [q for q in vocab.KEY_QUESTIONS if loc.kq.get(q) in vocab.RI_OR_INADEQUATE]
    when = f" ({loc.published:%B %Y})" if loc.published else ""
    if loc.overall in vocab.RI_OR_INADEQUATE:
        return f"CQC rated {loc.overall}{when}; {', '.join(low) or 'no key question'} below Good."
    return "Whistleblowing concerns about staffing and recruitment practice."


def _risk_register(rng: random.Random, locs: list[_Loc], commissioned: list[dict]) -> list[dict]:
    com = {r["location_id"]: r for r in commissioned}
    by_id = {loc.id: loc for loc in locs}
    low = [i for i in com if by_id[i].overall in vocab.RI_OR_INADEQUATE]
    good = [i for i in com if by_id[i].overall in vocab.GOOD_OR_OUTSTANDING]
    away = [i for i in com if by_id[i].la != COUNCIL_LA]
    rng.shuffle(low)
    rng.shuffle(good)
    rng.shuffle(away)
    chosen = set(low[:10] + good[:3] + away[:3])
    rows = []
    for n, loc_id in enumerate(sorted(chosen), start=1):
        loc = by_id[loc_id]
        ref = f"QA-{n:03d}"
        out_of_area = loc.la != COUNCIL_LA
        base = {
            "case_ref": ref,
            "location_id": loc_id,
            "funded_residents": com[loc_id]["funded_clients"],
            "concerns": _concern(loc),
            "lead_authority": loc.la if out_of_area and n % 2 else "",
            "actions": " ".join(rng.sample(ACTIONS, 3)),
        }
        opened = PREVIOUS_START + dt.timedelta(days=rng.randint(0, 600))
        story = rng.choice(["steady", "escalated", "de-escalated", "closed"])
        top = 3 if loc.overall == "Requires improvement" or out_of_area else (4 if loc.overall == "Inadequate" else 2)
        if story == "steady" or opened > PERIOD_END - dt.timedelta(days=40):
            rows.append(base | {"risk_level": top, "opened": opened, "closed": None, "placements_suspended": top >= 3})
        elif story == "escalated":
            moved = opened + dt.timedelta(days=rng.randint(20, 30))
            rows.append(
                base | {"risk_level": max(1, top - 1), "opened": opened, "closed": moved, "placements_suspended": False}
            )
            rows.append(base | {"risk_level": top, "opened": moved, "closed": None, "placements_suspended": True})
        elif story == "de-escalated":
            moved = min(opened + dt.timedelta(days=rng.randint(60, 200)), PERIOD_END - dt.timedelta(days=5))
            rows.append(base | {"risk_level": top, "opened": opened, "closed": moved, "placements_suspended": True})
            rows.append(
                base | {"risk_level": max(1, top - 2), "opened": moved, "closed": None, "placements_suspended": False}
            )
        else:
            ended = min(opened + dt.timedelta(days=rng.randint(60, 200)), PERIOD_END)
            rows.append(
                base | {"risk_level": max(1, top - 1), "opened": opened, "closed": ended, "placements_suspended": False}
            )
    return rows


def _visits(rng: random.Random, locs: list[_Loc], commissioned: list[dict], risk: list[dict]) -> list[dict]:
    by_id = {loc.id: loc for loc in locs}
    ids = sorted({r["location_id"] for r in commissioned})
    risky = sorted({r["location_id"] for r in risk})
    rows, seen = [], set()
    for start, n in ((PREVIOUS_START, 38), (PERIOD_START, 46)):
        for _ in range(n):
            loc_id = rng.choice(risky) if rng.random() < 0.45 else rng.choice(ids)
            low = by_id[loc_id].overall in vocab.RI_OR_INADEQUATE
            vtype = rng.choices(
                ["announced", "unannounced", "contract monitoring", "welfare check"],
                weights=[3, 2, 4, 3 if low else 0.3],
            )[0]
            date = start + dt.timedelta(days=rng.randint(0, 364))
            if (loc_id, date, vtype) in seen:
                continue
            seen.add((loc_id, date, vtype))
            rows.append(
                {
                    "location_id": loc_id,
                    "visit_date": date,
                    "visit_type": vtype,
                    "outcome": rng.choice(OUTCOMES[:3] + (OUTCOMES[3:] if low else [])),
                }
            )
    rows.append(
        {
            "location_id": UNKNOWN_IDS[1],
            "visit_date": dt.date(2025, 10, 14),
            "visit_type": "announced",
            "outcome": "Satisfactory",
        }
    )
    return sorted(rows, key=lambda r: (r["visit_date"], r["location_id"], r["visit_type"]))


def _themes(rng: random.Random, locs: list[_Loc]) -> list[dict]:
    rows = []
    themes = list(THEME_ISSUES)
    weights = [len(v) for v in THEME_ISSUES.values()]
    for loc in locs:
        if loc.la != COUNCIL_LA or loc.overall not in vocab.RI_OR_INADEQUATE or loc.published is None:
            continue
        seen = set()
        for _ in range(rng.randint(3, 9)):
            theme = rng.choices(themes, weights=weights)[0]
            issue = rng.choice(THEME_ISSUES[theme])
            if (theme, issue) not in seen:
                seen.add((theme, issue))
                rows.append({"location_id": loc.id, "report_date": loc.published, "theme": theme, "issue": issue})
    return sorted(rows, key=lambda r: (r["location_id"], r["theme"], r["issue"]))


def example_records(seed: int = SEED) -> dict[str, list[dict]]:
    """The example council's records, by params input name; deterministic for a seed (the locations are those of
    example_rows(seed))."""
    locs = _locations(seed)
    rng = random.Random(seed + 4)
    current = _commissioned(rng, locs)
    current.append(
        {
            "location_id": UNKNOWN_IDS[0],
            "service_type": "Home care",
            "funded_clients": 7,
            "contract_type": "Spot",
            "annual_spend": 7 * 420 * 52,
        }
    )
    current.sort(key=lambda r: r["location_id"])
    previous = _previous(rng, [r for r in current if r["location_id"] not in UNKNOWN_IDS], locs)
    risk = _risk_register(rng, locs, [r for r in current if r["location_id"] not in UNKNOWN_IDS])
    return {
        "commissioned_services": current,
        "commissioned_services_previous": previous,
        "risk_register": risk,
        "qa_visits": _visits(rng, locs, [r for r in current if r["location_id"] not in UNKNOWN_IDS], risk),
        "inspection_themes": _themes(rng, locs),
        "theme_offers": [{"theme": t, "offer": o} for t, o in sorted(OFFERS.items())],
    }


#: Params input name → (file name, format). The risk register is an XLSX workbook, as analysts keep it.
FILES = {
    "commissioned_services": ("commissioned_services_example.csv", COMMISSIONED_SERVICES),
    "commissioned_services_previous": ("commissioned_services_previous_example.csv", COMMISSIONED_SERVICES),
    "risk_register": ("risk_register_example.xlsx", RISK_REGISTER),
    "qa_visits": ("qa_visits_example.csv", QA_VISITS),
    "inspection_themes": ("inspection_themes_example.csv", INSPECTION_THEMES),
    "theme_offers": ("theme_offers_example.csv", THEME_OFFERS),
}


def write_example_records(out: Path, seed: int = SEED) -> list[Path]:
    records = example_records(seed)
    paths = []
    for name, (file, fmt) in FILES.items():
        writer = write_xlsx if file.endswith(".xlsx") else write_csv
        paths.append(writer(out / file, fmt, records[name]))
    return paths


def locations(seed: int = SEED) -> list[_Loc]:
    """The example's adult social care locations with their overall and key-question ratings (examples/audits.py)."""
    return _locations(seed)
