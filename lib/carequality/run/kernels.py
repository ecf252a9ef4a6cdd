"""Fresh kernels without the start-up bill: each report's kernel is forked from a warm template process.

Starting a kernel the usual way runs a new Python, imports ipykernel, then (in the notebook's first cell)
pandas, pyarrow, matplotlib and carequality: about two seconds of CPU before the first number, paid again for
every council. In a batch each worker starts one *template* process that imports all of that once and then
only waits. For every report the template forks; the child becomes the kernel (new session, the report's
folder as working directory, the environment and connection file jupyter_client prepared) and runs
IPKernelApp exactly as `python -m ipykernel_launcher -f FILE` would.

Isolation is kept: the template never runs notebook code, so every report still gets a kernel of its own,
in a fresh process, holding nothing from any other council; only the already-imported modules are shared,
as they would be loaded identically anyway. Random generators are reseeded in each child. A kernel that
is not an ipykernel launch (another kernel spec) is started the usual way. `carequality render` of a
single file starts its kernel the usual way too: a template only pays off when it serves several reports.

The template talks to its worker over two pipes, one JSON line per request ("fork", "poll"); it reaps its
children and exits when the worker goes away (end of file on its pipe).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from typing import Any

from carequality.run.forking import preload

#: What the template imports: the kernel itself, what a report's first cells load, and (preload_modules())
#: every carequality module the report notebook imports.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "matplotlib_inline.backend_inline",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.patches",
    "matplotlib.lines",
    "pandas",
    "pyarrow.feather",
    "pandas.io.feather_format",
    "carequality.report",
    "carequality.sources.cache",
)


def preload_modules() -> list[str]:
    """PRELOAD, then the notebook's `from carequality.x import y` lines as modules x and x.y (y may be a module)."""
    import re

    from carequality.run.render import NOTEBOOK

    found = list(PRELOAD)
    try:
        cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return found
    for cell in cells:
        source = "".join(cell.get("source", [])) if cell.get("cell_type") == "code" else ""
        for module, names in re.findall(r"^\s*from\s+(carequality[\w.]*)\s+import\s+([\w, ]+)", source, re.M):
            found.append(module)
            found += [f"{module}.{n.strip()}" for n in names.split(",") if n.strip()]
    return list(dict.fromkeys(found))


LAUNCHER = ("-m", "ipykernel_launcher")
_LAUNCH_PATH: str | None = None


class TemplateError(RuntimeError):
    pass


