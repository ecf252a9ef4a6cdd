"""The in-process papermill engine: a notebook's cells run in a process forked from this one, not in a kernel.

papermill runs a notebook through an *engine* (papermill.engines): the stock one, nbclient, starts a Jupyter kernel
and sends it every cell as kernel messages, one round trip a cell, then turns the messages it gets back into the
cells' outputs. This engine, registered as ENGINE ("carequality-inprocess"), does the same work without a kernel:

- For each notebook it forks a *runner* from the process that runs papermill (a `carequality batch` worker that
  has already imported pandas, IPython and carequality, or `carequality render`'s own process). The runner is a
  fresh process per notebook, as a kernel is: nothing one report sets can reach the next, and a report that
  crashes its process (os._exit, a segfault) ends that report alone. What the forking process did to matplotlib
  (pyplot imported with another backend, figures open, settings changed) is undone first (_fresh_matplotlib).
- The runner executes the code cells one after another in an IPython shell: ipykernel's own shell class
  (ZMQInteractiveShell), display hook, display publisher and cell compiler, so that display(), a cell's last value,
  matplotlib's inline figures and tracebacks are formatted by the very code a kernel runs. Only the last step, the
  send, is different: each message's content is packed by jupyter_client's JSON packer, as a kernel packs it, and
  written to a pipe instead of a ZeroMQ socket. stdout and stderr (Python's, and the file descriptors, for
  subprocesses and C libraries) are captured as a kernel captures them.
- This process reads the pipe and turns each message into the cell's outputs as nbclient does (display ids,
  clear_output, the execution count, the timing metadata), and keeps papermill's record of each cell. The runner
  does not wait for this process between cells.

What a kernel gave, kept: a cell that raises stops the notebook with the cell's traceback in it (unless the cell
is tagged raises-exception or errors are allowed, as in nbclient); a cell that runs longer than papermill's
`execution_timeout` is stopped (the runner and whatever it started are killed) and the cell gets an error output
saying so; a runner that dies mid-cell gives that cell an error output naming how it ended. In both of the last
two cases papermill then fails the notebook as for any cell error, keeping the executed notebook.

Not supported, as nothing here uses them: input() (it raises, as in a kernel run by papermill), widgets and
other comms, IPython profiles and startup files, and any kernel but Python's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import select
import signal
import struct
import sys
import tempfile
import time
from typing import Any

from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import from_dict
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NBClientEngine, papermill_engines
from papermill.exceptions import PapermillException
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from carequality.run.forking import preload

#: The engines' names in papermill's registry; importing this module registers them. (Not as `papermill.engine` entry
#: points: papermill loads those as it is imported, and this module imports papermill, so importing it first failed.)
ENGINE = "carequality-inprocess"
#: papermill's own engine (nbclient: a Jupyter kernel per notebook), with the same failures as ENGINE's (KernelEngine).
KERNEL_ENGINE = "carequality-kernel"
#: The engines by the names `--engine` takes.
ENGINES = {"inprocess": ENGINE, "kernel": KERNEL_ENGINE}
DEFAULT_ENGINE = "inprocess"

#: ename of the error output a cell gets when it runs past the time limit, and when its process ends mid-cell.
TIMEOUT_ERROR = "CellTimeoutError"
DIED_ERROR = "NotebookProcessDied"

#: ipykernel flushes a stream's buffered text to the client every 0.2 s (OutStream.flush_interval); so does the runner.
FLUSH_INTERVAL = 0.2
_HEADER = struct.Struct("<I")


# -- this process: papermill's engine ------------------------------------------------------------------------
class InProcessEngine(Engine):
    """papermill's Engine: run the managed notebook's cells in a runner forked from this process."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        if not str(kernel_name).startswith("python"):
            raise PapermillException(f"the {ENGINE} engine runs Python notebooks only, not kernel '{kernel_name}'")
        options = {
            "allow_errors": bool(kwargs.get("allow_errors", False)),
            "skip_tag": kwargs.get("skip_cells_with_tag", "skip-execution"),
        }
        timeout = execution_timeout or kwargs.get("timeout")
        Runner(nb_man, timeout if timeout and timeout > 0 else None, options, start_timeout).run()
        return nb_man.nb


