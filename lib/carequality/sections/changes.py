"""What changed in the period, from the ratings history: inspections, rating changes, openings, closures,
locations not inspected for a long time, and key-question ratings at two dates.

Each function is a report section named as in the registry (carequality.registry); every number in its sentences comes
from the tables it returns (periods.py computes them).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, slug
from carequality.measures import changes as periods
from carequality.measures.facts import FactSet
from carequality.model.asof import data_end_before, figures_date
from carequality.model.build import Model, council_history
from carequality.params import ReportParams
from carequality.present.facts import say
from carequality.present.tables import Table
from carequality.present.text import (
    count_phrase,
    join_words,
    long_date,
    number_or_none,
    period_noun,
    plural,
    previous_period_phrase,
    short_date,
    upper_first,
)
from carequality.sections import Section, community_not_covered, location_columns, with_inherited
from carequality.sources.frames import History


def _history(model: Model, params: ReportParams) -> History:
    if model.history is None:  # the registry gives these sections only with a history input (a programming error)
        raise ValueError("this section needs a ratings history: give inputs.cqc_api or inputs.cqc_snapshots")
    return council_history(model, params)


def _span(start: dt.date, end: dt.date) -> str:
    return f"between {long_date(start)} and {long_date(end)}"


def _category_parts(frame: pd.DataFrame, f: FactSet, key: str) -> str:
    """'2 community-based services and 1 care home': the frame's locations by category, in report order; a category
    with none is left out ('all 4 community-based services' when only one has any)."""
    counts = {
        label: f.count(f"{key}.{slug(label)}", n, f"Of those, {label.lower()}.", _nouns(label)[0], period=None)
        for label, n in periods.counts_by_category_label(frame).items()
        if n
    }
    parts = [plural(n, *_nouns(label)) for label, n in counts.items()]
    if len(parts) == 1 and len(frame) == 2:
        return "both " + _nouns(next(iter(counts)))[1]
    if len(parts) == 1 and len(frame) > 2:
        return "all " + parts[0]
    return join_words(parts)


def _none_now_against(before: Fact, noun: str = "period") -> str:
    """The end of a sentence that starts with none in the period: ', against 3 in the previous period.' or ', and none in
    the previous period.' when there were none then either (`noun`: "quarter" for a quarter's report)."""
    return f", against {say(before)} in the previous {noun}." if before.value else f", and none in the previous {noun}."


def _at(model: Model, params: ReportParams) -> dt.date:
    """The day end-of-period figures describe: the period end, or the as-of date when CQC's data end before it."""
    return figures_date(params.period.end, model.as_of)


def _at_note(model: Model, params: ReportParams) -> str:
    """' (the latest CQC data; the period ends on 31 March 2026)' when the data end before the period, else ''."""
    if not data_end_before(params.period.end, model.as_of):
        return ""
    return f" (the latest CQC data; the period ends on {long_date(params.period.end)})"


def _compared(model: Model, now: Fact, before: Fact, covered: bool, noun: str = "period") -> str:
    """The previous-period phrase, or what the inputs do not cover."""
    if covered:
        return previous_period_phrase(now, before, noun)
    return f"and CQC's data used here do not cover the whole previous {noun}, so no comparison is made"


def _community_note(model: Model) -> list[str]:
    """A sentence when the inputs hold no community-based services, so their zeros are not read as facts."""
    if model.coverage.community_services:
        return []
    return [f"{community_not_covered(model)} The figures below are for care homes only."]


def _category_text(model: Model, frame: pd.DataFrame, f: FactSet, key: str) -> str:
    """_category_parts, or only the care homes when the inputs hold nothing else."""
    if model.coverage.community_services:
        return _category_parts(frame, f, key)
    n = f.count(
        f"{key}.care_homes",
        frame["category"].eq(vocab.RESIDENTIAL).sum(),
        "Of those, care homes.",
        "care home",
        period=None,
    )
    return count_phrase(n, *vocab.CATEGORY_WORDS[vocab.RESIDENTIAL].noun)


def _nouns(label: str) -> tuple[str, str]:
    """The nouns of a category's row label ('Care homes' → care home, care homes)."""
    for words in vocab.CATEGORY_WORDS.values():
        if words.label == label:
            return words.noun
    return (label.lower() + " location", label.lower() + " locations")


# ---- inspections ------------------------------------------------------------------------------------


