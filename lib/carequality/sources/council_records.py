"""The council's own quality-assurance records: five small tables an analyst keeps in Excel.

- commissioned services: one row per CQC location the council funds people at (``commissioned_by_location``)
- risk register: one row per case per spell at a risk level (``risk_by_case_opened``)
- QA visits: one row per visit (``visits_by_location_date``)
- inspection themes: one row per issue found in a CQC inspection report (``issues_by_location_report``)
- theme offers: one row per theme, the support offered for it (``offers_by_theme``)

Each is read from CSV or XLSX (or ODS) with the column names of its `RecordFormat` below (the blank templates in
templates/inputs/ have them), matched ignoring capitals, spaces and underscores. Nothing is lost and nothing
taken silently: other columns are kept aside and blank rows set aside, each said in the file's `FileReport`
(`carequality check` prints it); dates are read one way (`sources.dates.DateReading`: day-first unless the
council says month-first); `-` or `N/A` in a cell that may be blank is blank. Anything else that is not as
described (a missing column, a cell that is not what its column expects, a duplicate) is an InputError naming
the file, row and column, and every one in every file is raised at once (CombinedInputError).
A location id that CQC's data does not know is *not* an error here: the model lists it in the report's
data-quality table (model.records.unknown_location_rows), with the nearest known id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from carequality.errors import CombinedInputError, InputError
from carequality.sources.dates import DateReading, read_record_dates
from carequality.sources.tabular import CELL_LIMIT, Sheet, read_sheet, shorten

#: A CQC location id of an adult social care service: "1-" and digits, e.g. 1-117886088.
LOCATION_ID = re.compile(r"^1-\d{4,14}$")
VISIT_TYPES: tuple[str, ...] = ("announced", "unannounced", "contract monitoring", "welfare check")
RISK_LEVELS: tuple[int, ...] = (1, 2, 3, 4)
_YES = {"y", "yes", "true"}
_NO = {"n", "no", "false"}
#: The largest whole number a count may be: nine digits (a count of people or visits is far smaller).
MAX_COUNT = 999_999_999
#: The largest amount of money: fifteen digits of pounds, the precision a spreadsheet keeps.
MAX_MONEY = 999_999_999_999_999
DQ_COLUMNS = ["file", "row", "location_id", "issue"]


@dataclass(frozen=True)
class Column:
    """One column of a council file: its name, what its cells must be, and whether it may be left out or blank."""

    name: str
    kind: str  # location_id | text | count | money | date | risk_level | yes_no | choice
    description: str
    example: str
    optional: bool = False  # the column may be left out of the file
    blank_ok: bool = False  # cells may be blank
    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        return {
            "location_id": "a CQC location id such as 1-117886088",
            "text": "text",
            "count": "a whole number, 0 or more",
            "money": "an amount in pounds, 0 or more, such as 125000 or £125,000.50",
            "date": "a date (a spreadsheet date, YYYY-MM-DD or DD/MM/YYYY)",
            "risk_level": "a risk level: 1, 2, 3 or 4",
            "yes_no": "Y or N",
            "choice": "one of: " + ", ".join(self.choices),
        }[self.kind] + ("" if self.blank_ok else " (required)")


@dataclass(frozen=True)
class RecordFormat:
    """A council file's layout: a name (also the template's file and sheet name) and its columns in order."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]

    @property
    def header_key(self) -> str:
        """The column whose name marks the header row."""
        return self.columns[0].name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


COMMISSIONED_SERVICES = RecordFormat(
    "commissioned_services",
    "Commissioned services",
    "One row per CQC-registered location where the council funds people, as at the end of the period.",
    (
        Column("location_id", "location_id", "CQC location id of the service", "1-117886088"),
        Column(
            "service_type",
            "text",
            "The council's own service type, spelt the same way on every row",
            "Care home (older people)",
        ),
        Column("funded_clients", "count", "People the council funds at the location at the end of the period", "12"),
        Column(
            "contract_type",
            "text",
            "How the council buys the service (framework, block, spot …)",
            "Framework",
            optional=True,
            blank_ok=True,
        ),
        Column(
            "annual_spend",
            "money",
            "The council's spend at the location in the period, in pounds",
            "350000",
            optional=True,
            blank_ok=True,
        ),
    ),
)

