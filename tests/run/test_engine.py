"""The in-process engine (run/engine.py) against the kernel route: the same executed notebooks, the same reports, and
the same failures (a cell that raises, hangs or kills its process ends that report alone, with a clear message)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from carequality.cli import main
from carequality.run import render as R
from carequality.run.engine import DIED_ERROR, ENGINES, TIMEOUT_ERROR, comparable
from conftest import EXAMPLE_PARAMS, ROOT

pytestmark = pytest.mark.slow

BOTH = ("inprocess", "kernel")
NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)
GENERATED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def _notebook(folder: Path, *cells: str, name: str = "nb.ipynb", parameters: bool = False) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    if parameters:
        nb.cells.insert(0, nbformat.v4.new_code_cell('params_file = ""\nprofile = "full"'))
        nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


def _run(nb: Path, engine: str, timeout: float | None = None):
    """papermill with the engine: (saved notebook, error name and value or None)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = nb.with_name(f"{nb.stem}.{engine}.ipynb")
    error = None
    try:
        papermill.execute_notebook(str(nb), str(out), engine_name=ENGINES[engine], kernel_name="python3",
                                   progress_bar=False, execution_timeout=timeout, request_save_on_cell_execute=False,
                                   cwd=str(nb.parent))
    except PapermillExecutionError as e:
        error = (e.ename, e.evalue)
    return json.loads(out.read_text(encoding="utf-8")), error


def test_what_a_kernel_shows_the_engine_shows(tmp_path):
    """Streams, display() with ids and updates, a cell's value, pandas' HTML, pyplot's inline figure, a cell's error
    and its traceback: the saved notebooks are the same, key for key. (A subprocess's output is captured too, but a
    kernel forwards it from a thread, so whether it lands in its cell is a race there: checked for the engine alone.)"""
    nb = _notebook(
        tmp_path,
        'import sys\nprint("out")\nprint("err", file=sys.stderr)',
        "1 + 1",
        'from IPython.display import HTML, display\nh = display(HTML("<b>x</b>"), display_id=True)\n'
        'h.update(HTML("<i>y</i>"))\nprint("after")',
        "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', None]})",
        "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);",
        'import os\nos.system("echo from a subprocess") if os.environ.get("CQ_SUBPROCESS") else None',
        "x = 1;",
        "",
        "def f():\n    raise ValueError('boom')\nf()",
        'print("never runs")',
    )
    (a, error_a), (b, error_b) = _run(nb, "inprocess"), _run(nb, "kernel")
    assert error_a == error_b == ("ValueError", "boom")
    assert comparable(a) == comparable(b)
    outputs = [c.get("outputs", []) for c in a["cells"] if c["cell_type"] == "code"]
    assert outputs[2][0]["data"]["text/html"] == ["<i>y</i>"]  # the update reached the first display
    assert any("image/png" in o.get("data", {}) for o in outputs[4])
    assert "ValueError" in "".join(outputs[8][-1]["traceback"]) and outputs[9] == []


def test_what_the_process_did_to_matplotlib_before_the_fork_does_not_reach_the_notebook(tmp_path):
    """The runner is forked from a process that may have used matplotlib already (a test that drew with Agg, a script
    or notebook that calls render()): pyplot imported with another backend, a figure open, a setting changed, the
    inline backend imported with no shell to hook into. A kernel starts without any of it, and so must the runner:
    once, a full test run forked the engine after a test had picked Agg, and the cell's figure was never shown."""
    import matplotlib
    import matplotlib.pyplot as plt
    import matplotlib_inline.backend_inline  # noqa: F401  (imported here, where no IPython shell exists)

    nb = _notebook(
        tmp_path,
        "import matplotlib, matplotlib.pyplot as plt\n"
        "print(plt.get_fignums(), matplotlib.rcParams['lines.linewidth'], matplotlib.get_backend())",
        "plt.plot([1, 3, 2]);",
    )
    backend = matplotlib.rcParams["backend"]
    plt.switch_backend("Agg")
    figure = plt.figure()
    try:
        with matplotlib.rc_context({"lines.linewidth": 7.0}):
            (a, _), (b, _) = _run(nb, "inprocess"), _run(nb, "kernel")
    finally:
        plt.close(figure)
        plt.switch_backend(backend)
    assert comparable(a) == comparable(b)
    said = a["cells"][0]["outputs"][0]["text"][0]
    assert said.startswith("[] 1.5 ") and "inline" in said
    assert "image/png" in a["cells"][1]["outputs"][0]["data"]


