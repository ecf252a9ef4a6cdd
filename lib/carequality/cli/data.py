"""`carequality fetch`, `counts`, `example` and `councils`: CQC data, the example data and the list of councils."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carequality.cli.exits import EXIT_BAD_INPUT, EXIT_FAILED


def _cmd_councils(args: argparse.Namespace) -> int:
    from carequality.councils import all_councils, councils_ever

    for c in councils_ever() if args.all else all_councils():
        if args.region and c.region.casefold() != args.region.casefold():
            continue
        valid = ""
        if args.all:
            valid = f"\t{c.start or ''}\t{c.end or ''}\t{';'.join(c.replaced_by)}"
        print(f"{c.ons_code}\t{c.name}\t{c.region}{valid}")
    return 0


def _cmd_counts(args: argparse.Namespace) -> int:
    from carequality.councils import find_council
    from carequality.run.counts import build_counts_file

    council = None
    if args.council:
        try:
            council = find_council(args.council).ons_code
        except KeyError:
            print(f"carequality counts: --council {args.council!r} is not one of the 153 councils", file=sys.stderr)
            return EXIT_BAD_INPUT
    path, rows = build_counts_file(
        args.out, start=args.start, end=args.end, snapshots=args.snapshots, api=args.api, council=council
    )
    print(f"{path}: {rows:,} rows (area × month × category)")
    return 0


def _cmd_example(args: argparse.Namespace) -> int:
    from carequality.examples import write_example

    for path in write_example(Path(args.out)):
        print(path)
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from carequality.run.fetch import STATE_FILE, FetchError, Retry, fetch

    if args.update is not None and args.out is not None and args.update.resolve() != args.out.resolve():
        print(
            "carequality fetch: --update names the folder to update; give it alone, without another --out",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    out = args.update if args.update is not None else args.out
    if out is None or (args.update is None and args.local_authority is None):
        print(
            "carequality fetch: give --local-authority COUNCIL and --out DIR for a download, or --update DIR "
            "to bring an earlier download up to date",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    retry = Retry(retries=args.retries, backoff=args.backoff, timeout=args.timeout)
    try:
        result = fetch(
            args.local_authority,
            out,
            key_env=args.key_env,
            base_url=args.base_url,
            retry=retry,
            cqc_name=args.cqc_name,
            since=args.since,
            update=args.update is not None,
        )
    except FetchError as e:
        print(
            f"carequality fetch: {e}\nFinished files are kept: run the same command again to resume.", file=sys.stderr
        )
        return EXIT_BAD_INPUT if e.bad_input else EXIT_FAILED
    missing = ""
    if result.not_found:
        shown = ", ".join(result.not_found[:10]) + (", …" if len(result.not_found) > 10 else "")
        missing = f"; {len(result.not_found)} not found at CQC (HTTP 404), recorded in {STATE_FILE}: {shown}"
    if result.mode == "update":
        start, end = result.window
        print(
            f"{result.out}: CQC API data for {result.local_authority} brought up to date from {start} to {end}; "
            f"CQC listed {result.changed} changes (every council's); {result.fetched} of this council's files "
            f"fetched{missing}"
        )
    else:
        print(
            f"{result.out}: CQC API data for {result.local_authority}; {result.fetched} files fetched, "
            f"{result.present} already present{missing}"
        )
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("councils", help="list the 153 councils with their ONS codes")
    p.add_argument("--region")
    p.add_argument(
        "--all",
        action="store_true",
        help="also list the councils reorganisations replaced, with the first and last day each was valid "
        "and its successors",
    )
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
    p.add_argument("--local-authority", metavar="COUNCIL", help="ONS code or name of the council")
    p.add_argument("--out", type=Path, help="folder to download into; a rerun resumes it")
    p.add_argument(
        "--update",
        type=Path,
        metavar="DIR",
        help="bring an earlier download up to date: refetch only what CQC changed since it",
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help="update from this date (YYYY-MM-DD, or a timestamp) instead of the end of the last download",
    )
    p.add_argument(
        "--cqc-name",
        metavar="NAME",
        help="the council's name as CQC spells it, sent as localAuthority (default: the ONS name)",
    )
    p.add_argument(
        "--key-env",
        default="CQC_SUBSCRIPTION_KEY",
        metavar="VAR",
        help="environment variable holding the API subscription key (default: CQC_SUBSCRIPTION_KEY)",
    )
    p.add_argument(
        "--base-url", help="API base URL (default: $CQC_API_BASE_URL or https://api.service.cqc.org.uk/public/v1)"
    )
    p.add_argument(
        "--retries", type=int, default=5, help="retries per request after 429, 5xx or a dropped connection (default: 5)"
    )
    p.add_argument(
        "--backoff", type=float, default=1.0, help="seconds before the first retry, doubling each time (default: 1)"
    )
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a response (default: 60)")
    p.set_defaults(func=_cmd_fetch)
