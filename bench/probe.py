"""One measurement in a fresh Python process; prints one JSON line. Run by bench/run.py, not by hand.

    python bench/probe.py parse FILE           our loader, cache off: raw file → validated tidy frames
    python bench/probe.py parse FILE pandas    the same, a CSV read by pandas as before pyarrow
    python bench/probe.py calamine FILE        python-calamine alone: open the ODS and walk the sheet's rows
    python bench/probe.py fastexcel FILE       fastexcel alone: open and load the sheet as Arrow columns
    python bench/probe.py pandas FILE          pandas.read_excel with its default engine for the file (odf for .ods)
    python bench/probe.py cached FILE          our loader served from the cache (the entry is made first if missing)
    python bench/probe.py single PARAMS OUT N  one council's report against the floor (and a notebook of as many
                                               empty cells), N times each, alternating; wall and CPU seconds; for
                                               each engine and driver (DRIVERS)

Times exclude the interpreter's start and the imports (each probe imports first), except where named.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def parse(path: str, reader: str = "") -> dict:
    """Our loader; reader "pandas" reads a CSV as before pyarrow (the comparison in docs/performance.md)."""
    import os

    os.environ["CAREQUALITY_CACHE"] = "off"
    from carequality.sources import tabular
    from carequality.sources.ratings_file import load_ratings_file

    if reader == "pandas":
        tabular._arrow_csv = lambda *a, **k: None

    started = time.perf_counter()
    r = load_ratings_file(path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "locations": len(r.locations),
            "rows": int(r.ratings_by_location_service_group_key_question.shape[0])}


def calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(path)
    opened = time.perf_counter()
    n = sum(1 for _ in book.get_sheet_by_name("Locations").iter_rows())
    return {"seconds": time.perf_counter() - started, "open_seconds": opened - started, "rows": n, "peak_mb": _peak_mb()}


def fastexcel_read(path: str) -> dict:
    """fastexcel alone (open, load the Locations sheet under its header as Arrow columns): no validation, so a
    lower bound on any loader built on it."""
    import fastexcel

    started = time.perf_counter()
    book = fastexcel.read_excel(path)
    opened = time.perf_counter()
    top = book.load_sheet("Locations", header_row=None, skip_rows=0, n_rows=20, dtypes="string", eager=True)
    rows = list(zip(*(c.to_pylist() for c in top.columns)))
    header = next(i for i, r in enumerate(rows) if "Location ID" in r)
    batch = book.load_sheet("Locations", header_row=header, eager=True)
    return {"seconds": time.perf_counter() - started, "open_seconds": opened - started, "rows": batch.num_rows,
            "peak_mb": _peak_mb()}


def pandas_default(path: str) -> dict:
    import pandas as pd

    started = time.perf_counter()
    df = pd.read_excel(path, sheet_name="Locations")
    return {"seconds": time.perf_counter() - started, "rows": len(df), "peak_mb": _peak_mb(),
            "engine": "odf" if path.endswith(".ods") else "default"}


def cached(path: str) -> dict:
    from carequality.sources.cache import cache_dir, load_ratings_cached

    started = time.perf_counter()
    _, hit = load_ratings_cached(path)
    first = time.perf_counter() - started
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        _, hit_again = load_ratings_cached(path)
        runs.append(time.perf_counter() - started)
        assert hit_again
    return {"first_seconds": first, "first_was_hit": hit, "seconds": statistics.median(runs), "runs": runs,
            "cache": str(cache_dir()), "peak_mb": _peak_mb()}


def floor_notebook(folder: Path, empty_cells: int = 0) -> Path:
    """The floor: a notebook whose one cell is the parameters cell, run through the same driver. With `empty_cells`,
    that many more cells that do nothing (`pass`): what running a notebook cell by cell costs, without the work."""
    from carequality.run.render import slow_optional_imports_kept_out

    with slow_optional_imports_kept_out():
        import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('params_file = ""')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell("pass") for _ in range(empty_cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / (f"cells_{empty_cells}.ipynb" if empty_cells else "floor.ipynb")
    nbformat.write(nb, path)
    return path


def _cpu(template=None) -> tuple[float, float]:
    """CPU seconds so far: (this process, the kernels or runners it has started, once ended; forked kernels are the
    template's children)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    kernels = children.ru_utime + children.ru_stime
    if template is not None:
        import psutil

        t = psutil.Process(template.proc.pid).cpu_times()
        kernels += t.children_user + t.children_system
    return own.ru_utime + own.ru_stime, kernels


#: The drivers (c) compares, in the order they run: how one report's notebook runs, and who runs it that way.
#: Each renders the report, the floor and the empty cells through render() with that engine. The in-process engine
#: runs twice: first from a cold driver (`carequality render`: its runner imports what the notebook needs), then,
#: after engine.warm_up (irreversible, so last), from a warm one, as a `carequality batch` worker is.
DRIVERS = ("inprocess_cold", "fresh", "forked", "inprocess")


def single(params: str, out: str, n: str) -> dict:
    """render() of the report notebook vs render() of the floor notebook: same params, same driver, same engine. Also
    a notebook of as many empty cells as the report has code cells (after the parameters cell), and the CPU time of
    each. Drivers: DRIVERS."""
    import nbformat

    from carequality.run import render as R

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report_nb, floor_nb = R.NOTEBOOK, floor_notebook(out_dir)
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(report_nb, as_version=4).cells)
    cells_nb = floor_notebook(out_dir, empty_cells=code_cells - 1)
    results: dict[str, dict] = {}
    for driver in DRIVERS:
        kernel_manager = template = None
        engine = "inprocess" if driver.startswith("inprocess") else "kernel"
        if driver == "forked":
            from carequality.run import kernels

            template = kernels.start_template()
            kernel_manager = lambda d: kernels.manager_class(R.kernel_manager_class(d), template)  # noqa: E731
        if driver == "inprocess":  # as a batch worker: what the notebook imports, imported before the runners fork
            from carequality.run.kernels import preload_modules

            with R.slow_optional_imports_kept_out():
                from carequality.run.engine import warm_up
            warm_up(preload_modules())
        times: dict[str, list[float]] = {"report": [], "floor": [], "cells": []}
        cpu: dict[str, list[tuple[float, float]]] = {"report": [], "floor": [], "cells": []}
        for i in range(int(n) + 1):  # the first round warms imports and is not counted
            for kind, nb in (("floor", floor_nb), ("cells", cells_nb), ("report", report_nb)):
                R.NOTEBOOK = nb
                started, cpu_before = time.perf_counter(), _cpu(template)
                R.render(params, out_dir / f"{driver}-{kind}", kernel_manager=kernel_manager, engine=engine)
                if i:
                    times[kind].append(time.perf_counter() - started)
                    cpu_after = _cpu(template)
                    cpu[kind].append((cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]))
        R.NOTEBOOK = report_nb
        med = {k: statistics.median(v) for k, v in times.items()}
        med_cpu = {k: {"driver": statistics.median(d for d, _ in v), "kernel": statistics.median(k_ for _, k_ in v)}
                   for k, v in cpu.items()}
        results[driver] = {"report": med["report"], "floor": med["floor"], "cells": med["cells"],
                           "ratio": med["report"] / med["floor"], "cpu": med_cpu, "code_cells": code_cells,
                           "runs": times}
    return {**results, "peak_mb": _peak_mb()}


