"""Where the money goes (Leicester 4.2 to 4.5): people funded and spend by service type, and the shares with services
rated Good or Outstanding and below Good (measures/spend.py); care home beds in the area beside the people the
council funds in them. Spend is the period's flow: the sentences say "in the year", never "at" a date."""

from __future__ import annotations

from carequality.measures import qa
from carequality.measures import spend as m
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.publication import people_text, suppress_people, suppression_note
from carequality.present.tables import Table
from carequality.present.text import format_percent, long_date, period_noun, plural
from carequality.sections import Section


def _money(pounds: int) -> str:
    """£1.2m for a million or more, else £12,345."""
    return f"£{pounds / 1_000_000:,.1f}m" if pounds >= 1_000_000 else f"£{pounds:,}"


def spend_by_service_type(model: Model, params: ReportParams) -> Section:
    """By service type: locations, providers, people funded, the period's spend, and the shares of people and spend
    with services rated Good or Outstanding and below Good."""
    ctx = qa.qa_context(model, params)
    com = qa.commissioned(model, ctx)
    assert com is not None  # the registry gives this section only with a commissioned-services file
    frame = m.by_type(com)
    noun = period_noun(params.period.start, params.period.end)
    total = frame.iloc[-1]
    people_go = f"People at {m.GO} services (%)"
    paras = [
        f"Of the people {ctx.council} funded at the end of the {noun}, {format_percent(total[people_go])} were at "
        "services CQC rates Good or Outstanding."
    ]
    if m.spend_given(com):
        spend_go = f"Spend at {m.GO} services (%)"
        spent = _money(int(total[m.SPEND]))
        when = (
            f"in the year to {long_date(params.period.end)}"
            if noun == "year"
            else "in a year (the record gives each service's yearly spend)"
        )
        paras.append(
            f"The council spent {spent} on these services {when}; {format_percent(total[spend_go])} of it went to "
            "services rated Good or Outstanding."
        )
    else:
        paras.append(
            "The council's record of commissioned services gives no spend, so where the money goes is not shown."
        )
    beds = m.care_home_beds(model.locations, com)
    if beds.beds is not None:
        paras.append(
            f"The area's {plural(beds.homes, 'care home')} {'has' if beds.homes == 1 else 'have'} "
            f"{plural(beds.beds, 'registered bed')}"
            + (f" (beds known for {beds.homes_with_beds})" if beds.homes_with_beds < beds.homes else "")
            + f"; the council funds {people_text(beds.people, ctx.threshold)} in them."
        )
    else:
        paras.append(
            f"The council funds {people_text(beds.people, ctx.threshold)} in the area's "
            f"{plural(beds.homes, 'care home')}; CQC's data used here do not give their beds."
        )
    notes = [
        "People funded: at the end of the period. Spend in a year: the council's yearly spend at each service, from its record of commissioned services. Shares are of the whole "
        "row, services not yet rated or not found in CQC's data included, so Good or Outstanding and below Good need "
        "not add up to 100%.",
        "Below Good: rated Requires improvement or Inadequate by CQC.",
    ]
    formats = {c: "percent" for c in frame.columns if c.endswith("(%)")}
    frame, people_fmt, hidden = suppress_people(frame, "People funded", ctx.threshold, total_row=True)
    formats["People funded"] = people_fmt
    if hidden and ctx.threshold is not None:
        notes.append(suppression_note(ctx.threshold))
    table = Table(
        "spend_by_service_type",
        "People funded and spend by service type, and the shares with services rated Good or Outstanding",
        frame,
        formats=formats,
        footnotes=notes,
    )
    return Section("spend_by_service_type", "Where the money goes", paras, [table])
