"""Write the blank council record templates (CSV and XLSX) beside this script.

    .venv/bin/python templates/inputs/make_templates.py

The formats come from carequality.sources.council_records.FORMATS (and sources/audits.AUDITS, PAMMS's scale
and domains), so the templates always have the columns
the loaders expect. The XLSX files are byte-for-byte reproducible (fixed document dates); tests check that
the committed files equal what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from carequality.examples.files import write_csv, write_xlsx
from carequality.sources.audits import AUDITS
from carequality.sources.council_records import FORMATS

#: Rows below the header that get the XLSX drop-down lists (risk level, Y/N, visit type).
BLANK_ROWS = 1000


def write_templates(out: Path) -> list[Path]:
    paths = []
    for name, fmt in {**FORMATS, AUDITS.name: AUDITS}.items():
        paths.append(write_csv(out / f"{name}.csv", fmt))
        paths.append(write_xlsx(out / f"{name}.xlsx", fmt, blank_rows=BLANK_ROWS))
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for p in write_templates(out):
        print(p)