def test_a_subprocess_output_is_captured_in_its_cell(tmp_path, monkeypatch):
    monkeypatch.setenv("CQ_SUBPROCESS", "1")
    nb = _notebook(tmp_path, 'import os\nprint("before")\nos.system("echo from a subprocess")\nprint("after")')
    saved, error = _run(nb, "inprocess")
    assert error is None
    assert saved["cells"][0]["outputs"][0]["text"] == ["before\n", "from a subprocess\n", "after\n"]


@pytest.mark.parametrize("engine", BOTH)
def test_a_cell_that_hangs_is_stopped_by_the_time_limit(tmp_path, engine):
    nb = _notebook(tmp_path, 'print("first")', "import time\ntime.sleep(120)", 'print("never")')
    saved, error = _run(nb, engine, timeout=2)
    assert error is not None and error[0] == TIMEOUT_ERROR and "time limit of 2 s" in error[1]
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code[1]["outputs"][-1]["ename"] == TIMEOUT_ERROR and code[2]["outputs"] == []


@pytest.mark.parametrize("engine", BOTH)
@pytest.mark.parametrize(("cell", "how"), [("import os\nos._exit(3)", "exited with code 3"),
                                           ("import ctypes\nctypes.string_at(0)", "was killed by SIGSEGV")])
def test_a_cell_that_kills_its_process_fails_that_notebook(tmp_path, engine, cell, how):
    nb = _notebook(tmp_path, 'print("first")', cell, 'print("never")')
    saved, error = _run(nb, engine)
    assert error == (DIED_ERROR, f"the process running the notebook {how} during this cell")
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code[0]["outputs"][0]["text"] == ["first\n"] and code[2]["outputs"] == []


def test_nothing_one_notebook_sets_reaches_the_next(tmp_path):
    first = _notebook(tmp_path, "import os, carequality\nleft = 1\ncarequality.LEFT = 1\nos.environ['CQ_LEFT'] = '1'\n"
                                "print(os.getpid())", name="a.ipynb")
    second = _notebook(tmp_path, "import os, carequality\nprint(os.getpid(), 'left' in globals(), "
                                 "hasattr(carequality, 'LEFT'), 'CQ_LEFT' in os.environ)", name="b.ipynb")
    (a, _), (b, _) = _run(first, "inprocess"), _run(second, "inprocess")
    pid_a = a["cells"][0]["outputs"][0]["text"][0].split()[0]
    pid_b, *leaks = b["cells"][0]["outputs"][0]["text"][0].split()
    assert pid_a != pid_b and str(os.getpid()) not in (pid_a, pid_b)
    assert leaks == ["False", "False", "False"]
    assert "CQ_LEFT" not in os.environ


