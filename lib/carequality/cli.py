"""The `carequality` command: a thin layer over render and sources. No traceback reaches a user."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EXIT_BAD_INPUT, InputError, ParamsError

EXIT_FAILED = 1


def _cmd_render(args: argparse.Namespace) -> int:
    from .render import RenderError, render

    formats = [f.strip() for f in args.to.split(",") if f.strip()]
    unknown = sorted(set(formats) - {"html"})
    if unknown:
        print(f"carequality render: unknown format(s) {', '.join(unknown)}; expected html", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Rendering {args.params} …", file=sys.stderr)
    try:
        result = render(args.params, args.out, progress=not args.quiet)
    except RenderError as e:
        where = f"\nThe failed notebook is kept at {e.notebook}" if e.notebook else ""
        print(f"carequality render: {e}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT if e.bad_input else EXIT_FAILED
    print(f"Report written to {result.html} ({len(result.tables)} tables, {result.seconds:.1f} s)")
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


def _cmd_example(args: argparse.Namespace) -> int:
    from .example import write_example

    for path in write_example(Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="carequality", description="Adult social care quality reports for English councils.")
    parser.add_argument("--version", action="version", version=f"carequality {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="validate params, run the report notebook and write the outputs")
    p.add_argument("params", type=Path, help="params YAML file")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--to", default="html", help="formats, comma separated (default: html)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("check", help="validate params and inputs only; run nothing")
    p.add_argument("params", type=Path)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("councils", help="list the 153 councils with their ONS codes")
    p.add_argument("--region")
    p.set_defaults(func=_cmd_councils)

    p = sub.add_parser("example", help="regenerate the example council's data")
    p.add_argument("--out", default="data/example")
    p.set_defaults(func=_cmd_example)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