def inspections_in_period(model: Model, params: ReportParams) -> Section:
    """Published inspection outcomes by category × rating (Haringey's Table 4), with the previous period."""
    h = _history(model, params)
    p, q = params.period, params.period.previous
    council = params.council.name
    noun = period_noun(p.start, p.end)
    now = periods.inspections_in_period(h, p.start, p.end)
    before = periods.inspections_in_period(h, q.start, q.end)
    counts, previous = periods.inspection_counts(now), periods.inspection_counts(before)
    counts[f"Previous {noun}"] = counts["Category"].map(previous.set_index("Category")["Total"]).fillna(0).astype(int)
    notes = [
        f"An inspection is a report CQC published in the {noun} with at least one rating. Its rating is the overall "
        "rating it published; a focused inspection that rated only some key questions is counted under the overall "
        "rating the location then held.",
        f"Previous {noun}: {long_date(q.start)} to {long_date(q.end)}.",
    ]
    partial = not periods.outcomes_covered(model.coverage, p.start)
    if partial:  # before the table is made: Table keeps its own copy of the footnotes
        notes.append(_first_file_note(model))
    t_now = Table(
        "inspections_in_period",
        f"CQC inspection outcomes for adult social care locations in {council}, {_span(p.start, p.end)}",
        counts,
        footnotes=notes,
    )
    t_before = Table(
        "inspections_in_previous_period",
        f"CQC inspection outcomes for adult social care locations in {council}, {_span(q.start, q.end)} "
        f"(previous {noun})",
        previous,
    )
    listing = pd.DataFrame(
        {
            "Location": now["location_name"],
            "CQC location ID": now["location_id"],
            "Category": now["category"].map(periods.category_label),
            "Report published": now["report_date"],
            "Overall rating": now["rating"].astype(str),
            "Key questions rated": now["key_questions"],
        }
    )
    t_list = Table(
        "inspections_in_period_list",
        f"Inspection reports published {_span(p.start, p.end)}",
        listing,
        formats={"Report published": "date"},
    )
    covered = periods.outcomes_covered(model.coverage, q.start)
    f = FactSet("changes.inspections", period=(p.start, p.end), source="cqc")
    paras = _inspection_sentences(model, f, now, before, council, covered, params)
    if partial:
        paras.append(_first_file_note(model))
    return Section(
        "inspections_in_period",
        f"CQC inspections in the {noun}",
        paras + _community_note(model),
        [t_now, t_before, t_list],
        facts=f.made,
    )


def _inspection_sentences(
    model: Model,
    f: FactSet,
    now: pd.DataFrame,
    before: pd.DataFrame,
    council: str,
    covered: bool,
    params: ReportParams,
) -> list[str]:
    p, q = params.period, params.period.previous
    noun = period_noun(p.start, p.end)
    t = "inspections_in_period"
    n = f.count(
        "reports",
        len(now),
        f"CQC inspection reports published on locations in {council} in the period.",
        "report",
        at=(t, "Total", "Total"),
    )
    n_prev = f.count(
        "reports_previous",
        len(before),
        "The same in the previous period.",
        "report",
        period=(q.start, q.end),
        at=(t, "Total", f"Previous {noun}"),
    )
    if not n.value:
        return [
            f"CQC published no inspection reports on adult social care locations in {council} "
            f"{_span(p.start, p.end)}" + (_none_now_against(n_prev, noun) if covered else ".")
        ]
    m = f.count("locations", now["location_id"].nunique(), "Locations those reports were on.", "location")
    rating = now["rating"].astype(str)
    go = f.count(
        "good_or_outstanding",
        rating.isin(vocab.GOOD_OR_OUTSTANDING).sum(),
        "Reports with an overall rating of Good or Outstanding.",
        "report",
    )
    ri = f.count(
        "ri_or_inadequate",
        rating.isin(vocab.RI_OR_INADEQUATE).sum(),
        "Reports with an overall rating of Requires improvement or Inadequate.",
        "report",
    )
    other = f.count(
        "no_overall", len(now) - int(go.value or 0) - int(ri.value or 0), "Reports with no overall rating.", "report"
    )
    paras = [
        f"CQC published {plural(n, 'inspection report')} on {plural(m, 'adult social care location')} in {council} "
        f"{_span(p.start, p.end)}, {_compared(model, n, n_prev, covered, noun)}.",
        f"Of these, {number_or_none(go)} gave an overall rating of Good or Outstanding and {number_or_none(ri)} "
        "Requires improvement or Inadequate"
        + (f"; {number_or_none(other)} gave no overall rating." if other.value else "."),
    ]
    com = model.records.commissioned_by_location
    if com is not None:  # Stockton's quarterly pack: contracted or not
        k = f.count(
            "commissioned",
            now["location_id"].isin(set(com["location_id"])).sum(),
            f"Of those reports, the ones on services {council} commissions at the period end.",
            "report",
        )
        paras.append(
            f"{upper_first(number_or_none(k, zero='none'))} of these {'was' if n.value == 1 else 'were'} on services "
            f"{council} commissions."
        )
    return paras


