"""Parsed CQC ratings files, cached as Arrow files so that a national file is parsed once, not once per council.

An entry is keyed by the SHA-256 of the input file's bytes, the file's type (its suffix and the kind its content
sniffs as: the same bytes named .csv and .xlsx are two entries, so a CSV renamed .xlsx is refused however warm
the cache), the loader's version (a digest of the loader's own source files and of the pandas, pyarrow and
python-calamine versions) and the loader's options (location types). Publication dates in the future are
flagged after an entry is read (ratings_file.flag_future_dates), as they depend on the day of the run. A changed
file has a new digest, so it is never served stale; a changed loader gets a new key too. The digest is taken on
every call (and remembered under the file's identity in the cache folder's digests/, sources/provenance.py, so a
national file read by every council's kernel is hashed once); the file is parsed only on a miss, and the entry
is written only when the digest after parsing is still the one before (the file did not change while it was
read). Entries are written into a temporary folder and renamed into place, so a reader sees a whole entry or
none; an entry that cannot be read is treated as a miss and written again.

Frames are stored as uncompressed Arrow IPC files (Feather v2), which every kernel reads in a sixth of the
CPU time Parquet took (zstd, 0.11 s for a national file: decoding pages, not inflating them, was the cost);
an entry for the national file takes about 30 MB of disk instead of 4 MB.

The cache folder is $CAREQUALITY_CACHE if set (``off`` turns the cache off), else ``.cache/carequality/``
in the repository (gitignored), else the user's cache folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import warnings
from functools import cache
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import TYPE_CHECKING

from carequality.sources.provenance import sha256_of

if TYPE_CHECKING:  # pandas and the loader are imported when a file is loaded: checking the cache needs neither
    import pandas as pd

    from carequality.sources.ratings_file import RatingsFile

SOCIAL_CARE = "Social Care Org"  # the loader's default location type (sources/ratings_file.py)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The source tree's root when the package runs from a clone (lib/carequality/sources/cache.py).
REPO_DIR = PACKAGE_DIR.parents[1]
#: The files whose code decides what a ratings file loads to: any change to them is a new cache key.
LOADER_FILES = ("sources/ratings_file.py", "sources/tabular.py", "sources/dates.py", "vocab.py", "sources/cache.py")
LIBRARIES = ("pandas", "pyarrow", "python-calamine")
#: RatingsFile fields that describe where the bytes are, not what they say: set by the caller, never stored.
PLACE_FIELDS = ("path", "sha256")
OFF = {"0", "off", "no", "false", "none"}


def cache_dir() -> Path | None:
    """Where entries live, or None when $CAREQUALITY_CACHE turns the cache off."""
    env = os.environ.get("CAREQUALITY_CACHE")
    if env is not None and env.strip():
        return None if env.strip().casefold() in OFF else Path(env).expanduser().resolve()
    if (REPO_DIR / "pyproject.toml").is_file():
        return REPO_DIR / ".cache" / "carequality"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "carequality"


def digest_memo() -> Path | None:
    """Where digests of inputs are remembered across processes (sources/provenance.py); None with the cache off."""
    folder = cache_dir()
    return None if folder is None else folder / "digests"


def pin_cache_dir() -> None:
    """Make a relative $CAREQUALITY_CACHE absolute, once, in this process's environment: kernels run in the
    params file's folder and would otherwise resolve it against that."""
    env = os.environ.get("CAREQUALITY_CACHE", "").strip()
    if env and env.casefold() not in OFF and not Path(env).expanduser().is_absolute():
        os.environ["CAREQUALITY_CACHE"] = str(Path(env).expanduser().resolve())


@cache
def loader_version() -> str:
    h = hashlib.sha256()
    for name in LOADER_FILES:
        h.update(name.encode() + b"\0" + (PACKAGE_DIR / name).read_bytes() + b"\0")
    for lib in LIBRARIES:
        h.update(f"{lib}={dist_version(lib)}\0".encode())
    return h.hexdigest()[:16]


def file_type(path: Path) -> str:
    """The file's suffix and the kind its first bytes say it is, e.g. '.xlsx:csv' for a CSV renamed .xlsx."""
    from carequality.sources.tabular import sniff

    return f"{path.suffix.lower()}:{sniff(path)}"


def entry_key(sha256: str, location_types: tuple[str, ...], kind: str = "") -> str:
    options = json.dumps({"location_types": sorted(location_types), "file_type": kind})
    return hashlib.sha256(f"{sha256}\n{loader_version()}\n{options}".encode()).hexdigest()[:40]


def entry_path(
    sha256: str, location_types: tuple[str, ...], folder: Path | None = None, *, kind: str = ""
) -> Path | None:
    folder = folder if folder is not None else cache_dir()
    return None if folder is None else folder / "ratings" / entry_key(sha256, tuple(location_types), kind)


def load_ratings(
    path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,), today: dt.date | None = None
) -> RatingsFile:
    """The ratings file at `path`, from the cache when an entry for its bytes exists, else parsed and cached.
    Publication dates after `today` (default: the day of the run) are flagged (ratings_file.flag_future_dates)."""
    ratings, _ = load_ratings_cached(path, location_types=location_types, today=today)
    return ratings


