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
from carequality.params import Period, ReportParams, parse_params
from carequality.run.atomic import write_atomic


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


def params_text(council: Council, period: Period, cqc_relative: str, *, title: str | None = None) -> str:
    data = {
        "council": {"code": council.ons_code, "name": council.name},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        **({"title": title} if title else {}),
        "inputs": {"cqc_ratings": cqc_relative},
    }
    head = (
        f"# {council.name} ({council.ons_code}), {period.start.isoformat()} to {period.end.isoformat()}.\n"
        "# Written by `carequality params new`; paths are relative to this file. See docs/params.md for every key.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    # yaml quotes ISO dates written as strings; unquoted they read back as dates, as in hand-written files.
    for d in (period.start.isoformat(), period.end.isoformat()):
        body = body.replace(f"'{d}'", d)
    return head + body


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