def _first_file_note(model: Model) -> str:
    return (
        f"The monthly CQC files begin on {long_date(model.coverage.register_from)}: a report published before "
        "then is counted only if it was still the location's latest report in the first file."
    )


def rating_changes(model: Model, params: ReportParams) -> Section:
    """Each graded overall rating published in the period against the location's rating before it."""
    h = _history(model, params)
    p = params.period
    council = params.council.name
    if not periods.outcomes_covered(model.coverage, p.start):
        return Section(
            "rating_changes",
            "Changes of rating",
            [
                f"The monthly CQC files begin on {long_date(model.coverage.register_from)}, after the period starts "
                f"({long_date(p.start)}): the rating each location held before its new one is not known, so changes of "
                f"rating in {council} cannot be measured for this period."
            ],
        )
    rc = periods.rating_changes(h, p.start, p.end)
    labels = rc["category"].map(periods.category_label)
    cats = periods.category_order(periods.ROW_LABELS + list(labels))
    rows = []
    for d in (*periods.DIRECTIONS, "Total"):
        sub = rc if d == "Total" else rc[rc["direction"] == d]
        sub_labels = labels[sub.index]
        rows.append({"Change": d, **{c: int((sub_labels == c).sum()) for c in cats}, "Total": len(sub)})
    summary = Table(
        "rating_changes_summary",
        f"Overall ratings published for adult social care locations in {council} {_span(p.start, p.end)}, "
        "against each location's previous rating",
        pd.DataFrame(rows),
        footnotes=[
            "Improved or declined compares the new overall rating with the location's previous "
            "overall rating; a first rating is one for a location with no earlier overall rating. "
            "Reports that gave no overall rating are not included. A previous rating "
            "marked inherited was given to the service under its previous provider."
        ],
    )
    detail = pd.DataFrame(
        {
            "Location": rc["location_name"],
            "CQC location ID": rc["location_id"],
            "Category": labels,
            "Rating published": rc["report_date"],
            "From": _marked(rc["from_rating"], rc["from_inherited"]),
            "To": rc["to_rating"],
            "Change": rc["direction"],
        }
    )
    t_detail = Table(
        "rating_changes",
        f"Changes of overall rating {_span(p.start, p.end)}",
        detail,
        formats={"Rating published": "date"},
    )
    f = FactSet("changes.ratings", period=(p.start, p.end), source="cqc")
    paras = _rating_change_sentences(f, rc, council, params)
    if model.coverage.snapshot_files == 2:
        paras.append(TWO_FILE_LIMITS)
    return Section(
        "rating_changes", "Changes of rating", paras + _community_note(model), [summary, t_detail], facts=f.made
    )


def _rating_change_sentences(f: FactSet, rc: pd.DataFrame, council: str, params: ReportParams) -> list[str]:
    p = params.period
    t = "rating_changes_summary"
    k = rc["direction"].value_counts()
    if not len(rc):
        return [
            f"CQC published no overall ratings for adult social care locations in {council} {_span(p.start, p.end)}."
        ]
    n = f.count(
        "published",
        len(rc),
        f"Overall ratings CQC published for locations in {council} in the period.",
        "overall rating",
        at=(t, "Total", "Total"),
    )
    up, down, same, first = (
        f.count(slug(d), k.get(d, 0), f"Of those, {d.lower()}.", "rating", at=(t, d, "Total"))
        for d in periods.DIRECTIONS
    )
    parts = [
        f"{number_or_none(up)} improved on the location's previous rating",
        f"{number_or_none(down)} declined",
        f"{number_or_none(same)} stayed the same",
    ]
    if first.value:
        parts.append(f"{number_or_none(first)} {'was a first rating' if first.value == 1 else 'were first ratings'}")
    paras = [
        f"CQC published {plural(n, 'overall rating')} for adult social care locations in {council} "
        f"{_span(p.start, p.end)}: {join_words(parts)}."
    ]
    declines = rc[rc["direction"] == "Declined"]
    if 0 < len(declines) <= 5 and params.options.mode != "publication":  # a published report names no service
        paras.append(
            "Declined: "
            + "; ".join(
                f"{r.location_name} ({_nouns(periods.category_label(r.category))[0]}) from {r.from_rating} to "
                f"{r.to_rating} on {long_date(r.report_date)}"
                for r in declines.itertuples()
            )
            + "."
        )
    return paras


