"""Build lib/carequality/resources/councils.csv from the ONS and mySociety lookups in ../shared/data.

Run: python scripts/build_councils.py [SHARED_DATA_DIR]
The output is committed; tests/test_councils.py checks it against the lookups whenever they are present.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "carequality" / "resources" / "councils.csv"

#: mySociety's table puts these two county councils in the wrong ONS region;
#: CQC's own files ("Location Region") and ONS place both in the East Midlands.
REGION_CORRECTIONS = {"E10000007": "East Midlands", "E10000019": "East Midlands"}


def build(shared_data: Path) -> list[dict[str, str]]:
    la = shared_data / "reference" / "la_codes"
    with open(la / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv", encoding="utf-8-sig", newline="") as f:
        utla = {r["UTLA23CD"]: r["UTLA23NM"] for r in csv.DictReader(f) if r["UTLA23CD"].startswith("E")}
    with open(la / "mysociety_uk_local_authorities.csv", encoding="utf-8-sig", newline="") as f:
        society = {r["gss-code"]: r for r in csv.DictReader(f)}
    with open(la / "mysociety_lookup_name_to_registry.csv", encoding="utf-8-sig", newline="") as f:
        names_by_registry: dict[str, set[str]] = {}
        for r in csv.DictReader(f):
            names_by_registry.setdefault(r["local-authority-code"], set()).add(r["la-name"].strip())
    rows = []
    for code in sorted(utla):
        s = society[code]
        # Names are matched without regard to case, so keep one spelling of each.
        aliases: dict[str, str] = {}
        for a in [utla[code], s["official-name"], s["nice-name"], *sorted(names_by_registry.get(s["local-authority-code"], ()))]:
            aliases.setdefault(a.casefold(), a)
        rows.append(
            {
                "ons_code": code,
                "name": utla[code],
                "short_name": s["nice-name"],
                "region": REGION_CORRECTIONS.get(code, s["region"]),
                "aliases": ";".join(sorted(aliases.values(), key=str.casefold)),
            }
        )
    return rows


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    rows = build(shared)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} councils to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
