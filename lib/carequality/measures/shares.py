"""Shares and their rounding, defined once: every percentage in a report is made here.

The one rounding rule of the report: a share is rounded to DIGITS (one) decimal place, halves away from zero, and
shown with that one decimal place everywhere ("90.0%" beside "84.8%"); a change of a share is worked out from the
unrounded shares and given in percentage points to one decimal place. The method appendix states it once.
"""

from __future__ import annotations

from typing import Any

from carequality.facts import Fact

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


def share(
    fact_id: str, numerator: int, denominator: int, definition: str, *, digits: int = DIGITS, **where: Any
) -> Fact:
    """A share as a fact: its value is percent(numerator, denominator) (None for a zero denominator), and it keeps
    both parts, so a sentence can say '82 of 102 (80.4%)' and the audit can check them against its table."""
    return Fact(
        fact_id,
        percent(int(numerator), int(denominator), digits),
        "percent",
        definition,
        numerator=int(numerator),
        denominator=int(denominator),
        **where,
    )


def change(fact_id: str, now: Fact, before: Fact, definition: str, **where: Any) -> Fact:
    """The difference `now` − `before` as a fact that names both. Counts subtract; a change of a share is worked out
    from the unrounded shares and rounded once (round1), in percentage points (the method appendix states it)."""
    if now.unit != before.unit:
        raise ValueError(f"{now.id} ({now.unit}) and {before.id} ({before.unit}) cannot be compared")
    value: float | int | None
    if now.value is None or before.value is None:
        value = None
    elif now.unit == "percent":
        if now.numerator and before.denominator and now.denominator:
            value = round1(100 * now.numerator / now.denominator - 100 * (before.numerator or 0) / before.denominator)
        else:
            value = round1(float(now.value) - float(before.value))
    else:
        diff = float(now.value) - float(before.value)
        value = int(diff) if diff == int(diff) else round1(diff)
    unit = "points" if now.unit == "percent" else now.unit
    where.setdefault("as_of", now.as_of)
    return Fact(fact_id, value, unit, definition, noun=now.noun, difference_of=(now.id, before.id), **where)
