"""Property: a comparator list (ONS codes, optionally names) with any cells changed loads, or is refused by name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carequality.councils import council_by_code
from carequality.sources.neighbours import load_comparator_list
from fuzz import FUZZ, load_mutated

ROWS = [["area_code", "area_name"], ["E06000007", "Warrington"], ["E06000030", "Swindon"], ["E08000007", "Stockport"]]


@FUZZ
@given(st.data())
def test_any_list_loads_or_is_refused_by_name(data):
    codes = load_mutated(data, load_comparator_list, ROWS, name="peers", kinds=("csv", "csv", "xlsx"))
    if codes is not None:
        assert len(set(codes)) == len(codes) and all(council_by_code(c) for c in codes)
