"""The council's own QA records (sources/council_records.py) joined to CQC's data: loaded for the council,
location ids CQC does not know listed under data quality, and each row given its CQC attributes.

Words: a location is *commissioned* when it is in the commissioned-services file; *in area* when CQC lists
it under the council (the model's `locations`); a location is *known* when CQC's data (the latest ratings or
the ratings history, in any area) has its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from carequality.councils import closest_council_name, find_any_council
from carequality.errors import InputError
from carequality.params import ReportParams
from carequality.sources.council_records import FILE_FORMAT, FORMATS, CouncilRecords, load_council_records, raise_all
from carequality.sources.council_records import LOADERS as RECORD_LOADERS
from carequality.sources.council_records import as_of as records_as_of
from carequality.sources.dates import DateReading
from carequality.sources.provenance import InputFile, sha256_of

if TYPE_CHECKING:
    from carequality.model.build import Model

LOOKUP_COLUMNS = (
    "location_id",
    "location_name",
    "provider_id",
    "provider_name",
    "category",
    "local_authority",
    "overall_rating",
)


def provider_key(provider_id: pd.Series, location_id: pd.Series) -> pd.Series:
    """The provider a row counts under: its CQC provider id, or (when CQC gives none) the location itself."""
    pid = provider_id.fillna("").astype(str)
    return pid.where(pid != "", location_id)


def known_location_ids(model: Model) -> set[str]:
    """Location ids CQC's data knows: the ratings file (any area) and the ratings history, if given."""
    known = set(model.cqc_locations_all["location_id"]) if "location_id" in model.cqc_locations_all else set()
    history = model.history
    if history is not None:
        known |= set(history.locations_all["location_id"])
    return known


