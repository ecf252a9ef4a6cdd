"""Sections built from the council's own QA records joined to CQC data (docs/inputs.md).

Each function is a section named in the registry and takes (model, params). Numbers come from
carequality.measures.qa; sentences are built from those numbers. Where a number needs ratings at an earlier date
and the model has no ratings history, the section says so and shows the current column only.
"""

from __future__ import annotations

import pandas as pd

from carequality import vocab
from carequality.measures import qa as m
from carequality.measures.headline import Headline, headline_from_counts
from carequality.measures.qa import GO, NOT_RATED, RATING_GROUPS, RI
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.publication import (
    SUPPRESSED,
    people_text,
    provider_references,
    suppress_people,
    suppressed_total,
    suppression_note,
)
from carequality.present.tables import POINTS, Table, format_cell
from carequality.present.text import (
    count_phrase,
    has_have,
    is_are,
    join_words,
    long_date,
    n_are,
    n_of_n,
    net_change_phrase,
    number_or_none,
    plural,
    upper_first,
    was_were,
)
from carequality.sections import Section, cqc_source


def _headline(go: int, rated: int) -> str:
    """'49 of 61 (80.3%)': the headline measure (measures.headline) of counts a table shows."""
    return n_of_n(go, rated, Headline(go, rated).percent)


def hidden_threshold(ctx: m.QaContext) -> int:
    """The suppression threshold of a report that suppressed a count (publication mode)."""
    assert ctx.threshold is not None
    return ctx.threshold


def _source_note(model: Model) -> str:
    return f"Ratings: {cqc_source(model)}, as of {long_date(model.as_of)}."


#: The council's record of the services it commissions, as sentences name it.
COMMISSIONED_RECORD = "the council's record of commissioned services"
#: The same record at the end of the previous period.
PREVIOUS_RECORD = "the council's record of the services it commissioned at the end of the previous period"


def _unknown_note(n: int, what: str) -> list[str]:
    if not n:
        return []
    return [
        f"{plural(n, 'location id')} in {what} {is_are(n)} not found in CQC's data: "
        "listed under Data quality and not counted in this table."
    ]


# ---- commissioned market (Haringey 6.2) ---------------------------------------------------------------


