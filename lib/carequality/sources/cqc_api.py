"""CQC public API responses saved in a folder (the layout `carequality fetch` writes):

    <folder>/locations.json                      list response(s) of GET /locations (optional; any locations*.json)
    <folder>/location_details/location_<id>.json one GET /locations/{id} response per location
    <folder>/location_details.json               optional: one more single-location response
    <folder>/provider_details/provider_<id>.json optional: GET /providers/{id}, for provider names

The result is an `ApiFolder`: the ratings `History` (every published outcome, from `currentRatings`,
`historicRatings` and Single Assessment Framework `assessment` blocks; a rating dated before the location's
registration is its predecessor's, so it is marked inherited) and each location's service-group ratings.
model/history.py's `latest_ratings_view` turns it into the same tidy latest-ratings frames as the ratings-file
loader (`RatingsFile`), so every section works from either source. The API omits empty keys: absence is never an error. Bad input is handled as docs/history.md
says: broken files stop with an InputError naming file and field; doubtful values become data-quality rows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carequality import vocab
from carequality.errors import InputError, LocationTypesError
from carequality.sources.frames import (
    ASSESSMENT_COLUMNS,
    DATA_QUALITY_COLUMNS,
    QUALITY_STATEMENT_COLUMNS,
    History,
    normalise_locations,
    normalise_outcomes,
)
from carequality.sources.provenance import sha256_of_folder
from carequality.sources.ratings_file import SOCIAL_CARE
from carequality.sources.tabular import CELL_LIMIT, shorten, unmatched_location_types

LOCATION_DIR = "location_details"
PROVIDER_DIR = "provider_details"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?Z?$")
_FILE_ID = re.compile(r"^location_(.+)\.json$")
SERVICE_RATING_COLUMNS = ("location_id", "service_group", "key_question", "rating", "publication_date")
#: More beds than any care home has: a larger number is a broken file, not a big home.
MAX_BEDS = 100_000
#: Our column ← the response's text field, checked for length (data quality) and type.
_TEXT_FIELDS = {
    "location_name": "name",
    "provider_id": "providerId",
    "local_authority": "localAuthority",
    "region": "region",
    "registration_status": "registrationStatus",
    "location_type": "type",
    "postcode": "postalCode",
    "brand_name": "brandName",
    "street": "postalAddressLine1",
    "city": "postalAddressTownCity",
    "category": "inspectionCategories",
    "dormancy": "dormancy",
    "inspection_directorate": "inspectionDirectorate",
    "service_types": "gacServiceTypes",
}
#: Single Assessment Framework key-question ratings with CQC's percentage score, one row per location × assessment ×
#: service group × key question.
KEY_QUESTION_SCORE_COLUMNS = (
    "location_id",
    "published",
    "assessment_plan_id",
    "service_group",
    "key_question",
    "rating",
    "percentage_score",
    "status",
)
#: `relationships[].type` values: the location this one replaced, and the one that replaced it.
PREDECESSOR, SUCCESSOR = "HSCA Predecessor", "HSCA Successor"


@dataclass
class ApiFolder:
    """What a folder of API responses says: the history and the latest-ratings view of registered locations."""

    path: Path
    sha256: str
    history: History
    #: Service-group ratings of each location (current service ratings and SAF service-group ratings):
    #: location_id, service_group, key_question, rating, publication_date.
    service_ratings: pd.DataFrame
    #: Locations of other types than asked for: location_type, rows, locations.
    excluded_by_location_type: pd.DataFrame
    files: int  # distinct locations with a response
    #: SAF key-question ratings and percentage scores (KEY_QUESTION_SCORE_COLUMNS).
    key_question_scores: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: [] for c in KEY_QUESTION_SCORE_COLUMNS})
    )
    #: The filters the list responses (locations*.json) were asked for, from their `firstPageUri`
    #: (for example {"localAuthority": "Oldham", "careHome": "Y"}): what the download covers.
    list_filters: dict[str, str] = field(default_factory=dict)

    @property
    def as_of(self) -> pd.Timestamp | None:
        return self.history.as_of


def read_json(path: Path) -> object:
    """Parse one JSON file or raise InputError naming the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            path, f"not UTF-8 text ({e.reason} at byte {e.start}); expected a JSON response from the CQC API"
        ) from None
    if not text.strip():
        raise InputError(path, "the file is empty; expected a JSON response from the CQC API")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, f"not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except ValueError as e:  # a number with thousands of digits
        raise InputError(path, f"not a CQC API response: {shorten(str(e), 120)}") from None
    except RecursionError:
        raise InputError(path, "not a CQC API response: nested too deeply to read") from None


