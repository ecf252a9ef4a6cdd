"""What a process does before it forks the processes that run notebooks (the kernel template in kernels.py, the
in-process engine's parent in engine.py). Light to import: the standard library only."""

from __future__ import annotations

from collections.abc import Iterable


def preload(names: Iterable[str]) -> None:
    """Import `names` in this process before any fork, their notices kept off the terminal (a name that is not a
    module, or an import that fails, is left for the notebook to meet and report), then move what the imports made
    out of the garbage collector's reach (Python's own advice for fork without exec): a forked kernel's collections
    then scan only what its report makes, not the hundreds of thousands of objects it inherits, nor write to (and so
    copy) the pages it shares with its parent. Measured: a tenth less CPU a report (bench/report_time.md)."""
    import contextlib
    import gc
    import importlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for name in dict.fromkeys(names):
            try:
                importlib.import_module(name)
            except Exception:  # not a module (a function's name), or an error the notebook will meet and report
                pass
    gc.collect()
    gc.freeze()
