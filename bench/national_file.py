"""A deterministic national-size CQC "Care directory with ratings" file, as CSV and as ODS.

The real national file (about 25 MB of ODS) cannot be redistributed or fetched here, so the benchmark
builds one of the same shape: the 28 headers of the Locations sheet in CQC's order, one row per
location × service/population group × domain, every one of the 153 councils under its CQC-style
'Location Local Authority' name and region (from carequality.councils), all of CQC's location types
(adult social care is about half of the locations; GP practices, hospitals, ambulance services and
dentists make up the rest, as in the real file), and a small Providers sheet beside Locations.

The ODS is written without odfpy: content.xml is streamed row by row into the zip (deflated), with
one pre-rendered XML fragment per location for the cells every row of that location shares, so a
300,000-row file takes seconds. Dates are real ODF date cells (office:value-type="date"), as in
CQC's ODS; the CSV writes them as DD/MM/YYYY text, as CQC's CSV downloads do.

Names, addresses and ratings are generated; nothing here describes a real service.
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from carequality import vocab
from carequality.councils import all_councils
from carequality.examples.common import COMMUNITY_SUFFIXES as _COMMUNITY
from carequality.examples.common import FIRST_NAMES as _FIRST
from carequality.examples.common import HOME_SUFFIXES as _HOME
from carequality.examples.common import STREETS as _STREETS
from carequality.examples.common import hash_name
from carequality.examples.common import kq_ratings as _kq_ratings
from carequality.examples.common import pick as _pick
from carequality.examples.ratings import HEADERS

SEED = 20260601
AS_OF = dt.date(2026, 5, 29)
DEFAULT_ROWS = 300_000

NHS_REGION = {
    "North East": "North East and Yorkshire",
    "Yorkshire and The Humber": "North East and Yorkshire",
    "North West": "North West",
    "East Midlands": "Midlands",
    "West Midlands": "Midlands",
    "East of England": "East of England",
    "London": "London",
    "South East": "South East",
    "South West": "South West",
}
POPULATION_GROUPS = (
    "Older people", "People with long term conditions", "Families, children and young people",
    "Working age people (including those recently retired and students)",
    "People whose circumstances may make them vulnerable", "People experiencing poor mental health (including people with dementia)",
)
#: Location type → (share of locations, primary inspection category, service groups besides Overall).
LOCATION_TYPES: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "Social Care Org": (0.52, "", ()),
    "Primary Medical Services": (0.22, "GP Practices", POPULATION_GROUPS),
    "Independent Healthcare Org": (0.12, "Independent consulting doctors", ("Outpatients", "Diagnostic imaging")),
    "NHS Healthcare Organisation": (0.07, "Acute hospital - NHS non-specialist",
                                    ("Urgent and emergency services", "Medical care (including older people's care)",
                                     "Surgery", "Maternity", "Services for children & young people", "End of life care")),
    "Independent Ambulance": (0.03, "Independent ambulance", ("Patient transport services",)),
    "Primary Dental Care": (0.04, "Dentists", ()),
}
PROVIDER_HEADERS = [
    "Provider ID", "Provider Name", "Provider Type", "Provider Primary Inspection Category", "Provider Street Address",
    "Provider Address Line 2", "Provider City", "Provider Post Code", "Provider Local Authority", "Provider Region",
    "Provider NHS Region", "Domain", "Latest Rating", "Publication Date", "Report Type", "URL", "Brand ID", "Brand Name",
]
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PLACE = ["Ashby", "Brook", "Castle", "Dale", "East", "Field", "Green", "Hill", "Kings", "Lea", "Marsh", "North",
          "Park", "Queens", "River", "South", "Stone", "Town", "Vale", "West", "Wood"]
_PROVIDER_TAIL = ["Care Ltd", "Healthcare Ltd", "Care Services Ltd", "Support Ltd", "Care Group Ltd", "Living Ltd",
                  "Homes Ltd", "Care Partnership", "Community Interest Company", "Trust"]


@dataclass(frozen=True)
class Location:
    """One location's shared cells (CQC order, with the three per-row columns left out) and its rows."""

    before: tuple[str, ...]  # columns 0..16
    after: tuple[str, ...]  # columns 20..27 (Publication Date is after[0])
    published: dt.date | None
    rows: tuple[tuple[str, str, str], ...]  # (service group, domain, rating)


def _council_weights(rng: random.Random) -> list[tuple[object, float]]:
    out = []
    for c in all_councils():
        base = {"E10": 3.2, "E06": 1.3, "E08": 1.6, "E09": 1.0}[c.ons_code[:3]]
        if c.ons_code in ("E06000053", "E09000001"):  # Isles of Scilly, City of London: a handful of services
            base = 0.03
        out.append((c, base * rng.uniform(0.6, 1.4)))
    return out


