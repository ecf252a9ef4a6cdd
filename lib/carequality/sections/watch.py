"""The provider watch list: every commissioned or high-risk location with its status and early warnings
(measures/watch.py). The report prints it on the landscape annex pages; the renderer also writes it as
watch_list.xlsx for placement teams. A published report leaves it out (it names every location)."""

from __future__ import annotations

import pandas as pd

from carequality.facts import slug
from carequality.measures import qa
from carequality.measures import watch as m
from carequality.measures.facts import FactSet
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.facts import say
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
    m.LOW_NO_RISK: "commissioned, rated Requires improvement or Inadequate, and on no level of the risk register",
    m.LOW_NO_VISIT: "commissioned, rated Requires improvement or Inadequate, and not visited by the quality "
    "assurance team since that rating was published",
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
            "Area": [council if a else "Other area" if k else "Not known" for a, k in zip(w["in_area"], w["known"])],
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
    paras, facts = _watch_sentences(w, counts, used, params)
    return Section("watch_list", "Provider watch list", paras, [table], facts=facts)


def _watch_sentences(w: pd.DataFrame, counts: dict, used: list[str], params: ReportParams) -> tuple[list, list]:
    """The list's size by what puts a location on it, as facts: the commissioned locations CQC's data know (the
    number every other section gives), the ids CQC's data do not know, and the others at a high risk level."""
    council = params.council.name
    f = FactSet("watch", as_of=params.period.end, source="commissioned_services")
    rows = f.count("rows", len(w), "Rows of the provider watch list.", "location")
    known = f.keep_as(
        "qa.market.locations",
        (w["commissioned"] & w["known"]).sum(),
        f"CQC-registered locations {council} commissions.",
        "location",
    )
    unknown = f.count(
        "commissioned_unknown",
        (w["commissioned"] & ~w["known"]).sum(),
        f"Location ids in {council}'s record of commissioned services not in CQC's data.",
        "location id",
    )
    other = f.count(
        "high_risk_other",
        (~w["commissioned"]).sum(),
        "Locations on the list only for their high risk level.",
        "location",
    )
    level = f.setting(
        "high_risk_from_level",
        params.options.high_risk_from_level,
        "The risk level from which the council counts a provider as high risk.",
    )
    parts = [f"{count_phrase(known, 'location')} {council} commissions"]
    if unknown.value:
        parts.append(f"{plural(unknown, 'location id')} in {council}'s record of them that CQC's data do not hold")
    parts.append(f"{count_phrase(other, 'other location')} at risk level {say(level)} or above")
    paras = [
        f"The watch list has {plural(rows, 'row')}: {join_words(parts)}. Placement teams also get it as a "
        "spreadsheet of its own."
    ]
    if used:
        flagged = []
        for flag in used:
            n = f.count(f"flag.{slug(flag)}", counts[flag], f"Locations on the watch list flagged {flag}.", "location")
            flagged.append(f"{flag} at {plural(n, 'location')}")
        paras.append(f"Early warnings: {join_words(flagged)}.")
    else:
        paras.append("No location on the watch list has an early warning.")
    return paras, f.made
