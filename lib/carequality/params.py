"""The one params schema: a YAML file per council per reporting period, validated before anything runs.

Paths inside a params file are relative to the params file. `load_params` resolves them, checks the
files exist, and raises ParamsError listing every problem with the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from carequality.councils import (
    Council,
    any_council_by_code,
    closest_council_name,
    council_period_problem,
    find_council,
    slugify,
)
from carequality.errors import ParamsError
from carequality.present.commentary import read_commentary
from carequality.registry import (
    BY_NAME,
    COMMENTARY_BLOCKS,
    CQC_LATEST,
    DEFAULT_PROFILE,
    PROFILES,
    SECTION_NAMES,
    SECTIONS,
)
from carequality.sources.audits import FIXED_COLUMNS as AUDIT_FIXED_COLUMNS
from carequality.sources.audits import NOTES as AUDIT_NOTES
from carequality.sources.audits import PAMMS_CQC_EQUIVALENT, PAMMS_DOMAINS, PAMMS_SCALE
from carequality.vocab import GRADED as GRADED_RATINGS

#: The params schema this carequality reads and writes. A file states the schema it was written for as its
#: `schema_version`; a file without one was written for carequality 0.1.0 (schema 1). Schema 2 (carequality 0.2.0)
#: added schema_version itself and changed nothing else (docs/params.md, "Schema versions").
SCHEMA_VERSION = 2
#: The schema of a file that states none.
FIRST_SCHEMA = 1
#: The carequality release that first wrote each schema.
SCHEMA_RELEASES = {1: "0.1.0", 2: "0.2.0"}


@dataclass(frozen=True)
class SchemaChange:
    """A setting that a schema renamed or moved (``new``) or removed (``new`` is None), with what to do instead."""

    schema: int  # the schema that made the change
    old: str  # the dotted key as an older file writes it, e.g. "options.peer_group"
    new: str | None
    advice: str = ""


#: Every change to a setting since schema 1, oldest first: a file older than a change that still uses the old key
#: is refused with the change named, and `carequality params upgrade` makes it. Schema 2 changed no setting.
SCHEMA_CHANGES: tuple[SchemaChange, ...] = ()


def describe_change(change: SchemaChange) -> str:
    """'options.a: renamed to options.b in carequality 0.3.0 (params schema 3)' and the advice, if any."""
    release = SCHEMA_RELEASES.get(change.schema, f"schema {change.schema}")
    what = f"renamed to {change.new}" if change.new else "removed"
    advice = f"; {change.advice}" if change.advice else ""
    return f"{change.old}: {what} in carequality {release} (params schema {change.schema}){advice}"


def _dotted(data: dict, key: str) -> tuple[dict | None, str]:
    """The mapping that holds a dotted key (None if a parent is missing) and the key's last part."""
    *parents, last = key.split(".")
    node: object = data
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    return (node if isinstance(node, dict) else None), last


def schema_version_of(data: dict) -> tuple[int, list[str]]:
    """The schema a params mapping was written for, and the problems that stop this carequality reading it: a
    schema_version that is not one, a newer schema than this release reads, or a setting an older file uses that
    a later schema renamed or removed (each named, with its new form)."""
    from carequality import __version__

    raw = data.get("schema_version", FIRST_SCHEMA)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < FIRST_SCHEMA:
        return FIRST_SCHEMA, [
            f"schema_version: {_shown(raw)} is not a params schema version; expected a whole number from "
            f"{FIRST_SCHEMA} to {SCHEMA_VERSION}"
        ]
    if raw > SCHEMA_VERSION:
        return raw, [
            f"schema_version: {raw} is newer than this carequality ({__version__}) reads ({FIRST_SCHEMA} to "
            f"{SCHEMA_VERSION}); expected a file for schema {SCHEMA_VERSION} or older: upgrade carequality "
            "(pip install --upgrade carequality) or use the release the file was written for"
        ]
    problems = []
    for change in SCHEMA_CHANGES:
        holder, last = _dotted(data, change.old)
        if change.schema > raw and holder is not None and last in holder:
            problems.append(f"{describe_change(change)}; `carequality params upgrade FILE` makes this change")
    return raw, problems


