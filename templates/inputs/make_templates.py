"""Write the blank council record templates (CSV and XLSX) beside this script.

    .venv/bin/python templates/inputs/make_templates.py

The formats come from carequality.sources.council_records.FORMATS (and sources/audits.AUDITS, PAMMS's scale
and domains), so the templates always have the columns the loaders expect; `carequality init` writes the same files
into a council's project (carequality.project). The XLSX files are byte-for-byte reproducible (fixed document dates);
tests check that
the committed files equal what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from carequality.project import write_record_templates as write_templates


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for p in write_templates(out):
        print(p)
