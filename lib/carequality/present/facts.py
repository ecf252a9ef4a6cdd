"""How a fact is written: in a sentence (`say`, marked so the report links it to its definition and the audit
knows it is a fact), as a share (`n_of_n`), as a comparison that names what it compares (`compared`), and as a
table cell (`cell`). Sections write every number through these, never by formatting a number themselves
(docs/facts.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from carequality.facts import Fact, mark
from carequality.present.text import format_percent, long_date

#: Nouns whose plural is not the noun and "s".
_PLURALS = {"person": "people", "activity": "activities", "inspection": "inspections", "authority": "authorities"}


def plural_noun(noun: str, n: object) -> str:
    """'location' or 'locations' for n; 'person' → 'people'."""
    if n == 1:
        return noun
    if noun in _PLURALS:
        return _PLURALS[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def text(fact: Fact, *, zero: str | None = None) -> str:
    """The fact's value as a sentence writes it, without its mark: '1,204', '84.8%', '1.2 percentage points',
    '£12,400', '31 March 2025', 'no figure' when it has none; `zero` (say 'none', 'no') in place of 0."""
    v = fact.value
    if v is None:
        return "no figure"
    if zero is not None and v == 0 and fact.unit not in ("date", "setting"):
        return zero
    if fact.unit == "date":
        return long_date(dt.date.fromisoformat(str(v)))
    if fact.unit == "percent":
        return format_percent(float(v))
    if fact.unit == "points":
        p = abs(float(v))
        return f"{p:.1f} percentage {'point' if p == 1 else 'points'}"
    if fact.unit == "pounds":
        return f"£{float(v):,.0f}"
    if fact.unit in ("setting", "number") and isinstance(v, float):
        return f"{v:g}"
    return f"{int(v):,}" if float(v) == int(v) else f"{float(v):,.1f}"


def say(fact: Fact, *, noun: bool | str = False, zero: str | None = None) -> str:
    """The fact as a sentence writes it, marked: '61', or with `noun=True` '61 locations' (the fact's noun, plural
    as the number needs; a string gives another noun). The mark covers the number only."""
    shown = mark(fact.id, text(fact, zero=zero))
    if not noun:
        return shown
    word = fact.noun if noun is True else noun
    if not word:
        raise ValueError(f"fact {fact.id} has no noun to say after its number")
    return f"{shown} {plural_noun(word, fact.value)}"


def magnitude(fact: Fact) -> str:
    """A change's size without its sign, marked ('2' of a change of −2): the words around it say which way."""
    if isinstance(fact.value, (int, float)) and fact.value < 0:
        return mark(fact.id, text(replace(fact, value=-fact.value)))
    return say(fact)


def part(fact: Fact, which: str) -> str:
    """A share's numerator or denominator (`which`) as a sentence writes it, marked as that part of the share."""
    value = fact.numerator if which == "numerator" else fact.denominator
    if value is None:
        raise ValueError(f"fact {fact.id} is not a share")
    return mark(f"{fact.id}@{which}", f"{int(value):,}")


def n_of_n(share: Fact) -> str:
    """A share as the report always writes it: '82 of 102 (80.4%)', each number marked; 'none of 0' has no share."""
    if share.value is None:
        return f"{part(share, 'numerator')} of {part(share, 'denominator')}"
    return f"{part(share, 'numerator')} of {part(share, 'denominator')} ({say(share)})"


def compared(now: Fact, before: Fact, change: Fact, *, noun: bool | str = False, when: str | None = None) -> str:
    """A comparison that names what it compares: '61 locations, 2 fewer than the 63 on 31 March 2025'; for shares
    '80.4%, up 1.2 percentage points from 79.2% on 31 March 2025'; '…, the same as the 63 on …' for no change.
    `change` must be the difference of `now` and `before` (measures.shares.change makes it); `when` names the
    earlier date in place of `before`'s own as-of date ('the baseline, 31 March 2025')."""
    if change.difference_of != (now.id, before.id):
        raise ValueError(f"fact {change.id} is not the difference of {now.id} and {before.id}")
    day = when or (long_date(before.as_of) if before.as_of else "before")
    lead = say(now, noun=noun)
    then = say(before)
    v = float(change.value or 0)
    if now.unit == "percent":
        if v == 0:
            return f"{lead}, the same as on {day} ({then})"
        return f"{lead}, {'up' if v > 0 else 'down'} {magnitude(change)} from {then} on {day}"
    if v == 0:
        return f"{lead}, the same as the {then} on {day}"
    return f"{lead}, {magnitude(change)} {'more' if v > 0 else 'fewer'} than the {then} on {day}"


def cell(fact: Fact) -> object:
    """The fact's value as a table cell holds it (the table's format writes it: present/tables.format_cell)."""
    if fact.unit == "date" and fact.value is not None:
        return dt.date.fromisoformat(str(fact.value))
    return fact.value
