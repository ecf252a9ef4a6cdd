"""The headline measure, defined once: the share of locations with a graded CQC rating (Outstanding, Good,
Requires improvement or Inadequate) that are rated Good or Outstanding.

Locations not yet rated, or with another outcome (Insufficient evidence to rate, Inspected but not rated …), are
left out of the denominator, as in CQC's and LG Inform's published figures. The share is `shares.percent` to one
decimal place (halves rounded away from zero), the one rounding rule of the report; it is always written
"n of N (x%)" by `present.text.n_of_n`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from carequality import vocab
from carequality.facts import Fact
from carequality.measures.shares import DIGITS, percent, round1, share

__all__ = ["DIGITS", "Headline", "headline", "headline_from_counts"]


@dataclass(frozen=True)
class Headline:
    """n Good or Outstanding of N locations with a graded rating, and the share (None when N is 0)."""

    good_or_outstanding: int
    rated: int

    @property
    def percent(self) -> float | None:
        return percent(self.good_or_outstanding, self.rated, DIGITS)

    def fact(self, fact_id: str, definition: str, **where: Any) -> Fact:
        """This headline as a share fact (measures.shares.share): 'n of N (x%)' in a sentence."""
        return share(fact_id, self.good_or_outstanding, self.rated, definition, **where)

    def points_since(self, before: Headline) -> float | None:
        """The change from `before` in percentage points, from the unrounded shares, to one decimal place."""
        if not self.rated or not before.rated:
            return None
        return round1(100 * (self.good_or_outstanding / self.rated - before.good_or_outstanding / before.rated))


def headline(overall_ratings: Iterable[object]) -> Headline:
    """The headline of a set of locations from their overall ratings (one a location; blanks are not rated)."""
    words = [str(r) for r in overall_ratings if r is not None and not (isinstance(r, float) and pd.isna(r))]
    go = sum(w in vocab.GOOD_OR_OUTSTANDING for w in words)
    rated = sum(w in vocab.GRADED for w in words)
    return Headline(go, rated)


def headline_from_counts(counts: dict[str, int] | pd.Series) -> Headline:
    """The headline from counts by rating word (a row of a ratings table: Outstanding, Good, Requires improvement,
    Inadequate, …)."""
    go = sum(int(counts.get(w, 0) or 0) for w in vocab.GOOD_OR_OUTSTANDING)
    rated = sum(int(counts.get(w, 0) or 0) for w in vocab.GRADED)
    return Headline(go, rated)
