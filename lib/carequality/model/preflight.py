"""Checks that run before any kernel starts: do the CQC inputs hold the params file's council?

A params file that names York but points at a CQC file (or API folder, or folder of monthly files) of another
council would otherwise pass `carequality check` and fail, or print an empty report, inside a section. Each CQC
input's areas are read cheaply (sources/preflight.py) and an InputError names which councils the data hold instead.
"""

from __future__ import annotations

import pandas as pd

from carequality.errors import InputError
from carequality.model.build import area_mask
from carequality.model.inputs import location_types_named
from carequality.params import ReportParams
from carequality.sources.preflight import (
    describe,
    local_authorities_in_api_folder,
    local_authorities_in_ratings_file,
    local_authorities_in_snapshots,
)


def check_council_in_data(params: ReportParams) -> None:
    """InputError when a CQC input holds none of the council's locations, naming the councils it does hold."""
    types = params.options.location_types
    council = params.council
    readers = {
        "cqc_ratings": (local_authorities_in_ratings_file, "'Location Local Authority'"),
        "cqc_api": (local_authorities_in_api_folder, "localAuthority"),
        "cqc_snapshots": (local_authorities_in_snapshots, "'Location Local Authority'"),
        "cqc_ratings_start": (local_authorities_in_ratings_file, "'Location Local Authority'"),
    }
    for name, (read, field) in readers.items():
        relative = getattr(params.inputs, name)
        if relative is None:
            continue
        path = params.path(relative)
        counts = read(path, types)
        if not counts:
            continue  # no locations of these types at all: the loader says so, naming the types present
        if area_mask(pd.Series(list(counts), dtype=object), params).any():
            continue
        raise InputError(
            path,
            f"holds no location of {council.name} ({council.code}), the council the params file names: by CQC's "
            f"{field} its {sum(counts.values()):,} locations are in {describe(counts)}; expected {council.name}'s "
            f"locations (check council in the params file and inputs.{name}, or add the area's spelling to "
            "council.cqc_names)",
        )


def preflight(params: ReportParams) -> None:
    """Every check that can run before a kernel starts, cheaply."""
    with location_types_named(params):
        check_council_in_data(params)