#: The notebook and cell metadata papermill writes that differ from run to run by design.
RUN_TIMES = ("start_time", "end_time", "duration")


def comparable(nb: dict) -> dict:
    """A copy of an executed notebook (as JSON) without what differs between two runs by design: times, and the ids
    of the cells papermill adds. Two engines that run the same notebook the same way give equal copies (tests and
    `make bench` compare them)."""
    nb = json.loads(json.dumps(nb))
    for key in (*RUN_TIMES, "input_path", "output_path"):
        nb["metadata"].get("papermill", {}).pop(key, None)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        for key in RUN_TIMES:
            cell["metadata"].get("papermill", {}).pop(key, None)
        if {"injected-parameters", "papermill-error-cell-tag"} & set(cell["metadata"].get("tags", [])):
            cell.pop("id", None)
    return nb


def _runs(cell, skip_tag: str) -> bool:
    """Whether nbclient would send this cell to the kernel."""
    return cell.cell_type == "code" and bool(cell.source.strip()) and skip_tag not in cell.metadata.get("tags", [])


def _allows_errors(cell, options: dict) -> bool:
    return options["allow_errors"] or "raises-exception" in cell.metadata.get("tags", [])


def _timestamp(t: float) -> str:
    """A message time as nbclient records it (UTC, microseconds, Z)."""
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RunnerGoneError(Exception):
    """The runner ended (or was stopped) while a cell was running."""

    def __init__(self, ename: str, evalue: str, said: list[str] | None = None):
        super().__init__(evalue)
        self.ename, self.evalue, self.said = ename, evalue, said or []


