"""Sections built from the council's own QA records joined to CQC data (docs/inputs.md).

Each function is a section named in the registry and takes (model, params). Numbers come from
carequality.measures.qa; sentences are built from those numbers. Where a number needs ratings at an earlier date
and the model has no ratings history, the section says so and shows the current column only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carequality import vocab
from carequality.facts import Fact
from carequality.measures import qa as m
from carequality.measures.facts import FactSet
from carequality.measures.headline import Headline, headline_from_counts
from carequality.measures.qa import GO, NOT_RATED, RATING_GROUPS, RI
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present import facts as pf
from carequality.present.facts import compared, say
from carequality.present.publication import (
    SUPPRESSED,
    people_text,
    suppress_people,
    suppressed_total,
    suppression_note,
)
from carequality.present.tables import POINTS, Table, format_cell
from carequality.present.text import (
    count_phrase,
    data_quality_place,
    has_have,
    is_are,
    join_words,
    long_date,
    n_are,
    n_of_n,
    number_or_none,
    period_noun,
    plural,
    upper_first,
    was_were,
)
from carequality.sections import Section, cqc_source


def _headline(go: int, rated: int) -> str:
    """'49 of 61 (80.3%)': the headline measure (measures.headline) of counts a table shows."""
    return n_of_n(go, rated, Headline(go, rated).percent)


def threshold_fact(f: FactSet, ctx: m.QaContext) -> Fact | None:
    """Publication mode's suppression threshold as a setting fact (None when nothing is suppressed)."""
    if ctx.threshold is None:
        return None
    return f.setting(
        "suppress_below",
        ctx.threshold,
        "In a published report, counts of people from 1 to one less than this are not shown.",
    )


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
        f"listed {data_quality_place()} and not counted in this table."
    ]


# ---- commissioned market (Haringey 6.2) ---------------------------------------------------------------


def _market_row(label: str, mk: dict, share: str, spend: bool) -> dict:
    row = {
        "When": label,
        vocab.PEOPLE_FUNDED: mk["people"],
        "Providers": mk["providers"],
        "Locations": mk["locations"],
        "Locations in the area": mk["in_area"],
        share: mk["share_in_area"],
    }
    if spend:
        row[SPEND] = None if mk["spend"] is None else round(mk["spend"])
    return row


#: The spend column: a year's flow, never "at" a date.
SPEND = "Spend in the year (£)"
MARKET_SHARE = "Share of the area's locations (%)"


def _market_frame(now: dict, before: dict | None, change: dict | None, params: ReportParams) -> pd.DataFrame:
    spend = now["spend"] is not None or (before is not None and before["spend"] is not None)
    rows = (
        [_market_row(f"Year to {long_date(params.period.previous.end)}", before, MARKET_SHARE, spend)] if before else []
    )
    rows.append(_market_row(f"Year to {long_date(params.period.end)}", now, MARKET_SHARE, spend))
    if change is not None:
        rows.append(_market_row("Change", change, MARKET_SHARE, spend))
    frame = pd.DataFrame(rows)
    for c in frame.columns[1:]:
        if c != MARKET_SHARE:
            frame[c] = frame[c].astype("Int64")
    frame[MARKET_SHARE] = frame[MARKET_SHARE].astype("Float64")
    return frame


def _market_facts(f: FactSet, now: dict, before: dict | None, params: ReportParams, row: str) -> dict[str, Fact]:
    """The market's facts at the end of this period (and the previous one): people, providers, locations, in area."""
    council = params.council.name
    t = "commissioned_market"
    out = {
        "people": f.count(
            "people",
            now["people"],
            f"People {council} funds at CQC-registered services.",
            "person",
            at=(t, row, vocab.PEOPLE_FUNDED),
        ),
        "providers": f.count(
            "providers", now["providers"], f"Providers {council} commissions.", "provider", at=(t, row, "Providers")
        ),
        "locations": f.count(
            "locations",
            now["locations"],
            f"CQC-registered locations {council} commissions.",
            "location",
            at=(t, row, "Locations"),
        ),
        "in_area": f.share(
            "in_area",
            now["in_area"],
            now["locations"],
            f"Share of the locations {council} commissions in its area.",
            at=(t, row, MARKET_SHARE),
        ),
    }
    if before:
        prev = params.period.previous.end
        out["providers_before"] = f.count(
            "providers_before",
            before["providers"],
            f"Providers {council} commissioned a year earlier.",
            "provider",
            as_of=prev,
        )
        out["providers_change"] = f.change(
            "providers_change", out["providers"], out["providers_before"], "Change in providers commissioned."
        )
        out["in_area_before"] = f.share(
            "in_area_before", before["in_area"], before["locations"], "The same share a year earlier.", as_of=prev
        )
    return out


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
    frame = _market_frame(now, before, change, params)
    f = FactSet("qa.market", as_of=end, source="commissioned_services")
    k = _market_facts(f, now, before, params, f"Year to {long_date(end)}")
    table = _market_table(frame, now, before, change, ctx)
    people = people_text(k["people"], threshold_fact(f, ctx))
    para = (
        f"At {long_date(end)}, {ctx.council} funded {people} at "
        f"{plural(k['locations'], 'CQC-registered location')} run by "
    )
    if before:
        para += compared(k["providers"], k["providers_before"], k["providers_change"], noun=True)
    else:
        para += plural(k["providers"], "provider")
    in_area = f"{pf.n_of_n(k['in_area'])} of these locations are in {ctx.council}"
    if before and before["locations"]:
        in_area += f", against {pf.n_of_n(k['in_area_before'])} at {long_date(prev_end)}"
    paras = [para + ".", in_area + "."]
    if not before:
        paras.append(
            f"{PREVIOUS_RECORD[0].upper() + PREVIOUS_RECORD[1:]} was not given, so the change since then is not shown."
        )
    return Section("commissioned_market", "The market the council commissions from", paras, [table], facts=f.made)