RISK_REGISTER = RecordFormat(
    "risk_register",
    "Risk register",
    "One row per case per spell at a risk level. When a case moves to another level, close its row on that date "
    "and add a row with the same case_ref, the new level and that date as opened.",
    (
        Column(
            "case_ref", "text", "The council's reference for the case; the same on every row of one case", "QA-2025-014"
        ),
        Column("location_id", "location_id", "CQC location id of the service the case is about", "1-117886088"),
        Column(
            "risk_level", "risk_level", "Level of concern, 1 (lowest) to 4 (highest), as in Coventry's Table One", "3"
        ),
        Column("opened", "date", "Date the case reached this level", "2025-06-02"),
        Column("closed", "date", "Date the case left this level (blank while it is at this level)", "", blank_ok=True),
        Column(
            "lead_authority",
            "text",
            "Council leading the intervention; blank means the council of the location's area",
            "Leeds",
            blank_ok=True,
        ),
        Column("funded_residents", "count", "People the council funds at the service", "6", blank_ok=True),
        Column(
            "concerns",
            "text",
            "Summary of the risk, written for the report",
            "Rated Requires improvement in Safe",
            blank_ok=True,
        ),
        Column(
            "actions",
            "text",
            "Actions taken and outcome, written for the report",
            "Improvement plan agreed",
            blank_ok=True,
        ),
        Column("placements_suspended", "yes_no", "Y while new placements are suspended, otherwise N", "Y"),
    ),
)

QA_VISITS = RecordFormat(
    "qa_visits",
    "Quality assurance visits",
    "One row per visit by the council's quality assurance team.",
    (
        Column("location_id", "location_id", "CQC location id of the service visited", "1-117886088"),
        Column("visit_date", "date", "Date of the visit", "2025-09-15"),
        Column("visit_type", "choice", "Kind of visit", "unannounced", choices=VISIT_TYPES),
        Column(
            "outcome",
            "text",
            "Outcome of the visit, in a few words used the same way on every row",
            "Improvement plan requested",
            blank_ok=True,
        ),
    ),
)

INSPECTION_THEMES = RecordFormat(
    "inspection_themes",
    "Inspection themes",
    "One row per issue found in a CQC inspection report, grouped under a theme.",
    (
        Column("location_id", "location_id", "CQC location id of the inspected service", "1-117886088"),
        Column("report_date", "date", "Publication date of the CQC report", "2025-03-12"),
        Column("theme", "text", "Theme the issue belongs to, spelt the same way on every row", "Medication"),
        Column("issue", "text", "The issue, in a few words", "PRN protocols missing"),
    ),
)

THEME_OFFERS = RecordFormat(
    "theme_offers",
    "Support offer by theme",
    "One row per theme: the training or support available to providers for it.",
    (
        Column("theme", "text", "A theme as spelt in the inspection themes file", "Medication"),
        Column(
            "offer",
            "text",
            "Training or support on offer; blank if none yet",
            "Medicines optimisation team",
            blank_ok=True,
        ),
    ),
)

FORMATS: dict[str, RecordFormat] = {
    f.name: f for f in (COMMISSIONED_SERVICES, RISK_REGISTER, QA_VISITS, INSPECTION_THEMES, THEME_OFFERS)
}


# ---- reading -------------------------------------------------------------------------------------------

#: What people write in an optional cell to mean "nothing here": read as blank (missing), never as a value.
MISSING_MARKS = frozenset({"-", "–", "—", "n/a", "na", "n.a.", "n/k", "none"})


def header_key(name: str) -> str:
    """A column name as matched: capitals, spaces and underscores ignored (`Location_ID` is `location_id`)."""
    return re.sub(r"[\s_]+", "", str(name)).casefold()


@dataclass
class FileReport:
    """What reading one council file did, for `carequality check`: rows read, rows set aside and why, notices."""

    path: Path
    rows_read: int = 0
    #: (spreadsheet row, why) of every row the report does not use
    set_aside: list[tuple[int, str]] = field(default_factory=list)
    #: what was read other than as written (columns kept aside, …), one sentence each
    notices: list[str] = field(default_factory=list)


