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
CQC_HISTORY: tuple[str, ...] = ("cqc_api", "cqc_snapshots")

#: A need is an input's name (a field of params.Inputs), or a tuple of names any one of which will do.
Need = str | tuple[str, ...]


@dataclass(frozen=True)
class SectionSpec:
    """One report section: its name (also its function's name), its module in carequality.sections, what it needs."""

    name: str
    module: str
    needs: tuple[Need, ...]

    def unmet(self, given: set[str]) -> list[tuple[str, ...]]:
        """The needs that none of the `given` inputs meets, each as the names any one of which would do."""
        out = []
        for need in self.needs:
            names = (need,) if isinstance(need, str) else need
            if not set(names) & given:
                out.append(names)
        return out


def _s(name: str, module: str, *needs: Need) -> SectionSpec:
    return SectionSpec(name, module, tuple(needs))


#: Every section, in report order.
SECTIONS: tuple[SectionSpec, ...] = (
    _s("market_overview", "overview", CQC_LATEST),
    _s("commissioned_market", "qa", CQC_LATEST, "commissioned_services"),
    _s("ratings_overview", "overview", CQC_LATEST),
    _s("key_question_ratings", "overview", CQC_LATEST),
    _s("minimum_standard", "overview", CQC_LATEST),
    _s("commissioned_by_rating", "qa", CQC_LATEST, "commissioned_services"),
    _s("commissioned_by_service_type", "qa", CQC_LATEST, "commissioned_services"),
    _s("ratings_vs_baseline", "qa", CQC_LATEST, "commissioned_services"),
    _s("inspections_in_period", "changes", CQC_HISTORY),
    _s("rating_changes", "changes", CQC_HISTORY),
    _s("registrations_in_period", "changes", CQC_HISTORY),
    _s("deregistrations_in_period", "changes", CQC_HISTORY),
    _s("provider_changes_in_period", "changes", CQC_HISTORY),
    _s("not_inspected_since", "changes", CQC_HISTORY),
    _s("high_risk_in_area", "qa", CQC_LATEST, "risk_register"),
    _s("high_risk_out_of_area", "qa", CQC_LATEST, "risk_register"),
    _s("risk_levels", "qa", CQC_LATEST, "risk_register"),
    _s("qa_activity", "qa", CQC_LATEST, "qa_visits"),
    _s("inspection_themes", "qa", CQC_LATEST, "inspection_themes"),
    _s("benchmarks", "compare", CQC_LATEST, ("area_ratings_by_month", *CQC_HISTORY)),
    _s("external_benchmarks", "compare", "external_benchmark"),
    _s("benchmarks_method", "compare", ("area_ratings_by_month", *CQC_HISTORY, "external_benchmark")),
    # Appendices, after the data-quality and method notes.
    _s("location_ratings_appendix", "overview", CQC_LATEST),
    _s("key_question_ratings_at_dates", "changes", CQC_HISTORY),
)
SECTION_NAMES: tuple[str, ...] = tuple(s.name for s in SECTIONS)
BY_NAME: dict[str, SectionSpec] = {s.name: s for s in SECTIONS}
