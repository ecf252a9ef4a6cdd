"""`carequality fetch` against a real HTTP server on 127.0.0.1 serving the recorded Oldham API responses.

The server pages the list endpoints (at most PAGE_CAP entries a page, whatever perPage asks), checks the
subscription key header, and injects 429s, 5xx, dropped connections and hangs on chosen requests.
No test touches the internet.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import shutil
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from carequality.cli import main
from carequality.run.fetch import KEY_HEADER, STATE_FILE, CqcApi, FetchError, Retry, Secret, fetch, location_json, parse_retry_after, provider_json, read_key, write_atomic
from carequality.errors import InputError
from conftest import OLDHAM_API

PAGE_CAP = 8  # 451 locations → 57 pages; 20 providers → 3 pages
KEY = "test-key-" + secrets.token_hex(12)
# The files a fetch produces: the recorded folder without location_details.json, a separate sample.
FETCHED = ("locations.json", "providers.json", "location_details", "provider_details")


class FakeCqcApi:
    """CQC's public API on 127.0.0.1, answering from the recorded files, with faults on chosen requests."""

    def __init__(self, recorded: Path, key: str = KEY):
        self.key = key
        self.listings = {kind: json.loads((recorded / f"{kind}.json").read_bytes()) for kind in ("locations", "providers")}
        self.details = {
            "locations": {p.stem.removeprefix("location_"): p for p in (recorded / "location_details").glob("*.json")},
            "providers": {p.stem.removeprefix("provider_"): p for p in (recorded / "provider_details").glob("*.json")},
        }
        # Providers the recorded locations name whose office is outside Oldham: not in the list, not recorded;
        # CQC has them, so the server answers with a minimal provider response for each.
        named = {json.loads(p.read_bytes())["providerId"] for p in self.details["locations"].values()}
        self.outside = {i: {"providerId": i, "name": f"Provider {i}", "type": "Social Care Org"}
                        for i in sorted(named - set(self.details["providers"]))}
        self.faults: dict[str, list[str]] = {}  # request URI below /public/v1 → faults for its next requests
        self.names = {"Oldham"}  # localAuthority values that list Oldham's entries
        # CQC's changes lists: kind ("location", "provider") → (timestamp, id), every council's.
        self.changes: dict[str, list[tuple[str, str]]] = {"location": [], "provider": []}
        self.added: dict[str, list[dict]] = {"locations": [], "providers": []}  # entries listed after the recording
        self.changed_details: dict[str, dict[str, dict]] = {"locations": {}, "providers": {}}  # served instead
        self.gone: set[str] = set()  # ids that answer 404
        self.fail_details_after: int | None = None  # answer 500 to every detail request after this many
        self.requests: list[str] = []
        self.bad_keys = 0
        self.served_details = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.api = self
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/public/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeCqcApi:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def requested(self, prefix: str) -> list[str]:
        return [r for r in self.requests if r.startswith(prefix)]

    def page(self, kind: str, query: dict[str, list[str]]) -> dict:
        recorded = self.listings[kind]
        name = query.get("localAuthority", [""])[0]
        entries = recorded[kind] + self.added[kind] if name in self.names else []
        per_page = min(int(query.get("perPage", ["1000"])[0]), PAGE_CAP)
        number = int(query.get("page", ["1"])[0])
        last = max(1, math.ceil(len(entries) / per_page))

        def uri(n: int) -> str:
            return f"/{kind}?page={n}&perPage={per_page}&localAuthority={quote(name)}"

        body = dict(recorded)  # the recorded key order
        body.update(total=len(entries), firstPageUri=uri(1), page=number, lastPageUri=uri(last),
                    previousPageUri=uri(number - 1) if number > 1 else None,
                    nextPageUri=uri(number + 1) if number < last else None, perPage=per_page, totalPages=last)
        body[kind] = entries[(number - 1) * per_page: number * per_page]
        return body


    def changes_page(self, kind: str, query: dict[str, list[str]]) -> dict:
        """GET /changes/{kind}?startTimestamp=…&endTimestamp=…: the ids changed in [start, end), paged."""
        start, end = query["startTimestamp"][0], query["endTimestamp"][0]
        ids = [i for when, i in sorted(self.changes[kind]) if start <= when < end]
        per_page = min(int(query.get("perPage", ["1000"])[0]), PAGE_CAP)
        number = int(query.get("page", ["1"])[0])
        last = max(1, math.ceil(len(ids) / per_page))

        def uri(n: int) -> str:
            return f"/changes/{kind}?startTimestamp={quote(start)}&endTimestamp={quote(end)}&page={n}&perPage={per_page}"

        return {"page": number, "perPage": per_page, "total": len(ids), "totalPages": last, "firstPageUri": uri(1),
                "previousPageUri": uri(number - 1) if number > 1 else None,
                "nextPageUri": uri(number + 1) if number < last else None, "lastPageUri": uri(last),
                "changes": ids[(number - 1) * per_page: number * per_page]}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        api: FakeCqcApi = self.server.api
        uri = self.path.removeprefix("/public/v1")
        with api.lock:
            api.requests.append(uri)
            queue = api.faults.get(uri)
            fault = queue.pop(0) if queue else None
        if self.headers.get(KEY_HEADER) != api.key:
            with api.lock:
                api.bad_keys += 1
            return self._send(401, b'{"statusCode": 401, "message": "Access denied due to invalid subscription key."}')
        if fault == "drop":  # close the socket without a response
            return
        if fault == "hang":  # answer nothing until the test ends
            api.release.wait()
            return
        if fault == "429":
            return self._send(429, b'{"message": "Rate limit is exceeded."}', {"Retry-After": "0"})
        if fault is not None:
            return self._send(int(fault), b'{"message": "injected failure"}')
        parts = urlsplit(uri)
        kind, _, id_ = parts.path.strip("/").partition("/")
        if kind == "changes" and id_ in api.changes and self.path.startswith("/public/v1/"):
            return self._send(200, json.dumps(api.changes_page(id_, parse_qs(parts.query))).encode())
        if kind not in api.details or not self.path.startswith("/public/v1/"):
            return self._send(404, b'{"message": "Resource not found"}')
        if not id_:
            return self._send(200, json.dumps(api.page(kind, parse_qs(parts.query))).encode())
        with api.lock:
            failing = api.fail_details_after is not None and api.served_details >= api.fail_details_after
            api.served_details += not failing
        if failing:
            return self._send(500, b'{"message": "down"}')
        if kind == "providers" and id_ in api.outside and id_ not in api.gone:
            return self._send(200, json.dumps(api.outside[id_], separators=(",", ":")).encode())
        if id_ in api.gone or (id_ not in api.details[kind] and id_ not in api.changed_details[kind]):
            return self._send(404, b'{"message": "Resource not found"}')
        # Served compact and unescaped, as the API does: the fetcher must restore the recorded style.
        detail = api.changed_details[kind].get(id_) or json.loads(api.details[kind][id_].read_bytes())
        self._send(200, json.dumps(detail, separators=(",", ":"), ensure_ascii=False).encode())


