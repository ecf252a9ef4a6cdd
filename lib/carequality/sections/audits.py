"""The council's own audits beside CQC's ratings, and where to visit next (measures/audits.py).

Sections that list services one by one (the disagreements, the whole visit schedule) are registry entries of their
own marked per_location and left out of the committee paper: neither a published report nor the paper names a
service whose audit is below Good. Audit notes never reach these sections (sources/audits.py drops them).
"""

from __future__ import annotations

import pandas as pd

from carequality.facts import Fact
from carequality.measures import audits as m
from carequality.measures import qa
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.facts import n_of_n, say
from carequality.present.tables import Table
from carequality.present.text import has_have, is_are, join_words, long_date, period_noun, plural
from carequality.sections import Section, location_columns

#: The id of the whole schedule's table, also written as visit_schedule.xlsx (run/exports.VISIT_SCHEDULE_TABLE).
VISIT_SCHEDULE_TABLE = "visit_schedule"
#: The audit record, as sentences name it.
AUDIT_RECORD = "the council's record of its quality audits"


def below_grades(scale: m.Scale) -> str:
    """'Requires Improvement or Poor': the council's grades below Good, in words ('' when none is)."""
    grades = [g for g in scale.grades if scale.below_good(g)]
    return ", ".join(grades[:-1]) + " or " + grades[-1] if len(grades) > 1 else "".join(grades)


def below_words(scale: m.Scale) -> str:
    """'below Good (Requires Improvement or Poor)': the council's grades below Good, in words."""
    grades = below_grades(scale)
    return f"below Good ({grades})" if grades else "below Good"


def _noun(params: ReportParams) -> str:
    return period_noun(params.period.start, params.period.end)


def _period_columns(frame: pd.DataFrame, noun: str) -> pd.DataFrame:
    return frame.rename(columns={"Previous period": f"Previous {noun}", "This period": f"This {noun}"})


def _audit_paras(f: m.AuditFacts, noun: str, below: str) -> list[str]:
    """The audit results' sentences, every number from its fact."""
    paras = [
        f"The quality assurance team completed {say(f.now, noun=True)} of {say(f.services, noun=True)} in the "
        f"{noun}, against {say(f.before, noun=True)} in the previous {noun}."
    ]
    if f.now.value:
        paras[0] += f" Of this {noun}'s audits, {n_of_n(f.below_good)} rated the service {below}."
    if f.drafts.value:
        paras.append(
            f"{say(f.drafts, noun=True)} dated in the {noun} {is_are(int(f.drafts.value))} not yet final and not "
            "counted."
        )
    if f.top_domain is not None:
        paras.append(
            "Services most often fell short in {domain}, graded below Good by "
            f"{n_of_n(f.top_domain)} of the audits that graded it."
        )
    if f.unaudited is not None:
        paras.append(
            f"Of the services the council commissions, {n_of_n(f.unaudited)} had no audit in the {noun}."
            if f.unaudited.numerator
            else f"Every service the council commissions had an audit in the {noun}."
        )
    return paras


def audit_results(model: Model, params: ReportParams) -> Section:
    """Final audits in the period by overall rating against the previous period, the domains where services most
    often fall short, and the commissioned services with no audit in the period."""
    ctx = qa.qa_context(model, params)
    s = m.audit_summary(model, params, ctx)
    noun = _noun(params)
    below = below_words(s.scale)
    f = m.audit_facts(s, params, noun)
    paras = [p.replace("{domain}", str(s.domains["Domain"].iloc[0]).lower()) for p in _audit_paras(f, noun, below)]
    tables = [
        Table(
            "audit_ratings",
            f"Audits by overall rating: this {noun} and the previous {noun}",
            _period_columns(s.by_rating, noun),
            footnotes=[
                f"Final audits dated in each {noun}, on the council's own scale. Change: this {noun} less the "
                f"previous {noun}."
            ],
        )
    ]
    if s.now:
        tables.append(
            Table(
                "audit_domains",
                f"Audit domains graded below Good this {noun}, most often first",
                s.domains,
                formats={"Below Good (%)": "percent"},
                footnotes=[f"Below Good: {below[len('below Good (') : -1] if '(' in below else below}."],
            )
        )
    section = Section("audit_results", "The council's own audits", paras, tables)
    section.state(*[x for x in vars(f).values() if x is not None])
    return section