@pytest.mark.parametrize("engine", BOTH)
def test_a_report_that_hangs_or_dies_fails_alone_with_a_clear_message(tmp_path, monkeypatch, capsys, engine):
    """Through `carequality render`: exit 1, the cell and what happened named, the failed notebook kept; the process
    that ran it renders the next report as if nothing had happened."""
    hang = _notebook(tmp_path / "nb", "import time\ntime.sleep(120)", name="hang.ipynb", parameters=True)
    die = _notebook(tmp_path / "nb", "import os\nos._exit(9)", name="die.ipynb", parameters=True)
    out = tmp_path / "out"
    for notebook, said in ((hang, "ran for longer than the time limit of 2 s"), (die, "exited with code 9")):
        monkeypatch.setattr(R, "NOTEBOOK", notebook)
        args = ["render", str(EXAMPLE_PARAMS), "--out", str(out), "--quiet", "--engine", engine, "--cell-timeout", "2"]
        assert main(args) == 1
        err = capsys.readouterr().err
        assert f"the notebook stopped at cell 3: {'the cell ' if 'time' in said else 'the process running the notebook '}" in err
        assert said in err and "Traceback" not in err and "unexpected error" not in err
        assert (out / "york" / "2025-04-01_to_2026-03-31.failed.ipynb").is_file()
    monkeypatch.setattr(R, "NOTEBOOK", _notebook(tmp_path / "nb", "print('fine')", name="ok.ipynb", parameters=True))
    assert main(["render", str(EXAMPLE_PARAMS), "--out", str(out), "--quiet", "--engine", engine]) == 0
    assert not (out / "york" / "2025-04-01_to_2026-03-31.failed.ipynb").exists()


# ---- the report itself, through both engines -------------------------------------------------------------------


def _same_report(a: Path, b: Path) -> None:
    """Two renders' outputs: the executed notebooks (times aside), the tables, figures and manifest, the page."""
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for name in files_a:
        x, y = a / name, b / name
        if name.endswith(".ipynb"):
            assert comparable(json.loads(x.read_text())) == comparable(json.loads(y.read_text())), name
        elif name.endswith(".html"):
            assert GENERATED.sub("", x.read_text()) == GENERATED.sub("", y.read_text()), name
        else:
            assert x.read_bytes() == y.read_bytes(), name


def test_the_example_is_the_same_report_through_both_engines(example_render, tmp_path):
    kernel = R.render(EXAMPLE_PARAMS, tmp_path, engine="kernel")
    assert any((example_render.out_dir / "figures").glob("*.png"))
    _same_report(example_render.out_dir, kernel.out_dir)


@pytest.mark.shared
@pytest.mark.parametrize("params", ["lincolnshire/2025-26.yaml", "oldham/2024-25.yaml", "trafford/2025-26.yaml"])
def test_every_real_council_is_the_same_report_through_both_engines(shared_data, tmp_path, params):
    inprocess = R.render(ROOT / "params" / params, tmp_path / "inprocess", now=NOW, engine="inprocess")
    kernel = R.render(ROOT / "params" / params, tmp_path / "kernel", now=NOW, engine="kernel")
    assert inprocess.tables
    _same_report(inprocess.out_dir, kernel.out_dir)


@pytest.mark.parametrize("engine", BOTH)
def test_in_a_batch_a_report_that_dies_or_hangs_takes_no_other_with_it(tmp_path, monkeypatch, engine):
    import sys

    from carequality.run.batch import FAILED, OK, run_batch
    from carequality.run.scaffold import new_params

    sys.path.insert(0, str(ROOT))
    from bench.national_file import write_csv

    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))
    national = tmp_path / "national.csv"
    write_csv(national, rows=15_000)  # every council has locations in it, as in tests/run/test_batch.py
    councils = ("E06000001", "E06000014", "E06000002", "E06000003")  # dies, fine, hangs, fine
    files = [new_params(c, "2025-04-01:2026-03-31", national, tmp_path / "params" / f"{c}.yaml")[0] for c in councils]
    notebook = _notebook(tmp_path / "nb", "import os, time\nif params_file.startswith('E06000001'):\n    os._exit(7)\n"
                         "if params_file.startswith('E06000002'):\n    time.sleep(120)\nprint(params_file)",
                         parameters=True)
    outcomes = run_batch(files, tmp_path / "out", workers=2, progress=False, now=NOW, log=lambda m: None,
                         engine=engine, cell_timeout=3, notebook=notebook)
    assert [o.status for o in outcomes] == [FAILED, OK, FAILED, OK], [o.detail for o in outcomes]
    assert "the notebook stopped at cell 3: the process running the notebook exited with code 7" in outcomes[0].detail
    assert "the notebook stopped at cell 3: the cell ran for longer than the time limit of 3 s" in outcomes[2].detail
    assert outcomes[0].notebook and outcomes[2].notebook
