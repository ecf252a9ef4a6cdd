"""`carequality params new`: write a valid params file for any of the 153 councils.

The file names the council by ONS code and name, the period, and the CQC ratings file by a path relative
to the new params file (as every params file does). It is validated with the same schema as any other
before it is written, and written atomically; an existing file is not overwritten unless asked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from carequality.councils import Council, all_councils, find_council
from carequality.errors import ParamsError
from carequality.params import (
    EXAMPLE_CQC_NAME,
    FOLDER_INPUTS,
    SCHEMA_VERSION,
    Inputs,
    Period,
    ReportParams,
    parse_params,
)
from carequality.run.atomic import write_atomic
from carequality.run.upgrade import VERSION_COMMENT


class ScaffoldError(ValueError):
    """Arguments that cannot make a params file; the message says what to give instead."""


def council_from_arg(text: str) -> Council:
    try:
        return find_council(text)
    except KeyError:
        names = [c.name for c in all_councils()] + [c.ons_code for c in all_councils()]
        close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "; see `carequality councils`"
        raise ScaffoldError(f"--council {text!r} is not one of the 153 councils (ONS code or name){hint}") from None


def period_from_arg(text: str) -> Period:
    start, sep, end = text.partition(":")
    if not sep:
        raise ScaffoldError(
            f"--period {text!r}: expected START:END as YYYY-MM-DD:YYYY-MM-DD, e.g. 2025-04-01:2026-03-31"
        )
    try:
        start_date, end_date = dt.date.fromisoformat(start.strip()), dt.date.fromisoformat(end.strip())
    except ValueError as e:
        raise ScaffoldError(f"--period {text!r}: {e}; expected YYYY-MM-DD:YYYY-MM-DD") from None
    try:
        return Period(start=start_date, end=end_date)
    except ValidationError as e:
        raise ScaffoldError(f"--period {text!r}: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None


def period_label(period: Period) -> str:
    """'2025-26' for a year starting on any day; otherwise the period's slug."""
    start, end = period.start, period.end
    try:
        year_on = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        year_on = start.replace(year=start.year + 1, day=28)
    if end == year_on - dt.timedelta(days=1):
        return f"{start.year}-{end.year % 100:02d}"
    return period.slug


def default_path(council: Council, period: Period, root: Path = Path("params")) -> Path:
    return root / council.slug / f"{period_label(period)}.yaml"


def stub_path(name: str, records: str) -> str:
    """Where a stub suggests an input goes: `records` + the input's name (a folder for folder inputs)."""
    if name in FOLDER_INPUTS:
        return f"{records}{name}/"
    if name in ("commentary",):
        return f"{records}commentary.md"
    if name in ("area_ratings_by_month", "external_benchmark", "peer_group"):
        return f"{records}{name}.csv"
    return f"{records}{name}.xlsx"


def input_stubs(given: set[str], records: str) -> str:
    """Commented lines, one per input not given, each with its suggested path and what it holds: a council
    uncomments the ones it has (docs/params.md lists them all)."""
    lines = ["  # Inputs a council may add (paths relative to this file): remove the # from those you have."]
    for name, field in Inputs.model_fields.items():
        if name not in given:
            lines.append(f"  # {name}: {stub_path(name, records)}  # {field.description}")
    return "\n".join(lines) + "\n"


def params_text(
    council: Council,
    period: Period,
    cqc_relative: str,
    *,
    title: str | None = None,
    records: str | None = None,
    example: bool | None = None,
    written_by: str = "carequality params new",
    more_inputs: dict[str, str] | None = None,
) -> str:
    """A params file's text: the schema version, council, period and CQC file, then a commented stub for every
    other input (suggested under `records`), and example_data set when the CQC file is the example's."""
    inputs = {"cqc_ratings": cqc_relative, **(more_inputs or {})}
    data: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "council": {"code": council.ons_code, "name": council.name},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        **({"title": title} if title else {}),
        "inputs": inputs,
    }
    if example if example is not None else Path(cqc_relative).name == EXAMPLE_CQC_NAME:
        data["options"] = {"example_data": True}
    head = (
        f"# {council.name} ({council.ons_code}), {period.start.isoformat()} to {period.end.isoformat()}.\n"
        f"# Written by `{written_by}`; paths are relative to this file. See docs/params.md for every key.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    # yaml quotes ISO dates written as strings; unquoted they read back as dates, as in hand-written files.
    for d in (period.start.isoformat(), period.end.isoformat()):
        body = body.replace(f"'{d}'", d)
    body = body.replace(
        f"schema_version: {SCHEMA_VERSION}\n", f"schema_version: {SCHEMA_VERSION}  # {VERSION_COMMENT}\n", 1
    )
    if records is None:
        records = f"../../data/{council.slug}/"
    given = set(inputs)
    last = list(inputs)[-1]
    line = f"  {last}: {yaml.safe_dump(inputs[last], default_style=None).splitlines()[0]}\n"
    if line not in body:  # the path needed quoting over several lines: no stubs rather than a broken file
        return head + body
    return head + body.replace(line, line + input_stubs(given, records), 1)


def new_params(
    council: str,
    period: str,
    cqc: str | Path,
    out: str | Path | None = None,
    *,
    force: bool = False,
    title: str | None = None,
) -> tuple[Path, ReportParams]:
    """Write a params file; return its path and the validated params. Raise ScaffoldError or ParamsError."""
    c = council_from_arg(council)
    p = period_from_arg(period)
    cqc = Path(cqc)
    if not cqc.is_file():
        raise ScaffoldError(f"--cqc {str(cqc)!r}: file not found; expected CQC's 'Care directory with ratings' file")
    out = Path(out) if out is not None else default_path(c, p)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise ScaffoldError(f"--out {str(out)!r}: expected a .yaml file")
    if out.exists() and not force:
        raise ScaffoldError(f"{out} already exists; give --force to replace it, or another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    relative = Path(os.path.relpath(cqc.resolve(), out.parent.resolve())).as_posix()
    text = params_text(c, p, relative, title=title)
    params = parse_params(
        yaml.safe_load(text), source=out, base_dir=out.parent.resolve()
    )  # never write an invalid file
    write_atomic(out, text)
    return out, params


__all__ = ["ParamsError", "ScaffoldError", "default_path", "new_params", "period_label"]
