"""Publication mode: stable pseudonymous provider references, and small counts of people suppressed.

References. A provider's reference is made from its CQC provider id with a keyed hash (HMAC-SHA256),
written as six characters of Crockford's base32 after "P-" (e.g. P-7K3M9Q). The same id and key give the
same reference in every run and every period; the name never enters the hash, so a renamed provider keeps
its reference. The key is `options.reference_key` in params; without one the fixed, public project salt
`PROJECT_SALT` is used. Anyone holding CQC's list of provider ids could recompute references made with the
public salt, so a council publishing risk tables should set its own key, keep it private and keep it the
same every period. Within one report two providers never share a reference: if two ids ever gave the same
six characters (about one chance in ten million for a report naming fifteen providers), both are written
with as many more characters as it takes to tell them apart, and the report stays collision-free.

Suppression. In publication mode a count of people from 1 to `threshold - 1` is replaced by the marker
`SUPPRESSED` ("[c]"), and so is the smallest other count in the same total when exactly one count would
otherwise be hidden (so it cannot be worked out by subtraction). Counts of services are not suppressed:
CQC publishes them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import pandas as pd

from carequality.facts import Fact
from carequality.present.tables import format_cell
from carequality.present.text import plural

PROJECT_SALT = "carequality provider reference v1"
PREFIX = "P-"
LENGTH = 6
SUPPRESSED = "[c]"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O or U


def _digest(provider_id: str, key: str | None) -> str:
    mac = hmac.new((key or PROJECT_SALT).encode("utf-8"), str(provider_id).encode("utf-8"), hashlib.sha256).digest()
    n = int.from_bytes(mac, "big")
    chars = []
    for _ in range(51):  # 256 bits / 5
        n, r = divmod(n, 32)
        chars.append(_ALPHABET[r])
    return "".join(chars)


def provider_reference(provider_id: str, key: str | None = None, length: int = LENGTH) -> str:
    """The reference of one provider id."""
    return PREFIX + _digest(provider_id, key)[:length]


def provider_references(provider_ids: Iterable[str], key: str | None = None) -> dict[str, str]:
    """References for a set of provider ids, guaranteed distinct (see the module note on collisions)."""
    ids = sorted(set(map(str, provider_ids)))
    digests = {i: _digest(i, key) for i in ids}
    length = {i: LENGTH for i in ids}
    while True:
        by_ref: dict[str, list[str]] = {}
        for i in ids:
            by_ref.setdefault(digests[i][: length[i]], []).append(i)
        clashes = [group for group in by_ref.values() if len(group) > 1]
        if not clashes:
            return {i: PREFIX + digests[i][: length[i]] for i in ids}
        for group in clashes:
            for i in group:
                length[i] += 1


def suppress(values: pd.Series, threshold: int, *, total_shown: bool = False) -> tuple[pd.Series, int]:
    """Counts of people with small ones replaced by SUPPRESSED; returns (object series, number suppressed).

    A count c with 0 < c < threshold is suppressed. If `total_shown` (the parts' total is printed too) and
    exactly one part is suppressed, the smallest other non-zero part is suppressed as well. Blanks stay blank.
    """
    out = values.astype(object).copy()
    numeric = pd.to_numeric(values, errors="coerce")
    small = numeric.notna() & (numeric > 0) & (numeric < threshold)
    hide = small.copy()
    if total_shown and int(small.sum()) == 1:
        others = numeric[~small & numeric.notna() & (numeric > 0)]
        if len(others):
            hide[others.sort_values(kind="stable").index[0]] = True
    out[hide] = SUPPRESSED
    out[~hide & numeric.notna()] = [int(v) for v in numeric[~hide & numeric.notna()]]
    out[numeric.isna()] = None
    return out, int(hide.sum())


def suppressed_total(total: int, threshold: int) -> object:
    """A single count of people: itself, or SUPPRESSED when it is from 1 to threshold - 1."""
    return SUPPRESSED if 0 < total < threshold else int(total)


def suppression_note(threshold: int) -> str:
    return (
        f"{SUPPRESSED}: suppressed in the published version; a count of fewer than {threshold} people, or a "
        "count from which one could be worked out."
    )


def people_text(n: int | Fact, threshold: int | Fact | None) -> str:
    """A count of people for a sentence: 'fewer than N people' when it would be suppressed (a Fact is said as its
    fact: docs/facts.md)."""
    v = int(n.value or 0) if isinstance(n, Fact) else int(n)
    t = None if threshold is None else int(threshold.value or 0) if isinstance(threshold, Fact) else int(threshold)
    if t is not None and threshold is not None and 0 < v < t:
        return f"fewer than {plural(threshold, 'person', 'people').rsplit(' ', 1)[0]} people"
    return plural(n, "person", "people")


def suppress_people(
    frame: pd.DataFrame, column: str, threshold: int | None, *, total_row: bool = False
) -> tuple[pd.DataFrame, str, int]:
    """A table's column of people counts with small counts suppressed (publication mode: `threshold` not None).

    With `total_row` the last row is the other rows' total: it is suppressed by `suppressed_total` and one hidden
    part hides another (see `suppress`). Returns (frame, the column's table format, cells suppressed); the frame
    and format are unchanged when nothing is suppressed.
    """
    if threshold is None or column not in frame:
        return frame, "int", 0
    values = frame[column]
    if total_row:
        parts, n = suppress(values.iloc[:-1], threshold, total_shown=True)
        total = suppressed_total(int(values.iloc[-1]), threshold) if pd.notna(values.iloc[-1]) else None
        values, n = (
            pd.concat([parts, pd.Series([total], index=[values.index[-1]], dtype=object)]),
            n + (total == SUPPRESSED),
        )
    else:
        values, n = suppress(values, threshold)
    if not n:
        return frame, "int", 0
    frame = frame.copy()
    frame[column] = [v if v in (SUPPRESSED, None) else format_cell(v, "int") for v in values]
    return frame, "text", int(n)


#: What an analyst's report that names providers adds to its protective marking.
NOT_FOR_PUBLICATION = "not for publication"


def report_marking(marking: str, *, names_providers: bool) -> str:
    """The protective marking a report carries in its header, footer and cover: the council's own (options.
    protective_marking) for a paper that may be public; for a report that names providers and quotes concerns (the
    analyst's full report in working mode), the council's marking raised from OFFICIAL to OFFICIAL-SENSITIVE and
    marked not for publication: 'OFFICIAL-SENSITIVE: not for publication'."""
    if not names_providers or NOT_FOR_PUBLICATION in marking.lower():
        return marking
    base = "OFFICIAL-SENSITIVE" if marking.strip().upper() == "OFFICIAL" else marking.strip()
    return f"{base}: {NOT_FOR_PUBLICATION}"