def locations(rows: int = DEFAULT_ROWS, seed: int = SEED) -> Iterator[Location]:
    """Locations, council by council, until about `rows` rows; deterministic for (rows, seed)."""
    rng = random.Random(seed)
    weights = _council_weights(rng)
    total = sum(w for _, w in weights)
    per_location = 11.7  # rows per location on average over the mix of types below
    types = list(LOCATION_TYPES)
    shares = [LOCATION_TYPES[t][0] for t in types]
    serial = 0
    for council, w in weights:
        n = max(1, round(rows / per_location * w / total))
        prefix = "".join(ch for ch in council.short_name.upper() if ch.isalpha())[:2] or "XX"
        for _ in range(n):
            serial += 1
            yield _location(rng, serial, council, rng.choices(types, weights=shares)[0], prefix)


def _location(rng: random.Random, serial: int, council, kind: str, postcode: str) -> Location:
    loc_id = f"1-{100000000 + serial * 7919 % 9_000_000_000:d}"
    first = rng.choice(_FIRST)
    place = rng.choice(_PLACE)
    if kind == "Social Care Org":
        care_home = rng.random() < 0.45
        category = vocab.RESIDENTIAL if care_home else vocab.COMMUNITY
        name = f"{place} {first} {rng.choice(_HOME)}" if care_home else f"{first} {rng.choice(_COMMUNITY)} {place}"
        group = "Care Homes" if care_home else ("Supported Living" if rng.random() < 0.3 else "Homecare")
        extra_groups = (group,) if rng.random() < 0.45 else ()
    else:
        care_home = False
        category = LOCATION_TYPES[kind][1]
        label = {"Primary Medical Services": "Medical Practice", "Independent Healthcare Org": "Clinic",
                 "NHS Healthcare Organisation": "Hospital", "Independent Ambulance": "Ambulance Service",
                 "Primary Dental Care": "Dental Practice"}[kind]
        name = f"{place} {first} {label}"
        options = LOCATION_TYPES[kind][2]
        extra_groups = tuple(g for g in options if rng.random() < 0.8)
    provider = f"{first} {rng.choice(_PROVIDER_TAIL)}" if rng.random() < 0.8 else f"{place} {rng.choice(_PROVIDER_TAIL)}"
    provider_id = f"1-{100000000 + hash_name(provider) * 31 % 899_999_999}"
    overall = _pick(rng, {"Outstanding": 5, "Good": 72, "Requires improvement": 15, "Inadequate": 2, "Not Rated": 6})
    published = None if overall == "Not Rated" else AS_OF - dt.timedelta(days=rng.randint(0, 2900))
    ratings = _kq_ratings(rng, overall) | {"Overall": overall}
    rows = []
    for g in ("Overall", *extra_groups):
        for d in vocab.DOMAINS:
            if g != "Overall" and kind == "Primary Medical Services" and d != "Overall":
                continue  # GP population groups carry an overall rating only, as in CQC's files
            if overall != "Not Rated" and d != "Overall" and rng.random() < 0.01:
                continue  # an occasional key question with no published line
            rows.append((g, d, ratings[d]))
    pc = f"{postcode}{rng.randint(1, 40)} {rng.randint(1, 9)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"
    ccg = f"E38{rng.randint(0, 999999):06d}"
    brand = rng.random() < 0.15
    before = (
        loc_id, f"V{serial:07d}" if rng.random() < 0.7 else "", name, "Y" if care_home else "N", kind, category,
        f"{rng.randint(1, 250)} {rng.choice(_STREETS)}", rng.choice(["", "", f"{place}field"]),
        f"{place}{rng.choice(['ton', 'by', 'ham', 'ford', 'ley'])}", pc, council.name, council.region,
        NHS_REGION[council.region], ccg, f"NHS {council.short_name} CCG", "", "",
    )
    after = (
        "" if published is None else published.strftime("%d/%m/%Y"), "Location",
        "Y" if published is not None and rng.random() < 0.06 else "N", f"http://www.cqc.org.uk/location/{loc_id}",
        provider_id, provider, f"BD{hash_name(provider) % 900 + 100}" if brand else "-",
        f"BRAND {first} {place} Group" if brand else "-",
    )
    return Location(before, after, published, tuple(rows))


# -- CSV --------------------------------------------------------------------------------------
def _csv_cell(v: str) -> str:
    return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n\r') else v


def _first(locs: Iterator[Location], limit: int | None) -> Iterator[Location]:
    """Locations up to about `limit` rows (whole locations): a cut of the file, for readers too slow for all of it."""
    n = 0
    for loc in locs:
        if limit is not None and n >= limit:
            return
        n += len(loc.rows)
        yield loc


