"""THE registry of report sections: each section's name, the inputs it needs, and its place in the report.

One list, in report order. params checks the sections a params file names against it and picks the default
sections from it (every section whose inputs are given); `render` and `check` name the input a section lacks
from it; the notebook calls the sections in this order (a test checks it); `carequality.sections.section`
finds each section's function from it (module `carequality.sections.<module>`, function `<name>`).

It lives at the bottom of the package, not in sections/, because params (which every layer below the sections
takes) must check names against it: it imports nothing from carequality.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Inputs that can each give the latest CQC ratings (any one of them will do).
CQC_LATEST: tuple[str, ...] = ("cqc_ratings", "cqc_api", "cqc_snapshots")
#: Inputs that can each give a ratings history (any one of them will do; both are merged when given).
CQC_HISTORY: tuple[str, ...] = ("cqc_api", "cqc_snapshots", "cqc_ratings_start")

#: A need is an input's name (a field of params.Inputs), or a tuple of names any one of which will do.
Need = str | tuple[str, ...]


#: The two audiences one params file serves (`carequality render --profile`): the committee paper (key messages,
#: the main sections and the council's commentary) and the full report with every section and the annexes.
PROFILES: tuple[str, ...] = ("full", "summary")
DEFAULT_PROFILE = "full"


def profile_folder(period_slug: str, profile: str = DEFAULT_PROFILE) -> str:
    """The folder a profile's outputs go in, under the council's: the period for the full report, the period and the
    profile for any other (`2025-04-01_to_2026-03-31-summary`), so rendering one never replaces the other's files."""
    return period_slug if profile == DEFAULT_PROFILE else f"{period_slug}-{profile}"


def profile_of_folder(name: str) -> str:
    """The profile whose outputs a folder named by profile_folder holds."""
    return next((p for p in PROFILES if p != DEFAULT_PROFILE and name.endswith(f"-{p}")), DEFAULT_PROFILE)


@dataclass(frozen=True)
class SectionSpec:
    """One report section: its name (also its function's name), its module in carequality.sections, what it needs,
    whether the committee paper (the summary profile) shows it, whether it is an annex (printed on landscape pages
    after the body) and whether it lists locations one by one (left out of a published report: docs/outputs.md)."""

    name: str
    module: str
    needs: tuple[Need, ...]
    summary: bool = False
    annex: bool = False
    per_location: bool = False
    #: Inputs any one of which gives a fuller section in its place: a report with one of them leaves this section out
    #: unless the params file names it (the one-file sections, when there is a ratings history).
    replaced_by: tuple[str, ...] = ()

    def unmet(self, given: set[str]) -> list[tuple[str, ...]]:
        """The needs that none of the `given` inputs meets, each as the names any one of which would do."""
        out = []
        for need in self.needs:
            names = (need,) if isinstance(need, str) else need
            if not set(names) & given:
                out.append(names)
        return out

    def in_profile(self, profile: str) -> bool:
        """Whether a render of `profile` shows this section (the full profile shows every one)."""
        return profile == "full" or (profile == "summary" and self.summary)


def _s(
    name: str,
    module: str,
    *needs: Need,
    summary: bool = False,
    annex: bool = False,
    per_location: bool = False,
    replaced_by: tuple[str, ...] = (),
) -> SectionSpec:
    return SectionSpec(
        name, module, tuple(needs), summary=summary, annex=annex, per_location=per_location, replaced_by=replaced_by
    )