#: What two monthly files (the start and the end of the period) cannot show: said once, under the rating changes.
TWO_FILE_LIMITS = (
    "These changes come from two monthly CQC files, from the start and the end of the period: each shows every "
    "location's latest rating on its date. A location inspected twice in the period shows once, with its latest "
    "rating; a service that opened and closed between the two files does not show; a change of provider shows "
    "where the later file marks the rating as inherited."
)


def _marked(ratings: pd.Series, inherited: pd.Series) -> pd.Series:
    """Ratings with "(inherited)" after those given to the previous provider."""
    return pd.Series(
        [f"{r} (inherited)" if i and r else r for r, i in zip(ratings.astype(str), inherited)],
        index=ratings.index,
        dtype=str,
    )


# ---- openings, closures and changes of provider ----------------------------------------------------------------


def _register_section(model: Model, params: ReportParams, *, closing: bool) -> Section:
    h = _history(model, params)
    p, q = params.period, params.period.previous
    council = params.council.name
    cov = model.coverage
    sid = "deregistrations_in_period" if closing else "registrations_in_period"
    title = "Services that closed" if closing else "New services"
    known = periods.closures_covered if closing else periods.openings_covered
    if not known(cov, p.start):
        return _register_unknown(model, params, sid, title, closing=closing)
    fn = periods.closures_in_period if closing else periods.new_services_in_period
    now, before = fn(h, p.start, p.end), fn(h, q.start, q.end)
    verb = "deregistered" if closing else "registered"
    date_col = "deregistration_date" if closing else "registration_date"
    notes = [
        "Each location counts once, under its main CQC service type (nursing home, residential home, home care, "
        "supported living, shared lives, extra care, supported housing, in that order of precedence).",
        "A service that changed provider or moved address is not counted here: CQC closes its old registration and "
        "opens a new one, but the service goes on. Such changes are listed under changes of provider.",
        f"Previous period: {long_date(q.start)} to {long_date(q.end)}.",
    ]
    if (h.locations_all["dates_source"] == "snapshots").any():
        notes.append(
            "For locations known only from monthly CQC files, the date is that of the first file that lists "
            "the location (registrations) or the first that no longer does (deregistrations)."
        )
    t_counts = Table(
        sid,
        f"Adult social care locations {verb} in {council} {_span(p.start, p.end)}, by service type",
        periods.counts_by_service_type(now, before),
        footnotes=notes,
    )
    listing = pd.DataFrame(
        {
            **location_columns(now),
            "Service types": now["service_types"],
            ("Deregistered" if closing else "Registered"): now[date_col],
        }
    )
    t_list = Table(
        f"{sid}_list",
        f"Locations {verb} {_span(p.start, p.end)}",
        listing,
        formats={("Deregistered" if closing else "Registered"): "date"},
    )
    covered = known(cov, q.start)
    f = FactSet(f"changes.{sid}", period=(p.start, p.end), source="cqc")
    n = f.count(
        "services",
        len(now),
        f"Adult social care services {verb} in {council} in the period.",
        "service",
        at=(sid, "Total", "This period"),
    )
    n_before = f.count(
        "services_previous",
        len(before),
        "The same in the previous period.",
        "service",
        period=(q.start, q.end),
        at=(sid, "Total", "Previous period"),
    )
    if n.value:
        lead = (
            f"{plural(n, 'adult social care service')} in {council} closed"
            if closing
            else f"{plural(n, 'new adult social care service')} opened in {council}"
        )
        paras = [
            f"{lead} {_span(p.start, p.end)} ({_category_text(model, now, f, 'by_category')}), "
            f"{_compared(model, n, n_before, covered)}."
        ]
    else:
        lead = (
            f"No adult social care service in {council} closed"
            if closing
            else f"No new adult social care service opened in {council}"
        )
        paras = [f"{lead} {_span(p.start, p.end)}" + (_none_now_against(n_before) if covered else ".")]
    return Section(sid, title, paras + _community_note(model), [t_counts, t_list], facts=f.made)