class Runner:
    """This process's side of one notebook's run: fork the runner, read its messages into the notebook."""

    def __init__(self, nb_man, timeout: float | None, options: dict, start_timeout: float = 60):
        self.nb_man = nb_man
        self.nb = nb_man.nb
        self.timeout = timeout
        self.start_timeout = start_timeout  # for the runner's first cell to start, as for a kernel to start
        self.started = False
        self.options = options
        self.buffer = b""
        self.display_ids: dict[str, dict[int, list[int]]] = {}
        self.clear_before_next = False

    def run(self) -> None:
        from jupyter_client.session import json_unpacker

        self.unpack = json_unpacker
        stderr_capture = tempfile.TemporaryFile()
        stdout_capture = tempfile.TemporaryFile()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the runner
            os.close(read_end)
            serve(self.nb, write_end, stdout_capture.fileno(), stderr_capture.fileno(), self.options)
        os.close(write_end)
        self.pid, self.fd, self.stderr_capture = pid, read_end, stderr_capture
        self.pidfd = _pidfd(pid)
        try:
            self._cells()
        finally:
            self._stop()
            stdout_capture.close()
            stderr_capture.close()

    def _cells(self) -> None:
        executed, gone = 0, False
        for index, cell in enumerate(self.nb.cells):
            try:
                self.nb_man.cell_start(cell, index)
                if not _runs(cell, self.options["skip_tag"]):
                    continue
                executed += 1
                cell.metadata["execution"] = {}
                cell.outputs = []
                self.clear_before_next = False
                try:
                    reply = self._cell(cell, index)
                except RunnerGoneError as e:
                    cell.outputs.append(_error_output(e.ename, e.evalue, e.said))
                    self.nb_man.cell_exception(cell, cell_index=index)
                    gone = True
                    break
                cell.execution_count = executed
                if reply["status"] == "error" and not _allows_errors(cell, self.options):
                    self.nb_man.cell_exception(cell, cell_index=index)
                    break
            finally:
                self.nb_man.cell_complete(cell, cell_index=index)
        if not gone:  # as papermill asks the kernel for it after the cells, failed or not
            language_info = self._language_info()
            if language_info is not None:
                self.nb.metadata["language_info"] = language_info

    def _language_info(self) -> dict | None:
        try:
            while True:
                kind, *rest = self._next(None)
                if kind == "end":
                    return rest[0]
        except RunnerGoneError:  # exit() in the last cell: the process ended after it, as a kernel's would
            return None

    def _cell(self, cell, index: int) -> dict:
        """Read the runner's messages for cell `index` into it; return the cell's reply."""
        deadline = None if self.started else time.monotonic() + self.start_timeout
        timing = cell.metadata["execution"]
        while True:
            try:
                kind, *rest = self._next(deadline)
            except RunnerGoneError as e:
                if e.ename == TIMEOUT_ERROR and not self.started:
                    raise RunnerGoneError(
                        DIED_ERROR, f"the process to run the notebook did not start within {self.start_timeout:g} s"
                    ) from None
                raise
            if kind == "start":
                self.started = True
                start = rest[1]
                timing["iopub.status.busy"] = timing["iopub.execute_input"] = _timestamp(start)
                cell.execution_count = rest[2]
                if self.timeout is not None:
                    deadline = time.monotonic() + self.timeout - max(0.0, time.time() - start)
            elif kind == "msg" and rest[0] == index:  # output outside any cell is nobody's, as in nbclient
                self._message(cell, index, rest[1], self.unpack(rest[2]))
            elif kind == "done":
                timing["shell.execute_reply"] = timing["iopub.status.idle"] = _timestamp(rest[2])
                return rest[1]

    def _message(self, cell, index: int, msg_type: str, content: dict) -> None:
        """nbclient's process_message and output, for one message of the runner (no kernel status messages)."""
        transient = content.get("transient")
        display_id = transient.get("display_id") if transient else None
        if display_id and msg_type in ("execute_result", "display_data", "update_display_data"):
            self._update_display(display_id, content)
        if "execution_count" in content:
            cell.execution_count = content["execution_count"]
        if msg_type == "clear_output":
            if content.get("wait"):
                self.clear_before_next = True
            else:
                cell.outputs[:] = []
                self._forget_displays(index)
            return
        if msg_type not in ("stream", "display_data", "execute_result", "error"):
            return
        if self.clear_before_next:
            cell.outputs[:] = []
            self._forget_displays(index)
            self.clear_before_next = False
        if display_id:
            self.display_ids.setdefault(display_id, {}).setdefault(index, []).append(len(cell.outputs))
        cell.outputs.append(from_dict(_output(msg_type, content)))

    def _update_display(self, display_id: str, content: dict) -> None:
        for cell_index, positions in self.display_ids.get(display_id, {}).items():
            outputs = self.nb.cells[cell_index].outputs
            for i in positions:
                outputs[i]["data"] = from_dict(content["data"])
                outputs[i]["metadata"] = from_dict(content["metadata"])

    def _forget_displays(self, index: int) -> None:
        for cells in self.display_ids.values():
            if index in cells:
                cells[index] = []

    def _next(self, deadline: float | None) -> tuple:
        """The runner's next message; RunnerGoneError if it ends first, or if `deadline` (monotonic) passes."""
        while True:
            if len(self.buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self.buffer)
                if len(self.buffer) >= _HEADER.size + size:
                    frame = self.buffer[_HEADER.size : _HEADER.size + size]
                    self.buffer = self.buffer[_HEADER.size + size :]
                    return pickle.loads(frame)
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd] + ([self.pidfd] if self.pidfd is not None else []), [], [], wait)
            if ready == [self.pidfd]:  # ended, and nothing left unread (a process it started holds the pipe open)
                raise RunnerGoneError(DIED_ERROR, *self._how_it_ended())
            if not ready:
                self._kill()
                raise RunnerGoneError(TIMEOUT_ERROR, timed_out(self.timeout or 0))
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise RunnerGoneError(DIED_ERROR, *self._how_it_ended())
            self.buffer += chunk

    def _how_it_ended(self) -> tuple[str, list[str]]:
        """How the runner ended, and its last words on stderr (faulthandler's traceback of a crash)."""
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return died(os.waitstatus_to_exitcode(status)), _tail(self.stderr_capture)

    def _kill(self) -> None:
        if self.pid:
            for kill in (os.killpg, os.kill):
                try:
                    kill(self.pid, signal.SIGKILL)
                    break
                except (ProcessLookupError, PermissionError):
                    continue

    def _stop(self) -> None:
        """End the runner (and anything it started) and reap it; close the pipe."""
        self._kill()
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0
        for fd in (self.fd, self.pidfd):
            if fd is not None and fd >= 0:
                os.close(fd)


def timed_out(seconds: float) -> str:
    """The error a cell gets when it runs past the time limit (both engines)."""
    return f"the cell ran for longer than the time limit of {seconds:g} s a cell, and was stopped"


