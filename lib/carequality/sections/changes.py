"""What changed in the period, from the ratings history: inspections, rating changes, openings, closures,
locations not inspected for a long time, and key-question ratings at two dates.

Each function is a report section named as in the registry (carequality.registry); every number in its sentences comes
from the tables it returns (periods.py computes them).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carequality.measures import changes as periods
from carequality import vocab
from carequality.sources.frames import History
from carequality.model.build import Model, council_history
from carequality.params import ReportParams
from carequality.present.tables import Table
from carequality.present.text import join_words, long_date, plural, previous_period_phrase, short_date
from carequality.sections import Section


def _history(model: Model, params: ReportParams) -> History:
    if model.history is None:
        raise ValueError("this section needs a ratings history: give inputs.cqc_api or inputs.cqc_snapshots")
    return council_history(model, params)


def _span(start: dt.date, end: dt.date) -> str:
    return f"between {long_date(start)} and {long_date(end)}"


def _category_parts(frame: pd.DataFrame) -> str:
    """'2 community-based services and 1 care home': the frame's locations by category, in report order."""
    parts = [plural(n, *_nouns(label)) for label, n in periods.counts_by_category_label(frame).items()]
    return join_words(parts)


def _nouns(label: str) -> tuple[str, str]:
    """The nouns of a category's row label ('Care homes' → care home, care homes)."""
    for words in vocab.CATEGORY_WORDS.values():
        if words.row == label:
            return words.noun
    return (label.lower() + " location", label.lower() + " locations")


# ---- inspections ------------------------------------------------------------------------------------

def inspections_in_period(model: Model, params: ReportParams) -> Section:
    """Published inspection outcomes by category × rating (Haringey's Table 4), with the previous period."""
    h = _history(model, params)
    p, q = params.period, params.period.previous
    council = params.council.name
    now = periods.inspections_in_period(h, p.start, p.end)
    before = periods.inspections_in_period(h, q.start, q.end)
    counts, previous = periods.inspection_counts(now), periods.inspection_counts(before)
    counts["Previous period"] = counts["Category"].map(previous.set_index("Category")["Total"]).fillna(0).astype(int)
    notes = [
        "An inspection is a report CQC published in the period with at least one rating. Its rating is the overall "
        "rating it published; a focused inspection that rated only some key questions is counted under the overall "
        "rating the location then held.",
        f"Previous period: {long_date(q.start)} to {long_date(q.end)}.",
    ]
    t_now = Table("inspections_in_period",
                  f"CQC inspection outcomes for adult social care locations in {council}, {_span(p.start, p.end)}",
                  counts, footnotes=notes)
    t_before = Table("inspections_in_previous_period",
                     f"CQC inspection outcomes for adult social care locations in {council}, {_span(q.start, q.end)} "
                     "(previous period)", previous)
    listing = pd.DataFrame({
        "Location": now["location_name"], "CQC location ID": now["location_id"],
        "Category": now["category"].map(periods.category_label), "Report date": now["report_date"],
        "Overall rating": now["rating"].astype(str), "Key questions rated": now["key_questions"],
    })
    t_list = Table("inspections_in_period_list", f"Inspection reports published {_span(p.start, p.end)}", listing,
                   formats={"Report date": "date"})
    n, m, n_prev = len(now), now["location_id"].nunique(), len(before)
    if n == 0:
        paras = [f"CQC published no inspection reports on adult social care locations in {council} "
                 f"{_span(p.start, p.end)}, against {n_prev:,} in the previous period."]
    else:
        rating = now["rating"].astype(str)
        go = int(rating.isin(vocab.GOOD_OR_OUTSTANDING).sum())
        ri = int(rating.isin(vocab.RI_OR_INADEQUATE).sum())
        other = n - go - ri
        paras = [
            f"CQC published {plural(n, 'inspection report')} on {plural(m, 'adult social care location')} in {council} "
            f"{_span(p.start, p.end)}, {previous_period_phrase(n, n_prev)}.",
            f"Of these, {go:,} gave an overall rating of Good or Outstanding and {ri:,} Requires improvement or "
            f"Inadequate" + (f"; {other:,} gave no graded overall rating." if other else "."),
        ]
    return Section("inspections_in_period", "CQC inspections in the period", paras, [t_now, t_before, t_list])


