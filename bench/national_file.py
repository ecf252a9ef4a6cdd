"""A deterministic, real-shaped national CQC "Care directory with ratings" file, as ODS and as CSV.

CQC's national file cannot be redistributed or fetched here, so the benchmark builds one of the same shape
and, as far as is known, the same size (docs/performance.md, section (a), compares them):

- **Rows and size.** The real file of 1 September 2026 had 323,673 rows on its Locations sheet and the
  August 2026 ODS was 26,949,208 bytes (both as counted by third parties; ../shared/data/cqc/SOURCES.md says
  "about 25 MB"). CQC's own Lincolnshire rows (../shared/data/cqc/latest_ratings, 4,159 rows for 478
  locations, 1.28% of the national rows for 1.36% of England's population) fix everything per row below.
- **Rows per location, by location type.** Lincolnshire's mix of types (three in four adult social care) and
  each type's rows: 6 location-level rows (one per domain), plus service-group blocks (Care Homes, Homecare,
  Supported Living, Dental, hospital core services, ...) and GP population groups with an overall rating only;
  8.7 rows a location on average, as in Lincolnshire. Ratings use CQC's whole vocabulary, including
  "Regulations met" and "Not applicable" (dentists) and "Insufficient evidence to rate".
- **Text as long and as varied as the real text.** Names, addresses, towns, postcodes, provider and brand
  names, CCG and ICB names and codes are generated with the lengths and blank shares measured on the
  Lincolnshire rows (see REAL_TEXT), from syllables rather than short word lists, so the file compresses like
  the real one; providers run from one location to national chains, as in the real file.
- **Order and shape.** Rows sorted by location ID across England (councils interleaved, as in CQC's file),
  each location's rows together; publication dates may differ between a location's rows. The recent files'
  shape: notice rows above the header (CQC's 2026 files carry a notice about its new system above the data),
  the `Domain` header, dates as real ODF date cells, and a Providers sheet beside Locations.
- **How the ODS is written.** Cells in the markup LibreOffice writes (`calcext:value-type`, row and column
  styles, repeated empty cells), deflated at level 1. CQC's real Lincolnshire rows written this way come to
  25.2 MB for the national row count, 7% under the real 26.9 MB; with the default level 6 they would be
  12.4 MB, and in the plainest ODS markup 10.5 MB: the real file is evidently written verbosely and
  compressed lightly, and the parse cost is the XML's, so this matters.

content.xml is streamed row by row into the zip, so the national file takes seconds. The CSV has the same
rows (and the notice rows, padded to the header's width, as a spreadsheet saves them as CSV) with dates
as DD/MM/YYYY text, as CQC's CSV downloads have. Names, addresses and ratings are
generated; nothing here describes a real service.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from carequality import vocab
from carequality.councils import all_councils
from carequality.examples.common import pick
from carequality.examples.ratings import HEADERS

SEED = 20260601
AS_OF = dt.date(2026, 5, 29)
#: CQC's real file of 1 September 2026 had 323,673 rows; this is "about" that, a round number.
DEFAULT_ROWS = 320_000
#: What is known of the real national file (sources in the module docstring and docs/performance.md).
REAL_FILE = {"rows": 323_673, "rows_date": "1 September 2026", "ods_bytes": 26_949_208, "ods_date": "4 August 2026"}
#: Per-column mean text length (characters, over rows) and blank share of CQC's Lincolnshire rows, which the
#: generated text is built to match (bench/run.py measures the generated file against these).
REAL_TEXT = {
    "Location ID": (11.3, 0.0), "Location ODS Code": (4.7, 0.12), "Location Name": (22.5, 0.0),
    "Location Street Address": (15.2, 0.0), "Location Address Line 2": (5.9, 0.55), "Location City": (7.8, 0.0),
    "Location Post Code": (7.6, 0.0), "Location ONSPD CCG": (20.0, 0.0), "Location Commissioning CCG Name": (5.0, 0.81),
    "Service / Population Group": (12.0, 0.0), "Latest Rating": (6.7, 0.0), "URL": (42.3, 0.0),
    "Provider ID": (11.0, 0.0), "Provider Name": (26.1, 0.0), "Brand Name": (9.3, 0.0),
}

NHS_REGION = {
    "North East": "North East and Yorkshire", "Yorkshire and The Humber": "North East and Yorkshire",
    "North West": "North West", "East Midlands": "Midlands", "West Midlands": "Midlands",
    "East of England": "East of England", "London": "London", "South East": "South East", "South West": "South West",
}
POPULATION_GROUPS = (
    "People whose circumstances may make them vulnerable", "People with long term conditions",
    "Families, children and young people", "Working age people (including those recently retired and students)",
    "People experiencing poor mental health (including people with dementia)", "Older people",
)
#: Location type → share of locations (Lincolnshire's: 356, 77, 18, 18, 6 and 3 of 478).
LOCATION_TYPES: dict[str, float] = {
    "Social Care Org": 356, "Primary Medical Services": 77, "Independent Healthcare Org": 18,
    "Primary Dental Care": 18, "NHS Healthcare Organisation": 6, "Independent Ambulance": 3,
}
INDEPENDENT = {  # primary inspection category → its service groups (each rated on every domain)
    "Acute hospital - Independent non-specialist": ("Surgery", "Outpatients", "Diagnostic imaging"),
    "Acute hospital - Independent specialist": ("Surgery", "Critical care", "Outpatients and diagnostic imaging"),
    "Community health - NHS & Independent": ("Community health services for adults",),
    "Community substance misuse": ("Community-based substance misuse services",),
    "Hospice services": ("Hospice services for adults",),
    "Independent consulting doctors": ("Outpatients",),
    "Mental health - community & hospital - independent": (
        "Forensic inpatient or secure wards", "Long stay or rehabilitation mental health wards for working age adults",
        "Acute wards for adults of working age and psychiatric intensive care units"),
}
NHS_SERVICES = ("Urgent and emergency services", "Medical care (including older people's care)", "Surgery",
                "Critical care", "Maternity", "Services for children & young people", "End of life care",
                "Outpatients", "Dialysis services")
PROVIDER_HEADERS = [
    "Provider ID", "Provider Name", "Provider Type", "Provider Primary Inspection Category", "Provider Street Address",
    "Provider Address Line 2", "Provider City", "Provider Post Code", "Provider Local Authority", "Provider Region",
    "Provider NHS Region", "Domain", "Latest Rating", "Publication Date", "Report Type", "URL", "Brand ID", "Brand Name",
]
#: Rows above the header in the recent files: a notice (our own words, of the length of CQC's).
NOTICE = (
    ("Care directory with ratings",),
    ("Notice about this file. We are moving the care directory to a new system, so some changes, such as "
     "cancelled registrations, may take longer than usual to appear in this file, and some files may be late. "
     "Under our new assessment approach, locations that provide more than one type of service may no longer "
     "receive a single location-level rating: they show as Not Rated here, and the ratings of their individual "
     "services are given on the rows for each service. We will publish an update on our website when the "
     "changes are complete. Contains CQC information, licensed under the Open Government Licence v3.0.",),
    ("Generated for the carequality benchmark: names, addresses and ratings are invented.",),
)

_ONSET = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "sh",
          "st", "t", "th", "tr", "w", "wh", "y", "bl", "cr", "fl", "gl", "pl", "sc", "sp", "sw"]
_VOWEL = ["a", "e", "i", "o", "u", "ea", "oo", "ai", "ey", "ou", "ie"]
_CODA = ["", "", "n", "r", "l", "m", "ck", "ld", "rn", "st", "th", "ng", "ll", "ss", "rd", "nt", "x", "ts"]
_TOWN_TAIL = ["ton", "by", "ham", "ford", "ley", "field", "worth", "borough", "bury", "wick", "thorpe", "well",
              "stead", "minster", "combe", "mouth", "ing", "den", "hurst", "caster"]
_STREET = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Park", "Grove",
           "Terrace", "Place", "Walk", "Hill", "Row", "Court", "Green"]
_HOME = ["House", "Lodge", "Court", "Grange", "Manor", "View", "Gardens", "Hall", "Care Home", "Nursing Home",
         "Residential Home", "House Care Home", "Lodge Nursing Home", "Park Care Centre", "Cottage"]
_COMMUNITY = ["Home Care", "Care at Home", "Homecare Services", "Supported Living", "Community Care",
              "Care Services", "Domiciliary Care", "Home Support", "Healthcare", "Support Services"]
_FIRST_NAMES = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Susan",
                "Sarah", "Karen", "Mohammed", "Priya", "Amir", "Catherine", "Elizabeth", "Anthony", "Joanne", "Rajesh"]
_COMPANY = ["Limited", "Ltd", "Care Limited", "Care Ltd", "Healthcare Limited", "Care Services Limited",
            "Homes Limited", "Care Group Limited", "Support Services Ltd", "Healthcare Ltd", "Community Interest Company",
            "Partnership", "Trust", "Care (UK) Limited", "Health Care Ltd"]
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSET) + rng.choice(_VOWEL) + rng.choice(_CODA) for _ in range(syllables)).capitalize()


def _name(rng: random.Random) -> str:
    return _word(rng, rng.choice((1, 2, 2, 2, 3)))


def _town(rng: random.Random) -> str:
    return _word(rng, 1 if rng.random() < 0.9 else 2) + rng.choice(_TOWN_TAIL)


def _street(rng: random.Random, towns: list[str]) -> str:
    r = rng.random()
    road = f"{_word(rng, rng.choice((1, 1, 2))) if rng.random() < 0.8 else rng.choice(towns)} {rng.choice(_STREET)}"
    if r < 0.55:
        return f"{rng.randint(1, 250)} {road}"
    if r < 0.78:
        return road
    if r < 0.95:
        return f"{_word(rng, rng.choice((1, 2)))} {rng.choice(['House', 'Court', 'Centre', 'Lodge', 'Farm', 'Mill'])}"
    return f"{_word(rng, 2)} House, {rng.randint(1, 250)} {road}"


def _id(rng: random.Random) -> str:
    """CQC ids: '1-' and 9 to 11 digits (half 11 characters, a third 12, a sixth 13)."""
    digits = rng.choices((9, 10, 11), weights=(50, 33, 17))[0]
    return f"1-{rng.randrange(10 ** (digits - 1), 10 ** digits)}"


@dataclass(frozen=True)
class Location:
    """One location's shared cells (CQC order; the per-row columns 17 to 20 left out) and its rows."""

    before: tuple[str, ...]  # columns 0..16
    after: tuple[str, ...]  # columns 21..27
    rows: tuple[tuple[str, str, str, dt.date | None], ...]  # (service group, domain, rating, publication date)


