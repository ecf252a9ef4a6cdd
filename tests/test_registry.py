"""The one registry of sections: the notebook, params and the sections package agree with it."""

from __future__ import annotations

import json
import re

import pytest

from carequality.errors import ParamsError
from carequality.params import parse_params
from carequality.registry import BY_NAME, SECTION_NAMES, SECTIONS
from carequality.run.render import NOTEBOOK
from carequality.sections import section_function
from conftest import ROOT


def _notebook_calls() -> list[str]:
    """The section functions the notebook's cells show, in order: report.show(module.function)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.findall(r"report\.show\(\s*\w+\.(\w+)\s*\)", source)


def test_the_notebook_calls_every_section_once_in_registry_order():
    assert _notebook_calls() == list(SECTION_NAMES)


def test_every_section_is_a_function_of_its_module_with_its_name():
    for spec in SECTIONS:
        fn = section_function(spec.name)
        assert fn.__name__ == spec.name
        assert fn.__module__ == f"carequality.sections.{spec.module}"


def test_the_notebook_imports_each_section_module_by_its_registry_name():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for spec in SECTIONS:
        assert re.search(rf"report\.show\({spec.module}\.{spec.name}\)", source), spec.name


def test_the_notebook_in_notebooks_is_a_copy_of_the_packaged_one_not_a_link_into_it():
    """Editing notebooks/annual_report.ipynb in JupyterLab must not edit the installed tool (issue 19): it is a real
    file, kept identical to the packaged notebook by this test (change the packaged one, then copy it)."""
    copy = ROOT / "notebooks" / "annual_report.ipynb"
    assert not copy.is_symlink() and copy.resolve() != NOTEBOOK.resolve()
    assert copy.read_bytes() == NOTEBOOK.read_bytes(), (
        "notebooks/annual_report.ipynb differs from lib/carequality/run/notebooks/annual_report.ipynb: change the "
        "packaged notebook, then copy it over the one in notebooks/"
    )


def _params(**over):
    base = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": {"cqc_ratings": "ratings.csv"}}
    return {**base, **over}


def test_default_sections_are_those_whose_inputs_are_given_in_registry_order(tmp_path):
    (tmp_path / "ratings.csv").write_text("x\n")
    p = parse_params(_params(), source="p.yaml", base_dir=tmp_path)
    expected = [s.name for s in SECTIONS if not s.unmet({"cqc_ratings"})]
    assert list(p.sections) == expected
    assert "inspections_in_period" not in p.sections  # needs a ratings history


def test_an_unknown_section_is_refused_with_the_registry_names(tmp_path):
    (tmp_path / "ratings.csv").write_text("x\n")
    with pytest.raises(ParamsError) as e:
        parse_params(_params(sections=["market_overveiw"]), source="p.yaml", base_dir=tmp_path)
    assert "'market_overveiw' not a section" in str(e.value)
    assert "market_overview" in str(e.value)


def test_a_section_whose_inputs_are_missing_names_the_input(tmp_path):
    (tmp_path / "ratings.csv").write_text("x\n")
    with pytest.raises(ParamsError) as e:
        parse_params(_params(sections=["rating_changes"]), source="p.yaml", base_dir=tmp_path)
    assert "section 'rating_changes' needs inputs.cqc_api or inputs.cqc_snapshots" in str(e.value)


def test_a_spec_names_the_needs_no_given_input_meets():
    spec = BY_NAME["commissioned_market"]
    assert spec.unmet({"cqc_api"}) == [("commissioned_services",)]
    assert spec.unmet({"cqc_api", "commissioned_services"}) == []