def raise_all(errors: list[InputError]) -> None:
    """Raise the problems found, all at once (one InputError, or CombinedInputError of several); nothing when none."""
    flat = [e for err in errors for e in (err.errors if isinstance(err, CombinedInputError) else [err])]
    if len(flat) == 1:
        raise flat[0]
    if flat:
        raise CombinedInputError(flat)


def read_records(
    path: str | Path,
    fmt: RecordFormat,
    data_quality: list[dict] | None = None,
    *,
    reading: DateReading | None = None,
    sheet: str | None = None,
    report: FileReport | None = None,
) -> pd.DataFrame:
    """Read one council file into typed columns plus `row` (the spreadsheet row number), or raise InputError(s)
    naming every problem in the file at once.

    Headers match ignoring capitals, spaces and underscores; other columns are kept aside (a notice in `report`);
    blank rows are set aside. `reading`: how text dates are written (default day-first, two-digit years refused).
    `sheet`: the workbook's sheet to read (default: the one named like the format, or the only one).
    A cell longer than a spreadsheet cell holds is appended to `data_quality` (file, row, location_id, issue)."""
    path = Path(path)
    report = report if report is not None else FileReport(path)
    try:
        sheet_read = read_sheet(path, header_contains=fmt.header_key, sheet=sheet or fmt.name, match=header_key)
    except InputError as e:
        if e.message.startswith("no sheet named"):
            e.message += (
                f"; or name the sheet to read in the params file (options.record_sheets: {{{fmt.name}: NAME}})"
                if sheet is None
                else " (the sheet options.record_sheets names)"
            )
        raise
    errors, raw = _columns(sheet_read, fmt, report)
    errors += [
        InputError(path, f.message, row=f.row, column=None if f.kind == "unnamed_column" else f.column)
        for f in sheet_read.of_kind("unnamed_column", "error_value")
    ]
    raw = raw.reset_index(drop=True)
    rows = pd.Series(range(sheet_read.first_row, sheet_read.first_row + len(raw)), dtype="int64")
    blank = _blank_rows(raw)
    report.set_aside += [(int(r), "a blank row") for r in rows[blank]]
    raw, rows = raw.loc[~blank].reset_index(drop=True), rows.loc[~blank].reset_index(drop=True)
    report.rows_read = len(raw)
    out = pd.DataFrame(index=raw.index)
    for col in fmt.columns:
        if col.name not in raw.columns and not col.optional:
            continue  # named among the missing columns
        values = raw[col.name] if col.name in raw.columns else pd.Series([""] * len(raw), index=raw.index, dtype=object)
        out[col.name], found = _parse(values, col, path, rows, reading or DateReading())
        errors += found
    out["row"] = rows
    if errors:
        raise_all(errors)
    _long_cells(sheet_read, out, path, data_quality)
    return out


def _columns(sheet: Sheet, fmt: RecordFormat, report: FileReport) -> tuple[list[InputError], pd.DataFrame]:
    """The sheet's columns named as the format names them (matched ignoring capitals, spaces and underscores), other
    columns kept aside with a notice; the problems with the header (missing and repeated columns)."""
    path, raw = sheet.path, sheet.frame
    canonical = {header_key(c.name): c.name for c in fmt.columns}
    seen = list(raw.columns)
    names = [canonical.get(header_key(h), h) for h in seen]
    errors: list[InputError] = []
    dups = sorted({n for n in names if n in canonical.values() and names.count(n) > 1})
    for n in dups:
        written = [h for h, m in zip(seen, names) if m == n]
        letters = [sheet.letters.get(h, "?") for h in dict.fromkeys(written)]
        errors.append(
            InputError(
                path,
                f"column {n!r} appears more than once in the header ({', '.join(map(repr, written))}"
                f"{', columns ' + ' and '.join(letters) if len(letters) == len(written) else ''}); expected each once",
                row=sheet.first_row - 1,
            )
        )
    extra = [h for h, n in zip(seen, names) if n not in canonical.values()]
    for h in extra:
        report.notices.append(
            f"column {h!r} ({sheet.letters.get(h, '?')}) is not one the report reads: kept aside, not used"
        )
    missing = [c.name for c in fmt.columns if not c.optional and c.name not in names]
    if missing:
        others = f"; the file also has {', '.join(map(repr, extra))}, not read" if extra else ""
        errors.append(
            InputError(
                path,
                f"missing column(s) {', '.join(map(repr, missing))}; expected: "
                f"{', '.join(c.name for c in fmt.columns)}{others}",
                row=sheet.first_row - 1,
            )
        )
    raw = raw.set_axis(names, axis=1)
    keep = [j for j, n in enumerate(names) if n in canonical.values() and n not in dups]
    return errors, raw.iloc[:, keep]