@dataclass
class _Provider:
    pid: str
    name: str
    brand_id: str
    brand: str
    size: int


@dataclass
class _Area:
    council: object
    towns: list[str]
    ccgs: list[tuple[str, str]]
    icb: tuple[str, str]
    postcode: str


def _areas(rng: random.Random) -> list[tuple[_Area, float]]:
    out = []
    for c in all_councils():
        base = {"E10": 3.2, "E06": 1.3, "E08": 1.6, "E09": 1.0}[c.ons_code[:3]]
        if c.ons_code in ("E06000053", "E09000001"):  # Isles of Scilly, City of London: a handful of services
            base = 0.03
        weight = base * rng.uniform(0.6, 1.4)
        towns = [_town(rng) for _ in range(max(3, round(weight * 10)))]
        ccgs = [(f"E38{rng.randint(0, 999999):06d}", f"NHS {c.short_name if i == 0 else rng.choice(towns)} CCG")
                for i in range(rng.choice((1, 1, 2, 3)))]
        icb = (f"{rng.randint(0, 99):02d}{rng.choice(_LETTERS)}", f"NHS {c.short_name} Icb")
        prefix = "".join(ch for ch in c.short_name.upper() if ch.isalpha())[:2] or "XX"
        out.append((_Area(c, towns, ccgs, icb, prefix), weight))
    return out


