"""How the council compares with its region, England and its peers: the monthly share rated Good or
Outstanding, the rating distribution now, the change since a baseline, and external (LG Inform) series.

Each function is a report section named in the registry (carequality.registry). measures/compare.py computes every
number; present/figures.py draws them; sentences here are built from the tables' numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from carequality import areas, vocab
from carequality.facts import Fact
from carequality.measures import compare as bm
from carequality.measures.facts import FactSet
from carequality.measures.overview import PERCENT_GO as GO
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present import facts as pf
from carequality.present.facts import say
from carequality.present.figures import (
    change_chart,
    change_frame,
    distribution_chart,
    external_chart,
    trend_chart,
    trend_frame,
)
from carequality.present.tables import Table
from carequality.present.text import (
    dated_words,
    format_percent,
    join_words,
    long_date,
    month_label,
    month_words,
    plural,
    upper_first,
)
from carequality.sections import Section

#: What the comparison calls the data it reads, where measures name an input (a source column, a month not covered).
DATA = "the data used here"


def _pct(v: Any) -> str:
    return "no figure" if v is None or pd.isna(v) else format_percent(float(v))


def _n_of_n(f: FactSet, key: str, good: Any, rated: Any, definition: str, **where: Any) -> str:
    """'35 of 45 (77.8%)' from a comparison row's counts, as a share fact (its value is percent(good, rated), the
    share the row shows)."""
    return pf.n_of_n(f.share(key, int(good), int(rated), definition, **where))


def _area_label(area_type: str, area: str) -> str:
    return {areas.ENGLAND: "England", areas.PEERS: "the peer group"}.get(area_type, area)


def _areas_phrase(peers: areas.PeerGroup | None) -> str:
    return "its region, peer group and England" if peers is not None else "its region and England"


def _with_areas(frame: pd.DataFrame, peers: areas.PeerGroup | None, joiner: str) -> str:
    """', its region and England' (with the joiner) after a caption's council, or '' when the data cover the
    council alone (measures.compare.without_uncovered_areas)."""
    return "" if set(frame["area_type"]) == {areas.COUNCIL} else f"{joiner}{_areas_phrase(peers)}"


def benchmarks(model: Model, params: ReportParams) -> Section:
    """Trend of the share rated Good or Outstanding, rating distribution now, and change since the baseline,
    for the council against its region, its peer group and England."""
    name = params.council.name
    c = bm.comparison(model, params)
    peers = model.peer_group
    title = f"How {name} compares with its region, {'its peers ' if peers is not None else ''}and England"
    section = Section("benchmarks", title.replace("region, and", "region and"))
    if c.last is None:
        section.paragraphs.append(
            f"The data used here do not cover {name} in any month from {month_words(c.months[0])} to "
            f"{month_words(c.months[-1])}, so there is no comparison to show."
        )
        return section
    trend, dist, change, now, last, base = c.trend, c.dist, c.change, c.now, c.last, c.base
    assert trend is not None and dist is not None and change is not None and now is not None
    if now != last:
        section.paragraphs.append(
            f"The data used here cover {name} to {month_words(last)} but England only to {month_words(now)}, so the "
            f"comparisons below are for {month_words(now)}; the trend runs to {month_words(last)}."
        )
    f = FactSet("compare", as_of=model.as_of, source="cqc", made=section.facts)
    if c.uncovered:
        section.paragraphs.append(uncovered_sentence(c.uncovered, name))
        if set(trend["area_type"]) == {areas.COUNCIL}:
            section.title = f"{name}'s share rated Good or Outstanding over time"
    section.paragraphs += _now_sentences(f, dist, name, now)
    section.paragraphs += _trend_sentences(f, trend, name, c.months)
    section.paragraphs += _change_sentences(f, change, dist, c.counts, params.council.council, base, now)
    section.paragraphs += _coverage_sentences(f, trend, peers)
    if c.unmapped is not None and len(c.unmapped) and c.counts["area_type"].eq(areas.ENGLAND).any():
        n = f.count(
            "unmapped",
            c.unmapped["locations"].sum(),
            "Locations in the ratings history naming a local authority that is not a council.",
            "location",
        )
        section.paragraphs.append(
            f"{plural(n, 'location')} in the ratings history name a local "
            f"authority that is not one of the 153 councils ({join_words(list(c.unmapped['local_authority']))}); "
            "they count in England only."
        )

    section.figures += [trend_chart(trend), distribution_chart(dist), change_chart(change)]
    sources = _source_labels(model)
    section.tables += [
        _trend_table(trend, name, peers, sources),
        _distribution_table(dist, name, now, peers),
        _change_table(change, name, base, now, peers),
    ]
    for t in section.tables:
        t.footnotes.append(_peer_note(peers))
    return section


def uncovered_sentence(uncovered: list[str], name: str) -> str:
    """What the data do not cover, said once instead of blank rows and empty bars, and what would add it."""
    return (
        f"The data used here do not cover {join_words(uncovered)}, so {name} is shown without "
        f"{'it' if len(uncovered) == 1 else 'them'}: CQC's monthly ratings files for the whole of England, or monthly "
        "counts of ratings by area, would add the comparison."
    )


def without_blank_notes(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without its Note column when no row has a note (a column of blanks says nothing)."""
    if "Note" in frame.columns and frame["Note"].fillna("").astype(str).eq("").all():
        return frame.drop(columns="Note")
    return frame