#: options.contact when the params file gives none: a placeholder the cover sheet shows until a team adds its own.
DEFAULT_CONTACT = "add the team's email address in the params file"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CouncilParams(_Strict):
    code: Annotated[
        str,
        Field(
            description="ONS code of the council, e.g. E10000019; for a period before a "
            "reorganisation, the code of that time (e.g. E10000027 for Somerset "
            "until 31 March 2023)"
        ),
    ]
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
        if not c.known_as(self.name):  # as `params new` matches names: case, spaces and '&' ignored
            raise ValueError(f"name {self.name!r} does not match ONS code {self.code} ({c.name})")
        return self

    @property
    def council(self) -> Council:
        """The council, current or (for a period before a reorganisation) replaced."""
        return any_council_by_code(self.code)


#: Dates no params file may go beyond, whatever its options say: pandas (and so every table) holds dates only from
#: 1677 to 2262, and a period's previous period and default dates reach back a few years before its start.
DATE_FLOOR = dt.date(1900, 1, 1)
DATE_CEILING = dt.date(2199, 12, 31)
#: Default earliest date a params file may name (options.earliest_date). CQC began in 2009; 1990 leaves room.
EARLIEST_DATE = dt.date(1990, 1, 1)
#: A period is at most this many years long: a longer one is almost certainly a typing error.
MAX_PERIOD_YEARS = 20


def _years_after(d: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for 29 February in a year that has none)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 2, 28)


def default_latest_date(today: dt.date | None = None) -> dt.date:
    """Default latest date a params file may name (options.latest_date): one year after today."""
    return _years_after(today or dt.date.today(), 1)


class Period(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}; expected end on or after start")
        for name, d in (("start", self.start), ("end", self.end)):
            if not DATE_FLOOR <= d <= DATE_CEILING:
                raise ValueError(
                    f"{name} {d} is outside the dates a report can use; expected a date from "
                    f"{DATE_FLOOR} to {DATE_CEILING}"
                )
        if self.end >= _years_after(self.start, MAX_PERIOD_YEARS):
            raise ValueError(
                f"the period from {self.start} to {self.end} is longer than {MAX_PERIOD_YEARS} years; "
                f"expected a reporting period of at most {MAX_PERIOD_YEARS} years (usually one)"
            )
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


#: The name of the example's CQC file (data/example/, written by `carequality example`).
EXAMPLE_CQC_NAME = "cqc_ratings_example.csv"

#: Inputs that are folders rather than files.
FOLDER_INPUTS: frozenset[str] = frozenset({"cqc_api", "cqc_snapshots"})


class Inputs(_Strict):
    cqc_ratings: Path | None = Field(
        None,
        description="CQC 'Care directory with ratings' file (CSV, XLSX or ODS); optional when cqc_api or "
        "cqc_snapshots is given",
    )
    cqc_api: Path | None = Field(
        None, description="Folder of CQC API responses (location_details/location_<id>.json; docs/history.md)"
    )
    cqc_snapshots: Path | None = Field(
        None, description="Folder of successive 'Care directory with ratings' files (docs/history.md)"
    )
    cqc_ratings_start: Path | None = Field(
        None,
        description="CQC's monthly 'Care directory with ratings' file from the start of the period; with cqc_ratings "
        "(the file from its end) it gives rating changes and the services that joined or left the register",
    )
    # The council's own records (CSV or XLSX; formats in docs/inputs.md, blank templates in templates/inputs/).
    commissioned_services: Path | None = Field(None, description="Locations the council funds people at, at period end")
    commissioned_services_previous: Path | None = Field(
        None, description="The same file as it was at the end of the previous period (for the change from it)"
    )
    risk_register: Path | None = Field(None, description="Risk register: one row per case per spell at a risk level")
    qa_visits: Path | None = Field(None, description="Quality assurance visits: one row per visit")
    inspection_themes: Path | None = Field(None, description="Issues from CQC inspection reports, grouped by theme")
    theme_offers: Path | None = Field(None, description="Theme → training or support offer")
    audits: Path | None = Field(
        None, description="The council's own audits (PAMMS or its own tool): one row per audit (docs/inputs.md)"
    )
    # Benchmarks (docs/benchmarks.md).
    area_ratings_by_month: Path | None = Field(
        None, description="Ratings counts by month for England, regions and councils (docs/benchmarks.md)"
    )
    external_benchmark: Path | None = Field(
        None, description="LG Inform-style CSV export (area_code, area_name, period, indicator, measure, unit, value)"
    )
    peer_group: Path | None = Field(
        None, description="Comparator list CSV (area_code, area_name) naming the peer group's councils"
    )
    # The council's own words (docs/commentary.md; a template in templates/commentary.md).
    commentary: Path | None = Field(
        default=None,
        description="Markdown file of the council's commentary: an introduction, a block per section, "
        "recommendations and next steps",
    )

    @model_validator(mode="after")
    def _companions(self) -> Inputs:
        problems = []
        if all(getattr(self, name) is None for name in CQC_LATEST) and self.external_benchmark is None:
            problems.append(
                "cqc_ratings: required, but missing (or give cqc_api or cqc_snapshots, "
                "folders of CQC API responses or of monthly ratings files; a report of an "
                "external_benchmark alone needs none)"
            )
        if self.commissioned_services_previous is not None and self.commissioned_services is None:
            problems.append(
                "commissioned_services_previous is given but commissioned_services is not; "
                "expected both (the change is measured between them)"
            )
        if self.cqc_ratings_start is not None and self.cqc_ratings is None:
            problems.append(
                "cqc_ratings_start is given but cqc_ratings is not; expected both (the monthly files from the start "
                "and the end of the period)"
            )
        if self.cqc_ratings_start is not None and self.cqc_snapshots is not None:
            problems.append(
                "cqc_ratings_start and cqc_snapshots are both given; expected one (put the start file in the "
                "cqc_snapshots folder instead)"
            )
        if self.theme_offers is not None and self.inspection_themes is None:
            problems.append("theme_offers is given but inspection_themes is not; expected both")
        if problems:
            raise ValueError("; ".join(problems))
        return self


