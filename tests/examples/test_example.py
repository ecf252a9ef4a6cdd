"""The committed example data is exactly what the deterministic generator makes."""

from __future__ import annotations

import filecmp

from carequality.examples import write_example
from conftest import ROOT


def test_committed_example_data_equals_a_fresh_generation(tmp_path):
    written = write_example(tmp_path)
    committed = ROOT / "data" / "example"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert {p.relative_to(tmp_path) for p in written} <= set(made)
    _, mismatch, errors = filecmp.cmpfiles(committed, tmp_path, [str(p) for p in made], shallow=False)
    assert mismatch == [] and errors == []
