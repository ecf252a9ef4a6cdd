"""Many reports in one command: `carequality batch PARAMS... [--workers N]`.

1. Every params file is validated first; one that does not validate is reported and the rest go on.
2. Each distinct CQC ratings file is parsed once, in a short-lived helper process, into the cache
   (cache.py); a file already cached is not parsed again. A file that cannot be read fails the councils
   that use it, with the loader's message, and the rest go on.
3. The reports are rendered in a process pool (default: one worker per core, at most one per report). Each
   worker keeps papermill, nbconvert and what the notebook imports loaded between reports; each report's cells
   still run in a process of their own, forked from the worker (engine.py; or a kernel forked from a template,
   kernels.py, with engine="kernel"), so nothing one council's notebook does can reach another's, and a report
   that hangs or crashes fails alone.
4. A progress bar names each council as it finishes; a summary table follows; the exit status is 0 when
   every report was written, 2 when every failure was bad params or input, else 1. A failed notebook is
   kept beside its outputs as <period>.failed.ipynb, as `carequality render` keeps it.
5. `write_index` then writes <out>/index.html (site.py): every report in the folder, and the failures of this run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from carequality.errors import EXIT_BAD_INPUT, InputError, ParamsError
from carequality.params import ReportParams, load_params

EXIT_FAILED = 1
OK, FAILED, BAD_INPUT = "ok", "failed", "bad input"


@dataclass
class Outcome:
    """What became of one params file."""

    params_file: str
    council: str
    period: str
    status: str  # OK, FAILED or BAD_INPUT
    seconds: float
    detail: str  # the report written, or the error
    notebook: str | None = None  # the failed notebook, where one was kept


@dataclass
class Job:
    params_file: Path
    params: ReportParams

    @property
    def council(self) -> str:
        return self.params.council.name

    @property
    def period(self) -> str:
        return f"{self.params.period.start} to {self.params.period.end}"

    def failed(self, status: str, detail: str, seconds: float = 0.0, notebook: str | None = None) -> Outcome:
        return Outcome(str(self.params_file), self.council, self.period, status, seconds, detail, notebook)


def default_workers(n_jobs: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_jobs))


def plan(params_files: Iterable[str | Path], out_root: Path) -> tuple[list[Job], list[Outcome]]:
    """Validate every params file: (jobs to run, outcomes of files that cannot run)."""
    from carequality.run.render import output_dir

    jobs: list[Job] = []
    refused: list[Outcome] = []
    targets: dict[Path, Path] = {}
    for f in params_files:
        f = Path(f)
        try:
            params = load_params(f)
        except ParamsError as e:
            refused.append(
                Outcome(str(f), f.name, "", BAD_INPUT, 0.0, f"invalid params in {f}: {'; '.join(e.problems)}")
            )
            continue
        job = Job(f, params)
        target = output_dir(params, out_root).resolve()
        if target in targets:
            refused.append(
                job.failed(
                    BAD_INPUT, f"same council and period as {targets[target]}: their outputs would overwrite each other"
                )
            )
            continue
        targets[target] = f
        jobs.append(job)
    return jobs, refused


# -- step 2: each national file parsed once, into the cache -------------------------------------------------
def _input_key(params: ReportParams) -> tuple[Path, tuple[str, ...]] | None:
    ratings = params.inputs.cqc_ratings
    if ratings is None:
        return None
    return params.path(ratings), tuple(params.options.location_types)


def _warm(path: str, location_types: tuple[str, ...]) -> tuple[str | None, bool, float]:
    """In a helper process: parse into the cache. (error message or None, served from cache, seconds)."""
    from carequality.sources.cache import load_ratings_cached

    started = time.perf_counter()
    try:
        _, hit = load_ratings_cached(path, location_types=location_types)
    except InputError as e:
        return str(e), False, time.perf_counter() - started
    except Exception as e:  # an unexpected loader failure is still this input's failure alone
        return f"{path}: {type(e).__name__}: {e}", False, time.perf_counter() - started
    return None, hit, time.perf_counter() - started


def warm_cache(jobs: Sequence[Job], workers: int, *, log=print) -> dict[tuple[Path, tuple[str, ...]], str]:
    """Parse each distinct ratings file once; return {input: error} for the inputs that could not be read."""
    from carequality.sources.cache import cache_dir, is_cached

    keys = sorted({k for j in jobs if (k := _input_key(j.params)) is not None})
    if not keys or cache_dir() is None:
        return {}
    errors: dict[tuple[Path, tuple[str, ...]], str] = {}
    for p, types in list(keys):
        if p.is_file() and is_cached(p, location_types=types):  # hashing the file is all it takes to know
            log(f"{p.name}: already in the cache")
            keys.remove((p, types))
    if not keys:
        return errors
    ctx = multiprocessing.get_context("spawn")
    # A helper process, not this one: a national parse briefly holds about a gigabyte, given back when it exits.
    pool = ProcessPoolExecutor(max_workers=min(workers, len(keys)), mp_context=ctx, initializer=_ignore_ctrl_c)
    try:
        futures = {pool.submit(_warm, str(p), types): (p, types) for p, types in keys}
        for fut in as_completed(futures):
            p, types = futures[fut]
            try:
                error, hit, seconds = fut.result()
            except BrokenProcessPool:
                error, hit, seconds = f"{p}: the process parsing this file stopped (out of memory?)", False, 0.0
            except Exception as e:
                error, hit, seconds = f"{p}: {type(e).__name__}: {e}", False, 0.0
            if error:
                errors[(p, types)] = error
                log(f"cannot read {error}")
            else:
                log(f"{p.name}: {'already in the cache' if hit else f'parsed into the cache in {seconds:.1f} s'}")
    except KeyboardInterrupt:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return errors


# -- step 3: reports in a process pool ----------------------------------------------------------------------
_kernel_template = None  # in a worker: the template its kernels are forked from (kernels.py), if any


def _ignore_ctrl_c() -> None:
    """Helpers and workers leave Ctrl-C to the main process, which stops them in order (no tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's processes now (Ctrl-C while a national file is being parsed: no need to finish it)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(fork_kernels: bool, engine: str = "inprocess") -> None:
    """Load what every render needs once per worker, not once per report: papermill and nbconvert, and either what
    the notebook imports (the in-process engine forks each report's runner from this worker) or a kernel template."""
    global _kernel_template
    _ignore_ctrl_c()
    from carequality.run.render import slow_optional_imports_kept_out

    with slow_optional_imports_kept_out():
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401

        from carequality.run.engine import warm_up

    if engine == "inprocess":
        from carequality.run.kernels import preload_modules

        warm_up(preload_modules())
    elif fork_kernels:
        from carequality.run.kernels import TemplateError, start_template

        try:
            _kernel_template = start_template()
        except (OSError, TemplateError) as e:  # kernels then start the usual way: slower, same reports
            print(f"carequality batch: kernels will start the usual way ({e})", file=sys.stderr)


def _render_one(
    params_file: str,
    out_root: str,
    now: str,
    formats: tuple[str, ...],
    commit: str | None = None,
    engine: str = "inprocess",
    cell_timeout: float | None = None,
    notebook: str | None = None,
) -> Outcome:
    """In a worker: render one params file. Never raises: every failure becomes an Outcome."""
    from carequality.run.render import RenderError, kernel_manager_class, render

    kernel_manager = None
    if _kernel_template is not None and _kernel_template.alive():
        from carequality.run.kernels import manager_class

        kernel_manager = lambda sockets: manager_class(kernel_manager_class(sockets), _kernel_template)  # noqa: E731

    started = time.perf_counter()
    try:
        job = Job(Path(params_file), load_params(params_file))  # validated in plan(); checked again, it is cheap
    except ParamsError as e:
        return Outcome(params_file, Path(params_file).name, "", BAD_INPUT, 0.0, f"invalid params in {e}")
    try:
        result = render(
            params_file,
            out_root,
            now=dt.datetime.fromisoformat(now),
            formats=formats,
            kernel_manager=kernel_manager,
            commit=commit,
            engine=engine,
            cell_timeout=cell_timeout,
            notebook=Path(notebook) if notebook else None,
        )
    except RenderError as e:
        return job.failed(
            BAD_INPUT if e.bad_input else FAILED,
            str(e),
            time.perf_counter() - started,
            str(e.notebook) if e.notebook else None,
        )
    except (InputError, ParamsError) as e:
        return job.failed(BAD_INPUT, str(e), time.perf_counter() - started)
    except Exception as e:
        return job.failed(FAILED, f"{type(e).__name__}: {e}", time.perf_counter() - started)
    return Outcome(params_file, job.council, job.period, OK, time.perf_counter() - started, str(result.html))


def run_batch(
    params_files: Iterable[str | Path],
    out_root: str | Path = "outputs",
    *,
    workers: int | None = None,
    progress: bool = True,
    formats: tuple[str, ...] = ("html",),
    now: dt.datetime | None = None,
    fork_kernels: bool = True,
    log=None,
    engine: str = "inprocess",
    cell_timeout: float | None = None,
    notebook: str | Path | None = None,
) -> list[Outcome]:
    """Render every params file; return one Outcome per file, in the order given.

    `engine` runs each report's notebook: "inprocess" (in a process forked from a warm worker) or "kernel" (a Jupyter
    kernel, forked from a warm template unless `fork_kernels` is False); a cell that runs longer than `cell_timeout`
    seconds is stopped and fails its report alone (None: render's CELL_TIMEOUT; 0: no limit). `notebook` replaces the
    report notebook (tests, measurements)."""
    from carequality.run import CELL_TIMEOUT
    from carequality.sources.cache import pin_cache_dir

    cell_timeout = CELL_TIMEOUT if cell_timeout is None else cell_timeout or None

    pin_cache_dir()  # before any worker or kernel starts
    log = log or (lambda msg: print(msg, file=sys.stderr))
    out_root = Path(out_root)
    files = [str(Path(f)) for f in params_files]
    jobs, refused = plan(files, out_root)
    workers = workers or default_workers(len(jobs))
    outcomes: dict[str, Outcome] = {o.params_file: o for o in refused}
    for o in refused:
        log(f"{o.params_file}: {o.detail}")

    unreadable = warm_cache(jobs, workers, log=log)
    runnable = []
    for j in jobs:
        key = _input_key(j.params)
        if key in unreadable:
            outcomes[str(j.params_file)] = j.failed(BAD_INPUT, unreadable[key])
        else:
            runnable.append(j)

    now_iso = (now or dt.datetime.now(dt.UTC)).isoformat()
    if runnable:
        from tqdm import tqdm

        from carequality.run.render import git_commit

        commit = git_commit()  # once for every report of the batch, as `now` is

        ctx = multiprocessing.get_context("spawn")
        bar = tqdm(
            total=len(runnable),
            unit="report",
            desc="Rendering",
            disable=not progress,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        with ProcessPoolExecutor(
            max_workers=min(workers, len(runnable)),
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(fork_kernels, engine),
        ) as pool:
            futures: dict[Future, Job] = {
                pool.submit(
                    _render_one,
                    str(j.params_file),
                    str(out_root),
                    now_iso,
                    tuple(formats),
                    commit,
                    engine,
                    cell_timeout,
                    str(notebook) if notebook else None,
                ): j
                for j in runnable
            }
            try:
                for fut in as_completed(futures):
                    j = futures[fut]
                    try:
                        o = fut.result()
                    except BrokenProcessPool:
                        o = j.failed(FAILED, "the worker process stopped (out of memory or killed)")
                    except Exception as e:
                        o = j.failed(FAILED, f"{type(e).__name__}: {e}")
                    outcomes[str(j.params_file)] = o
                    bar.set_postfix_str(f"{o.council}: {o.status}", refresh=False)
                    bar.update(1)
                    if progress:  # each council's status as it finishes, above the bar
                        detail = "" if o.status == OK else f": {o.detail.splitlines()[0] if o.detail else ''}"
                        bar.write(f"{o.status:<9} {o.council}, {o.period} ({o.seconds:.1f} s){detail}", file=sys.stderr)
            except KeyboardInterrupt:  # the reports already started finish (a second or two); the rest are dropped
                bar.write("interrupted: finishing the reports already started", file=sys.stderr)
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            finally:
                bar.close()
    return [outcomes[f] for f in files]


def summary_table(outcomes: Sequence[Outcome], cwd: Path | None = None) -> str:
    cwd = cwd or Path.cwd()

    def short(p: str) -> str:
        path = Path(p)
        return str(path.relative_to(cwd)) if path.is_absolute() and path.is_relative_to(cwd) else p

    rows = [("Council", "Period", "Status", "Seconds", "Report, or what went wrong")]
    for o in outcomes:
        detail = short(o.detail) if o.status == OK else o.detail.splitlines()[0] if o.detail else ""
        if o.notebook:
            detail += f" (failed notebook: {short(o.notebook)})"
        rows.append((o.council, o.period, o.status, f"{o.seconds:.1f}", detail))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 26)
    ok = sum(o.status == OK for o in outcomes)
    lines.append(
        f"{ok} of {len(outcomes)} reports written" + ("" if ok == len(outcomes) else f"; {len(outcomes) - ok} failed")
    )
    return "\n".join(lines)


def exit_code(outcomes: Sequence[Outcome]) -> int:
    failed = [o for o in outcomes if o.status != OK]
    if not failed:
        return 0
    return EXIT_BAD_INPUT if all(o.status == BAD_INPUT for o in failed) else EXIT_FAILED


def write_index(outcomes: Sequence[Outcome], out_root: str | Path) -> Path:
    """<out_root>/index.html for every report under out_root, listing this run's failures with their errors."""
    from carequality.run.site import Failure, write_site

    root = Path(out_root).resolve()
    failures = []
    for o in outcomes:
        if o.status == OK:
            continue
        notebook = None
        if o.notebook:
            nb = Path(o.notebook).resolve()
            notebook = nb.relative_to(root).as_posix() if nb.is_relative_to(root) else None
        failures.append(Failure(o.council, o.period or "Not known", o.detail or o.status, notebook))
    root.mkdir(parents=True, exist_ok=True)
    return write_site(root, failures)
