"""Property: a folder of CQC API responses with any field changed to any JSON value (or the file's bytes broken)
loads to a valid history, lists what it cannot use in data quality, or is refused by name; dates in the future
never become the as-of date."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from carequality.sources.cqc_api import load_api_folder
from fuzz import EXAMPLE, FUZZ, allowed, cell_values, date_values

FILES = sorted((EXAMPLE / "cqc_api" / "location_details").glob("*.json"))[:3]
RESPONSES = [json.loads(f.read_text(encoding="utf-8")) for f in FILES]
TODAY = dt.date(2026, 6, 1)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats() | cell_values() | date_values(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["name", "rating", "reportDate"]),
                                                                  inner, max_size=3),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every (path) to a value inside a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))


def set_at(doc, path, value):
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@st.composite
def responses(draw):
    docs = []
    for original in RESPONSES:
        doc = json.loads(json.dumps(original))
        every = [p for p in paths(doc) if p and p != ("locationId",)]
        for _ in range(draw(st.integers(0, 4))):
            doc = set_at(doc, draw(st.sampled_from(every)), draw(json_values))
            every = [p for p in paths(doc) if p and p != ("locationId",)]
        docs.append(doc)
    return docs


@FUZZ
@given(responses(), st.sampled_from(["json", "json", "json", "bytes", "empty", "not an object"]))
def test_any_api_folder_loads_or_is_refused_by_name(docs, how):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "api"
        (folder / "location_details").mkdir(parents=True)
        for f, doc in zip(FILES, docs):
            text = json.dumps(doc, indent=1, allow_nan=True)
            data = {"json": text.encode(), "bytes": text.encode()[:-7] + b"\xff\xfe",
                    "empty": b"", "not an object": b"[1, 2]"}[how]
            (folder / "location_details" / f.name).write_bytes(data)
        api = allowed(load_api_folder, folder, today=TODAY)
    if api is not None:
        assert api.as_of is None or api.as_of <= pd.Timestamp(TODAY)
        assert api.history.locations_all["location_id"].is_unique
        assert list(api.history.data_quality.columns) == ["file", "row", "location_id", "issue"]
