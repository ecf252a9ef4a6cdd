"""The path a council takes, end to end: the wheel and sdist built from the clone, the wheel installed into a clean
virtual environment, `carequality init` of York's project outside the repository, the example data put where the
project's README says, then `check` and `render` in that folder. The machine is made to lack Chromium
(CAREQUALITY_CHROMIUM names no file): `doctor` names it, and `render` still writes the HTML and the spreadsheet
and says the PDF was skipped. The notebook, templates and project files ship as package data, found through
importlib.resources."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

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


def test_a_council_installs_the_wheel_inits_its_project_and_renders_the_example_outside_the_repository(
        tmp_path, example_render):
    wheel = _build(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True, cwd=tmp_path)

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
    assert str(venv) in installed and str(ROOT) not in installed

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