class KernelTemplate:
    """The worker's side of a template process."""

    def __init__(self) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "carequality.run.kernels", str(to_r), str(from_w)],
            pass_fds=(to_r, from_w),
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_r)
        os.close(from_w)
        self._out = os.fdopen(self._to_w, "w", buffering=1, encoding="utf-8")
        self._in = os.fdopen(self._from_r, "r", encoding="utf-8")
        self._lock = threading.Lock()
        ready = self._in.readline()
        if not ready.startswith("ready"):
            raise TemplateError("the kernel template process did not start")

    def _ask(self, request: dict) -> Any:
        with self._lock:
            try:
                self._out.write(json.dumps(request) + "\n")
                reply = self._in.readline()
            except (BrokenPipeError, ValueError):
                reply = ""
        if not reply:
            raise TemplateError("the kernel template process has stopped")
        return json.loads(reply)

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        return int(self._ask({"op": "fork", "argv": argv, "cwd": cwd, "env": env})["pid"])

    def poll(self, pid: int, *, block: bool = False) -> int | None:
        return self._ask({"op": "poll", "pid": pid, "block": block})["exit"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        for f in (self._out, self._in):
            try:
                f.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ForkedKernel:
    """The Popen-like handle jupyter_client's LocalProvisioner expects, for a kernel forked by a template."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, template: KernelTemplate) -> None:
        self.pid = pid
        self._template = template
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self._template.poll(self.pid)
            except TemplateError:  # the template is gone, and with it (its parent poller) the kernel
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        start = time.monotonic()
        while (returncode := self.poll()) is None:
            if timeout is not None and time.monotonic() - start > timeout:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
        self.reap()

    def reap(self) -> None:
        """After SIGKILL: wait (in the template, its parent) for the kernel to be gone; it takes moments."""
        if self.returncode is None:
            try:
                self.returncode = self._template.poll(self.pid, block=True)
            except TemplateError:
                self.returncode = -signal.SIGKILL

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def manager_class(base: type, template: KernelTemplate) -> type:
    """A subclass of the kernel manager class `base` whose kernels the template forks."""
    import uuid

    from jupyter_client.provisioning import KernelProvisionerBase, LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            if tuple(cmd[1:3]) != LAUNCHER or not template.alive():
                return await super().launch_kernel(cmd, **kwargs)  # not ours to fork: the usual way
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = template.fork([os.path.expanduser(a) for a in cmd], cwd, env)
            # LocalProvisioner declares `process` a Popen but uses only the part of it ForkedKernel provides.
            self.process = ForkedKernel(pid, template)  # type: ignore[assignment]
            self.pid = self.pgid = pid  # the child calls setsid(): it leads its own process group
            self.cwd = cwd
            return self.connection_info

        async def kill(self, restart: bool = False) -> None:
            await super().kill(restart)  # SIGKILL to the kernel's process group
            if isinstance(self.process, ForkedKernel):
                self.process.reap()  # so the manager's wait sees it gone without polling every tenth of a second

    class ForkedKernelManager(base):
        # `base` is a variable, so the type checker cannot see these attributes of jupyter_client's KernelManager.
        kernel_id: str | None
        provisioner: KernelProvisionerBase | None

        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            # The notebook has finished (every reply is in) when the client shuts its kernel down: end it at once
            # rather than interrupt it, ask it to stop and poll until it has (a tenth of a second or more a report).
            if not self.owns_kernel:
                return
            self.shutting_down = True
            self.stop_restarter()
            await self._async_kill_kernel()
            await self._async_cleanup_resources(restart=restart)

    return ForkedKernelManager


# -- the template process ------------------------------------------------------------------------------------
def _serve(from_worker: int, to_worker: int) -> None:
    global _LAUNCH_PATH
    _LAUNCH_PATH = sys.path[0] if sys.path else None  # what `python -m` put first: the launch folder
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the worker; we leave when it does
    # As ipykernel does before matplotlib is first imported in a kernel, so the preloaded one matches.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # In a kernel these imports happen after its output is captured; here, keep their notices off the terminal.
    preload(preload_modules())
    reader = os.fdopen(from_worker, "r", encoding="utf-8")
    writer = os.fdopen(to_worker, "w", buffering=1, encoding="utf-8")
    exited: dict[int, int] = {}
    children: set[int] = set()

    def reap() -> None:
        for pid in list(children):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                children.discard(pid)
                exited[pid] = os.waitstatus_to_exitcode(status)

    writer.write("ready\n")
    while True:
        readable, _, _ = select.select([reader], [], [], 0.1)
        reap()
        if not readable:
            continue
        line = reader.readline()
        if not line:  # the worker has gone
            break
        req = json.loads(line)
        if req["op"] == "fork":
            pid = os.fork()
            if pid == 0:
                _become_kernel(req, (reader, writer))
            children.add(pid)
            writer.write(json.dumps({"pid": pid}) + "\n")
        elif req["op"] == "poll":
            pid = req["pid"]
            if req.get("block") and pid in children:
                try:
                    _, status = os.waitpid(pid, 0)
                    exited[pid] = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    exited[pid] = 0
                children.discard(pid)
            reap()
            writer.write(json.dumps({"exit": exited.get(pid) if pid not in children else None}) + "\n")
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def _become_kernel(req: dict, pipes: tuple) -> None:
    """In the forked child: turn into `python -m ipykernel_launcher ARGS` run in req['cwd'] with req['env']."""
    code = 1
    try:
        for f in pipes:
            os.close(f.fileno())
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel stops if the template goes away
        if sys.path and sys.path[0] in ("", _LAUNCH_PATH):
            del sys.path[0]  # as ipykernel_launcher does; the kernel adds its working directory back
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        # The trait's default was read from the environment when the template imported ipykernel: say it here.
        args = [*req["argv"][3:], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [req["argv"][0], *args]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


# -- one template per worker process ------------------------------------------------------------------------
_template: KernelTemplate | None = None


def start_template() -> KernelTemplate:
    global _template
    if _template is None or not _template.alive():
        _template = KernelTemplate()
        import atexit

        atexit.register(_template.close)
    return _template


def current_template() -> KernelTemplate | None:
    return _template if _template is not None and _template.alive() else None


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
