"""The council's own audits beside CQC's ratings, and where to visit next: functions from frames to numbers and
counted frames (sections/audits.py lays them out).

Words: an audit *counts* once it is final (drafts are counted apart); the *latest audit* of a service is its latest
final audit on or before the period end. A grade's *CQC equivalent* is the CQC rating params set for it
(options.audits.cqc_equivalent); a grade is *below Good* when its equivalent is Requires improvement or Inadequate.
Two ratings *disagree by more than one step* when their places on CQC's four-step scale are two or more apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, count
from carequality.measures import qa
from carequality.measures import watch as w
from carequality.measures.shares import DIGITS, change, percent, share
from carequality.model.build import Model
from carequality.model.history import day
from carequality.params import AuditOptions, ReportParams, VisitRules

FINAL = "final"
DRAFT = "draft"
NOT_AUDITED = "Not audited"


@dataclass(frozen=True)
class Scale:
    """The council's audit scale (best first), its domains and each grade's CQC equivalent."""

    grades: tuple[str, ...]
    domains: tuple[str, ...]
    equivalent: dict[str, str]

    @classmethod
    def of(cls, options: AuditOptions) -> Scale:
        return cls(tuple(options.scale), tuple(options.domains), dict(options.cqc_equivalent))

    def below_good(self, grade: object) -> bool:
        return self.equivalent.get(str(grade)) in vocab.RI_OR_INADEQUATE


def final_audits(audits: pd.DataFrame) -> pd.DataFrame:
    return audits[audits["status"] == FINAL].reset_index(drop=True)


def audits_in(audits: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    """Audits dated from `start` to `end`, both included."""
    return audits[(audits["audit_date"] >= day(start)) & (audits["audit_date"] <= day(end))].reset_index(drop=True)


def by_rating(now: pd.DataFrame, before: pd.DataFrame, grades: tuple[str, ...]) -> pd.DataFrame:
    """Final audits by overall rating (scale order) and a Total: previous period, this period and the change."""
    rows = []
    for g in (*grades, "Total"):
        a = len(before) if g == "Total" else int((before["overall_rating"] == g).sum())
        b = len(now) if g == "Total" else int((now["overall_rating"] == g).sum())
        rows.append({"Overall rating": g, "Previous period": a, "This period": b, "Change": b - a})
    frame = pd.DataFrame(rows)
    for c in ("Previous period", "This period", "Change"):
        frame[c] = frame[c].astype("Int64")
    return frame


def domains_short(audits: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Per domain: audits that graded it, those graded below Good and their share (one decimal), most often short
    first (then in the scale's order of domains)."""
    rows = []
    for i, d in enumerate(scale.domains):
        graded = audits[d].astype(str).str.strip() != "" if len(audits) else pd.Series([], dtype=bool)
        n = int(graded.sum())
        short = int(audits.loc[graded, d].map(scale.below_good).sum()) if n else 0
        rows.append({"Domain": d, "Audits grading it": n, "Below Good": short, "_i": i})
    frame = pd.DataFrame(rows)
    frame["Below Good (%)"] = [percent(s, n, DIGITS) for s, n in zip(frame["Below Good"], frame["Audits grading it"])]
    frame["Below Good (%)"] = frame["Below Good (%)"].astype("Float64")
    frame = frame.sort_values(["Below Good", "_i"], ascending=[False, True], kind="stable").drop(columns="_i")
    return frame.reset_index(drop=True)


def latest_audits(audits: pd.DataFrame, end: object) -> pd.DataFrame:
    """One row per location: its latest final audit on or before `end` (location_id, audit_date, overall_rating)."""
    f = final_audits(audits)
    f = f[f["audit_date"] <= day(end)].sort_values(["location_id", "audit_date"], kind="stable")
    return (
        f.groupby("location_id", sort=True)
        .tail(1)[["location_id", "audit_date", "overall_rating"]]
        .reset_index(drop=True)
    )


def cqc_step(rating: object) -> int | None:
    """A rating's place on CQC's four-step scale: Outstanding 0 … Inadequate 3; None when not graded."""
    word = str(rating)
    return vocab.GRADED.index(word) if word in vocab.GRADED else None


