"""The path a council takes, end to end: the wheel and sdist built from the clone, the wheel installed into a clean
virtual environment, `carequality init` of York's project outside the repository, the example data put where the
project's README says, then `check` and `render` in that folder. The machine is made to lack Chromium
(CAREQUALITY_CHROMIUM names no file): `doctor` names it, and `render` still writes the HTML and the spreadsheet
and says the PDF was skipped. The notebook, templates and project files ship as package data, found through
importlib.resources.

Offline (no test reaches the internet): pip installs the wheel alone (--no-deps --no-index), and the new
environment gets its dependencies from this test's own: every distribution the wheel's metadata asks for, and
theirs in turn (markers evaluated, extras followed), is checked to be installed here at a version that satisfies the
request, then linked into the new environment's site-packages, and nothing else is: not the checkout's editable
carequality, not the test tools (pytest cannot be imported there), so an import the package makes but does not
declare still fails here as it would on a council's machine. `pip check` then reads the new environment as pip
would after a full install."""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def _build(tmp_path):
    """The sdist, then the wheel built from the sdist (so the sdist must hold everything the wheel needs)."""
    source = tmp_path / "clone"  # a copy, so that the build writes nothing into the clone
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "outputs", ".cache", "node_modules", "_artefacts", "__pycache__", "build", "*.egg-info",
        "bench", ".hypothesis", ".pytest_cache", "dist"))
    dist = tmp_path / "dist"
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (wheel,), (sdist,) = dist.glob("*.whl"), dist.glob("*.tar.gz")
    from carequality import __version__

    assert wheel.name == f"carequality-{__version__}-py3-none-any.whl" and sdist.name == f"carequality-{__version__}.tar.gz"
    names = zipfile.ZipFile(wheel).namelist()
    for data in ("carequality/project/files/README.md", "carequality/project/files/gitignore",
                 "carequality/run/notebooks/annual_report.ipynb", "carequality/resources/councils.csv"):
        assert data in names, data
    assert not [n for n in names if n.startswith(("tests/", "data/", "params/"))]
    assert f"carequality-{__version__}/lib/carequality/project/files/commentary.md" in tarfile.open(sdist).getnames()
    return wheel


