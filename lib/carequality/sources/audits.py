"""The council's own audits of the services it commissions (PAMMS, or the council's own tool): one row per audit.

An audit gives an overall rating and a grade for each domain on the council's scale. The scale and the domains are
the council's (params `options.audits`); PAMMS's are the default: four grades (Excellent, Good, Requires
Improvement, Poor) and six domains. The file has one column per domain, named as the domain is named in params.

The `notes` column is read (so a bad cell is named) and then dropped: notes never reach the model, so no output
can show them.

Read like every council file (sources/council_records.read_records): a cell that is not what its column expects,
a blank row inside the data, two audits of one location on one day, raise InputError naming the file, row and
column. A location id CQC's data does not know, and an audit dated after the period end, are data-quality rows
(model/records.py), never silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carequality.sources.council_records import Column, FileReport, RecordFormat, check_unique, read_records
from carequality.sources.dates import DateReading

#: PAMMS's overall rating scale, best first (the Provider Assessment and Market Management Solution, ADASS East).
PAMMS_SCALE: tuple[str, ...] = ("Excellent", "Good", "Requires Improvement", "Poor")
#: PAMMS's domains.
PAMMS_DOMAINS: tuple[str, ...] = (
    "Assessment, care planning and reviews",
    "Service user experience",
    "Care worker knowledge",
    "Staff training and recruitment",
    "Environment, equipment and safety",
    "Leadership, quality assurance and management",
)
#: Each PAMMS grade's place on CQC's scale (for the cross-table and the visit schedule).
PAMMS_CQC_EQUIVALENT: dict[str, str] = {
    "Excellent": "Outstanding",
    "Good": "Good",
    "Requires Improvement": "Requires improvement",
    "Poor": "Inadequate",
}
AUDIT_STATUSES: tuple[str, ...] = ("draft", "final")
#: The audit file's own columns, before the domains (notes come last).
FIXED_COLUMNS: tuple[str, ...] = ("location_id", "audit_date", "auditor", "overall_rating", "status")
NOTES = "notes"


def audit_format(scale: tuple[str, ...] = PAMMS_SCALE, domains: tuple[str, ...] = PAMMS_DOMAINS) -> RecordFormat:
    """The audit file's layout for a council's scale and domains: the fixed columns, one per domain, then notes."""
    grades = ", ".join(scale)
    columns = (
        Column("location_id", "location_id", "CQC location id of the audited service", "1-117886088"),
        Column("audit_date", "date", "Date of the audit", "2025-09-15"),
        Column("auditor", "text", "Auditor or team who carried out the audit", "Quality assurance team"),
        Column(
            "overall_rating", "choice", f"Overall rating on the council's scale ({grades})", scale[1], choices=scale
        ),
        Column("status", "choice", "draft while the audit is open, final once agreed", "final", choices=AUDIT_STATUSES),
        *(
            Column(
                d,
                "choice",
                f"Grade for this domain ({grades}); blank if not assessed",
                scale[1],
                blank_ok=True,
                choices=scale,
            )
            for d in domains
        ),
        Column(
            NOTES,
            "text",
            "The auditor's notes: read, then left out of every report and spreadsheet",
            "Follow-up visit booked",
            optional=True,
            blank_ok=True,
        ),
    )
    return RecordFormat(
        "audits",
        "Quality audits",
        "One row per audit of a service by the council's quality assurance team, with its overall rating and a "
        "grade for each domain on the council's scale.",
        columns,
    )


#: The blank template's format: PAMMS's scale and domains.
AUDITS = audit_format()


def load_audits(
    path: str | Path,
    data_quality: list[dict] | None = None,
    fmt: RecordFormat = AUDITS,
    *,
    reading: DateReading | None = None,
    sheet: str | None = None,
    report: FileReport | None = None,
) -> pd.DataFrame:
    """audits_by_location_date: location_id, audit_date, auditor, overall_rating, status, one column per domain, row.
    The notes column is dropped here. `reading`, `sheet`, `report`: as for every council file (read_records)."""
    path = Path(path)
    frame = read_records(path, fmt, data_quality, reading=reading, sheet=sheet, report=report)
    check_unique(frame, ["location_id", "audit_date"], path, "location and audit date")
    frame = frame.drop(columns=[NOTES], errors="ignore")
    return frame.sort_values(["audit_date", "location_id"], kind="stable").reset_index(drop=True)


def domain_columns(fmt: RecordFormat) -> list[str]:
    """The domains of an audit format, in order."""
    return [c.name for c in fmt.columns if c.name not in (*FIXED_COLUMNS, NOTES)]
