"""The example council's ratings history in CQC's API layout (data/example/cqc_api/), deterministic.

Built from the rows of the example ratings file (example.py), so both agree: each York adult social care
location gets a `GET /locations/{id}` response whose current ratings are the file's, plus earlier reports
(some focused on a few key questions, some inspected but not rated), a registration date, and for a few
a Single Assessment Framework `assessment` block in place of current ratings. Services that closed (some
replaced by a new provider, whose rating is inherited) and a few GP practices complete the folder, with the
list responses `locations.json` and `providers.json` and the provider responses. Names are invented.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from carequality import vocab
from carequality.examples.common import AS_OF, FIRST_NAMES, SEED, hash_name, kq_ratings

LA = "York"
#: Key questions in the order the API lists them.
API_KQ_ORDER = ("Safe", "Well-led", "Caring", "Responsive", "Effective")
_EARLIEST = dt.date(2011, 1, 4)


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _report(rng: random.Random, date: dt.date) -> dict:
    """A report as the API lists it under `reports`: a new link id, then a first visit 14 to 60 days before."""
    link = _link(rng)
    return {
        "firstVisitDate": _iso(date - dt.timedelta(days=rng.randint(14, 60))),
        "linkId": link,
        "reportDate": _iso(date),
        "reportType": "Location",
        "reportUri": f"/reports/{link}?{date:%Y%m%d}120000",
    }


def _link(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _gac(care_home: bool, name: str, rng: random.Random) -> list[dict]:
    if care_home:
        if rng.random() < 0.35:
            return [{"description": "Care home service with nursing", "name": "Nursing homes"}]
        return [{"description": "Care home service without nursing", "name": "Residential homes"}]
    if "Supported" in name:
        return [{"description": "Supported living service", "name": "Supported living"}]
    out = [{"description": "Domiciliary care service", "name": "Homecare agencies"}]
    if rng.random() < 0.15:
        out.append({"description": "Supported living service", "name": "Supported living"})
    return out


def _kq_list(
    ratings: dict[str, str], date: dt.date | None = None, link: str | None = None, only: tuple[str, ...] = API_KQ_ORDER
) -> list[dict]:
    out = []
    for q in API_KQ_ORDER:
        if q in only and q in ratings:
            item: dict[str, str | None] = {"name": q, "rating": ratings[q]}
            if date is not None:
                item |= {"reportDate": _iso(date), "reportLinkId": link}
            out.append(item)
    return out


def _earlier_reports(rng: random.Random, current: str, before: dt.date, n: int) -> list[dict]:
    """n reports before `before`, newest first: full, focused (Safe, Well-led) or inspected but not rated."""
    out = []
    when = before
    rating = current
    for i in range(n):
        when = when - dt.timedelta(days=rng.randint(250, 900))
        if when < _EARLIEST:
            break
        kind = rng.choices(["full", "focused", "ibnr"], weights=[0.7, 0.2, 0.1])[0]
        if i == 0 and rng.random() < 0.4 and current in vocab.GRADED:
            idx = vocab.GRADED.index(current)
            rating = vocab.GRADED[min(3, max(0, idx + rng.choice([-1, 1])))]
        if kind == "ibnr":
            out.append({"date": when, "overall": "Inspected but not rated", "kqs": {"Safe": "Inspected but not rated"}})
            continue
        kqs = kq_ratings(rng, rating)
        if kind == "focused":
            kqs = {q: kqs[q] for q in ("Safe", "Well-led")}
        out.append({"date": when, "overall": rating, "kqs": kqs})
    return out


#: The people a service is registered to care for, as CQC names them; a location's are chosen by its id (no draw).
_SPECIALISMS = (
    "Caring for adults over 65 yrs",
    "Dementia",
    "Caring for adults under 65 yrs",
    "Physical disabilities",
    "Sensory impairments",
    "Learning disabilities",
    "Mental health conditions",
    "Caring for people whose rights are restricted under the Mental Health Act",
    "Substance misuse problems",
)


def _specialisms(loc_id: str, care_home: bool) -> list[str]:
    """Two to four specialisms that vary by location: care homes mostly older people and dementia, community
    services a wider mix."""
    h = hash_name(loc_id)
    start = 0 if care_home and h % 3 else (h // 3) % len(_SPECIALISMS)
    n = 2 + (h // 7) % 3
    return [_SPECIALISMS[(start + i) % len(_SPECIALISMS)] for i in range(n)]


def _response(loc: dict, reports: list[dict], current: dict | None, rng: random.Random, *, saf: bool) -> dict:
    """One GET /locations/{id} response (keys omitted when empty, as the API does)."""
    care_home = loc["care_home"]
    d = {
        "locationId": loc["id"],
        "providerId": loc["provider_id"],
        "organisationType": "Location",
        "type": loc["type"],
        "name": loc["name"],
        "registrationStatus": loc["status"],
        "registrationDate": _iso(loc["registered"]),
        "dormancy": loc.get("dormancy", "N"),
        "numberOfBeds": loc.get("beds", 0),
        "careHome": "Y" if care_home else "N",
        "inspectionDirectorate": "Adult social care"
        if loc["type"] == "Social Care Org"
        else "Primary medical services",
        "postalAddressLine1": loc["street"],
        "postalAddressTownCity": "York",
        "postalAddressCounty": "North Yorkshire",
        "postalCode": loc["postcode"],
        "region": "Yorkshire and The Humber",
        "localAuthority": LA,
        "constituency": "York Central",
        "onspdCcgCode": "E38000188",
        "onspdCcgName": "NHS Vale of York CCG",
        "onspdIcbCode": "E54000064",
        "onspdIcbName": "NHS Humber and North Yorkshire Integrated Care Board",
        "onspdLatitude": round(53.95 + rng.uniform(-0.04, 0.04), 6),
        "onspdLongitude": round(-1.08 + rng.uniform(-0.06, 0.06), 6),
        "locationTypes": [],
        "relationships": loc.get("relationships", []),
        "specialisms": [],
        "inspectionAreas": [],
        "regulatedActivities": [],
        "gacServiceTypes": loc["gac"],
    }
    if loc.get("deregistered"):
        d["deregistrationDate"] = _iso(loc["deregistered"])
    if loc.get("dormancy") == "Y":
        d["dormancyStartDate"] = _iso(loc["dormancy_start"])
    if loc.get("manager_absent"):
        d["registeredManagerAbsentDate"] = _iso(loc["manager_absent"])
    if loc.get("category"):
        code = "S1" if loc["category"] == vocab.RESIDENTIAL else "S2" if loc["category"] == vocab.COMMUNITY else "P1"
        d["inspectionCategories"] = [{"code": code, "name": loc["category"], "primary": "true"}]
    d["specialisms"] = [{"name": n} for n in _specialisms(loc["id"], care_home)]
    links = []
    historic = []
    for r in reports:
        links.append(_report(rng, r["date"]))
        link = links[-1]["linkId"]
        historic.append(
            {
                "overall": {"keyQuestionRatings": _kq_list(r["kqs"]), "rating": r["overall"]},
                "reportDate": _iso(r["date"]),
                "reportLinkId": link,
            }
        )
    if current is not None and current.get("date") is not None:
        links.insert(0, _report(rng, current["date"]))
        link = links[0]["linkId"]
        if saf:
            d["assessmentServiceGroup"] = [
                {
                    "assessmentServiceId": "271" if care_home else "272",
                    "assessmentServiceName": current["group"],
                    "status": "Active",
                }
            ]
            d["assessment"] = [_assessment(current, rng)]
        else:
            d["currentRatings"] = {
                "overall": {
                    "keyQuestionRatings": _kq_list(current["kqs"], current["date"], link),
                    "rating": current["overall"],
                    "reportDate": _iso(current["date"]),
                    "reportLinkId": link,
                },
                "reportDate": _iso(current["date"]),
            }
        d["lastInspection"] = {"date": links[0]["firstVisitDate"]}
        d["lastReport"] = {"publicationDate": _iso(current["date"])}
    elif current is not None:
        d["currentRatings"] = {
            "overall": {
                "keyQuestionRatings": [{"name": q, "rating": "No published rating"} for q in API_KQ_ORDER],
                "rating": "No published rating",
            }
        }
    if historic:
        d["historicRatings"] = historic
    if links:
        d["reports"] = links
    return d


_SCORES = {
    "Outstanding": "4 - Evidence shows an exceptional standard of care",
    "Good": "3 - Evidence shows a good standard of care",
    "Requires improvement": "2 - Evidence shows some shortfalls in the standard of care",
    "Inadequate": "1 - Evidence shows significant shortfalls in the standard of care",
}
_STATEMENTS = {
    "Safe": [("1", "Learning culture"), ("4", "Safeguarding"), ("7", "Infection prevention and control")],
    "Effective": [("9", "Assessing needs"), ("10", "Delivering evidence-based care and treatment")],
    "Caring": [("15", "Kindness, compassion and dignity"), ("17", "Independence, choice and control")],
    "Responsive": [("21", "Person-centred care"), ("25", "Listening to and involving people")],
    "Well-led": [("28", "Shared direction and culture"), ("31", "Governance, management and sustainability")],
}
_PERCENT = {"Outstanding": 88, "Good": 75, "Requires improvement": 50, "Inadequate": 25}


def _assessment(current: dict, rng: random.Random) -> dict:
    kqs = []
    for q in ("Caring", "Effective", "Responsive", "Safe", "Well-led"):
        r = current["kqs"][q]
        kqs.append(
            {
                "name": q,
                "rating": r,
                "status": "Assessed" if q in ("Safe", "Well-led") else "Not Assessed",
                "percentageScore": str(_PERCENT.get(r, 0)),
                "topicareas": [
                    {
                        "name": name,
                        "qualityStatementId": qid,
                        "qualityStatementscore": _SCORES.get(r, ""),
                        "status": "Assessed" if q in ("Safe", "Well-led") else "Not Assessed",
                    }
                    for qid, name in _STATEMENTS[q]
                ],
            }
        )
    published = dt.datetime.combine(current["date"], dt.time(10, rng.randint(0, 59), rng.randint(0, 59)))
    return {
        "assessmentPlanPublishedDateTime": published.strftime("%Y-%m-%d %H:%M:%S"),
        "ratings": {
            "asgRatings": [
                {
                    "assessmentDate": _iso(current["date"] - dt.timedelta(days=rng.randint(40, 90))),
                    "assessmentPlanId": f"AP{rng.randint(1000, 9999)}",
                    "assessmentPlanStatus": "Active",
                    "name": current["group"],
                    "rating": current["overall"],
                    "status": "Current",
                    "title": "Ongoing Assessment",
                    "keyQuestionRatings": kqs,
                }
            ]
        },
    }


def _parse(d: str) -> dt.date | None:
    return dt.datetime.strptime(d, "%d/%m/%Y").date() if d else None


def api_responses(rows: list[dict[str, str]], seed: int = SEED) -> dict[str, dict]:
    """Every response of the example folder, by its path inside the folder."""
    by_loc: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["Location Local Authority"] == LA:
            by_loc[r["Location ID"]].append(r)
    files: dict[str, dict] = {}
    providers: dict[str, dict] = {}
    locations: list[dict] = []
    saf_left = {True: 1, False: 1}
    predecessors = []
    for loc_id in sorted(by_loc):
        rs = by_loc[loc_id]
        rng = random.Random(seed * 1_000_003 + hash_name(loc_id))
        first = rs[0]
        overall_rows = [r for r in rs if r["Service / Population Group"] == "Overall"]
        ratings = {r["Domain"]: r["Latest Rating"] for r in overall_rows}
        pub = _parse(first["Publication Date"])
        care_home = first["Care Home?"] == "Y"
        is_social = first["Location Type"] == "Social Care Org"
        loc = {
            "id": loc_id,
            "provider_id": first["Provider ID"] or f"1-{700000000 + hash_name(loc_id) % 99999}",
            "type": first["Location Type"],
            "name": first["Location Name"],
            "status": "Registered",
            "care_home": care_home,
            "street": first["Location Street Address"],
            "postcode": first["Location Post Code"],
            "category": first["Location Primary Inspection Category"],
            "gac": _gac(care_home, first["Location Name"], rng)
            if is_social
            else [{"description": "Doctors consultation service", "name": "Doctors consultation service"}],
            "beds": rng.randint(12, 70) if care_home else 0,
        }
        current: dict[str, Any] | None = None
        reports: list[dict] = []
        inherited = first["Inherited Rating (Y/N)"] == "Y"
        if pub is None:  # not yet rated: registered in the last two years
            loc["registered"] = AS_OF - dt.timedelta(days=rng.randint(30, 700))
            current = {"date": None}
        else:
            kqs = {q: ratings[q] for q in vocab.KEY_QUESTIONS if q in ratings}
            current = {
                "date": pub,
                "overall": ratings["Overall"],
                "kqs": kqs,
                "group": "Care Homes" if care_home else "Homecare",
            }
            if inherited:
                # A new provider took the service over after its last inspection: the rating is inherited.
                loc["registered"] = min(pub + dt.timedelta(days=rng.randint(30, 400)), AS_OF - dt.timedelta(days=5))
                old = dict(
                    loc,
                    id=f"1-{800000000 + hash_name(loc_id) % 9_999_999}",
                    status="Deregistered",
                    deregistered=loc["registered"],
                    registered=None,
                    provider_id=f"1-{600000000 + hash_name(loc_id + 'old') % 99999}",
                    provider_name=f"{first['Location Name'].split()[0]} Healthcare Ltd",
                )
                old_reports = _earlier_reports(rng, ratings["Overall"], pub, rng.randint(0, 2))
                old["registered"] = (old_reports[-1]["date"] if old_reports else pub) - dt.timedelta(
                    days=rng.randint(100, 900)
                )
                loc["relationships"] = [
                    {
                        "reason": "New Provider",
                        "relatedLocationId": old["id"],
                        "relatedLocationName": old["name"],
                        "type": "HSCA Predecessor",
                    }
                ]
                old["relationships"] = [
                    {
                        "reason": "New Provider",
                        "relatedLocationId": loc_id,
                        "relatedLocationName": loc["name"],
                        "type": "HSCA Successor",
                    }
                ]
                predecessors.append((old, old_reports, dict(current)))
                current = dict(current)
            else:
                reports = _earlier_reports(rng, ratings["Overall"], pub, rng.choice([0, 1, 1, 2, 2, 3, 4]))
                oldest = reports[-1]["date"] if reports else pub
                loc["registered"] = max(oldest - dt.timedelta(days=rng.randint(60, 900)), dt.date(2010, 10, 1))
        saf = (
            is_social
            and not inherited
            and pub is not None
            and ratings.get("Overall") in vocab.GRADED
            and len(ratings) == 6
            and (AS_OF - pub).days < 300
            and saf_left[care_home] > 0
        )
        if saf:
            saf_left[care_home] -= 1
        if is_social and rng.random() < 0.04:
            loc["dormancy"], loc["dormancy_start"] = "Y", AS_OF - dt.timedelta(days=rng.randint(30, 300))
        if is_social and rng.random() < 0.06:
            loc["manager_absent"] = AS_OF - dt.timedelta(days=rng.randint(10, 200))
        files[f"location_details/location_{loc_id}.json"] = _response(loc, reports, current, rng, saf=saf)
        locations.append({"locationId": loc_id, "locationName": loc["name"], "postalCode": loc["postcode"]})
        if first["Provider Name"]:
            p = providers.setdefault(loc["provider_id"], {"name": first["Provider Name"], "locations": []})
            p["locations"].append(loc_id)

    for old, old_reports, current in predecessors:
        rng = random.Random(seed * 7 + hash_name(old["id"]))
        files[f"location_details/location_{old['id']}.json"] = _response(old, old_reports, current, rng, saf=False)
        locations.append({"locationId": old["id"], "locationName": old["name"], "postalCode": old["postcode"]})
        providers.setdefault(old["provider_id"], {"name": old["provider_name"], "locations": []})["locations"].append(
            old["id"]
        )

    # Services that closed: spread over the last five years, some in the example period and the one before it.
    rng = random.Random(seed + 3)
    closures = [AS_OF - dt.timedelta(days=d) for d in (40, 150, 260, 330, 420, 520, 610, 900, 1300, 1700)]
    for i, closed in enumerate(closures):
        care_home = i % 3 == 0
        loc_id = f"1-{910000000 + i * 104729}"
        name = f"{FIRST_NAMES[(i * 7) % len(FIRST_NAMES)]} {'Residential Home' if care_home else 'Domiciliary Care'}"
        loc = {
            "id": loc_id,
            "provider_id": f"1-{650000000 + i * 1013}",
            "type": "Social Care Org",
            "name": name,
            "status": "Deregistered",
            "deregistered": closed,
            "care_home": care_home,
            "street": f"{rng.randint(1, 90)} Clifton",
            "postcode": f"YO{rng.randint(1, 32)} {rng.randint(1, 9)}AB",
            # Older closed locations lack inspectionCategories, as in CQC's API.
            "category": "" if i >= 7 else (vocab.RESIDENTIAL if care_home else vocab.COMMUNITY),
            "gac": _gac(care_home, name, rng),
            "beds": rng.randint(10, 40) if care_home else 0,
        }
        last = closed - dt.timedelta(days=rng.randint(60, 500))
        rating = rng.choice(["Good", "Requires improvement", "Requires improvement", "Inadequate"])
        reports = _earlier_reports(rng, rating, last, rng.randint(0, 2))
        loc["registered"] = max(
            (reports[-1]["date"] if reports else last) - dt.timedelta(days=rng.randint(200, 900)), dt.date(2010, 10, 1)
        )
        current = {"date": last, "overall": rating, "kqs": kq_ratings(rng, rating), "group": "Care Homes"}
        files[f"location_details/location_{loc_id}.json"] = _response(loc, reports, current, rng, saf=False)
        locations.append({"locationId": loc_id, "locationName": name, "postalCode": loc["postcode"]})
        providers.setdefault(loc["provider_id"], {"name": f"{name} Ltd", "locations": []})["locations"].append(loc_id)

    locations.sort(key=lambda x: x["locationId"])
    files["locations.json"] = _list_response("locations", locations)
    plist = []
    for pid in sorted(providers):
        p = providers[pid]
        files[f"provider_details/provider_{pid}.json"] = {
            "providerId": pid,
            "name": p["name"],
            "locationIds": sorted(p["locations"]),
            "organisationType": "Provider",
            "type": "Social Care Org",
            "registrationStatus": "Registered",
            "localAuthority": LA,
            "region": "Yorkshire and The Humber",
        }
        plist.append({"providerId": pid, "providerName": p["name"]})
    files["providers.json"] = _list_response("providers", plist)
    return files


def _list_response(kind: str, items: list[dict]) -> dict:
    """A list response in the API's key order (one page holding every entry, as `carequality fetch` writes)."""
    uri = f"/{kind}?page=1&perPage=1000&localAuthority={LA}"
    return {
        "total": len(items),
        "firstPageUri": uri,
        "page": 1,
        "previousPageUri": None,
        "lastPageUri": uri,
        "nextPageUri": None,
        "perPage": 1000,
        "totalPages": 1,
        kind: items,
    }


def _text(rel: str, data: dict) -> str:
    """JSON in the recorded files' styles (docs/fetch.md): location details with sorted keys and no final
    newline; list and provider responses in the API's key order with a final newline."""
    if rel.startswith("location_details/"):
        return json.dumps(data, indent=4, sort_keys=True)
    return json.dumps(data, indent=4) + "\n"


def write_api_example(out: Path, rows: list[dict[str, str]]) -> list[Path]:
    """Write the example API folder under `out` (replacing its JSON files) and return the paths written."""
    files = api_responses(rows)
    for old in sorted(out.rglob("*.json")) if out.is_dir() else []:
        if old.relative_to(out).as_posix() not in files:
            old.unlink()
    written = []
    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _text(rel, files[rel])
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
