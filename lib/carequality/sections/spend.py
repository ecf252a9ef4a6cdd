"""Where the money goes (Leicester 4.2 to 4.5): people funded and spend by service type, and the shares with services
rated Good or Outstanding and below Good (measures/spend.py); care home beds in the area beside the people the
council funds in them. Spend is the period's flow: the sentences say "in the year", never "at" a date."""

from __future__ import annotations

import datetime as dt

from carequality.facts import setting
from carequality.measures import qa
from carequality.measures import spend as m
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.facts import say
from carequality.present.publication import suppress_people, suppression_note
from carequality.present.tables import Table
from carequality.present.text import has_have, long_date, period_noun
from carequality.sections import Section


def spend_by_service_type(model: Model, params: ReportParams) -> Section:
    """By service type: locations, providers, people funded, the period's spend, and the shares of people and spend
    with services rated Good or Outstanding and below Good."""
    ctx = qa.qa_context(model, params)
    com = qa.commissioned(model, ctx)
    assert com is not None  # the registry gives this section only with a commissioned-services file
    frame = m.by_type(com)
    noun = period_noun(params.period.start, params.period.end)
    beds = m.care_home_beds(model.locations, com)
    f = m.spend_facts(com, beds, params.period.start, params.period.end)
    paras = [
        f"Of the people {ctx.council} funded at the end of the {noun}, {say(f['people_good'])} were at services CQC "
        "rates Good or Outstanding."
    ]
    if "spend" in f:
        p = params.period
        a_year = p.start.day == 1 and (p.end + dt.timedelta(days=1)) == p.start.replace(year=p.start.year + 1)
        when = (
            f"in the year to {long_date(p.end)}"
            if a_year
            else "in a year (the record gives each service's yearly spend)"
        )
        paras.append(
            f"The council spent {say(f['spend'])} on these services {when}; {say(f['spend_good'])} of it went to "
            "services rated Good or Outstanding."
        )
    else:
        paras.append(
            "The council's record of commissioned services gives no spend, so where the money goes is not shown."
        )
    funded = say(f["people_in_homes"], noun=True)
    if ctx.threshold is not None and 0 < beds.people < ctx.threshold:
        f["threshold"] = setting("settings.suppress_below", ctx.threshold, "Counts of people below this are not shown.")
        funded = f"fewer than {say(f['threshold'])} people"
    if "beds" in f:
        known = f" (beds known for {say(f['homes_with_beds'])})" if beds.homes_with_beds < beds.homes else ""
        paras.append(
            f"The area's {say(f['homes'], noun=True)} {has_have(beds.homes)} {say(f['beds'], noun=True)}{known}; the "
            f"council commissions {say(f['homes_commissioned'], zero='none')} of them and funds {funded} there."
        )
    else:
        paras.append(
            f"The council commissions {say(f['homes_commissioned'], zero='none')} of the area's "
            f"{say(f['homes'], noun=True)} and funds {funded} there; CQC's data used here do not give their beds."
        )
    notes = [
        "People funded: at the end of the period. Spend in a year: the council's yearly spend at each service, from its record of commissioned services. Shares are of the whole "
        "row, services not yet rated or not found in CQC's data included, so Good or Outstanding and below Good need "
        "not add up to 100%.",
        "Below Good: rated Requires improvement or Inadequate by CQC.",
        "Providers: a provider with services of more than one type is counted under each, and once in the total.",
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
        total_not_sum=("Providers",),
    )
    section = Section("spend_by_service_type", "Where the money goes", paras, [table])
    section.state(*f.values())
    return section