def died(code: int | None) -> str:
    """The error a cell gets when the process running the notebook ends during it (both engines)."""
    if code is None:
        how = "stopped"
    elif code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    else:
        how = f"exited with code {code}"
    return f"the process running the notebook {how} during this cell"


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _tail(capture, limit: int = 4000) -> list[str]:
    """The last lines the runner wrote to its stderr file descriptor since the cells' own were read: a crash's words
    (faulthandler's "Fatal Python error" and the stack, without its list of extension modules)."""
    size = os.fstat(capture.fileno()).st_size
    text = os.pread(capture.fileno(), limit, max(0, size - limit)).decode("utf-8", "replace")
    if "Fatal Python error" in text:
        text = text[text.rindex("Fatal Python error") :]
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("Extension modules")]
    return lines[-20:]


def _output(msg_type: str, content: dict) -> dict:
    """nbformat.v4.output_from_msg without its schema check (papermill validates the whole notebook as it saves)."""
    if msg_type == "stream":
        return {"output_type": "stream", "name": content["name"], "text": content["text"]}
    if msg_type == "error":
        return {
            "output_type": "error",
            "ename": content["ename"],
            "evalue": content["evalue"],
            "traceback": content["traceback"],
        }
    out = {"output_type": msg_type, "metadata": content["metadata"], "data": content["data"]}
    if msg_type == "execute_result":
        out["execution_count"] = content["execution_count"]
    return out


def _error_output(ename: str, evalue: str, said: list[str] | None = None):
    traceback = [*(said or []), f"{ename}: {evalue}"]
    return from_dict({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback})


# -- the runner ----------------------------------------------------------------------------------------------
class _Pipe:
    """The runner's end of the pipe: length-prefixed pickles of plain tuples."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, *message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.fd, view) :]


class _FdCapture:
    """Text written to a file descriptor (by a subprocess, a C library) since last asked, from its capture file."""

    def __init__(self, fd: int):
        import codecs

        self.fd, self.offset = fd, 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def new_text(self) -> str:
        size = os.fstat(self.fd).st_size
        if size <= self.offset:
            return ""
        data = os.pread(self.fd, size - self.offset, self.offset)
        self.offset += len(data)
        return self.decoder.decode(data)


class _Stream:
    """sys.stdout or sys.stderr in the runner: what ipykernel's OutStream does, sent as 'stream' messages.

    Text is buffered and sent when flushed: by flush() (print(flush=True)), before any display or traceback, at the
    end of the cell, and when more is written 0.2 s or more after the buffer's first text (a kernel's IO thread
    flushes every 0.2 s). Text written to the file descriptor meanwhile joins it, as ipykernel forwards it."""

    encoding = "UTF-8"
    errors = "strict"

    def __init__(self, name: str, send, fd_capture: _FdCapture, fd: int):
        self.name, self._send, self._fd_capture, self._fd = name, send, fd_capture, fd
        self._buffer: list[str] = []
        self._since = 0.0
        self.closed = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._buffer and time.monotonic() - self._since >= FLUSH_INTERVAL:
            self.flush()
        self._collect()
        if text:
            if not self._buffer:
                self._since = time.monotonic()
            self._buffer.append(text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def _collect(self) -> None:
        captured = self._fd_capture.new_text()
        if captured:
            if not self._buffer:
                self._since = time.monotonic()
            self._buffer.append(captured)

    def flush(self) -> None:
        self._collect()
        if self._buffer:
            text, self._buffer = "".join(self._buffer), []
            self._send("stream", {"name": self.name, "text": text})

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.flush()


def _no_input(prompt: str = "") -> str:
    from IPython.core.error import StdinNotImplementedError

    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


def serve(nb, write_fd: int, stdout_fd: int, stderr_fd: int, options: dict) -> None:
    """In the forked runner: run `nb`'s cells, send what they show, then exit. Never returns."""
    code = 0
    try:
        _run_cells(nb, _Pipe(write_fd), stdout_fd, stderr_fd, options)
    except BaseException:  # a failure of the runner itself, not of a cell: its parent reports the process's end
        code = 70
        try:
            import traceback

            traceback.print_exc(file=sys.__stderr__)
            if sys.__stderr__ is not None:
                sys.__stderr__.flush()
        except BaseException:
            pass
    finally:
        os._exit(code)


