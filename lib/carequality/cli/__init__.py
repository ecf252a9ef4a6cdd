"""The `carequality` command: a thin layer over run/ and sources/, one module per command group
(report: render, check, batch; data: fetch, counts, example, councils; params: params new, params upgrade;
project: init, doctor).
No traceback reaches a user: bad input exits 2 with the message, anything else 1 with one line."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from carequality.cli import data, params, project, report
from carequality.cli.exits import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_TERMINATED
from carequality.errors import InputError, ParamsError


class Terminated(BaseException):
    """SIGTERM arrived: raised where the program is, so that every `finally` and cleanup runs before it exits."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def build_parser() -> argparse.ArgumentParser:
    from carequality import __version__

    parser = argparse.ArgumentParser(
        prog="carequality", description="Adult social care quality reports for English councils."
    )
    parser.add_argument("--version", action="version", version=f"carequality {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (report, data, params, project):
        group.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from carequality.sources.cache import pin_cache_dir

    args = build_parser().parse_args(argv)
    pin_cache_dir()  # a relative $CAREQUALITY_CACHE means the same folder to every kernel, whatever its folder
    previous = None
    if args.command in ("render", "check") and threading.current_thread() is threading.main_thread():
        # A render stopped by SIGTERM cleans up as on any error: no temporary folder is left beside the outputs.
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below, not at the interpreter's exit
        return code
    except Terminated:
        # The kernel's channels close under their threads as the process ends: their errors are not the user's.
        threading.excepthook = lambda _: None
        sys.unraisablehook = lambda _: None
        print("carequality: terminated; the previous outputs, if any, are unchanged", file=sys.stderr)
        return EXIT_TERMINATED
    except ParamsError as e:
        print(f"carequality: invalid params in {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as e:
        print(f"carequality: bad input: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("carequality: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output went away (`carequality councils --all | head`): not an error of carequality.
        # Python's advice: point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as e:  # a path the user gave that cannot be read or written (a file where a folder is needed …)
        if os.environ.get("CAREQUALITY_DEBUG") or e.filename is None:
            raise
        print(f"carequality: cannot use {e.filename}: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # a bug, not bad input: say what failed; the traceback only when asked for
        if os.environ.get("CAREQUALITY_DEBUG"):
            raise
        print(
            f"carequality: unexpected error ({type(e).__name__}: {e}). This is a bug in carequality, not in your "
            "input; run again with CAREQUALITY_DEBUG=1 to see the traceback, and report it.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