def _blank_rows(raw: pd.DataFrame) -> pd.Series:
    if not len(raw):
        return pd.Series([], dtype=bool)
    return raw.apply(lambda r: all(v == "" or v is None for v in r), axis=1).astype(bool)


def _long_cells(sheet: Sheet, out: pd.DataFrame, path: Path, data_quality: list[dict] | None) -> None:
    """Cells longer than a spreadsheet cell holds: a data-quality row each (the cell is kept whole)."""
    if data_quality is None:
        return
    by_row = dict(zip(out["row"], out["location_id"])) if "location_id" in out.columns else {}
    for f in sheet.of_kind("long_text"):
        data_quality.append(
            {
                "file": path.name,
                "row": f.row,
                "location_id": str(by_row.get(f.row, "")),
                "issue": f"column {f.column!r} holds {len(f.value):,} characters, more than the "
                f"{CELL_LIMIT:,} a spreadsheet cell holds: cut in report.xlsx",
            }
        )


def _text(v: object) -> str:
    return "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)).strip()


def _parse(
    values: pd.Series, col: Column, path: Path, rows: pd.Series, reading: DateReading
) -> tuple[pd.Series, list[InputError]]:
    """A column's cells typed, and every cell that is not what the column expects."""
    errors: list[InputError] = []
    if col.kind == "date":
        cells = values.map(lambda v: v.strip() if isinstance(v, str) else ("" if v is None else v))
        if col.blank_ok:
            cells = cells.map(lambda v: "" if isinstance(v, str) and v.casefold() in MISSING_MARKS else v)
        else:
            for i in cells.map(lambda v: v == "").to_numpy().nonzero()[0]:
                errors.append(_fail(col, path, int(rows.iloc[i]), "blank cell"))
        parsed, found = read_record_dates(cells, list(rows), file=path, column=col.name, reading=reading)
        return parsed, errors + found
    out: list[object] = []
    for t, row in zip((_text(v) for v in values), rows):
        if t == "" or (col.blank_ok and t.casefold() in MISSING_MARKS):
            if not col.blank_ok:
                errors.append(_fail(col, path, int(row), "blank cell"))
            out.append(None)
            continue
        try:
            out.append(_cell(t, col))
        except ValueError as e:
            errors.append(_fail(col, path, int(row), str(e)))
            out.append(None)
    if col.kind in ("count", "risk_level"):
        return pd.Series(out, index=values.index, dtype="Int64"), errors
    if col.kind == "money":
        return pd.Series(out, index=values.index, dtype="Float64"), errors
    if col.kind == "yes_no":
        return pd.Series(out, index=values.index, dtype="boolean"), errors
    return pd.Series([o if o is not None else "" for o in out], index=values.index, dtype=object), errors


def _fail(col: Column, path: Path, row: int, what: str) -> InputError:
    return InputError(path, f"{what}; expected {col.expected}", row=row, column=col.name)


#: A whole number as people write it: 1234, 1,234, and either with a zero fraction (12.0, as Excel saves counts).
_WHOLE = re.compile(r"([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0+)?")