def _peer_note(peers: areas.PeerGroup | None) -> str:
    if peers is None:
        return "No peer group was chosen for this report."
    return f"Peer group: {peers.describe()}; its figures pool its councils' locations."


def _source_labels(model: Model) -> dict[str, str]:
    """The trend's sources in plain words: the counts file's name becomes what it is."""
    out = {"CQC ratings file": "CQC's care directory with ratings"}
    for i in model.inputs:
        if i.name == "area_ratings_by_month":
            out[i.path.name] = upper_first(vocab.INPUT_LABELS["area_ratings_by_month"])
    return out


# ---- sentences ---------------------------------------------------------------------------------------------
def _now_sentences(f: FactSet, dist: pd.DataFrame, name: str, now: str) -> list[str]:
    """Each category's share Good or Outstanding in the council against England, its region and its peers, each
    with its own as-of date where the areas' dates differ (the facts ids the key messages name too)."""
    out = []
    for cat in vocab.CATEGORIES:
        rows = dist[dist["category"] == cat].set_index("area_type")
        c = rows.loc[areas.COUNCIL]
        noun = vocab.CATEGORY_WORDS[cat].noun[1]
        if pd.isna(c["rated"]) or not c["rated"]:
            out.append(f"In {month_words(now)} {name} had no {noun} with a rating.")
            continue
        others = []
        for area_type in (areas.ENGLAND, areas.REGION, areas.PEERS):
            if area_type in rows.index and not pd.isna(rows.loc[area_type, "percent_good_or_outstanding"]):
                r = rows.loc[area_type]
                label = _area_label(area_type, str(r["area"]))
                said = _dist_share(f, cat, area_type, r)
                others.append((f"{said} in {label}", r["date"]))
        against = f", against {dated_words(others, c['date'])}" if others else ""
        out.append(
            f"On {long_date(c['date'])}, {_dist_share(f, cat, areas.COUNCIL, c)} "
            f"of {name}'s {noun} with a rating were Good or Outstanding{against}."
        )
    return out


def _dist_share(f: FactSet, cat: str, area_type: str, r: pd.Series) -> str:
    label = vocab.category_label(cat)
    return _n_of_n(
        f,
        f"now.{cat}.{area_type}",
        r["outstanding"] + r["good"],
        r["rated"],
        f"{label} in {r['area']} rated Good or Outstanding, of those with a rating.",
        as_of=r["date"],
        source="cqc" if area_type == areas.COUNCIL else "area_ratings_by_month",
        at=("rating_distribution_comparison", f"{label} / {r['area']}", GO),
    )


