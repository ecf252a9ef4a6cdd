"""The key messages: four to seven bullets on the first page, each summarising a section of the report with the
numbers that section shows (measures/summary.py takes them from that section's own measures). Each number is the fact
of the section it summarises, under the same id (docs/facts.md), so a key message cannot say another number.
"""

from __future__ import annotations

import pandas as pd

from carequality.areas import COUNCIL, ENGLAND, PEERS, REGION
from carequality.facts import Fact
from carequality.measures import summary as m
from carequality.measures.facts import FactSet
from carequality.measures.headline import Headline
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present import facts as pf
from carequality.present.facts import say
from carequality.present.text import (
    data_quality_place,
    dated_words,
    join_words,
    long_date,
    names_phrase,
    plural,
    was_were,
)
from carequality.sections import Bullet, Section


def _standard(f: FactSet, k: m.KeyFigures) -> str:
    s = k.standard
    green = f.setting("standard.green_from", s.green_from, "The share from which the council's standard is green.")
    amber = f.setting("standard.amber_from", s.amber_from, "The share from which the council's standard is amber.")
    return f"The council's standard: green at {say(green)}% or more, amber from {say(amber)}%, red below that."


def _names(f: FactSet, key: str, names: list[str], limit: int = 5) -> str:
    """'A, B and C'; past `limit` names, 'A, B, C, D, E and 3 more', the 3 a fact."""
    if len(names) <= limit:
        return names_phrase(names, limit)
    more = f.count(f"summary.{key}.more", len(names) - limit, "Names left out of the key message.", "name")
    return ", ".join(names[:limit]) + f" and {say(more)} more"


def _numbers(h: Headline, prefix: str = "") -> dict[str, object]:
    return {
        f"{prefix}good_or_outstanding": h.good_or_outstanding,
        f"{prefix}rated": h.rated,
        f"{prefix}percent": h.percent,
    }


def _share_bullet(
    f: FactSet,
    k: m.KeyFigures,
    ids: tuple[str, str, str],
    pair: tuple[Headline | None, Headline | None],
    status: str | None,
    subject: str,
    section: str,
    standard_said: bool = False,
) -> Bullet | None:
    """A headline share of `subject` ("of the rated locations York commissions"), its change since the end of the
    previous period and its status against the council's standard; `ids` name the facts of the section it
    summarises (now, before, change). The council's standard is said once in the key messages: not again when
    `standard_said` (an earlier bullet said it)."""
    now, previous = pair
    if now is None:
        return None
    fact = f.keep(now.fact(ids[0], f"Share {subject} that are Good or Outstanding.", as_of=k.as_of, source="cqc"))
    text = f"{pf.n_of_n(fact)} {subject} are Good or Outstanding"
    numbers = _numbers(now)
    if previous is not None and previous.rated:
        before = f.keep(
            previous.fact(
                ids[1], "The same share at the end of the previous period.", as_of=k.previous_end, source="cqc"
            )
        )
        change = f.change(ids[2], fact, before, "The change since the end of the previous period.")
        text += f", {pf.compared(fact, before, change, when=long_date(k.previous_end)).split(', ', 1)[1]}"
        numbers |= _numbers(previous, "previous_")
    text += ". " + _standard(f, k) if status and not standard_said else "."
    return Bullet(text, status, section, numbers)


def area_bullet(k: m.KeyFigures, f: FactSet | None = None) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    subject = f"of the adult social care locations in {k.council} with a CQC rating"
    ids = ("overview.ratings.headline", "summary.area.headline_before", "summary.area.headline_change")
    return _share_bullet(f, k, ids, (k.area, k.area_previous), k.area_status, subject, "ratings_overview")


_AREA_NAMES = {REGION: None, PEERS: "the peer group", ENGLAND: "England"}


