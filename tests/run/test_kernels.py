"""Forked kernels: what the template preloads, and a kernel forked from it runs code in its own process."""

from __future__ import annotations

import os

import pytest

from carequality.run import kernels


def test_preload_names_the_kernel_pandas_and_the_modules_the_notebook_imports():
    mods = kernels.preload_modules()
    assert "ipykernel.kernelapp" in mods and "pandas" in mods
    assert "carequality.report" in mods
    # `from carequality.sections import changes, compare, overview, qa` in the notebook:
    assert {"carequality.sections", "carequality.sections.overview", "carequality.sections.qa"} <= set(mods)


def test_every_preloaded_name_is_a_module_or_a_name_in_one():
    import importlib

    for name in kernels.preload_modules():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            parent, _, attr = name.rpartition(".")
            assert hasattr(importlib.import_module(parent), attr), f"{name} is preloaded but is neither"


@pytest.mark.slow
def test_a_forked_kernel_runs_a_cell_in_a_process_of_its_own(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from carequality.run.render import kernel_manager_class

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.getpid(), os.getcwd())")])
    template = kernels.start_template()
    try:
        manager = kernels.manager_class(kernel_manager_class(str(tmp_path)), template)
        client = NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                                kernel_manager_class=manager)
        client.execute()
    finally:
        template.close()
    pid, cwd = nb.cells[0].outputs[0]["text"].split()
    assert int(pid) not in (os.getpid(), template.proc.pid)
    assert cwd == str(tmp_path)