def _become_runner(stdout_fd: int, stderr_fd: int) -> None:
    """What a kernel process is, from the start: its own process group, no stdin, its output captured."""
    import faulthandler

    parent = os.getppid()
    os.setsid()  # its own process group: a time limit ends the runner and whatever it started; Ctrl-C is the parent's
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for fd, target in ((stdout_fd, 1), (stderr_fd, 2)):
        os.dup2(fd, target)
        os.close(fd)
    faulthandler.enable(file=sys.__stderr__ or open(2, "w", closefd=False))  # a segfault says where, on fd 2
    if not os.environ.get("MPLBACKEND"):  # as IPKernelApp does
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if "" not in sys.path:  # as IPython's shell application does: modules beside the notebook's folder import
        sys.path.insert(0, "")
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()


def _die_with_parent(parent: int) -> None:
    """Out of its parent's process group, the runner would outlive a parent killed outright (SIGKILL): ask Linux to
    kill it then too (PR_SET_PDEATHSIG), as a kernel stops when its parent goes (JPY_PARENT_PID)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's end stops it at its next output instead
        return
    if os.getppid() != parent:  # the parent went before the request was made
        os._exit(1)


def _shell(send):
    """ipykernel's shell, display hook and publisher, with a Session whose send() hands each message to `send`."""
    from ipykernel.compiler import XCachingCompiler
    from ipykernel.zmqshell import ZMQInteractiveShell
    from IPython.core.interactiveshell import InteractiveShell
    from jupyter_client.session import Session
    from traitlets.config import Config

    class CapturingSession(Session):
        def send(self, stream, msg_or_type, content=None, parent=None, ident=None, *args, **kwargs):
            if isinstance(msg_or_type, dict):
                msg_type, content = msg_or_type["header"]["msg_type"], msg_or_type["content"]
            else:
                msg_type = msg_or_type
            send(msg_type, self.pack(content))
            return None

    class NoKernel:
        """The `kernel` the shell asks about when exit() is called: no event loop to stop."""

        eventloop = None

    config = Config()
    config.HistoryManager.enabled = False  # a kernel's history database is for people, not for reports
    InteractiveShell.clear_instance()
    shell = ZMQInteractiveShell.instance(config=config, compiler_class=XCachingCompiler, kernel=NoKernel())
    session = CapturingSession(key=b"")
    shell.displayhook.session = session  # type: ignore[attr-defined]  # ipykernel's classes have it
    shell.display_pub.session = session  # type: ignore[attr-defined]
    return shell


def _fresh_matplotlib() -> None:
    """matplotlib as a new kernel has it, where the process the runner was forked from had imported it already (a
    script or notebook that renders, a test): settings as matplotlib's files give them, no figures, the backend that
    MPLBACKEND names (the inline one unless the user chose another), and the inline backend hooked to this runner's
    shell. Without this, pyplot imported earlier with another backend (Agg) kept it, and a cell's figure was never
    shown; and an inline backend imported before this shell existed sent its figures to no shell at all."""
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is None:  # the notebook's own import sets it up, as in a kernel
        return
    # Imported before this shell existed, its import-time hook (into the shell, and the figure formats) did not
    # reach this one: forget the module, so that the backend's next import hooks it here, as a kernel's first does.
    sys.modules.pop("matplotlib_inline.backend_inline", None)
    matplotlib.rc_file_defaults()  # every setting from the files, but the backend and the few styles keep
    matplotlib.rcParams["backend"] = os.environ["MPLBACKEND"]
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
        pyplot.switch_backend(os.environ["MPLBACKEND"])