def comparison_bullet(k: m.KeyFigures, f: FactSet | None = None) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    others = [c for c in k.comparators if c.area_type != COUNCIL]
    own = [c for c in k.comparators if c.area_type == COUNCIL]
    if not others or not own or k.compared_on is None:
        return None

    def said(c: m.Comparator) -> str:
        fact = f.keep(
            c.headline.fact(
                f"summary.compare.{c.area_type.replace(' ', '_')}",
                f"Rated locations in {c.area} that are Good or Outstanding.",
                as_of=c.date,
                source="cqc" if c.area_type == COUNCIL else "area_ratings_by_month",
            )
        )
        return pf.n_of_n(fact)

    parts = [(f"{said(c)} in {_AREA_NAMES[c.area_type] or c.area}", c.date) for c in others]
    text = (
        f"On {long_date(k.compared_on)}, with every area counted the same way, {said(own[0])} of the "
        f"rated locations in {k.council} were Good or Outstanding, against {dated_words(parts, k.compared_on)}."
    )
    numbers = {c.area_type: (c.headline.good_or_outstanding, c.headline.rated) for c in k.comparators}
    return Bullet(text, None, "benchmarks", numbers)


def commissioned_bullet(k: m.KeyFigures, f: FactSet | None = None, standard_said: bool = False) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    subject = f"of the rated locations {k.council} commissions"
    ids = ("qa.commissioned.headline", "summary.commissioned.headline_before", "summary.commissioned.headline_change")
    return _share_bullet(
        f,
        k,
        ids,
        (k.commissioned, k.commissioned_previous),
        k.commissioned_status,
        subject,
        "commissioned_by_service_type",
        standard_said,
    )


def _directions(f: FactSet, c: m.Changes, period: tuple) -> str:
    """'2 improved, 3 declined, 5 were unchanged and 2 were first ratings' on the location's previous rating, every
    part said so that the parts add up to the ratings published (a part that is zero is left out, unless all are)."""
    parts = [
        ("changes.ratings.improved", len(c.improved), "Of those, improved on the previous rating.", "improved"),
        ("changes.ratings.declined", len(c.declined), "Of those, declined from the previous rating.", "declined"),
        ("changes.ratings.unchanged", c.unchanged, "Of those, the same as the previous rating.", "unchanged"),
        ("changes.ratings.first", c.first, "Of those, the location's first rating.", "first"),
    ]
    words = []
    for key, value, definition, kind in parts:
        fact = f.count(key, value, definition, "rating", period=period)
        if not value:
            continue
        if value == c.published:  # one kind only: 'both were unchanged', 'all 3 were first ratings', 'it improved'
            whole = "it" if value == 1 else "both" if value == 2 else f"all {say(fact)}"
            verb = "was" if value == 1 else "were"
            return (
                f"{whole} {verb} {'a first rating' if value == 1 else 'first ratings'}"
                if kind == "first"
                else (f"{whole} {kind}" if value == 1 and kind != "unchanged" else f"{whole} {verb} {kind}")
            )
        if kind == "first":
            words.append(f"{say(fact)} {'was a first rating' if value == 1 else 'were first ratings'}")
        else:
            words.append(f"{say(fact)} {kind}")
    return join_words(words) if words else "none changed"


def changes_bullet(k: m.KeyFigures, publication: bool, f: FactSet | None = None) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    c = k.changes
    if c is None:
        return None
    up, down = len(c.improved), len(c.declined)
    if not c.published:
        return Bullet(
            f"CQC published no new overall ratings for locations in {k.council} in the period.",
            None,
            "rating_changes",
            {"published": 0, "improved": 0, "declined": 0},
        )
    period = (k.period_start, k.period_end)
    n = f.count(
        "changes.ratings.published",
        c.published,
        "Overall ratings CQC published in the period.",
        "overall rating",
        period=period,
    )
    text = (
        f"CQC published {plural(n, 'new overall rating')} for locations in {k.council} in the period: "
        f"{_directions(f, c, period)}."
    )
    if not publication:

        def named(frame: pd.DataFrame) -> list[str]:
            return [f"{r.location_name} ({r.from_rating} to {r.to_rating})" for r in frame.itertuples()]

        if down:
            text += f" Declined: {_names(f, 'declined', named(c.declined))}."
        if up:
            text += f" Improved: {_names(f, 'improved', named(c.improved))}."
    numbers = {
        "published": c.published,
        "improved": up,
        "declined": down,
        "declined_names": list(c.declined["location_name"]),
        "improved_names": list(c.improved["location_name"]),
    }
    return Bullet(text, None, "rating_changes", numbers)