def _register_unknown(model: Model, params: ReportParams, sid: str, title: str, *, closing: bool) -> Section:
    """What the register section says when CQC's data cannot give its period's openings or closures."""
    cov, p, council = model.coverage, params.period, params.council.name
    if closing and not cov.closures:
        why = "CQC's data used here list only services registered on their date, not those that left the register"
    elif not closing and not cov.registrations:
        why = "CQC's data used here do not give the dates services registered"
    else:
        why = (
            f"The monthly CQC files begin on {long_date(cov.register_from)}, after the period starts "
            f"({long_date(p.start)})"
        )
    what = "closures" if closing else "new services"
    return Section(sid, title, [f"{why}, so {what} in {council} cannot be counted for this period."])


def registrations_in_period(model: Model, params: ReportParams) -> Section:
    """New services (registrations that do not continue an earlier one) by service type, with the previous period."""
    return _register_section(model, params, closing=False)


def deregistrations_in_period(model: Model, params: ReportParams) -> Section:
    """Closures (deregistrations of services that did not go on) by service type, with the previous period."""
    return _register_section(model, params, closing=True)


def provider_changes_in_period(model: Model, params: ReportParams) -> Section:
    """Services that changed provider or moved address in the period: apart from new services and closures."""
    h = _history(model, params)
    p, q = params.period, params.period.previous
    council = params.council.name
    title = "Changes of provider"
    if not periods.openings_covered(model.coverage, p.start):
        return Section(
            "provider_changes_in_period",
            title,
            [
                "CQC's data used here do not say when services registered, so changes of provider in "
                f"{council} cannot be found for this period."
            ],
        )
    now = periods.provider_changes_in_period(h, p.start, p.end)
    before = periods.provider_changes_in_period(h, q.start, q.end)
    frame = pd.DataFrame(
        {
            **location_columns(now),
            "Registered": now["registration_date"],
            "Previous registration": now["previous_name"],
            "Previous CQC location ID": now["previous_id"],
            "Previous provider": now["previous_provider_name"],
            "Previous registration closed": now["previous_deregistration_date"],
            "Change": now["change"],
            "How it is known": now["evidence"],
        }
    )
    t = Table(
        "provider_changes_in_period",
        f"Adult social care services in {council} that changed provider or moved {_span(p.start, p.end)}",
        frame,
        formats={"Registered": "date", "Previous registration closed": "date"},
        footnotes=[
            "When a service changes provider (or its provider becomes a new legal entity, or it moves "
            "address) CQC closes the old registration and opens a new one. The service goes on, so it "
            "is counted here and not as a new service or a closure. The date is the new registration's.",
            "How it is known: CQC links the two registrations; or the new registration inherited the "
            "old one's rating; or a registration opened within three months of a closure with the same "
            "name and postcode.",
        ],
    )
    covered = periods.openings_covered(model.coverage, q.start)
    # A service counts once even when CQC links its new registration to two earlier ones.
    services, services_before = now.drop_duplicates("location_id"), before.drop_duplicates("location_id")
    f = FactSet("changes.provider_changes", period=(p.start, p.end), source="cqc")
    paras = _provider_change_sentences(model, params, f, services, services_before, covered)
    return Section("provider_changes_in_period", title, paras + _community_note(model), [t], facts=f.made)


def _provider_change_sentences(
    model: Model,
    params: ReportParams,
    f: FactSet,
    services: pd.DataFrame,
    services_before: pd.DataFrame,
    covered: bool,
) -> list[str]:
    p, q, council = params.period, params.period.previous, params.council.name
    moved = f.count(
        "moved",
        services["change"].eq(periods.CHANGE_REASONS["Location Move"]).sum(),
        "Of those, services that moved to a new address.",
        "service",
    )
    n = f.count(
        "services", len(services), f"Services in {council} that changed provider or moved in the period.", "service"
    )
    n_before = f.count(
        "services_previous",
        len(services_before),
        "The same in the previous period.",
        "service",
        period=(q.start, q.end),
    )
    if n.value:
        paras = [
            f"{plural(n, 'adult social care service')} in {council} changed provider or moved "
            f"{_span(p.start, p.end)} ({_category_text(model, services, f, 'by_category')}), "
            f"{_compared(model, n, n_before, covered)}. "
            + (
                "It is not counted as a new service or a closure."
                if n.value == 1
                else "They are not counted as new services or closures."
            )
        ]
    else:
        paras = [
            f"No adult social care service in {council} changed provider or moved {_span(p.start, p.end)}"
            + (_none_now_against(n_before) if covered else ".")
        ]
    if moved.value:
        paras.append(
            "It moved to a new address."
            if n.value == 1 and moved.value == 1
            else f"Of these, {plural(moved, 'service')} moved to a new address."
        )
    return paras