def _trend_sentences(f: FactSet, trend: pd.DataFrame, name: str, months: list[str]) -> list[str]:
    out = []
    council = trend[(trend["area_type"] == areas.COUNCIL)].dropna(subset=["percent"])
    for cat in vocab.CATEGORIES:
        s = council[council["category"] == cat]
        if len(s) < 2:
            continue
        a, b = s.iloc[0], s.iloc[-1]
        low = s.loc[s["percent"].astype(float).idxmin()]
        label = vocab.CATEGORY_WORDS[cat].label
        first, last, lowest = (
            f.share(
                f"trend.{cat}.{k}",
                r["good_or_outstanding"],
                r["rated"],
                f"{label} in {name} rated Good or Outstanding in {month_label(r['month'])}.",
                as_of=r["date"],
            )
            for k, r in (("first", a), ("last", b), ("lowest", low))
        )
        change = f.change(f"trend.{cat}.change", last, first, f"{label} in {name}: the change over the trend.")
        text = (
            f"{label} in {name}: {pf.n_of_n(first)} Good or Outstanding in {month_words(a['month'])} and "
            f"{pf.n_of_n(last)} in {month_words(b['month'])}, {_points(change)}"
        )
        if low["month"] not in (a["month"], b["month"]):  # the first or last month is said already
            text += f"; the lowest month was {month_words(low['month'])}, at {pf.n_of_n(lowest)}"
        out.append(text + ".")
    return out


def _points(change: Fact) -> str:
    """'up 1.2 percentage points', 'down …', 'unchanged': a change of a share, marked as its fact."""
    if change.value is None:
        return "no figure"
    if not change.value:
        return "unchanged"
    return f"{'up' if float(change.value) > 0 else 'down'} {pf.magnitude(change)}"


def _change_sentences(
    f: FactSet, change: pd.DataFrame, dist: pd.DataFrame, counts: pd.DataFrame, council, base: str, now: str
) -> list[str]:
    """The council's counts by rating at the baseline and now, as Leicester's report gives them."""
    out = []
    before = counts[(counts["month"] == base) & (counts["area_code"] == council.ons_code)].set_index("category")
    after = counts[(counts["month"] == now) & (counts["area_code"] == council.ons_code)].set_index("category")
    if before.empty:
        return [
            f"The data used here do not cover {council.short_name} in {month_words(base)}, the baseline month, so "
            "the change since the baseline cannot be shown for it."
        ]
    for cat in vocab.CATEGORIES:
        if cat not in before.index or cat not in after.index:
            continue
        out.append(_change_sentence(f, cat, before.loc[cat], after.loc[cat], change, council.short_name))
    return out


def _change_sentence(f: FactSet, cat: str, b: pd.Series, a: pd.Series, change: pd.DataFrame, name: str) -> str:
    label = vocab.CATEGORY_WORDS[cat].label
    parts = []
    for word, col in vocab.GRADED_COLUMNS.items():
        then = f.count(
            f"baseline.{cat}.{col}",
            b[col],
            f"{label} in {name} rated {word} at the baseline.",
            "location",
            as_of=b["date"],
        )
        now = f.count(
            f"baseline.{cat}.{col}_now", a[col], f"{label} in {name} rated {word} now.", "location", as_of=a["date"]
        )
        parts.append(f"{word} {say(then)}, " + ("unchanged" if then.value == now.value else f"now {say(now)}"))
    row = change[(change["category"] == cat) & (change["area_type"] == areas.COUNCIL)].iloc[0]
    tail = ""
    if not pd.isna(row["change_points"]):
        pts = f.number(
            f"baseline.{cat}.change_points",
            float(row["change_points"]),
            "points",
            f"{label} in {name}: the change in the share Good or Outstanding since the baseline.",
            as_of=a["date"],
        )
        tail = f"; the share rated Good or Outstanding is {_points(pts)}"
    return f"{label} in {name} on {long_date(b['date'])} (the baseline) and {long_date(a['date'])}: {'; '.join(parts)}{tail}."


def peers_phrase(f: FactSet, peers: areas.PeerGroup) -> str:
    """'example peer group (8 councils: A, B …)': PeerGroup.describe with its number a fact."""
    n = f.count("peer_councils", len(peers.codes), "Councils in the peer group.", "council")
    return f"{peers.name} ({plural(n, 'council')}: {', '.join(c.short_name for c in peers.councils)})"


def _coverage_sentences(f: FactSet, trend: pd.DataFrame, peers: areas.PeerGroup | None) -> list[str]:
    out = []
    if peers is not None:
        out.append(
            f"The peer group is the {peers_phrase(f, peers)}."
            + (" " + " ".join(upper_first(n) + "." for n in peers.notes) if peers.notes else "")
        )
    else:
        out.append("No peer group was chosen for this report, so none is shown.")
    gaps = trend[trend["percent"].isna() & trend["note"].ne("")]
    if len(gaps):
        areas = list(dict.fromkeys(gaps["area"]))
        out.append(
            f"The data used here do not cover every month for {join_words(areas)}; those months are shown as "
            "missing (a gap in the line, a dash in the tables), never as zero."
        )
    return out