def location_lookup(
    cqc_locations_all: pd.DataFrame,
    history_locations_all: pd.DataFrame | None = None,
    history_overall: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per known location (index location_id): name, provider, category, local authority, overall rating.

    The ratings file wins; locations only the history knows (closed since) take their rating from
    `history_overall` (ratings at the period end), or none.
    """
    cols = list(LOOKUP_COLUMNS)
    current = cqc_locations_all.reindex(columns=cols) if len(cqc_locations_all) else pd.DataFrame(columns=cols)
    frames = [current]
    if history_locations_all is not None and len(history_locations_all):
        extra = history_locations_all[~history_locations_all["location_id"].isin(set(current["location_id"]))]
        extra = extra.reindex(columns=cols)
        if history_overall is not None:
            extra = extra.assign(overall_rating=extra["location_id"].map(history_overall))
        frames.append(extra)
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else current
    out = out.assign(overall_rating=out["overall_rating"].astype(object))
    return out.drop_duplicates("location_id").set_index("location_id").sort_index()


def unknown_location_rows(records: CouncilRecords, known: set[str]) -> pd.DataFrame:
    """Data-quality rows: every row of a council file whose location id CQC's data does not know, with the nearest
    id the council or CQC knows beside it (`nearest_known_id`) where one is a typing slip away."""
    what = {
        "commissioned_services": (
            "commissioned_by_location",
            "counted in people funded; left out of the counts by rating, by area and of providers",
        ),
        "commissioned_services_previous": (
            "commissioned_previous_by_location",
            "counted in people funded in the previous period; left out of its counts by rating, area and provider",
        ),
        "risk_register": (
            "risk_by_case_opened",
            "counted in the risk levels; left out of the high-risk tables (area unknown)",
        ),
        "qa_visits": ("visits_by_location_date", "counted in visits, as area not known"),
        "inspection_themes": ("issues_by_location_report", "its issues are counted in the themes"),
    }
    council_ids = council_id_places(records, known)
    frames = [getattr(records, attr) for attr, _ in what.values() if getattr(records, attr) is not None]
    typed = {str(i) for f in frames for i in f["location_id"] if i not in known}
    nearest = nearest_known_ids(typed, council_ids, known)
    out = []
    for name, (attr, effect) in what.items():
        frame = getattr(records, attr)
        if frame is None or name not in records.files:
            continue
        bad = frame[~frame["location_id"].isin(known)].sort_values("row")
        for r in bad.itertuples():
            near = nearest[str(r.location_id)]
            out.append(
                {
                    "file": records.files[name].name,
                    "row": int(r.row),
                    "location_id": r.location_id,
                    "issue": f"location id not found in CQC's data{_did_you_mean(near, council_ids)}; {effect}",
                }
            )
    return pd.DataFrame(out, columns=["file", "row", "location_id", "issue"])


def _did_you_mean(near: str | None, council_ids: dict[str, str]) -> str:
    if near is None:
        return ""
    where = f", as in {council_ids[near]}" if near in council_ids else ", a location in CQC's data"
    return f" (nearest known id: {near}{where})"


def council_id_places(records: CouncilRecords, known: set[str]) -> dict[str, str]:
    """Every location id CQC knows that the council's own files hold → where it first appears ("risk_register.csv
    row 5"): the ids a mistyped id most likely meant."""
    places: dict[str, str] = {}
    for name, (attr, _) in RECORD_LOADERS.items():
        frame = getattr(records, attr)
        if frame is None or "location_id" not in frame.columns or name not in records.files:
            continue
        for loc, row in sorted(zip(frame["location_id"], frame["row"]), key=lambda x: x[1]):
            if loc in known:
                places.setdefault(loc, f"{records.files[name].name} row {int(row)}")
    return places


def nearest_known_id(typed: str, council_ids: Collection[str], known: Collection[str]) -> str | None:
    """The id `typed` most likely meant (see nearest_known_ids)."""
    return nearest_known_ids([typed], council_ids, known)[typed]


def nearest_known_ids(
    typed: Collection[str], council_ids: Collection[str], known: Collection[str]
) -> dict[str, str | None]:
    """Each typed id → the id it most likely meant: one or two typing slips away (a character changed, added or
    dropped, two neighbours swapped: the optimal string alignment distance), an id in the council's own files
    first, then any id CQC knows; the nearer first, then the smaller. None when none is that near.

    rapidfuzz compares every typed id with every id of CQC's national file at once, in C++ (2 ms an id)."""
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import cdist

    out: dict[str, str | None] = dict.fromkeys(typed)
    todo = sorted(out)
    for pool in (sorted(council_ids), sorted(known)):
        for start in range(0, len(todo) if pool else 0, 256):
            chunk = todo[start : start + 256]
            distances = cdist(chunk, pool, scorer=OSA.distance, score_cutoff=2, dtype=np.uint8, workers=1)
            for t, row in zip(chunk, distances):
                best = int(row.min())
                if 0 < best <= 2:
                    out[t] = pool[int(np.flatnonzero(row == best)[0])]
        todo = [t for t in todo if out[t] is None]
    return out


def with_cqc(frame: pd.DataFrame, lookup: pd.DataFrame, in_area_ids: set[str]) -> pd.DataFrame:
    """Rows of a council file with their CQC attributes, `known` (CQC knows the id) and `in_area`."""
    out = frame.copy()
    known = out["location_id"].isin(set(lookup.index))
    for c in LOOKUP_COLUMNS[1:]:
        out[c] = out["location_id"].map(lookup[c]) if len(lookup) else None
    out["known"] = known
    out["in_area"] = out["location_id"].isin(in_area_ids)
    return out


def lead_councils(records: CouncilRecords, params: ReportParams) -> None:
    """Name each risk case's lead council (risk register column lead_authority) as the report names councils: the
    report's own council by its name in the params file, any other by its name in the councils table. A council is
    found by anything `carequality params new` accepts (an ONS code or a name as people write it: 'Leeds City
    Council' is Leeds), so the council itself is never taken for another; a name of no council is refused."""
    frame = records.risk_by_case_opened
    if frame is None or "lead_authority" not in frame or "risk_register" not in records.files:
        return
    given = frame["lead_authority"].fillna("").astype(str).str.strip()
    names: dict[str, str] = {}
    errors: list[InputError] = []
    for text, row in zip(given, frame["row"]):
        if not text or text in names:
            continue
        try:
            c = find_any_council(text)
        except KeyError:
            near = closest_council_name(text)
            errors.append(
                InputError(
                    records.files["risk_register"],
                    f"{text!r} is not the name or ONS code of a council; expected a council as `carequality councils` "
                    "lists it (a name such as Leeds or Leeds City Council, or an ONS code such as E08000035), or blank "
                    "for the council of the location's area" + (f"; did you mean {near!r}?" if near else ""),
                    row=int(row),
                    column="lead_authority",
                )
            )
            continue
        names[text] = params.council.name if c.ons_code == params.council.code else c.name
    raise_all(errors)  # every unknown name at once
    frame["lead_authority"] = [names.get(t, "") if t else v for t, v in zip(given, frame["lead_authority"])]


def record_dates(records: CouncilRecords) -> pd.DataFrame:
    """Every date in the council's files: input name, file, row, location_id, column, date."""
    parts = []
    for name, path in records.files.items():
        frame = getattr(records, RECORD_LOADERS[name][0])
        if frame is None:
            continue
        for col in FORMATS[FILE_FORMAT[name]].columns:
            if col.kind != "date":
                continue
            has = frame[frame[col.name].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "input": name,
                        "file": path,
                        "row": has["row"].astype(int),
                        "location_id": has["location_id"] if "location_id" in has.columns else "",
                        "column": col.name,
                        "date": has[col.name],
                    }
                )
            )
    columns = ["input", "file", "row", "location_id", "column", "date"]
    return pd.concat(parts, ignore_index=True).sort_values(["file", "row"]) if parts else pd.DataFrame(columns=columns)