def _market_table(frame: pd.DataFrame, now: dict, before: dict | None, change: dict | None, ctx: m.QaContext) -> Table:
    people_col = vocab.PEOPLE_FUNDED
    formats = {MARKET_SHARE: "percent"}
    notes = [
        f"{people_col}: people the council funds at the end of each year, from {COMMISSIONED_RECORD}; spend: the "
        "council's spend in the year. Providers and locations: CQC-registered, as CQC's data name them."
    ]
    if change is not None:
        notes.append(
            "Change: this period's figure less the previous period's; the share in the area changes by "
            "percentage points."
        )
    if ctx.threshold is not None:
        # The change row shows a count of people only when neither end is suppressed (else it gives one away).
        n_rows = len(frame) - (1 if before else 0)
        people: list[object] = [suppressed_total(int(v), ctx.threshold) for v in frame[people_col][:n_rows]]
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
            f"counted; the providers and locations are not. Listed {data_quality_place()}."
        )
    cells = {(len(frame) - 1, MARKET_SHARE): POINTS} if change is not None else {}
    return Table(
        "commissioned_market",
        f"People funded and providers commissioned by {ctx.council}",
        frame,
        footnotes=notes,
        formats=formats,
        cell_formats=cells,
    )


# ---- commissioned by rating (Haringey Table 1) --------------------------------------------------------