@pytest.fixture
def cqc(shared_data, monkeypatch):
    monkeypatch.setenv("CQC_SUBSCRIPTION_KEY", KEY)
    monkeypatch.delenv("CQC_API_BASE_URL", raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FakeCqcApi(OLDHAM_API) as api:
        yield api


def _fetch(api: FakeCqcApi, out: Path, *extra: str, council: str = "E08000004") -> int:
    return main(["fetch", "--local-authority", council, "--out", str(out), "--base-url", api.base_url,
                 "--backoff", "0", "--timeout", "30", *extra])


def _files(folder: Path) -> dict[str, bytes]:
    """The downloaded files, without the fetch's own record (STATE_FILE: tests of it below)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STATE_FILE}


def _recorded() -> dict[str, bytes]:
    return {name: data for name, data in _files(OLDHAM_API).items() if name.split("/")[0] in FETCHED}


def _expected(api: FakeCqcApi) -> dict[str, bytes]:
    """What a full fetch writes: the recorded files and a file for every provider the locations name."""
    return _recorded() | {f"provider_details/provider_{i}.json": provider_json(d).encode() for i, d in api.outside.items()}


def _assert_key_nowhere(out: Path, *texts: str) -> None:
    for text in texts:
        assert KEY not in text
    for name, data in _files(out).items():
        assert KEY.encode() not in data, name


def test_fetch_survives_faults_and_reproduces_the_recorded_files(cqc, tmp_path, capsys):
    cqc.faults = {
        "/locations?page=1&perPage=1000&localAuthority=Oldham": ["drop"],
        "/locations?page=2&perPage=8&localAuthority=Oldham": ["429", "500"],
        "/locations/1-117886088": ["drop"],
        "/locations/RY210": ["503", "429", "drop"],
        "/providers?page=3&perPage=8&localAuthority=Oldham": ["502"],
        "/providers/1-101611810": ["500", "drop"],
    }
    out = tmp_path / "oldham"

    assert _fetch(cqc, out) == 0

    captured = capsys.readouterr()
    assert all(queue == [] for queue in cqc.faults.values())  # every fault was served
    # 324 providers the locations name have their office outside Oldham: not in the list, asked for one by one.
    assert len(cqc.outside) == 324
    assert cqc.bad_keys == 0 and len(cqc.requests) == 57 + 451 + 3 + 20 + 10 + 324
    assert len(cqc.requested("/locations/RY210")) == 4
    produced, recorded = _files(out), _expected(cqc)
    assert sorted(produced) == sorted(recorded)  # no temporary files left behind
    assert [name for name in recorded if produced[name] != recorded[name]] == []
    assert "HTTP 429 on GET /locations?page=2&perPage=8&localAuthority=Oldham; retry 1 of 5" in captured.err
    assert "a dropped connection on GET /locations/1-117886088" in captured.err
    assert "location details: 451 of 451 fetched" in captured.err
    assert "797 files fetched, 0 already present" in captured.out
    _assert_key_nowhere(out, captured.out, captured.err)


def test_an_interrupted_fetch_resumes_without_refetching_finished_files(cqc, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CQC_SUBSCRIPTION_KEY")
    monkeypatch.setenv("OTHER_CQC_KEY", KEY)
    out = tmp_path / "oldham"
    cqc.fail_details_after = 40

    assert _fetch(cqc, out, "--key-env", "OTHER_CQC_KEY", "--retries", "2") == 1

    err = capsys.readouterr().err
    listed = [e["locationId"] for e in json.loads((out / "locations.json").read_bytes())["locations"]]
    assert f"gave up on GET /locations/{listed[40]} after 3 attempts; the last failed with HTTP 500" in err
    assert "run the same command again to resume" in err
    _assert_key_nowhere(out, err)
    finished = sorted(p.name for p in (out / "location_details").iterdir())
    assert finished == sorted(f"location_{i}.json" for i in listed[:40])  # and no temporary files
    assert not (out / "providers.json").exists()
    damaged = out / "location_details" / f"location_{listed[7]}.json"
    damaged.write_bytes(damaged.read_bytes()[:100])  # as if cut short: it does not parse, so it is not done

    cqc.fail_details_after = None
    cqc.requests.clear()
    monkeypatch.setenv("CQC_API_BASE_URL", cqc.base_url)
    args = ["fetch", "--local-authority", "Oldham", "--out", str(out), "--key-env", "OTHER_CQC_KEY", "--backoff", "0"]
    assert main(args) == 0

    captured = capsys.readouterr()
    assert cqc.requested("/locations?") == []  # the finished list is not fetched again
    assert sorted(cqc.requested("/locations/")) == sorted(f"/locations/{i}" for i in [listed[7], *listed[40:]])
    assert len(cqc.requested("/providers")) == 3 + 20 + 324
    assert "location details: 412 to fetch, 39 already present" in captured.err
    assert _files(out) == _expected(cqc)
    _assert_key_nowhere(out, captured.out, captured.err)

    cqc.requests.clear()
    assert main(args) == 0
    assert cqc.requests == []
    assert "0 files fetched, 797 already present" in capsys.readouterr().out


@pytest.mark.parametrize("key_env", [None, "MY_CQC_KEY"])
def test_a_missing_key_is_bad_input(cqc, tmp_path, capsys, monkeypatch, key_env):
    monkeypatch.delenv("CQC_SUBSCRIPTION_KEY")
    out = tmp_path / "oldham"

    assert _fetch(cqc, out, *(["--key-env", key_env] if key_env else [])) == 2

    err = capsys.readouterr().err
    assert f"set the environment variable {key_env or 'CQC_SUBSCRIPTION_KEY'} to your key" in err
    assert "Traceback" not in err
    assert cqc.requests == [] and not out.exists()


def test_a_refused_key_is_bad_input_and_not_echoed(cqc, tmp_path, capsys):
    cqc.key = "the-key-the-server-expects"

    assert _fetch(cqc, tmp_path / "oldham") == 2

    captured = capsys.readouterr()
    assert "the CQC API refused the subscription key (HTTP 401) on GET /locations?page=1" in captured.err
    assert len(cqc.requests) == 1  # a refused key is not retried
    _assert_key_nowhere(tmp_path, captured.out, captured.err)


def test_an_unknown_council_is_bad_input(cqc, tmp_path, capsys):
    assert _fetch(cqc, tmp_path / "x", council="Atlantis") == 2
    assert "unknown council 'Atlantis'" in capsys.readouterr().err
    assert cqc.requests == []


def test_a_folder_for_another_council_is_refused(cqc, tmp_path, capsys):
    out = tmp_path / "oldham"
    (out).mkdir()
    listing = {"firstPageUri": "/locations?page=1&perPage=1000&localAuthority=Rochdale", "locations": []}
    (out / "locations.json").write_text(json.dumps(listing))

    assert _fetch(cqc, out) == 2
    assert "is a download for Rochdale, not Oldham" in capsys.readouterr().err
    assert cqc.requests == []


def test_retries_wait_as_retry_after_says_else_back_off_exponentially(cqc):
    cqc.faults = {"/locations/RY210": ["429", "500", "drop", "503"]}
    waits: list[float] = []
    api = CqcApi(cqc.base_url, Secret(KEY), Retry(retries=4, backoff=0.25), sleep=waits.append, log=lambda m: None)

    assert api.get("/locations/RY210")["locationId"] == "RY210"
    assert waits == [0, 0.5, 1.0, 2.0]  # Retry-After: 0, then 0.25 × 2, × 4, × 8


def test_a_timeout_is_retried(cqc):
    cqc.faults = {"/providers/1-101611810": ["hang"]}
    api = CqcApi(cqc.base_url, Secret(KEY), Retry(retries=1, backoff=0, timeout=0.5), log=lambda m: None)

    assert api.get("/providers/1-101611810")["providerId"] == "1-101611810"
    assert len(cqc.requests) == 2


def test_the_retry_limit_ends_with_the_path_not_the_key(cqc):
    cqc.faults = {"/locations/RY210": ["500"] * 3}
    messages: list[str] = []
    api = CqcApi(cqc.base_url, Secret(KEY), Retry(retries=2, backoff=0), log=messages.append)

    with pytest.raises(FetchError) as raised:
        api.get("/locations/RY210")

    assert str(raised.value) == "gave up on GET /locations/RY210 after 3 attempts; the last failed with HTTP 500"
    assert messages == ["  HTTP 500 on GET /locations/RY210; retry 1 of 2 in 0 s",
                        "  HTTP 500 on GET /locations/RY210; retry 2 of 2 in 0 s"]
    assert KEY not in repr(api) and KEY not in repr(Secret(KEY)) and KEY not in str(Secret(KEY))


def test_read_key_rejects_a_key_that_cannot_be_a_header_without_echoing_it():
    with pytest.raises(InputError) as raised:
        read_key("K", {"K": "abc\ndef-secret"})
    assert "K holds spaces or non-ASCII characters" in str(raised.value)
    assert "secret" not in str(raised.value)
    assert read_key("K", {"K": " abc "}).reveal() == "abc"


@pytest.mark.parametrize(("header", "seconds"), [
    (None, None), ("", None), ("7", 7.0), ("-3", 0.0), ("soon", None),
    ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
])
def test_parse_retry_after(header, seconds):
    from datetime import datetime, timezone

    now = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
    assert parse_retry_after(header, now) == seconds


def test_provider_style_puts_what_fits_in_80_columns_on_one_line():
    value = {"ids": ["a", "b"], "long": ["x" * 40, "y" * 40], "empty": [], "o": {"k": 1}}
    assert provider_json(value) == (
        '{\n    "ids": ["a", "b"],\n    "long": [\n        "' + "x" * 40 + '",\n        "' + "y" * 40
        + '"\n    ],\n    "empty": [],\n    "o": { "k": 1 }\n}\n'
    )


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "location_details" / "location_1.json"
    write_atomic(path, "{}")

    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, '{"name": "' + "x" * 100_000 + '\udc80"}')  # fails part way through

    assert [p.name for p in path.parent.iterdir()] == ["location_1.json"]
    assert path.read_text() == "{}"


# ---- keeping a download current: --since, --update, --cqc-name ------------------------------------------------
T0 = datetime(2025, 3, 14, 9, 0, tzinfo=timezone.utc)  # when the recorded download was made, say


def _copy_recorded(out: Path, api: FakeCqcApi | None = None) -> None:
    """The recorded files, and (given the server) the providers outside the area a full fetch also brings."""
    for name in FETCHED:
        src = OLDHAM_API / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        else:
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out / name)
    for i, d in (api.outside if api else {}).items():
        (out / "provider_details" / f"provider_{i}.json").write_text(provider_json(d))


def _update(api: FakeCqcApi, out: Path, when: datetime, **kw):
    return fetch(None, out, base_url=api.base_url, retry=Retry(retries=1, backoff=0, timeout=30), update=True,
                 now=lambda: when, log=lambda m: None, **kw)


@pytest.fixture
def changed(cqc):
    """Between the recording and now: two Oldham locations changed, one gone, one new, one provider changed,
    and changes in other councils (which must not be fetched)."""
    listed = [e["locationId"] for e in cqc.listings["locations"]["locations"]]
    providers = [e["providerId"] for e in cqc.listings["providers"]["providers"]]
    first, second, gone = listed[3], listed[10], listed[20]
    for i in (first, second):
        detail = json.loads(cqc.details["locations"][i].read_bytes())
        cqc.changed_details["locations"][i] = detail | {"name": detail["name"] + " (renamed)",
                                                        "registrationStatus": "Deregistered"}
    new = json.loads(cqc.details["locations"][listed[0]].read_bytes()) | {"locationId": "1-900000001", "name": "New Home"}
    cqc.changed_details["locations"]["1-900000001"] = new
    cqc.added["locations"].append({"locationName": "New Home", "locationId": "1-900000001", "postalCode": "OL1 1AA"})
    provider = json.loads(cqc.details["providers"][providers[2]].read_bytes())
    cqc.changed_details["providers"][providers[2]] = provider | {"name": "Renamed Provider Ltd"}
    cqc.gone.add(gone)
    cqc.changes["location"] = [("2025-03-15T10:00:00Z", first), ("2025-03-20T10:00:00Z", "1-555000001"),
                               ("2025-04-01T08:00:00Z", second), ("2025-04-02T08:00:00Z", gone),
                               ("2025-04-03T08:00:00Z", "1-900000001"), ("2025-04-03T09:00:00Z", first),
                               *[(f"2025-04-0{d}T10:00:00Z", f"1-55500{d:04d}") for d in range(4, 10)],
                               ("2025-02-01T10:00:00Z", listed[30])]  # before the window: not asked for
    cqc.changes["provider"] = [("2025-03-16T10:00:00Z", providers[2]), ("2025-03-17T10:00:00Z", "1-555999999")]
    return {"first": first, "second": second, "gone": gone, "provider": providers[2], "later": listed[30]}


def test_since_refetches_only_this_councils_changed_and_new_files_and_records_the_window(cqc, changed, tmp_path, capsys):
    out = tmp_path / "oldham"
    _copy_recorded(out, cqc)
    before = _files(out)

    assert _fetch(cqc, out, "--since", "2025-03-14") == 0

    printed = capsys.readouterr().out
    windows = [parse_qs(urlsplit(u).query) for u in cqc.requested("/changes/location")]
    assert windows and all(w["startTimestamp"] == ["2025-03-14T00:00:00Z"] for w in windows)
    end = windows[0]["endTimestamp"][0]
    assert len(cqc.requested("/changes/location")) == 2  # 11 changes at 8 a page
    assert sorted(u for u in cqc.requests if re.fullmatch(r"/locations/[^?]+", u)) == sorted(
        f"/locations/{i}" for i in (changed["first"], changed["second"], changed["gone"], "1-900000001"))
    assert [u for u in cqc.requests if re.fullmatch(r"/providers/[^?]+", u)] == [f"/providers/{changed['provider']}"]
    after = _files(out)
    for key in ("first", "second"):
        name = f"location_details/location_{changed[key]}.json"
        assert after[name] == location_json(cqc.changed_details["locations"][changed[key]]).encode()
    assert after["location_details/location_1-900000001.json"]
    assert after[f"location_details/location_{changed['gone']}.json"] == before[f"location_details/location_{changed['gone']}.json"]
    untouched = [n for n in before if n.startswith(("location_details", "provider_details"))
                 and not any(changed[k] in n for k in ("first", "second", "provider"))]
    assert len(untouched) == 451 + 20 + 324 - 3 and all(after[n] == before[n] for n in untouched)
    listing = json.loads(after["locations.json"])
    assert listing["total"] == 452 and listing["locations"][-1]["locationId"] == "1-900000001"
    state = json.loads((out / STATE_FILE).read_text())
    assert state["covered_to"] == end and state["cqc_name"] == "Oldham" and state["ons_code"] == "E08000004"
    assert state["windows"][-1] | {"end": end} == {
        "kind": "update", "start": "2025-03-14T00:00:00Z", "end": end, "changed": 11 + 2, "refetched": 4, "new": 1,
        "not_found": {"locations": [changed["gone"]]}}
    assert state["not_found"] == {"locations": [changed["gone"]], "providers": []}
    assert "pending" not in state and not (out / ".update").exists()
    assert f"1 not found at CQC (HTTP 404), recorded in {STATE_FILE}: {changed['gone']}" in printed
    assert "from 2025-03-14T00:00:00Z to " + end in printed


def test_update_without_a_record_asks_for_since_and_then_starts_where_the_last_one_ended(cqc, changed, tmp_path, capsys):
    out = tmp_path / "oldham"
    _copy_recorded(out, cqc)
    assert main(["fetch", "--update", str(out), "--base-url", cqc.base_url]) == 2
    assert "give --since DATE" in capsys.readouterr().err and cqc.requests == []

    first = _update(cqc, out, datetime(2025, 4, 2, tzinfo=timezone.utc), since="2025-03-14")
    assert first.window == ("2025-03-14T00:00:00Z", "2025-04-02T00:00:00Z")
    cqc.requests.clear()
    second = _update(cqc, out, datetime(2025, 4, 10, tzinfo=timezone.utc))

    assert second.window == ("2025-04-02T00:00:00Z", "2025-04-10T00:00:00Z")
    assert sorted(u for u in cqc.requests if re.fullmatch(r"/locations/[^?]+", u)) == sorted(
        f"/locations/{i}" for i in (changed["gone"], changed["first"], "1-900000001"))
    state = json.loads((out / STATE_FILE).read_text())
    assert [(w["start"], w["end"]) for w in state["windows"]] == [
        ("2025-03-14T00:00:00Z", "2025-04-02T00:00:00Z"), ("2025-04-02T00:00:00Z", "2025-04-10T00:00:00Z")]
    assert state["covered_to"] == "2025-04-10T00:00:00Z"
    cqc.requests.clear()
    assert _update(cqc, out, datetime(2025, 4, 10, tzinfo=timezone.utc)).fetched == 0  # up to date: nothing asked
    assert cqc.requests == []


def test_an_interrupted_update_changes_nothing_until_it_is_resumed_and_merged(cqc, changed, tmp_path):
    out = tmp_path / "oldham"
    _copy_recorded(out, cqc)
    before = _files(out)
    cqc.fail_details_after = 2

    with pytest.raises(FetchError, match="gave up on GET /locations/"):
        _update(cqc, out, datetime(2025, 4, 5, tzinfo=timezone.utc), since="2025-03-14")

    assert {k: v for k, v in _files(out).items() if not k.startswith(".update/")} == before  # nothing merged yet
    state = json.loads((out / STATE_FILE).read_text())
    assert state["pending"]["start"] == "2025-03-14T00:00:00Z" and state["pending"]["end"] == "2025-04-05T00:00:00Z"
    staged = sorted(p.name for p in (out / ".update" / "location_details").iterdir())
    assert len(staged) == 2

    cqc.fail_details_after = None
    cqc.requests.clear()
    result = _update(cqc, out, datetime(2025, 5, 1, tzinfo=timezone.utc))  # later, but the same window

    assert result.window == ("2025-03-14T00:00:00Z", "2025-04-05T00:00:00Z")
    assert cqc.requested("/changes/location") == [] and cqc.requested("/locations?") == []  # staged: not asked again
    asked = [u.rsplit("/", 1)[1] for u in cqc.requests if re.fullmatch(r"/locations/[^?]+", u)]
    assert not set(asked) & {n.removeprefix("location_").removesuffix(".json") for n in staged}
    after = _files(out)
    for key in ("first", "second"):
        name = f"location_details/location_{changed[key]}.json"
        assert after[name] == location_json(cqc.changed_details["locations"][changed[key]]).encode()
    assert "location_details/location_1-900000001.json" in after
    state = json.loads((out / STATE_FILE).read_text())
    assert "pending" not in state and state["covered_to"] == "2025-04-05T00:00:00Z"
    assert not (out / ".update").exists()


def test_cqc_name_is_sent_as_the_local_authority_and_kept_for_updates(cqc, tmp_path, capsys):
    cqc.names = {"Oldham Metropolitan Borough"}
    out = tmp_path / "oldham"

    assert _fetch(cqc, out, "--cqc-name", "Oldham Metropolitan Borough") == 0

    lists = cqc.requested("/locations?") + cqc.requested("/providers?")
    assert lists and all("localAuthority=Oldham%20Metropolitan%20Borough" in u for u in lists)
    state = json.loads((out / STATE_FILE).read_text())
    assert state["cqc_name"] == "Oldham Metropolitan Borough" and state["council"] == "Oldham"
    assert state["covered_to"] and state["windows"][0]["kind"] == "full"
    cqc.requests.clear()
    result = _update(cqc, out, datetime.now(timezone.utc) + timedelta(days=1))
    assert result.cqc_name == "Oldham Metropolitan Borough"
    assert all("localAuthority=Oldham%20Metropolitan%20Borough" in u for u in cqc.requested("/locations?"))


def test_a_listed_location_that_answers_404_is_recorded_not_fatal(cqc, tmp_path, capsys):
    listed = [e["locationId"] for e in cqc.listings["locations"]["locations"]]
    cqc.gone.add(listed[5])
    out = tmp_path / "oldham"

    assert _fetch(cqc, out) == 0

    printed = capsys.readouterr().out
    assert f"1 not found at CQC (HTTP 404), recorded in {STATE_FILE}: {listed[5]}" in printed
    state = json.loads((out / STATE_FILE).read_text())
    assert state["not_found"] == {"locations": [listed[5]], "providers": []}
    assert not (out / "location_details" / f"location_{listed[5]}.json").exists()
    assert len(list((out / "location_details").iterdir())) == 450


def test_an_update_brings_a_provider_the_locations_name_that_the_folder_lacks(cqc, changed, tmp_path, capsys):
    """A folder downloaded before fetch asked for every named provider (as the recorded Oldham folder was): an
    update fetches the providers its locations name that it does not hold, wherever their office is."""
    out = tmp_path / "oldham"
    _copy_recorded(out, cqc)
    missing = sorted(cqc.outside)[:2]
    for pid in missing:
        (out / "provider_details" / f"provider_{pid}.json").unlink()

    assert _fetch(cqc, out, "--since", "2025-03-14") == 0

    for pid in missing:
        assert f"/providers/{pid}" in cqc.requests
        assert json.loads((out / "provider_details" / f"provider_{pid}.json").read_text())["name"] == f"Provider {pid}"
    others = [u for u in cqc.requests if re.fullmatch(r"/providers/[^?]+", u)]
    assert sorted(others) == sorted([f"/providers/{p}" for p in missing] + [f"/providers/{changed['provider']}"])
