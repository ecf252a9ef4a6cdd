"""Deterministic generators of the example council's data (York), in the exact shapes CQC and councils publish.

`write_example(out)` writes every example input; `carequality example` calls it and a test checks that the
committed data/example/ equals a fresh run. Runtime code never imports this package.
"""

from __future__ import annotations

from pathlib import Path

from carequality.examples.api import write_api_example
from carequality.examples.audits import write_example_audits
from carequality.examples.commentary import write_commentary_example
from carequality.examples.common import SEED
from carequality.examples.national import write_national_example
from carequality.examples.ratings import example_rows, write_ratings_example
from carequality.examples.records import write_example_records


def write_example(out: Path, seed: int = SEED) -> list[Path]:
    """Write the example ratings file, its API history, the council's QA records, the national counts and the
    council's commentary. Another `seed` gives another council that could exist (the property tests' councils)."""
    path = write_ratings_example(out, seed)
    api = write_api_example(out / "cqc_api", example_rows(seed))
    return [
        path,
        *api,
        *write_example_records(out, seed),
        *write_national_example(out),
        write_commentary_example(out),
        write_example_audits(out, seed),
    ]


def write_council(out: Path, seed: int) -> list[Path]:
    """A generated council without the national counts (quick to write): its ratings file, API history and QA
    records, for the property tests."""
    path = write_ratings_example(out, seed)
    return [path, *write_api_example(out / "cqc_api", example_rows(seed)), *write_example_records(out, seed)]