def audit_gaps(model: Model, params: ReportParams) -> Section:
    """The commissioned services with no final audit in the period, by name (a section of its own: it can name a
    service whose last audit was below Good, so the committee paper and a publication leave it out)."""
    ctx = qa.qa_context(model, params)
    s = m.audit_summary(model, params, ctx)
    noun = _noun(params)
    if s.unaudited is None:
        return Section("audit_gaps", "Services with no audit", [])  # the registry asks for the record; kept safe
    paras = [
        f"The services the council commissions that had no final audit in the {noun}, for the team's planning."
        if len(s.unaudited)
        else f"Every service the council commissions had an audit in the {noun}."
    ]
    tables = []
    if len(s.unaudited):
        frame = pd.DataFrame(location_columns(s.unaudited))
        frame["Location"] = frame["Location"].fillna("").astype(str).replace({"": "Name not known"})
        tables.append(
            Table(
                "audit_not_audited",
                f"Commissioned services with no audit this {noun}",
                frame.reset_index(drop=True),
                footnotes=["Services with only a draft audit are listed: a draft is not counted until final."],
            )
        )
    return Section("audit_gaps", "Services with no audit", paras, tables)


def audit_vs_cqc(model: Model, params: ReportParams) -> Section:
    """The latest audit rating against the latest CQC rating, for every commissioned service with both."""
    ctx = qa.qa_context(model, params)
    scale = m.Scale.of(params.options.audits)
    pairs = m.audit_pairs(model, params, ctx)
    cross = m.audit_against_cqc(pairs, scale)
    apart = m.disagreements(pairs, scale)
    f = m.cross_facts(pairs, apart, params.period.end)
    eq = "; ".join(f"{g} as {r}" for g, r in scale.equivalent.items())
    paras = [
        f"{say(f.pairs, noun='commissioned service')} {has_have(int(f.pairs.value or 0))} both a final audit and a "
        f"CQC rating. For {say(f.apart, noun=True, zero='no')} the two are more than one step apart: "
        f"{say(f.audit_better, noun=True, zero='no')} where the council's audit is the better view and "
        f"{say(f.cqc_better, noun=True, zero='no')} where CQC's is, a sign that one of them knows something the other "
        "does not yet."
    ]
    table = Table(
        "audit_vs_cqc",
        "Latest audit rating against latest CQC rating, commissioned services with both",
        cross,
        footnotes=[
            "Rows: the latest final audit by the period end, on the council's scale; columns: the CQC overall rating.",
            f"The council places its grades on CQC's scale as: {eq}. More than one step apart: two or more places "
            "apart on CQC's four ratings.",
        ],
    )
    section = Section("audit_vs_cqc", "The council's view against CQC's", paras, [table])
    section.state(*vars(f).values())
    return section


def audit_disagreements(model: Model, params: ReportParams) -> Section:
    """The services whose audit and CQC rating are more than one step apart, with both dates."""
    ctx = qa.qa_context(model, params)
    scale = m.Scale.of(params.options.audits)
    pairs = m.audit_pairs(model, params, ctx)
    apart = m.disagreements(pairs, scale)
    frame = pd.DataFrame(location_columns(apart))
    frame["Audit rating"] = apart["audit_rating"]
    frame["Audit date"] = apart["audit_date"]
    frame["CQC rating"] = apart["overall_rating"]
    frame["CQC rating published"] = apart["rating_date"]
    frame["Better view"] = apart["audit_higher"].map({True: "Council's audit", False: "CQC"})
    f = m.cross_facts(pairs, apart, params.period.end)
    paras = [
        f"{say(f.apart, noun=True, zero='No')} {has_have(int(f.apart.value or 0))} an audit and a CQC rating more "
        "than one step apart."
        + (
            " Each is listed with the date of both, so the team can see which view is the more recent."
            if len(apart)
            else ""
        )
    ]
    tables = []
    if len(apart):
        tables.append(
            Table(
                "audit_disagreements",
                "Services where the council's audit and CQC's rating disagree by more than one step",
                frame.reset_index(drop=True),
                formats={"Audit date": "date", "CQC rating published": "date"},
            )
        )
    section = Section("audit_disagreements", "Where the council's audits and CQC disagree", paras, tables)
    section.state(f.apart)
    return section