# ---- tables ------------------------------------------------------------------------------------------------
def _trend_table(trend: pd.DataFrame, name: str, peers: areas.PeerGroup | None, sources: dict[str, str]) -> Table:
    source = trend["source"].map(lambda v: "; ".join(sources.get(x, x) for x in str(v).split("; ")) if v else "")
    frame = trend_frame(trend, {"Active locations": trend["active"], GO: trend["percent"], "Source": source})
    return Table(
        "trend_good_outstanding",
        f"Share of active adult social care locations rated Good or Outstanding by month: {name}"
        f"{_with_areas(trend, peers, ', ')}",
        without_blank_notes(frame).reset_index(drop=True),
        formats={GO: "percent", "As of": "date"},
        appendix=True,
        footnotes=[
            f"{GO}: Good or Outstanding ÷ rated locations (those with an overall CQC rating), the headline "
            "measure. Active locations include those not yet rated. A dash means the data used here do not "
            "cover that area and month.",
            "As of: the day the figure describes (the month end, or the last day the data cover within the month).",
        ],
    )


def _distribution_table(dist: pd.DataFrame, name: str, now: str, peers: areas.PeerGroup | None) -> Table:
    frame = pd.DataFrame(
        {"Category": dist["category"].map(vocab.category_label), "Area": dist["area"], "As of": dist["date"]}
    )
    for word, col in vocab.GRADED_COLUMNS.items():
        frame[word] = dist[col]
    frame["Not yet rated or not graded"] = dist["not_graded"]
    frame["Active locations"] = dist["active"]
    for word, col in vocab.GRADED_COLUMNS.items():
        frame[f"% {word}"] = dist[f"percent_{col}"]
    frame[GO] = dist["percent_good_or_outstanding"]
    frame["Note"] = dist["note"]
    return Table(
        "rating_distribution_comparison",
        f"Overall CQC ratings in {month_label(now)}: {name}{_with_areas(dist, peers, ' compared with ')}",
        without_blank_notes(frame).reset_index(drop=True),
        formats={f"% {w}": "percent" for w in vocab.GRADED_COLUMNS} | {GO: "percent", "As of": "date"},
        footnotes=[
            "Percentages are of the locations with an overall CQC rating (Outstanding, Good, Requires "
            "improvement or Inadequate), so each area's four add up to 100% give or take rounding."
        ],
    )


def _change_table(change: pd.DataFrame, name: str, base: str, now: str, peers: areas.PeerGroup | None) -> Table:
    frame = without_blank_notes(change_frame(change))
    return Table(
        "change_since_baseline",
        f"Change in the share rated Good or Outstanding from {month_label(base)} to {month_label(now)}: {name}"
        f"{_with_areas(change, peers, ', ')}",
        frame.reset_index(drop=True),
        formats={
            f"{GO} at baseline": "percent",
            f"{GO} now": "percent",
            "Baseline as of": "date",
            "Now as of": "date",
            "Change (percentage points)": "text",
        },
        footnotes=[
            "The change is worked out from the unrounded shares, so it can differ by 0.1 from the difference "
            "of the rounded percentages."
        ],
    )


