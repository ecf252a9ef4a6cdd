"""The council's own QA records (sources/council_records.py) joined to CQC's data: loaded for the council,
location ids CQC does not know listed under data quality, and each row given its CQC attributes.

Words: a location is *commissioned* when it is in the commissioned-services file; *in area* when CQC lists
it under the council (the model's `locations`); a location is *known* when CQC's data (the latest ratings or
the ratings history, in any area) has its id.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from carequality.params import ReportParams
from carequality.sources.audits import audit_format, load_audits
from carequality.sources.council_records import LOADERS as RECORD_LOADERS
from carequality.sources.council_records import CouncilRecords, load_council_records
from carequality.sources.council_records import as_of as records_as_of
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
    """Data-quality rows: every row of a council file whose location id CQC's data does not know."""
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
        "audits": ("audits_by_location_date", "counted in the audits by rating; left out of the comparison with CQC"),
    }
    out = []
    for name, (attr, effect) in what.items():
        frame = getattr(records, attr)
        if frame is None or name not in records.files:
            continue
        bad = frame[~frame["location_id"].isin(known)].sort_values("row")
        for r in bad.itertuples():
            out.append(
                {
                    "file": records.files[name].name,
                    "row": int(r.row),
                    "location_id": r.location_id,
                    "issue": f"location id not found in CQC's data; {effect}",
                }
            )
    return pd.DataFrame(out, columns=["file", "row", "location_id", "issue"])


def with_cqc(frame: pd.DataFrame, lookup: pd.DataFrame, in_area_ids: set[str]) -> pd.DataFrame:
    """Rows of a council file with their CQC attributes, `known` (CQC knows the id) and `in_area`."""
    out = frame.copy()
    known = out["location_id"].isin(set(lookup.index))
    for c in LOOKUP_COLUMNS[1:]:
        out[c] = out["location_id"].map(lookup[c]) if len(lookup) else None
    out["known"] = known
    out["in_area"] = out["location_id"].isin(in_area_ids)
    return out


def add_council_records(model: Model, params: ReportParams) -> Model:
    """Load the council's QA files named in params; list their location ids unknown to CQC's data under data quality."""
    paths = {n: p for n, p in params.input_paths().items() if n in RECORD_LOADERS}
    audits = params.path(params.inputs.audits) if params.inputs.audits is not None else None
    if not paths and audits is None:
        return model
    model.records = load_council_records(paths)
    late = pd.DataFrame(columns=["file", "row", "location_id", "issue"])
    if audits is not None:
        late = add_audits(model.records, audits, params)
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
        as_of = (
            audits_as_of(model.records.audits_by_location_date)
            if name == "audits"
            else records_as_of(model.records, name, params.period.end, params.period.previous.end)
        )
        model.inputs.append(
            InputFile(name=name, path=path, sha256=sha256_of(path), as_of=as_of, note="council record (docs/inputs.md)")
        )
    return model


def add_audits(records: CouncilRecords, path: Path, params: ReportParams) -> pd.DataFrame:
    """Load the audit file with the council's scale and domains into `records`; audits dated after the period end
    are left out and returned as data-quality rows (file, row, location_id, issue)."""
    a = params.options.audits
    dq: list[dict] = []
    frame = load_audits(path, dq, audit_format(a.scale, a.domains))
    end = pd.Timestamp(params.period.end)
    after = frame[frame["audit_date"] > end]
    rows = [
        {
            "file": path.name,
            "row": int(r.row),
            "location_id": r.location_id,
            "issue": f"audit dated {r.audit_date.date().isoformat()}, after the period end; left out of every count",
        }
        for r in after.itertuples()
    ]
    records.audits_by_location_date = frame[frame["audit_date"] <= end].reset_index(drop=True)
    records.files["audits"] = path
    return pd.DataFrame(dq + rows, columns=["file", "row", "location_id", "issue"])


def audits_as_of(frame: pd.DataFrame | None) -> str | None:
    """The latest audit date kept (for the method note)."""
    if frame is None or not len(frame):
        return None
    return frame["audit_date"].max().date().isoformat()