def _schedule_paras(f: dict[str, Fact], params: ReportParams) -> list[str]:
    end = long_date(params.period.end)
    why = {
        m.RISK_HIGH: "a high risk level",
        m.RISK: "a lower risk level",
        m.NO_MANAGER: "no registered manager",
        m.EARLY_WARNING: "an early warning",
        m.NO_RATING: "no rating",
    }
    sooner = [f"{say(f[k], noun=True)} for {v}" for k, v in why.items() if f[k].value]
    overdue = int(f["overdue"].value or 0)
    paras = [
        f"The council's rules give every one of the {say(f['services'], noun=True)} it commissions a date for its "
        f"next visit: {say(f['overdue'], noun=True, zero='no')} {'was' if overdue == 1 else 'were'} overdue on {end}."
    ]
    if sooner:
        paras.append(f"The next visit is sooner than the rating alone would make it for {join_words(sooner)}.")
    return paras


def visit_schedule(model: Model, params: ReportParams) -> Section:
    """Where to visit next: how many commissioned services are due a visit when, and why (the whole list is the
    next section, and visit_schedule.xlsx)."""
    ctx = qa.qa_context(model, params)
    schedule = m.visit_schedule(model, params, ctx)
    rules = params.options.visit_rules
    months = "; ".join(f"{r} within {plural(n, 'month')}" for r, n in rules.months_by_rating.items())
    table = Table(
        "visit_schedule_summary",
        f"Commissioned services by when their next visit is due, from {long_date(params.period.end)}",
        m.schedule_counts(schedule, params.period.end),
        footnotes=[
            "The next visit is due the set number of months after the latest of the last CQC inspection, the last "
            f"final audit and the last quality assurance visit: {months} (an audit grade counts as its CQC rating, "
            f"and the lower of the two ratings is used); {plural(rules.not_rated_months, 'month')} with no rating.",
            f"Sooner: within {plural(rules.high_risk_months, 'month')} at risk level "
            f"{params.options.high_risk_from_level} or above, {plural(rules.risk_months, 'month')} at a lower level, "
            f"{plural(rules.no_manager_months, 'month')} with no registered manager and "
            f"{plural(rules.early_warning_months, 'month')} with an early warning on the watch list. A service never "
            "inspected, audited or visited is due at the end of the period.",
        ],
    )
    f = m.schedule_facts(schedule, params.period.end)
    section = Section("visit_schedule", "Where to visit next", _schedule_paras(f, params), [table])
    section.state(*f.values())
    return section


def visit_schedule_list(model: Model, params: ReportParams) -> Section:
    """The whole visit schedule, soonest first (also written as visit_schedule.xlsx for the team)."""
    ctx = qa.qa_context(model, params)
    s = m.visit_schedule(model, params, ctx)
    frame = pd.DataFrame(
        {
            "Location": s["location_name"].fillna("").astype(str).replace({"": "Name not known"}),
            "CQC location ID": s["location_id"],
            "Provider": s["provider_name"].fillna("").astype(str),
        }
    )
    frame["CQC rating"] = s["overall_rating"].fillna("").astype(str).replace({"nan": ""})
    frame["Audit rating"] = s["audit_rating"].fillna("").astype(str).replace({"nan": ""})
    frame["Risk level"] = s["risk_level"]
    frame["Last CQC inspection"] = s["last_inspection"]
    frame["Last audit"] = s["last_audit"]
    frame["Last visit"] = s["last_visit"]
    frame["Next visit due"] = s["due"]
    frame["Overdue"] = s["overdue"].map({True: "Overdue", False: ""})
    frame["Why"] = [
        f"{r[:1].upper()}{r[1:]}: within {plural(int(n), 'month')}" for r, n in zip(s["reason"], s["months"])
    ]
    paras = [
        f"Every service {params.council.name} commissions, soonest due first. The quality assurance team also gets "
        "this list as a spreadsheet of its own."
    ]
    table = Table(
        VISIT_SCHEDULE_TABLE,
        f"Visit schedule: every commissioned service, soonest due first, from {long_date(params.period.end)}",
        frame.reset_index(drop=True),
        formats={
            "Risk level": "int",
            "Last CQC inspection": "date",
            "Last audit": "date",
            "Last visit": "date",
            "Next visit due": "date",
        },
        footnotes=[
            "Why: the rule that set the shortest interval (the rules are under \u201cWhere to visit next\u201d).",
            "A blank: no open case on the risk register; never inspected, audited or visited.",
        ],
        blanks={"Risk level": "[z]", "Last CQC inspection": "[z]", "Last audit": "[z]", "Last visit": "[z]"},
    )
    return Section("visit_schedule_list", "Visit schedule", paras, [table])
