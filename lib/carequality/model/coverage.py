"""What CQC's inputs cover, stated rather than assumed: computed once from the inputs and stored on the Model
(`Model.coverage`). A section whose input lacks what it needs says what the input does not cover instead of
reporting 0 (measures decide per section; see measures/changes.py and measures/overview.py).

- A ratings file (CQC's "Care directory with ratings") lists the locations registered on its date: no services
  that left the register, no registration dates, no service types or beds.
- Monthly files list who was registered on each file's date: openings and closures are known between the first
  file and the last, not before the first.
- An API download lists every location CQC ever registered for the area, with its dates, service types and beds,
  unless it was asked for care homes only or for registered locations only. Provider names come only from the
  provider files beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carequality import vocab

#: provider_names values
ALL, SOME, NONE = "all", "some", "none"


@dataclass(frozen=True)
class Coverage:
    """What the inputs cover. The defaults describe a complete input (everything covered)."""

    #: The inputs list locations that left the register, with the date they left.
    closures: bool = True
    #: The inputs give each location's registration date.
    registrations: bool = True
    #: Openings and closures are known from this day (monthly files: the first file's date); None: no limit.
    register_from: pd.Timestamp | None = None
    #: Community-based services are in the inputs (False when they hold care homes only).
    community_services: bool = True
    #: Why community services are not covered, in plain words ("" when they are).
    community_missing_because: str = ""
    #: Provider names: ALL, SOME or NONE of the council's locations have one.
    provider_names: str = ALL
    #: Council locations whose provider is not named in the data: shown by CQC brand, and shown as not named.
    #: Monthly CQC files the history comes from (0 without them): two say less than a month-by-month series.
    snapshot_files: int = 0
    providers_by_brand: int = 0
    providers_not_named: int = 0
    #: Regulated service types (and beds) are given.
    service_types: bool = True

    def register_known(self, start: object) -> bool:
        """Whether openings and closures are known from `start` on."""
        return self.register_from is None or pd.Timestamp(start) >= self.register_from


def provider_name_coverage(names: pd.Series) -> str:
    """ALL, SOME or NONE: how many of the rows have a provider name."""
    given = names.fillna("").astype(str).str.strip().ne("")
    if len(given) == 0 or given.all():
        return ALL
    return SOME if given.any() else NONE


def community_coverage(
    categories: pd.Series, care_home: pd.Series, list_filters: dict[str, str] | None
) -> tuple[bool, str]:
    """Whether community-based services are covered, and why not: an API download asked for care homes only, or
    an input whose locations are all care homes."""
    if list_filters and list_filters.get("careHome", "").upper() == "Y":
        return False, "the download from CQC asked for care homes only"
    if len(categories) and not categories.eq(vocab.COMMUNITY).any() and care_home.fillna(False).astype(bool).all():
        return False, "the CQC data used here list care homes only"
    return True, ""


def input_coverage(
    *,
    api: bool,
    api_list_filters: dict[str, str] | None,
    snapshot_dates: list[pd.Timestamp],
    history_locations: pd.DataFrame | None,
    latest_locations: pd.DataFrame,
    council_locations: pd.DataFrame,
) -> Coverage:
    """Coverage of the inputs params name.

    `history_locations`: the history's locations_all (every area), or None without a history input;
    `latest_locations`: every location of the latest ratings (every area); `council_locations`: the council's.
    """
    filters = api_list_filters or {}
    if history_locations is None:  # a ratings file alone: who is registered on its date
        closures = registrations = False
        register_from = None
    else:
        registrations = True
        left = history_locations["registration_status"].eq("Deregistered").any()
        registered_only = filters.get("registrationStatus", "").casefold() == "registered"
        closures = bool(left) and not registered_only
        if api:  # the API gives dates; monthly files added beside it only add to them
            register_from = None
        else:
            register_from = min(snapshot_dates) if snapshot_dates else None
            # One monthly file says who is registered on its date and nothing about before it.
            closures = closures or len(snapshot_dates) > 1
    pool = history_locations if history_locations is not None else latest_locations
    community, because = community_coverage(pool["category"], pool["care_home"], filters if api else None)
    types = "service_types" in council_locations.columns and council_locations["service_types"].fillna("").ne("").any()
    return Coverage(
        closures=closures,
        registrations=registrations,
        register_from=register_from,
        community_services=community,
        community_missing_because=because,
        provider_names=provider_name_coverage(council_locations["provider_name"]) if len(council_locations) else ALL,
        snapshot_files=0 if api else len(snapshot_dates),
        service_types=bool(types) or (api and not len(council_locations)),
    )


def provider_labels(locations: pd.DataFrame) -> pd.Series:
    """Each location's provider as every table names it: the provider's name; where CQC's data used here do not
    name it, the location's CQC brand marked vocab.BRAND_MARK ("BRAND Bloomcare" → "Bloomcare (brand)"); else
    vocab.PROVIDER_NOT_NAMED. Never blank."""
    names = locations["provider_name"].fillna("").astype(str).str.strip()
    brand = (
        locations["brand_name"].fillna("").astype(str).str.strip()
        if "brand_name" in locations.columns
        else pd.Series("", index=locations.index)
    )
    brand = brand.str.replace(r"^BRAND\s+", "", regex=True).where(~brand.isin(["", "-"]), "")
    out = names.where(names != "", (brand + vocab.BRAND_MARK).where(brand != "", vocab.PROVIDER_NOT_NAMED))
    return out


def provider_name_counts(locations: pd.DataFrame) -> tuple[int, int]:
    """Locations whose provider CQC's data used here do not name: (shown by brand, shown as not named)."""
    names = locations["provider_name"].fillna("").astype(str).str.strip()
    labels = provider_labels(locations)
    missing = names == ""
    return int((missing & labels.str.endswith(vocab.BRAND_MARK)).sum()), int(
        (missing & labels.eq(vocab.PROVIDER_NOT_NAMED)).sum()
    )
