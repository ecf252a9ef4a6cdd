"""`carequality init` (a council's own project) and `carequality doctor` (what a render needs, and whether it is
there)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carequality.cli.exits import EXIT_BAD_INPUT, EXIT_FAILED


def _cmd_init(args: argparse.Namespace) -> int:
    from carequality.project import init_project
    from carequality.run.scaffold import ScaffoldError

    try:
        result = init_project(args.folder, args.council, args.period, force=args.force)
    except ScaffoldError as e:
        print(f"carequality init: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for what, names in (("wrote", result.written), ("brought up to date", result.updated)):
        if names:
            print(f"{what}: {', '.join(names)}")
    if result.kept:
        print(f"kept as they are (changed since init wrote them, or not written by init): {', '.join(result.kept)}")
    print(
        f"{result.folder}: a carequality project. Next: read {result.folder / 'README.md'}, save CQC's monthly file "
        f"where it says, then `carequality check {result.params.relative_to(result.folder)}` in that folder."
    )
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from carequality.run.doctor import report, run_checks

    checks = run_checks()
    print(report(checks))
    return 0 if all(c.ok for c in checks if c.essential) else EXIT_FAILED


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write a council's own project: params, record templates, commentary, CI, README")
    p.add_argument("folder", type=Path, help="the project's folder (new or empty; --force for one in use)")
    p.add_argument("--council", required=True, help="ONS code or name, e.g. E06000014 or York")
    p.add_argument(
        "--period",
        help="financial year as YYYY-YY (e.g. 2025-26) or START:END dates (default: the last year that has ended)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that is not empty: add missing files, update those init wrote and nobody changed",
    )
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser(
        "doctor", help="what a render needs (Chromium, pandoc, fonts …), whether it is here, how to add it"
    )
    p.set_defaults(func=_cmd_doctor)
