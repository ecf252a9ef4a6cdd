"""The one params schema: a YAML file per council per reporting period, validated before anything runs.

Paths inside a params file are relative to the params file. `load_params` resolves them, checks the
files exist, and raises ParamsError listing every problem with the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .councils import Council, council_by_code, slugify
from .errors import ParamsError

#: Report sections in report order, each with the inputs (fields of `Inputs`) it needs.
#: A params file lists the sections it wants; by default, every section whose inputs are given.
SECTION_INPUTS: dict[str, tuple[str, ...]] = {
    "market_overview": ("cqc_ratings",),
    "ratings_overview": ("cqc_ratings",),
    "key_question_ratings": ("cqc_ratings",),
    "location_ratings_appendix": ("cqc_ratings",),
}
SECTIONS: tuple[str, ...] = tuple(SECTION_INPUTS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CouncilParams(_Strict):
    code: Annotated[str, Field(description="ONS code of the council, e.g. E10000019")]
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
            council_by_code(v)
        except KeyError:
            raise ValueError(
                f"{v!r} is not the ONS code of one of the 153 English councils with adult social care duties "
                "(expected E06…, E08…, E09… or E10…; see `carequality councils`)"
            ) from None
        return v

    @model_validator(mode="after")
    def _name_matches(self) -> CouncilParams:
        c = council_by_code(self.code)
        names = {n.casefold() for n in (c.name, c.short_name, *c.aliases)}
        if self.name.strip().casefold() not in names:
            raise ValueError(f"name {self.name!r} does not match ONS code {self.code} ({c.name})")
        return self

    @property
    def council(self) -> Council:
        return council_by_code(self.code)


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
        """The period of the same length just before this one."""
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - length, end=end)


class Inputs(_Strict):
    cqc_ratings: Path = Field(description="CQC 'Care directory with ratings' file (CSV, XLSX or ODS)")


class Options(_Strict):
    location_types: tuple[str, ...] = ("Social Care Org",)
    example_data: bool = Field(False, description="Say on the report that the data are generated examples")
    protective_marking: str = "OFFICIAL"


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
        unknown = [s for s in v if s not in SECTION_INPUTS]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))} not a section; expected some of {', '.join(SECTIONS)}")
        dups = sorted({s for s in v if v.count(s) > 1})
        if dups:
            raise ValueError(f"listed more than once: {', '.join(dups)}")
        return v

    @model_validator(mode="after")
    def _sections_have_inputs(self) -> ReportParams:
        given = {name for name, p in self.inputs if p is not None}
        if self.sections is None:
            chosen = tuple(s for s, needs in SECTION_INPUTS.items() if set(needs) <= given)
            object.__setattr__(self, "sections", chosen)
            return self
        problems = [
            f"section {s!r} needs inputs.{', inputs.'.join(sorted(set(SECTION_INPUTS[s]) - given))}"
            for s in self.sections
            if not set(SECTION_INPUTS[s]) <= given
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def path(self, relative: Path) -> Path:
        """An input path resolved against the params file's folder."""
        return (self.base_dir / relative).resolve()

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
        if not path.is_file():
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
    return parse_params(data, source=path, base_dir=path.resolve().parent)


def params_for_manifest(params: ReportParams) -> dict:
    """Params as JSON-ready data with the paths exactly as written in the file (no absolute paths)."""
    return params.model_dump(mode="json")


__all__ = ["ReportParams", "load_params", "parse_params", "SECTIONS", "slugify"]