def write_csv(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, limit: int | None = None) -> int:
    """Write the Locations sheet as CSV (UTF-8, CQC's header); return the number of data rows.

    `limit` keeps only the first rows (whole locations) of the same file: a cut.
    """
    n = 0
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(_csv_cell(h) for h in HEADERS) + "\n")
        for loc in _first(locations(rows, seed), limit):
            head = ",".join(_csv_cell(v) for v in loc.before) + ","
            tail = "," + ",".join(_csv_cell(v) for v in loc.after) + "\n"
            for g, d, r in loc.rows:
                f.write(f"{head}{_csv_cell(g)},{d},{r}{tail}")
                n += 1
    tmp.replace(path)
    return n


# -- ODS --------------------------------------------------------------------------------------
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.2"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}><office:styles/></office:document-styles>'
)
_META = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
    "<meta:generator>carequality bench/national_file.py</meta:generator></office:meta></office:document-meta>"
)
_CONTENT_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
    '<office:automatic-styles><number:date-style style:name="N37"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text>'
    '<number:year/></number:date-style><style:style style:name="date" style:family="table-cell" '
    'style:parent-style-name="Default" style:data-style-name="N37"/></office:automatic-styles>'
    "<office:body><office:spreadsheet>"
)
_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods_text(v: str) -> str:
    if v == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'


def _ods_date(d: dt.date | None) -> str:
    if d is None:
        return "<table:table-cell/>"
    return (
        f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{d.isoformat()}">'
        f"<text:p>{d.strftime('%d/%m/%Y')}</text:p></table:table-cell>"
    )


def _ods_row(cells: str) -> str:
    return f"<table:table-row>{cells}</table:table-row>"


def _provider_rows(rows: int, seed: int) -> Iterator[str]:
    """A small Providers sheet: provider-level ratings for the NHS and independent healthcare providers."""
    rng = random.Random(seed + 1)
    for i in range(max(1, rows // 300)):
        pid = f"RX{i:04d}"
        c = rng.choice(all_councils())
        overall = _pick(rng, {"Outstanding": 8, "Good": 60, "Requires improvement": 28, "Inadequate": 4})
        ratings = _kq_ratings(rng, overall) | {"Overall": overall}
        published = AS_OF - dt.timedelta(days=rng.randint(0, 2000))
        for d in vocab.DOMAINS:
            values = [pid, f"{rng.choice(_PLACE)} {c.short_name} NHS Trust", "NHS Healthcare Organisation",
                      "Acute hospital - NHS non-specialist", f"{rng.randint(1, 99)} Hospital Road", "", c.short_name,
                      "", c.name, c.region, NHS_REGION[c.region], d, ratings[d]]
            yield _ods_row("".join(map(_ods_text, values)) + _ods_date(published)
                           + "".join(map(_ods_text, ["Provider", f"http://www.cqc.org.uk/provider/{pid}", "-", "-"])))


def write_ods(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, limit: int | None = None) -> int:
    """Write sheets Locations and Providers as an ODS file; return the number of Locations data rows.

    `limit` keeps only the first rows (whole locations) of the same file: a cut.
    """
    n = 0
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        # The mimetype entry comes first and is stored, so tools can sniff the type (ODF 1.2, 3.3).
        z.writestr(zipfile.ZipInfo("mimetype", date_time=(2026, 6, 1, 0, 0, 0)),
                   "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("styles.xml", _STYLES), ("meta.xml", _META)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 6, 1, 0, 0, 0)), text, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml", date_time=(2026, 6, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as raw:
            buf: list[str] = [_CONTENT_HEAD, '<table:table table:name="Locations">',
                              _ods_row("".join(map(_ods_text, HEADERS)))]

            def flush() -> None:
                raw.write("".join(buf).encode("utf-8"))
                buf.clear()

            for loc in _first(locations(rows, seed), limit):
                head = "<table:table-row>" + "".join(map(_ods_text, loc.before))
                tail = _ods_date(loc.published) + "".join(map(_ods_text, loc.after[1:])) + "</table:table-row>"
                for g, d, r in loc.rows:
                    buf.append(f"{head}{_ods_text(g)}{_ods_text(d)}{_ods_text(r)}{tail}")
                    n += 1
                if len(buf) > 4000:
                    flush()
            buf.append('</table:table><table:table table:name="Providers">')
            buf.append(_ods_row("".join(map(_ods_text, PROVIDER_HEADERS))))
            buf.extend(_provider_rows(min(rows, limit or rows), seed))
            buf.append("</table:table>" + _CONTENT_TAIL)
            flush()
    tmp.replace(path)
    return n


def write_national(folder: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, ods: bool = True) -> dict[str, Path]:
    """Write national_ratings.csv (and .ods) into `folder`; return their paths by suffix."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {"csv": folder / "national_ratings.csv"}
    write_csv(out["csv"], rows, seed)
    if ods:
        out["ods"] = folder / "national_ratings.ods"
        write_ods(out["ods"], rows, seed)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "_work")
    args = ap.parse_args()
    for kind, p in write_national(args.out, args.rows).items():
        print(kind, p, f"{p.stat().st_size:,} bytes")
