"""A pip-installed carequality renders a report outside the repository: the notebook, the HTML template and the
councils list ship as package data, found through importlib.resources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLE_PARAMS, ROOT


@pytest.mark.slow
def test_pip_installed_package_renders_the_example_outside_the_repository(tmp_path):
    # A copy of the clone, so that the build does not write into it (build/, *.egg-info).
    source = tmp_path / "clone"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "outputs", ".cache", "node_modules",
                                                                "_artefacts", "__pycache__", "build", "*.egg-info",
                                                                "bench", ".hypothesis", ".pytest_cache"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    constraints = ROOT / "constraints.txt"
    subprocess.run([*pip, "-c", str(constraints), str(source)], check=True, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["CAREQUALITY_CACHE"] = "off"
    params = source / EXAMPLE_PARAMS.relative_to(ROOT)
    out = tmp_path / "x"
    run = subprocess.run([str(venv / "bin" / "carequality"), "render", str(params), "--out", str(out), "--quiet"],
                         cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    installed = subprocess.run([str(venv / "bin" / "python"), "-c", "import carequality; print(carequality.__file__)"],
                               cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in installed and str(ROOT) not in installed
    report = out / "york" / "2025-04-01_to_2026-03-31"
    assert (report / "report.html").is_file()
    tables = sorted(p.name for p in (report / "tables").glob("*.csv"))
    assert "ratings_overview.csv" in tables and len(tables) > 20
    # The same tables as a render from the clone itself.
    from carequality.run.render import render

    here = render(EXAMPLE_PARAMS, tmp_path / "here")
    assert tables == sorted(p.name for p in here.tables)
