"""notebooks/explore.ipynb (issue 19): a starter outside the package that opens any params file's report data,
its recipe cells the same code as docs/recipes.md."""

from __future__ import annotations

import json
import re

from conftest import ROOT

EXPLORE = ROOT / "notebooks" / "explore.ipynb"


def _code(path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_explore_notebook_lives_outside_the_package_and_has_a_parameters_cell():
    assert EXPLORE.is_file() and not EXPLORE.is_symlink()
    assert not list((ROOT / "lib").rglob("explore.ipynb"))
    nb = json.loads(EXPLORE.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in first["metadata"]["tags"] and "params_file =" in "".join(first["source"])


def test_its_recipe_cells_are_the_recipes_page_s():
    recipes = [r.strip("\n") for r in re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "recipes.md").read_text(), flags=re.S)]
    cells = [c.strip("\n") for c in _code(EXPLORE)]
    shared = [c for c in cells if c in recipes]
    assert len(shared) >= 3  # declined, beds, spend: the same code the recipes test runs


def test_it_opens_the_report_of_another_params_file(tmp_path):
    import shutil

    import papermill
    import yaml

    shutil.copy(ROOT / "data" / "example" / "cqc_ratings_example.csv", tmp_path / "cqc.csv")
    shutil.copy(ROOT / "data" / "example" / "commissioned_services_example.csv", tmp_path / "com.csv")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({
        "council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
        "inputs": {"cqc_ratings": "cqc.csv", "commissioned_services": "com.csv"}}))
    out = tmp_path / "explored.ipynb"
    papermill.execute_notebook(str(EXPLORE), str(out), parameters={"params_file": str(tmp_path / "p.yaml")},
                               cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    text = json.dumps(json.loads(out.read_text())["cells"])
    assert "York 2025-04-01 to 2026-03-31" in text
    assert "0 declined; the council spends" in text  # no ratings history: no change is known, none is made up
