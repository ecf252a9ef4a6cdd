"""`carequality fetch`: download one council's CQC API responses into the recorded layout.

The layout is that of ../shared/data/cqc/api/oldham_2025-03/, which the API loader reads::

    locations.json                        GET /locations?localAuthority=NAME, every page merged into one
    location_details/location_<id>.json   GET /locations/{id}, one per listed location
    providers.json                        GET /providers?localAuthority=NAME, every page merged into one
    provider_details/provider_<id>.json   GET /providers/{id}, one per listed provider

This is the only code in carequality that uses the network. The subscription key is read from an
environment variable, sent only in the `Ocp-Apim-Subscription-Key` header and never printed or written.
Requests are retried with exponential backoff on 429 (honouring Retry-After), 5xx, dropped connections
and timeouts. Each file is written atomically, and a file that exists and parses is never fetched again,
so an interrupted download resumes where it stopped. See docs/fetch.md.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import math
import os
import re
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from carequality.councils import find_council
from carequality.errors import InputError
from carequality.run.atomic import write_atomic

DEFAULT_BASE_URL = "https://api.service.cqc.org.uk/public/v1"
BASE_URL_ENV = "CQC_API_BASE_URL"
KEY_ENV = "CQC_SUBSCRIPTION_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
#: Page size asked of list endpoints; the merged list file records it as its `perPage`.
PER_PAGE = 1000

Log = Callable[[str], None]


class FetchError(Exception):
    """A download that cannot go on. The message names the request path, never the key."""

    def __init__(self, message: str, *, bad_input: bool = False):
        super().__init__(message)
        self.bad_input = bad_input


class NotFoundError(FetchError):
    """HTTP 404. Fatal for a list; for one location's or provider's details, recorded and skipped."""


class Secret:
    """A value that never shows itself in a repr, str, log or traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class Retry:
    """How hard to try: `retries` after the first attempt, waiting `backoff` seconds, doubling each time."""

    retries: int = 5
    backoff: float = 1.0
    max_backoff: float = 60.0
    #: Longest Retry-After honoured, in seconds; a longer one is cut to this.
    max_retry_after: float = 300.0
    timeout: float = 60.0

    def delay(self, retry: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return min(self.backoff * 2 ** (retry - 1), self.max_backoff)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_key(env_name: str, environ: Mapping[str, str] = os.environ) -> Secret:
    """The subscription key from the environment variable `env_name`, or InputError (exit 2)."""
    value = environ.get(env_name, "").strip()
    if not value:
        raise InputError(
            None,
            f"no CQC API subscription key: set the environment variable {env_name} to your key "
            "(keys are free from https://api-portal.service.cqc.org.uk)",
        )
    if not re.fullmatch(r"[\x21-\x7e]+", value):
        raise InputError(None, f"the CQC API subscription key in {env_name} holds spaces or non-ASCII characters")
    return Secret(value)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class CqcApi:
    """GET JSON from the CQC API with the key header, retrying what is worth retrying."""

    def __init__(
        self,
        base_url: str,
        key: Secret,
        retry: Retry = Retry(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        log: Log = _stderr,
    ):
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.retry = retry
        self._sleep = sleep
        self._log = log

    def __repr__(self) -> str:
        return f"CqcApi({self.base_url!r}, key=***)"

    def get(self, uri: str) -> Any:
        """The parsed JSON at `uri` (a path below the base URL, such as "/locations/1-117886088")."""
        attempts = self.retry.retries + 1
        for attempt in range(1, attempts + 1):
            problem, retry_after = self._try(uri)
            if not isinstance(problem, str):
                return problem.value
            if attempt == attempts:
                raise FetchError(f"gave up on GET {uri} after {attempts} attempts; the last failed with {problem}")
            wait = self.retry.delay(attempt, retry_after)
            self._log(f"  {problem} on GET {uri}; retry {attempt} of {self.retry.retries} in {wait:g} s")
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _try(self, uri: str) -> tuple[_Got | str, float | None]:
        """One attempt: the parsed body, or a description of a failure worth retrying and its Retry-After."""
        request = urllib.request.Request(
            self.base_url + uri,
            headers={KEY_HEADER: self._key.reveal(), "Accept": "application/json", "User-Agent": "carequality-fetch"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.retry.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            status, retry_after = e.code, parse_retry_after(e.headers.get("Retry-After") if e.headers else None)
            e.close()
            if status in (401, 403):
                raise FetchError(
                    f"the CQC API refused the subscription key (HTTP {status}) on GET {uri}", bad_input=True
                ) from None
            if status == 429 or 500 <= status <= 599:
                return f"HTTP {status}", retry_after
            if status == 404:
                raise NotFoundError(f"GET {uri} failed with HTTP 404 (not found)") from None
            raise FetchError(f"GET {uri} failed with HTTP {status}") from None
        except (OSError, http.client.HTTPException) as e:  # refused, reset or dropped connections; timeouts
            return _describe(e), None
        try:
            return _Got(json.loads(body)), None
        except ValueError:
            raise FetchError(f"GET {uri} returned something that is not JSON") from None


@dataclass(frozen=True)
class _Got:
    value: Any


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, TimeoutError):
        return "a timeout"
    if isinstance(error, http.client.RemoteDisconnected):
        return "a dropped connection"
    return f"a connection error ({type(error).__name__})"


# --- the three JSON styles of the recorded files -------------------------------------------------


def listing_json(obj: Any) -> str:
    """locations.json and providers.json: 4-space indent, the API's key order, a final newline."""
    return json.dumps(obj, indent=4) + "\n"


def location_json(obj: Any) -> str:
    """location_details/*.json: 4-space indent, sorted keys, no final newline."""
    return json.dumps(obj, indent=4, sort_keys=True)


def provider_json(obj: Any) -> str:
    """provider_details/*.json: the API's key order, each object or array on one line when it fits in 80
    columns (the style Prettier gives JSON), 4-space indent, a final newline."""
    return _fit(obj, 0, 0, "") + "\n"


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)}: {_flat(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return json.dumps(value)


def _fit(value: Any, level: int, column: int, after: str) -> str:
    flat = _flat(value)
    if not isinstance(value, (dict, list)) or not value or column + len(flat) + len(after) <= 80:
        return flat
    indent = "    " * (level + 1)
    items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    lines = []
    for i, (key, item) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        start = indent + (f"{json.dumps(key)}: " if key is not None else "")
        lines.append(start + _fit(item, level + 1, len(start), comma) + comma)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + "\n".join(lines) + "\n" + "    " * level + closing


# --- files ----------------------------------------------------------------------------------------


def read_done(path: Path) -> Any | None:
    """The parsed content of a finished file, or None when it is missing or does not parse."""
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def named_providers(folder: Path) -> set[str]:
    """The providers the location files in `folder` name (`providerId`): the council's locations' providers,
    wherever their registered office is. CQC's provider list for a council names only those with an office in it."""
    ids: set[str] = set()
    for path in sorted((folder / "location_details").glob("location_*.json")):
        detail = read_done(path)
        if (
            isinstance(detail, dict)
            and isinstance(detail.get("providerId"), str)
            and _SAFE_ID.fullmatch(detail["providerId"])
        ):
            ids.add(detail["providerId"])
    return ids


# --- the download ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of API object: its list endpoint, list key, id key, detail folder and file style."""

    endpoint: str  # "locations"
    id_key: str  # "locationId"
    singular: str  # "location"
    detail_json: Callable[[Any], str]


LOCATIONS = Kind("locations", "locationId", "location", location_json)
PROVIDERS = Kind("providers", "providerId", "provider", provider_json)

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class FetchResult:
    out: Path
    local_authority: str
    fetched: int
    present: int
    #: "full" (every listed file not yet present) or "update" (only what CQC says changed in `window`).
    mode: str = "full"
    #: (start, end) of the window covered, as ISO timestamps; start is None for a full fetch.
    window: tuple[str | None, str | None] = (None, None)
    #: Ids CQC's changes list named in the window (every council's), for an update.
    changed: int = 0
    #: Ids whose details answered HTTP 404: recorded in STATE_FILE, not fatal.
    not_found: tuple[str, ...] = ()
    #: The name sent to CQC as localAuthority.
    cqc_name: str = ""


#: The record of what a folder holds: council, name sent to CQC, the window covered, ids not found, and an
#: update in progress (so that an interrupted update resumes). Not named locations*/providers*: the loader reads those.
STATE_FILE = "carequality_fetch.json"
#: Where an update gathers its files before they are merged into the folder.
STAGING = ".update"
CHANGES_PER_PAGE = 1000


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_since(text: str) -> str:
    """--since: a date (YYYY-MM-DD, taken as midnight UTC) or an ISO timestamp → 'YYYY-MM-DDTHH:MM:SSZ'."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            when = datetime.fromisoformat(value).replace(tzinfo=UTC)
        else:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
    except ValueError:
        raise InputError(
            None, f"--since {text!r} is not a date; expected YYYY-MM-DD (or a timestamp such as 2025-03-01T09:30:00Z)"
        ) from None
    return _iso(when)


def read_state(out: Path) -> dict:
    """The folder's STATE_FILE, or {} when there is none; InputError when it is not a fetch record."""
    path = out / STATE_FILE
    if not path.exists():
        return {}
    data = read_done(path)
    if not isinstance(data, dict):
        raise InputError(path, "expected the JSON record carequality fetch keeps; delete it to start the record afresh")
    return data


def _save_state(out: Path, state: dict) -> None:
    write_atomic(out / STATE_FILE, json.dumps(state, indent=2, sort_keys=True) + "\n")


def _listed_for(out: Path) -> str | None:
    """The localAuthority a finished locations.json in `out` was asked for, if any."""
    done = read_done(out / "locations.json")
    if done is None or not _is_listing(done, LOCATIONS):
        return None
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(done.get("firstPageUri") or "").query)
    return asked.get("localAuthority", [None])[0]


def fetch(
    council: str | None,
    out: str | Path,
    *,
    key_env: str = KEY_ENV,
    base_url: str | None = None,
    retry: Retry = Retry(),
    environ: Mapping[str, str] = os.environ,
    sleep: Callable[[float], None] = time.sleep,
    log: Log = _stderr,
    cqc_name: str | None = None,
    since: str | None = None,
    update: bool = False,
    now: Callable[[], datetime] = _utc_now,
) -> FetchResult:
    """Download the council's (ONS code or name) locations and providers from the CQC API into `out`.

    With `update` or `since`, refetch only what CQC's changes lists name for the window from `since` (default:
    the end of the window the folder last covered) to now, plus locations and providers newly listed for the
    council, and merge them into `out` (see docs/fetch.md). `cqc_name` overrides the name sent as localAuthority.
    """
    out = Path(out)
    update = update or since is not None
    state = read_state(out)
    if council is None:
        council = state.get("ons_code") or state.get("council") or _listed_for(out)
        if council is None:
            raise InputError(
                out,
                "no earlier download here to update (no locations.json or "
                f"{STATE_FILE}); give --local-authority and --out for a full download first",
            )
    try:
        found = find_council(council)
    except KeyError:
        raise InputError(
            None, f"unknown council {council!r}: give an ONS code or name (`carequality councils` lists them)"
        ) from None
    local_authority = found.name
    if state.get("ons_code") not in (None, found.ons_code):
        raise FetchError(
            f"{out / STATE_FILE} records a download for {state.get('council')}, not {local_authority}: "
            "choose another --out folder",
            bad_input=True,
        )
    cqc_name = (cqc_name or "").strip() or state.get("cqc_name") or local_authority
    if retry.retries < 0 or retry.backoff < 0 or retry.timeout <= 0:
        raise InputError(None, "--retries and --backoff must be 0 or more and --timeout more than 0")
    start = parse_since(since) if since is not None else None
    base_url = base_url or environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise InputError(None, f"the API base URL must start with http:// or https://, not {base_url!r}")
    api = CqcApi(base_url, read_key(key_env, environ), retry, sleep=sleep, log=log)
    listed_for = _listed_for(out)
    if listed_for is not None and listed_for != cqc_name:
        raise FetchError(
            f"{out / 'locations.json'} is a download for {listed_for}, not {cqc_name}: "
            "choose another --out folder (or give --cqc-name if CQC spells the council so)",
            bad_input=True,
        )
    state.update(council=local_authority, ons_code=found.ons_code, cqc_name=cqc_name)
    if update:
        return _update(api, out, state, start, now, log)
    return _full(api, out, state, now, log)


def _full(api: CqcApi, out: Path, state: dict, now: Callable[[], datetime], log: Log) -> FetchResult:
    cqc_name = state["cqc_name"]
    log(f"Fetching CQC API data for {state['council']} (as {cqc_name!r}) from {api.base_url} into {out}")
    lists_done = all(_is_listing(read_done(out / f"{k.endpoint}.json"), k) for k in (LOCATIONS, PROVIDERS))
    if not lists_done and "covered_to" not in state:
        # The data cover CQC as of this moment at the latest; a resumed download keeps the first start.
        state.setdefault("full_started", _iso(now()))
        _save_state(out, state)
    counts = [0, 0]
    missing: dict[str, list[str]] = {}
    for kind in (LOCATIONS, PROVIDERS):
        listing, fetched = _listing(api, out, kind, cqc_name, log)
        counts[0 if fetched else 1] += 1
        ids = [entry[kind.id_key] for entry in listing[kind.endpoint]]
        if kind is PROVIDERS:  # the list names only providers whose office is in the area
            ids += sorted(named_providers(out) - set(ids))
        fetched_details, present_details, absent = _details(api, out, kind, ids, log)
        counts[0] += fetched_details
        counts[1] += present_details
        missing[kind.endpoint] = absent
    window: tuple[str | None, str | None] = (None, state.get("covered_to"))
    if "full_started" in state:
        window = (None, state.pop("full_started"))
        state["covered_to"] = window[1]
        state.setdefault("windows", []).append({"kind": "full", "start": None, "end": window[1]})
    state["not_found"] = missing
    _save_state(out, state)
    return FetchResult(
        out,
        state["council"],
        fetched=counts[0],
        present=counts[1],
        window=window,
        not_found=tuple(i for ids in missing.values() for i in ids),
        cqc_name=cqc_name,
    )


def _update(
    api: CqcApi, out: Path, state: dict, start: str | None, now: Callable[[], datetime], log: Log
) -> FetchResult:
    """Refetch what changed in [start, now) into STAGING, then merge it into `out` (resumable at every step)."""
    if not all(_is_listing(read_done(out / f"{k.endpoint}.json"), k) for k in (LOCATIONS, PROVIDERS)):
        raise InputError(
            out,
            "no finished download here to update (locations.json and providers.json are "
            "missing or incomplete); run the full download first (without --since or --update)",
        )
    pending = state.get("pending")
    if pending and start not in (None, pending["start"]):
        log(f"An unfinished update from {pending['start']} is dropped: starting again from {start}")
        shutil.rmtree(out / STAGING, ignore_errors=True)
        pending = None
    if pending is None:
        explicit = start is not None
        start = start or state.get("covered_to")
        if start is None:
            raise InputError(
                out / STATE_FILE,
                "no record of when this folder was last brought up to date; "
                "give --since DATE (the date of the download, or earlier)",
            )
        end = _iso(now())
        if start >= end:
            if explicit:
                raise InputError(None, f"--since {start} is not before now ({end})")
            log(f"{out} is up to date: it covers CQC's data to {start}")
            return FetchResult(
                out,
                state["council"],
                fetched=0,
                present=0,
                mode="update",
                window=(start, start),
                cqc_name=state["cqc_name"],
            )
        pending = {"start": start, "end": end, "merging": False}
        shutil.rmtree(out / STAGING, ignore_errors=True)
        state["pending"] = pending
        _save_state(out, state)
    else:
        log(f"Resuming the update from {pending['start']} to {pending['end']}")
    start, end = pending["start"], pending["end"]
    staging = out / STAGING
    cqc_name = state["cqc_name"]
    log(f"Updating CQC API data for {state['council']} (as {cqc_name!r}) from {start} to {end} in {out}")
    changed_total, refetched, new, missing = 0, 0, 0, {}
    if not pending.get("merging"):
        for kind in (LOCATIONS, PROVIDERS):
            changed = _changes(api, staging, kind, start, end, log)
            changed_total += len(changed)
            listing, _ = _listing(api, staging, kind, cqc_name, log)
            listed = [entry[kind.id_key] for entry in listing[kind.endpoint]]
            if kind is PROVIDERS:  # and every provider the council's locations name, wherever its office is
                listed += sorted((named_providers(out) | named_providers(staging)) - set(listed))
            folder = out / f"{kind.singular}_details"
            have = {p.stem.removeprefix(f"{kind.singular}_") for p in folder.glob(f"{kind.singular}_*.json")}
            fresh = [i for i in listed if i not in have]
            ours = set(listed) | have
            todo = sorted({i for i in changed if i in ours} | set(fresh))
            log(
                f"{kind.endpoint}: {len(changed)} changed in the window (all councils), {len(todo)} of this "
                f"council's to fetch ({len(fresh)} newly listed)"
            )
            fetched, present, absent = _details(api, staging, kind, todo, log)
            refetched += fetched + present
            new += len([i for i in fresh if i not in absent])
            missing[kind.endpoint] = absent
        pending.update(merging=True, not_found=missing, changed=changed_total, refetched=refetched, new=new)
        _save_state(out, state)
    missing = pending.get("not_found", {})
    _merge(staging, out)
    known = state.get("not_found") or {}
    state["not_found"] = {
        k: sorted(set(known.get(k, [])) | set(missing.get(k, []))) for k in ("locations", "providers")
    }
    state["covered_to"] = end
    state.setdefault("windows", []).append(
        {
            "kind": "update",
            "start": start,
            "end": end,
            "changed": pending.get("changed", 0),
            "refetched": pending.get("refetched", 0),
            "new": pending.get("new", 0),
            "not_found": {k: v for k, v in missing.items() if v},
        }
    )
    state.pop("pending", None)
    _save_state(out, state)
    shutil.rmtree(staging, ignore_errors=True)
    return FetchResult(
        out,
        state["council"],
        fetched=pending.get("refetched", 0),
        present=0,
        mode="update",
        window=(start, end),
        changed=pending.get("changed", 0),
        not_found=tuple(i for ids in missing.values() for i in ids),
        cqc_name=cqc_name,
    )


def _changes(api: CqcApi, staging: Path, kind: Kind, start: str, end: str, log: Log) -> list[str]:
    """Every id CQC's changes list names for `kind` in [start, end), every page; kept in STAGING (resume)."""
    path = staging / f"changes_{kind.singular}.json"
    done = read_done(path)
    if isinstance(done, dict) and isinstance(done.get("changes"), list):
        return [str(i) for i in done["changes"]]
    query = urllib.parse.urlencode(
        {"startTimestamp": start, "endTimestamp": end, "page": 1, "perPage": CHANGES_PER_PAGE},
        quote_via=urllib.parse.quote,
    )
    first_uri = f"/changes/{kind.singular}?{query}"
    uri: str | None = first_uri
    ids: list[str] = []
    seen: set[str] = set()
    pages = 0
    while uri is not None:
        if uri in seen:
            raise FetchError(f"the {kind.singular} changes pages loop back to {uri}")
        seen.add(uri)
        page = api.get(uri)
        if (
            not isinstance(page, dict)
            or not isinstance(page.get("changes"), list)
            or not all(isinstance(i, str) for i in page["changes"])
        ):
            raise FetchError(f"GET {uri} did not return a list of changes")
        ids += page["changes"]
        pages += 1
        total_pages = page.get("totalPages") or 1
        log(f"{kind.singular} changes: page {pages} of {total_pages}")
        uri = _next_page(page, first_uri, pages, total_pages)
    ids = list(dict.fromkeys(ids))  # an id changed twice is fetched once
    bad = [i for i in ids if not _SAFE_ID.fullmatch(i)]
    if bad:
        raise FetchError(f"the {kind.singular} changes list holds ids that cannot name a file, such as {bad[0]!r}")
    write_atomic(path, json.dumps({"start": start, "end": end, "changes": ids}, indent=2) + "\n")
    return ids


def _merge(staging: Path, out: Path) -> None:
    """Move the staged details, then the staged lists, into `out`: each file replaced whole (os.replace), and the
    folder's record updated only after every file is in place, so a rerun after an interruption finishes it."""
    for kind in (LOCATIONS, PROVIDERS):
        folder = staging / f"{kind.singular}_details"
        if folder.is_dir():
            (out / folder.name).mkdir(parents=True, exist_ok=True)
            for f in sorted(folder.glob("*.json")):
                os.replace(f, out / folder.name / f.name)
    for kind in (LOCATIONS, PROVIDERS):
        staged = staging / f"{kind.endpoint}.json"
        if staged.is_file():
            os.replace(staged, out / staged.name)


def _listing(api: CqcApi, out: Path, kind: Kind, local_authority: str, log: Log) -> tuple[dict, bool]:
    """The list file for `kind`, read when already finished, else fetched page by page and written."""
    path = out / f"{kind.endpoint}.json"
    done = read_done(path)
    if done is not None and _is_listing(done, kind):
        asked = urllib.parse.parse_qs(urllib.parse.urlsplit(done.get("firstPageUri") or "").query)
        if asked.get("localAuthority", [local_authority]) != [local_authority]:
            raise FetchError(
                f"{path} is a download for {asked['localAuthority'][0]}, not {local_authority}: "
                "choose another --out folder",
                bad_input=True,
            )
        log(f"{kind.endpoint}: {path.name} already present ({len(done[kind.endpoint])} listed)")
        return done, False
    listing = _fetch_listing(api, kind, local_authority, log)
    write_atomic(path, listing_json(listing))
    return listing, True


def _is_listing(obj: Any, kind: Kind) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get(kind.endpoint), list)
        and all(isinstance(e, dict) and isinstance(e.get(kind.id_key), str) for e in obj[kind.endpoint])
    )


