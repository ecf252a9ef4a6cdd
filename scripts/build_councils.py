"""Build lib/carequality/resources/councils.csv from the ONS and mySociety lookups in ../shared/data.

Run: python scripts/build_councils.py [SHARED_DATA_DIR]
The output is committed; tests/test_councils.py checks it against the lookups whenever they are present.

Rows: the 153 councils with adult social care duties today (ONS April 2023 upper tier), then the councils a
reorganisation replaced since 2019 (mySociety's county and unitary councils with an end date and `replaced-by`:
Somerset, Cumbria, North Yorkshire, Northamptonshire, Buckinghamshire, Dorset, Bournemouth and Poole).
Validity: `start_date` is set for a council that replaced others (the day it began); `end_date` for a replaced
council is the day before its successors began (mySociety writes either that day or the successor's first day);
`replaced_by` lists the successors' ONS codes. A blank date means no limit.
"""

from __future__ import annotations

import csv
import datetime as dt
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
    by_registry = {r["local-authority-code"]: r for r in society.values()}
    former = {code: r for code, r in society.items() if code.startswith("E") and r["end-date"]
              and r["replaced-by"] and r["local-authority-type"] in ("CTY", "UA", "MD", "LBO")}
    successors = {code: [by_registry[x]["gss-code"] for x in r["replaced-by"].split(",")] for code, r in former.items()}
    # A county's districts may have gone to other councils too (Christchurch, in Dorset, went to Bournemouth,
    # Christchurch and Poole): those councils took part of its area, so they are among its successors.
    for code, r in former.items():
        for d in society.values():
            if d["county-la"] == r["local-authority-code"] and d["end-date"] and d["replaced-by"]:
                for x in d["replaced-by"].split(","):
                    gss = by_registry[x]["gss-code"]
                    if gss in utla and gss not in successors[code]:
                        successors[code].append(gss)
    started = {c: society[c]["start-date"] for codes in successors.values() for c in codes}
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
                "start_date": started.get(code, ""),
                "end_date": "",
                "replaced_by": "",
            }
        )
    current = {r["ons_code"]: r for r in rows}
    for code in sorted(former):
        s = former[code]
        name = s["nice-name"].removesuffix(" County")
        aliases = {}
        for a in [name, s["official-name"], s["nice-name"], *sorted(names_by_registry.get(s["local-authority-code"], ()))]:
            aliases.setdefault(a.casefold(), a)
        first = min(started[c] for c in successors[code])
        end = (dt.date.fromisoformat(first) - dt.timedelta(days=1)).isoformat()
        rows.append({
            "ons_code": code, "name": name, "short_name": name,
            "region": REGION_CORRECTIONS.get(code, s["region"] or current[successors[code][0]]["region"]),
            "aliases": ";".join(sorted(aliases.values(), key=str.casefold)),
            "start_date": "", "end_date": end, "replaced_by": ";".join(successors[code]),
        })
    return rows


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    rows = build(shared)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} councils ({sum(not r['end_date'] for r in rows)} current) to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
