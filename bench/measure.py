"""Helpers for bench/run.py: run a probe or a command, sample a process tree's memory, describe the machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
LIBRARIES = ("carequality", "pandas", "pyarrow", "python-calamine", "fastexcel", "odfpy", "papermill", "nbconvert", "nbclient",
             "jupyter_client", "ipykernel", "matplotlib", "psutil")


def probe(*args: str, env: dict[str, str] | None = None, timeout: float = 3600) -> dict:
    """Run bench/probe.py in a fresh interpreter; return its JSON."""
    out = subprocess.run([PYTHON, str(BENCH / "probe.py"), *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


@dataclass
class TreeMemory:
    """Peak memory of a process and all its descendants, sampled: RSS summed, and PSS (shared pages counted once)."""

    interval: float = 0.2
    peak_rss: int = 0
    peak_pss: int = 0
    peak_processes: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, pid: int) -> threading.Thread:
        def run() -> None:
            try:
                root = psutil.Process(pid)
            except psutil.NoSuchProcess:
                return
            while not self._stop.is_set():
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    break
                rss = pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info()
                        rss += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
                self.peak_processes = max(self.peak_processes, len(procs))
                self.samples += 1
                self._stop.wait(self.interval)

        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self._stop.set()


def run_watched(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT,
                timeout: float = 7200) -> tuple[float, subprocess.CompletedProcess, TreeMemory]:
    """Run a command, timing it and sampling its process tree's memory."""
    mem = TreeMemory()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=cwd)
    watcher = mem.watch(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        mem.stop()
    seconds = time.perf_counter() - started
    watcher.join(timeout=5)
    return seconds, subprocess.CompletedProcess(cmd, proc.returncode, out, err), mem


def run_timed(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} … failed:\n{out.stderr[-3000:]}")
    return time.perf_counter() - started


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    libs = {}
    for lib in LIBRARIES:
        try:
            libs[lib] = version(lib)
        except PackageNotFoundError:
            libs[lib] = "not installed"
    return {
        "cpu": _cpu_model(),
        "cores": cores,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "libraries": libs,
    }


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