# ---- external series ---------------------------------------------------------------------------------------
def external_benchmarks(model: Model, params: ReportParams) -> Section:
    """An LG Inform-style external series for the council, its peers and England, shown as external."""
    council = params.council.council
    name = params.council.name
    ext = model.external_series
    assert ext is not None  # the registry gives this section only with an external series
    section = Section("external_benchmarks", "External benchmarks (LG Inform)")
    f = FactSet("external", source="external_benchmark", made=section.facts)
    frames = []
    for n, indicator in enumerate(ext.indicators, start=1):
        comp = bm.external_comparison(ext.frame, indicator=indicator, council=council, peers=model.peer_group)
        fid = "external_benchmark" if len(ext.indicators) == 1 else f"external_benchmark_{n}"
        s = ext.frame[ext.frame["indicator"] == indicator]
        if comp.empty:
            section.paragraphs.append(
                f"The external series {indicator!r} has no values for {name}, its region, its peers or England."
            )
            continue
        section.figures.append(external_chart(comp, indicator=indicator, source="LG Inform", figure_id=fid))
        frames.append(comp.assign(indicator=indicator, unit=s["unit"].iloc[0], measure=s["measure"].iloc[0]))
        section.paragraphs += _external_sentences(f, n, comp, indicator, name, params.period.end)
    beside = "beside this report's own figures " if params.wants("benchmarks") else ""
    section.paragraphs.append(
        "These figures are LG Inform's: computed by others from CQC's data (LG Inform counts care homes on the first "
        f"day of each month), shown {beside}as an external benchmark and not recomputed here."
    )
    if model.peer_group is not None:
        section.paragraphs.append(
            f"The peer group is the {peers_phrase(f, model.peer_group)}; its line is the average of their values."
        )
    if ext.missing:
        missing = f.count("missing", ext.missing, "Values LG Inform leaves blank or suppressed.", "value")
        section.paragraphs.append(
            f"LG Inform's figures leave {plural(missing, 'value')} blank or suppressed; "
            f"{'it is' if ext.missing == 1 else 'they are'} shown as missing, not as zero."
        )
    shown = set().union(*[set(fr["area_code"]) for fr in frames]) if frames else set()
    others = sorted(set(ext.frame["area_code"]) - shown - {""})
    if model.peer_group is not None:
        missing_peers = [
            c.short_name for c in model.peer_group.councils if c.ons_code not in set(ext.frame["area_code"])
        ]
        if missing_peers:
            section.paragraphs.append(
                f"The external series has no values for "
                f"{say(f.count('peers_missing', len(missing_peers), 'Peer councils with no values.', 'council'))} "
                "of the peer group's "
                f"councils ({join_words(missing_peers)}), so it gives no peer-group average."
            )
        others = [c for c in others if c not in model.peer_group.codes]
    if others:
        n_others = f.count("other_areas", len(others), "Other areas LG Inform's figures cover.", "area")
        section.paragraphs.append(f"LG Inform's figures also cover {plural(n_others, 'other area')}, not shown.")
    if frames:
        section.tables.append(_external_table(pd.concat(frames, ignore_index=True), name))
        if model.peer_group is not None:
            section.tables[-1].footnotes.append(f"Peer group: {model.peer_group.describe()}.")
    return section


def _external_when(month: str, end: dt.date) -> str:
    """When an LG Inform value is: 'in November 2023'; LG Inform counts on the first day of each month, so the month
    after the period's last is 'on 1 April 2026, the count at the end of the period' (review r1 item 28)."""
    first = pd.Period(month, freq="M").start_time.date()
    if first == end + dt.timedelta(days=1):
        return f"on {long_date(first)}, LG Inform's count at the end of the period"
    return f"in {month_words(month)}"


def _external_sentences(f: FactSet, n: int, comp: pd.DataFrame, indicator: str, name: str, end: dt.date) -> list[str]:
    c = comp[(comp["area_type"] == areas.COUNCIL)].dropna(subset=["value"])
    if c.empty:
        return [f"The external series {indicator!r} has no value for {name}."]
    first, last = c.iloc[0], c.iloc[-1]
    at_last = comp[comp["month"] == last["month"]].set_index("area_type")

    def value(key: str, r: pd.Series, area: str) -> Fact:
        return f.number(
            f"{n}.{key}",
            round(float(r["value"]), 1),
            "percent",
            f"{indicator}, {area}, {month_label(r['month'])}, as LG Inform publishes it.",
            at=("external_benchmark", f"{indicator} / {month_label(r['month'])} / {r['area']}", "Value"),
        )

    others = []
    for area_type, label in (
        (areas.ENGLAND, "England"),
        (areas.REGION, None),
        (areas.PEERS, "the peer group's average"),
    ):
        if area_type in at_last.index and not pd.isna(at_last.loc[area_type, "value"]):
            r = at_last.loc[area_type]
            lab = label or r["area"]
            others.append(f"{say(value(area_type.replace(' ', '_'), r, str(r['area'])))} for {lab}")
    against = f", against {join_words(others)}" if others else ""
    now, before = value("council_last", last, name), value("council_first", first, name)
    text = f"{indicator} (external, LG Inform): {name} {say(now)} {_external_when(last['month'], end)}{against}"
    if first["month"] == last["month"]:
        return [text + "."]
    change = f.change(f"{n}.council_change", now, before, f"{indicator}, {name}: the change over the series.")
    return [
        f"{text}; {name} was {say(before)} {_external_when(first['month'], end)}, so it is "
        f"{_points(change)} since then."
    ]