def rating_changes(model: Model, params: ReportParams) -> Section:
    """Each graded overall rating published in the period against the location's rating before it."""
    h = _history(model, params)
    p = params.period
    council = params.council.name
    rc = periods.rating_changes(h, p.start, p.end)
    labels = rc["category"].map(periods.category_label)
    cats = periods.category_order(periods.ROW_LABELS + list(labels))
    rows = []
    for d in (*periods.DIRECTIONS, "Total"):
        sub = rc if d == "Total" else rc[rc["direction"] == d]
        sub_labels = labels[sub.index]
        rows.append({"Change": d, **{c: int((sub_labels == c).sum()) for c in cats}, "Total": int(len(sub))})
    summary = Table("rating_changes_summary",
                    f"Overall ratings published for adult social care locations in {council} {_span(p.start, p.end)}, "
                    "against each location's previous rating", pd.DataFrame(rows),
                    footnotes=["Improved or declined compares the new overall rating with the location's previous "
                               "overall rating; a first rating is one for a location with no earlier graded rating. "
                               "Reports that gave no graded overall rating are not included."])
    detail = pd.DataFrame({
        "Location": rc["location_name"], "CQC location ID": rc["location_id"], "Category": labels,
        "Report date": rc["report_date"], "From": rc["from_rating"], "To": rc["to_rating"], "Change": rc["direction"],
    })
    t_detail = Table("rating_changes", f"Changes of overall rating {_span(p.start, p.end)}", detail,
                     formats={"Report date": "date"})
    n = len(rc)
    k = rc["direction"].value_counts()
    up, down, same, first = (int(k.get(d, 0)) for d in periods.DIRECTIONS)
    if n == 0:
        paras = [f"CQC published no graded overall ratings for adult social care locations in {council} "
                 f"{_span(p.start, p.end)}."]
    else:
        paras = [
            f"CQC published {plural(n, 'graded overall rating')} for adult social care locations in {council} "
            f"{_span(p.start, p.end)}: {up:,} improved on the location's previous rating, {down:,} declined, "
            f"{same:,} stayed the same and {plural(first, 'was a first rating', 'were first ratings')}."
        ]
        declines = rc[rc["direction"] == "Declined"]
        if 0 < len(declines) <= 5 and params.options.mode != "publication":  # a published report names no service
            paras.append("Declined: " + "; ".join(
                f"{r.location_name} ({_nouns(periods.category_label(r.category))[0] if r.category in vocab.CATEGORY_WORDS else r.category}) from {r.from_rating} to "
                f"{r.to_rating} on {long_date(r.report_date)}" for r in declines.itertuples()) + ".")
    return Section("rating_changes", "Changes of rating", paras, [summary, t_detail])


# ---- openings and closures ------------------------------------------------------------------------

def _register_section(model: Model, params: ReportParams, *, closing: bool) -> Section:
    h = _history(model, params)
    p, q = params.period, params.period.previous
    council = params.council.name
    fn = periods.deregistrations_in_period if closing else periods.registrations_in_period
    now, before = fn(h, p.start, p.end), fn(h, q.start, q.end)
    sid = "deregistrations_in_period" if closing else "registrations_in_period"
    verb = "deregistered" if closing else "registered"
    date_col = "deregistration_date" if closing else "registration_date"
    notes = [
        "Each location counts once, under its main CQC service type (nursing home, residential home, home care, "
        "supported living, shared lives, extra care, supported housing, in that order of precedence).",
        "A change of provider deregisters a location and registers a new one in its place, so a service that "
        "changed hands appears both as a closure and as a new registration.",
        f"Previous period: {long_date(q.start)} to {long_date(q.end)}.",
    ]
    if (h.locations_all["dates_source"] == "snapshots").any():
        notes.append("For locations known only from monthly CQC files, the date is that of the first file that lists "
                     "the location (registrations) or the first that no longer does (deregistrations).")
    t_counts = Table(sid, f"Adult social care locations {verb} in {council} {_span(p.start, p.end)}, by service type",
                     periods.counts_by_service_type(now, before), footnotes=notes)
    listing = pd.DataFrame({
        "Location": now["location_name"], "CQC location ID": now["location_id"], "Provider": now["provider_name"],
        "Category": now["category"].map(periods.category_label), "Service types": now["service_types"],
        ("Deregistered" if closing else "Registered"): now[date_col],
    })
    t_list = Table(f"{sid}_list", f"Locations {verb} {_span(p.start, p.end)}", listing,
                   formats={("Deregistered" if closing else "Registered"): "date"})
    what = "left the CQC register" if closing else "registered with CQC"
    paras = [
        f"{plural(len(now), 'adult social care location')} in {council} {what} "
        f"{_span(p.start, p.end)} ({_category_parts(now)}), {previous_period_phrase(len(now), len(before))}."
    ]
    title = "Services that closed or changed provider" if closing else "New services"
    return Section(sid, title, paras, [t_counts, t_list])


def registrations_in_period(model: Model, params: ReportParams) -> Section:
    """Locations registered in the period by service type, with the previous period, and their list."""
    return _register_section(model, params, closing=False)


def deregistrations_in_period(model: Model, params: ReportParams) -> Section:
    """Locations deregistered in the period by service type, with the previous period, and their list."""
    return _register_section(model, params, closing=True)


# ---- long gaps and before/after -------------------------------------------------------------------