def _cell(t: str, col: Column) -> object:
    kind = col.kind
    if kind == "location_id":
        if not LOCATION_ID.match(t):
            raise ValueError(f"{shorten(t)!r} is not a CQC location id")
        return t
    if kind == "text":
        return t
    if kind in ("count", "risk_level"):
        m = _WHOLE.fullmatch(t)
        if m is None:
            raise ValueError(f"{shorten(t)!r} is not a whole number")
        digits = m[1].replace(",", "")
        if len(digits.lstrip("0")) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
            raise ValueError(f"{shorten(t)!r} is too large (more than {MAX_COUNT:,})")
        n = int(digits)
        if kind == "risk_level" and n not in RISK_LEVELS:
            raise ValueError(f"{shorten(t)!r} is not a risk level")
        return n
    if kind == "money":
        s = t.replace("£", "").replace(",", "").strip()
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", s):
            raise ValueError(f"{shorten(t)!r} is not an amount")
        if len(s.split(".")[0].lstrip("0")) > len(str(MAX_MONEY)):
            raise ValueError(f"{shorten(t)!r} is too large (more than £{MAX_MONEY:,})")
        return float(s)
    if kind == "yes_no":
        if t.casefold() in _YES:
            return True
        if t.casefold() in _NO:
            return False
        raise ValueError(f"{shorten(t)!r} is not Y or N")
    if kind == "choice":
        folded = {c.casefold(): c for c in col.choices}
        key = " ".join(t.split()).casefold()
        if key not in folded:
            raise ValueError(f"{shorten(t)!r} is not a known value")
        return folded[key]
    raise AssertionError(kind)


# ---- validators: one rule each, each with its own test -----------------------------------------------


def check_unique(frame: pd.DataFrame, keys: list[str], path: Path, what: str, *, column: str | None = None) -> None:
    """No two rows share `keys`. `column`: the file's column to name (default: the first key). Every repeat is
    named, with the row it repeats."""
    dup = frame.duplicated(keys, keep="first")
    firsts = frame.loc[~dup].set_index(keys)["row"] if dup.any() else None
    raise_all(
        [
            InputError(
                path,
                f"same {what} as row {int(firsts.loc[tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]])}; "
                f"expected one row per {what}",
                row=int(r["row"]),
                column=column or keys[0],
            )
            for _, r in frame.loc[dup].sort_values("row").iterrows()
        ]
        if firsts is not None
        else []
    )


def check_one_spelling(frame: pd.DataFrame, column: str, path: Path) -> None:
    """A word used in a column has one spelling: no two values differ only in capitals or spaces."""
    firsts: dict[str, tuple[str, int]] = {}
    errors = []
    for value, row in sorted(zip(frame[column], frame["row"]), key=lambda x: x[1]):
        if not value:
            continue
        key = " ".join(str(value).split()).casefold()
        if key in firsts and firsts[key][0] != value:
            errors.append(
                InputError(
                    path,
                    f"{shorten(value)!r} is spelt {shorten(firsts[key][0])!r} in row {firsts[key][1]}; "
                    "expected one spelling",
                    row=int(row),
                    column=column,
                )
            )
        firsts.setdefault(key, (value, int(row)))
    raise_all(errors)


def check_closed_after_opened(frame: pd.DataFrame, path: Path) -> None:
    """A risk spell closes on or after the day it opened."""
    bad = frame["closed"].notna() & (frame["closed"] < frame["opened"])
    raise_all(
        [
            InputError(
                path,
                f"closed {r.closed.date()} is before opened {r.opened.date()}; expected closed on or after opened",
                row=int(r.row),
                column="closed",
            )
            for r in frame.loc[bad].sort_values("row").itertuples()
        ]
    )


def check_case_has_one_location(frame: pd.DataFrame, path: Path) -> None:
    """Every row of a case is about the same location."""
    errors = []
    for case, rows in frame.groupby("case_ref", sort=True):
        rows = rows.sort_values("row")
        ids = list(dict.fromkeys(rows["location_id"]))
        first = int(rows["row"].iloc[0])
        for other in ids[1:]:
            bad = rows[rows["location_id"] == other].iloc[0]
            errors.append(
                InputError(
                    path,
                    f"case {case!r} is about {ids[0]} in row {first} but {other} here; expected one location per case",
                    row=int(bad.row),
                    column="location_id",
                )
            )
    raise_all(errors)