def overall_rating_dates(
    overall_date: str | None, key_question_dates: Iterable[str | None]
) -> tuple[str | None, str | None]:
    """When a current overall rating was set, and the date of a later report that rated nothing (or None).

    In 2020 and 2021 CQC ran infection-control inspections that rated nothing. Where such a report was a
    location's latest, CQC moved `currentRatings.overall.reportDate` to it, and the report that set the rating
    no longer appears in `historicRatings`. An overall rating is set by the report that rated its key questions:
    when the overall date is later than every key question's date, the rating dates from the latest key-question
    date and the later date is a report that rated nothing ("Inspected but not rated").
    """
    dates = sorted(str(d)[:10] for d in key_question_dates if d)
    if overall_date and dates and dates[-1] < str(overall_date)[:10]:
        return dates[-1], overall_date
    return overall_date, None


def inherited_report_dates(location_id: str, d: dict) -> set[str]:
    """Report dates of ratings CQC gives with another location's `organisationId`: ratings this location took over
    from the location it replaced (the `organisationId` is that location's id)."""

    def other(item: dict) -> bool:
        org = item.get("organisationId")
        return bool(org) and org != location_id

    out: set[str] = set()
    overall = (d.get("currentRatings") or {}).get("overall") or {}
    if other(overall) and overall.get("reportDate"):
        out.add(str(overall["reportDate"])[:10])
    for k in overall.get("keyQuestionRatings") or []:
        if other(k) and k.get("reportDate"):
            out.add(str(k["reportDate"])[:10])
    for h in d.get("historicRatings") or []:
        if other(h) and h.get("reportDate"):
            out.add(str(h["reportDate"])[:10])
    return out


def relationship_links(d: dict) -> dict[str, str]:
    """The locations this one replaced (predecessor) and that replaced it (successor), with CQC's reason for each
    ("New Provider", "Legal Entity Change", "Location Move" …), "; "-joined when there are several."""
    out = {}
    for kind, name in ((PREDECESSOR, "predecessor"), (SUCCESSOR, "successor")):
        links = [
            r
            for r in d.get("relationships") or []
            if isinstance(r, dict) and r.get("type") == kind and r.get("relatedLocationId")
        ]
        out[f"{name}_id"] = "; ".join(str(r["relatedLocationId"]) for r in links)
        out[f"{name}_name"] = "; ".join(str(r.get("relatedLocationName") or "") for r in links)
        out[f"{name}_reason"] = "; ".join(str(r.get("reason") or "") for r in links)
    return out


