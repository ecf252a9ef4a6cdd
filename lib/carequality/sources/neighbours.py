"""Comparator lists: a CSV naming a council's peer group by ONS code, one council a row.

The layout of the lists in ../shared/data/reference/neighbours/ (CIPFA nearest neighbours, NHS England's adult
social care near-neighbour peer group): a column of ONS codes (`area_code`; `ons_code`, `gss_code`, `gss-code`
or `code` also work) and optionally the council's name (`area_name` or `name`), which must then match the code.
Every code must be one of the 153 councils with adult social care duties.
"""

from __future__ import annotations

from pathlib import Path

from carequality.councils import council_by_code
from carequality.errors import InputError
from carequality.sources.tabular import read_sheet, shorten

CODE_COLUMNS = ("area_code", "ons_code", "gss_code", "gss-code", "code")
NAME_COLUMNS = ("area_name", "name")


def load_comparator_list(path: str | Path) -> tuple[str, ...]:
    """ONS codes of the councils a comparator list names, in file order. InputError on bad input."""
    path = Path(path)
    sheet = None
    for col in CODE_COLUMNS:
        try:
            sheet = read_sheet(path, header_contains=col)
            break
        except InputError as e:
            if "no header row" not in e.message:
                raise
    if sheet is None:
        raise InputError(
            path,
            f"no column of ONS codes; expected a header with one of {', '.join(CODE_COLUMNS)} "
            "(and optionally area_name)",
        )
    frame = sheet.frame
    code_col = next(c for c in CODE_COLUMNS if c in frame.columns)
    name_col = next((c for c in NAME_COLUMNS if c in frame.columns), None)
    if frame.empty:
        raise InputError(path, "the comparator list has a header but names no councils")
    read = [c for c in (code_col, name_col) if c is not None]
    sheet.raise_duplicates(read)
    sheet.raise_first("unnamed_column", "error_value", "long_text", columns=read)
    codes: list[str] = []
    rows: dict[str, int] = {}
    for i, r in enumerate(frame.to_dict("records")):
        row = sheet.row_number(i)
        code = str(r[code_col]).strip().upper()
        try:
            council = council_by_code(code)
        except KeyError:
            raise InputError(
                path,
                f"{shorten(code)!r} is not the ONS code of one of the 153 English councils with adult "
                "social care duties (E06…, E08…, E09… or E10…)",
                row=row,
                column=code_col,
            ) from None
        if name_col is not None:
            name = str(r[name_col]).strip()
            known = {n.casefold() for n in (council.name, council.short_name, *council.aliases)}
            if name and name.casefold() not in known:
                raise InputError(
                    path,
                    f"name {shorten(name)!r} does not match ONS code {code} ({council.name})",
                    row=row,
                    column=name_col,
                )
        if code in rows:
            raise InputError(
                path,
                f"{council.name} ({code}) is also on row {rows[code]}; expected each council once",
                row=row,
                column=code_col,
            )
        rows[code] = row
        codes.append(code)
    return tuple(codes)