def _suspended_at(services: Fact, suspended: Fact) -> str:
    """Where new placements were suspended, said of the services (not of the providers the sentence names last):
    'at all 10 services', 'at 3 of the 10 services', 'at none of them'. The verb agrees with "new placements"."""
    if not suspended.value:
        return "new placements were suspended at none of those services."
    if suspended.value == services.value:
        if services.value == 1:
            return "new placements were suspended there."
        return f"new placements were suspended at all {say(suspended)} services."
    return f"new placements were suspended at {say(suspended)} of the {say(services, noun=True)}."


def high_risk_bullet(k: m.KeyFigures, f: FactSet | None = None) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    h = k.high_risk
    if h is None:
        return None
    level = f.setting(
        "high_risk_from_level", h.level, "The risk level from which the council counts a provider as high risk."
    )
    when = long_date(h.as_of or k.period_end)
    numbers = {"in_area": h.in_area, "out_of_area": h.out_of_area, "providers": h.providers, "suspended": h.suspended}
    reg = {"as_of": h.as_of or k.period_end, "source": "risk_register"}
    n = f.count(
        "summary.high_risk.services",
        (h.in_area or 0) + (h.out_of_area or 0),
        "Services at a high risk level, in the area and elsewhere.",
        "service",
        **reg,
    )
    if not n.value:
        return Bullet(
            f"No service was at risk level {say(level)} or above on the council's risk register on {when}.",
            None,
            "high_risk_in_area",
            numbers,
        )
    where = []
    if h.in_area is not None:
        i = f.count(
            "qa.high_risk.in_area.services",
            h.in_area,
            f"Services in {k.council} at a high risk level.",
            "service",
            **reg,
        )
        where.append(f"{say(i)} in {k.council}")
    if h.out_of_area is not None:
        o = f.count(
            "qa.high_risk.out_of_area.services",
            h.out_of_area,
            f"Services in other areas where {k.council} funds people at a high risk level.",
            "service",
            **reg,
        )
        where.append(f"{say(o)} in other areas")
    providers = f.count("summary.high_risk.providers", h.providers, "Providers of those services.", "provider", **reg)
    suspended = f.count(
        "summary.high_risk.suspended",
        h.suspended,
        "Of those services, the ones with new placements suspended.",
        "service",
        **reg,
    )
    text = (
        f"On {when}, {plural(n, 'service')} {was_were(n)} at risk level {say(level)} or above on the council's "
        f"risk register ({' and '.join(where)}), run by {plural(providers, 'provider')}; " + _suspended_at(n, suspended)
    )
    return Bullet(text, None, "high_risk_in_area", numbers)


def visits_bullet(k: m.KeyFigures, f: FactSet | None = None) -> Bullet | None:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    v = k.visits
    if v is None:
        return None
    period = (k.period_start, k.period_end)
    src = {"source": "qa_visits", "period": period}
    n = f.count("qa.visits.visits", v.visits, "Quality assurance visits made in the period.", "visit", **src)
    s = f.count(
        "qa.visits.services", v.services, "Services the quality assurance team visited in the period.", "service", **src
    )
    text = f"The quality assurance team made {plural(n, 'visit')} to {plural(s, 'service')} in the period"
    if v.previous is not None:
        before = f.count(
            "qa.visits.visits_previous",
            v.previous,
            "Quality assurance visits in the previous period.",
            "visit",
            source="qa_visits",
            period=(k.previous_start, k.previous_end),
        )
        text += f", against {say(before, noun=True)} in the previous period."
    else:
        text += "."
    return Bullet(text, None, "qa_activity", {"visits": v.visits, "services": v.services, "previous": v.previous})