# ---- long gaps and before/after -------------------------------------------------------------------


def not_inspected_since(model: Model, params: ReportParams) -> Section:
    """Active locations whose latest inspection is older than options.not_inspected_before, or never inspected."""
    h = _history(model, params)
    before, at = params.not_inspected_before, _at(model, params)
    council = params.council.name
    gap = periods.not_inspected_since(h, before, at)
    frame = pd.DataFrame(
        {
            "Location": gap["location_name"],
            "CQC location ID": gap["location_id"],
            "Category": gap["category"].map(periods.category_label),
            "Registered": gap["registration_date"],
            "Last inspection report": gap["last_report_date"],
            "Overall rating": _marked(gap["overall_rating"], gap["inherited"]),
            "Rating published": gap["rating_date"],
            "Status": gap["status"],
        }
    )
    t = Table(
        "not_inspected_since",
        f"Adult social care locations in {council} active on {long_date(at)} and not inspected since before "
        f"{long_date(before)}",
        frame,
        formats={"Registered": "date", "Last inspection report": "date", "Rating published": "date"},
        footnotes=[
            "Last inspection report: the publication date of the latest report of an inspection, whether or not it "
            "gave a rating ('Inspected but not rated'). Rating published: the date the overall rating shown was "
            "published, which is earlier when a later inspection gave no rating. Ratings inherited from a previous "
            "provider are not inspections: a rating marked inherited was given to the service under its previous "
            "provider."
        ],
    )
    f = FactSet("changes.not_inspected", as_of=at, source="cqc")
    old = f.count(
        "since_before",
        (gap["status"] == "Not inspected since").sum(),
        "Active locations not inspected since before the council's date.",
        "location",
    )
    never = f.count(
        "never", (gap["status"] == "Never inspected").sum(), "Active locations never inspected.", "location"
    )
    active = f.count(
        "active", len(periods.active_at(h, at)), f"Active adult social care locations in {council}.", "location"
    )
    lead = f"On {long_date(at)}{_at_note(model, params)}, "
    where = f"the {plural(active, 'active adult social care location')} in {council}"
    if old.value:
        s = f"{lead}{say(old)} of {where} had not been inspected since before {long_date(before)}"
        s += f", and a further {say(never)} had never been inspected." if never.value else "."
    else:
        s = f"{lead}none of {where} had last been inspected before {long_date(before)}"
        s += f"; {say(never)} had never been inspected." if never.value else "."
    paras = [s]
    inherited = f.count(
        "inherited",
        (gap["inherited"] & gap["status"].eq("Never inspected")).sum(),
        "Of the locations never inspected, those holding a rating inherited from the previous provider.",
        "location",
    )
    if inherited.value:
        paras.append(
            f"{plural(inherited, 'location')} never inspected under the current provider "
            f"{'holds' if inherited.value == 1 else 'hold'} a rating inherited from the previous provider."
        )
    return Section(
        "not_inspected_since", "Services not inspected recently", paras + _community_note(model), [t], facts=f.made
    )


