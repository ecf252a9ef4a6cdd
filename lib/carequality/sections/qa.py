"""Sections built from the council's own QA records joined to CQC data (docs/inputs.md).

Each function is named as its section in params and takes (model, params). Numbers come from carequality.measures.qa;
sentences are built from those numbers. Where a number needs ratings at an earlier date and the model has no
ratings history, the section says so and shows the current column only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carequality import vocab
from carequality.model.build import Model, area_mask
from carequality.params import ReportParams
from carequality.present.publication import SUPPRESSED, people_text, provider_references, suppress, suppressed_total, suppression_note
from carequality.measures.qa import DEFAULT_OVERSIGHT, GO, NOT_RATED, RATING_GROUPS, RI, RISK_LEVEL_DESCRIPTIONS, CATEGORY_NOUNS, by_service_type, change_phrase, change_table, high_risk_at, in_period, market_measures, offers_without_issues, open_at, overall_at, rating_group_table, ratings_count, requires_improvement_count, risk_level_counts, themes_ranked, visit_outcomes, visits_by_type, worst_rating_by_provider
from carequality.model.records import location_lookup, with_cqc
from carequality.present.tables import Table, format_cell
from carequality.present.text import format_percent, join_words, long_date, plural
from carequality.measures.shares import percent
from carequality.sections import Section

CATEGORY_LABEL = {vocab.RESIDENTIAL: "Care homes", vocab.COMMUNITY: "Community services"}


# ---- shared context -----------------------------------------------------------------------------------


@dataclass
class _Ctx:
    council: str
    lookup: pd.DataFrame
    in_area: set[str]
    history: object | None
    threshold: int | None  # suppression threshold in publication mode, else None
    publication: bool


def _ctx(model: Model, params: ReportParams) -> _Ctx:
    history = model.history
    hist_locs, hist_overall = None, None
    if history is not None:
        from carequality.model.history import ratings_at

        hist_locs = history.locations_all
        hist_overall = overall_at(ratings_at(history, params.period.end))
    lookup = location_lookup(model.cqc_locations_all, hist_locs, hist_overall)
    la = lookup["local_authority"].fillna("").astype(str) if len(lookup) else pd.Series([], dtype=str)
    in_area = set(lookup.index[area_mask(la, params).to_numpy()]) if len(lookup) else set()
    in_area |= set(model.locations["location_id"])
    publication = params.options.mode == "publication"
    return _Ctx(params.council.name, lookup, in_area, history,
                params.options.suppress_below if publication else None, publication)


def _host_overall_at(model: Model, params: ReportParams, date) -> pd.DataFrame | None:
    """Every location registered in the area on `date` (from the history) with its overall rating then:
    location_id, provider_id, category, overall_rating. None without a history."""
    history = model.history
    if history is None:
        return None
    from carequality.model.history import active_at, ratings_at

    active = active_at(history, date)
    active = active[area_mask(active["local_authority"].fillna("").astype(str), params).to_numpy()]
    types = active["location_type"].fillna("").astype(str)
    active = active[types.isin(params.options.location_types) | (types == "")]
    out = active[["location_id", "provider_id", "category"]].reset_index(drop=True)
    return out.assign(overall_rating=out["location_id"].map(overall_at(ratings_at(history, date))))


def _people(frame: pd.DataFrame, column: str, ctx: _Ctx, *, total_row: bool = False) -> tuple[pd.DataFrame, str, int]:
    """Suppress small counts of people in publication mode; return (frame, the column's format, cells suppressed)."""
    if ctx.threshold is None or column not in frame:
        return frame, "int", 0
    values = frame[column]
    if total_row:
        parts, n = suppress(values.iloc[:-1], ctx.threshold, total_shown=True)
        total = suppressed_total(int(values.iloc[-1]), ctx.threshold) if pd.notna(values.iloc[-1]) else None
        values, n = pd.concat([parts, pd.Series([total], index=[values.index[-1]], dtype=object)]), n + (total == SUPPRESSED)
    else:
        values, n = suppress(values, ctx.threshold)
    if not n:
        return frame, "int", 0
    frame = frame.copy()
    frame[column] = [v if v in (SUPPRESSED, None) else format_cell(v, "int") for v in values]
    return frame, "text", int(n)


def _commissioned(model: Model, ctx: _Ctx, previous: bool = False) -> pd.DataFrame | None:
    frame = model.records.commissioned_previous_by_location if previous else model.records.commissioned_by_location
    return None if frame is None else with_cqc(frame, ctx.lookup, ctx.in_area)


def _pct(count: int, total: int, digits: int = 0) -> str:
    return format_percent(percent(count, total, digits))


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _source_note(model: Model) -> str:
    return f"Ratings: CQC care directory with ratings, as of {long_date(model.as_of)}."


def _unknown_note(n: int, what: str) -> list[str]:
    if not n:
        return []
    return [f"{plural(n, 'location id')} in the {what} {'is' if n == 1 else 'are'} not found in CQC's data: "
            "listed under Data quality and not counted in this table."]


# ---- commissioned market (Haringey 6.2) ---------------------------------------------------------------


def commissioned_market(model: Model, params: ReportParams) -> Section:
    """People funded, providers and locations commissioned, and the share in the area, now and at the previous period end."""
    ctx = _ctx(model, params)
    now = market_measures(_commissioned(model, ctx))
    prev_frame = _commissioned(model, ctx, previous=True)
    before = market_measures(prev_frame) if prev_frame is not None else None
    end, prev_end = params.period.end, params.period.previous.end
    spend = now["spend"] is not None or (before is not None and before["spend"] is not None)
    rows = []
    for label, m in ([(f"At {long_date(prev_end)}", before)] if before else []) + [(f"At {long_date(end)}", now)]:
        row = {"When": label, "People funded": m["people"], "Providers": m["providers"], "Locations": m["locations"],
               "Locations in the area": m["in_area"], "Share of locations in the area (%)": m["share_in_area"]}
        if spend:
            row["Spend (£)"] = None if m["spend"] is None else round(m["spend"])
        rows.append(row)
    if before:
        row = {"When": "Change (share: percentage points)"}
        for k, c in (("people", "People funded"), ("providers", "Providers"), ("locations", "Locations"),
                     ("in_area", "Locations in the area")):
            row[c] = now[k] - before[k]
        row["Share of locations in the area (%)"] = (None if now["share_in_area"] is None or before["share_in_area"] is None
                                                     else now["share_in_area"] - before["share_in_area"])
        if spend:
            row["Spend (£)"] = None if now["spend"] is None or before["spend"] is None else round(now["spend"] - before["spend"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    for c in frame.columns[1:]:
        if c != "Share of locations in the area (%)":
            frame[c] = frame[c].astype("Int64")
    frame["Share of locations in the area (%)"] = frame["Share of locations in the area (%)"].astype("Float64")
    formats = {"Share of locations in the area (%)": "percent"}
    notes = ["People funded: people the council funds at the end of the period, from its commissioned-services "
             "file. Providers and locations: CQC-registered, as CQC's data names them."]
    hidden = False
    if ctx.threshold is not None:
        people = [suppressed_total(int(v), ctx.threshold) for v in frame["People funded"][: len(rows) - (1 if before else 0)]]
        if before:
            people.append(SUPPRESSED if SUPPRESSED in people else int(frame["People funded"].iloc[-1]))
        if SUPPRESSED in people:
            frame["People funded"] = [v if v == SUPPRESSED else format_cell(v, "int") for v in people]
            formats["People funded"] = "text"
            hidden = True
    if hidden:
        notes.append(suppression_note(ctx.threshold))
    if now["unknown"]:
        notes.append(f"{plural(now['unknown'], 'location id')} in the commissioned-services file "
                     f"{'is' if now['unknown'] == 1 else 'are'} not found in CQC's data: the people funded there are "
                     "counted; the providers and locations are not. Listed under Data quality.")
    table = Table("commissioned_market", f"People funded and providers commissioned by {ctx.council}", frame,
                  footnotes=notes, formats=formats)
    para = (f"At {long_date(end)}, {ctx.council} funded {people_text(now['people'], ctx.threshold)} at "
            f"{plural(now['locations'], 'CQC-registered location')} run by {plural(now['providers'], 'provider')}")
    if before:
        para += (f", compared with {plural(before['providers'], 'provider')} at {long_date(prev_end)} "
                 f"({change_phrase(now['providers'], before['providers'])})")
    para += "."
    share = (f"{format_percent(now['share_in_area'])} of these locations are in {ctx.council}"
             + (f" ({format_percent(before['share_in_area'])} at {long_date(prev_end)})." if before else "."))
    paras = [para, share]
    if not before:
        paras.append("No commissioned-services file for the end of the previous period was given "
                     "(inputs.commissioned_services_previous), so the change from it is not shown.")
    return Section("commissioned_market", "The market the council commissions from", paras, [table])


# ---- commissioned by rating (Haringey Table 1) --------------------------------------------------------


def commissioned_by_rating(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 1: in-area host, in-area commissioned and out-of-area commissioned locations by CQC rating."""
    ctx = _ctx(model, params)
    council = ctx.council
    by_provider = params.options.host_unit == "providers"
    labels = (f"In area – host (every registered {'provider' if by_provider else 'location'})",
              f"In area – commissioned by {council}", f"Out of area – commissioned by {council}")
    com = _commissioned(model, ctx)
    known = com[com["known"]]
    host_now = worst_rating_by_provider(model.locations) if by_provider else model.locations["overall_rating"]
    now = rating_group_table({
        labels[0]: host_now,
        labels[1]: known.loc[known["in_area"], "overall_rating"],
        labels[2]: known.loc[~known["in_area"], "overall_rating"],
    })
    pct_cols = {f"{g} (%)": "percent" for g in RATING_GROUPS}
    t1 = Table(
        "commissioned_by_rating",
        f"Locations in {council} and commissioned by {council}, by CQC rating",
        now.rename(columns={"": "Group", "Locations": "Number of locations"}),
        formats=pct_cols,
        footnotes=[
            "Percentages are of the row's locations, in whole numbers rounded half up; a dash marks an empty cell.",
            *(["The host row counts providers with a location in the area, each under the lowest graded rating of "
               "those locations (Not yet rated when none has one)."] if by_provider else []),
            f"{NOT_RATED}: no graded rating yet (not inspected, or inspected without a rating).",
            _source_note(model),
            *_unknown_note(int((~com["known"]).sum()), "commissioned-services file"),
        ],
    )
    # The previous period: host from the ratings history; commissioned from the previous file (+ history ratings).
    prev = params.period.previous
    host_prev = _host_overall_at(model, params, prev.end)
    if host_prev is not None and by_provider:
        host_prev = worst_rating_by_provider(host_prev).to_frame("overall_rating")
    com_prev = _commissioned(model, ctx, previous=True)
    hist = ctx.history
    prev_rows: dict[str, object] = {labels[0]: None if host_prev is None else host_prev["overall_rating"]}
    uncovered: dict[str, int] = {}
    if com_prev is not None:
        kp = com_prev[com_prev["known"]]
        o = None
        if hist is not None:
            from carequality.model.history import ratings_at

            o = overall_at(ratings_at(hist, prev.end))
            covered = set(hist.locations_all["location_id"])
        for label, mask in ((labels[1], kp["in_area"]), (labels[2], ~kp["in_area"])):
            sub = kp[mask]
            missing = 0 if o is None else int((~sub["location_id"].isin(covered)).sum())
            if o is not None and not missing:
                prev_rows[label] = sub["location_id"].map(o)
            else:
                prev_rows[label] = int(len(sub))  # the count is known; the ratings then are not
                if missing:
                    uncovered[label] = missing
    else:
        prev_rows[labels[1]] = prev_rows[labels[2]] = None
    before = _rating_rows(prev_rows)
    tables = [t1]
    paras = _table1_sentences(now, before, council, long_date(prev.end), "provider" if by_provider else "location")
    for label, n in uncovered.items():
        paras.append(f"The ratings history does not cover {plural(n, 'location')} of the row '{label}' at "
                     f"{long_date(prev.end)}, so that row's ratings then are not shown.")
    if before["Locations"].notna().any():
        tables.append(Table(
            "commissioned_by_rating_change",
            f"Change from {long_date(prev.end)}: locations by CQC rating",
            change_table(before, now).rename(columns={"": "Group"}),
            row_header=2,
            footnotes=["A dash: not known for the previous period (see the text above the tables)."],
        ))
    return Section("commissioned_by_rating", "Commissioned services by CQC rating", paras, tables)


def _rating_rows(rows: dict[str, object]) -> pd.DataFrame:
    """rating_group_table, allowing a row whose location count is known but not its ratings (an int)."""
    counts_only = {k: v for k, v in rows.items() if isinstance(v, int)}
    frame = rating_group_table({k: (None if isinstance(v, int) else v) for k, v in rows.items()})
    for k, n in counts_only.items():
        frame.loc[frame[""] == k, "Locations"] = n
    return frame


def _table1_sentences(now: pd.DataFrame, before: pd.DataFrame, council: str, prev_date: str,
                      unit: str = "location") -> list[str]:
    paras = []
    host, host_b = now.iloc[0], before.iloc[0]
    s = (f"As the host authority, {council} oversees {plural(int(host['Locations']), 'CQC-registered adult social care ' + unit)}")
    if pd.notna(host_b["Locations"]):
        s += f", {change_phrase(host['Locations'], host_b['Locations'])} on {prev_date}"
    nr = int(host[NOT_RATED])
    s += f". {nr:,} of them ({format_percent(host[NOT_RATED + ' (%)'] if nr else 0.0)}) are not yet rated"
    if pd.notna(host_b[NOT_RATED]):
        s += f", {change_phrase(nr, host_b[NOT_RATED])}"
    paras.append(s + ".")
    for i, where in ((1, "in its own area"), (2, "in other areas")):
        r, b = now.iloc[i], before.iloc[i]
        n = int(r["Locations"])
        if not n:
            paras.append(f"{council} commissions no locations {where}.")
            continue
        s = (f"{format_percent(r[GO + ' (%)'] if r[GO] else 0.0)} of the {plural(n, 'location')} {council} commissions "
             f"{where} are rated Good or Outstanding ({int(r[GO]):,} of {n:,})")
        if pd.notna(b[GO]) and b["Locations"]:
            s += f"; {format_percent(percent(int(b[GO]), int(b['Locations'])))} at {prev_date}"
        s += f". {int(r[RI]):,} are rated Requires improvement or Inadequate and {int(r[NOT_RATED]):,} not yet rated."
        if pd.notna(b["Locations"]):
            d = n - int(b["Locations"])
            s += (f" {council} commissions from {abs(d):,} {'more' if d > 0 else 'fewer'} locations {where} than at "
                  f"{prev_date}." if d else f" The number of locations {where} is unchanged since {prev_date}.")
        paras.append(s)
    if before["Locations"].isna().all():
        paras.append("The change from the previous period is not shown: it needs the commissioned-services file "
                     "for the end of the previous period and a CQC ratings history, and neither was given.")
    elif pd.isna(before.loc[0, "Locations"]):
        paras.append("Ratings at the end of the previous period need a CQC ratings history, which was not given; "
                     "the change table shows only what is known.")
    elif pd.isna(before.loc[1, "Locations"]):
        paras.append("No commissioned-services file for the end of the previous period was given "
                     "(inputs.commissioned_services_previous), so the change is shown for the host row only.")
    return paras


# ---- by service type (Leicester) ----------------------------------------------------------------------


def commissioned_by_service_type(model: Model, params: ReportParams) -> Section:
    """Leicester's contracted providers' ratings by the council's service type."""
    ctx = _ctx(model, params)
    com = _commissioned(model, ctx)
    frame = by_service_type(com)
    if not frame["Not found in CQC data"].any():
        frame = frame.drop(columns="Not found in CQC data")
    frame, people_fmt, hidden = _people(frame, "People funded", ctx, total_row=True)
    notes = [f"{GO} (%): of the commissioned locations found in CQC's data, to one decimal place.",
             f"{NOT_RATED}: no graded rating yet.", _source_note(model)]
    if hidden:
        notes.append(suppression_note(ctx.threshold))
    table = Table("commissioned_by_service_type",
                  f"Locations commissioned by {ctx.council}, by service type and CQC overall rating",
                  frame, formats={f"{GO} (%)": "percent", "People funded": people_fmt}, footnotes=notes)
    total = frame.iloc[-1]
    known = int(total["Locations"]) - int(total.get("Not found in CQC data", 0))
    paras = [f"{format_percent(total[f'{GO} (%)'] if pd.notna(total[f'{GO} (%)']) else None)} of the "
             f"{plural(known, 'commissioned location')} found in CQC's data are rated Good or Outstanding; "
             f"{int(total['Inadequate']):,} ({_pct(int(total['Inadequate']), known, 1)}) are rated Inadequate."]
    parts = frame.iloc[:-1]
    rated = parts[parts[f"{GO} (%)"].notna()]
    if len(rated) > 1:
        lo = rated.sort_values([f"{GO} (%)", "Service type"], kind="stable").iloc[0]
        hi = rated.sort_values([f"{GO} (%)", "Service type"], ascending=[False, True], kind="stable").iloc[0]
        paras.append(f"By service type, the share rated Good or Outstanding ranges from "
                     f"{format_percent(lo[f'{GO} (%)'])} ({lo['Service type']}) to "
                     f"{format_percent(hi[f'{GO} (%)'])} ({hi['Service type']}).")
    return Section("commissioned_by_service_type", "Commissioned services by service type", paras, [table])


# ---- ratings against a baseline (Leicester 4.7, Rutland appendix A) ------------------------------------


def ratings_vs_baseline(model: Model, params: ReportParams) -> Section:
    """Ratings in the area now against a baseline date, and Requires improvement ratings of commissioned services."""
    ctx = _ctx(model, params)
    baseline = params.options.baseline_date or params.period.start
    when = long_date(baseline)
    base = _host_overall_at(model, params, baseline)
    locs = model.locations
    words = (*vocab.GRADED, NOT_RATED)
    frame = pd.DataFrame({"Rating": [*words, "Total"]})
    paras = []
    for cat in vocab.CATEGORIES:
        label = CATEGORY_LABEL[cat]
        now = ratings_count(locs.loc[locs["category"] == cat, "overall_rating"])
        if base is not None:
            then = ratings_count(base.loc[base["category"] == cat, "overall_rating"])
            frame[f"{label}, {when}"] = [*(then[w] for w in words), sum(then.values())]
            paras.append(f"{label} in {ctx.council} on {when}, against now: "
                         + " ".join(f"{then[w]:,} {w}; this is now {now[w]:,}." for w in vocab.GRADED))
        frame[f"{label}, now"] = [*(now[w] for w in words), sum(now.values())]
    if base is None:
        paras.append(f"Ratings on the baseline date ({when}) need a CQC ratings history, which this report was not "
                     "given; the tables show ratings now only.")
    baseline_note = ("Baseline: options.baseline_date in params." if params.options.baseline_date
                     else "Baseline: the start of the reporting period (set options.baseline_date to choose another date).")
    tables = [Table("ratings_vs_baseline", f"Overall CQC ratings of locations in {ctx.council}: {when} and now", frame,
                    footnotes=[baseline_note, "Locations registered in the area on each date; each counted once.",
                               _source_note(model)])]
    com = _commissioned(model, ctx)
    if com is not None:
        tables.append(_requires_improvement_vs_baseline(model, ctx, com, baseline, paras))
    return Section("ratings_vs_baseline", "Ratings now against the baseline", paras, tables)


def _requires_improvement_vs_baseline(model: Model, ctx: _Ctx, com: pd.DataFrame, baseline, paras: list[str]) -> Table:
    """Rutland 2.7: in-area commissioned services' key questions rated Requires improvement, then and now
    (appends its sentences to `paras`)."""
    when = long_date(baseline)
    cohort = com[com["known"] & com["in_area"]]
    then_kq = None
    if ctx.history is not None:
        from carequality.model.history import ratings_at

        then_kq = ratings_at(ctx.history, baseline)
    rows = []
    for cat in vocab.CATEGORIES:
        ids = set(cohort.loc[cohort["category"] == cat, "location_id"])
        n1, r1 = requires_improvement_count(model.ratings_by_location_key_question, ids)
        row = {"Category": CATEGORY_LABEL[cat], "Commissioned locations": len(ids)}
        if then_kq is not None:
            n0, r0 = requires_improvement_count(then_kq, ids)
            row |= {f"With a key question rated RI, {when}": n0, f"RI key-question ratings, {when}": r0}
            one, many = CATEGORY_NOUNS[cat]
            paras.append(f"Previously there {_was(n0)} {plural(n0, 'in-area ' + one, 'in-area ' + many)} commissioned "
                         f"by {ctx.council} with {plural(r0, 'Requires improvement rating')} between them; "
                         f"this is now {n1:,} with {r1:,}.")
        row |= {"With a key question rated RI, now": n1, "RI key-question ratings, now": r1}
        rows.append(row)
    return Table(
        "commissioned_requires_improvement_vs_baseline",
        f"In-area locations commissioned by {ctx.council}: key questions rated Requires improvement (RI), {when} and now",
        pd.DataFrame(rows),
        footnotes=["Key questions: Safe, Effective, Caring, Responsive and Well-led. The locations are those "
                   "commissioned now, rated as they were on each date."],
    )


# ---- high-risk providers (Haringey Tables 2 and 3) -----------------------------------------------------


def high_risk_in_area(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 2: services in the area at a high risk level at the period end, and the actions taken."""
    return _high_risk(model, params, in_area=True)


def high_risk_out_of_area(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 3: services in other areas, where the council funds people, at a high risk level."""
    return _high_risk(model, params, in_area=False)


def _high_risk(model: Model, params: ReportParams, *, in_area: bool) -> Section:
    ctx = _ctx(model, params)
    level = params.options.high_risk_from_level
    end = params.period.end
    risk = with_cqc(model.records.risk_by_case_opened, ctx.lookup, ctx.in_area)
    spells = high_risk_at(risk, end, level)
    unknown = int((~spells["known"]).sum())
    rows = spells[spells["known"] & (spells["in_area"] == in_area)].copy()
    com = model.records.commissioned_by_location
    stype = com.set_index("location_id")["service_type"] if com is not None else pd.Series(dtype=object)
    rows["service"] = [stype.get(i) or CATEGORY_LABEL.get(c, c) for i, c in zip(rows["location_id"], rows["category"])]
    rows["lead"] = [(la or (ctx.council if in_area else host)) for la, host in zip(rows["lead_authority"], rows["local_authority"])]
    provider = rows["provider_id"].where(rows["provider_id"].fillna("").astype(str) != "", rows["location_id"])
    known_all = risk[risk["known"]]
    all_providers = known_all["provider_id"].where(known_all["provider_id"].fillna("").astype(str) != "", known_all["location_id"])
    if ctx.publication:
        refs = provider_references(all_providers, params.options.reference_key)
        rows["label"] = provider.map(refs)
        lead_cols = {"Provider ref": rows["label"]}
    else:
        rows["label"] = rows["provider_name"].fillna("").astype(str) + "|" + rows["location_name"].fillna("").astype(str)
        lead_cols = {"Provider": rows["provider_name"], "Location": rows["location_name"]}
    order = rows.assign(_neg=-rows["risk_level"].astype(int)).sort_values(["_neg", "label", "case_ref"], kind="stable").index
    body = {**lead_cols, "Service type": rows["service"]}
    if not in_area:
        body["Lead authority"] = rows["lead"]
    body |= {"Risk level": rows["risk_level"], "Funded residents": rows["funded_residents"],
             "Placements suspended": rows["placements_suspended"].map({True: "Yes", False: "No"}),
             "Summary of risk" if in_area else "Summary of concerns": rows["concerns"],
             "Actions taken / outcome": rows["actions"]}
    frame = pd.DataFrame(body).loc[order].reset_index(drop=True)
    frame, people_fmt, hidden = _people(frame, "Funded residents", ctx)
    where = f"in {ctx.council}" if in_area else f"in other areas where {ctx.council} funds people"
    notes = [f"Services at risk level {level} or above on the risk register on {long_date(end)}. Funded residents: "
             f"people {ctx.council} funds there, from the risk register."]
    if ctx.publication:
        notes.append("Providers are shown by a reference made from CQC's provider id with a keyed hash, the same in "
                     "every report; free text is printed as the risk register gives it.")
    if hidden:
        notes.append(suppression_note(ctx.threshold))
    if unknown:
        notes.append(f"{plural(unknown, 'high-risk case')} {'is' if unknown == 1 else 'are'} about a location id not "
                     "found in CQC's data, so its area is not known: listed under Data quality.")
    n = len(frame)
    n_prov = int(provider.nunique())
    susp = int(rows["placements_suspended"].fillna(False).sum())
    if n:
        lead_own = int((rows["lead"] == ctx.council).sum())
        s = (f"At {long_date(end)}, {plural(n, 'service')} {where} {_was(n)} at risk level {level} or above, run by "
             f"{plural(n_prov, 'provider')}. ")
        s += _lead_phrase(ctx.council, lead_own, n) + ". "
        s += f"New placements {_was(susp)} suspended at {plural(susp, 'service')}."
    else:
        s = f"No service {where} was at risk level {level} or above at {long_date(end)}."
    title = "High-risk providers in the area" if in_area else "High-risk providers in other areas"
    tid = "high_risk_in_area" if in_area else "high_risk_out_of_area"
    caption = (f"High-risk services {where}, {long_date(end)}")
    tables = [Table(tid, caption, frame, formats={"Funded residents": people_fmt, "Risk level": "int"},
                    footnotes=notes)] if n else []
    paras = [s] + ([] if n or not unknown else [notes[-1]])
    return Section(tid, title, paras, tables)


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
    ctx = _ctx(model, params)
    risk = model.records.risk_by_case_opened
    provider_of = ctx.lookup["provider_id"] if len(ctx.lookup) else pd.Series(dtype=object)
    provider_of = provider_of[provider_of.fillna("").astype(str) != ""]
    counts = risk_level_counts(risk, provider_of, params.period.start, params.period.end)
    forums = {**DEFAULT_OVERSIGHT, **params.options.oversight_forums}
    counts.insert(1, "Description", counts["Level"].map(RISK_LEVEL_DESCRIPTIONS))
    counts.insert(2, "Oversight", counts["Level"].map(forums))
    total = counts["Services at period end"].sum()
    by_level = [f"{int(r['Services at period end']):,} at level {int(r['Level'])}" for _, r in counts.iterrows()]
    esc = int(counts["Escalated to this level"].sum())
    de = int(counts["De-escalated to this level"].sum())
    opened = int(counts["Cases opened at this level"].sum())
    closed = int(counts["Cases closed from this level"].sum())
    paras = [
        f"At {long_date(params.period.end)}, {plural(int(total), 'service')} {_was(int(total))} on the risk register: "
        f"{join_words(by_level)}.",
        f"In the period {plural(opened, 'case')} {_was(opened)} opened and {closed:,} closed; "
        f"{plural(esc, 'case')} {_was(esc)} escalated to a higher level and {de:,} de-escalated.",
    ]
    source = ("set in params (options.oversight_forums)" if params.options.oversight_forums
              else "by default those of Coventry City Council's four-level approach (July 2022)")
    table = Table("risk_levels", "Risk levels: services and providers at each level, moves in the period, and oversight",
                  counts, footnotes=[
                      "A service is a CQC location; a case moves level when its next row opens on the day the last closed.",
                      f"Level descriptions follow Coventry City Council's Table One (July 2022); oversight forums are {source}.",
                  ])
    return Section("risk_levels", "Risk levels and oversight", paras, [table])


# ---- QA activity (Haringey 6.7) -----------------------------------------------------------------------


def qa_activity(model: Model, params: ReportParams) -> Section:
    """Visits by type in the period (and the previous one, where the file has it), outcomes, welfare checks and suspensions."""
    ctx = _ctx(model, params)
    visits = with_cqc(model.records.visits_by_location_date, ctx.lookup, ctx.in_area)
    p, prev = params.period, params.period.previous
    cur = in_period(visits, "visit_date", p.start, p.end)
    before = in_period(visits, "visit_date", prev.start, prev.end)
    outside = len(visits) - len(cur) - len(before)
    frame = visits_by_type(cur)
    if not frame["Not found in CQC data"].any():
        frame = frame.drop(columns="Not found in CQC data")
    if len(before):
        frame["Previous period"] = visits_by_type(before)["Total"]
    notes = [f"Visits dated {long_date(p.start)} to {long_date(p.end)}; services visited: distinct CQC locations."]
    if len(before):
        notes.append(f"Previous period: {long_date(prev.start)} to {long_date(prev.end)}, from the same file.")
    if outside:
        notes.append(f"{plural(outside, 'visit')} dated outside this period and the previous one {'is' if outside == 1 else 'are'} not counted.")
    t1 = Table("qa_activity", "Quality assurance visits by type", frame, footnotes=notes)
    t2 = Table("qa_visit_outcomes", "Quality assurance visits in the period by outcome", visit_outcomes(cur))
    total = frame.iloc[-1]
    n, k = int(total["Total"]), int(total["Services visited"])
    un = int(frame.loc[frame["Visit type"] == "Unannounced", "Total"].iloc[0])
    s = (f"The quality assurance team made {plural(n, 'visit')} to {plural(k, 'service')} in the period, "
         f"{un:,} of them unannounced")
    s += (f", against {int(total['Previous period']):,} in the previous period." if len(before)
          else "; the file has no visits in the previous period to compare with.")
    paras = [s]
    welfare = cur[cur["visit_type"] == "welfare check"]
    wl = welfare.drop_duplicates("location_id")
    low = int(wl["overall_rating"].map(lambda r: str(r) in vocab.RI_OR_INADEQUATE).sum())
    paras.append(f"{plural(len(welfare), 'welfare check')} {_was(len(welfare))} made at {plural(len(wl), 'service')}, "
                 f"{low:,} of them rated Requires improvement or Inadequate.")
    risk = model.records.risk_by_case_opened
    if risk is None:
        paras.append("No risk register was given (inputs.risk_register), so placement suspensions are not shown.")
    else:
        r = with_cqc(open_at(risk, p.end), ctx.lookup, ctx.in_area)
        r = r[r["placements_suspended"].fillna(False).astype(bool)]
        ids = r.drop_duplicates("location_id")
        n_in = int((ids["known"] & ids["in_area"]).sum())
        n_out = int((ids["known"] & ~ids["in_area"]).sum())
        n_unknown = len(ids) - n_in - n_out
        paras.append(f"At {long_date(p.end)}, new placements {_was(len(ids))} suspended at "
                     f"{plural(len(ids), 'service')}: {n_in:,} in {ctx.council} and {n_out:,} in other areas"
                     + (f", and {n_unknown:,} at location ids not found in CQC's data." if n_unknown else "."))
    return Section("qa_activity", "Quality assurance activity", paras, [t1, t2])


# ---- inspection themes (Leicester 4.12 and 4.15) ------------------------------------------------------


def inspection_themes(model: Model, params: ReportParams) -> Section:
    """Themes from CQC inspection reports ranked by number of issues, with the support offered for each."""
    issues = model.records.issues_by_location_report
    offers = model.records.offers_by_theme
    frame = themes_ranked(issues, offers)
    notes = ["Rank: by number of issues; themes with the same number share a rank. Reports: distinct location "
             "and publication date."]
    if offers is not None:
        spare = offers_without_issues(issues, offers)
        if spare:
            notes.append(f"The support-offer file also lists {join_words(spare)}, which no issue in this file uses.")
    n_issues, n_themes = len(issues), len(frame)
    reports = issues[["location_id", "report_date"]].drop_duplicates()
    paras = []
    if n_issues:
        first, last = issues["report_date"].min(), issues["report_date"].max()
        top = [f"{r.Theme} ({r.Issues:,})" for r in frame.head(3).itertuples()]
        paras.append(f"{plural(n_issues, 'issue')} from {plural(len(reports), 'CQC inspection report')} on "
                     f"{plural(reports['location_id'].nunique(), 'service')}, published from {long_date(first)} to "
                     f"{long_date(last)}, fall under {plural(n_themes, 'theme')}. The most frequent are {join_words(top)}.")
        if offers is not None:
            missing = frame.loc[frame["Support offer"].isna(), "Theme"].tolist()
            paras.append(f"{plural(len(missing), 'theme')} {'has' if len(missing) == 1 else 'have'} no support offer yet"
                         + (f": {join_words(missing)}." if missing else "."))
        else:
            paras.append("No theme → support offer file was given (inputs.theme_offers), so offers are not shown.")
    else:
        paras.append("The inspection themes file has no issues.")
    table = Table("inspection_themes", "Themes from CQC inspection reports, ranked by number of issues", frame,
                  footnotes=notes)
    return Section("inspection_themes", "Themes from CQC inspection reports", paras, [table])
