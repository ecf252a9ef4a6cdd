"""docs/tutorial.md cannot drift: every command in its shell blocks is run, in order, in one shell, as an analyst
would, from an empty home folder to the committee's PDF.

Two things stand in for the world outside: the install (`pip install carequality==X` is checked to name this
version, and the installed command is this checkout's; tests/run/test_installed_package.py installs the real
wheel), and CQC's download (the example's CQC rows saved as the ODS file the tutorial copies from ~/Downloads)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carequality import __version__
from conftest import ROOT

pytestmark = pytest.mark.slow

TUTORIAL = ROOT / "docs" / "tutorial.md"
PIP = re.compile(r"^~/carequality/bin/pip install carequality==(\S+)$")


def shell_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```sh block, in order."""
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"^```sh\n(.*?)^```$", text, re.M | re.S)]


def test_the_tutorial_has_the_steps_from_install_to_the_pdf():
    commands = [c for block in shell_blocks(TUTORIAL.read_text(encoding="utf-8")) for c in block]
    assert commands[:3] == ["python3.11 -m venv ~/carequality", f"~/carequality/bin/pip install carequality=={__version__}",
                            'export PATH="$HOME/carequality/bin:$PATH"']
    for step in ("carequality doctor", "carequality init", "carequality check", "carequality render"):
        assert any(c.startswith(step) for c in commands), step


def test_every_command_in_the_tutorial_runs_and_ends_with_the_committee_s_pdf(tmp_path):
    if not (shutil.which("chromium") and shutil.which("pandoc") and shutil.which("pdftotext")):
        pytest.fail("needs chromium, pandoc and poppler-utils: run `make sysdeps` (make test installs them)")
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    import pandas as pd

    rows = pd.read_csv(ROOT / "data" / "example" / "cqc_ratings_example.csv", dtype=str, keep_default_na=False)
    rows.to_excel(home / "Downloads" / "01_December_2025_Latest_ratings.ods", engine="odf", index=False,
                  sheet_name="Locations")
    lines = []
    for block in shell_blocks(TUTORIAL.read_text(encoding="utf-8")):
        for command in block:
            m = PIP.match(command)
            if m:  # the install: this version, and this checkout's command in the new environment
                assert m.group(1) == __version__
                command = f'ln -s {Path(sys.executable).parent / "carequality"} ~/carequality/bin/carequality'
            lines.append(command)
    script = "set -euo pipefail\nset -x\n" + "\n".join(lines) + "\n"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["HOME"] = str(home)
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(str(ROOT)))  # no .venv on PATH
    run = subprocess.run(["bash", "-c", script], cwd=home, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    assert "params valid; York (E06000014)" in run.stdout
    report = home / "york-report" / "outputs" / "york" / "2025-04-01_to_2026-03-31-summary"
    assert {"report.html", "report.pdf", "report.docx"} <= {p.name for p in report.iterdir()}
    text = subprocess.run(["pdftotext", "-layout", str(report / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Health and Adult Social Care Policy and Scrutiny Committee" in re.sub(r"\s+", " ", text)
    assert "OFFICIAL" in text
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "quality assurance team" in html  # the council's recommendation
    # The council's records were read: the method annex, the committee paper's background paper (issue 21), lists them.
    annex = (report / "method_annex.html").read_text(encoding="utf-8")
    assert "../records/qa_visits.csv" in annex and "../records/qa_visits.csv" not in html
