"""Shares and their rounding, defined once: every percentage in a report is made here.

The one rounding rule of the report: a share is rounded to DIGITS (one) decimal place, halves away from zero, and
shown with that one decimal place everywhere ("90.0%" beside "84.8%"); a change of a share is worked out from the
unrounded shares and given in percentage points to one decimal place. The method appendix states it once.
"""

from __future__ import annotations

#: Decimal places of every share shown to readers.
DIGITS = 1


def percent(numerator: int, denominator: int, digits: int = DIGITS) -> float | None:
    """numerator/denominator as a percentage rounded half away from zero (to one decimal place unless `digits` says
    otherwise: CQC's whole-percent assessment scores), or None for a zero denominator."""
    if not denominator:
        return None
    value = 100 * numerator / denominator
    scale = 10**digits
    return float(int(value * scale + 0.5) / scale) if value >= 0 else -float(int(-value * scale + 0.5) / scale)


def round1(v: float) -> float:
    """Round to one decimal place, half away from zero (as percent does)."""
    r = int(abs(v) * 10 + 0.5 + 1e-9) / 10
    return r if v >= 0 else -r