def list_filters(first_page_uri: str | None) -> dict[str, str]:
    """The filters a list response was asked for (its `firstPageUri` query), without paging."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(first_page_uri or "").query)
    return {k: v[0] for k, v in sorted(query.items()) if k not in ("page", "perPage") and v}


#: Every top-level key of a GET /locations/{id} response the loader knows (../shared/data/cqc/API_STRUCTURE.md), read
#: or deliberately not. A key outside this set that holds ratings is a framework the loader does not know yet.
KNOWN_LOCATION_KEYS = frozenset(
    {
        "alsoKnownAs", "assessment", "assessmentServiceGroup", "brandId", "brandName", "careHome", "constituency",
        "currentRatings", "deregistrationDate", "dormancy", "dormancyEndDate", "dormancyStartDate", "gacServiceTypes",
        "historicRatings", "inspectionAreas", "inspectionCategories", "inspectionDirectorate", "lastInspection",
        "lastReport", "localAuthority", "locationId", "locationTypes", "mainPhoneNumber", "name", "numberOfBeds",
        "odsCcgCode", "odsCcgName", "odsCode", "onspdCcgCode", "onspdCcgName", "onspdIcbCode", "onspdIcbName",
        "onspdLatitude", "onspdLongitude", "organisationType", "postalAddressCounty", "postalAddressLine1",
        "postalAddressLine2", "postalAddressTownCity", "postalCode", "providerId", "providerInspectionAreas", "region",
        "registeredManagerAbsentDate", "registrationDate", "registrationStatus", "regulatedActivities",
        "relationships", "reports", "specialisms", "type", "unpublishedReports", "uprn", "website",
    }
)  # fmt: skip
#: The rating blocks of an `assessment[]` element's `ratings` the loader reads (Single Assessment Framework).
KNOWN_ASSESSMENT_RATINGS = frozenset({"asgRatings"})


def holds_ratings(value: object, depth: int = 0) -> bool:
    """Whether a JSON value holds a `rating` anywhere inside it (a block of ratings, whatever its name)."""
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(k == "rating" or holds_ratings(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_ratings(v, depth + 1) for v in value)
    return False


def primary_category(d: dict) -> str:
    """The location's primary inspection category. Quirk: deregistered social care locations often have no
    `inspectionCategories`; `careHome` then says which of the two adult social care categories it was."""
    primary = [
        c.get("name", "") for c in d.get("inspectionCategories") or [] if str(c.get("primary")).lower() == "true"
    ]
    if primary:
        return primary[0]
    if d.get("type") == SOCIAL_CARE:
        return vocab.RESIDENTIAL if str(d.get("careHome", "")).upper() == "Y" else vocab.COMMUNITY
    return ""


@dataclass
class Collected:
    """What the rating steps gather from one location response, in the order they read it (the first of two
    ratings for one report and key question wins: see LocationParser.dedupe)."""

    path: Path
    loc: str
    outcomes: list[dict] = field(default_factory=list)  # location_id, report_date, key_question, rating, where
    groups: list[dict] = field(default_factory=list)  # SERVICE_RATING_COLUMNS
    assessments: list[dict] = field(default_factory=list)  # ASSESSMENT_COLUMNS
    statements: list[dict] = field(default_factory=list)  # QUALITY_STATEMENT_COLUMNS
    scores: list[dict] = field(default_factory=list)  # KEY_QUESTION_SCORE_COLUMNS
    #: The date the current overall rating was set (current_overall), for service ratings without their own.
    current_date: pd.Timestamp | None = None


class LocationParser:
    """Turns one location response into rows, one named step per CQC quirk; remembers data-quality findings.

    `location` runs the steps in order: attributes (primary_category), check_beds, check_text_fields,
    check_deregistration; then the ratings: current_overall, current_service_ratings, historic_ratings,
    assessments (Single Assessment Framework), unread_ratings (a framework the loader does not know), dedupe and
    mark_inherited. Each step has its own test in tests/sources/test_cqc_api_steps.py."""

    def __init__(self, folder: Path, today: dt.date):
        self.folder = folder
        self.today = today
        self.dq: list[dict] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def note(self, path: Path, where: str, loc: str, issue: str) -> None:
        self.dq.append({"file": self.rel(path), "row": where, "location_id": loc, "issue": issue})

    def date(self, path: Path, loc: str, where: str, value: object) -> pd.Timestamp | None:
        """A date field: None when absent; InputError when it is not a date; NaT and a note when in the future."""
        if value is None or value == "":
            return None
        m = _ISO_DATE.match(str(value)) if isinstance(value, str) else None
        if m is None:
            raise InputError(path, f"{value!r} is not a date; expected YYYY-MM-DD", column=where)
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise InputError(path, f"{value!r} is not a date; expected YYYY-MM-DD", column=where) from None
        if d > self.today:
            self.note(path, where, loc, f"date {d.isoformat()} is in the future (after the day of this run); not used")
            return pd.NaT  # not None: the note is made, nothing dated by it is used
        return pd.Timestamp(d)

    def rating(self, path: Path, loc: str, where: str, value: object) -> str | None:
        try:
            return vocab.normalise_rating(value if isinstance(value, str) else None if value is None else str(value))
        except vocab.UnknownWordError:
            self.note(path, where, loc, vocab.unrecognised_issue(value, "rating"))
            return vocab.UNRECOGNISED

    def domain(self, path: Path, loc: str, where: str, value: object) -> str | None:
        try:
            return vocab.normalise_domain(value)
        except vocab.UnknownWordError as e:
            self.note(path, where, loc, f"{e}; this rating is left out")
            return None

    # ---- one response, step by step -------------------------------------------------------------
    def location(self, path: Path, d: dict) -> tuple[dict, list[dict], list[dict], list[dict], list[dict], list[dict]]:
        row = self.attributes(path, d)
        self.check_beds(path, row["beds"])
        self.check_text_fields(path, row)
        self.check_deregistration(path, row, d)
        c = Collected(path, d["locationId"])
        self.current_overall(c, d)
        self.current_service_ratings(c, d)
        self.historic_ratings(c, d)
        for i, a in enumerate(d.get("assessment") or []):
            self.assessment(c, i, a)
        self.unread_ratings(c, d)
        kept = self.mark_inherited(c.loc, d, self.dedupe(c))
        return row, kept, c.groups, c.assessments, c.statements, c.scores

    def attributes(self, path: Path, d: dict) -> dict:
        """The location's row: its attributes as the API gives them (absent keys are blanks, never errors)."""
        loc = d["locationId"]
        return {
            "location_id": loc,
            "location_name": d.get("name", ""),
            "provider_id": d.get("providerId", ""),
            "category": primary_category(d),
            "care_home": str(d.get("careHome", "")).upper() == "Y",
            "local_authority": d.get("localAuthority", ""),
            "region": d.get("region", ""),
            "registration_date": self.date(path, loc, "registrationDate", d.get("registrationDate")),
            "deregistration_date": self.date(path, loc, "deregistrationDate", d.get("deregistrationDate")),
            "registration_status": d.get("registrationStatus", ""),
            "dormancy": d.get("dormancy", ""),
            "beds": d.get("numberOfBeds"),
            "service_types": "; ".join(g.get("name", "") for g in d.get("gacServiceTypes") or []),
            "specialisms": "; ".join(g.get("name", "") for g in d.get("specialisms") or [] if isinstance(g, dict)),
            "inspection_directorate": d.get("inspectionDirectorate", ""),
            "location_type": d.get("type", ""),
            "postcode": d.get("postalCode", ""),
            "registered_manager_absent_date": self.date(
                path, loc, "registeredManagerAbsentDate", d.get("registeredManagerAbsentDate")
            ),
            "dates_source": "api",
            # For the latest-ratings view (ratings-file columns):
            "brand_name": d.get("brandName", ""),
            "street": d.get("postalAddressLine1", ""),
            "city": d.get("postalAddressTownCity", ""),
            "url": f"https://www.cqc.org.uk/location/{loc}",
            **relationship_links(d),
        }

    @staticmethod
    def check_beds(path: Path, beds: object) -> None:
        """`numberOfBeds`: absent, or a whole number no larger than any care home has; else the file is broken."""
        if beds is not None and (isinstance(beds, bool) or not isinstance(beds, int) or not 0 <= beds <= MAX_BEDS):
            raise InputError(
                path,
                f"{shorten(repr(beds))} is not a number of beds; expected a whole number from 0 to {MAX_BEDS:,}",
                column="numberOfBeds",
            )

    def check_text_fields(self, path: Path, row: dict) -> None:
        """Text fields: null is blank, a number is its text, an object or list is an error; text longer than a
        spreadsheet cell holds is a data-quality row (report.xlsx cuts it)."""
        for key, field_name in _TEXT_FIELDS.items():
            value = row[key]
            if value is None:
                row[key] = ""
            elif not isinstance(value, str):
                if isinstance(value, (dict, list)):
                    raise InputError(path, f"{shorten(repr(value))} is not text; expected a string", column=field_name)
                row[key] = str(value)
            if len(row[key]) > CELL_LIMIT:
                self.note(
                    path,
                    field_name,
                    row["location_id"],
                    f"{field_name} holds {len(row[key]):,} characters, more than the "
                    f"{CELL_LIMIT:,} a spreadsheet cell holds: cut in report.xlsx",
                )

    def check_deregistration(self, path: Path, row: dict, d: dict) -> None:
        """A deregistered location without a deregistration date cannot be placed in time: listed."""
        if (
            row["registration_status"] == "Deregistered"
            and row["deregistration_date"] is None
            and not d.get("deregistrationDate")
        ):
            self.note(
                path,
                "deregistrationDate",
                row["location_id"],
                "deregistered, but no deregistration date: not counted as active at any date",
            )

    def add(
        self, c: Collected, where: str, kq_value: object, rating_value: object, date: pd.Timestamp | None, kq_where: str
    ) -> None:
        """One published outcome, when its rating, key question and date can be read (else a data-quality row)."""
        rating = self.rating(c.path, c.loc, where, rating_value)
        if rating is None:
            return
        kq = self.domain(c.path, c.loc, kq_where, kq_value)
        if kq is None:
            return
        if date is pd.NaT:  # a future date, already noted
            return
        if date is None:
            if rating != "No published rating":
                self.note(c.path, where, c.loc, f"rating {rating!r} has no report date; left out of the history")
            return
        c.outcomes.append(
            {"location_id": c.loc, "report_date": date, "key_question": kq, "rating": rating, "where": where}
        )

    def current_overall(self, c: Collected, d: dict) -> None:
        """`currentRatings.overall` and its key questions. Quirk: where a later report rated nothing, CQC moved the
        overall report date to it (overall_rating_dates): the rating keeps its own date, the later report is
        "Inspected but not rated"."""
        cr = d.get("currentRatings") or {}
        overall = cr.get("overall") or {}
        set_on, unrated_on = overall_rating_dates(
            overall.get("reportDate") or cr.get("reportDate"),
            [k.get("reportDate") for k in overall.get("keyQuestionRatings") or []],
        )
        cr_date = c.current_date = self.date(c.path, c.loc, "currentRatings.overall.reportDate", set_on)
        self.add(
            c, "currentRatings.overall.rating", "Overall", overall.get("rating"), cr_date, "currentRatings.overall"
        )
        if unrated_on is not None:
            unrated = self.date(c.path, c.loc, "currentRatings.overall.reportDate", unrated_on)
            self.add(
                c,
                "currentRatings.overall.reportDate",
                "Overall",
                "Inspected but not rated",
                unrated,
                "currentRatings.overall",
            )
        for i, k in enumerate(overall.get("keyQuestionRatings") or []):
            base = f"currentRatings.overall.keyQuestionRatings[{i}]"
            kd = self.date(c.path, c.loc, f"{base}.reportDate", k.get("reportDate")) if k.get("reportDate") else cr_date
            self.add(c, f"{base}.rating", k.get("name"), k.get("rating"), kd, f"{base}.name")

    def current_service_ratings(self, c: Collected, d: dict) -> None:
        """`currentRatings.serviceRatings`: ratings of a service group, dated by their own report or the overall's
        (run after current_overall)."""
        cr = d.get("currentRatings") or {}
        for i, s in enumerate(cr.get("serviceRatings") or []):
            sd = self.date(c.path, c.loc, f"currentRatings.serviceRatings[{i}].reportDate", s.get("reportDate"))
            r = self.rating(c.path, c.loc, f"currentRatings.serviceRatings[{i}].rating", s.get("rating"))
            if s.get("name") and r is not None:
                c.groups.append(
                    {
                        "location_id": c.loc,
                        "service_group": s["name"],
                        "key_question": "Overall",
                        "rating": r,
                        "publication_date": sd or c.current_date,
                    }
                )

    def historic_ratings(self, c: Collected, d: dict) -> None:
        """`historicRatings`, newest first. Quirk: a focused inspection lists only the key questions it rated."""
        for i, h in enumerate(d.get("historicRatings") or []):
            base = f"historicRatings[{i}]"
            hd = self.date(c.path, c.loc, f"{base}.reportDate", h.get("reportDate"))
            ho = h.get("overall") or {}
            self.add(c, f"{base}.overall.rating", "Overall", ho.get("rating"), hd, f"{base}.overall")
            for j, k in enumerate(ho.get("keyQuestionRatings") or []):
                kb = f"{base}.overall.keyQuestionRatings[{j}]"
                self.add(c, f"{kb}.rating", k.get("name"), k.get("rating"), hd, f"{kb}.name")

    def assessment(self, c: Collected, i: int, a: dict) -> None:
        """One Single Assessment Framework `assessment[]` element. Quirks: `currentRatings.overall` is empty for
        social care, the ratings are per service group (`ratings.asgRatings`), dated by the plan's publication;
        only an assessment of one service group gives location-level ratings. A rating block other than
        `asgRatings` is a framework the loader does not know: listed (unread_ratings)."""
        base = f"assessment[{i}]"
        published = self.date(
            c.path, c.loc, f"{base}.assessmentPlanPublishedDateTime", a.get("assessmentPlanPublishedDateTime")
        )
        ratings = a.get("ratings") or {}
        asgs = ratings.get("asgRatings") or []
        for j, g in enumerate(asgs):
            self.service_group_assessment(
                c, f"{base}.ratings.asgRatings[{j}]", g, published, location_level=len(asgs) == 1
            )
        if len(asgs) > 1:
            self.note(
                c.path,
                f"{base}.ratings.asgRatings",
                c.loc,
                "assessment rates several service groups: its location-level ratings are not known",
            )
        for key in sorted(k for k in ratings if k not in KNOWN_ASSESSMENT_RATINGS and holds_ratings(ratings[k])):
            self.note(c.path, f"{base}.ratings.{key}", c.loc, unread_issue(key))

    def service_group_assessment(
        self, c: Collected, gb: str, g: dict, published: pd.Timestamp | None, *, location_level: bool
    ) -> None:
        """One `asgRatings[]` element: the group's rating, its key questions' ratings and percentage scores, and
        the quality statements' scores."""
        g_rating = self.rating(c.path, c.loc, f"{gb}.rating", g.get("rating"))
        c.assessments.append(
            {
                "location_id": c.loc,
                "published": published,
                "assessment_plan_id": g.get("assessmentPlanId", ""),
                "service_group": g.get("name", ""),
                "rating": g_rating,
                "assessment_date": self.date(c.path, c.loc, f"{gb}.assessmentDate", g.get("assessmentDate")),
                "status": g.get("status", ""),
            }
        )
        if g.get("name"):
            c.groups.append(
                {
                    "location_id": c.loc,
                    "service_group": g["name"],
                    "key_question": "Overall",
                    "rating": g_rating,
                    "publication_date": published,
                }
            )
        for m, k in enumerate(g.get("keyQuestionRatings") or []):
            kb = f"{gb}.keyQuestionRatings[{m}]"
            self.key_question_score(c, kb, g, k, published)
            quality_statements(c, g, k)
            if location_level:
                self.add(c, f"{kb}.rating", k.get("name"), k.get("rating"), published, f"{kb}.name")
        if location_level:
            self.add(c, f"{gb}.rating", "Overall", g.get("rating"), published, f"{gb}.name")

    def key_question_score(self, c: Collected, kb: str, g: dict, k: dict, published: pd.Timestamp | None) -> None:
        """A key question's rating and CQC's percentage score (given from 2023 to December 2024 only)."""
        kq_name = self.domain(c.path, c.loc, f"{kb}.name", k.get("name")) if k.get("name") else None
        if kq_name is None:
            return
        c.scores.append(
            {
                "location_id": c.loc,
                "published": published,
                "assessment_plan_id": g.get("assessmentPlanId", ""),
                "service_group": g.get("name", ""),
                "key_question": kq_name,
                "rating": self.rating(c.path, c.loc, f"{kb}.rating", k.get("rating")),
                "percentage_score": _int_or_none(k.get("percentageScore")),
                "status": k.get("status", ""),
            }
        )

    def unread_ratings(self, c: Collected, d: dict) -> None:
        """A top-level block the loader does not know that holds ratings (a framework newer than this loader):
        never read silently as nothing, listed in the data-quality table."""
        for key in sorted(k for k in d if k not in KNOWN_LOCATION_KEYS and holds_ratings(d[k])):
            self.note(c.path, key, c.loc, unread_issue(key))

    def dedupe(self, c: Collected) -> list[dict]:
        """One rating per report date and key question: identical repeats are one outcome; disagreements noted."""
        seen: dict[tuple, dict] = {}
        for o in c.outcomes:
            key = (o["report_date"], o["key_question"])
            if key not in seen:
                seen[key] = o
            elif seen[key]["rating"] != o["rating"]:
                first = seen[key]
                self.note(
                    c.path,
                    o["where"],
                    c.loc,
                    f"{o['key_question']} on {key[0].date().isoformat()} is {o['rating']!r} here but "
                    f"{first['rating']!r} at {first['where']}; {first['where']} used",
                )
        return [{k: v for k, v in o.items() if k != "where"} | {"source": "api"} for o in seen.values()]

    @staticmethod
    def mark_inherited(loc: str, d: dict, outcomes: list[dict]) -> list[dict]:
        """Quirk: a rating CQC gives with another location's `organisationId` was taken over from the location this
        one replaced (inherited_report_dates). Ratings dated before registration are marked in load_api_folder."""
        inherited = {pd.Timestamp(x) for x in inherited_report_dates(loc, d) if _ISO_DATE.match(x)}
        for o in outcomes:
            o["inherited"] = o["report_date"] in inherited
        return outcomes


