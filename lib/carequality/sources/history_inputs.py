"""Load the ratings-history inputs named in params (cqc_api, cqc_snapshots) into one History.

Both may be given: the API's outcomes win where they overlap and the monthly files add the rest (see
history.merge). The latest-ratings view for the model comes from the API when there is no ratings file,
else from the latest monthly file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..history import History, merge
from ..params import ReportParams
from .cqc_api import load_api_folder
from .ratings_file import RatingsFile
from .provenance import InputFile
from .snapshots import load_snapshot_folder


@dataclass
class HistoryInputs:
    history: History | None = None
    #: Latest ratings from the history inputs, for a model without a ratings file.
    latest: RatingsFile | None = None
    inputs: list[InputFile] = field(default_factory=list)


def _iso(ts) -> str | None:
    return None if ts is None else ts.date().isoformat()


def load_history_inputs(params: ReportParams) -> HistoryInputs:
    """Load cqc_api and cqc_snapshots when params give them; an empty HistoryInputs when neither is given."""
    out = HistoryInputs()
    types = params.options.location_types
    api = snaps = None
    if params.inputs.cqc_api is not None:
        api = load_api_folder(params.path(params.inputs.cqc_api), location_types=types)
        out.inputs.append(InputFile("cqc_api", api.path, api.sha256, _iso(api.as_of),
                                       f"CQC API responses for {api.files:,} locations"))
    if params.inputs.cqc_snapshots is not None:
        snaps = load_snapshot_folder(params.path(params.inputs.cqc_snapshots), location_types=types)
        out.inputs.append(InputFile(
            "cqc_snapshots", snaps.path, snaps.sha256, _iso(snaps.latest.as_of),
            f"{len(snaps.snapshots):,} CQC care directory files from {_iso(snaps.snapshots[0].as_of)} "
            f"to {_iso(snaps.latest.as_of)}"))
    if api is not None and snaps is not None:
        out.history = merge(api.history, snaps.history)
    elif api is not None or snaps is not None:
        out.history = (api or snaps).history
    if api is not None:
        out.latest = api.ratings
    elif snaps is not None:
        out.latest = snaps.latest.ratings
    return out