def late_record_dates(records: CouncilRecords, data_end: dt.date) -> pd.DataFrame:
    """Data-quality rows for dates after both the period end and CQC's data (`data_end`, the later of the two):
    kept, and said, because the report describes services as at that earlier date. (Dates after the day of the run
    or before the earliest date are refused as the files are read: sources.dates.DateReading.)"""
    dates = record_dates(records)
    late = dates[dates["date"] > pd.Timestamp(data_end)]
    return pd.DataFrame(
        {
            "file": [p.name for p in late["file"]],
            "row": late["row"].astype(object),
            "location_id": late["location_id"],
            "issue": [
                f"{c} {d.date().isoformat()} is after the period end and the CQC data's date "
                f"({data_end.isoformat()}); kept, but the report describes services as at that date"
                for c, d in zip(late["column"], late["date"])
            ],
        },
        columns=["file", "row", "location_id", "issue"],
    )


def add_council_records(model: Model, params: ReportParams, *, today: dt.date | None = None) -> Model:
    """Load the council's QA files named in params; list their location ids unknown to CQC's data under data quality.

    Every problem in every file is raised at once (CombinedInputError); `today` is the day of the run (dates after it are
    refused)."""
    paths = {n: p for n, p in params.input_paths().items() if n in RECORD_LOADERS}
    if not paths:
        return model
    today = today or dt.date.today()
    reading = DateReading(
        order=params.options.records_date_order,
        near_year=params.period.end.year,
        today=today,
        earliest=params.options.earliest_date,
    )
    sheets = {str(k): v for k, v in params.options.record_sheets.items()}
    model.records = load_council_records(paths, reading=reading, sheets=sheets)
    lead_councils(model.records, params)
    data_end = max(params.period.end, model.as_of.date() if model.as_of is not None else params.period.end)
    late = late_record_dates(model.records, data_end)
    unknown = unknown_location_rows(model.records, known_location_ids(model))
    # Rows the loaders kept but could not take as they are (a cell longer than a spreadsheet cell holds, say).
    found = [f for f in (model.records.data_quality, unknown, late) if f is not None and len(f)]
    if found:
        model.data_quality = (
            pd.concat([model.data_quality, *found], ignore_index=True)
            if len(model.data_quality)
            else pd.concat(found, ignore_index=True)
        )
    for name, path in model.records.files.items():
        as_of = records_as_of(model.records, name, params.period.end, params.period.previous.end)
        model.inputs.append(
            InputFile(name=name, path=path, sha256=sha256_of(path), as_of=as_of, note="council record (docs/inputs.md)")
        )
    return model