def load_ratings_cached(
    path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,), today: dt.date | None = None
) -> tuple[RatingsFile, bool]:
    """(ratings, True if served from the cache)."""
    from carequality.sources.ratings_file import flag_future_dates, load_ratings_file, parse_ratings_file

    path = Path(path)
    location_types = tuple(location_types)
    if not path.is_file() or path.stat().st_size == 0:
        return load_ratings_file(path, location_types=location_types, today=today), False  # the loader's own error
    digest = sha256_of(path, digest_memo())
    entry = entry_path(digest, location_types, kind=file_type(path))
    if entry is None:
        return load_ratings_file(path, location_types=location_types, today=today), False
    hit = read_entry(entry, path, digest)
    if hit is not None:
        return flag_future_dates(hit, today), True
    ratings = parse_ratings_file(path, location_types=location_types)
    if ratings.sha256 == digest:  # unchanged while it was read: the entry describes these bytes
        write_entry(entry, ratings, location_types)
    return flag_future_dates(ratings, today), False


def is_cached(path: str | Path, *, location_types: tuple[str, ...] = (SOCIAL_CARE,)) -> bool:
    path = Path(path)
    entry = entry_path(sha256_of(path, digest_memo()), tuple(location_types), kind=file_type(path))
    return entry is not None and (entry / "meta.json").is_file()


def cached_frame(
    path: str | Path, name: str, columns: list[str], *, location_types: tuple[str, ...] = (SOCIAL_CARE,)
) -> pd.DataFrame:
    """Some columns of one frame of the ratings file at `path` (such as locations' local authorities), read from
    its cache entry alone when there is one (cheap), else from the file, parsed and cached."""
    import pandas as pd

    path = Path(path)
    if path.is_file() and path.stat().st_size:
        entry = entry_path(sha256_of(path, digest_memo()), tuple(location_types), kind=file_type(path))
        if entry is not None and (entry / "meta.json").is_file():
            try:
                meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
                if meta.get("loader") == loader_version() and name in meta.get("frames", []):
                    return pd.read_parquet(entry / f"{name}.parquet", columns=columns)
            except Exception:  # an unreadable entry: load_ratings below replaces it
                pass
    return getattr(load_ratings(path, location_types=location_types), name)[columns]


def read_entry(entry: Path, path: Path, digest: str) -> RatingsFile | None:
    from carequality.sources.ratings_file import RatingsFile

    meta_file = entry / "meta.json"
    if not meta_file.is_file():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("sha256") != digest or meta.get("loader") != loader_version():
            return None
        frames = {name: read_frame(entry / f"{name}.arrow") for name in meta["frames"]}
    except Exception as e:  # a damaged entry is a miss: it is parsed and written again
        warnings.warn(f"carequality cache: ignoring unreadable entry {entry} ({e})", stacklevel=2)
        shutil.rmtree(entry, ignore_errors=True)
        return None
    dq = frames["data_quality"]
    if len(dq):
        dq["file"] = path.name  # the entry is keyed by content; name the file as this caller knows it
    return RatingsFile(path=path, sha256=digest, **meta["fields"], **frames)


def read_frame(path: Path):
    """A frame as write_frame stored it: the same columns, dtypes and index (pandas converts from Arrow as it does
    for Parquet)."""
    import pandas as pd

    return pd.read_feather(path)


def write_frame(frame, path: Path) -> None:
    from pyarrow import feather

    feather.write_feather(frame, path, compression="uncompressed")


def write_entry(entry: Path, ratings: RatingsFile, location_types: tuple[str, ...]) -> bool:
    """Write atomically: into a temporary folder beside the entry, then renamed into place. False if not written."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.tmp-", dir=entry.parent))
    except OSError as e:
        print(f"carequality cache: not caching {ratings.path.name} ({e})", file=sys.stderr)
        return False
    try:
        import dataclasses

        import pandas as pd

        # Every field of the RatingsFile: frames as Arrow files, the rest in meta.json (a field that is neither a frame
        # nor JSON fails the write, so it is never cached without it).
        frames, fields = [], {}
        for f in dataclasses.fields(ratings):
            value = getattr(ratings, f.name)
            if f.name in PLACE_FIELDS:
                continue
            if isinstance(value, pd.DataFrame):
                write_frame(value, tmp / f"{f.name}.arrow")
                frames.append(f.name)
            else:
                json.dumps(value)
                fields[f.name] = value
        meta = {
            "sha256": ratings.sha256,
            "loader": loader_version(),
            "location_types": list(location_types),
            "frames": frames,
            "fields": fields,
            "source_name": ratings.path.name,
            "source_bytes": ratings.path.stat().st_size,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.rename(tmp, entry)
        return True
    except Exception as e:  # caching is an optimisation: a failure to write never fails the load
        if not (entry / "meta.json").is_file():  # not another process's entry that won the race
            print(f"carequality cache: could not write {entry} ({e})", file=sys.stderr)
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