def not_inspected_since(model: Model, params: ReportParams) -> Section:
    """Active locations whose latest inspection is older than options.not_inspected_before, or never inspected."""
    h = _history(model, params)
    before, at = params.not_inspected_before, params.period.end
    council = params.council.name
    gap = periods.not_inspected_since(h, before, at)
    frame = pd.DataFrame({
        "Location": gap["location_name"], "CQC location ID": gap["location_id"],
        "Category": gap["category"].map(periods.category_label), "Registered": gap["registration_date"],
        "Last inspection report": gap["last_report_date"], "Overall rating": gap["overall_rating"],
        "Status": gap["status"],
    })
    t = Table("not_inspected_since",
              f"Adult social care locations in {council} active on {long_date(at)} and not inspected since before "
              f"{long_date(before)}", frame, formats={"Registered": "date", "Last inspection report": "date"},
              footnotes=["An inspection is a published report with at least one rating; the date is the report's "
                         "publication date. Ratings inherited from a previous provider do not count."])
    old = int((gap["status"] == "Not inspected since").sum())
    never = int((gap["status"] == "Never inspected").sum())
    active = len(periods.active_at(h, at))
    paras = [
        f"On {long_date(at)}, {old:,} of the {plural(active, 'active adult social care location')} in {council} "
        f"had not been inspected since before {long_date(before)}, and a further {never:,} had never been inspected."
    ]
    return Section("not_inspected_since", "Services not inspected recently", paras, [t])


def key_question_ratings_at_dates(model: Model, params: ReportParams) -> Section:
    """Rutland's before/after view: each location's five key-question ratings on two dates, and the counts."""
    h = _history(model, params)
    a, b = params.compare_ratings_dates
    council = params.council.name
    long = periods.key_question_ratings_at_dates(h, a, b)
    counts = periods.rating_level_counts(long)
    ta, tb = pd.Timestamp(a), pd.Timestamp(b)
    ca, cb = counts[counts["at"] == ta].set_index("rating"), counts[counts["at"] == tb].set_index("rating")
    words = list(dict.fromkeys(counts["rating"]))
    t_counts = Table(
        "key_question_ratings_at_dates_counts",
        f"Key-question ratings of adult social care locations in {council} on {long_date(a)} and {long_date(b)}",
        pd.DataFrame({
            "Rating": words,
            f"Ratings, {short_date(a)}": [int(ca["ratings"].get(w, 0)) for w in words],
            f"Locations, {short_date(a)}": [int(ca["locations"].get(w, 0)) for w in words],
            f"Ratings, {short_date(b)}": [int(cb["ratings"].get(w, 0)) for w in words],
            f"Locations, {short_date(b)}": [int(cb["locations"].get(w, 0)) for w in words],
        }),
        footnotes=[f"The same locations on both dates: those active on {long_date(b)}. Ratings counts each of the "
                   "five key questions (Safe, Effective, Caring, Responsive, Well-led) of each location; Locations "
                   "counts locations with at least one key question at that rating. No rating: the location had "
                   "none for that key question on that date."],
    )
    wide = None
    for when in (ta, tb):
        sub = long[long["at"] == when]
        piv = sub.pivot(index="location_id", columns="key_question", values="rating")[list(vocab.KEY_QUESTIONS)]
        piv.columns = [f"{q}, {short_date(when)}" for q in vocab.KEY_QUESTIONS]
        piv[f"Latest report, {short_date(when)}"] = sub.groupby("location_id")["report_date"].max()
        wide = piv if wide is None else wide.join(piv)
    names = long.drop_duplicates("location_id").set_index("location_id")
    frame = pd.DataFrame({"Location": names["location_name"], "CQC location ID": names.index,
                          "Category": names["category"].map(periods.category_label)}).join(wide)
    frame = frame.sort_values(["Category", "Location", "CQC location ID"], kind="stable").reset_index(drop=True)
    t_wide = Table("key_question_ratings_at_dates",
                   f"Key-question ratings of each adult social care location in {council} on {long_date(a)} and "
                   f"{long_date(b)}", frame,
                   formats={c: "date" for c in frame.columns if c.startswith("Latest report")})
    paras = []
    for word in ("Requires improvement", "Inadequate"):
        ra, rb = int(ca["ratings"].get(word, 0)), int(cb["ratings"].get(word, 0))
        la, lb = int(ca["locations"].get(word, 0)), int(cb["locations"].get(word, 0))
        if ra or rb or word == "Requires improvement":
            paras.append(
                f"On {long_date(a)}, {plural(la, 'location')} had {plural(ra, word + ' rating')} "
                f"across the five key questions; on {long_date(b)}, {plural(lb, 'location')} had {rb:,}."
            )
    n = long["location_id"].nunique()
    paras.insert(0, f"The tables below give the key-question ratings on {long_date(a)} and on {long_date(b)} of the "
                    f"{plural(n, 'adult social care location')} active in {council} on {long_date(b)}.")
    return Section("key_question_ratings_at_dates", "Key-question ratings before and after", paras, [t_counts, t_wide])
