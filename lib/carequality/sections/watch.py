"""The provider watch list: every commissioned or high-risk location with its status and early warnings
(measures/watch.py). The report prints it on the landscape annex pages; the renderer also writes it as
watch_list.xlsx for placement teams. A published report leaves it out (it names every location)."""

from __future__ import annotations

import pandas as pd

from carequality.measures import qa
from carequality.measures import watch as m
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.tables import Table
from carequality.present.text import count_phrase, join_words, long_date, plural, upper_first
from carequality.sections import Section

#: What each early warning means, for the table's notes.
FLAG_NOTES = {
    m.RATING_FELL: "the overall rating is lower than at the end of the previous period",
    m.NO_MANAGER: "CQC records that the service has no registered manager",
    m.OVERDUE: "the last inspection is older than the council's limit",
    m.NEVER_INSPECTED: "registered before that limit and not yet inspected",
    m.DEREGISTERED: "the council funds people there but CQC lists it as closed",
    m.DORMANT: "the council funds people there but CQC lists it as dormant",
    m.NOT_FOUND: "the location id in the council's records is not in CQC's data",
}


def watch_list(model: Model, params: ReportParams) -> Section:
    """Every commissioned or high-risk location: risk level, suspension, rating, inspection, last visit, people
    funded and early warnings, most concerning first."""
    ctx = qa.qa_context(model, params)
    w = m.watch_list(model, params, ctx)
    council = params.council.name
    end = long_date(params.period.end)
    months = params.options.inspection_overdue_months
    frame = pd.DataFrame(
        {
            "Location": w["location_name"].fillna("").astype(str).replace({"": "Name not known"}),
            "CQC location ID": w["location_id"],
            "Provider": w["provider_name"].fillna("").astype(str),
            "Area": w["in_area"].map({True: council, False: "Other area"}),
            "Risk level": w["risk_level"],
            # Yes or No for a location with an open case on the risk register; blank (not applicable) without one.
            "Placements suspended": w["suspended"].map({True: "Yes", False: "No"}).where(w["risk_level"].notna(), None),
            "CQC rating": w["overall_rating"].fillna("").astype(str).replace({"nan": ""}),
            "Rating published": w["rating_date"],
            "Months since inspection": w["months_since_inspection"],
            "Last QA visit": w["last_visit"],
            "People funded": w["people_funded"],
            "Early warnings": w["flags"].map(lambda fs: "; ".join(upper_first(f) for f in fs)),
        }
    )
    counts = m.flag_counts(w)
    used = [f for f in m.FLAGS if counts[f]]
    notes = [
        f"Every location {council} commissions, and every location at risk level "
        f"{params.options.high_risk_from_level} or above on the risk register on {end}, most concerning first: "
        "highest risk level, placements suspended, most early warnings, lowest rating.",
        f"Inspection overdue: the last inspection was more than {plural(months, 'month')} before {end}.",
        *[f"{upper_first(f)}: {FLAG_NOTES[f]}." for f in used if f != m.OVERDUE],
        "Risk level: the highest of the location's open cases on the risk register; blank when it has none, and "
        "then placements suspended is blank too.",
    ]
    table = Table(
        "watch_list",
        f"Provider watch list: commissioned and high-risk locations, {end}",
        frame,
        formats={
            "Rating published": "date",
            "Last QA visit": "date",
            "Risk level": "int",
            "Months since inspection": "int",
            "People funded": "int",
        },
        blanks={"Risk level": "[z]", "Placements suspended": "[z]", "Last QA visit": "[z]"},
        footnotes=notes,
    )
    n = len(w)
    commissioned = int(w["commissioned"].sum())
    paras = [
        f"The watch list has {plural(n, 'location')}: {count_phrase(commissioned, 'location')} {council} "
        f"commissions and {count_phrase(n - commissioned, 'other location')} at risk level "
        f"{params.options.high_risk_from_level} or above. Placement teams also get it as a spreadsheet of its own."
    ]
    if used:
        parts = [f"{f} at {plural(counts[f], 'location')}" for f in used]
        paras.append(f"Early warnings: {join_words(parts)}.")
    else:
        paras.append("No location on the watch list has an early warning.")
    return Section("watch_list", "Provider watch list", paras, [table])