def _providers(rng: random.Random, n_locations: int) -> tuple[list[_Provider], list[float]]:
    """A national pool of multi-location providers (chains), sizes falling off like the real ones."""
    pool, sizes = [], []
    for i in range(max(3, n_locations // 40)):
        size = max(2, int(2 + 400 / (i + 1) ** 0.9 * rng.uniform(0.5, 1.5)))
        stem = f"{_name(rng)}{'' if rng.random() < 0.5 else ' ' + _name(rng)}"
        name = f"{stem} {rng.choice(_COMPANY)}" if rng.random() < 0.92 else f"The {stem} Trust"
        branded = size >= 3 and rng.random() < 0.7
        pool.append(_Provider(_id(rng), name, f"BD{100 + i}" if branded else "-",
                              f"BRAND {stem}{'' if rng.random() < 0.5 else ' ' + rng.choice(_COMPANY)}" if branded else "-",
                              size))
        sizes.append(size)
    return pool, sizes


def locations(rows: int = DEFAULT_ROWS, seed: int = SEED) -> list[Location]:
    """Every location of a file of about `rows` rows, sorted by location ID; deterministic for (rows, seed)."""
    rng = random.Random(seed)
    areas = _areas(rng)
    total = sum(w for _, w in areas)
    n_locations = rows / 8.9  # 8.9 rows a location come out of the rules below (Lincolnshire: 8.7)
    chains, chain_sizes = _providers(rng, int(n_locations))
    brands = [c for c in chains if c.brand_id != "-"]
    cumulative = list(itertools.accumulate(chain_sizes))
    types, shares = list(LOCATION_TYPES), list(LOCATION_TYPES.values())
    out, ids = [], set()
    for area, w in areas:
        for _ in range(max(1, round(n_locations * w / total))):
            loc_id = _id(rng)
            while loc_id in ids:
                loc_id = _id(rng)
            ids.add(loc_id)
            kind = rng.choices(types, weights=shares)[0]
            chain = None
            if kind in ("Social Care Org", "Independent Healthcare Org", "Primary Dental Care") and rng.random() < 0.4:
                chain = chains[bisect.bisect_left(cumulative, rng.uniform(0, cumulative[-1]))]
            brand = rng.choice(brands) if chain is None and brands and rng.random() < 0.12 else chain
            out.append(_location(rng, loc_id, area, kind, chain, brand))
    out.sort(key=lambda loc: loc.before[0])
    return out


def _dates(rng: random.Random) -> tuple[dt.date, dt.date]:
    """A location's publication date and an earlier one that some of its rows keep."""
    latest = AS_OF - dt.timedelta(days=int(rng.triangular(0, 3900, 300)))
    return latest, latest - dt.timedelta(days=rng.randint(60, 2000))


def _kq(rng: random.Random, overall: str) -> dict[str, str]:
    """Key question ratings beside an overall rating: mostly the same, sometimes one step either way."""
    if overall not in vocab.GRADED:
        return {q: overall for q in vocab.KEY_QUESTIONS}
    i = vocab.GRADED.index(overall)
    return {q: vocab.GRADED[min(3, max(0, i + rng.choices((-1, 0, 1), weights=(4, 88, 8))[0]))]
            for q in vocab.KEY_QUESTIONS}


def _location(rng: random.Random, loc_id: str, area: _Area, kind: str, chain: _Provider | None,
              brand_of: _Provider | None) -> Location:
    towns = area.towns
    care_home = False
    groups: list[tuple[str, tuple[str, ...]]] = []  # (service group, its domains) besides the location level
    overall = pick(rng, {"Outstanding": 3.5, "Good": 81, "Requires improvement": 12.5, "Inadequate": 0.7,
                          "Not Rated": 1.5, "Insufficient evidence to rate": 0.2})
    if kind == "Social Care Org":
        care_home = rng.random() < 262 / 356
        category = vocab.RESIDENTIAL if care_home else vocab.COMMUNITY
        if care_home:
            name = rng.choice([f"{_name(rng)} {rng.choice(_HOME)}", f"The {_name(rng)}",
                               f"{_name(rng)} {_name(rng)} {rng.choice(_HOME)}"])
            if rng.random() < 62 / 262:
                groups.append(("Care Homes", vocab.DOMAINS))
        else:
            name = rng.choice([f"{_name(rng)} {rng.choice(_COMMUNITY)}", f"{_name(rng)} {rng.choice(_COMMUNITY)} {rng.choice(_COMPANY)}",
                               f"{_name(rng)} ({rng.choice(towns)})"])
            r = rng.random()
            if r < 16 / 94:
                groups.append(("Homecare", vocab.DOMAINS))
            elif r < 20 / 94:
                groups.append(("Supported Living", vocab.DOMAINS))
        ods = f"V{''.join(rng.choices(_ALNUM, k=4))}" if rng.random() < 0.9 else ""
    elif kind == "Primary Medical Services":
        category = "GP Practices"
        name = rng.choice([f"Dr {_name(rng)} & Partners", f"{_name(rng)} Road Surgery", f"{_name(rng)} Medical Centre",
                           f"The {_name(rng)} Practice", f"{rng.choice(towns)} {_name(rng)} Health Centre"])
        if rng.random() < 59 / 77:
            groups += [(g, ("Overall",)) for g in POPULATION_GROUPS]
        if rng.random() < 52 / 77:
            groups.append(("General Practice", ("Overall",)))
        ods = f"{rng.choice(_LETTERS)}{rng.randint(10000, 99999)}"
    elif kind == "Primary Dental Care":
        category = "Dentists"
        name = rng.choice([f"{_name(rng)} Dental Practice", f"{rng.choice(towns)}", f"{_name(rng)} Dental Care",
                           f"{_name(rng)}, {_name(rng)} Road, {rng.choice(towns)}"])
        groups.append(("Dental", vocab.DOMAINS))
        overall = "Not applicable"
        ods = f"V{''.join(rng.choices(_ALNUM, k=5))}" if rng.random() < 0.8 else ""
    elif kind == "Independent Healthcare Org":
        category = rng.choice(list(INDEPENDENT))
        name = rng.choice([f"{_name(rng)} Clinic", f"{_name(rng)} Hospital", f"{rng.choice(towns)} {_name(rng)} Centre"])
        groups += [(g, vocab.DOMAINS) for g in INDEPENDENT[category] if rng.random() < 0.8]
        ods = f"N{''.join(rng.choices(_ALNUM, k=4))}" if rng.random() < 0.7 else ""
    elif kind == "NHS Healthcare Organisation":
        category = "Acute hospital - NHS non-specialist"
        name = f"{rng.choice(towns)} {rng.choice(['General Hospital', 'County Hospital', 'Community Hospital', 'Hospital'])}"
        groups += [(g, vocab.DOMAINS) for g in NHS_SERVICES if rng.random() < 0.55]
        ods = f"R{''.join(rng.choices(_ALNUM, k=4))}"
    else:  # Independent Ambulance
        category = rng.choice(["Ambulance service", "Remote clinical advice"])
        name = f"{_name(rng)} {rng.choice(['Ambulance Service', 'Ambulance Services Ltd', 'Medical Services'])}"
        groups.append(("Patient transport services" if category == "Ambulance service" else "Emergency and urgent care",
                       vocab.DOMAINS))
        ods = ""
    brand_id, brand = (brand_of.brand_id, brand_of.brand) if brand_of is not None else ("-", "-")
    if chain is not None:
        provider_id, provider = chain.pid, chain.name
    else:
        provider_id = _id(rng)
        provider = (name if kind == "Primary Medical Services" else
                    rng.choice([f"{name} {rng.choice(_COMPANY)}", f"{_name(rng)} {rng.choice(_COMPANY)}",
                                f"Mr {rng.choice(_FIRST_NAMES)} {_name(rng)}", f"{_word(rng, 1)} {_name(rng)} {rng.choice(_COMPANY)}"]))
    latest, earlier = _dates(rng)
    ratings = _kq(rng, overall) | {"Overall": overall}
    two_dates = rng.random() < 0.3
    rows = []
    for g, domains in (("Overall", vocab.DOMAINS), *groups):
        group_overall = overall
        if g != "Overall" and overall in vocab.GRADED and rng.random() < 0.2:
            group_overall = pick(rng, {"Good": 14, "Requires improvement": 4, "Outstanding": 2})
        for d in domains:
            if kind == "Primary Dental Care":
                rating = "Not applicable" if d == "Overall" else "Regulations met"
            elif d == "Overall":
                rating = group_overall
            else:
                rating = ratings[d] if g == "Overall" else _kq(rng, group_overall)[d]
            date = None if rating == "Not Rated" or (kind == "Primary Dental Care" and g == "Overall" and d == "Overall") \
                else (earlier if two_dates and d in ("Caring", "Responsive") else latest)
            rows.append((g, d, rating, date))
    city = rng.choice(towns)
    pc = f"{area.postcode}{rng.randint(1, 40)} {rng.randint(1, 9)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"
    ccg_code, ccg = rng.choice(area.ccgs)
    commissioning = area.icb if rng.random() < 0.19 else ("", "")
    line2 = "" if rng.random() < 0.55 else rng.choice(
        [rng.choice(towns), _town(rng), _town(rng), f"{_word(rng, 1)} {rng.choice(_STREET)}",
         f"{_word(rng, 2)} {rng.choice(_STREET)}, {_town(rng)}"])
    c = area.council
    before = (
        loc_id, ods, name, "Y" if care_home else "N", kind, category, _street(rng, towns), line2, city, pc,
        c.name, c.region, NHS_REGION[c.region], ccg_code, ccg, commissioning[0],
        f"{commissioning[1]} - {commissioning[0]}" if commissioning[0] else "",
    )
    inherited = "Y" if rng.random() < 0.064 else "N"
    after = ("Location", inherited, f"http://www.cqc.org.uk/location/{loc_id}", provider_id, provider, brand_id, brand)
    return Location(before, after, tuple(rows))


def _first(locs: list[Location], limit: int | None) -> Iterator[Location]:
    """Locations up to about `limit` rows (whole locations): a cut of the file, for readers too slow for all of it."""
    n = 0
    for loc in locs:
        if limit is not None and n >= limit:
            return
        n += len(loc.rows)
        yield loc


# -- CSV --------------------------------------------------------------------------------------
def _csv_cell(v: str) -> str:
    return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n\r') else v


def write_csv(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, limit: int | None = None,
              notice: bool = False) -> int:
    """Write the Locations sheet as CSV (UTF-8), as a spreadsheet saves it; return the number of data rows.

    The rows above the header come first, padded to the header's width, so the CSV's row numbers are the
    ODS's. `limit` keeps only the first rows (whole locations) of the same file: a cut; `notice=True` puts
    the recent files' notice rows above the header (the benchmark's national file has them).
    """
    n = 0
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        if notice:
            for line in (*NOTICE, ("",)):
                f.write(",".join(_csv_cell(v) for v in (*line, *[""] * (len(HEADERS) - len(line)))) + "\n")
        f.write(",".join(_csv_cell(h) for h in HEADERS) + "\n")
        for loc in _first(locations(rows, seed), limit):
            head = ",".join(_csv_cell(v) for v in loc.before) + ","
            tail = "," + ",".join(_csv_cell(v) for v in loc.after) + "\n"
            for g, d, r, date in loc.rows:
                f.write(f"{head}{_csv_cell(g)},{d},{r},{'' if date is None else date.strftime('%d/%m/%Y')}{tail}")
                n += 1
    tmp.replace(path)
    return n


# -- ODS --------------------------------------------------------------------------------------
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_STYLES = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}><office:styles/></office:document-styles>'
_META = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
    "<meta:generator>carequality bench/national_file.py</meta:generator></office:meta></office:document-meta>"
)
_CONTENT_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
    '<office:automatic-styles><style:style style:name="co1" style:family="table-column">'
    '<style:table-column-properties fo:break-before="auto" style:column-width="0.889in"/></style:style>'
    '<style:style style:name="ro1" style:family="table-row"><style:table-row-properties style:row-height="0.178in" '
    'fo:break-before="auto" style:use-optimal-row-height="true"/></style:style>'
    '<number:date-style style:name="N37"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
    '</number:date-style><style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" '
    'style:data-style-name="N37"/></office:automatic-styles><office:body><office:spreadsheet>'
    "<table:calculation-settings table:automatic-find-labels=\"false\"/>"
)
_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>"
#: How hard content.xml is deflated: level 1 gives CQC's real Lincolnshire rows the real file's size (see above).
COMPRESS_LEVEL = 1


