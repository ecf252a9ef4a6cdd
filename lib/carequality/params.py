"""The one params schema: a YAML file per council per reporting period, validated before anything runs.

Paths inside a params file are relative to the params file. `load_params` resolves them, checks the
files exist, and raises ParamsError listing every problem with the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from carequality.councils import Council, any_council_by_code, council_by_code, council_period_problem, slugify
from carequality.errors import ParamsError
from carequality.registry import BY_NAME, CQC_LATEST, SECTION_NAMES, SECTIONS

#: options.contact when the params file gives none: a placeholder the cover sheet shows until a team adds its own.
DEFAULT_CONTACT = "add the team's email address in the params file"

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CouncilParams(_Strict):
    code: Annotated[str, Field(description="ONS code of the council, e.g. E10000019; for a period before a "
                                           "reorganisation, the code of that time (e.g. E10000027 for Somerset "
                                           "until 31 March 2023)")]
    name: Annotated[str, Field(description="The council's name, e.g. Lincolnshire")]
    cqc_names: tuple[str, ...] = Field(
        default=(),
        description="Extra 'Location Local Authority' names that CQC files use for this council's area",
    )

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        v = v.strip().upper()
        try:
            any_council_by_code(v)
        except KeyError:
            raise ValueError(
                f"{v!r} is not the ONS code of one of the 153 English councils with adult social care duties "
                "(expected E06…, E08…, E09… or E10…; see `carequality councils`)"
            ) from None
        return v

    @model_validator(mode="after")
    def _name_matches(self) -> CouncilParams:
        c = any_council_by_code(self.code)
        names = {n.casefold() for n in (c.name, c.short_name, *c.aliases)}
        if self.name.strip().casefold() not in names:
            raise ValueError(f"name {self.name!r} does not match ONS code {self.code} ({c.name})")
        return self

    @property
    def council(self) -> Council:
        """The council, current or (for a period before a reorganisation) replaced."""
        return any_council_by_code(self.code)


class Period(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}; expected end on or after start")
        return self

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_to_{self.end.isoformat()}"

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one.

        A period of whole calendar months (first of a month to last of a month) steps back by the same
        number of months, so 1 Apr 2024 – 31 Mar 2025 gives 1 Apr 2023 – 31 Mar 2024 across a leap year;
        any other period steps back by the same number of days.
        """
        end = self.start - dt.timedelta(days=1)
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            index = self.start.year * 12 + self.start.month - 1 - months
            return Period(start=dt.date(index // 12, index % 12 + 1, 1), end=end)
        return Period(start=end - (self.end - self.start), end=end)


#: Inputs that are folders rather than files.
FOLDER_INPUTS: frozenset[str] = frozenset({"cqc_api", "cqc_snapshots"})


class Inputs(_Strict):
    cqc_ratings: Path | None = Field(
        None, description="CQC 'Care directory with ratings' file (CSV, XLSX or ODS); optional when cqc_api or "
                          "cqc_snapshots is given")
    cqc_api: Path | None = Field(
        None, description="Folder of CQC API responses (location_details/location_<id>.json; docs/history.md)")
    cqc_snapshots: Path | None = Field(
        None, description="Folder of successive 'Care directory with ratings' files (docs/history.md)")
    # The council's own records (CSV or XLSX; formats in docs/inputs.md, blank templates in templates/inputs/).
    commissioned_services: Path | None = Field(None, description="Locations the council funds people at, at period end")
    commissioned_services_previous: Path | None = Field(
        None, description="The same file as it was at the end of the previous period (for the change from it)")
    risk_register: Path | None = Field(None, description="Risk register: one row per case per spell at a risk level")
    qa_visits: Path | None = Field(None, description="Quality assurance visits: one row per visit")
    inspection_themes: Path | None = Field(None, description="Issues from CQC inspection reports, grouped by theme")
    theme_offers: Path | None = Field(None, description="Theme → training or support offer")
    # Benchmarks (docs/benchmarks.md).
    area_ratings_by_month: Path | None = Field(
        None, description="Ratings counts by month for England, regions and councils (docs/benchmarks.md)")
    external_benchmark: Path | None = Field(
        None, description="LG Inform-style CSV export (area_code, area_name, period, indicator, measure, unit, value)")
    peer_group: Path | None = Field(
        None, description="Comparator list CSV (area_code, area_name) naming the peer group's councils")

    @model_validator(mode="after")
    def _companions(self) -> Inputs:
        problems = []
        if all(getattr(self, name) is None for name in CQC_LATEST) and self.external_benchmark is None:
            problems.append("cqc_ratings: required, but missing (or give cqc_api or cqc_snapshots, "
                            "folders of CQC API responses or of monthly ratings files; a report of an "
                            "external_benchmark alone needs none)")
        if self.commissioned_services_previous is not None and self.commissioned_services is None:
            problems.append("commissioned_services_previous is given but commissioned_services is not; "
                            "expected both (the change is measured between them)")
        if self.theme_offers is not None and self.inspection_themes is None:
            problems.append("theme_offers is given but inspection_themes is not; expected both")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Options(_Strict):
    location_types: tuple[str, ...] = ("Social Care Org",)
    example_data: bool = Field(False, description="Say on the report that the data are generated examples")
    protective_marking: str = "OFFICIAL"
    contact: str = Field(
        DEFAULT_CONTACT, min_length=1,
        description="Who readers of the spreadsheets can ask about the figures (the cover sheet prints it): "
                    "a team's name and email address")
    # QA records (docs/inputs.md): publication mode, baseline, risk levels.
    mode: Literal["working", "publication"] = Field(
        "working", description="working: providers named; publication: stable references, small counts suppressed")
    suppress_below: int = Field(5, ge=2, le=100, description="In publication mode, counts of people from 1 to this - 1 are suppressed")
    reference_key: str | None = Field(
        None, min_length=8, description="Secret key for provider references; default: the public project salt")
    baseline_date: dt.date | None = Field(
        None, description="Date to compare ratings against (ratings_vs_baseline; change_since_baseline uses the last "
                          "month end on or before it); default: the period start")
    high_risk_from_level: int = Field(3, ge=1, le=4, description="Risk levels from this one up are 'high risk'")
    host_unit: Literal["locations", "providers"] = Field(
        "locations", description="Count commissioned_by_rating's in-area host row by location, or by provider as Haringey does")
    oversight_forums: dict[int, str] = Field(
        default_factory=dict, description="Oversight forum per risk level 1-4; default: Coventry's Table One")
    # Ratings history (docs/history.md).
    not_inspected_before: dt.date | None = Field(
        None, description="not_inspected_since lists locations not inspected since before this date; "
                          "default: three years before the period start")
    compare_ratings_from: dt.date | None = Field(
        None, description="key_question_ratings_at_dates: the earlier date; default: the day before the period start")
    compare_ratings_to: dt.date | None = Field(
        None, description="key_question_ratings_at_dates: the later date; default: the period end")
    # Benchmarks (docs/benchmarks.md); change_since_baseline also uses baseline_date.
    peer_group_name: str | None = Field(
        None, min_length=1, description="The peer group's name as the report gives it; needed with "
                                        "inputs.peer_group or options.peer_group_codes")
    peer_group_codes: tuple[str, ...] = Field(
        (), description="ONS codes of the peer group's councils (or name a comparator list in inputs.peer_group)")
    trend_from: dt.date | None = Field(
        None, description="First month of the benchmark trend; default: the start of the previous period")
    include_inherited_ratings: bool = Field(
        True, description="Benchmarks count ratings inherited from a previous provider (default, as CQC publishes "
                          "them); false: such locations count as not yet rated")

    @field_validator("oversight_forums")
    @classmethod
    def _levels_1_to_4(cls, v: dict[int, str]) -> dict[int, str]:
        bad = sorted(k for k in v if k not in (1, 2, 3, 4))
        if bad:
            raise ValueError(f"risk level(s) {', '.join(map(str, bad))} are not levels; expected keys 1, 2, 3 or 4")
        blank = sorted(k for k, s in v.items() if not str(s).strip())
        if blank:
            raise ValueError(f"level(s) {', '.join(map(str, blank))} have a blank forum; expected its name")
        return v


class ReportParams(_Strict):
    council: CouncilParams
    period: Period
    title: str = "Quality of adult social care providers"
    inputs: Inputs
    sections: tuple[str, ...] | None = Field(
        default=None, description="Sections to include, in any order; default: every section whose inputs are given"
    )
    options: Options = Options()
    #: Where the params file lives; input paths are relative to it. Set by load_params, not by the YAML.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is None:
            return v
        unknown = [s for s in v if s not in BY_NAME]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))} not a section; expected some of {', '.join(SECTION_NAMES)}")
        dups = sorted({s for s in v if v.count(s) > 1})
        if dups:
            raise ValueError(f"listed more than once: {', '.join(dups)}")
        return v

    @model_validator(mode="after")
    def _sections_have_inputs(self) -> ReportParams:
        given = {name for name, p in self.inputs if p is not None}

        def unmet(section: str) -> list[str]:
            return [" or ".join(f"inputs.{n}" for n in names) for names in BY_NAME[section].unmet(given)]

        if self.sections is None:
            chosen = tuple(s.name for s in SECTIONS if not s.unmet(given))
            object.__setattr__(self, "sections", chosen)
            return self
        problems = [f"section {s!r} needs {', '.join(unmet(s))}" for s in self.sections if unmet(s)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _council_of_the_period(self) -> ReportParams:
        """The council must have existed for the whole period (councils.council_period_problem)."""
        problem = council_period_problem(self.council.council, self.period.start, self.period.end)
        if problem:
            raise ValueError(f"council.code: {problem}")
        return self

    @model_validator(mode="after")
    def _baseline_before_end(self) -> ReportParams:
        b = self.options.baseline_date
        if b is not None and b >= self.period.end:
            raise ValueError(f"options.baseline_date {b} is not before the period end {self.period.end}; "
                             "expected an earlier date to compare ratings against")
        return self

    @model_validator(mode="after")
    def _history_dates(self) -> ReportParams:
        o, problems = self.options, []
        if o.not_inspected_before is not None and o.not_inspected_before > self.period.end:
            problems.append(f"options.not_inspected_before {o.not_inspected_before} is after the period end "
                            f"{self.period.end}; expected a date on or before it")
        a, b = self.compare_ratings_dates
        if a >= b:
            problems.append(f"options.compare_ratings_from {a} is not before options.compare_ratings_to {b}; "
                            "expected the earlier date first")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _peer_group(self) -> ReportParams:
        o, problems = self.options, []
        codes = [c.strip().upper() for c in o.peer_group_codes]
        unknown = []
        for c in codes:
            try:
                council_by_code(c)
            except KeyError:
                unknown.append(c)
        if unknown:
            problems.append(f"options.peer_group_codes: {', '.join(map(repr, unknown))} not the ONS code of one of the "
                            "153 English councils with adult social care duties (see `carequality councils`)")
        dups = sorted({c for c in codes if codes.count(c) > 1})
        if dups:
            problems.append(f"options.peer_group_codes: listed more than once: {', '.join(dups)}")
        if self.council.code in codes:
            problems.append(f"options.peer_group_codes: {self.council.code} is the council itself; expected its peers only")
        if codes and self.inputs.peer_group is not None:
            problems.append("options.peer_group_codes and inputs.peer_group are both given; expected one of them")
        if (codes or self.inputs.peer_group is not None) and not o.peer_group_name:
            problems.append("options.peer_group_name: required with a peer group, so the report can say which was used")
        if o.peer_group_name and not codes and self.inputs.peer_group is None:
            problems.append("options.peer_group_name is given but no peer group is: expected options.peer_group_codes "
                            "or inputs.peer_group")
        if o.trend_from is not None and o.trend_from >= self.period.end:
            problems.append(f"options.trend_from {o.trend_from} is not before the period end {self.period.end}")
        if problems:
            raise ValueError("; ".join(problems))
        if codes:
            object.__setattr__(o, "peer_group_codes", tuple(codes))
        return self

    @property
    def trend_from(self) -> dt.date:
        """options.trend_from, or the start of the previous period."""
        return self.options.trend_from or self.period.previous.start

    @property
    def not_inspected_before(self) -> dt.date:
        """options.not_inspected_before, or three years before the period start."""
        if self.options.not_inspected_before is not None:
            return self.options.not_inspected_before
        s = self.period.start
        return s.replace(year=s.year - 3) if not (s.month == 2 and s.day == 29) else dt.date(s.year - 3, 2, 28)

    @property
    def compare_ratings_dates(self) -> tuple[dt.date, dt.date]:
        """The two dates of key_question_ratings_at_dates: options, or the day before the period start and its end."""
        o = self.options
        return (o.compare_ratings_from or self.period.start - dt.timedelta(days=1), o.compare_ratings_to or self.period.end)

    def path(self, relative: Path) -> Path:
        """An input path resolved against the params file's folder."""
        # Lexical, not resolve(): a symlinked ../shared keeps the path the params file wrote.
        return Path(os.path.normpath(self.base_dir / relative))

    def input_paths(self) -> dict[str, Path]:
        return {name: self.path(p) for name, p in self.inputs if p is not None}

    @property
    def output_slug(self) -> tuple[str, str]:
        return self.council.council.slug, self.period.slug

    def wants(self, section: str) -> bool:
        return section in self.sections


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind = err["type"]
    msg = err["msg"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key; check the spelling (allowed keys are in docs/params.md)"
    if kind == "missing":
        return f"{where}: required, but missing"
    if kind.startswith("date"):
        return f"{where}: {err.get('input')!r} is not a date; expected YYYY-MM-DD"
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}"


def parse_params(data: object, *, source: str | Path, base_dir: Path) -> ReportParams:
    """Validate a params mapping; raise ParamsError listing every problem."""
    if not isinstance(data, dict):
        raise ParamsError(source, ["(top level): expected a mapping of keys such as council, period, inputs"])
    try:
        params = ReportParams.model_validate({**data, "base_dir": base_dir})
    except ValidationError as e:
        raise ParamsError(source, [_describe(err) for err in e.errors()]) from None
    problems = []
    for name, path in params.input_paths().items():
        if name in FOLDER_INPUTS:
            if not path.is_dir():
                problems.append(f"inputs.{name}: folder not found: {path}")
        elif not path.is_file():
            problems.append(f"inputs.{name}: file not found: {path}")
    if problems:
        raise ParamsError(source, problems)
    return params


def load_params(path: str | Path) -> ReportParams:
    """Read and validate a params YAML file."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(path, ["params file not found"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ParamsError(path, [f"not valid YAML: {e}"]) from None
    return parse_params(data, source=path, base_dir=path.absolute().parent)


def params_for_manifest(params: ReportParams) -> dict:
    """Params as JSON-ready data with the paths exactly as written in the file (no absolute paths)."""
    return params.model_dump(mode="json")


__all__ = ["ReportParams", "load_params", "parse_params", "slugify"]
