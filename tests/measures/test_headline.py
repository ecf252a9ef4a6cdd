"""The headline measure: Good or Outstanding of the locations with a graded rating, written "n of N (x%)"."""

from __future__ import annotations

import pandas as pd

from carequality.measures.headline import Headline, headline, headline_from_counts
from carequality.present.text import n_of_n, points_phrase


def test_the_denominator_leaves_out_locations_without_a_graded_rating():
    h = headline(["Good", "Outstanding", "Requires improvement", "Inadequate", "Not Rated",
                  "Insufficient evidence to rate", None, float("nan")])
    assert (h.good_or_outstanding, h.rated) == (2, 4)
    assert h.percent == 50.0


def test_the_share_is_rounded_to_one_decimal_half_away_from_zero():
    assert Headline(1, 8).percent == 12.5
    assert Headline(49, 400).percent == 12.3  # 12.25 rounds up
    assert Headline(2, 3).percent == 66.7


def test_no_rated_location_gives_no_share():
    assert Headline(0, 0).percent is None
    assert n_of_n(0, 0, None) == "0 of 0"


def test_it_is_always_written_n_of_n_with_the_share():
    h = Headline(78, 97)
    assert n_of_n(h.good_or_outstanding, h.rated, h.percent) == "78 of 97 (80.4%)"
    assert n_of_n(1541, 1930, Headline(1541, 1930).percent) == "1,541 of 1,930 (79.8%)"


def test_counts_by_rating_word_give_the_same_headline_as_the_ratings():
    row = pd.Series({"Outstanding": 3, "Good": 75, "Requires improvement": 17, "Inadequate": 2, "Not Rated": 7})
    assert headline_from_counts(row) == Headline(78, 97)


def test_a_change_is_in_percentage_points_from_the_unrounded_shares():
    now, before = Headline(78, 97), Headline(77, 99)
    assert now.points_since(before) == 2.6  # 80.41… − 77.78… = 2.63…
    assert points_phrase(2.6) == "up 2.6 percentage points"
    assert points_phrase(-1.0) == "down 1.0 percentage point"
    assert points_phrase(0.0) == "unchanged"
    assert Headline(1, 2).points_since(Headline(0, 0)) is None
