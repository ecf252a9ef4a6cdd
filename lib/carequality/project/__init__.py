"""`carequality init DIR --council NAME_OR_CODE`: a council's own carequality project, outside this repository.

The project holds what makes the council's report and nothing of carequality itself: a params file for the
council and period (it passes `carequality check` once CQC's file is saved where the README says), the blank
templates of the council's records (from sources/council_records.FORMATS, as templates/inputs/ has them), the
commentary file, a `.gitignore` that keeps outputs/ and the confidential records out of git, CI files for GitHub
and GitLab pinned to the installed carequality, the example report's params, and a README for the analyst.

A manifest (`.carequality/init.json`) keeps the SHA-256 of every file written. Run again (with --force in a
folder that is not empty), init writes the files that are missing, brings up to date the files still as it wrote
them (a new version pin, a new template), and keeps every file the council has changed or wrote itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import string
import tempfile
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from carequality.councils import Council
from carequality.examples.files import write_csv, write_xlsx
from carequality.params import Period, read_params_text, validate_params
from carequality.run.atomic import atomic_path
from carequality.run.scaffold import ScaffoldError, council_from_arg, params_text, period_from_arg, period_label
from carequality.sources.audits import AUDITS
from carequality.sources.council_records import FORMATS

#: Rows below the header that get the XLSX templates' drop-down lists (risk level, Y/N, visit type).
BLANK_ROWS = 1000
MANIFEST = Path(".carequality") / "init.json"
#: The project's CQC file, as its README tells the analyst to save it.
CQC_FILE = "data/cqc/latest_ratings.ods"
RECORDS = "records/"
#: Package data: the README, .gitignore, CI files, commentary template and the example's params.
FILES = files("carequality.project") / "files"


class InitError(ScaffoldError):
    """init cannot write the project: the message says why and what to do."""


def write_record_templates(out: Path) -> list[Path]:
    """The blank templates of the council's records, a CSV and an XLSX of each format (templates/inputs/)."""
    paths = []
    for name, fmt in {**FORMATS, AUDITS.name: AUDITS}.items():
        paths.append(write_csv(out / f"{name}.csv", fmt))
        paths.append(write_xlsx(out / f"{name}.xlsx", fmt, blank_rows=BLANK_ROWS))
    return paths


def financial_year(text: str | None, today: dt.date | None = None) -> Period:
    """--period: 'YYYY-YY' (April to March), START:END dates, or (None) the last financial year that has ended."""
    if text is None:
        today = today or dt.date.today()
        end_year = today.year if today.month >= 4 else today.year - 1
        return Period(start=dt.date(end_year - 1, 4, 1), end=dt.date(end_year, 3, 31))
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", text)
    if m is None:
        if ":" in text:
            return period_from_arg(text)
        raise InitError(f"--period {text!r}: expected a financial year as YYYY-YY (e.g. 2025-26) or START:END dates")
    start = int(m.group(1))
    if (start + 1) % 100 != int(m.group(2)):
        raise InitError(
            f"--period {text!r}: {m.group(2)} does not follow {start}; expected e.g. {start}-{(start + 1) % 100:02d}"
        )
    return period_from_arg(f"{start}-04-01:{start + 1}-03-31")


def _template(name: str, values: dict[str, str]) -> str:
    return string.Template(FILES.joinpath(name).read_text(encoding="utf-8")).substitute(values)


def project_files(council: Council, period: Period) -> dict[str, bytes]:
    """Every file of the project by its path in the project, as bytes."""
    from carequality import __version__

    params = f"params/{period_label(period)}.yaml"
    values = {
        "council_name": council.name,
        "council_short": council.short_name,
        "council_code": council.ons_code,
        "period_label": period_label(period),
        "period_slug": period.slug,
        "slug": council.slug,
        "params": params,
        "version": __version__,
    }
    params_body = params_text(
        council,
        period,
        f"../{CQC_FILE}",
        records=f"../{RECORDS}",
        example=False,
        written_by="carequality init",
        more_inputs={"commentary": "../commentary.md"},
    )
    out = {
        "README.md": _template("README.md", values),
        ".gitignore": FILES.joinpath("gitignore").read_text(encoding="utf-8"),
        params: params_body,
        "commentary.md": FILES.joinpath("commentary.md").read_text(encoding="utf-8"),
        "records/README.md": FILES.joinpath("records-README.md").read_text(encoding="utf-8"),
        "data/cqc/README.md": f"Save CQC's monthly 'Care directory with ratings' file here as {Path(CQC_FILE).name} "
        "(see ../../README.md).\n",
        "example/params.yaml": FILES.joinpath("example-params.yaml").read_text(encoding="utf-8"),
        ".github/workflows/carequality.yml": _template("github-actions.yml", values),
        ".gitlab-ci.yml": _template("gitlab-ci.yml", values),
    }
    data = {k: v.encode("utf-8") for k, v in out.items()}
    with tempfile.TemporaryDirectory(prefix="carequality-init-") as tmp:
        for path in write_record_templates(Path(tmp)):
            data[f"templates/{path.name}"] = path.read_bytes()
    return data


@dataclass
class InitResult:
    folder: Path
    params: Path
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed by the council (or not written by init): untouched


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _write(target: Path, data: bytes) -> None:
    """Atomically, with the permissions the user's umask gives (run/atomic.py)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def init_project(folder: str | Path, council: str, period: str | None = None, *, force: bool = False) -> InitResult:
    """Write the project into `folder`; raise InitError (bad arguments, a folder in use without force)."""
    folder = Path(folder)
    c = council_from_arg(council)
    p = financial_year(period)
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file; expected a folder for the project")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InitError(
            f"{folder} is not empty; give --force to add the project's missing files there (files you have "
            "changed are never overwritten), or name a new folder"
        )
    wanted = project_files(c, p)
    params = f"params/{period_label(p)}.yaml"
    data = read_params_text(wanted[params].decode("utf-8"), params)
    validate_params(data if isinstance(data, dict) else {}, source=params, base_dir=folder)  # never a bad file
    written_before = _read_manifest(folder)
    result = InitResult(folder, folder / params)
    hashes = dict(written_before)
    for rel, data in wanted.items():
        target = folder / rel
        if target.exists():
            current = _sha(target.read_bytes())
            if written_before.get(rel) != current:
                result.kept.append(rel)  # the council changed it, or init did not write it
                continue
            if current == _sha(data):
                continue
            result.updated.append(rel)
        else:
            result.written.append(rel)
        _write(target, data)
        hashes[rel] = _sha(data)
    (folder / "outputs").mkdir(exist_ok=True)
    manifest = {"council": c.ons_code, "files": hashes}
    _write(folder / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return result


__all__ = ["InitError", "InitResult", "financial_year", "init_project", "project_files", "write_record_templates"]
