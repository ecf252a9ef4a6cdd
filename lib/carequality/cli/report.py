"""`carequality render`, `check` and `batch`: reports from params files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carequality.cli.exits import EXIT_AUDIT, EXIT_BAD_INPUT, EXIT_FAILED


def _skip_missing(formats: tuple[str, ...], strict: bool) -> tuple[tuple[str, ...], list[str]]:
    """The formats this machine can write and a line per skipped one (none skipped with --strict: the render
    then stops on a missing tool before anything runs, as batch does)."""
    from carequality.run.exports import missing_tools

    missing = {} if strict else missing_tools(formats)
    return tuple(f for f in formats if f not in missing), [
        f"carequality render: skipped {f.upper()}: {why}; or ask your IT team to install it "
        "(`carequality doctor` lists what this machine has)"
        for f, why in missing.items()
    ]


def _cmd_render(args: argparse.Namespace) -> int:
    from carequality.params import check_profile
    from carequality.run.exports import ExportError, parse_formats
    from carequality.run.render import RenderError, render

    try:
        formats = parse_formats(args.to)
        check_profile(args.profile)
        if args.cell_timeout < 0:
            raise ValueError("--cell-timeout must be 0 (no limit) or more")
    except ValueError as e:
        print(f"carequality render: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    formats, skipped = _skip_missing(formats, args.strict)
    print(f"Rendering {args.params} …", file=sys.stderr)
    try:
        result = render(
            args.params,
            args.out,
            progress=not args.quiet,
            formats=formats,
            profile=args.profile,
            engine=args.engine,
            cell_timeout=args.cell_timeout or None,
        )
    except RenderError as e:
        where = f"\nThe failed notebook is kept at {e.notebook}" if e.notebook else ""
        print(f"carequality render: {e}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT if e.bad_input else EXIT_FAILED
    except ExportError as e:
        print(f"carequality render: {e}\nThe previous outputs, if any, are unchanged.", file=sys.stderr)
        return EXIT_FAILED
    others = ", ".join(p.name for f, p in result.outputs.items() if f != "html")
    print(
        f"Report written to {result.html} ({len(result.tables)} tables{'; also ' + others if others else ''}, "
        f"{result.seconds:.1f} s)"
    )
    for line in skipped:
        print(line, file=sys.stderr)
    return _audit_printed(result.out_dir, "render")


def _audit_printed(folder: Path, command: str) -> int:
    """Audit a rendered report: nothing printed when it agrees with itself; else its findings, in plain words, and
    EXIT_AUDIT (docs/facts.md)."""
    from carequality.run.audit import audit, describe

    findings = audit(folder)
    if not findings:
        return 0
    print(f"carequality {command}: {folder}\n{describe(findings)}", file=sys.stderr)
    print(
        "This is a defect of carequality, not of your data: please report it with the report folder.",
        file=sys.stderr,
    )
    return EXIT_AUDIT


def _cmd_audit(args: argparse.Namespace) -> int:
    from carequality.run.audit import FACTS_FILE, audit, describe

    if not (args.output_dir / FACTS_FILE).is_file() or not (args.output_dir / "report.html").is_file():
        print(
            f"carequality audit: {args.output_dir}: no report.html and {FACTS_FILE} there; expected the folder a "
            "render wrote one report into (such as outputs/york/2025-04-01_to_2026-03-31)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    findings = audit(args.output_dir)
    print(describe(findings))
    return EXIT_AUDIT if findings else 0


def _cmd_check(args: argparse.Namespace) -> int:
    from carequality.params import SCHEMA_VERSION
    from carequality.run.render import check, check_notes

    params, model = check(args.params)
    print(
        f"{args.params}: params valid; {params.council.name} ({params.council.code}), "
        f"{params.period.start} to {params.period.end}; {len(model.locations):,} adult social care locations in the area"
    )
    for line in records_summary(model) + front_sheet_gaps(params):
        print(line)
    from carequality.report import commentary_notices

    for line in commentary_notices(params):  # the council's words that will not print under their section
        print(line)
    for note in check_notes(params, model):
        print(f"  {note}")
    if params.schema_version < SCHEMA_VERSION:
        print(
            f"{args.params}: written for params schema {params.schema_version} (this carequality writes "
            f"{SCHEMA_VERSION}); `carequality params upgrade {args.params}` brings it up to date, keeping its comments",
            file=sys.stderr,
        )
    return 0


def front_sheet_gaps(params) -> list[str]:
    """The committee paper's front-sheet fields left blank in the commentary's front matter, one line each (the
    paper prints "[to be completed]" there)."""
    from carequality.present.commentary import TO_BE_COMPLETED, read_commentary
    from carequality.registry import COMMENTARY_BLOCKS

    if params.inputs.commentary is None:
        return ["Front sheet: no commentary file, so every field of the committee paper's front sheet is blank."]
    commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)
    blank = commentary.blank_front_fields()
    if not blank:
        return []
    return [f"Front sheet: {len(blank)} field(s) left blank, printed as {TO_BE_COMPLETED}:"] + [
        f"  - {label}" for label in blank
    ]


def records_summary(model) -> list[str]:
    """What a render will do with each of the council's own files: rows read, rows set aside and why, columns kept
    aside, and every row the report lists under data quality (location ids CQC does not know, with the nearest
    known id; dates after the data's end; cells too long for a spreadsheet)."""
    lines = []
    dq = model.data_quality
    for name, report in model.records.reports.items():
        file = report.path.name
        lines.append(f"{name} ({file}): {report.rows_read:,} row{'s' if report.rows_read != 1 else ''} read")
        for row, why in report.set_aside:
            lines.append(f"  row {row}: {why}, set aside")
        lines += [f"  {notice}" for notice in report.notices]
        mine = dq[dq["file"] == file] if len(dq) else dq
        for r in mine.itertuples():
            lines.append(f"  row {r.row}: {r.location_id + ': ' if r.location_id else ''}{r.issue}")
    return lines


def _cmd_batch(args: argparse.Namespace) -> int:
    from carequality.run.batch import OK, exit_code, run_batch, summary_table, write_index
    from carequality.run.exports import ExportError, check_formats, parse_formats

    try:
        formats = parse_formats(args.to)
        check_formats(formats)
    except (ValueError, ExportError) as e:
        print(f"carequality batch: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.cell_timeout < 0:
        print("carequality batch: --cell-timeout must be 0 (no limit) or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers is not None and args.workers < 1:
        print("carequality batch: --workers must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    outcomes = run_batch(
        args.params,
        args.out,
        workers=args.workers,
        progress=not args.quiet,
        formats=formats,
        fork_kernels=not args.fresh_kernels,
        engine=args.engine,
        cell_timeout=args.cell_timeout,
    )
    print(summary_table(outcomes))
    print(f"Index of every report: {write_index(outcomes, args.out)}")
    code = exit_code(outcomes)
    audited = [_audit_printed(Path(o.detail).parent, "batch") for o in outcomes if o.status == OK]
    return code or (EXIT_AUDIT if any(audited) else 0)


def _cmd_site(args: argparse.Namespace) -> int:
    from carequality.run.site import write_site

    if not args.outputs.is_dir():
        print(
            f"carequality site: {args.outputs}: folder not found; expected the folder render or batch writes "
            "reports into (such as outputs/)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    path = write_site(args.outputs)
    print(f"{path}: index of the reports in {args.outputs}")
    return 0


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    from carequality.run import CELL_TIMEOUT

    p.add_argument(
        "--engine",
        choices=("inprocess", "kernel"),
        default="inprocess",
        help="where the notebook's cells run: inprocess (default), in a process forked for each report; kernel, in a "
        "Jupyter kernel (slower; the same reports)",
    )
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a report whose notebook cell runs longer than this (default: {CELL_TIMEOUT:g}; 0: no limit)",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="validate params, run the report notebook and write the outputs")
    p.add_argument("params", type=Path, help="params YAML file")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument(
        "--to",
        default="html",
        help="formats, comma separated, from html,pdf,xlsx,ods,docx (default: html; HTML is always written)",
    )
    p.add_argument(
        "--profile",
        default="full",
        help="full (default): every section and the annexes; summary: the committee paper (key messages, "
        "the main sections and the council's commentary)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_engine_options(p)
    p.add_argument(
        "--strict",
        action="store_true",
        help="stop before anything runs when a format's tool is missing (default: write the other formats and "
        "say which were skipped and how to get them)",
    )
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("check", help="validate params and inputs only; run nothing")
    p.add_argument("params", type=Path)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("batch", help="render many params files: the national file parsed once, reports in parallel")
    p.add_argument("params", nargs="+", type=Path, help="params YAML files")
    p.add_argument("--workers", type=int, help="reports rendered at once (default: one per core, at most one per file)")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--to", default="html", help="formats, comma separated, from html,pdf,xlsx,ods,docx (default: html)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="with --engine kernel: start every kernel as a new Python process instead of forking it from a warm "
        "template (slower)",
    )
    _add_engine_options(p)
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser(
        "audit", help="read a rendered report back against its facts and list every place it disagrees with itself"
    )
    p.add_argument("output_dir", type=Path, metavar="OUTPUT_DIR", help="the folder one report was rendered into")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser(
        "site", help="write OUTPUTS_DIR/index.html: every report in the folder, with links and headline measures"
    )
    p.add_argument("outputs", type=Path, metavar="OUTPUTS_DIR", help="folder of rendered reports (such as outputs/)")
    p.set_defaults(func=_cmd_site)
