"""The benchmark's probes run the real notebook: a probe that no longer matches it fails here, not in `make bench`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_PARAMS

PROBE = Path(__file__).resolve().parents[2] / "bench" / "probe.py"


@pytest.mark.slow  # it runs the notebook's work (a minute or two): xdist starts it early
def test_the_notebooks_own_work_runs_outside_a_kernel_with_its_parameters_cell():
    out = subprocess.run([sys.executable, str(PROBE), "kernel_work", str(EXAMPLE_PARAMS)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["cells"] > 10 and result["seconds"] > 0