def check_spells_do_not_overlap(frame: pd.DataFrame, path: Path) -> None:
    """A case is at one level at a time: each spell opens on or after the previous one closed."""
    errors = []
    for case, rows in frame.groupby("case_ref", sort=True):
        rows = rows.sort_values(["opened", "row"], kind="stable")
        prev = None
        for r in rows.itertuples():
            if prev is not None and (pd.isna(prev.closed) or r.opened < prev.closed):
                until = "is still open" if pd.isna(prev.closed) else f"runs to {prev.closed.date()}"
                errors.append(
                    InputError(
                        path,
                        f"case {case!r} opens at level {r.risk_level} on {r.opened.date()} while its row {prev.row} "
                        f"(level {prev.risk_level}) {until}; expected one level at a time: close the earlier row on "
                        "the day the level changed",
                        row=int(r.row),
                        column="opened",
                    )
                )
            prev = r
    raise_all(errors)


# ---- loaders -------------------------------------------------------------------------------------------
# Each takes the file, the list data-quality rows go to, and how to read it (`reading`: dates; `sheet`: the
# workbook's sheet; `report`: what reading did, for `check`).


class Loader(Protocol):
    """What every council-file loader takes: the file, the list data-quality rows go to, and how to read it."""

    def __call__(
        self,
        path: str | Path,
        data_quality: list[dict] | None = None,
        *,
        reading: DateReading | None = None,
        sheet: str | None = None,
        report: FileReport | None = None,
    ) -> pd.DataFrame: ...


def _loader(
    name: str, fmt: RecordFormat, rules: Callable[[pd.DataFrame, Path], None], order: list[str], doc: str
) -> Loader:
    """A loader that reads `fmt`'s file, applies `rules` (frame, path) and returns the rows sorted by `order`."""

    def load(
        path: str | Path,
        data_quality: list[dict] | None = None,
        *,
        reading: DateReading | None = None,
        sheet: str | None = None,
        report: FileReport | None = None,
    ) -> pd.DataFrame:
        path = Path(path)
        frame = read_records(path, fmt, data_quality, reading=reading, sheet=sheet, report=report)
        rules(frame, path)
        return frame.sort_values(order, kind="stable").reset_index(drop=True)

    load.__name__ = load.__qualname__ = name
    load.__doc__ = doc
    return load


def _theme_offer_rules(frame: pd.DataFrame, path: Path) -> None:
    # themes match ignoring capitals and spaces
    keyed = frame.assign(theme_key=frame["theme"].map(theme_key))
    _all_rules(lambda: check_unique(keyed, ["theme_key"], path, "theme", column="theme"))


load_commissioned_services = _loader(
    "load_commissioned_services",
    COMMISSIONED_SERVICES,
    lambda frame, path: _all_rules(
        lambda: check_unique(frame, ["location_id"], path, "location"),
        lambda: check_one_spelling(frame, "service_type", path),
        lambda: check_one_spelling(frame, "contract_type", path),
    ),
    ["location_id"],
    "commissioned_by_location: location_id, service_type, funded_clients, contract_type, annual_spend, row.",
)
load_risk_register = _loader(
    "load_risk_register",
    RISK_REGISTER,
    lambda frame, path: _all_rules(
        lambda: check_closed_after_opened(frame, path),
        lambda: check_case_has_one_location(frame, path),
        lambda: check_spells_do_not_overlap(frame, path),
    ),
    ["case_ref", "opened", "row"],
    "risk_by_case_opened: one row per case × spell at a level.",
)
load_qa_visits = _loader(
    "load_qa_visits",
    QA_VISITS,
    lambda frame, path: _all_rules(
        lambda: check_unique(frame, ["location_id", "visit_date", "visit_type"], path, "location, date and visit type"),
        lambda: check_one_spelling(frame, "outcome", path),
    ),
    ["visit_date", "location_id", "visit_type"],
    "visits_by_location_date: location_id, visit_date, visit_type, outcome, row.",
)
load_inspection_themes = _loader(
    "load_inspection_themes",
    INSPECTION_THEMES,
    lambda frame, path: _all_rules(
        lambda: check_one_spelling(frame, "theme", path),
        lambda: check_unique(frame, ["location_id", "report_date", "theme", "issue"], path, "issue in one report"),
    ),
    ["location_id", "report_date", "theme", "row"],
    "issues_by_location_report: location_id, report_date, theme, issue, row (one row per issue).",
)
load_theme_offers = _loader(
    "load_theme_offers", THEME_OFFERS, _theme_offer_rules, ["theme"], "offers_by_theme: theme, offer, row."
)


