"""`carequality params new`: a valid params file for any of the 153 councils; `params upgrade`: a params file
rewritten for this release's schema, keeping its comments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carequality.cli.exits import EXIT_BAD_INPUT


def _cmd_params_new(args: argparse.Namespace) -> int:
    from carequality.run.scaffold import ScaffoldError, new_params

    try:
        path, params = new_params(args.council, args.period, args.cqc, args.out, force=args.force)
    except ScaffoldError as e:
        print(f"carequality params new: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(
        f"{path}: params for {params.council.name} ({params.council.code}), {params.period.start} to "
        f"{params.period.end}; check it with `carequality check {path}`"
    )
    return 0


def _cmd_params_upgrade(args: argparse.Namespace) -> int:
    from carequality.params import SCHEMA_VERSION
    from carequality.run.upgrade import upgrade_params

    for path in args.files:
        changes = upgrade_params(path, dry_run=args.dry_run)  # ParamsError: exit 2 with the file named (cli main)
        if not changes:
            print(f"{path}: already for params schema {SCHEMA_VERSION}; nothing to change")
            continue
        verb = "would change" if args.dry_run else "changed"
        print(f"{path}: {verb}:" + "".join(f"\n  {c}" for c in changes))
    if not args.dry_run:
        print("Check each file with `carequality check FILE`.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("params", help="params files: `params new` writes one for any council; `params upgrade`")
    params_sub = p.add_subparsers(dest="params_command", required=True)
    p = params_sub.add_parser("new", help="write a valid params file for a council, period and CQC file")
    p.add_argument("--council", required=True, help="ONS code or name, e.g. E06000014 or York")
    p.add_argument("--period", required=True, metavar="START:END", help="e.g. 2025-04-01:2026-03-31")
    p.add_argument("--cqc", required=True, type=Path, help="CQC 'Care directory with ratings' file (CSV, XLSX or ODS)")
    p.add_argument("--out", type=Path, help="params file to write (default: params/<council>/<period>.yaml)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=_cmd_params_new)

    p = params_sub.add_parser("upgrade", help="rewrite params files for this release's schema, keeping their comments")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="params YAML files")
    p.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    p.set_defaults(func=_cmd_params_upgrade)
