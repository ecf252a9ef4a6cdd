"""The `carequality` command: a thin layer over render and sources. No traceback reaches a user."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .errors import EXIT_BAD_INPUT, InputError, ParamsError

EXIT_FAILED = 1
#: Exit code after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_TERMINATED = 143


class Terminated(BaseException):
    """SIGTERM arrived: raised where the program is, so that every `finally` and cleanup runs before it exits."""


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise Terminated()


def _cmd_render(args: argparse.Namespace) -> int:
    from .exports import ExportError, parse_formats
    from .render import RenderError, render

    try:
        formats = parse_formats(args.to)
    except ValueError as e:
        print(f"carequality render: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Rendering {args.params} …", file=sys.stderr)
    try:
        result = render(args.params, args.out, progress=not args.quiet, formats=formats)
    except RenderError as e:
        where = f"\nThe failed notebook is kept at {e.notebook}" if e.notebook else ""
        print(f"carequality render: {e}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT if e.bad_input else EXIT_FAILED
    except ExportError as e:
        print(f"carequality render: {e}\nThe previous outputs, if any, are unchanged.", file=sys.stderr)
        return EXIT_FAILED
    others = ", ".join(p.name for f, p in result.outputs.items() if f != "html")
    print(f"Report written to {result.html} ({len(result.tables)} tables{'; also ' + others if others else ''}, "
          f"{result.seconds:.1f} s)")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .render import check

    params, model = check(args.params)
    print(
        f"{args.params}: params valid; {params.council.name} ({params.council.code}), "
        f"{params.period.start} to {params.period.end}; {len(model.locations):,} adult social care locations in the area"
    )
    return 0


def _cmd_councils(args: argparse.Namespace) -> int:
    from .councils import all_councils

    for c in all_councils():
        if args.region and c.region.casefold() != args.region.casefold():
            continue
        print(f"{c.ons_code}\t{c.name}\t{c.region}")
    return 0


def _cmd_counts(args: argparse.Namespace) -> int:
    from .councils import find_council
    from .counts_file import build_counts_file

    council = None
    if args.council:
        try:
            council = find_council(args.council).ons_code
        except KeyError:
            print(f"carequality counts: --council {args.council!r} is not one of the 153 councils", file=sys.stderr)
            return EXIT_BAD_INPUT
    path, rows = build_counts_file(args.out, start=args.start, end=args.end, snapshots=args.snapshots, api=args.api,
                                   council=council)
    print(f"{path}: {rows:,} rows (area × month × category)")
    return 0


def _cmd_example(args: argparse.Namespace) -> int:
    from .example import write_example

    for path in write_example(Path(args.out)):
        print(path)
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from .fetch import FetchError, Retry, fetch

    retry = Retry(retries=args.retries, backoff=args.backoff, timeout=args.timeout)
    try:
        result = fetch(args.local_authority, args.out, key_env=args.key_env, base_url=args.base_url, retry=retry)
    except FetchError as e:
        print(f"carequality fetch: {e}\nFinished files are kept: run the same command again to resume.", file=sys.stderr)
        return EXIT_BAD_INPUT if e.bad_input else EXIT_FAILED
    print(f"{result.out}: CQC API data for {result.local_authority}; {result.fetched} files fetched, {result.present} already present")
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch import exit_code, run_batch, summary_table
    from .exports import ExportError, check_formats, parse_formats

    try:
        formats = parse_formats(args.to)
        check_formats(formats)
    except (ValueError, ExportError) as e:
        print(f"carequality batch: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers is not None and args.workers < 1:
        print("carequality batch: --workers must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    outcomes = run_batch(args.params, args.out, workers=args.workers, progress=not args.quiet, formats=formats,
                         fork_kernels=not args.fresh_kernels)
    print(summary_table(outcomes))
    return exit_code(outcomes)


def _cmd_params_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_params

    try:
        path, params = new_params(args.council, args.period, args.cqc, args.out, force=args.force)
    except ScaffoldError as e:
        print(f"carequality params new: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{path}: params for {params.council.name} ({params.council.code}), {params.period.start} to "
          f"{params.period.end}; check it with `carequality check {path}`")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="carequality", description="Adult social care quality reports for English councils.")
    parser.add_argument("--version", action="version", version=f"carequality {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="validate params, run the report notebook and write the outputs")
    p.add_argument("params", type=Path, help="params YAML file")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--to", default="html",
                   help="formats, comma separated, from html,pdf,xlsx,docx (default: html; HTML is always written)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("check", help="validate params and inputs only; run nothing")
    p.add_argument("params", type=Path)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("councils", help="list the 153 councils with their ONS codes")
    p.add_argument("--region")
    p.set_defaults(func=_cmd_councils)

    p = sub.add_parser("counts", help="build the monthly counts file (inputs.area_ratings_by_month) from CQC history")
    p.add_argument("--snapshots", type=Path, help="folder of monthly 'Care directory with ratings' files (national)")
    p.add_argument("--api", type=Path, help="folder of CQC API responses (as carequality fetch writes)")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM", help="first month")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM", help="last month")
    p.add_argument("--council", help="for an input narrower than England: the council it covers (ONS code or name)")
    p.add_argument("--out", type=Path, required=True, help="CSV file to write")
    p.set_defaults(func=_cmd_counts)

    p = sub.add_parser("example", help="regenerate the example council's data")
    p.add_argument("--out", default="data/example")
    p.set_defaults(func=_cmd_example)

    p = sub.add_parser("fetch", help="download a council's CQC API data (the only command that uses the network)")
    p.add_argument("--local-authority", required=True, metavar="COUNCIL", help="ONS code or name of the council")
    p.add_argument("--out", type=Path, required=True, help="folder to download into; a rerun resumes it")
    p.add_argument("--key-env", default="CQC_SUBSCRIPTION_KEY", metavar="VAR",
                   help="environment variable holding the API subscription key (default: CQC_SUBSCRIPTION_KEY)")
    p.add_argument("--base-url", help="API base URL (default: $CQC_API_BASE_URL or https://api.service.cqc.org.uk/public/v1)")
    p.add_argument("--retries", type=int, default=5, help="retries per request after 429, 5xx or a dropped connection (default: 5)")
    p.add_argument("--backoff", type=float, default=1.0, help="seconds before the first retry, doubling each time (default: 1)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a response (default: 60)")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("batch", help="render many params files: the national file parsed once, reports in parallel")
    p.add_argument("params", nargs="+", type=Path, help="params YAML files")
    p.add_argument("--workers", type=int, help="reports rendered at once (default: one per core, at most one per file)")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--to", default="html", help="formats, comma separated, from html,pdf,xlsx,docx (default: html)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--fresh-kernels", action="store_true",
                   help="start every kernel as a new Python process instead of forking it from a warm template (slower)")
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("params", help="params files: `params new` writes one for any council")
    params_sub = p.add_subparsers(dest="params_command", required=True)
    p = params_sub.add_parser("new", help="write a valid params file for a council, period and CQC file")
    p.add_argument("--council", required=True, help="ONS code or name, e.g. E06000014 or York")
    p.add_argument("--period", required=True, metavar="START:END", help="e.g. 2025-04-01:2026-03-31")
    p.add_argument("--cqc", required=True, type=Path, help="CQC 'Care directory with ratings' file (CSV, XLSX or ODS)")
    p.add_argument("--out", type=Path, help="params file to write (default: params/<council>/<period>.yaml)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=_cmd_params_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .cache import pin_cache_dir

    args = build_parser().parse_args(argv)
    pin_cache_dir()  # a relative $CAREQUALITY_CACHE means the same folder to every kernel, whatever its folder
    previous = None
    if args.command in ("render", "check") and threading.current_thread() is threading.main_thread():
        # A render stopped by SIGTERM cleans up as on any error: no temporary folder is left beside the outputs.
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.func(args)
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
    except OSError as e:  # a path the user gave that cannot be read or written (a file where a folder is needed …)
        if os.environ.get("CAREQUALITY_DEBUG") or e.filename is None:
            raise
        print(f"carequality: cannot use {e.filename}: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # a bug, not bad input: say what failed; the traceback only when asked for
        if os.environ.get("CAREQUALITY_DEBUG"):
            raise
        print(f"carequality: unexpected error ({type(e).__name__}: {e}). This is a bug in carequality, not in your "
              "input; run again with CAREQUALITY_DEBUG=1 to see the traceback, and report it.", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