#: Every section, in report order.
SECTIONS: tuple[SectionSpec, ...] = (
    # The key messages open the report: generated bullets from the sections below (sections/summary.py).
    _s("key_messages", "summary", CQC_LATEST, summary=True),
    _s("market_overview", "overview", CQC_LATEST, summary=True),
    _s("commissioned_market", "qa", CQC_LATEST, "commissioned_services", summary=True),
    _s("ratings_overview", "overview", CQC_LATEST, summary=True),
    _s("key_question_ratings", "overview", CQC_LATEST),
    _s("minimum_standard", "overview", CQC_LATEST),
    _s("commissioned_by_rating", "qa", CQC_LATEST, "commissioned_services", summary=True),
    _s("commissioned_by_service_type", "qa", CQC_LATEST, "commissioned_services"),
    _s("ratings_vs_baseline", "qa", CQC_LATEST, "commissioned_services"),
    # From one monthly file (no history): the latest ratings published in the period, a lower bound of its inspections.
    _s("latest_ratings_in_period", "changes", "cqc_ratings", summary=True, replaced_by=CQC_HISTORY),
    _s("inspections_in_period", "changes", CQC_HISTORY),
    _s("rating_changes", "changes", CQC_HISTORY, summary=True),
    _s("registrations_in_period", "changes", CQC_HISTORY),
    _s("deregistrations_in_period", "changes", CQC_HISTORY),
    _s("provider_changes_in_period", "changes", CQC_HISTORY),
    _s("not_inspected_since", "changes", CQC_HISTORY),
    _s("not_rated_since", "changes", "cqc_ratings", replaced_by=CQC_HISTORY),
    _s("high_risk_in_area", "qa", CQC_LATEST, "risk_register", summary=True),
    _s("high_risk_out_of_area", "qa", CQC_LATEST, "risk_register", summary=True),
    _s("risk_levels", "qa", CQC_LATEST, "risk_register"),
    # The live status list for placement teams (Rutland 2.6.4; Coventry 3.10): also written as watch_list.xlsx.
    _s("watch_list", "watch", CQC_LATEST, ("commissioned_services", "risk_register"), per_location=True),
    _s("qa_activity", "qa", CQC_LATEST, "qa_visits", summary=True),
    _s("inspection_themes", "qa", CQC_LATEST, "inspection_themes"),
    # The council's own audits beside CQC's, and where to visit next (sections/audits.py). The committee paper shows
    # the audits by rating and the schedule's counts; the lists of services are sections of their own, per location
    # and out of the paper (they can name a service audited below Good); the whole schedule is also written as
    # visit_schedule.xlsx. The comparison with CQC and where the money goes are in the full report.
    _s("audit_results", "audits", CQC_LATEST, "audits", summary=True),
    _s("audit_gaps", "audits", CQC_LATEST, "audits", "commissioned_services", per_location=True),
    _s("audit_vs_cqc", "audits", CQC_LATEST, "audits", "commissioned_services"),
    _s("audit_disagreements", "audits", CQC_LATEST, "audits", "commissioned_services", per_location=True),
    _s("visit_schedule", "audits", CQC_LATEST, "commissioned_services", summary=True),
    _s("visit_schedule_list", "audits", CQC_LATEST, "commissioned_services", per_location=True),
    # Where the money goes (Leicester 4.2 to 4.5; sections/spend.py).
    _s("spend_by_service_type", "spend", CQC_LATEST, "commissioned_services"),
    _s("benchmarks", "compare", CQC_LATEST, ("area_ratings_by_month", *CQC_HISTORY), summary=True),
    _s("external_benchmarks", "compare", "external_benchmark", summary=True),
    _s("benchmarks_method", "compare", ("area_ratings_by_month", *CQC_HISTORY, "external_benchmark")),
    # Appendices, after the data-quality and method notes: printed on landscape pages, in the full report only.
    _s("location_ratings_appendix", "overview", CQC_LATEST, annex=True, per_location=True),
    _s("key_question_ratings_at_dates", "changes", CQC_HISTORY, annex=True),
)
SECTION_NAMES: tuple[str, ...] = tuple(s.name for s in SECTIONS)
BY_NAME: dict[str, SectionSpec] = {s.name: s for s in SECTIONS}
#: The blocks of the council's commentary file (docs/commentary.md): every section, the report's own data-quality
#: and method sections, and three blocks of the council's own: an introduction (after the key messages), and
#: recommendations and next steps (at the end of the body).
REPORT_BLOCKS: tuple[str, ...] = ("data_quality", "method")
#: The committee paper's own blocks (issue 21): its purpose (before the key messages) and the implications the
#: council states in its own words (after the body), as the councils' papers have them.
IMPLICATIONS: tuple[str, ...] = (
    "financial_implications",
    "legal_implications",
    "equalities_implications",
    "risk_implications",
)
COMMENTARY_BLOCKS: tuple[str, ...] = (
    "purpose",
    "introduction",
    *SECTION_NAMES,
    *REPORT_BLOCKS,
    "recommendations",
    *IMPLICATIONS,
    "next_steps",
)
