"""Property: a params file with any value changed (or its bytes, or its layout) validates, or is refused by
ParamsError naming the field; nothing else escapes load_params."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from carequality.params import load_params
from fuzz import FUZZ, allowed, cell_values, date_values

BASE = {
    "council": {"code": "E06000014", "name": "York", "cqc_names": []},
    "period": {"start": dt.date(2025, 4, 1), "end": dt.date(2026, 3, 31)},
    "title": "Quality of adult social care providers",
    "inputs": {"cqc_ratings": "cqc.csv", "commissioned_services": "commissioned.csv"},
    "sections": ["ratings_overview", "commissioned_market"],
    "options": {"location_types": ["Social Care Org"], "mode": "working", "suppress_below": 5,
                "baseline_date": dt.date(2025, 4, 1), "oversight_forums": {3: "Panel"},
                "peer_group_codes": [], "earliest_date": dt.date(1990, 1, 1), "latest_date": None,
                "compare_ratings_from": dt.date(2025, 3, 31)},
}
KEYS = [(a, b) for a, v in BASE.items() if isinstance(v, dict) for b in v] + [(a,) for a in BASE] + [("colour",)]
values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | cell_values() | date_values()
    | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=3),
    max_leaves=5,
)


@st.composite
def params_text(draw) -> bytes:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS))
        target = data
        for k in key[:-1]:
            target = target.setdefault(k, {}) if isinstance(target.get(k), dict) else target
        target[key[-1]] = draw(values)
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        text = "council: ["
    how = draw(st.sampled_from(["as is", "as is", "as is", "latin-1", "duplicate", "cut", "tabs"]))
    if how == "latin-1":
        return text.encode("latin-1", errors="replace") + "title: Qualité\n".encode("latin-1")
    if how == "duplicate":
        return (text + "period: {start: 2024-04-01, end: 2025-03-31}\n").encode()
    if how == "cut":
        return text.encode()[: draw(st.integers(0, len(text)))]
    if how == "tabs":
        return text.replace("  ", "\t").encode()
    return text.encode()


@FUZZ
@given(params_text())
def test_any_params_file_validates_or_is_refused_by_name(data):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "cqc.csv").write_text("Location ID\n1-1\n")
        (Path(d) / "commissioned.csv").write_text("location_id\n1-1\n")
        path = Path(d) / "p.yaml"
        path.write_bytes(data)
        params = allowed(load_params, path)
    if params is not None:
        p = params.period
        assert dt.date(1900, 1, 1) <= p.start <= p.end <= dt.date(2199, 12, 31)
        assert p.previous.end < p.start  # never out of range
        assert params.not_inspected_before < p.start