def commissioned_by_rating(model: Model, params: ReportParams) -> Section:
    """Haringey's Table 1: in-area host, in-area commissioned and out-of-area commissioned locations by CQC rating."""
    ctx = m.qa_context(model, params)
    council = ctx.council
    by_provider = params.options.host_unit == "providers"
    labels = (
        f"In area: host (every registered {'provider' if by_provider else 'location'})",
        f"In area: commissioned by {council}",
        f"Out of area: commissioned by {council}",
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
    f = FactSet("qa.by_rating", as_of=params.period.end, source="commissioned_services")
    paras = _table1_sentences(now, before, council, prev.end, f, "provider" if by_provider else "location")
    for i, (label, n) in enumerate(uncovered.items()):
        gap = f.count(f"uncovered_{i}", n, f"{label}: locations CQC's ratings history does not cover.", "location")
        paras.append(_uncovered_sentence(gap, _ROW_WORDS[labels.index(label)], council, long_date(prev.end)))
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
    return Section("commissioned_by_rating", "Commissioned services by CQC rating", paras, tables, facts=f.made)


#: Table 1's rows in words, for a sentence (the labels are the table's, not the reader's).
_ROW_WORDS = (
    "registered in {council}",
    "{council} commissioned in its own area",
    "{council} commissioned in other areas",
)


def _uncovered_sentence(gap: Fact, row: str, council: str, when: str) -> str:
    """'CQC's ratings history used here does not cover 9 of the locations York commissioned in other areas on 31
    March 2025, so their ratings then are not shown.' (review r1 item 11: no table label quoted in a sentence)."""
    one = gap.value == 1
    return (
        f"CQC's ratings history used here does not cover {say(gap)} of the locations "
        f"{row.format(council=council)} on {when}, so {'its rating' if one else 'their ratings'} then "
        f"{'is' if one else 'are'} not shown."
    )


def _row_facts(f: FactSet, key: str, r: pd.Series, b: pd.Series, label: str, prev: object, unit: str) -> dict:
    """One row of Table 1 as facts: its locations (and the change since the end of the previous period), its
    headline, its Requires improvement or Inadequate and its not yet rated."""
    t, tc = "commissioned_by_rating", "commissioned_by_rating_change"
    out: dict[str, Fact] = {}
    n = out["n"] = f.count(
        f"{key}.locations",
        r["Locations"],
        f"{label}: {unit}s.",
        unit,
        at=[(t, label, "Number of locations"), (tc, label, "This period")],
    )
    if pd.notna(b["Locations"]):
        out["n_before"] = f.count(
            f"{key}.locations_before",
            b["Locations"],
            f"{label}: {unit}s at the end of the previous period.",
            unit,
            as_of=prev,
            at=(tc, label, "Previous period"),
        )
        out["n_change"] = f.change(f"{key}.locations_change", n, out["n_before"], f"{label}: change in {unit}s.")
    go, ri, nyr = int(r[GO]), int(r[RI]), int(r[NOT_RATED])
    out["headline"] = f.share(f"{key}.headline", go, go + ri, f"{label}: share of rated {unit}s Good or Outstanding.")
    out["ri"] = f.count(f"{key}.ri_or_inadequate", ri, f"{label}: rated {RI}.", unit, at=(t, label, RI))
    out["nyr"] = f.share(f"{key}.not_rated", nyr, int(r["Locations"]), f"{label}: {unit}s not yet rated.")
    if pd.notna(b[GO]) and pd.notna(b[RI]) and int(b[GO]) + int(b[RI]):
        out["headline_before"] = f.share(
            f"{key}.headline_before",
            int(b[GO]),
            int(b[GO]) + int(b[RI]),
            f"{label}: the same share at the end of the previous period.",
            as_of=prev,
        )
    nyr_now = out["nyr_now"] = f.count(
        f"{key}.not_rated_count", nyr, f"{label}: {unit}s not yet rated.", unit, at=(t, label, NOT_RATED)
    )
    if pd.notna(b[NOT_RATED]):
        out["nyr_before"] = f.count(
            f"{key}.not_rated_before",
            b[NOT_RATED],
            f"{label}: not yet rated at the end of the previous period.",
            unit,
            as_of=prev,
        )
        out["nyr_change"] = f.change(f"{key}.not_rated_change", nyr_now, out["nyr_before"], "Change in not yet rated.")
    return out


def _host_sentence(k: dict, council: str, prev_date: str, unit: str) -> str:
    n_host = int(k["n"].value or 0)
    what = f"CQC-registered adult social care {unit}"
    if "n_change" in k:
        s = f"As the host authority, {council} oversees {compared(k['n'], k['n_before'], k['n_change'], noun=what)}"
    else:
        s = f"As the host authority, {council} oversees {plural(k['n'], what)}"
    nr = int(k["nyr"].numerator or 0)
    if nr:
        s += f". {pf.n_of_n(k['nyr'])} {is_are(nr)} not yet rated"
        if "nyr_change" in k:
            s += f"; {compared(k['nyr_now'], k['nyr_before'], k['nyr_change'], when=prev_date)}"
    elif n_host:
        s += f". {'It has' if n_host == 1 else 'All of them have'} a CQC rating"
    return s + "."


def _commissioned_sentence(k: dict, council: str, where: str, prev_date: str) -> str:
    n = int(k["n"].value or 0)
    if not n:
        return f"{council} commissions {count_phrase(k['n'], 'location')} {where}."
    if "n_change" in k:
        s = f"{council} commissions {compared(k['n'], k['n_before'], k['n_change'], noun=True, when=prev_date, where=where)}. "
    else:
        s = f"{council} commissions {say(k['n'], noun=True)} {where}. "
    if k["headline"].denominator:
        s += f"{pf.n_of_n(k['headline'])} of those with a rating are Good or Outstanding"
        if "headline_before" in k:
            s += f", against {pf.n_of_n(k['headline_before'])} on {prev_date}"
        s += f"; {n_are(k['ri'])} rated Requires improvement or Inadequate."
        if k["nyr"].numerator:
            s += f" {n_are(k['nyr_now'])} not yet rated."
    else:
        s += "None of them has a rating yet." if n > 1 else "It has no rating yet."
    return s


def _table1_sentences(
    now: pd.DataFrame, before: pd.DataFrame, council: str, prev: object, f: FactSet, unit: str = "location"
) -> list[str]:
    prev_date = long_date(prev)
    keys = ("host", "in_area", "out_of_area")
    units = (unit, "location", "location")
    rows = [_row_facts(f, keys[i], now.iloc[i], before.iloc[i], str(now.iloc[i, 0]), prev, units[i]) for i in range(3)]
    paras = [_host_sentence(rows[0], council, prev_date, unit)]
    paras += [
        _commissioned_sentence(rows[i], council, w, prev_date)
        for i, w in ((1, "in its own area"), (2, "in other areas"))
    ]
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
    f = FactSet("qa.by_service_type", as_of=params.period.end, source="commissioned_services")
    paras = _service_type_sentences(frame, f, ctx.council, share)
    return Section(
        "commissioned_by_service_type", "Commissioned services by service type", paras, [table], facts=f.made
    )


def _service_type_sentences(frame: pd.DataFrame, f: FactSet, council: str, share: str) -> list[str]:
    t = "commissioned_by_service_type"
    total = frame.iloc[-1]
    h = headline_from_counts(total)
    hl = f.keep(
        h.fact(
            "qa.commissioned.headline",
            f"Share of the rated locations {council} commissions that are Good or Outstanding.",
            as_of=f.as_of,
            source=f.source,
        )
    )
    inadequate = f.count(
        "inadequate",
        total["Inadequate"],
        "Commissioned locations rated Inadequate.",
        "location",
        at=(t, "Total", "Inadequate"),
    )
    nyr = f.count(
        "not_rated", total[NOT_RATED], "Commissioned locations not yet rated.", "location", at=(t, "Total", NOT_RATED)
    )
    s = (
        f"{pf.n_of_n(hl)} of the locations {council} commissions that have "
        f"a CQC rating are Good or Outstanding; {n_are(inadequate)} rated Inadequate."
    )
    if nyr.value:
        s += f" A further {plural(nyr, 'commissioned location')} {is_are(nyr)} not yet rated."
    paras = [s]
    parts = frame.iloc[:-1]
    rated = parts[parts[f"{GO} (%)"].notna()]
    if len(rated) > 1:
        lo = rated.sort_values([f"{GO} (%)", "Service type"], kind="stable").iloc[0]
        hi = rated.sort_values([f"{GO} (%)", "Service type"], ascending=[False, True], kind="stable").iloc[0]

        def found(key: str, r: pd.Series) -> str:
            known = int(r["Locations"]) - int(r.get(vocab.NOT_FOUND, 0))
            fact = f.share(
                key,
                int(r["Outstanding"]) + int(r["Good"]),
                known,
                f"{r['Service type']}: commissioned locations found in CQC's data that are Good or Outstanding.",
                at=(t, r["Service type"], share),
            )
            return pf.n_of_n(fact)

        paras.append(
            f"By service type, the share of commissioned locations rated Good or Outstanding ranges from "
            f"{found('lowest', lo)} for {lo['Service type']} to {found('highest', hi)} for {hi['Service type']}."
        )
    return paras


# ---- ratings against a baseline (Leicester 4.7, Rutland appendix A) ------------------------------------


def _baseline_sentence(
    f: FactSet, cat: str, then: dict, now: dict, council: str, baseline: object, as_of: object
) -> str:
    when = long_date(baseline)
    label = vocab.CATEGORY_WORDS[cat].label
    t = "ratings_vs_baseline"
    parts = []
    for w in vocab.GRADED:
        key = f"{cat}.{w.lower().replace(' ', '_')}"
        b = f.count(
            f"{key}.baseline",
            then[w],
            f"{label} in {council} rated {w} at the baseline.",
            "location",
            as_of=baseline,
            at=(t, w, f"{label}, {when}"),
        )
        n = f.count(f"{key}.now", now[w], f"{label} in {council} rated {w}.", "location", at=(t, w, f"{label}, now"))
        parts.append(f"{w} {say(b)}, " + ("unchanged" if then[w] == now[w] else f"now {say(n)}"))
    return f"{label} in {council} on {when} (the baseline) and now ({long_date(as_of)}): " + "; ".join(parts) + "."


def ratings_vs_baseline(model: Model, params: ReportParams) -> Section:
    """Ratings in the area now against the baseline date, and Requires improvement ratings of commissioned services."""
    ctx = m.qa_context(model, params)
    baseline = params.baseline
    when = long_date(baseline)
    counts = m.ratings_by_category_at(model.locations, m.host_overall_at(model, params, baseline))
    words = (*vocab.GRADED, NOT_RATED)
    frame = pd.DataFrame({"Rating": [*words, "Total"]})
    paras = []
    f = FactSet("qa.baseline", as_of=model.as_of, source="cqc")
    for cat in vocab.CATEGORIES:
        label = vocab.CATEGORY_WORDS[cat].label
        now, then = counts[cat]["now"], counts[cat]["then"]
        if then is not None:
            frame[f"{label}, {when}"] = [*(then[w] for w in words), sum(then.values())]
            paras.append(_baseline_sentence(f, cat, then, now, ctx.council, baseline, model.as_of))
        frame[f"{label}, now"] = [*(now[w] for w in words), sum(now.values())]
    if ctx.history is None:
        paras.append(
            f"Ratings at the baseline ({when}) need a CQC ratings history, which this report was not "
            "given; the tables show ratings now only."
        )
    baseline_note = (
        f"The baseline: {when}, the date the council chose."
        if params.options.baseline_date
        else f"The baseline: {when}, the end of the previous period."
    )
    tables = [
        Table(
            "ratings_vs_baseline",
            f"Overall CQC ratings of locations in {ctx.council}: the baseline ({when}) and now",
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
        rows = m.requires_improvement_by_category(model, ctx, com, baseline)
        tables.append(_requires_improvement_table(rows, ctx.council, baseline, paras, f))
    return Section("ratings_vs_baseline", "Ratings now against the baseline", paras, tables, facts=f.made)


def _requires_improvement_table(
    rows: list[dict], council: str, baseline: dt.date, paras: list[str], f: FactSet
) -> Table:
    """Rutland 2.7: in-area commissioned services' key questions rated Requires improvement, then and now
    (appends its sentences to `paras`)."""
    when = long_date(baseline)
    out = []
    t = "commissioned_requires_improvement_vs_baseline"
    col_n, col_r = (
        "Locations with a key question rated Requires improvement",
        "Key questions rated Requires improvement",
    )
    for r in rows:
        words = vocab.CATEGORY_WORDS[r["category"]]
        key = f"ri.{r['category']}"
        n1 = f.count(
            f"{key}.locations_now",
            r["now"][0],
            f"{words.label} {council} commissions in its area with a key question rated Requires improvement.",
            "location",
            at=(t, words.label, f"{col_n}, now"),
        )
        r1 = f.count(
            f"{key}.ratings_now",
            r["now"][1],
            "Their key questions rated Requires improvement.",
            "rating",
            at=(t, words.label, f"{col_r}, now"),
        )
        row = {"Category": words.label, "Commissioned locations": r["locations"]}
        if r["then"] is not None:
            n0 = f.count(
                f"{key}.locations_baseline",
                r["then"][0],
                "The same at the baseline.",
                "location",
                as_of=baseline,
                at=(t, words.label, f"{col_n}, {when}"),
            )
            r0 = f.count(
                f"{key}.ratings_baseline",
                r["then"][1],
                "The same ratings at the baseline.",
                "rating",
                as_of=baseline,
                at=(t, words.label, f"{col_r}, {when}"),
            )
            one, many = words.noun
            then = (
                f"{plural(n0, one, many)} {council} commissions in its area had a key question rated Requires "
                f"improvement ({plural(r0, 'such rating')} between them)"
                if n0.value
                else f"none of the {many} {council} commissions in its area had a key question rated Requires improvement"
            )
            now = f"{say(n1)} {has_have(n1)} ({plural(r1, 'such rating')})" if n1.value else "none has"
            paras.append(f"At the baseline ({when}), {then}; now {now}.")
            row |= {f"{col_n}, {when}": n0.value, f"{col_r}, {when}": r0.value}
        row |= {f"{col_n}, now": n1.value, f"{col_r}, now": r1.value}
        out.append(row)
    return Table(
        t,
        f"In-area locations commissioned by {council}: key questions rated Requires improvement, the baseline "
        f"({when}) and now",
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
    end = m.register_as_of(model, params)  # the register says nothing of later days
    hr = m.high_risk_measures(model, params, ctx, in_area=in_area)
    where = f"in {ctx.council}" if in_area else f"in other areas where {ctx.council} funds people"
    notes = [f"Services at risk level {level} or above on the risk register on {long_date(end)}."]
    if ctx.publication:
        # A row per service, with its people funded and a stable provider reference, joins with the public
        # rating counts to pick out the service under intervention: a paper that may be public counts only.
        frame, formats = high_risk_counts(hr.services), {"Risk level": "int"}
        notes.append(
            "Services are counted by risk level only (no service type, provider or people funded), so that no "
            "service under the council's intervention can be identified."
        )
    else:
        frame, formats = _high_risk_rows(hr.services, in_area), {"Risk level": "int"}
        notes[0] += f" {vocab.PEOPLE_FUNDED}: people {ctx.council} funds there, from the risk register."
    unknown_note = ""
    if hr.unknown:
        cases = FactSet("qa.high_risk", source="risk_register").count(
            "unknown_cases", hr.unknown, "High-risk cases at location ids not in CQC's data.", "case"
        )
        unknown_note = (
            f"{plural(cases, 'high-risk case')} {'is' if hr.unknown == 1 else 'are'} about a location id not "
            f"found in CQC's data, so its area is not known: listed {data_quality_place()}."
        )
        notes.append(unknown_note)
    n = len(hr.services)
    f = FactSet(
        "qa.high_risk." + ("in_area" if in_area else "out_of_area"),
        as_of=m.register_as_of(model, params),
        source="risk_register",
    )
    s = _high_risk_sentence(f, hr, n, where, params, ctx.council)
    title = "High-risk providers in the area" if in_area else "High-risk providers in other areas"
    tid = "high_risk_in_area" if in_area else "high_risk_out_of_area"
    caption = f"High-risk services {where}, {long_date(end)}"
    tables = [Table(tid, caption, frame, formats=formats, footnotes=notes)] if n else []
    paras = [s] + ([] if n or not hr.unknown else [unknown_note])
    return Section(tid, title, paras, tables, facts=f.made)


def high_risk_counts(services: pd.DataFrame) -> pd.DataFrame:
    """The high-risk services counted by risk level (most serious first): Services and, of them, Placements
    suspended. No provider, location, service type or people funded: what a paper that may be public shows (review
    r3: a count of one service of a type at a level, read with the public rating counts, named the service)."""
    cols = ["Risk level", "Services", "Placements suspended"]
    if not len(services):
        return pd.DataFrame(columns=cols)
    g = (
        services.assign(_level=services["risk_level"].astype(int), _susp=services["placements_suspended"].astype(bool))
        .groupby("_level", sort=False)
        .agg(Services=("_susp", "size"), suspended=("_susp", "sum"))
        .reset_index()
        .sort_values("_level", ascending=False, kind="stable")
    )
    return pd.DataFrame(
        {
            "Risk level": g["_level"].astype(int),
            "Services": g["Services"].astype(int),
            "Placements suspended": g["suspended"].astype(int),
        }
    ).reset_index(drop=True)[cols]


def _high_risk_rows(rows: pd.DataFrame, in_area: bool) -> pd.DataFrame:
    """A row per high-risk service, named, with its concerns and actions (the analyst's report and the exempt
    appendix; working mode, where no count is suppressed), most serious first, then by provider, then by case."""
    label = rows["provider_name"].fillna("").astype(str) + "|" + rows["location_name"].fillna("").astype(str)
    order = (
        rows.assign(_neg=-rows["risk_level"].astype(int), _label=label)
        .sort_values(["_neg", "_label", "case_ref"], kind="stable")
        .index
    )
    body = {"Provider": rows["provider_name"], "Location": rows["location_name"], "Service type": rows["service"]}
    if not in_area:
        body["Lead council"] = rows["lead"]
    body |= {
        "Risk level": rows["risk_level"],
        vocab.PEOPLE_FUNDED: rows["funded_residents"],
        "Placements suspended": rows["placements_suspended"].map({True: "Yes", False: "No"}),
        "Summary of risk" if in_area else "Summary of concerns": rows["concerns"],
        "Actions taken / outcome": rows["actions"],
    }
    return pd.DataFrame(body).loc[order].reset_index(drop=True)


def level_fact(f: FactSet, params: ReportParams) -> Fact:
    return f.setting(
        "high_risk_from_level",
        params.options.high_risk_from_level,
        "The risk level from which the council counts a provider as high risk.",
    )


def _high_risk_sentence(f: FactSet, hr: m.HighRisk, n: int, where: str, params: ReportParams, council: str) -> str:
    level = level_fact(f, params)
    end = long_date(f.as_of)
    services = f.count("services", n, f"Services {where} at a high risk level.", "service")
    if not n:
        return f"No service {where} was at risk level {say(level)} or above on the risk register on {end}."
    providers = f.count("providers", hr.providers, "Providers of those services.", "provider")
    s = (
        f"On {end}, {plural(services, 'service')} {where} {was_were(n)} at risk level {say(level)} or above on the "
        f"risk register, run by "
        f"{plural(providers, 'provider')}. "
    )
    own = f.count(
        "council_leads", hr.lead_own, f"Of those, the services whose intervention {council} leads.", "service"
    )
    other = f.count("other_leads", n - hr.lead_own, "Of those, the services another council leads on.", "service")
    suspended = f.count("suspended", hr.suspended, "Of those, the services with new placements suspended.", "service")
    return s + _lead_phrase(council, own, other, n) + ". " + _suspended_phrase(suspended, n)


def _suspended_phrase(suspended: Fact, n: int) -> str:
    """'New placements were suspended at all of them.', '… at 2 of them.', '… were not suspended at any of them.'"""
    if not suspended.value:
        return (
            "New placements were not suspended there."
            if n == 1
            else "New placements were not suspended at any of them."
        )
    if suspended.value == n:
        return "New placements were suspended there." if n == 1 else "New placements were suspended at all of them."
    return f"New placements were suspended at {say(suspended)} of them."


def _lead_phrase(council: str, own: Fact, other: Fact, n: int) -> str:
    them = "all of them" if n > 1 else "it"
    if own.value == n:
        return f"{council} leads the intervention for {them}"
    if own.value == 0:
        return f"Another council leads the intervention for {them}"
    return f"{council} leads the intervention for {say(own)} of them and another council for {say(other)}"


# ---- risk levels (Coventry Table One) -----------------------------------------------------------------


def _risk_sentences(f: FactSet, summary: m.RiskSummary, when: str) -> list[str]:
    t = "risk_levels"
    by_level = []
    for _, r in summary.counts.iterrows():
        level = int(r["Level"])
        n = f.count(
            f"level_{level}",
            r["Services at period end"],
            f"Services on the risk register at level {level}.",
            "service",
            at=(t, level, "Services at period end"),
        )
        if n.value:
            by_level.append(f"{say(n)} at level {level}")
    total = f.count("services", summary.services, "Services on the risk register.", "service")
    opened = f.count("opened", summary.opened, "Cases opened in the period.", "case", period=None)
    closed = f.count("closed", summary.closed, "Cases closed in the period.", "case", period=None)
    up = f.count(
        "escalated", summary.escalated, "Cases escalated to a higher level in the period.", "case", period=None
    )
    down = f.count("de_escalated", summary.de_escalated, "Cases de-escalated in the period.", "case", period=None)
    return [
        f"{when} {plural(total, 'service')} {was_were(total)} on the risk register: {join_words(by_level)}."
        if total.value
        else f"{when} no service was on the risk register.",
        f"In the period, {count_phrase(opened, 'case')} {was_were(opened)} opened and "
        f"{number_or_none(closed)} closed; {count_phrase(up, 'case')} "
        f"{was_were(up)} escalated to a higher level and {number_or_none(down)} de-escalated.",
    ]


def risk_levels(model: Model, params: ReportParams) -> Section:
    """Services and providers at each risk level at the period end, moves between levels, and each level's oversight."""
    ctx = m.qa_context(model, params)
    summary = m.risk_summary(model, params, ctx, {**m.DEFAULT_OVERSIGHT, **params.options.oversight_forums})
    period = (params.period.start, params.period.end)
    f = FactSet("qa.risk", as_of=m.register_as_of(model, params), period=period, source="risk_register")
    paras = _risk_sentences(f, summary, m.register_when(model, params))
    source = (
        "the council's own"
        if params.options.oversight_forums
        else "that council's for each level; a council gives its own in its parameters"
    )
    table = Table(
        "risk_levels",
        "Risk levels: services and providers at each level, moves in the period, and oversight",
        summary.counts,
        footnotes=[
            "A service is a CQC location. A case moves level when its next entry on the risk register opens "
            "on the day the previous one closed.",
            "The four levels and their descriptions follow a four-level approach another council has published, "
            f"named under \u201cHow this report was made\u201d; the oversight forums are {source}.",
        ],
    )
    return Section("risk_levels", "Risk levels and oversight", paras, [table], facts=f.made)


# ---- QA activity (Haringey 6.7) -----------------------------------------------------------------------


def qa_activity(model: Model, params: ReportParams) -> Section:
    """Visits by type in the period (and the previous one, where the file has it), outcomes, welfare checks and suspensions."""
    ctx = m.qa_context(model, params)
    v = m.visit_summary(model, params, ctx)
    p, prev = params.period, params.period.previous
    noun = period_noun(p.start, p.end)
    frame = v.by_type.rename(columns={"Previous period": f"Previous {noun}"})
    notes = [f"Visits dated {long_date(p.start)} to {long_date(p.end)}; services visited: distinct CQC locations."]
    if v.previous:
        notes.append(f"Previous {noun}: {long_date(prev.start)} to {long_date(prev.end)}, from the same record.")
    if v.outside:
        notes.append(
            f"{plural(v.outside, 'visit')} dated outside this {noun} and the previous one {is_are(v.outside)} "
            "not counted."
        )
    t1 = Table(
        "qa_activity", "Quality assurance visits by type", frame, footnotes=notes, total_not_sum=("Services visited",)
    )
    t2 = Table("qa_visit_outcomes", f"Quality assurance visits in the {noun} by outcome", v.outcomes)
    f = FactSet("qa.visits", period=(p.start, p.end), source="qa_visits")
    paras = _visit_sentences(f, v, frame, noun) + _welfare_sentences(f, v, noun)
    paras += _suspension_sentences(model, params, v, ctx.council, f)
    return Section("qa_activity", "Quality assurance activity", paras, [t1, t2], facts=f.made)


def _visit_sentences(f: FactSet, v: m.VisitSummary, frame: pd.DataFrame, noun: str = "period") -> list[str]:
    t = "qa_activity"
    total = frame.iloc[-1]
    n = f.count(
        "visits", total["Total"], "Quality assurance visits made in the period.", "visit", at=(t, "Total", "Total")
    )
    k = f.count(
        "services",
        total["Services visited"],
        "Services the quality assurance team visited in the period.",
        "service",
        at=(t, "Total", "Services visited"),
    )
    un = f.count(
        "unannounced",
        frame.loc[frame["Visit type"] == "Unannounced", "Total"].iloc[0],
        "Unannounced visits in the period.",
        "visit",
        at=(t, "Unannounced", "Total"),
    )
    if n.value:
        s = (
            f"The quality assurance team made {plural(n, 'visit')} to {plural(k, 'service')} in the {noun}, "
            f"{number_or_none(un)} of them unannounced"
        )
    else:
        s = f"The quality assurance team recorded no visits in the {noun}"
    if v.previous:
        before = f.count(
            "visits_previous",
            total[f"Previous {noun}"],
            "Quality assurance visits in the previous period.",
            "visit",
            at=(t, "Total", f"Previous {noun}"),
        )
        s += f", against {say(before)} in the previous {noun}."
    else:
        s += f"; the council's record of visits holds none in the previous {noun} to compare with."
    return [s]


def _welfare_sentences(f: FactSet, v: m.VisitSummary, noun: str = "period") -> list[str]:
    if not v.welfare_checks:
        return [f"No welfare checks were made in the {noun}."]
    checks = f.count("welfare_checks", v.welfare_checks, "Welfare checks made in the period.", "welfare check")
    where = f.count("welfare_services", v.welfare_services, "Services where welfare checks were made.", "service")
    low = f.count(
        "welfare_low_rated",
        v.welfare_low_rated,
        "Of those services, the ones rated Requires improvement or Inadequate.",
        "service",
    )
    return [
        f"{plural(checks, 'welfare check')} {was_were(checks)} made at {plural(where, 'service')}, "
        f"{number_or_none(low)} of them rated Requires improvement or Inadequate."
    ]


def _suspension_sentences(
    model: Model, params: ReportParams, v: m.VisitSummary, council: str, outer: FactSet
) -> list[str]:
    if v.suspensions is None:
        return ["The council's risk register was not given, so placement suspensions are not shown."]
    sp = v.suspensions
    f = FactSet("qa.suspended", as_of=m.register_as_of(model, params), source="risk_register", made=outer.made)
    facts = {
        k: f.count(k, sp[k], d, "service")
        for k, d in (
            ("in_area", f"Services in {council} with new placements suspended."),
            ("out_of_area", "Services in other areas with new placements suspended."),
            ("unknown", "Services at location ids not found in CQC's data with new placements suspended."),
            ("total", "Services with new placements suspended."),
        )
    }
    parts = [
        f"{say(facts['in_area'])} in {council}" if sp["in_area"] else "",
        f"{say(facts['out_of_area'])} in other areas" if sp["out_of_area"] else "",
        f"{say(facts['unknown'])} at location ids not found in CQC's data" if sp["unknown"] else "",
    ]
    parts = [x for x in parts if x]
    when = f"{m.register_when(model, params)} new placements"
    total = facts["total"]
    if not sp["total"]:
        return [f"{when} were not suspended at any service."]
    if len(parts) == 1:
        return [
            f"{when} were suspended at {plural(total, 'service')}, "  # the verb agrees with "placements"
            f"{'all ' if sp['total'] > 1 else ''}{parts[0].split(' ', 1)[1]}."
        ]
    return [f"{when} were suspended at {plural(total, 'service')}: {join_words(parts)}."]


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
    paras = _theme_sentences(t)
    table = Table(
        "inspection_themes", "Themes from CQC inspection reports, ranked by number of issues", t.ranked, footnotes=notes
    )
    return Section("inspection_themes", "Themes from CQC inspection reports", paras, [table], facts=paras.facts)


class _Paras(list):
    """Sentences and the facts they state."""

    facts: list[Fact]


def _theme_sentences(t: m.ThemeSummary) -> _Paras:
    paras = _Paras()
    f = FactSet("qa.themes", period=(t.first, t.last), source="inspection_themes")
    paras.facts = f.made
    if not t.issues:
        paras.append("The council's record of inspection themes lists no issues.")
        return paras
    top = [
        f"{r.Theme} ({say(f.count(f'top_{i}', r.Issues, f'Issues under {r.Theme}.', 'issue', at=('inspection_themes', r.Rank, 'Issues')))})"
        for i, r in enumerate(t.ranked.head(3).itertuples(), 1)
    ]
    issues = f.count("issues", t.issues, "Issues from CQC inspection reports in the council's record.", "issue")
    reports = f.count("reports", t.reports, "CQC inspection reports the issues come from.", "report")
    services = f.count("services", t.services, "Services those reports are about.", "service")
    themes = f.count("themes", len(t.ranked), "Themes the issues fall under.", "theme")
    paras.append(
        f"{plural(issues, 'issue')} from {plural(reports, 'CQC inspection report')} on "
        f"{plural(services, 'service')}, published from {long_date(t.first)} to "
        f"{long_date(t.last)}, {'falls' if t.issues == 1 else 'fall'} under "
        f"{plural(themes, 'theme')}. "
        + (f"The most frequent are {join_words(top)}." if len(top) > 1 else f"It is {top[0]}.")
    )
    if t.without_offer is not None:
        missing = t.without_offer
        n = f.count("without_offer", len(missing), "Themes with no support offer.", "theme")
        paras.append(
            f"{plural(n, 'theme')} {has_have(n)} no support offer yet: {join_words(missing)}."
            if missing
            else "Every theme has a support offer."
        )
    else:
        paras.append("The council's support offers for each theme were not given, so offers are not shown.")
    return paras