def _fetch_listing(api: CqcApi, kind: Kind, local_authority: str, log: Log) -> dict:
    """Every page of the list endpoint, merged into one response shaped as a single page holding them all."""
    query = urllib.parse.urlencode(
        {"page": 1, "perPage": PER_PAGE, "localAuthority": local_authority}, quote_via=urllib.parse.quote
    )
    first_uri = f"/{kind.endpoint}?{query}"
    uri: str | None = first_uri
    pages: list[dict] = []
    seen: set[str] = set()
    while uri is not None:
        if uri in seen:
            raise FetchError(f"the {kind.endpoint} pages loop back to {uri}")
        seen.add(uri)
        page = api.get(uri)
        if not _is_listing(page, kind):
            raise FetchError(f"GET {uri} did not return a list of {kind.endpoint}")
        pages.append(page)
        total_pages = page.get("totalPages") or 1
        log(f"{kind.endpoint}: page {len(pages)} of {total_pages}")
        uri = _next_page(page, first_uri, len(pages), total_pages)
    merged = dict(pages[0])
    merged[kind.endpoint] = [entry for page in pages for entry in page[kind.endpoint]]
    merged.update(
        page=1,
        totalPages=1,
        perPage=PER_PAGE,
        firstPageUri=first_uri,
        lastPageUri=first_uri,
        previousPageUri=None,
        nextPageUri=None,
    )
    ids = [entry[kind.id_key] for entry in merged[kind.endpoint]]
    total = merged.get("total", len(ids))
    if len(ids) != total or len(set(ids)) != len(ids):
        raise FetchError(
            f"the {kind.endpoint} list changed while it was paged ({total} expected, {len(ids)} "
            f"received, {len(set(ids))} distinct): run the command again"
        )
    bad = [i for i in ids if not _SAFE_ID.fullmatch(i)]
    if bad:
        raise FetchError(f"the {kind.endpoint} list holds ids that cannot name a file, such as {bad[0]!r}")
    if not ids and kind is LOCATIONS:
        raise FetchError(f"the CQC API lists no locations with localAuthority={local_authority!r}")
    return merged


