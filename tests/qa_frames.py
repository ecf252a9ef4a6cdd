"""Small models, params and histories built in tests for the QA-records sections (no files read)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from carequality import vocab
from carequality.sources.frames import History, normalise_locations, normalise_outcomes
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.sources.council_records import CouncilRecords

ALL_INPUTS = {
    "cqc_ratings": "cqc.csv", "commissioned_services": "com.csv", "risk_register": "risk.csv",
    "qa_visits": "visits.csv", "inspection_themes": "themes.csv", "theme_offers": "offers.csv",
}


def params(code: str = "E06000014", name: str = "York", start: str = "2025-04-01", end: str = "2026-03-31",
           previous: bool = False, **options) -> ReportParams:
    inputs = dict(ALL_INPUTS)
    if previous:
        inputs["commissioned_services_previous"] = "com_prev.csv"
    return ReportParams.model_validate({
        "council": {"code": code, "name": name}, "period": {"start": start, "end": end},
        "inputs": inputs, "options": options, "base_dir": Path("."),
    })


def location(location_id: str, la: str, overall: str = "Good", *, category: str = vocab.RESIDENTIAL,
             provider_id: str | None = None, name: str | None = None, published: str | None = "2024-01-15") -> dict:
    return {
        "location_id": location_id, "location_name": name or f"Service {location_id}",
        "provider_id": provider_id if provider_id is not None else f"P{location_id}",
        "provider_name": f"Provider of {provider_id or location_id}", "brand_name": "-",
        "location_type": "Social Care Org", "category": category, "care_home": category == vocab.RESIDENTIAL,
        "street": "", "city": "", "postcode": "", "local_authority": la, "region": "", "url": "",
        "overall_rating": overall, "publication_date": pd.Timestamp(published) if published else pd.NaT,
        "inherited": False,
    }


def locations_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(location("x", "y").keys()))
    frame["overall_rating"] = frame["overall_rating"].astype(vocab.RATING_DTYPE)
    return frame.sort_values("location_id").reset_index(drop=True)


def kq_frame(ratings: dict[str, dict[str, str]], published: str = "2024-01-15") -> pd.DataFrame:
    """location id → {key question: rating} as ratings_by_location_key_question."""
    rows = [{"location_id": loc, "key_question": q, "rating": r, "publication_date": pd.Timestamp(published),
             "inherited": False, "row": 0} for loc, by_q in ratings.items() for q, r in by_q.items()]
    frame = pd.DataFrame(rows, columns=["location_id", "key_question", "rating", "publication_date", "inherited", "row"])
    frame["rating"] = frame["rating"].astype(vocab.RATING_DTYPE)
    return frame


def model(all_locations: list[dict], council_la: str, *, records: CouncilRecords | None = None,
          kq: pd.DataFrame | None = None, history: History | None = None, data_quality: pd.DataFrame | None = None) -> Model:
    every = locations_frame(all_locations)
    here = every[every["local_authority"] == council_la].reset_index(drop=True)
    if kq is None:
        kq = kq_frame({r.location_id: {"Overall": str(r.overall_rating)} for r in here.itertuples()})
    return Model(
        council_names=(council_la,), locations=here, ratings_by_location_key_question=kq,
        service_groups_by_location=pd.DataFrame(columns=["location_id", "service_group"]),
        data_quality=data_quality if data_quality is not None else pd.DataFrame(columns=["file", "row", "location_id", "issue"]),
        excluded_by_location_type=pd.DataFrame(columns=["location_type", "rows", "locations"]),
        inputs=[], as_of=pd.Timestamp("2026-03-01"), cqc_locations_all=every,
        records=records or CouncilRecords(), history=history,
    )


def commissioned(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """(location_id, service_type, funded_clients) rows as commissioned_by_location."""
    frame = pd.DataFrame([{"location_id": i, "service_type": t, "funded_clients": n, "contract_type": "",
                           "annual_spend": None, "row": k + 2} for k, (i, t, n) in enumerate(rows)],
                         columns=["location_id", "service_type", "funded_clients", "contract_type", "annual_spend", "row"])
    frame["funded_clients"] = frame["funded_clients"].astype("Int64")
    frame["annual_spend"] = frame["annual_spend"].astype("Float64")
    return frame


def risk(rows: list[dict]) -> pd.DataFrame:
    """Risk register rows (case_ref, location_id, risk_level, opened, closed …) as risk_by_case_opened."""
    defaults = {"closed": None, "lead_authority": "", "funded_residents": None, "concerns": "", "actions": "",
                "placements_suspended": False}
    frame = pd.DataFrame([defaults | r | {"row": k + 2} for k, r in enumerate(rows)])
    frame["opened"] = pd.to_datetime(frame["opened"]).astype("datetime64[ns]")
    frame["closed"] = pd.to_datetime(frame["closed"]).astype("datetime64[ns]")
    frame["risk_level"] = frame["risk_level"].astype("Int64")
    frame["funded_residents"] = frame["funded_residents"].astype("Int64")
    frame["placements_suspended"] = frame["placements_suspended"].astype("boolean")
    return frame


def visits(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame([{"location_id": i, "visit_date": pd.Timestamp(d), "visit_type": t, "outcome": o, "row": k + 2}
                          for k, (i, d, t, o) in enumerate(rows)],
                         columns=["location_id", "visit_date", "visit_type", "outcome", "row"])
    frame["visit_date"] = frame["visit_date"].astype("datetime64[ns]")
    return frame


def history(outcomes: list[tuple[str, str, str, str]], locations_all: list[dict]) -> History:
    """outcomes: (location_id, report_date, key_question, rating); locations_all: dicts of history.LOCATION_COLUMNS."""
    o = pd.DataFrame([{"location_id": i, "report_date": d, "key_question": q, "rating": r, "source": "test"}
                      for i, d, q, r in outcomes], columns=["location_id", "report_date", "key_question", "rating", "source"])
    return History(normalise_outcomes(o), normalise_locations(pd.DataFrame(locations_all)))


def history_location(location_id: str, la: str, *, category: str = vocab.RESIDENTIAL, provider_id: str | None = None,
                     registered: str = "2010-01-01", deregistered: str | None = None) -> dict:
    return {"location_id": location_id, "location_name": f"Service {location_id}",
            "provider_id": provider_id or f"P{location_id}", "provider_name": "", "category": category,
            "care_home": category == vocab.RESIDENTIAL, "local_authority": la, "region": "",
            "registration_date": registered, "deregistration_date": deregistered,
            "registration_status": "Deregistered" if deregistered else "Registered", "location_type": "Social Care Org"}


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)