def key_question_ratings_at_dates(model: Model, params: ReportParams) -> Section:
    """Rutland's before/after view: each location's five key-question ratings on two dates, and the counts."""
    h = _history(model, params)
    a, b = params.compare_ratings_dates
    council = params.council.name
    if not periods.outcomes_covered(model.coverage, a):
        return Section(
            "key_question_ratings_at_dates",
            "Key-question ratings before and after",
            [
                f"The monthly CQC files begin on {long_date(model.coverage.register_from)}, after {long_date(a)}: the "
                f"ratings services in {council} held on {long_date(a)} are not known, so they cannot be compared."
            ],
        )
    last = None if model.as_of is None else model.as_of.date()
    clipped = last is not None and a < last < b
    if last is not None and clipped:  # no figure dated after the data
        b = last
    long = periods.key_question_ratings_at_dates(h, a, b)
    counts = periods.rating_level_counts(long)
    ta, tb = pd.Timestamp(a), pd.Timestamp(b)
    ca, cb = counts[counts["at"] == ta].set_index("rating"), counts[counts["at"] == tb].set_index("rating")
    words = list(dict.fromkeys(counts["rating"]))
    t_counts = Table(
        "key_question_ratings_at_dates_counts",
        f"Key-question ratings of adult social care locations in {council} on {long_date(a)} and {long_date(b)}",
        pd.DataFrame(
            {
                "Rating": words,
                f"Ratings, {short_date(a)}": [int(ca["ratings"].get(w, 0)) for w in words],
                f"Locations, {short_date(a)}": [int(ca["locations"].get(w, 0)) for w in words],
                f"Ratings, {short_date(b)}": [int(cb["ratings"].get(w, 0)) for w in words],
                f"Locations, {short_date(b)}": [int(cb["locations"].get(w, 0)) for w in words],
            }
        ),
        footnotes=[
            f"The same locations on both dates: those active on {long_date(b)}. Ratings counts each of the "
            "five key questions (Safe, Effective, Caring, Responsive, Well-led) of each location; Locations "
            "counts locations with at least one key question at that rating. No rating: the location had "
            "none for that key question on that date."
        ],
    )
    frame = _at_dates_wide(long, ta, tb)
    t_wide = Table(
        "key_question_ratings_at_dates",
        f"Key-question ratings of each adult social care location in {council} on {long_date(a)} and {long_date(b)}",
        frame,
        formats={c: "date" for c in frame.columns if c.startswith("Rating published")},
    )
    f = FactSet("changes.key_questions_at_dates", as_of=b, source="cqc")
    paras = _at_dates_sentences(f, ca, cb, a, b)
    n = f.count(
        "locations",
        long["location_id"].nunique(),
        f"Adult social care locations active in {council} on the later date.",
        "location",
    )
    paras.insert(
        0,
        f"The tables below give the key-question ratings on {long_date(a)} and on {long_date(b)} of the "
        f"{plural(n, 'adult social care location')} active in {council} on {long_date(b)}"
        + (
            f", the date of the latest CQC data (the period ends on {long_date(params.period.end)})."
            if clipped
            else "."
        ),
    )
    if long["inherited"].any():
        paras.append(
            'A rating marked "(inherited)" was given to the service under its previous provider: the location had '
            "inherited it on that date."
        )
    return Section(
        "key_question_ratings_at_dates",
        "Key-question ratings before and after",
        paras,
        [t_counts, t_wide],
        facts=f.made,
    )


def _at_dates_wide(long: pd.DataFrame, ta: pd.Timestamp, tb: pd.Timestamp) -> pd.DataFrame:
    """One row per location: its five key-question ratings, latest report and inheritance on each date."""
    wide = None
    for when in (ta, tb):
        sub = long[long["at"] == when]
        piv = sub.pivot(index="location_id", columns="key_question", values="rating")[list(vocab.KEY_QUESTIONS)]
        inherited = sub.groupby("location_id")["inherited"].any().reindex(piv.index, fill_value=False)
        piv = pd.DataFrame({q: with_inherited(piv[q], inherited) for q in vocab.KEY_QUESTIONS}, index=piv.index)
        piv.columns = [f"{q}, {short_date(when)}" for q in vocab.KEY_QUESTIONS]
        piv[f"Rating published, {short_date(when)}"] = sub.groupby("location_id")["report_date"].max()
        wide = piv if wide is None else wide.join(piv)
    names = long.drop_duplicates("location_id").set_index("location_id")
    frame = pd.DataFrame(
        {
            "Location": names["location_name"],
            "CQC location ID": names.index,
            "Category": names["category"].map(periods.category_label),
        }
    ).join(wide)
    frame = frame.sort_values(["Category", "Location", "CQC location ID"], kind="stable").reset_index(drop=True)
    return frame


def _at_dates_sentences(f: FactSet, ca: pd.DataFrame, cb: pd.DataFrame, a: dt.date, b: dt.date) -> list[str]:
    t = "key_question_ratings_at_dates_counts"
    paras = []
    for word in ("Requires improvement", "Inadequate"):
        key = slug(word)
        ra, la = (
            f.count(
                f"{key}.{what}_first",
                ca[what].get(word, 0),
                f"{word} {what} on the earlier date.",
                "rating" if what == "ratings" else "location",
                as_of=a,
                at=(t, word, f"{what.capitalize()}, {short_date(a)}"),
            )
            for what in ("ratings", "locations")
        )
        rb, lb = (
            f.count(
                f"{key}.{what}_second",
                cb[what].get(word, 0),
                f"{word} {what} on the later date.",
                "rating" if what == "ratings" else "location",
                as_of=b,
                at=(t, word, f"{what.capitalize()}, {short_date(b)}"),
            )
            for what in ("ratings", "locations")
        )
        if ra.value or rb.value or word == "Requires improvement":
            then = (
                f"{plural(la, 'location')} had {plural(ra, word + ' rating')} across the five key questions"
                if ra.value
                else f"no location had a {word} rating in any of the five key questions"
            )
            now = f"{plural(lb, 'location')} had {say(rb)}" if rb.value else "none had any"
            paras.append(f"On {long_date(a)}, {then}; on {long_date(b)}, {now}.")
    return paras