def commissioned_market(model: Model, params: ReportParams) -> Section:
    """People funded, providers and locations commissioned, and the share in the area, now and at the previous period end."""
    ctx = m.qa_context(model, params)
    com = m.commissioned(model, ctx)
    assert com is not None  # the registry gives this section only with a commissioned-services file
    now = m.market_measures(com)
    prev_frame = m.commissioned(model, ctx, previous=True)
    before = m.market_measures(prev_frame) if prev_frame is not None else None
    change = m.market_change(now, before) if before is not None else None
    end, prev_end = params.period.end, params.period.previous.end
    spend = now["spend"] is not None or (before is not None and before["spend"] is not None)
    share = "Share of locations in the area (%)"
    people_col = vocab.PEOPLE_FUNDED
    rows = []
    for label, measures in ([(f"At {long_date(prev_end)}", before)] if before else []) + [
        (f"At {long_date(end)}", now)
    ]:
        row = {
            "When": label,
            people_col: measures["people"],
            "Providers": measures["providers"],
            "Locations": measures["locations"],
            "Locations in the area": measures["in_area"],
            share: measures["share_in_area"],
        }
        if spend:
            row["Spend (£)"] = None if measures["spend"] is None else round(measures["spend"])
        rows.append(row)
    if change is not None:
        row = {
            "When": "Change",
            people_col: change["people"],
            "Providers": change["providers"],
            "Locations": change["locations"],
            "Locations in the area": change["in_area"],
            share: change["share_in_area"],
        }
        if spend:
            row["Spend (£)"] = None if change["spend"] is None else round(change["spend"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    for c in frame.columns[1:]:
        if c != share:
            frame[c] = frame[c].astype("Int64")
    frame[share] = frame[share].astype("Float64")
    formats = {share: "percent"}
    notes = [
        f"{people_col}: people the council funds at the end of the period, from {COMMISSIONED_RECORD}. "
        "Providers and locations: CQC-registered, as CQC's data name them."
    ]
    if change is not None:
        notes.append(
            "Change: this period's figure less the previous period's; the share in the area changes by "
            "percentage points."
        )
    if ctx.threshold is not None:
        # The change row shows a count of people only when neither end is suppressed (else it gives one away).
        people: list[object] = [
            suppressed_total(int(v), ctx.threshold) for v in frame[people_col][: len(rows) - (1 if before else 0)]
        ]
        if before:
            people.append(SUPPRESSED if SUPPRESSED in people else int(frame[people_col].iloc[-1]))
        if SUPPRESSED in people:
            frame[people_col] = [v if v == SUPPRESSED else format_cell(v, "int") for v in people]
            formats[people_col] = "text"
            notes.append(suppression_note(hidden_threshold(ctx)))
    if now["unknown"]:
        notes.append(
            f"{plural(now['unknown'], 'location id')} in {COMMISSIONED_RECORD} "
            f"{is_are(now['unknown'])} not found in CQC's data: the people funded there are "
            "counted; the providers and locations are not. Listed under Data quality."
        )
    cells = {(len(frame) - 1, share): POINTS} if change is not None else {}
    table = Table(
        "commissioned_market",
        f"People funded and providers commissioned by {ctx.council}",
        frame,
        footnotes=notes,
        formats=formats,
        cell_formats=cells,
    )
    para = (
        f"At {long_date(end)}, {ctx.council} funded {people_text(now['people'], ctx.threshold)} at "
        f"{plural(now['locations'], 'CQC-registered location')} run by {plural(now['providers'], 'provider')}"
    )
    if before:
        para += (
            f", compared with {plural(before['providers'], 'provider')} at {long_date(prev_end)} "
            f"({net_change_phrase(now['providers'], before['providers'])})"
        )
    para += "."
    in_area = (
        f"{n_of_n(now['in_area'], now['locations'], now['share_in_area'])} of these locations are in {ctx.council}"
    )
    if before and before["locations"]:
        in_area += (
            f", against {n_of_n(before['in_area'], before['locations'], before['share_in_area'])} at "
            f"{long_date(prev_end)}"
        )
    paras = [para, in_area + "."]
    if not before:
        paras.append(f"{upper_first(PREVIOUS_RECORD)} was not given, so the change since then is not shown.")
    return Section("commissioned_market", "The market the council commissions from", paras, [table])


# ---- commissioned by rating (Haringey Table 1) --------------------------------------------------------


def commissioned_by_rating(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 1: in-area host, in-area commissioned and out-of-area commissioned locations by CQC rating."""
    ctx = m.qa_context(model, params)
    council = ctx.council
    by_provider = params.options.host_unit == "providers"
    labels = (
        f"In area – host (every registered {'provider' if by_provider else 'location'})",
        f"In area – commissioned by {council}",
        f"Out of area – commissioned by {council}",
    )
    com = m.commissioned(model, ctx)
    assert com is not None  # the registry gives this section only with a commissioned-services file
    known = com[com["known"]]
    host_now = m.worst_rating_by_provider(model.locations) if by_provider else model.locations["overall_rating"]
    now = m.rating_group_table(
        {
            labels[0]: host_now,
            labels[1]: known.loc[known["in_area"], "overall_rating"],
            labels[2]: known.loc[~known["in_area"], "overall_rating"],
        }
    )
    whole = "share of the row's total (%)" if by_provider else "share of all locations (%)"
    shares = {f"{g} (%)": f"{g}, {whole}" for g in RATING_GROUPS}
    t1 = Table(
        "commissioned_by_rating",
        f"Locations in {council} and commissioned by {council}, by CQC rating",
        now.rename(columns={"": "Group", "Locations": "Number of locations", **shares}),
        formats={c: "percent" for c in shares.values()},
        footnotes=[
            "Shares are of every location in the row, those not yet rated included (the headline measure counts only "
            "the locations with a rating); a dash marks a row with no locations.",
            *(
                [
                    "The host row counts providers with a location in the area, each under the lowest rating of "
                    f"those locations ({NOT_RATED} when none has one)."
                ]
                if by_provider
                else []
            ),
            f"{NOT_RATED}: no rating yet (not inspected, or inspected without a rating).",
            _source_note(model),
            *_unknown_note(int((~com["known"]).sum()), COMMISSIONED_RECORD),
        ],
    )
    prev = params.period.previous
    before, uncovered = m.previous_rating_rows(model, params, ctx, labels, by_provider)
    tables = [t1]
    paras = _table1_sentences(now, before, council, long_date(prev.end), "provider" if by_provider else "location")
    for label, n in uncovered.items():
        paras.append(
            f"CQC's ratings history used here does not cover {plural(n, 'location')} of the row '{label}' on "
            f"{long_date(prev.end)}, so that row's ratings then are not shown."
        )
    if before["Locations"].notna().any():
        tables.append(
            Table(
                "commissioned_by_rating_change",
                f"Change from {long_date(prev.end)}: locations by CQC rating",
                m.change_table(before, now).rename(columns={"": "Group"}),
                row_header=2,
                footnotes=["A dash: not known for the previous period (the text above the tables says why)."],
            )
        )
    return Section("commissioned_by_rating", "Commissioned services by CQC rating", paras, tables)


def _table1_sentences(
    now: pd.DataFrame, before: pd.DataFrame, council: str, prev_date: str, unit: str = "location"
) -> list[str]:
    paras = []
    host, host_b = now.iloc[0], before.iloc[0]
    n_host = int(host["Locations"])
    s = f"As the host authority, {council} oversees {plural(n_host, 'CQC-registered adult social care ' + unit)}"
    if pd.notna(host_b["Locations"]):
        s += f", {net_change_phrase(host['Locations'], host_b['Locations'])} since {prev_date}"
    nr = int(host[NOT_RATED])
    if nr:
        s += f". {n_of_n(nr, n_host, host[NOT_RATED + ' (%)'])} {is_are(nr)} not yet rated"
        if pd.notna(host_b[NOT_RATED]):
            s += f", {net_change_phrase(nr, host_b[NOT_RATED])} since {prev_date}"
    elif n_host:
        s += f". {'It has' if n_host == 1 else 'All of them have'} a CQC rating"
    paras.append(s + ".")
    for i, where in ((1, "in its own area"), (2, "in other areas")):
        r, b = now.iloc[i], before.iloc[i]
        n = int(r["Locations"])
        if not n:
            paras.append(f"{council} commissions no locations {where}.")
            continue
        go, ri, nyr = int(r[GO]), int(r[RI]), int(r[NOT_RATED])
        s = f"{council} commissions {plural(n, 'location')} {where}. "
        if go + ri:
            s += f"{_headline(go, go + ri)} of those with a rating are Good or Outstanding"
            if pd.notna(b[GO]) and pd.notna(b[RI]) and int(b[GO]) + int(b[RI]):
                s += f", against {_headline(int(b[GO]), int(b[GO]) + int(b[RI]))} on {prev_date}"
            s += f"; {n_are(ri)} rated Requires improvement or Inadequate."
            if nyr:
                s += f" {n_are(nyr)} not yet rated."
        else:
            s += "None of them has a rating yet." if n > 1 else "It has no rating yet."
        if pd.notna(b["Locations"]):
            d = n - int(b["Locations"])
            s += (
                f" That is {abs(d):,} {'more' if d > 0 else 'fewer'} than on {prev_date}."
                if d
                else f" The number is unchanged since {prev_date}."
            )
        paras.append(s)
    if before["Locations"].isna().all():
        paras.append(
            "The change since the previous period is not shown: it needs "
            f"{PREVIOUS_RECORD.replace(' at the end of the previous period', ' then')} and CQC's ratings "
            "history, and neither was given."
        )
    elif pd.isna(before.loc[0, "Locations"]):
        paras.append(
            "Ratings at the end of the previous period need CQC's ratings history, which was not given; "
            "the change table shows only what is known."
        )
    elif pd.isna(before.loc[1, "Locations"]):
        paras.append(f"{upper_first(PREVIOUS_RECORD)} was not given, so the change is shown for the host row only.")
    return paras


# ---- by service type (Leicester) ----------------------------------------------------------------------


def commissioned_by_service_type(model: Model, params: ReportParams) -> Section:
    """Leicester's contracted providers' ratings by the council's service type."""
    ctx = m.qa_context(model, params)
    com = m.commissioned(model, ctx)
    assert com is not None  # the registry gives this section only with a commissioned-services file
    frame = m.by_service_type(com)
    if not frame[vocab.NOT_FOUND].any():
        frame = frame.drop(columns=vocab.NOT_FOUND)
    frame, people_fmt, hidden = suppress_people(frame, vocab.PEOPLE_FUNDED, ctx.threshold, total_row=True)
    share = f"{GO}, share of locations found in CQC's data (%)"
    notes = [
        f"{GO}, share: of every commissioned location found in CQC's data, those not yet rated included (the "
        "headline measure counts only the locations with a rating).",
        f"{NOT_RATED}: no rating yet.",
        _source_note(model),
    ]
    if hidden:
        notes.append(suppression_note(hidden_threshold(ctx)))
    table = Table(
        "commissioned_by_service_type",
        f"Locations commissioned by {ctx.council}, by service type and CQC overall rating",
        frame.rename(columns={f"{GO} (%)": share}),
        formats={share: "percent", vocab.PEOPLE_FUNDED: people_fmt},
        footnotes=notes,
    )
    total = frame.iloc[-1]
    h = headline_from_counts(total)
    inadequate, nyr = int(total["Inadequate"]), int(total[NOT_RATED])
    s = (
        f"{n_of_n(h.good_or_outstanding, h.rated, h.percent)} of the locations {ctx.council} commissions that have "
        f"a CQC rating are Good or Outstanding; {n_are(inadequate)} rated Inadequate."
    )
    if nyr:
        s += f" A further {plural(nyr, 'commissioned location')} {is_are(nyr)} not yet rated."
    paras = [s]
    parts = frame.iloc[:-1]
    rated = parts[parts[f"{GO} (%)"].notna()]
    if len(rated) > 1:
        lo = rated.sort_values([f"{GO} (%)", "Service type"], kind="stable").iloc[0]
        hi = rated.sort_values([f"{GO} (%)", "Service type"], ascending=[False, True], kind="stable").iloc[0]

        def found(r: pd.Series) -> str:
            known = int(r["Locations"]) - int(r.get(vocab.NOT_FOUND, 0))
            return n_of_n(int(r["Outstanding"]) + int(r["Good"]), known, float(r[f"{GO} (%)"]))

        paras.append(
            f"By service type, the share of commissioned locations rated Good or Outstanding ranges from "
            f"{found(lo)} for {lo['Service type']} to {found(hi)} for {hi['Service type']}."
        )
    return Section("commissioned_by_service_type", "Commissioned services by service type", paras, [table])


# ---- ratings against a baseline (Leicester 4.7, Rutland appendix A) ------------------------------------


def ratings_vs_baseline(model: Model, params: ReportParams) -> Section:
    """Ratings in the area now against a baseline date, and Requires improvement ratings of commissioned services."""
    ctx = m.qa_context(model, params)
    baseline = params.options.baseline_date or params.period.start
    when = long_date(baseline)
    counts = m.ratings_by_category_at(model.locations, m.host_overall_at(model, params, baseline))
    words = (*vocab.GRADED, NOT_RATED)
    frame = pd.DataFrame({"Rating": [*words, "Total"]})
    paras = []
    has_baseline = ctx.history is not None
    for cat in vocab.CATEGORIES:
        label = vocab.CATEGORY_WORDS[cat].label
        now, then = counts[cat]["now"], counts[cat]["then"]
        if then is not None:
            frame[f"{label}, {when}"] = [*(then[w] for w in words), sum(then.values())]
            paras.append(
                f"{label} in {ctx.council} on {when} and now ({long_date(model.as_of)}): "
                + "; ".join(
                    f"{w} {then[w]:,}, " + ("unchanged" if then[w] == now[w] else f"now {now[w]:,}")
                    for w in vocab.GRADED
                )
                + "."
            )
        frame[f"{label}, now"] = [*(now[w] for w in words), sum(now.values())]
    if not has_baseline:
        paras.append(
            f"Ratings on the baseline date ({when}) need a CQC ratings history, which this report was not "
            "given; the tables show ratings now only."
        )
    baseline_note = (
        f"Baseline: {when}, the date the council chose."
        if params.options.baseline_date
        else f"Baseline: {when}, the start of the reporting period."
    )
    tables = [
        Table(
            "ratings_vs_baseline",
            f"Overall CQC ratings of locations in {ctx.council}: {when} and now",
            frame,
            footnotes=[
                baseline_note,
                "Locations registered in the area on each date; each counted once.",
                _source_note(model),
            ],
        )
    ]
    com = m.commissioned(model, ctx)
    if com is not None:
        tables.append(
            _requires_improvement_table(
                m.requires_improvement_by_category(model, ctx, com, baseline), ctx.council, when, paras
            )
        )
    return Section("ratings_vs_baseline", "Ratings now against the baseline", paras, tables)


def _requires_improvement_table(rows: list[dict], council: str, when: str, paras: list[str]) -> Table:
    """Rutland 2.7: in-area commissioned services' key questions rated Requires improvement, then and now
    (appends its sentences to `paras`)."""
    out = []
    for r in rows:
        n1, r1 = r["now"]
        words = vocab.CATEGORY_WORDS[r["category"]]
        row = {"Category": words.label, "Commissioned locations": r["locations"]}
        if r["then"] is not None:
            n0, r0 = r["then"]
            one, many = words.noun
            then = (
                f"{plural(n0, one, many)} {council} commissions in its area had a key question rated Requires "
                f"improvement ({plural(r0, 'such rating')} between them)"
                if n0
                else f"none of the {many} {council} commissions in its area had a key question rated Requires improvement"
            )
            now = f"{n1:,} {has_have(n1)} ({plural(r1, 'such rating')})" if n1 else "none has"
            paras.append(f"On {when}, {then}; now {now}.")
            row |= {
                f"Locations with a key question rated Requires improvement, {when}": n0,
                f"Key questions rated Requires improvement, {when}": r0,
            }
        row |= {
            "Locations with a key question rated Requires improvement, now": n1,
            "Key questions rated Requires improvement, now": r1,
        }
        out.append(row)
    return Table(
        "commissioned_requires_improvement_vs_baseline",
        f"In-area locations commissioned by {council}: key questions rated Requires improvement, {when} and now",
        pd.DataFrame(out),
        footnotes=[
            "Key questions: Safe, Effective, Caring, Responsive and Well-led. The locations are those "
            "commissioned now, rated as they were on each date."
        ],
    )


# ---- high-risk providers (Haringey Tables 2 and 3) -----------------------------------------------------


def high_risk_in_area(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 2: services in the area at a high risk level at the period end, and the actions taken."""
    return _high_risk(model, params, in_area=True)


def high_risk_out_of_area(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 3: services in other areas, where the council funds people, at a high risk level."""
    return _high_risk(model, params, in_area=False)


def _high_risk(model: Model, params: ReportParams, *, in_area: bool) -> Section:
    ctx = m.qa_context(model, params)
    level = params.options.high_risk_from_level
    end = params.period.end
    hr = m.high_risk_measures(model, params, ctx, in_area=in_area)
    rows = hr.services
    if ctx.publication:
        refs = provider_references(hr.all_providers, params.options.reference_key)
        label = rows["provider"].map(refs)
        lead_cols = {"Provider ref": label}
    else:
        label = rows["provider_name"].fillna("").astype(str) + "|" + rows["location_name"].fillna("").astype(str)
        lead_cols = {"Provider": rows["provider_name"], "Location": rows["location_name"]}
    # Most serious first, then by provider, then by case.
    order = (
        rows.assign(_neg=-rows["risk_level"].astype(int), _label=label)
        .sort_values(["_neg", "_label", "case_ref"], kind="stable")
        .index
    )
    body = {**lead_cols, "Service type": rows["service"]}
    if not in_area:
        body["Lead council"] = rows["lead"]
    body |= {
        "Risk level": rows["risk_level"],
        vocab.PEOPLE_FUNDED: rows["funded_residents"],
        "Placements suspended": rows["placements_suspended"].map({True: "Yes", False: "No"}),
    }
    if not ctx.publication:  # free text can name a service, its rating and its dates: not published
        body |= {
            "Summary of risk" if in_area else "Summary of concerns": rows["concerns"],
            "Actions taken / outcome": rows["actions"],
        }
    frame = pd.DataFrame(body).loc[order].reset_index(drop=True)
    frame, people_fmt, hidden = suppress_people(frame, vocab.PEOPLE_FUNDED, ctx.threshold)
    where = f"in {ctx.council}" if in_area else f"in other areas where {ctx.council} funds people"
    notes = [
        f"Services at risk level {level} or above on the risk register on {long_date(end)}. "
        f"{vocab.PEOPLE_FUNDED}: people {ctx.council} funds there, from the risk register."
    ]
    if ctx.publication:
        notes.append(
            "Providers are shown by a reference made from CQC's provider id with a keyed hash, the same in "
            "every report. The risk register's summaries of risk and of actions are left out of the published "
            "version: they can name a service, its rating and its dates."
        )
    if hidden:
        notes.append(suppression_note(hidden_threshold(ctx)))
    if hr.unknown:
        notes.append(
            f"{plural(hr.unknown, 'high-risk case')} {'is' if hr.unknown == 1 else 'are'} about a location id not "
            "found in CQC's data, so its area is not known: listed under Data quality."
        )
    n = len(frame)
    if n:
        s = (
            f"At {long_date(end)}, {plural(n, 'service')} {where} {was_were(n)} at risk level {level} or above, run by "
            f"{plural(hr.providers, 'provider')}. "
        )
        s += _lead_phrase(ctx.council, hr.lead_own, n) + ". "
        s += _suspended_phrase(hr.suspended, n)
    else:
        s = f"No service {where} was at risk level {level} or above at {long_date(end)}."
    title = "High-risk providers in the area" if in_area else "High-risk providers in other areas"
    tid = "high_risk_in_area" if in_area else "high_risk_out_of_area"
    caption = f"High-risk services {where}, {long_date(end)}"
    tables = (
        [Table(tid, caption, frame, formats={vocab.PEOPLE_FUNDED: people_fmt, "Risk level": "int"}, footnotes=notes)]
        if n
        else []
    )
    paras = [s] + ([] if n or not hr.unknown else [notes[-1]])
    return Section(tid, title, paras, tables)


def _suspended_phrase(suspended: int, n: int) -> str:
    """'New placements were suspended at all of them.', '… at 2 of them.', '… were not suspended at any of them.'"""
    if not suspended:
        return (
            "New placements were not suspended there."
            if n == 1
            else "New placements were not suspended at any of them."
        )
    if suspended == n:
        return "New placements were suspended there." if n == 1 else "New placements were suspended at all of them."
    return f"New placements were suspended at {suspended:,} of them."


def _lead_phrase(council: str, own: int, n: int) -> str:
    them = "all of them" if n > 1 else "it"
    if own == n:
        return f"{council} leads the intervention for {them}"
    if own == 0:
        return f"Another council leads the intervention for {them}"
    return f"{council} leads the intervention for {own:,} of them and another council for {n - own:,}"


# ---- risk levels (Coventry Table One) -----------------------------------------------------------------


def risk_levels(model: Model, params: ReportParams) -> Section:
    """Services and providers at each risk level at the period end, moves between levels, and each level's oversight."""
    ctx = m.qa_context(model, params)
    summary = m.risk_summary(model, params, ctx, {**m.DEFAULT_OVERSIGHT, **params.options.oversight_forums})
    counts = summary.counts
    by_level = [
        f"{int(r['Services at period end']):,} at level {int(r['Level'])}"
        for _, r in counts.iterrows()
        if int(r["Services at period end"])
    ]
    total = summary.services
    on = long_date(params.period.end)
    paras = [
        f"At {on}, {plural(total, 'service')} {was_were(total)} on the risk register: {join_words(by_level)}."
        if total
        else f"At {on}, no service was on the risk register.",
        f"In the period, {count_phrase(summary.opened, 'case')} {was_were(summary.opened)} opened and "
        f"{number_or_none(summary.closed)} closed; {count_phrase(summary.escalated, 'case')} "
        f"{was_were(summary.escalated)} escalated to a higher level and {number_or_none(summary.de_escalated)} "
        "de-escalated.",
    ]
    source = "the council's own" if params.options.oversight_forums else "those of the same approach"
    table = Table(
        "risk_levels",
        "Risk levels: services and providers at each level, moves in the period, and oversight",
        counts,
        footnotes=[
            "A service is a CQC location. A case moves level when its next entry on the risk register opens "
            "on the day the previous one closed.",
            "The four levels and their descriptions follow a four-level approach a council has published "
            f"(the method appendix names it); the oversight forums are {source}.",
        ],
    )
    return Section("risk_levels", "Risk levels and oversight", paras, [table])


# ---- QA activity (Haringey 6.7) -----------------------------------------------------------------------


def qa_activity(model: Model, params: ReportParams) -> Section:
    """Visits by type in the period (and the previous one, where the file has it), outcomes, welfare checks and suspensions."""
    ctx = m.qa_context(model, params)
    v = m.visit_summary(model, params, ctx)
    p, prev = params.period, params.period.previous
    frame = v.by_type
    notes = [f"Visits dated {long_date(p.start)} to {long_date(p.end)}; services visited: distinct CQC locations."]
    if v.previous:
        notes.append(f"Previous period: {long_date(prev.start)} to {long_date(prev.end)}, from the same record.")
    if v.outside:
        notes.append(
            f"{plural(v.outside, 'visit')} dated outside this period and the previous one {is_are(v.outside)} "
            "not counted."
        )
    t1 = Table("qa_activity", "Quality assurance visits by type", frame, footnotes=notes)
    t2 = Table("qa_visit_outcomes", "Quality assurance visits in the period by outcome", v.outcomes)
    total = frame.iloc[-1]
    n, k = int(total["Total"]), int(total["Services visited"])
    un = int(frame.loc[frame["Visit type"] == "Unannounced", "Total"].iloc[0])
    if n:
        s = (
            f"The quality assurance team made {plural(n, 'visit')} to {plural(k, 'service')} in the period, "
            f"{number_or_none(un)} of them unannounced"
        )
    else:
        s = "The quality assurance team recorded no visits in the period"
    s += (
        f", against {int(total['Previous period']):,} in the previous period."
        if v.previous
        else "; the council's record of visits holds none in the previous period to compare with."
    )
    paras = [s]
    if v.welfare_checks:
        paras.append(
            f"{plural(v.welfare_checks, 'welfare check')} {was_were(v.welfare_checks)} made at "
            f"{plural(v.welfare_services, 'service')}, {number_or_none(v.welfare_low_rated)} of them rated "
            "Requires improvement or Inadequate."
        )
    else:
        paras.append("No welfare checks were made in the period.")
    if v.suspensions is None:
        paras.append("The council's risk register was not given, so placement suspensions are not shown.")
    else:
        sp = v.suspensions
        parts = [
            f"{sp['in_area']:,} in {ctx.council}" if sp["in_area"] else "",
            f"{sp['out_of_area']:,} in other areas" if sp["out_of_area"] else "",
            f"{sp['unknown']:,} at location ids not found in CQC's data" if sp["unknown"] else "",
        ]
        parts = [x for x in parts if x]
        when = f"At {long_date(p.end)}, new placements"
        if not sp["total"]:
            paras.append(f"{when} were not suspended at any service.")
        elif len(parts) == 1:
            paras.append(
                f"{when} were suspended at {plural(sp['total'], 'service')}, "  # the verb agrees with "placements"
                f"{'all ' if sp['total'] > 1 else ''}{parts[0].split(' ', 1)[1]}."
            )
        else:
            paras.append(f"{when} were suspended at {plural(sp['total'], 'service')}: {join_words(parts)}.")
    return Section("qa_activity", "Quality assurance activity", paras, [t1, t2])


# ---- inspection themes (Leicester 4.12 and 4.15) ------------------------------------------------------


def inspection_themes(model: Model, params: ReportParams) -> Section:
    """Themes from CQC inspection reports ranked by number of issues, with the support offered for each."""
    issues = model.records.issues_by_location_report
    offers = model.records.offers_by_theme
    t = m.theme_summary(issues, offers)
    notes = [
        "Rank: by number of issues; themes with the same number share a rank. Reports: distinct location "
        "and publication date."
    ]
    if t.spare_offers:
        notes.append(
            f"The council's support offers also cover {join_words(t.spare_offers)}, "
            f"{'a theme' if len(t.spare_offers) == 1 else 'themes'} no issue above falls under."
        )
    paras = []
    if t.issues:
        top = [f"{r.Theme} ({r.Issues:,})" for r in t.ranked.head(3).itertuples()]
        paras.append(
            f"{plural(t.issues, 'issue')} from {plural(t.reports, 'CQC inspection report')} on "
            f"{plural(t.services, 'service')}, published from {long_date(t.first)} to "
            f"{long_date(t.last)}, {'falls' if t.issues == 1 else 'fall'} under "
            f"{plural(len(t.ranked), 'theme')}. "
            + (f"The most frequent are {join_words(top)}." if len(top) > 1 else f"It is {top[0]}.")
        )
        if t.without_offer is not None:
            missing = t.without_offer
            paras.append(
                f"{plural(len(missing), 'theme')} {has_have(len(missing))} no support offer yet: {join_words(missing)}."
                if missing
                else "Every theme has a support offer."
            )
        else:
            paras.append("The council's support offers for each theme were not given, so offers are not shown.")
    else:
        paras.append("The council's record of inspection themes lists no issues.")
    table = Table(
        "inspection_themes", "Themes from CQC inspection reports, ranked by number of issues", t.ranked, footnotes=notes
    )
    return Section("inspection_themes", "Themes from CQC inspection reports", paras, [table])
