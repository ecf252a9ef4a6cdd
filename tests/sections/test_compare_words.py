"""Review r1 items 13, 20 and 28: months in the benchmark sentences written as the report's dates are ('April 2024',
not 'Apr 2024'); the lowest month said only when it is neither the first nor the last month already said; an LG
Inform value counted on the day after the period said as the count at the end of the period, and its change said
with its direction."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carequality import areas, vocab
from carequality.facts import unmark
from carequality.measures.facts import FactSet
from carequality.sections import compare


def _trend(percents: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"area_type": areas.COUNCIL, "category": vocab.RESIDENTIAL, "month": m, "good_or_outstanding": g,
             "rated": r, "percent": 100 * g / r, "date": pd.Period(m, freq="M").end_time.normalize()}
            for m, g, r in percents
        ]
    )


def _sentences(rows):
    return [unmark(s) for s in compare._trend_sentences(FactSet("trend"), _trend(rows), "York", [m for m, _, _ in rows])]


def test_a_lowest_month_in_the_middle_is_said_in_words():
    text = " ".join(_sentences([("2024-04", 34, 44), ("2025-03", 34, 46), ("2026-02", 35, 45)]))
    assert "in April 2024 and" in text and "in February 2026" in text, text
    assert "the lowest month was March 2025" in text, text
    assert "Apr 2024" not in text


def test_a_lowest_month_that_is_the_first_is_not_said_again():
    text = " ".join(_sentences([("2023-04", 35, 43), ("2024-01", 38, 44), ("2025-03", 37, 43)]))
    assert "lowest month" not in text, text


def _external(values: list[tuple[str, float]]) -> str:
    comp = pd.DataFrame([{"area_type": areas.COUNCIL, "area": "Trafford", "month": m, "value": v} for m, v in values])
    return unmark(" ".join(compare._external_sentences(FactSet("external"), 1, comp, "Care homes Good or Outstanding (%)",
                                                "Trafford", dt.date(2026, 3, 31))))


def test_an_lg_inform_count_the_day_after_the_period_is_the_end_of_period_count_and_the_fall_has_a_direction():
    text = _external([("2023-11", 87.3), ("2026-04", 75.4)])
    assert "Trafford 75.4% on 1 April 2026, LG Inform's count at the end of the period" in text, text
    assert "Trafford was 87.3% in November 2023, so it is down 11.9 percentage points since then." in text, text


def test_an_lg_inform_month_inside_the_period_is_said_as_a_month():
    text = _external([("2023-11", 80.0), ("2026-02", 81.5)])
    assert "Trafford 81.5% in February 2026" in text and "up 1.5 percentage points" in text, text


def test_the_comparators_shared_date_is_said_once_and_not_as_the_councils():
    """Review r1 item 13: York on 25 February 2026, the region, peers and England on 28 February 2026."""
    from carequality.present.text import dated_words

    york, others = pd.Timestamp("2026-02-25"), pd.Timestamp("2026-02-28")
    items = [("A in the region", others), ("B in the peer group", others), ("C in England", others)]
    assert dated_words(items, york) == "A in the region, B in the peer group and C in England, all on 28 February 2026"
    assert dated_words(items, others) == "A in the region, B in the peer group and C in England"
    mixed = [("A in the region", others), ("C in England", york)]
    assert dated_words(mixed, york) == "A in the region on 28 February 2026 and C in England"


def test_the_comparison_key_message_dates_york_and_the_others_apart(example_key_messages):
    text = example_key_messages["benchmarks"].plain
    assert text.startswith("On 25 February 2026, with every area counted the same way")
    assert text.count("28 February 2026") == 1 and text.endswith("in England, all on 28 February 2026."), text


@pytest.fixture(scope="module")
def example_key_messages():
    from carequality.model.build import build_model
    from carequality.params import load_params
    from carequality.sections import summary
    from conftest import EXAMPLE_PARAMS

    params = load_params(EXAMPLE_PARAMS)
    return {b.source: b for b in summary.key_messages(build_model(params), params).bullets}