# ---- one monthly file ----------------------------------------------------------------------------------------

#: What one monthly file cannot show, and what adds it (said once, in the section on the period).
ONE_FILE_LIMITS = (
    "One monthly CQC file cannot show which services improved or declined, which opened or closed, or which changed "
    "provider: CQC's monthly file from the start of the period, given beside this one, adds them."
)


def latest_ratings_in_period(model: Model, params: ReportParams) -> Section:
    """From one monthly file: the locations whose latest rating was published in the period, by category and
    overall rating, and the locations behind them; what one file can and cannot show of the year."""
    p, council = params.period, params.council.name
    published = periods.latest_ratings_published(model.locations, p.start, p.end)
    facts = periods.latest_ratings_facts(published, model.as_of)
    counts = periods.inspection_counts(published)
    table_id = "latest_ratings_in_period"
    for word, f in facts.items():
        facts[word] = f.at(table_id, "Total", word)
    t = Table(
        table_id,
        f"Adult social care locations in {council} whose latest CQC rating was published {_span(p.start, p.end)}, "
        "by overall rating",
        counts,
        footnotes=[
            "Each location's latest rating only, as CQC's monthly file gives it: a lower bound of the period's "
            "inspections. A rating inherited from a previous provider is left out."
        ],
    )
    listing = pd.DataFrame(
        {
            **location_columns(published.merge(model.locations[["location_id", "provider_name"]], on="location_id")),
            "Rating published": published["report_date"],
            "Overall rating": published["rating"].astype(str),
        }
    )
    t_list = Table(
        f"{table_id}_list",
        f"Latest CQC ratings published {_span(p.start, p.end)}",
        listing,
        formats={"Rating published": "date"},
    )
    total = facts["Total"]
    if total.value:
        parts = [f"{say(f)} {w}" for w, f in facts.items() if w != "Total" and f.value]
        first = (
            f"{say(total, noun=True)} in {council} had their latest CQC rating published {_span(p.start, p.end)}: "
            f"{join_words(parts)}."
        )
    else:
        first = f"No location in {council} had its latest CQC rating published {_span(p.start, p.end)}."
    paras = [
        first,
        "This is what one monthly CQC file shows of the year: each location's latest rating. It is a lower bound of "
        "the year's inspections: a location inspected twice in the period shows once, and an inspection that gave "
        "no rating does not show.",
        ONE_FILE_LIMITS,
    ]
    section = Section(
        table_id, "Ratings published in the period", paras + _community_note(model), [t, t_list] if total.value else []
    )
    section.state(*facts.values())
    return section


def not_rated_since(model: Model, params: ReportParams) -> Section:
    """From one monthly file: locations whose latest rating was published before options.not_inspected_before,
    and those with no published rating."""
    before, council = params.not_inspected_before, params.council.name
    gap = periods.rated_before(model.locations, before)
    old, none, total = periods.rated_before_facts(gap, len(model.locations), model.as_of)
    frame = pd.DataFrame(
        {
            **location_columns(gap.merge(model.locations[["location_id", "provider_name"]], on="location_id")),
            "Rating published": gap["publication_date"],
            "Overall rating": _marked(gap["overall_rating"], gap["inherited"]),
        }
    )
    t = Table(
        "not_rated_since",
        f"Adult social care locations in {council} whose latest CQC rating was published before {long_date(before)}",
        frame,
        formats={"Rating published": "date"},
        footnotes=[
            "Rating published: the date CQC published the location's latest rating. A blank date: no rating yet. "
            "A rating marked inherited was given to the service under its previous provider."
        ],
    )
    paras = [
        f"Of the {say(total, noun=True)} in {council} in CQC's file, {say(old, zero='none')} had their latest rating "
        f"published before {long_date(before)}, and {say(none, zero='none')} had no rating yet.",
        "One file gives the date of each location's latest rating, not of its latest inspection: an inspection "
        "that gave no rating is not in it.",
    ]
    section = Section("not_rated_since", "Services not rated recently", paras, [t] if len(gap) else [])
    section.state(old, none, total)
    return section
