"""The key messages: four to seven bullets on the first page, each summarising a section of the report with the
numbers that section shows (measures/summary.py takes them from that section's own measures).
"""

from __future__ import annotations

from carequality.areas import COUNCIL, ENGLAND, PEERS, REGION
from carequality.measures import summary as m
from carequality.measures.headline import Headline
from carequality.model.build import Model
from carequality.params import ReportParams
from carequality.present.text import (
    count_phrase,
    format_threshold,
    join_words,
    long_date,
    n_of_n,
    names_phrase,
    plural,
    points_phrase,
    was_were,
)
from carequality.sections import Bullet, Section


def _standard(k: m.KeyFigures) -> str:
    s = k.standard
    return (
        f"The council's standard: green at {format_threshold(s.green_from)} or more, amber from "
        f"{format_threshold(s.amber_from)}, red below that."
    )


def _headline(h: Headline) -> str:
    return n_of_n(h.good_or_outstanding, h.rated, h.percent)


def _numbers(h: Headline, prefix: str = "") -> dict[str, object]:
    return {
        f"{prefix}good_or_outstanding": h.good_or_outstanding,
        f"{prefix}rated": h.rated,
        f"{prefix}percent": h.percent,
    }


def _share_bullet(
    k: m.KeyFigures, now: Headline | None, previous: Headline | None, status: str | None, subject: str, section: str
) -> Bullet | None:
    """A headline share of `subject` ("of the rated locations York commissions"), its change since the end of the
    previous period and its status against the council's standard, numbered for the test against `section`."""
    if now is None:
        return None
    text = f"{_headline(now)} {subject} are Good or Outstanding"
    numbers = _numbers(now)
    if previous is not None and previous.rated:
        text += (
            f", {points_phrase(now.points_since(previous))} since {long_date(k.previous_end)}, "
            f"when it was {_headline(previous)}"
        )
        numbers |= _numbers(previous, "previous_")
    text += ". " + _standard(k) if status else "."
    return Bullet(text, status, section, numbers)


def area_bullet(k: m.KeyFigures) -> Bullet | None:
    subject = f"of the adult social care locations in {k.council} with a CQC rating"
    return _share_bullet(k, k.area, k.area_previous, k.area_status, subject, "ratings_overview")


_AREA_NAMES = {REGION: None, PEERS: "the peer group", ENGLAND: "England"}


def comparison_bullet(k: m.KeyFigures) -> Bullet | None:
    others = [c for c in k.comparators if c.area_type != COUNCIL]
    own = [c for c in k.comparators if c.area_type == COUNCIL]
    if not others or not own or k.compared_on is None:
        return None
    parts = [f"{_headline(c.headline)} in {_AREA_NAMES[c.area_type] or c.area}" for c in others]
    text = (
        f"On {long_date(k.compared_on)}, with every area counted the same way, {_headline(own[0].headline)} of the "
        f"rated locations in {k.council} were Good or Outstanding, against {join_words(parts)}."
    )
    numbers = {c.area_type: (c.headline.good_or_outstanding, c.headline.rated) for c in k.comparators}
    return Bullet(text, None, "benchmarks", numbers)


def commissioned_bullet(k: m.KeyFigures) -> Bullet | None:
    subject = f"of the rated locations {k.council} commissions"
    return _share_bullet(
        k, k.commissioned, k.commissioned_previous, k.commissioned_status, subject, "commissioned_by_service_type"
    )


def changes_bullet(k: m.KeyFigures, publication: bool) -> Bullet | None:
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
    text = (
        f"CQC published {plural(c.published, 'new overall rating')} for locations in {k.council} in the period: "
        f"{count_phrase(up, 'improvement', zero='no')} and {count_phrase(down, 'decline', zero='no')} on the "
        "location's previous rating."
    )
    if not publication:

        def named(frame) -> list[str]:
            return [f"{r.location_name} ({r.from_rating} to {r.to_rating})" for r in frame.itertuples()]

        if down:
            text += f" Declined: {names_phrase(named(c.declined))}."
        if up:
            text += f" Improved: {names_phrase(named(c.improved))}."
    numbers = {
        "published": c.published,
        "improved": up,
        "declined": down,
        "declined_names": list(c.declined["location_name"]),
        "improved_names": list(c.improved["location_name"]),
    }
    return Bullet(text, None, "rating_changes", numbers)


def high_risk_bullet(k: m.KeyFigures) -> Bullet | None:
    h = k.high_risk
    if h is None:
        return None
    n = (h.in_area or 0) + (h.out_of_area or 0)
    when = long_date(k.period_end)
    numbers = {"in_area": h.in_area, "out_of_area": h.out_of_area, "providers": h.providers, "suspended": h.suspended}
    if not n:
        return Bullet(
            f"No service was at risk level {h.level} or above on the council's risk register on {when}.",
            None,
            "high_risk_in_area",
            numbers,
        )
    where = []
    if h.in_area is not None:
        where.append(f"{h.in_area:,} in {k.council}")
    if h.out_of_area is not None:
        where.append(f"{h.out_of_area:,} in other areas")
    text = (
        f"On {when}, {plural(n, 'service')} {was_were(n)} at risk level {h.level} or above on the council's "
        f"risk register ({' and '.join(where)}), run by {plural(h.providers, 'provider')}; new placements "
        + (
            f"were suspended at {h.suspended:,} of them."  # the verb agrees with "new placements", not the count
            if h.suspended
            else "were suspended at none of them."
        )
    )
    return Bullet(text, None, "high_risk_in_area", numbers)


def visits_bullet(k: m.KeyFigures) -> Bullet | None:
    v = k.visits
    if v is None:
        return None
    text = (
        f"The quality assurance team made {plural(v.visits, 'visit')} to {plural(v.services, 'service')} in the period"
    )
    text += f", against {v.previous:,} in the previous period." if v.previous is not None else "."
    return Bullet(text, None, "qa_activity", {"visits": v.visits, "services": v.services, "previous": v.previous})


def caveats_bullet(k: m.KeyFigures) -> Bullet:
    parts = []
    n = k.data_quality_rows
    if n:
        parts.append(
            f"{plural(n, 'row')} of the data supplied {'needs' if n == 1 else 'need'} attention and "
            f"{'is' if n == 1 else 'are'} listed under Data quality"
        )
    if k.as_of is not None:
        days = (k.period_end - k.as_of.date()).days
        if days > 0:
            parts.append(
                f"the CQC ratings are as of {long_date(k.as_of)}, {plural(days, 'day')} before the end of the period"
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
    bullets = [
        b
        for b in (
            area_bullet(k),
            comparison_bullet(k),
            commissioned_bullet(k),
            changes_bullet(k, publication),
            high_risk_bullet(k),
            visits_bullet(k),
        )
        if b is not None
    ]
    bullets.append(caveats_bullet(k))
    return Section("key_messages", "Key messages", [], bullets=bullets)