def _ext(v: Any) -> str:
    return format_percent(round(float(v), 1))


def _external_table(frame: pd.DataFrame, name: str) -> Table:
    out = pd.DataFrame(
        {
            "Indicator": frame["indicator"],
            "Month": [month_label(m) for m in frame["month"]],
            "Area": frame["area"],
            "Value": frame["value"],
            "Unit": frame["unit"],
            "Note": frame["note"],
        }
    )
    return Table(
        "external_benchmark",
        f"External benchmark series (LG Inform) for {name}, its peers and England",
        out.reset_index(drop=True),
        footnotes=[
            "External: values as published by LG Inform, not computed by this report. The peer "
            "group's value is the unweighted average of its councils' values."
        ],
    )


# ---- method note -------------------------------------------------------------------------------------------
def benchmarks_method(model: Model, params: ReportParams) -> Section:
    """How the comparison is made: which locations count, the denominator, inherited ratings and each input's date.
    In plain words: the settings' names are in the method appendix (report.method_note)."""
    o = params.options
    paras = []
    if params.wants("benchmarks"):
        paras += [
            "Which locations count: every adult social care location CQC lists as registered on the day, in CQC's "
            "two adult social care categories (care homes and community-based services), in the council area CQC "
            "records for it. Each location counts once, in its category, with its latest overall rating on or "
            "before that day; a later 'Inspected but not rated' does not replace an earlier rating.",
            "The share rated Good or Outstanding is Good or Outstanding ÷ locations with an overall CQC rating "
            "(Outstanding, Good, Requires improvement or Inadequate); locations not yet rated count as active but "
            "not in the share. Each month's figure describes its last day, or the last day the data cover when they "
            "end within the month. A peer group's share pools its councils' locations and is given only when every "
            "peer council is covered; an area or month the data do not cover is missing, never zero. CQC's ratings "
            "history used here covers only this council unless it covers the whole of England; England, region and "
            "peer figures otherwise come from " + vocab.INPUT_LABELS["area_ratings_by_month"] + ".",
            (
                "Ratings a service inherited from its previous provider are counted, as CQC publishes them."
                if o.include_inherited_ratings
                else "Ratings a service inherited from its previous provider are left out, as the council chose: such a "
                "location counts as not yet rated until CQC rates it. CQC itself publishes them."
            ),
            f"The trend runs from {month_words(str(pd.Timestamp(params.trend_from).to_period('M')))} "
            f"({'the month the council chose' if o.trend_from else 'the start of the previous period'}); the baseline "
            f"is the last month end on or before {long_date(o.baseline_date or params.period.start)} "
            f"({'the date the council chose' if o.baseline_date else 'the start of the period'}).",
        ]
        if model.history is not None:
            frm, to = bm.history_coverage(model.history)
            paras.append(
                f"CQC's ratings history used here is taken to cover "
                f"{'from ' + long_date(frm) + ' ' if frm is not None else ''}"
                f"up to {long_date(to)}, the latest report, registration or closure date it holds."
            )
    if params.wants("external_benchmarks"):
        paras.append(
            "External series are shown as their publisher gives them, labelled as external: this report "
            "does not recompute them, and their definitions may differ from its own (LG Inform counts care "
            "homes on the first day of each month; this report counts locations at each month end). A peer "
            "group's external figure is the unweighted average of its councils' values."
        )
    dated = [
        i
        for i in model.inputs
        if i.name
        in ("cqc_ratings", "cqc_api", "cqc_snapshots", "area_ratings_by_month", "external_benchmark", "peer_group")
    ]
    if dated:
        paras.append(
            "Sources and their dates: "
            + "; ".join(
                vocab.INPUT_LABELS[i.name] + (f", as of {long_date(dt.date.fromisoformat(i.as_of))}" if i.as_of else "")
                for i in dated
            )
            + "."
        )
    return Section("benchmarks_method", "How the comparison is made", paras)