def _dependencies(wheel: Path) -> list:
    """The installed distributions the wheel needs: its Requires-Dist, and theirs in turn, as installed in this
    environment. Fails naming every one that is missing or whose version is outside what its dependent asks for."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        wheel_metadata = email.parser.Parser().parsestr(z.read(name).decode("utf-8"))
    declared = wheel_metadata.get_all("Requires-Dist") or []
    assert declared, "the wheel declares no dependencies"
    pending = [(Requirement(r), frozenset(), wheel_metadata["Name"]) for r in declared]
    found: dict[str, metadata.Distribution] = {}
    extras: dict[str, frozenset[str]] = {}
    unmet = []
    while pending:
        req, parent_extras, wanted_by = pending.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in {"", *parent_extras}):
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            unmet.append(f"{req} (for {wanted_by}): not installed")
            continue
        if not req.specifier.contains(dist.version, prereleases=True):
            unmet.append(f"{req} (for {wanted_by}): {dist.version} installed")
        key = canonicalize_name(req.name)
        if key in found and req.extras <= extras[key]:
            continue
        found[key], extras[key] = dist, extras.get(key, frozenset()) | req.extras
        pending += [(Requirement(r), extras[key], key) for r in dist.requires or []]
    assert not unmet, "dependencies not satisfied here:\n" + "\n".join(sorted(unmet))
    return list(found.values())


def _link(dists: list, venv: Path, site_packages: Path) -> None:
    """Each distribution's top-level files in site-packages (packages, modules, compiled libraries, its .dist-info)
    linked into the new environment's, as if installed there, and its data files (nbconvert's templates in
    share/jupyter …) into the new environment at the same place; no .pth file, and no script (each names this
    environment's interpreter)."""
    prefix = Path(sys.prefix)
    for dist in dists:
        assert dist.files is not None, f"{dist.metadata['Name']} has no RECORD: cannot tell its files"
        root = Path(dist.locate_file(""))
        for file in dist.files:
            top = file.parts[0]
            if top == "..":  # outside site-packages: a data file, or a script in bin/
                source = Path(os.path.normpath(root / file))
                target = venv / source.relative_to(prefix)
                if source.relative_to(prefix).parts[0] == "bin" or target.is_symlink():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
            elif top == "__pycache__" or top.endswith(".pth") or (site_packages / top).is_symlink():
                continue
            else:
                source, target = root / top, site_packages / top
            target.symlink_to(source)


def test_a_council_installs_the_wheel_inits_its_project_and_renders_the_example_outside_the_repository(
        tmp_path, example_render):
    wheel = _build(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site_packages = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        capture_output=True, text=True, check=True).stdout.strip())
    _link(_dependencies(wheel), venv, site_packages)
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "-q", "--no-deps", "--no-index", "--no-compile", str(wheel)], check=True,
                   cwd=tmp_path)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["CAREQUALITY_CACHE"] = "off"
    env["CAREQUALITY_CHROMIUM"] = str(tmp_path / "no-chromium")  # a machine without Chromium

    def carequality(*args, cwd):
        return subprocess.run([str(venv / "bin" / "carequality"), *args], cwd=cwd, env=env, capture_output=True,
                              text=True)

    installed = subprocess.run([str(venv / "bin" / "python"), "-c", "import carequality; print(carequality.__file__)"],
                               cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert installed.startswith(str(site_packages)) and str(ROOT) not in installed
    # Only what the wheel declares: the test tools beside it here are not there.
    found = subprocess.run([python, "-c", "import importlib.util as u; print(u.find_spec('pytest'))"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert found.strip() == "None"

    run = carequality("init", "york", "--council", "York", "--period", "2025-26", cwd=elsewhere)
    assert run.returncode == 0, run.stderr
    project = elsewhere / "york"
    readme = (project / "README.md").read_text(encoding="utf-8")
    # The README says where the example data go (`carequality example --out example/data`): put York's there.
    assert "carequality example --out example/data" in readme
    shutil.copytree(ROOT / "data" / "example", project / "example" / "data")

    doctor = carequality("doctor", cwd=project)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert re.search(r"^MISSING +Chromium", doctor.stdout, re.M) and "sudo apt-get install chromium" in doctor.stdout
    assert "Not yet: PDF." in doctor.stdout

    check = carequality("check", "example/params.yaml", cwd=project)
    assert check.returncode == 0, check.stderr
    assert "params valid; York (E06000014)" in check.stdout and "params upgrade" not in check.stderr
    run = carequality("render", "example/params.yaml", "--out", "outputs", "--to", "html,pdf,xlsx", "--quiet",
                      cwd=project)
    assert run.returncode == 0, run.stderr
    assert "skipped PDF: PDF needs chromium" in run.stderr and "sudo apt-get install chromium" in run.stderr
    report = project / "outputs" / "york" / "2025-04-01_to_2026-03-31"
    assert (report / "report.html").is_file() and (report / "report.xlsx").is_file()
    assert not (report / "report.pdf").exists()
    assert "<strong>Example data.</strong>" in (report / "report.html").read_text(encoding="utf-8")
    # The same tables as a render from the clone itself (the session's render of the example).
    tables = sorted(p.name for p in (report / "tables").glob("*.csv"))
    assert "ratings_overview.csv" in tables and len(tables) > 20
    assert tables == sorted(p.name for p in example_render.tables)


def test_a_dependency_missing_here_or_outside_the_version_asked_for_is_named(tmp_path):
    """The check that stands in for pip's resolver: a wheel asking for what this environment lacks fails, naming it."""
    wheel = tmp_path / "x-1.0-py3-none-any.whl"
    requires = ["pandas<1", "nosuchdistribution24>=1", "pytest; extra == 'dev'", "pyyaml; python_version < '3'"]
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("x-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n"
                   + "".join(f"Requires-Dist: {r}\n" for r in requires))
    with pytest.raises(AssertionError) as e:
        _dependencies(wheel)
    from importlib.metadata import version

    said = [line.strip() for line in str(e.value).split("\nassert")[0].splitlines()]
    assert said == ["dependencies not satisfied here:", "nosuchdistribution24>=1 (for x): not installed",
                    f"pandas<1 (for x): {version('pandas')} installed"]