def imports() -> dict:
    """What a fresh kernel spends importing the report's modules (IPython is already loaded in a kernel)."""
    import IPython  # noqa: F401

    started = time.perf_counter()
    import carequality.report  # noqa: F401
    import carequality.sections.changes  # noqa: F401
    import carequality.sections.compare  # noqa: F401
    import carequality.sections.overview  # noqa: F401
    import carequality.sections.qa  # noqa: F401

    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def kernel_work(params: str) -> dict:
    """The report notebook's own work: its code cells run here, outside a kernel, with display() a no-op."""
    import os

    import nbformat

    import carequality.report as report_module
    from carequality.run.render import NOTEBOOK

    imports()
    report_module.display = lambda *a, **k: None
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    defaults = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    cells = [c for c in code if c not in defaults]
    os.chdir(Path(params).parent)
    # As papermill does: the parameters cell's defaults (the profile …), then the params file injected over them.
    namespace: dict = {}
    for cell in defaults:
        exec(compile(cell.source, "<parameters>", "exec"), namespace)
    namespace["params_file"] = Path(params).name
    times = []
    for cell in cells:
        started = time.perf_counter()
        exec(compile(cell.source, "<cell>", "exec"), namespace)
        times.append(time.perf_counter() - started)
    return {"seconds": sum(times), "first_cell": times[0], "cells": len(cells), "peak_mb": _peak_mb()}


PROBES = {"kernel_work": kernel_work, "parse": parse, "fastexcel": fastexcel_read, "calamine": calamine, "pandas": pandas_default, "cached": cached, "single": single,
          "imports": imports}

if __name__ == "__main__":
    print(json.dumps(PROBES[sys.argv[1]](*sys.argv[2:])))