def early_warning_bullet(k: m.KeyFigures, publication: bool, f: FactSet | None = None) -> Bullet | None:
    """Commissioned services rated Requires improvement or Inadequate that the council is not watching: no risk
    level on the risk register, or no QA visit since the rating (the watch list's early warning)."""
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    u = k.unwatched
    if u is None or not len(u):
        return None
    n = f.count(
        "watch.unwatched",
        len(u),
        "Commissioned locations rated Requires improvement or Inadequate with no "
        "risk level, or no QA visit since the rating.",
        "location",
        as_of=k.period_end,
        source="commissioned_services",
    )
    people = f.count(
        "watch.unwatched_people",
        u["people_funded"].fillna(0).sum(),
        "People the council funds at those locations.",
        "person",
        as_of=k.period_end,
        source="commissioned_services",
    )
    text = (
        f"{plural(n, 'commissioned service')} rated Requires improvement or Inadequate "
        f"{'has' if n.value == 1 else 'have'} no risk level on the council's risk register, or no quality "
        f"assurance visit since the rating; the council funds {say(people)} "
        f"{'person' if people.value == 1 else 'people'} there."
    )
    if not publication:
        named = [f"{r.location_name} ({r.overall_rating})" for r in u.itertuples()]
        text += f" They are flagged on the provider watch list: {_names(f, 'unwatched', named)}."
    else:
        text += " They are flagged on the provider watch list."
    return Bullet(text, None, "watch_list", {"unwatched": len(u)})


def caveats_bullet(k: m.KeyFigures, f: FactSet | None = None) -> Bullet:
    f = f or FactSet("", as_of=k.as_of, source="cqc")
    parts = []
    rows = f.count("data_quality.rows", k.data_quality_rows, "Rows of the data supplied that need attention.", "row")
    if rows.value:
        n = int(rows.value)
        parts.append(
            f"{plural(rows, 'row')} of the data supplied {'needs' if n == 1 else 'need'} attention and "
            f"{'is' if n == 1 else 'are'} listed {data_quality_place()}"
        )
    if k.as_of is not None:
        days = (k.period_end - k.as_of.date()).days
        if days > 0:
            gap = f.number(
                "summary.cqc_days_before_end",
                days,
                "days",
                "Days from the date CQC's data are as of to the end of the period.",
            )
            parts.append(
                f"the CQC ratings are as of {long_date(k.as_of)}, {plural(gap, 'day')} before the end of the period"
            )
        else:
            parts.append(f"the CQC ratings are as of {long_date(k.as_of)}")
    if not parts:
        parts.append("no row of the data supplied needed attention")
    text = "About the data: " + "; ".join(parts) + "."
    return Bullet(text, None, "data_quality", {"data_quality_rows": k.data_quality_rows})


def key_messages(model: Model, params: ReportParams) -> Section:
    """Four to seven bullets with the numbers a councillor needs, each from the section it summarises."""
    k = m.key_figures(model, params)
    publication = params.options.mode == "publication"
    f = FactSet("", as_of=model.as_of, source="cqc")
    area = area_bullet(k, f)
    bullets = [
        b
        for b in (
            area,
            comparison_bullet(k, f),
            commissioned_bullet(k, f, standard_said=area is not None and area.status is not None),
            changes_bullet(k, publication, f),
            high_risk_bullet(k, f),
            visits_bullet(k, f),
        )
        if b is not None
    ]
    early = early_warning_bullet(k, publication, f) if params.wants("watch_list") else None
    risk = [b for b in bullets if b.source == "high_risk_in_area"]
    if early is not None and risk:  # one message on the services of concern: at most seven bullets
        risk[0].text += " " + early.text
        risk[0].numbers = {**risk[0].numbers, **early.numbers}
    elif early is not None:
        bullets.append(early)
    bullets.append(caveats_bullet(k, f))
    return Section("key_messages", "Key messages", [], bullets=bullets, facts=f.made)


__all__ = ["Fact", "key_messages"]