def _run_cells(nb, pipe: _Pipe, stdout_fd: int, stderr_fd: int, options: dict) -> None:
    import builtins
    import getpass

    _become_runner(stdout_fd, stderr_fd)

    def send(msg_type: str, packed: bytes) -> None:
        pipe.send("msg", index, msg_type, packed)

    def send_stream(msg_type: str, content: dict) -> None:
        from jupyter_client.session import json_packer

        pipe.send("msg", index, msg_type, json_packer(content))

    index = -1
    sys.stdout = _Stream("stdout", send_stream, _FdCapture(1), 1)
    sys.stderr = _Stream("stderr", send_stream, _FdCapture(2), 2)
    shell = _shell(send)
    _fresh_matplotlib()
    builtins.input = getpass.getpass = _no_input  # type: ignore[assignment]  # as a kernel without stdin
    from ipykernel.ipkernel import IPythonKernel

    for index, cell in enumerate(nb.cells):
        if not _runs(cell, options["skip_tag"]):
            continue
        pipe.send("start", index, time.time(), shell.execution_count)
        result = shell.run_cell(cell.source, store_history=True, silent=False)
        sys.stdout.flush()
        sys.stderr.flush()
        failed = not result.success or getattr(shell, "_last_traceback_during_displayhook", False)
        reply: dict = {"status": "error" if failed else "ok"}
        if failed:
            err = result.error_before_exec if result.error_before_exec is not None else result.error_in_exec
            reply.update(ename=type(err).__name__, evalue=str(err))
        pipe.send("done", index, reply, time.time())
        if failed and not _allows_errors(cell, options):
            break
        if shell.exit_now:  # exit() in a cell: a kernel's process ends after the cell
            return
    pipe.send("end", dict(IPythonKernel.language_info))


# -- the kernel route: papermill's nbclient engine, failing as the in-process engine does -------------------------
class KernelClient(PapermillNotebookClient):
    """papermill's notebook client; a cell that runs past the time limit, or whose kernel dies, gets an error output
    and fails the notebook as a cell's own error does (nbclient raises instead, and papermill keeps no notebook)."""

    def papermill_execute_cells(self):
        self.stopped = False
        for index, cell in enumerate(self.nb.cells):
            try:
                self.nb_man.cell_start(cell, index)
                self.execute_cell(cell, index)
            except CellExecutionError as ex:
                self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=ex)
                break
            except (CellTimeoutError, DeadKernelError) as ex:
                if isinstance(ex, CellTimeoutError):
                    error = _error_output(TIMEOUT_ERROR, timed_out(self._get_timeout(cell) or 0))
                    self.shutdown_kernel = "immediate"  # it is still running the cell: no polite request
                else:
                    error = _error_output(DIED_ERROR, died(self._exit_code()))
                if self.nb.cells[index].get("execution_count") is None:  # execute_input may not have come
                    self.nb.cells[index].execution_count = self.code_cells_executed
                self.nb.cells[index].outputs.append(error)
                self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=ex)
                self.stopped = True
                break
            finally:
                self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)

    def _exit_code(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        try:
            return process.wait(timeout=5) if process is not None else None
        except Exception:
            return None

    def execute(self, **kwargs):
        """PapermillNotebookClient.execute, without asking a stopped kernel for its language."""
        self.reset_execution_trackers()
        with self.setup_kernel(**kwargs):
            self.papermill_execute_cells()
            if not self.stopped:
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
            self.set_widgets_metadata()
        return self.nb


class KernelEngine(NBClientEngine):
    """papermill's nbclient engine with KernelClient."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        return KernelClient(nb_man, **final_kwargs).execute()


papermill_engines.register(ENGINE, InProcessEngine)
papermill_engines.register(KERNEL_ENGINE, KernelEngine)


# -- a warm process to fork runners from -----------------------------------------------------------------------
#: What a runner needs before its first cell, beside what the notebook imports.
RUNNER_MODULES = (
    "IPython.core.interactiveshell",
    "ipykernel.zmqshell",
    "ipykernel.compiler",
    "ipykernel.ipkernel",
    "jupyter_client.session",
)


def warm_up(modules: list[str]) -> None:
    """Import the runner's modules and `modules` (kernels.preload_modules(): what the notebook imports) in this
    process, so that every runner forked from it starts with them, as a kernel forked from a template does.

    matplotlib's inline backend is left for the notebook to import (it hooks itself into the shell that imports it),
    and matplotlib is told to use it first, as a kernel does. What the imports made is frozen out of the garbage
    collector's reach (gc.freeze), so that runners neither scan nor copy it."""
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    preload([*RUNNER_MODULES, *(m for m in modules if not m.startswith(("matplotlib_inline", "ipykernel.kernelapp")))])