def _ods_cells(values: tuple[str, ...] | list[str]) -> str:
    """String cells as LibreOffice writes them; runs of blank cells as one repeated cell."""
    out = []
    for blank, run in itertools.groupby(values, key=lambda v: v == ""):
        if blank:
            n = len(list(run))
            out.append("<table:table-cell/>" if n == 1 else f'<table:table-cell table:number-columns-repeated="{n}"/>')
        else:
            out.extend(f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{escape(v)}'
                       "</text:p></table:table-cell>" for v in run)
    return "".join(out)


def _ods_date(d: dt.date | None) -> str:
    if d is None:
        return "<table:table-cell/>"
    return (f'<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="{d.isoformat()}" '
            f'calcext:value-type="date"><text:p>{d.strftime("%d/%m/%Y")}</text:p></table:table-cell>')


def _ods_row(cells: str) -> str:
    return f'<table:table-row table:style-name="ro1">{cells}</table:table-row>'


def _table_head(name: str, columns: int) -> str:
    return (f'<table:table table:name="{name}"><table:table-column table:style-name="co1" '
            f'table:number-columns-repeated="{columns}" table:default-cell-style-name="Default"/>')


def _provider_rows(rows: int, seed: int) -> Iterator[str]:
    """The Providers sheet: provider-level ratings (NHS trusts and other providers rated as a whole)."""
    rng = random.Random(seed + 1)
    councils = all_councils()
    for i in range(max(1, rows // 300)):
        pid = f"R{''.join(rng.choices(_ALNUM, k=2))}{i:03d}" if rng.random() < 0.4 else _id(rng)
        c = rng.choice(councils)
        overall = pick(rng, {"Outstanding": 8, "Good": 60, "Requires improvement": 28, "Inadequate": 4})
        ratings = _kq(rng, overall) | {"Overall": overall}
        published = AS_OF - dt.timedelta(days=rng.randint(0, 2000))
        town = _town(rng)
        name = f"{town} {rng.choice(['Hospitals NHS Foundation Trust', 'NHS Trust', 'Healthcare NHS Trust', 'Partnership NHS Foundation Trust'])}"
        for d in vocab.DOMAINS:
            values = [pid, name, "NHS Healthcare Organisation", "Acute hospital - NHS non-specialist",
                      f"{rng.randint(1, 99)} {_name(rng)} Road", "", town, "", c.name, c.region, NHS_REGION[c.region],
                      d, ratings[d]]
            yield _ods_row(_ods_cells(values) + _ods_date(published)
                           + _ods_cells(["Provider", f"http://www.cqc.org.uk/provider/{pid}", "-", "-"]))


def write_ods(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, limit: int | None = None,
              notice: bool = False) -> int:
    """Write sheets Locations (notice rows, then CQC's header and rows) and Providers; return the Locations rows.

    `limit` keeps only the first rows (whole locations) of the same file: a cut. `notice=True` puts the recent
    files' notice rows above the header (the benchmark's national file has them; tests' small files do not).
    """
    n = 0
    tmp = path.with_name(path.name + ".tmp")
    stamp = (2026, 6, 1, 0, 0, 0)
    with zipfile.ZipFile(tmp, "w", compresslevel=COMPRESS_LEVEL) as z:
        # The mimetype entry comes first and is stored, so tools can sniff the type (ODF 1.2, 3.3).
        z.writestr(zipfile.ZipInfo("mimetype", date_time=stamp), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("styles.xml", _STYLES), ("meta.xml", _META)):
            z.writestr(zipfile.ZipInfo(name, date_time=stamp), text, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = COMPRESS_LEVEL  # ZipFile.open(ZipInfo) ignores the ZipFile's level (Python 3.11)
        with z.open(info, "w", force_zip64=True) as raw:
            buf: list[str] = [_CONTENT_HEAD, _table_head("Locations", len(HEADERS))]
            if notice:
                buf += [_ods_row(_ods_cells(list(r))) for r in NOTICE] + [_ods_row("<table:table-cell/>")]
            buf.append(_ods_row(_ods_cells(HEADERS)))

            def flush() -> None:
                raw.write("".join(buf).encode("utf-8"))
                buf.clear()

            for loc in _first(locations(rows, seed), limit):
                head = '<table:table-row table:style-name="ro1">' + _ods_cells(loc.before)
                tail = _ods_cells(loc.after) + "</table:table-row>"
                for g, d, r, date in loc.rows:
                    buf.append(f"{head}{_ods_cells((g, d, r))}{_ods_date(date)}{tail}")
                    n += 1
                if len(buf) > 4000:
                    flush()
            buf.append("</table:table>" + _table_head("Providers", len(PROVIDER_HEADERS)))
            buf.append(_ods_row(_ods_cells(PROVIDER_HEADERS)))
            buf.extend(_provider_rows(min(rows, limit or rows), seed))
            buf.append("</table:table>" + _CONTENT_TAIL)
            flush()
    tmp.replace(path)
    return n


def write_xlsx(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, notice: bool = False) -> int:
    """The same Locations rows as XLSX (xlsxwriter, dates as date cells); return the number of data rows."""
    import xlsxwriter

    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Locations")
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    for line in (*NOTICE, ()) if notice else ():
        for c, v in enumerate(line):
            ws.write_string(r, c, v)
        r += 1
    for c, h in enumerate(HEADERS):
        ws.write_string(r, c, h)
    n = 0
    for loc in locations(rows, seed):
        for g, d, rating, published in loc.rows:
            r += 1
            for c, v in enumerate((*loc.before, g, d, rating)):
                if v:
                    ws.write_string(r, c, v)
            if published is not None:
                ws.write_datetime(r, 20, dt.datetime(published.year, published.month, published.day), date)
            for c, v in enumerate(loc.after, start=21):
                ws.write_string(r, c, v)
            n += 1
    wb.close()
    tmp.replace(path)
    return n


def write_national(folder: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, ods: bool = True) -> dict[str, Path]:
    """Write national_ratings.csv (and .ods), in the recent shape, into `folder`; return their paths by suffix."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {"csv": folder / "national_ratings.csv"}
    write_csv(out["csv"], rows, seed, notice=True)
    if ods:
        out["ods"] = folder / "national_ratings.ods"
        write_ods(out["ods"], rows, seed, notice=True)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "_work")
    args = ap.parse_args()
    for kind, p in write_national(args.out, args.rows).items():
        print(kind, p, f"{p.stat().st_size:,} bytes")
