"""Shares and their rounding, defined once: every percentage in a report is made here."""

from __future__ import annotations


def percent(numerator: int, denominator: int, digits: int = 0) -> float | None:
    """numerator/denominator as a percentage rounded half away from zero, or None for a zero denominator."""
    if not denominator:
        return None
    value = 100 * numerator / denominator
    scale = 10**digits
    return float(int(value * scale + 0.5) / scale) if value >= 0 else -float(int(-value * scale + 0.5) / scale)


def round1(v: float) -> float:
    """Round to one decimal place, half away from zero (as percent does)."""
    r = int(abs(v) * 10 + 0.5 + 1e-9) / 10
    return r if v >= 0 else -r