def _next_page(page: dict, first_uri: str, number: int, total_pages: int) -> str | None:
    """The next page's URI: nextPageUri when given, else built from totalPages; None after the last."""
    if page.get("nextPageUri"):
        uri = page["nextPageUri"]
        return uri if uri.startswith("/") else "/" + uri
    if number < total_pages:
        return first_uri.replace("page=1&", f"page={number + 1}&", 1)
    return None


def _details(api: CqcApi, out: Path, kind: Kind, ids: list[str], log: Log) -> tuple[int, int, list[str]]:
    """Fetch the detail file of each id not yet finished; the numbers fetched and already present, and the ids
    that answered HTTP 404 (recorded by the caller, not fatal)."""
    folder = out / f"{kind.singular}_details"
    todo = [i for i in ids if not isinstance(read_done(folder / f"{kind.singular}_{i}.json"), dict)]
    present = len(ids) - len(todo)
    log(f"{kind.singular} details: {len(todo)} to fetch, {present} already present")
    absent: list[str] = []
    for n, id_ in enumerate(todo, 1):
        uri = f"/{kind.endpoint}/{urllib.parse.quote(id_)}"
        try:
            detail = api.get(uri)
        except NotFoundError:
            log(f"  {kind.singular} {id_}: not found (HTTP 404); recorded in {STATE_FILE}")
            absent.append(id_)
            continue
        if not isinstance(detail, dict):
            raise FetchError(f"GET {uri} did not return a JSON object")
        write_atomic(folder / f"{kind.singular}_{id_}.json", kind.detail_json(detail))
        if n % 50 == 0 or n == len(todo):
            log(f"{kind.singular} details: {n} of {len(todo)} fetched")
    return len(todo) - len(absent), present, absent
