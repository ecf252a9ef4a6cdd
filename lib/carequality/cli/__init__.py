"""The `carequality` command: a thin layer over run/ and sources/, one module per command group
(report: render, check, batch; data: fetch, counts, example, councils; params: params new).
No traceback reaches a user: bad input exits 2 with the message, anything else 1 with one line."""

from __future__ import annotations

import argparse
import os
import sys

from carequality.cli import data, params, report
from carequality.cli.exits import EXIT_BAD_INPUT, EXIT_FAILED
from carequality.errors import InputError, ParamsError


def build_parser() -> argparse.ArgumentParser:
    from carequality import __version__

    parser = argparse.ArgumentParser(prog="carequality", description="Adult social care quality reports for English councils.")
    parser.add_argument("--version", action="version", version=f"carequality {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (report, data, params):
        group.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from carequality.sources.cache import pin_cache_dir

    args = build_parser().parse_args(argv)
    pin_cache_dir()  # a relative $CAREQUALITY_CACHE means the same folder to every kernel, whatever its folder
    try:
        return args.func(args)
    except ParamsError as e:
        print(f"carequality: invalid params in {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as e:
        print(f"carequality: bad input: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("carequality: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not bad input: say what failed; the traceback only when asked for
        if os.environ.get("CAREQUALITY_DEBUG"):
            raise
        print(f"carequality: unexpected error ({type(e).__name__}: {e}). This is a bug in carequality, not in your "
              "input; run again with CAREQUALITY_DEBUG=1 to see the traceback, and report it.", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