def unread_issue(key: str) -> str:
    return (
        f"{key} holds ratings in a form this report does not know (a newer CQC framework?): "
        "not read; check the location on CQC's website"
    )


def quality_statements(c: Collected, g: dict, k: dict) -> None:
    """A key question's quality statements (`topicareas`) and their scores: "4 - …" is a score of 4."""
    for t in k.get("topicareas") or []:
        score_text = t.get("qualityStatementscore", "")
        lead = re.match(r"^\s*(\d)\b", score_text or "")
        c.statements.append(
            {
                "location_id": c.loc,
                "assessment_plan_id": g.get("assessmentPlanId", ""),
                "service_group": g.get("name", ""),
                "key_question": k.get("name", ""),
                "key_question_score_percent": _int_or_none(k.get("percentageScore")),
                "quality_statement_id": str(t.get("qualityStatementId", "")),
                "quality_statement": t.get("name", ""),
                "score": int(lead[1]) if lead else None,
                "score_text": score_text or "",
                "status": t.get("status", ""),
            }
        )


def _int_or_none(value: object) -> int | None:
    """A whole number that fits an integer column (percentages, scores), or None."""
    try:
        n = int(str(value)) if len(str(value)) <= 18 else None
    except (TypeError, ValueError):
        return None
    return n