#: The council's standard for the share of locations rated Good or Outstanding, when params set none: green at 80%
#: or more, amber from 70% up to 80%, red below 70% (docs/params.md).
DEFAULT_GREEN_FROM = 80.0
DEFAULT_AMBER_FROM = 70.0
#: An inspection older than this many months at the period end is overdue on the watch list, when params set none:
#: 30 months, the longest CQC used to leave a service rated Good before inspecting it again.
DEFAULT_INSPECTION_OVERDUE_MONTHS = 30


class Standard(_Strict):
    """The council's own standard for the headline measure (the share of rated locations that are Good or
    Outstanding): green from `green_from` %, amber from `amber_from` % up to green, red below amber."""

    green_from: float = Field(default=DEFAULT_GREEN_FROM, ge=0, le=100, description="Green at this share (%) or more")
    amber_from: float = Field(
        default=DEFAULT_AMBER_FROM,
        ge=0,
        le=100,
        description="Amber at this share (%) or more, below green; red below it",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Standard:
        if self.amber_from > self.green_from:
            raise ValueError(
                f"amber_from {self.amber_from:g} is above green_from {self.green_from:g}; expected amber "
                "at or below green"
            )
        return self


class AuditOptions(_Strict):
    """The council's audit scale and domains (docs/inputs.md, "Audits"): PAMMS's by default. `scale` is best first;
    `cqc_equivalent` places each grade on CQC's scale (the cross-table, the visit schedule, and what counts as
    below Good)."""

    scale: tuple[str, ...] = Field(PAMMS_SCALE, description="The audit's grades, best first; default PAMMS's four")
    domains: tuple[str, ...] = Field(
        PAMMS_DOMAINS, description="The audit's domains: one column each in the audit file; default PAMMS's six"
    )
    cqc_equivalent: dict[str, str] = Field(
        default_factory=lambda: dict(PAMMS_CQC_EQUIVALENT),
        description="Each grade's CQC rating (Outstanding, Good, Requires improvement or Inadequate)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AuditOptions:
        problems = []
        for name, items in (("scale", self.scale), ("domains", self.domains)):
            keys = [" ".join(str(i).split()).casefold() for i in items]
            if not items or any(not k for k in keys):
                problems.append(f"{name}: expected at least one name, none blank")
            dups = sorted({i for i, k in zip(items, keys) if keys.count(k) > 1})
            if dups:
                problems.append(f"{name}: {', '.join(map(repr, dups))} given more than once; expected each once")
        if len(self.scale) < 2:
            problems.append("scale: expected at least two grades, best first")
        clash = [d for d in self.domains if d in (*AUDIT_FIXED_COLUMNS, AUDIT_NOTES)]
        if clash:
            problems.append(f"domains: {', '.join(map(repr, clash))} is a column of the audit file; expected a domain")
        if set(self.cqc_equivalent) != set(self.scale):
            problems.append(
                f"cqc_equivalent: expected one CQC rating for each grade of the scale ({', '.join(self.scale)}); "
                f"given for {', '.join(self.cqc_equivalent) or 'none'}"
            )
        bad = sorted(v for v in self.cqc_equivalent.values() if v not in GRADED_RATINGS)
        if bad:
            problems.append(
                f"cqc_equivalent: {', '.join(map(repr, bad))} not a CQC rating; expected {', '.join(GRADED_RATINGS)}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


#: Default visit intervals (months) by rating on CQC's scale: Inadequate or Poor within 3 months, Requires
#: improvement within 6, Good within 12, Outstanding within 24.
DEFAULT_VISIT_MONTHS: dict[str, int] = {"Inadequate": 3, "Requires improvement": 6, "Good": 12, "Outstanding": 24}


class VisitRules(_Strict):
    """The council's rules for when each commissioned service is next due a visit (the visit schedule): months after
    the latest of its last CQC inspection, last audit and last visit, by the lower of its CQC rating and its audit
    (on CQC's scale), and sooner for a high risk level, an early warning or no registered manager."""

    months_by_rating: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_VISIT_MONTHS),
        description="Months between visits for each rating on CQC's scale (an audit grade counts as its CQC rating)",
    )
    not_rated_months: int = Field(6, ge=1, le=120, description="Months between visits with no rating at all")
    high_risk_months: int = Field(
        3, ge=1, le=120, description="At most this many months at options.high_risk_from_level or above"
    )
    risk_months: int = Field(6, ge=1, le=120, description="At most this many months at a lower risk level")
    early_warning_months: int = Field(
        6, ge=1, le=120, description="At most this many months with an early warning on the watch list"
    )
    no_manager_months: int = Field(3, ge=1, le=120, description="At most this many months with no registered manager")

    @field_validator("months_by_rating")
    @classmethod
    def _ratings(cls, v: dict[str, int]) -> dict[str, int]:
        if set(v) != set(GRADED_RATINGS):
            raise ValueError(
                f"expected months for each of {', '.join(GRADED_RATINGS)}; given for {', '.join(v) or 'none'}"
            )
        bad = sorted(k for k, n in v.items() if not 1 <= int(n) <= 120)
        if bad:
            raise ValueError(f"months for {', '.join(bad)} outside 1 to 120")
        return v


#: The inputs that are the council's own records (docs/inputs.md), which options.record_sheets may name.
RecordInput = Literal[
    "commissioned_services",
    "commissioned_services_previous",
    "risk_register",
    "qa_visits",
    "inspection_themes",
    "theme_offers",
    "audits",
]


class Options(_Strict):
    location_types: tuple[str, ...] = Field(
        ("Social Care Org",), min_length=1, description="CQC 'Location Type' values to keep"
    )
    example_data: bool = Field(False, description="Say on the report that the data are generated examples")
    protective_marking: str = "OFFICIAL"
    contact: str = Field(
        DEFAULT_CONTACT,
        min_length=1,
        description="Who readers of the spreadsheets can ask about the figures (the cover sheet prints it): "
        "a team's name and email address",
    )
    # QA records (docs/inputs.md): publication mode, baseline, risk levels.
    mode: Literal["working", "publication"] = Field(
        "working", description="working: providers named; publication: stable references, small counts suppressed"
    )
    suppress_below: int = Field(
        5, ge=2, le=100, description="In publication mode, counts of people from 1 to this - 1 are suppressed"
    )
    reference_key: str | None = Field(
        None, min_length=8, description="Secret key for provider references; default: the public project salt"
    )
    baseline_date: dt.date | None = Field(
        None,
        description="Date to compare ratings against (ratings_vs_baseline; change_since_baseline uses the last "
        "month end on or before it); default: the day before the period starts",
    )
    high_risk_from_level: int = Field(3, ge=1, le=4, description="Risk levels from this one up are 'high risk'")
    host_unit: Literal["locations", "providers"] = Field(
        "locations",
        description="Count commissioned_by_rating's in-area host row by location, or by provider as Haringey does",
    )
    oversight_forums: dict[int, str] = Field(
        default_factory=dict, description="Oversight forum per risk level 1-4; default: Coventry's Table One"
    )
    records_date_order: Literal["day-first", "month-first"] = Field(
        "day-first",
        description="How the council's own records write dates such as 01/04/2025: day-first (1 April, the "
        "default) or month-first (4 January, as a US-locale spreadsheet saves them)",
    )
    record_sheets: dict[RecordInput, str] = Field(
        default_factory=dict,
        description="The sheet to read in a council record's workbook, by input name (such as "
        "{commissioned_services: Sheet1}); default: the sheet named like the input, or the only sheet",
    )
    # Ratings history (docs/history.md).
    not_inspected_before: dt.date | None = Field(
        None,
        description="not_inspected_since lists locations not inspected since before this date; "
        "default: three years before the period start",
    )
    compare_ratings_from: dt.date | None = Field(
        None, description="key_question_ratings_at_dates: the earlier date; default: the day before the period start"
    )
    compare_ratings_to: dt.date | None = Field(
        None, description="key_question_ratings_at_dates: the later date; default: the period end"
    )
    # Benchmarks (docs/benchmarks.md); change_since_baseline also uses baseline_date.
    peer_group_name: str | None = Field(
        None,
        min_length=1,
        description="The peer group's name as the report gives it; needed with "
        "inputs.peer_group or options.peer_group_codes",
    )
    peer_group_codes: tuple[str, ...] = Field(
        (),
        description="The peer group's councils by ONS code or name, as `params new` accepts them (kept as ONS codes); "
        "or name a comparator list in inputs.peer_group",
    )
    trend_from: dt.date | None = Field(
        None, description="First month of the benchmark trend; default: the start of the previous period"
    )
    # Key messages and the watch list (docs/params.md).
    standard: Standard = Field(
        default=Standard(), description="The council's standard for the share rated Good or Outstanding"
    )
    inspection_overdue_months: int = Field(
        default=DEFAULT_INSPECTION_OVERDUE_MONTHS,
        ge=1,
        le=120,
        description="The watch list flags an inspection older than this many months at the period end",
    )
    # The council's own audits and the visit schedule (docs/inputs.md, "Audits"; docs/params.md).
    audits: AuditOptions = Field(default=AuditOptions(), description="The audit's scale, domains and CQC equivalents")
    visit_rules: VisitRules = Field(
        default=VisitRules(), description="When each commissioned service is next due a visit"
    )
    # The Word document (docs/outputs.md).
    reference_docx: Path | None = Field(
        default=None, description="The council's Word template (.docx) for report.docx; default: carequality's own"
    )
    include_inherited_ratings: bool = Field(
        True,
        description="Benchmarks count ratings inherited from a previous provider (default, as CQC publishes "
        "them); false: such locations count as not yet rated",
    )
    # Bounds on every date in the params file (docs/params.md, "Bounds").
    earliest_date: dt.date = Field(
        EARLIEST_DATE, description="The earliest date the params file may name; default 1990-01-01"
    )
    latest_date: dt.date | None = Field(
        None, description="The latest date the params file may name; default: one year after the day of the run"
    )

    @field_validator("earliest_date", "latest_date")
    @classmethod
    def _within_floor_and_ceiling(cls, v: dt.date | None) -> dt.date | None:
        if v is not None and not DATE_FLOOR <= v <= DATE_CEILING:
            raise ValueError(
                f"{v} is outside the dates a report can use; expected a date from {DATE_FLOOR} to {DATE_CEILING}"
            )
        return v

    @field_validator("location_types")
    @classmethod
    def _types_not_blank(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not t.strip() for t in v):
            raise ValueError("a blank location type; expected CQC 'Location Type' values such as Social Care Org")
        return tuple(t.strip() for t in v)

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
    #: The schema the file states (FIRST_SCHEMA when it states none). Set by parse_params; not in the manifest.
    schema_version: int = Field(default=SCHEMA_VERSION, exclude=True)
    #: Where the params file lives; input paths are relative to it. Set by load_params, not by the YAML.
    base_dir: Path = Field(default=Path("."), exclude=True)
    #: The params file itself (as given to load_params), for messages about a setting. Not from the YAML.
    source_file: str = Field(default="", exclude=True)

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is None:
            return v
        unknown = [s for s in v if s not in BY_NAME]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} not a section; expected some of {', '.join(SECTION_NAMES)}"
            )
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
            chosen = tuple(s.name for s in SECTIONS if not s.unmet(given) and not set(s.replaced_by) & given)
            object.__setattr__(self, "sections", chosen)
            return self
        problems = [f"section {s!r} needs {', '.join(unmet(s))}" for s in self.sections if unmet(s)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _example_data_says_so(self) -> ReportParams:
        """A report from the example's CQC file (data/example/) says its data are examples, whatever the council
        and whatever options.example_data says."""
        if self.inputs.cqc_ratings is not None and self.inputs.cqc_ratings.name == EXAMPLE_CQC_NAME:
            object.__setattr__(self.options, "example_data", True)
        return self

    @model_validator(mode="after")
    def _sheets_of_given_inputs(self) -> ReportParams:
        missing = [n for n in self.options.record_sheets if getattr(self.inputs, n) is None]
        if missing:
            raise ValueError(
                f"options.record_sheets names a sheet for {', '.join(missing)}, but inputs does not give "
                f"{'that file' if len(missing) == 1 else 'those files'}; expected a sheet only for a file given"
            )
        return self

    @model_validator(mode="after")
    def _dates_in_bounds(self) -> ReportParams:
        o = self.options
        earliest, latest = o.earliest_date, o.latest_date or default_latest_date()
        if latest < earliest:
            raise ValueError(
                f"options.latest_date {latest} is before options.earliest_date {earliest}; expected "
                "the earliest date first"
            )
        problems = []
        for name, d in (
            ("period.start", self.period.start),
            ("period.end", self.period.end),
            ("options.baseline_date", o.baseline_date),
            ("options.not_inspected_before", o.not_inspected_before),
            ("options.compare_ratings_from", o.compare_ratings_from),
            ("options.compare_ratings_to", o.compare_ratings_to),
            ("options.trend_from", o.trend_from),
        ):
            if d is not None and not earliest <= d <= latest:
                problems.append(
                    f"{name} {d} is outside the dates this report allows; expected a date from {earliest} "
                    f"to {latest} (set options.earliest_date or options.latest_date to change them)"
                )
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
            raise ValueError(
                f"options.baseline_date {b} is not before the period end {self.period.end}; "
                "expected an earlier date to compare ratings against"
            )
        return self

    @model_validator(mode="after")
    def _history_dates(self) -> ReportParams:
        o, problems = self.options, []
        if o.not_inspected_before is not None and o.not_inspected_before > self.period.end:
            problems.append(
                f"options.not_inspected_before {o.not_inspected_before} is after the period end "
                f"{self.period.end}; expected a date on or before it"
            )
        a, b = self.compare_ratings_dates
        if a >= b:
            problems.append(
                f"options.compare_ratings_from {a} is not before options.compare_ratings_to {b}; "
                "expected the earlier date first"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _peer_group(self) -> ReportParams:
        o, problems = self.options, []
        codes, unknown = [], []
        for given in o.peer_group_codes:  # an ONS code or a name, as `params new` accepts: kept as the code
            try:
                codes.append(find_council(given).ons_code)
            except KeyError:
                unknown.append(given.strip())
        if unknown:
            hints = [f" (did you mean {near!r}?)" if (near := closest_council_name(u)) else "" for u in unknown]
            problems.append(
                f"options.peer_group_codes: {', '.join(repr(u) + h for u, h in zip(unknown, hints))} not the ONS "
                "code or name of one of the 153 English councils with adult social care duties "
                "(see `carequality councils`)"
            )
        dups = sorted({c for c in codes if codes.count(c) > 1})
        if dups:
            problems.append(f"options.peer_group_codes: listed more than once: {', '.join(dups)}")
        if self.council.code in codes:
            problems.append(
                f"options.peer_group_codes: {self.council.code} is the council itself; expected its peers only"
            )
        if codes and self.inputs.peer_group is not None:
            problems.append("options.peer_group_codes and inputs.peer_group are both given; expected one of them")
        if (codes or self.inputs.peer_group is not None) and not o.peer_group_name:
            problems.append("options.peer_group_name: required with a peer group, so the report can say which was used")
        if o.peer_group_name and not codes and self.inputs.peer_group is None:
            problems.append(
                "options.peer_group_name is given but no peer group is: expected options.peer_group_codes "
                "or inputs.peer_group"
            )
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
        return (
            o.compare_ratings_from or self.period.start - dt.timedelta(days=1),
            o.compare_ratings_to or self.period.end,
        )

    def path(self, relative: Path) -> Path:
        """An input path resolved against the params file's folder."""
        # Lexical, not resolve(): a symlinked ../shared keeps the path the params file wrote.
        return Path(os.path.normpath(self.base_dir / relative))

    def input_paths(self) -> dict[str, Path]:
        return {name: self.path(p) for name, p in self.inputs if p is not None}

    @property
    def output_slug(self) -> tuple[str, str]:
        return self.council.council.slug, self.period.slug

    @property
    def baseline(self) -> dt.date:
        """The one baseline date every section compares with: options.baseline_date, or the day before the period
        starts (the end of the previous period), so 'the baseline' is one date wherever the report says it."""
        return self.options.baseline_date or self.period.previous.end

    def wants(self, section: str) -> bool:
        return self.sections is not None and section in self.sections


_TOP_LEVEL = ("council.", "period.", "inputs.", "options.", "sections", "title")


def _describe(err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind = err["type"]
    msg = err["msg"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key; check the spelling (allowed keys are in docs/params.md)"
    if kind == "missing":
        return f"{where}: required, but missing"
    if kind.startswith("date"):
        return f"{where}: {_shown(err.get('input'))} is not a date; expected YYYY-MM-DD"
    msg = msg.removeprefix("Value error, ")
    if not err["loc"] and msg.startswith(_TOP_LEVEL):
        return msg  # a check across fields: the message starts with the field it is about
    return f"{where}: {msg}"


def _split(problem: str) -> list[str]:
    """A check across fields may find several problems, joined by '; ': one line each (a part that does not start
    with a field is the end of the part before it)."""
    out: list[str] = []
    for part in problem.split("; "):
        if out and part.startswith(_TOP_LEVEL) and out[-1].startswith(_TOP_LEVEL):
            out.append(part)
        elif out:
            out[-1] += "; " + part
        else:
            out.append(part)
    return out


def _shown(value: object) -> str:
    """A value as a message quotes it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + f"… ({len(text):,} characters)"


class _ParamsLoader(yaml.SafeLoader):
    """YAML as the params file is read: a key given twice in one mapping is an error naming it and both lines,
    and a date YAML cannot build (2025-02-30, or year 0) stays text, so the schema names its field."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:  # the keys written here, before a merge (<<) adds its own
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                try:
                    key = self.construct_object(key_node, deep=True)
                    hash(key)
                except (TypeError, ValueError):
                    continue  # SafeLoader reports an unhashable key itself
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKeyError(key, seen[key], line)
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_ParamsLoader.add_constructor("tag:yaml.org,2002:timestamp", _ParamsLoader.construct_yaml_timestamp)


class _DuplicateKeyError(Exception):
    def __init__(self, key: object, first: int, second: int):
        self.key, self.first, self.second = key, first, second


def read_params_yaml(path: Path) -> object:
    """The params file's YAML, or ParamsError: not UTF-8 (naming the byte and line), not YAML, or a key twice."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ParamsError(
            path,
            [
                f"not UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start:,} (line {line}) is "
                "not valid UTF-8; save the file as UTF-8"
            ],
        ) from None
    return read_params_text(text, path)


def read_params_text(text: str, path: str | Path) -> object:
    """The YAML of a params file's text (read_params_yaml's checks after decoding)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ParamsError(path, [f"line {line} holds a NUL character; expected a YAML text file"])
    try:
        return yaml.load(text, Loader=_ParamsLoader)  # safe: _ParamsLoader is a SafeLoader
    except _DuplicateKeyError as e:
        raise ParamsError(
            path,
            [
                f"key {_shown(e.key)} is given twice in the same mapping, on line {e.first} and "
                f"line {e.second}; expected it once"
            ],
        ) from None
    except yaml.YAMLError as e:
        raise ParamsError(path, [f"not valid YAML: {e}"]) from None
    except RecursionError:
        raise ParamsError(
            path, ["nested too deeply to read; expected a mapping of keys such as council, period, inputs"]
        ) from None


def parse_params(data: object, *, source: str | Path, base_dir: Path) -> ReportParams:
    """Validate a params mapping and its input files; raise ParamsError listing every problem."""
    params = validate_params(data, source=source, base_dir=base_dir)
    return _check_files(params, source)


def validate_params(data: object, *, source: str | Path, base_dir: Path) -> ReportParams:
    """Validate a params mapping's form (its schema version, keys and values), not its files; raise ParamsError
    listing every problem."""
    if not isinstance(data, dict):
        raise ParamsError(source, ["(top level): expected a mapping of keys such as council, period, inputs"])
    version, problems = schema_version_of(data)
    if problems:
        raise ParamsError(source, problems)
    try:
        params = ReportParams.model_validate(
            {**data, "schema_version": version, "base_dir": base_dir, "source_file": str(source)}
        )
    except ValidationError as e:
        raise ParamsError(source, [p for err in e.errors() for p in _split(_describe(err))]) from None
    except RecursionError:
        raise ParamsError(
            source, ["(top level): nested too deeply; expected a mapping of keys such as council, period, inputs"]
        ) from None
    return params


def _check_files(params: ReportParams, source: str | Path) -> ReportParams:
    """Every input file and folder the params name exists; the commentary file reads."""
    problems = []
    for name, path in params.input_paths().items():
        if "\x00" in str(path):
            problems.append(
                f"inputs.{name}: {_shown(str(getattr(params.inputs, name)))} holds a NUL character; "
                "expected a file name"
            )
            continue
        try:
            found = path.is_dir() if name in FOLDER_INPUTS else path.is_file()
        except (OSError, ValueError) as e:  # a name too long …
            problems.append(
                f"inputs.{name}: {_shown(str(getattr(params.inputs, name)))} is not a usable path "
                f"({getattr(e, 'strerror', None) or e})"
            )
            continue
        if not found:
            what = "folder" if name in FOLDER_INPUTS else "file"
            problems.append(f"inputs.{name}: {what} not found: {path}")
    ref = params.options.reference_docx
    if ref is not None and not params.path(ref).is_file():
        problems.append(f"options.reference_docx: file not found: {params.path(ref)}")
    if problems:
        raise ParamsError(source, problems)
    if params.inputs.commentary is not None:
        path = params.path(params.inputs.commentary)
        _, bad = read_commentary(path, COMMENTARY_BLOCKS)
        if bad:
            raise ParamsError(path, bad)
    return params


def check_profile(profile: str) -> str:
    """A render profile (`carequality render --profile`): 'full' or 'summary'; ValueError naming the choices."""
    if profile not in PROFILES:
        raise ValueError(
            f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)} (default {DEFAULT_PROFILE})"
        )
    return profile


def load_params(path: str | Path) -> ReportParams:
    """Read and validate a params YAML file."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(path, ["params file not found"])
    data = read_params_yaml(path)
    return parse_params(data, source=path, base_dir=path.absolute().parent)


#: What the manifest and the report show in place of the secret key for provider references.
SECRET_SHOWN = "set (not shown)"


def params_for_manifest(params: ReportParams) -> dict:
    """Params as JSON-ready data with the paths exactly as written in the file (no absolute paths). The secret key for
    provider references is never written out: a reader holding it could join references to providers."""
    data = params.model_dump(mode="json")
    if data["options"].get("reference_key") is not None:
        data["options"]["reference_key"] = SECRET_SHOWN
    return data


__all__ = ["SCHEMA_VERSION", "ReportParams", "load_params", "parse_params", "slugify"]


#: The council's own records that name services it has concerns about (the risk register's cases and concerns,
#: the services it funds and their watch list, its visits and audits).
COUNCIL_RECORDS_WITH_CONCERNS = ("risk_register", "commissioned_services", "qa_visits", "audits")


def names_providers(params: ReportParams, profile: str) -> bool:
    """Whether a render names the services the council has concerns about and quotes its records: the analyst's
    full report in working mode, given any of the council's own records. Such a report is not for publication
    (present.publication.report_marking); the committee paper and a publication-mode report are safe to publish."""
    if profile == "summary" or params.options.mode == "publication":
        return False
    return any(getattr(params.inputs, name) is not None for name in COUNCIL_RECORDS_WITH_CONCERNS)