def audit_against_cqc(pairs: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """The cross-table: rows the audit's grades (scale order) and a Total, columns CQC's four ratings and a Total;
    `pairs` has one row per service with both: overall_rating (CQC) and audit_rating."""
    rows = []
    for g in (*scale.grades, "Total"):
        sub = pairs if g == "Total" else pairs[pairs["audit_rating"] == g]
        row: dict[str, object] = {"Audit rating": g}
        for r in vocab.GRADED:
            row[r] = int((sub["overall_rating"] == r).sum())
        row["Total"] = len(sub)
        rows.append(row)
    return pd.DataFrame(rows)


def disagreements(pairs: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Services whose audit (on CQC's scale) and CQC rating are two or more steps apart, with `steps` and
    `audit_higher` (the council's view is the better one); most steps first, then by name and id."""
    eq = pairs["audit_rating"].map(lambda g: cqc_step(scale.equivalent.get(str(g))))
    cq = pairs["overall_rating"].map(cqc_step)
    out = pairs.assign(steps=(eq - cq).abs(), audit_higher=eq < cq)
    out = out[out["steps"] > 1]
    out = out.assign(_name=out["location_name"].fillna("").astype(str).str.casefold())
    out = out.sort_values(["steps", "_name", "location_id"], ascending=[False, True, True], kind="stable")
    return out.drop(columns="_name").reset_index(drop=True)


@dataclass
class AuditSummary:
    """What the audit sections show."""

    scale: Scale
    by_rating: pd.DataFrame
    domains: pd.DataFrame
    now: int  # final audits in the period
    before: int  # final audits in the previous period
    drafts: int  # draft audits dated in the period
    services: int  # services with a final audit in the period
    below_good: int  # final audits in the period rated below Good
    commissioned: int | None  # commissioned services; None without the record
    unaudited: pd.DataFrame | None  # commissioned services with no final audit in the period (with_cqc rows)


def audit_summary(model: Model, params: ReportParams, ctx: qa.QaContext) -> AuditSummary:
    scale = Scale.of(params.options.audits)
    audits = model.records.audits_by_location_date
    assert audits is not None  # the registry gives these sections only with an audit file
    p, prev = params.period, params.period.previous
    period_all = audits_in(audits, p.start, p.end)
    now = final_audits(period_all)
    before = final_audits(audits_in(audits, prev.start, prev.end))
    com = qa.commissioned(model, ctx)
    unaudited = None
    if com is not None:
        unaudited = com[~com["location_id"].isin(set(now["location_id"]))].reset_index(drop=True)
    return AuditSummary(
        scale=scale,
        by_rating=by_rating(now, before, scale.grades),
        domains=domains_short(now, scale),
        now=len(now),
        before=len(before),
        drafts=int((period_all["status"] == DRAFT).sum()),
        services=int(now["location_id"].nunique()),
        below_good=int(now["overall_rating"].map(scale.below_good).sum()),
        commissioned=None if com is None else len(com),
        unaudited=unaudited,
    )


def audit_pairs(model: Model, params: ReportParams, ctx: qa.QaContext) -> pd.DataFrame:
    """Every commissioned service CQC knows with both a graded CQC rating and a final audit by the period end:
    with_cqc columns, rating_date (CQC's publication), audit_date and audit_rating."""
    com = qa.commissioned(model, ctx)
    assert com is not None and model.records.audits_by_location_date is not None
    latest = latest_audits(model.records.audits_by_location_date, params.period.end).set_index("location_id")
    out = com[com["known"] & com["overall_rating"].map(lambda r: str(r) in vocab.GRADED)]
    out = out[out["location_id"].isin(set(latest.index))].copy()
    out["audit_date"] = out["location_id"].map(latest["audit_date"].to_dict()).astype("datetime64[ns]")
    out["audit_rating"] = out["location_id"].map(latest["overall_rating"].to_dict())
    dates = w.last_inspections(model, params.period.end)
    locs = model.cqc_locations_all
    if len(locs) and "publication_date" in locs:
        dates = locs.set_index("location_id")["publication_date"].astype("datetime64[ns]").combine_first(dates)
    out["rating_date"] = out["location_id"].map(dates.to_dict()).astype("datetime64[ns]")
    return out.reset_index(drop=True)


# ---- the visit schedule --------------------------------------------------------------------------------

#: Why a service's next visit is due when it is: the rules, in the order a tie is broken.
RISK_HIGH, RISK, NO_MANAGER, EARLY_WARNING, RATING, NO_RATING = (
    "high risk level",
    "risk level",
    "no registered manager",
    "early warning",
    "rating",
    "no rating",
)
SCHEDULE_COLUMNS = (
    "location_id",
    "location_name",
    "provider_name",
    "in_area",
    "overall_rating",
    "audit_rating",
    "risk_level",
    "last_inspection",
    "last_audit",
    "last_visit",
    "months",
    "rule",
    "reason",
    "due",
    "overdue",
)


def lower_rating(cqc: object, audit_equivalent: object) -> str | None:
    """The lower of two ratings on CQC's scale (either may be missing), or None when neither is graded."""
    steps = [s for s in (cqc_step(cqc), cqc_step(audit_equivalent)) if s is not None]
    return vocab.GRADED[max(steps)] if steps else None


def interval(
    rules: VisitRules, rating: str | None, risk_level: int | None, high_from: int, flags: list[str]
) -> tuple[int, str, str]:
    """(months until the next visit, the rule that set it, why in words): the shortest of the intervals that apply."""
    # The rating's interval first: another rule names the reason only when it sets a shorter one.
    options: list[tuple[int, str, str]] = [
        (rules.not_rated_months, NO_RATING, "no rating from CQC or an audit")
        if rating is None
        else (rules.months_by_rating[rating], RATING, f"rated {rating}")
    ]
    if risk_level is not None and risk_level >= high_from:
        options.append((rules.high_risk_months, RISK_HIGH, f"risk level {risk_level}"))
    elif risk_level is not None:
        options.append((rules.risk_months, RISK, f"risk level {risk_level}"))
    if w.NO_MANAGER in flags:
        options.append((rules.no_manager_months, NO_MANAGER, "no registered manager"))
    warnings = [f for f in flags if f != w.NO_MANAGER]
    if warnings:
        options.append((rules.early_warning_months, EARLY_WARNING, f"early warning ({warnings[0]})"))
    return min(options, key=lambda o: o[0])  # the first of the shortest


def visit_schedule(model: Model, params: ReportParams, ctx: qa.QaContext) -> pd.DataFrame:
    """One row per commissioned service (SCHEDULE_COLUMNS), sorted by due date then name: when its next visit is due
    (months after the latest of its last CQC inspection, last final audit and last visit) and why; `overdue` when
    due before the period end. A service with none of the three is due at the period end."""
    end = day(params.period.end)
    watch = w.watch_list(model, params, ctx)
    frame = watch[watch["commissioned"]].copy()
    scale = Scale.of(params.options.audits)
    audits = model.records.audits_by_location_date
    latest = (
        latest_audits(audits, end).set_index("location_id")
        if audits is not None
        else pd.DataFrame(columns=["audit_date", "overall_rating"])
    )
    frame["audit_rating"] = frame["location_id"].map(latest["overall_rating"].to_dict())
    frame["last_audit"] = frame["location_id"].map(latest["audit_date"].to_dict()).astype("datetime64[ns]")
    rules, high = params.options.visit_rules, params.options.high_risk_from_level
    picked = [
        interval(
            rules,
            lower_rating(r.overall_rating, scale.equivalent.get(str(r.audit_rating))),
            None if pd.isna(r.risk_level) else int(r.risk_level),
            high,
            list(r.flags),
        )
        for r in frame.itertuples()
    ]
    frame["months"] = [p[0] for p in picked]
    frame["rule"] = [p[1] for p in picked]
    frame["reason"] = [p[2] for p in picked]
    basis = frame[["last_inspection", "last_audit", "last_visit"]].max(axis=1)
    frame["due"] = [
        end if pd.isna(b) else day(b) + pd.DateOffset(months=int(m)) for b, m in zip(basis, frame["months"])
    ]
    frame["due"] = frame["due"].astype("datetime64[ns]")
    frame["overdue"] = frame["due"] < end
    frame = frame.assign(_name=frame["location_name"].fillna("").astype(str).str.casefold())
    frame = frame.sort_values(["due", "_name", "location_id"], kind="stable")
    return frame[list(SCHEDULE_COLUMNS)].reset_index(drop=True)


#: The bands of the schedule's summary, by months after the period end.
DUE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("Overdue", 0),
    ("Due within 3 months", 3),
    ("Due in 3 to 6 months", 6),
    ("Due in 6 to 12 months", 12),
    ("Due later", None),
)


def due_band(due: pd.Timestamp, overdue: bool, end: object) -> str:
    if overdue:
        return DUE_BANDS[0][0]
    e = day(end)
    for label, months in DUE_BANDS[1:]:
        if months is None or due <= e + pd.DateOffset(months=months):
            return label
    raise AssertionError(due)


def schedule_counts(schedule: pd.DataFrame, end: object) -> pd.DataFrame:
    """Services in each band of when their next visit is due, and a Total."""
    bands = [due_band(d, o, end) for d, o in zip(schedule["due"], schedule["overdue"])]
    rows = [{"When the next visit is due": b, "Services": bands.count(b)} for b, _ in DUE_BANDS]
    rows.append({"When the next visit is due": "Total", "Services": len(schedule)})
    return pd.DataFrame(rows)


def rule_counts(schedule: pd.DataFrame) -> dict[str, int]:
    """Services whose next visit each rule set."""
    return {
        r: int((schedule["rule"] == r).sum()) for r in (RISK_HIGH, RISK, NO_MANAGER, EARLY_WARNING, RATING, NO_RATING)
    }


# ---- facts: every number the audit sections state (docs/facts.md) -------------------------------------


@dataclass
class AuditFacts:
    """The audit results' facts: final audits this period and last, services audited, those below Good, drafts,
    the domain most often short and the commissioned services with no audit."""

    now: Fact
    before: Fact
    change: Fact
    services: Fact
    below_good: Fact
    drafts: Fact
    top_domain: Fact | None  # share of the audits grading the domain most often short that graded it below Good
    unaudited: Fact | None  # share of commissioned services with no final audit in the period


def audit_facts(s: AuditSummary, params: ReportParams, noun: str) -> AuditFacts:
    p, prev = params.period, params.period.previous
    span, before_span = (p.start, p.end), (prev.start, prev.end)
    now = count("audits.final", s.now, f"Final audits dated in the {noun}.", "audit", period=span, source="audits")
    before = count(
        "audits.final_previous",
        s.before,
        f"Final audits dated in the previous {noun}.",
        "audit",
        period=before_span,
        source="audits",
    )
    top = None
    if s.now and len(s.domains) and int(s.domains["Below Good"].iloc[0]):
        r = s.domains.iloc[0]
        top = share(
            "audits.top_domain_below_good",
            int(r["Below Good"]),
            int(r["Audits grading it"]),
            f"Of the {noun}'s final audits that graded the domain most often short, those that graded it below Good.",
            period=span,
            source="audits",
        ).at("audit_domains", r["Domain"], "Below Good (%)")
    unaudited = None
    if s.unaudited is not None and s.commissioned is not None:
        unaudited = share(
            "audits.commissioned_not_audited",
            len(s.unaudited),
            s.commissioned,
            f"Services the council commissions at the period end with no final audit in the {noun}.",
            period=span,
            source="audits",
        )
    return AuditFacts(
        now=now.at("audit_ratings", "Total", f"This {noun}"),
        before=before.at("audit_ratings", "Total", f"Previous {noun}"),
        change=change(
            "audits.final_change", now, before, f"Final audits this {noun} less the previous {noun}'s.", period=span
        ).at("audit_ratings", "Total", "Change"),
        services=count(
            "audits.services_audited",
            s.services,
            f"Services with a final audit in the {noun}.",
            "service",
            period=span,
            source="audits",
        ),
        below_good=share(
            "audits.final_below_good",
            s.below_good,
            s.now,
            f"Of the {noun}'s final audits, those whose overall rating is below Good on the council's scale.",
            period=span,
            source="audits",
        ),
        drafts=count(
            "audits.drafts",
            s.drafts,
            f"Draft audits dated in the {noun} (not counted until final).",
            "draft audit",
            period=span,
            source="audits",
        ),
        top_domain=top,
        unaudited=unaudited,
    )


@dataclass
class CrossFacts:
    """The audit–CQC comparison's facts."""

    pairs: Fact  # commissioned services with both
    apart: Fact  # more than one step apart
    audit_better: Fact
    cqc_better: Fact


def cross_facts(pairs: pd.DataFrame, apart: pd.DataFrame, end: object) -> CrossFacts:
    at = day(end).date()
    higher = int(apart["audit_higher"].sum())
    return CrossFacts(
        pairs=count(
            "audits.vs_cqc.services",
            len(pairs),
            "Commissioned services with both a final audit and a CQC rating by the period end.",
            "service",
            as_of=at,
        ).at("audit_vs_cqc", "Total", "Total"),
        apart=count(
            "audits.vs_cqc.apart",
            len(apart),
            "Of those, services whose audit and CQC rating are more than one step apart on CQC's scale.",
            "service",
            as_of=at,
        ),
        audit_better=count(
            "audits.vs_cqc.audit_better",
            higher,
            "Of those more than one step apart, the audit is the better rating.",
            "service",
            as_of=at,
        ),
        cqc_better=count(
            "audits.vs_cqc.cqc_better",
            len(apart) - higher,
            "Of those more than one step apart, CQC's is the better rating.",
            "service",
            as_of=at,
        ),
    )


def schedule_facts(schedule: pd.DataFrame, end: object) -> dict[str, Fact]:
    """The visit schedule's facts: services scheduled, overdue, and those each rule (other than the rating) set."""
    at = day(end).date()
    out = {
        "services": count(
            "visits.schedule.services",
            len(schedule),
            "Commissioned services on the visit schedule.",
            "service",
            as_of=at,
        ).at("visit_schedule_summary", "Total", "Services"),
        "overdue": count(
            "visits.schedule.overdue",
            int(schedule["overdue"].sum()),
            "Services whose next visit was due before the period end.",
            "service",
            as_of=at,
        ).at("visit_schedule_summary", DUE_BANDS[0][0], "Services"),
    }
    for rule, n in rule_counts(schedule).items():
        out[rule] = count(
            f"visits.schedule.rule.{rule.replace(' ', '_')}",
            n,
            f"Services whose next visit the rule '{rule}' set (the shortest interval that applies).",
            "service",
            as_of=at,
        )
    return out
