"""Issue 20, property: for many generated councils (the example generator with random seeds: ratings file, API
history and QA records), the report agrees with itself: `carequality audit` finds nothing.

Each council is built in this process (run/audit.execute_in_memory: the notebook's cells without a kernel) from
every section that needs no national counts, so fifty councils take about a minute. The sections that compare
areas are audited on the example and the real-data reports (tests/run/test_audit.py)."""

from __future__ import annotations

import random

import pytest
import yaml

from carequality.examples import write_council
from carequality.registry import SECTIONS
from carequality.run.audit import audit_in_memory, describe

COUNCILS = 50
#: Sections that need the national counts or an external series (and draw charts), or CQC's ratings history (slow
#: to build fifty times): left to the example's and the real data's audits (tests/run/test_audit.py).
LEFT_OUT = {"benchmarks", "external_benchmarks", "benchmarks_method"}
#: The files each council gives (input name → file write_council writes): the sections they feed are the ones run.
INPUTS = {
    "cqc_ratings": "cqc_ratings_example.csv",
    "commissioned_services": "commissioned_services_example.csv",
    "commissioned_services_previous": "commissioned_services_previous_example.csv",
    "risk_register": "risk_register_example.xlsx",
    "qa_visits": "qa_visits_example.csv",
    "inspection_themes": "inspection_themes_example.csv",
    "theme_offers": "theme_offers_example.csv",
}


def council_params(folder, seed: int) -> str:
    write_council(folder, seed)
    params = {
        "council": {"code": "E06000014", "name": "York"},
        "period": {"start": "2025-04-01", "end": "2026-03-31"},
        "inputs": INPUTS,
        "sections": [s.name for s in SECTIONS if s.name not in LEFT_OUT and not s.unmet(set(INPUTS))],
        "options": {"example_data": True, "mode": "publication" if seed % 5 == 0 else "working"},
    }
    path = folder / "council.yaml"
    path.write_text(yaml.safe_dump(params))
    return str(path)


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("CAREQUALITY_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_the_audit_finds_nothing_in_fifty_generated_councils(tmp_path):
    seeds = random.Random(20).sample(range(1, 100_000), COUNCILS)
    failures = []
    for i, seed in enumerate(seeds):
        folder = tmp_path / f"council_{seed}"
        folder.mkdir()
        findings = audit_in_memory(council_params(folder, seed), "summary" if i % 4 == 3 else "full")
        if findings:
            failures.append(f"seed {seed}:\n{describe(findings)}")
    assert not failures, "\n\n".join(failures[:3])
