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
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from carequality.run.atomic import write_atomic
from carequality.councils import find_council
from carequality.errors import InputError

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
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class CqcApi:
    """GET JSON from the CQC API with the key header, retrying what is worth retrying."""

    def __init__(self, base_url: str, key: Secret, retry: Retry = Retry(), *,
                 sleep: Callable[[float], None] = time.sleep, log: Log = _stderr):
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
                raise FetchError(f"the CQC API refused the subscription key (HTTP {status}) on GET {uri}",
                                 bad_input=True) from None
            if status == 429 or 500 <= status <= 599:
                return f"HTTP {status}", retry_after
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


def fetch(council: str, out: str | Path, *, key_env: str = KEY_ENV, base_url: str | None = None,
          retry: Retry = Retry(), environ: Mapping[str, str] = os.environ,
          sleep: Callable[[float], None] = time.sleep, log: Log = _stderr) -> FetchResult:
    """Download the council's (ONS code or name) locations and providers from the CQC API into `out`."""
    try:
        local_authority = find_council(council).name
    except KeyError:
        raise InputError(None, f"unknown council {council!r}: give an ONS code or name "
                               "(`carequality councils` lists them)") from None
    if retry.retries < 0 or retry.backoff < 0 or retry.timeout <= 0:
        raise InputError(None, "--retries and --backoff must be 0 or more and --timeout more than 0")
    base_url = base_url or environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise InputError(None, f"the API base URL must start with http:// or https://, not {base_url!r}")
    api = CqcApi(base_url, read_key(key_env, environ), retry, sleep=sleep, log=log)
    out = Path(out)
    log(f"Fetching CQC API data for {local_authority} from {api.base_url} into {out}")
    counts = [0, 0]
    for kind in (LOCATIONS, PROVIDERS):
        listing, fetched = _listing(api, out, kind, local_authority, log)
        counts[0 if fetched else 1] += 1
        ids = [entry[kind.id_key] for entry in listing[kind.endpoint]]
        fetched_details, present_details = _details(api, out, kind, ids, log)
        counts[0] += fetched_details
        counts[1] += present_details
    return FetchResult(out, local_authority, fetched=counts[0], present=counts[1])


def _listing(api: CqcApi, out: Path, kind: Kind, local_authority: str, log: Log) -> tuple[dict, bool]:
    """The list file for `kind`, read when already finished, else fetched page by page and written."""
    path = out / f"{kind.endpoint}.json"
    done = read_done(path)
    if _is_listing(done, kind):
        asked = urllib.parse.parse_qs(urllib.parse.urlsplit(done.get("firstPageUri") or "").query)
        if asked.get("localAuthority", [local_authority]) != [local_authority]:
            raise FetchError(f"{path} is a download for {asked['localAuthority'][0]}, not {local_authority}: "
                             "choose another --out folder", bad_input=True)
        log(f"{kind.endpoint}: {path.name} already present ({len(done[kind.endpoint])} listed)")
        return done, False
    listing = _fetch_listing(api, kind, local_authority, log)
    write_atomic(path, listing_json(listing))
    return listing, True


def _is_listing(obj: Any, kind: Kind) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get(kind.endpoint), list)
            and all(isinstance(e, dict) and isinstance(e.get(kind.id_key), str) for e in obj[kind.endpoint]))


def _fetch_listing(api: CqcApi, kind: Kind, local_authority: str, log: Log) -> dict:
    """Every page of the list endpoint, merged into one response shaped as a single page holding them all."""
    query = urllib.parse.urlencode({"page": 1, "perPage": PER_PAGE, "localAuthority": local_authority},
                                   quote_via=urllib.parse.quote)
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
    merged.update(page=1, totalPages=1, perPage=PER_PAGE, firstPageUri=first_uri, lastPageUri=first_uri,
                  previousPageUri=None, nextPageUri=None)
    ids = [entry[kind.id_key] for entry in merged[kind.endpoint]]
    total = merged.get("total", len(ids))
    if len(ids) != total or len(set(ids)) != len(ids):
        raise FetchError(f"the {kind.endpoint} list changed while it was paged ({total} expected, {len(ids)} "
                         f"received, {len(set(ids))} distinct): run the command again")
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


def _details(api: CqcApi, out: Path, kind: Kind, ids: list[str], log: Log) -> tuple[int, int]:
    """Fetch the detail file of each id not yet finished; the numbers fetched and already present."""
    folder = out / f"{kind.singular}_details"
    todo = [i for i in ids if not isinstance(read_done(folder / f"{kind.singular}_{i}.json"), dict)]
    present = len(ids) - len(todo)
    log(f"{kind.singular} details: {len(todo)} to fetch, {present} already present")
    for n, id_ in enumerate(todo, 1):
        uri = f"/{kind.endpoint}/{urllib.parse.quote(id_)}"
        detail = api.get(uri)
        if not isinstance(detail, dict):
            raise FetchError(f"GET {uri} did not return a JSON object")
        write_atomic(folder / f"{kind.singular}_{id_}.json", kind.detail_json(detail))
        if n % 50 == 0 or n == len(todo):
            log(f"{kind.singular} details: {n} of {len(todo)} fetched")
    return len(todo), present
