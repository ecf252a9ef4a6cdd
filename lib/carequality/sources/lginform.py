"""External benchmark series exported from LG Inform (or laid out the same way).

Columns: area_code, area_name, period, indicator, measure, unit, value. One row per area × period × indicator,
for example Trafford's export of the LG Inform metric "Percentage of care homes rated overall as good or
outstanding" (England, Trafford and its peers, monthly). Periods are months written as LG Inform writes them
("Nov 2023"), in full ("November 2023") or as YYYY-MM. A value LG Inform leaves blank or suppresses ("", "-",
"..", ":", "[x]") is kept as missing, never as zero, and counted in `missing`.

These figures are computed by others from CQC's data and are shown as external, beside this report's own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carequality.councils import council_by_code
from carequality.errors import InputError
from carequality.sources.dates import MONTH_NAMES
from carequality.sources.provenance import sha256_of
from carequality.sources.tabular import read_sheet, shorten

COLUMNS = ("area_code", "area_name", "period", "indicator", "measure", "unit", "value")
SUPPRESSED = {"", "-", "..", ":", "[x]", "[c]", "n/a", "na"}
_GSS = re.compile(r"^[EWSNK]\d{8}$")
_MONTHS = {m[:3]: i for i, m in enumerate(MONTH_NAMES, start=1)}
_MON_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_YEAR_MON = re.compile(r"^(\d{4})-(\d{2})$")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass
class ExternalSeries:
    """An LG Inform-style export as a tidy frame: area_code, area_name, month ('YYYY-MM'), period (as written),
    indicator, measure, unit, value (float, NaN when the export gives none), row (the file's row number)."""

    path: Path
    sha256: str
    frame: pd.DataFrame

    @property
    def indicators(self) -> list[str]:
        return list(dict.fromkeys(self.frame["indicator"]))

    @property
    def missing(self) -> int:
        return int(self.frame["value"].isna().sum())

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The first day of the latest month in the export."""
        if self.frame.empty:
            return None
        return pd.Period(self.frame["month"].max(), freq="M").start_time


def parse_month(text: str) -> str | None:
    """'Nov 2023', 'November 2023' or '2023-11' → '2023-11'; None when the text is not a month."""
    text = " ".join(text.split())
    m = _MON_YEAR.match(text)
    if m:
        word = m[1].lower()
        month = _MONTHS.get(word[:3]) if len(word) == 3 or word in _FULL else None
        return f"{int(m[2]):04d}-{month:02d}" if month else None
    m = _YEAR_MON.match(text)
    if m and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{m[2]}"
    return None


_FULL = {*MONTH_NAMES, "sept"}


def load_lginform_csv(path: str | Path) -> ExternalSeries:
    """Read and check an LG Inform-style export; raise InputError naming file, row and column on bad input."""
    path = Path(path)
    sheet = read_sheet(path, header_contains="area_code")
    raw = sheet.frame
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            path,
            f"missing column(s) {', '.join(missing)}; expected an LG Inform-style export with "
            f"columns {', '.join(COLUMNS)}",
        )
    if raw.empty:
        raise InputError(path, "the file has a header but no data rows")
    sheet.raise_duplicates(COLUMNS)
    sheet.raise_first("unnamed_column", "error_value", "long_text", columns=COLUMNS)
    rows = []
    seen: dict[tuple[str, str, str], int] = {}
    names: dict[str, tuple[str, int]] = {}
    for i, r in enumerate(raw[list(COLUMNS)].to_dict("records")):
        row = sheet.row_number(i)
        code = str(r["area_code"]).strip().upper()
        if not _GSS.match(code):
            raise InputError(
                path,
                f"{shorten(code)!r} is not an ONS area code; expected a code such as E08000009",
                row=row,
                column="area_code",
            )
        name = str(r["area_name"]).strip()
        if not name:
            raise InputError(path, "blank area name; expected the area's name", row=row, column="area_name")
        try:
            council = council_by_code(code)
        except KeyError:
            council = None
        if council is not None:
            known = {n.casefold() for n in (council.name, council.short_name, *council.aliases)}
            if name.casefold() not in known:
                raise InputError(
                    path,
                    f"area name {shorten(name)!r} does not match area code {code} ({council.name})",
                    row=row,
                    column="area_name",
                )
        if code in names and names[code][0] != name:
            raise InputError(
                path,
                f"area {code} is named {shorten(name)!r} here but {shorten(names[code][0])!r} on row {names[code][1]}",
                row=row,
                column="area_name",
            )
        names.setdefault(code, (name, row))
        period = str(r["period"]).strip()
        month = parse_month(period)
        if month is None:
            raise InputError(
                path,
                f"{shorten(period)!r} is not a month; expected a month such as 'Nov 2023', 'November 2023' or 2023-11",
                row=row,
                column="period",
            )
        indicator = str(r["indicator"]).strip()
        if not indicator:
            raise InputError(path, "blank indicator; expected the metric's name", row=row, column="indicator")
        text = str(r["value"]).strip()
        value: float | None
        if text.lower() in SUPPRESSED:
            value = float("nan")
        else:
            try:
                value = float(text.replace(",", "")) if _NUMBER.fullmatch(text.replace(",", "")) else None
            except ValueError:
                value = None
            if value is None or not math.isfinite(value):
                raise InputError(
                    path,
                    f"{shorten(text)!r} is not a number; expected a number, or blank when LG Inform gives no value",
                    row=row,
                    column="value",
                ) from None
        unit, measure = str(r["unit"]).strip(), str(r["measure"]).strip()
        assert value is not None
        if measure.casefold() == "percentage" and value == value and not 0 <= value <= 100:
            raise InputError(
                path, f"{text} is not a percentage; expected a value from 0 to 100", row=row, column="value"
            )
        key = (code, month, indicator)
        if key in seen:
            raise InputError(
                path,
                f"{shorten(name)} {shorten(period)} {shorten(indicator)!r} is also on row {seen[key]}; expected one value "
                "per area, period and indicator",
                row=row,
                column="period",
            )
        seen[key] = row
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "month": month,
                "period": period,
                "indicator": indicator,
                "measure": measure,
                "unit": unit,
                "value": value,
                "row": row,
            }
        )
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype("float64")
    frame = frame.sort_values(["indicator", "area_code", "month"], kind="stable").reset_index(drop=True)
    return ExternalSeries(path=path, sha256=sha256_of(path), frame=frame)