def location_files(folder: Path) -> list[Path]:
    details = folder / LOCATION_DIR
    files = sorted(details.glob("*.json")) if details.is_dir() else []
    single = folder / "location_details.json"
    if single.is_file():
        files.append(single)
    return files


def _provider_names(folder: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for lst in sorted(folder.glob("providers*.json")):
        data = read_json(lst)
        for p in (data.get("providers") or []) if isinstance(data, dict) else []:
            if isinstance(p, dict) and p.get("providerId") and p.get("providerName"):
                names[p["providerId"]] = p["providerName"]
    pdir = folder / PROVIDER_DIR
    for f in sorted(pdir.glob("*.json")) if pdir.is_dir() else []:
        data = read_json(f)
        if not isinstance(data, dict) or "providerId" not in data:
            raise InputError(
                f, "expected a CQC provider response (a JSON object with 'providerId')", column="providerId"
            )
        if data.get("name"):
            names[data["providerId"]] = data["name"]
    return names


def _listed(folder: Path) -> tuple[set[str], list[tuple[Path, int]], dict[str, str]]:
    """Location ids named by list responses (locations*.json), each list's `total`, and the filters the lists
    were asked for (those of every list; see list_filters)."""
    ids: set[str] = set()
    totals = []
    filters: dict[str, str] | None = None
    for f in sorted(folder.glob("locations*.json")):
        data = read_json(f)
        if not isinstance(data, dict) or not isinstance(data.get("locations"), list):
            raise InputError(
                f, "expected a CQC list response (a JSON object with a 'locations' list)", column="locations"
            )
        for i, item in enumerate(data["locations"]):
            if not isinstance(item, dict) or not item.get("locationId"):
                raise InputError(f, "expected an object with a 'locationId'", column=f"locations[{i}]")
            ids.add(item["locationId"])
        if isinstance(data.get("total"), int):
            totals.append((f, data["total"]))
        asked = list_filters(data.get("firstPageUri") if isinstance(data.get("firstPageUri"), str) else None)
        filters = asked if filters is None else {k: v for k, v in filters.items() if asked.get(k) == v}
    return ids, totals, filters or {}


def load_api_folder(
    path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,), today: dt.date | None = None
) -> ApiFolder:
    """Load a folder of CQC API responses. Raise InputError naming file and field on broken input."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(folder, "folder not found; expected a folder of CQC API responses (location_details/…)")
    files = location_files(folder)
    if not files:
        raise InputError(folder, f"no location responses; expected {LOCATION_DIR}/location_<id>.json files")
    parser = LocationParser(folder, today or dt.date.today())
    providers = _provider_names(folder)
    by_id: dict[str, tuple[Path, dict]] = {}
    rows, outcomes, groups, assessments, statements, scores = [], [], [], [], [], []
    for f in files:
        data = read_json(f)
        if not isinstance(data, dict) or not isinstance(data.get("locationId"), str) or not data["locationId"]:
            raise InputError(
                f, "expected a CQC location response (a JSON object with a 'locationId')", column="locationId"
            )
        loc = data["locationId"]
        m = _FILE_ID.match(f.name)
        if f.parent.name == LOCATION_DIR and (m is None or m[1] != loc):
            named = m[1] if m else f.name
            raise InputError(
                f,
                f"the file name says location {named} but its locationId is {loc}; "
                "expected location_<locationId>.json (re-fetch this location)",
                column="locationId",
            )
        if loc in by_id:
            other, before = by_id[loc]
            if before == data:
                continue
            diff = sorted(k for k in set(before) | set(data) if before.get(k) != data.get(k))
            raise InputError(
                f,
                f"location {loc} is also in {parser.rel(other)} with different content "
                f"(field(s) {', '.join(diff[:5])}); expected one response per location",
                column=diff[0] if diff else None,
            )
        by_id[loc] = (f, data)
        try:
            row, o, g, a, s, k = parser.location(f, data)
        except (AttributeError, TypeError, KeyError, IndexError) as e:
            # A value of the wrong kind (a list where the API gives an object, and so on).
            raise InputError(
                f,
                f"unexpected structure ({type(e).__name__}: {e}); expected a CQC location response "
                "as described in ../shared/data/cqc/API_STRUCTURE.md",
            ) from None
        row["provider_name"] = providers.get(row["provider_id"], "")
        rows.append(row)
        outcomes += o
        groups += g
        assessments += a
        statements += s
        scores += k

    listed, totals, filters = _listed(folder)
    for loc in sorted(listed - set(by_id)):
        parser.dq.append(
            {
                "file": "locations.json",
                "row": "locations",
                "location_id": loc,
                "issue": f"listed, but {LOCATION_DIR}/location_{loc}.json is missing: not in the report",
            }
        )
    for f, total in totals:
        if total > len(listed):
            parser.dq.append(
                {
                    "file": parser.rel(f),
                    "row": "total",
                    "location_id": "",
                    "issue": f"the API said {total:,} locations but the list responses name {len(listed):,}; "
                    "a page may be missing",
                }
            )

    all_locations = pd.DataFrame(rows)
    unmatched = unmatched_location_types(all_locations, location_types, f"{folder.name} (field 'type')")
    if unmatched:
        raise LocationTypesError(folder, unmatched, column="type")
    keep = all_locations["location_type"].isin(location_types)
    excluded = (
        all_locations.loc[~keep]
        .groupby("location_type", sort=True)
        .agg(rows=("location_id", "size"), locations=("location_id", "nunique"))
        .reset_index()
    )
    kept_ids = set(all_locations.loc[keep, "location_id"])
    locations = normalise_locations(all_locations.loc[keep])
    outcome_frame = pd.DataFrame(
        outcomes, columns=["location_id", "report_date", "key_question", "rating", "source", "inherited"]
    )
    outcome_frame = outcome_frame[outcome_frame["location_id"].isin(kept_ids)]
    # The API lists a predecessor's ratings under the location that took the service over (they are dated
    # before its registration): they are inherited, not inspections of this location.
    # So are ratings CQC gives with the organisationId of another location (inherited_report_dates).
    registered = outcome_frame["location_id"].map(locations.set_index("location_id")["registration_date"])
    outcome_frame = outcome_frame.assign(
        inherited=outcome_frame["inherited"].astype(bool) | (outcome_frame["report_date"] < registered)
    )
    outcome_frame = normalise_outcomes(outcome_frame)
    dq = pd.DataFrame(parser.dq, columns=list(DATA_QUALITY_COLUMNS))
    dq = dq[dq["location_id"].isin(kept_ids) | ~dq["location_id"].isin(set(by_id))].reset_index(drop=True)

    def frame(records: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
        out = pd.DataFrame(records, columns=list(columns))
        return out[out["location_id"].isin(kept_ids)].reset_index(drop=True)

    history = History(
        outcomes_by_location_date_key_question=outcome_frame,
        locations_all=locations,
        data_quality=dq,
        assessments_by_location_service_group=frame(assessments, ASSESSMENT_COLUMNS),
        quality_statements_by_location_assessment=frame(statements, QUALITY_STATEMENT_COLUMNS).astype(
            {"score": "Int64", "key_question_score_percent": "Int64"}
        ),
    )
    service_ratings = pd.DataFrame(groups, columns=list(SERVICE_RATING_COLUMNS))
    key_question_scores = frame(scores, KEY_QUESTION_SCORE_COLUMNS).astype({"percentage_score": "Int64"})
    return ApiFolder(
        path=folder,
        sha256=sha256_of_folder(folder),
        history=history,
        service_ratings=service_ratings,
        excluded_by_location_type=excluded,
        files=len(by_id),
        key_question_scores=key_question_scores,
        list_filters=filters,
    )