def _all_rules(*rules: Callable[[], None]) -> None:
    """Run every rule, then raise every problem they found."""
    errors = []
    for rule in rules:
        try:
            rule()
        except InputError as e:
            errors.append(e)
    raise_all(errors)


def theme_key(theme: str) -> str:
    """Themes match across files ignoring capitals and spaces."""
    return " ".join(str(theme).split()).casefold()


@dataclass
class CouncilRecords:
    """The council files named in params, loaded; None where a file was not given."""

    commissioned_by_location: pd.DataFrame | None = None
    commissioned_previous_by_location: pd.DataFrame | None = None
    risk_by_case_opened: pd.DataFrame | None = None
    visits_by_location_date: pd.DataFrame | None = None
    issues_by_location_report: pd.DataFrame | None = None
    offers_by_theme: pd.DataFrame | None = None
    #: the council's own audits (sources/audits.py), loaded by model/records.py with the council's scale and domains
    audits_by_location_date: pd.DataFrame | None = None
    #: input name → path, for every file loaded
    files: dict[str, Path] = field(default_factory=dict)
    #: What the files hold that the report must list (cells longer than a spreadsheet cell): file, row,
    #: location_id, issue.
    data_quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DQ_COLUMNS))
    #: input name → what reading its file did (rows read, set aside, columns kept aside), for `check`
    reports: dict[str, FileReport] = field(default_factory=dict)


#: Params input name → (CouncilRecords attribute, loader)
LOADERS = {
    "commissioned_services": ("commissioned_by_location", load_commissioned_services),
    "commissioned_services_previous": ("commissioned_previous_by_location", load_commissioned_services),
    "risk_register": ("risk_by_case_opened", load_risk_register),
    "qa_visits": ("visits_by_location_date", load_qa_visits),
    "inspection_themes": ("issues_by_location_report", load_inspection_themes),
    "theme_offers": ("offers_by_theme", load_theme_offers),
}


def load_council_records(
    paths: dict[str, Path], *, reading: DateReading | None = None, sheets: dict[str, str] | None = None
) -> CouncilRecords:
    """Load every council file in `paths` (params input name → resolved path); ignore other inputs.

    Every file is read even when one is refused, and every problem in them is raised at once (CombinedInputError).
    `reading`: how the files write dates; `sheets`: input name → the workbook's sheet to read."""
    records = CouncilRecords()
    dq: list[dict] = []
    errors: list[InputError] = []
    for name, (attr, loader) in LOADERS.items():
        if name not in paths:
            continue
        report = records.reports[name] = FileReport(paths[name])
        try:
            setattr(
                records, attr, loader(paths[name], dq, reading=reading, sheet=(sheets or {}).get(name), report=report)
            )
        except InputError as e:
            errors.append(e)
        records.files[name] = paths[name]
    raise_all(errors)
    records.data_quality = pd.DataFrame(dq, columns=DQ_COLUMNS)
    return records


def as_of(records: CouncilRecords, name: str, period_end, previous_end) -> str | None:
    """What date a loaded file describes, for the method note: the period end for commissioned services (as the
    format defines them), otherwise the latest date in the file; None when it has none."""
    if name == "commissioned_services":
        return pd.Timestamp(period_end).date().isoformat()
    if name == "commissioned_services_previous":
        return pd.Timestamp(previous_end).date().isoformat()
    frame = getattr(records, LOADERS[name][0])
    dates = [frame[c.name] for c in FORMATS[FILE_FORMAT[name]].columns if c.kind == "date"]
    latest = max((d.max() for d in dates if d.notna().any()), default=None)
    return None if latest is None else latest.date().isoformat()


#: Params input name → the format of its file.
FILE_FORMAT = {
    "commissioned_services": "commissioned_services",
    "commissioned_services_previous": "commissioned_services",
    "risk_register": "risk_register",
    "qa_visits": "qa_visits",
    "inspection_themes": "inspection_themes",
    "theme_offers": "theme_offers",
}
