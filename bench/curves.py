"""Cost curves for `make bench`: how parse, batch and render times grow, drawn to one PNG, with a verdict per curve.

- parse time and peak memory against rows of the national file (ODS and CSV), each in a fresh process;
- `carequality batch` time against the number of councils, from a warm cache (the parse is its own curve);
- one council's `carequality render` time against its number of locations (a file of that council alone);
- one council's batch time against the number of monthly reports rendered from one history.

Each curve is fitted by least squares to a + b·x; "linear" when the fit explains at least 98% of the variance
and the last point's cost per unit is within 25% of the slope. The extrapolation to every council for every month
of ten years uses the batch slope per report and the parse of one national file per month.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench import measure
from bench.national_file import SEED, _areas, _location, write_csv, write_ods

BIN = measure.Path(measure.PYTHON).parent
MONTHS_TEN_YEARS = 120
COUNCILS = 153


def fit(xs: list[float], ys: list[float]) -> dict:
    """Least squares a + b·x, R², and whether growth is linear (see the module docstring)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    r2 = 1 - sum((y - a - b * x) ** 2 for x, y in zip(xs, ys)) / ss if ss else 1.0
    marginal = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2]) if n > 1 and xs[-1] != xs[-2] else b
    linear = None if n < 3 else r2 >= 0.98 and (b <= 0 or abs(marginal / b - 1) <= 0.25)
    return {"a": a, "b": b, "r2": r2, "marginal": marginal, "linear": linear}


def parse_curve(work: Path, sizes: list[int], say) -> dict:
    folder = work / "curve-parse"
    folder.mkdir(parents=True, exist_ok=True)
    points = []
    for rows in sizes:
        ods, csv = folder / f"n{rows}.ods", folder / f"n{rows}.csv"
        n = write_ods(ods, rows, notice=True)
        write_csv(csv, rows, notice=True)
        o, c = measure.probe("parse", str(ods)), measure.probe("parse", str(csv))
        points.append({"rows": n, "ods_seconds": o["seconds"], "ods_peak_mb": o["peak_mb"], "csv_seconds": c["seconds"],
                       "csv_peak_mb": c["peak_mb"], "ods_bytes": ods.stat().st_size})
        say(f"(e) parse {n:,} rows: ODS {o['seconds']:.2f} s, {o['peak_mb']:.0f} MB; CSV {c['seconds']:.2f} s")
        ods.unlink()
        csv.unlink()
    xs = [p["rows"] for p in points]
    return {"points": points, "ods": fit(xs, [p["ods_seconds"] for p in points]),
            "ods_memory": fit(xs, [p["ods_peak_mb"] for p in points]),
            "csv": fit(xs, [p["csv_seconds"] for p in points])}


def _batch(files: list[Path], out: Path, cache: Path, workers: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(BIN / "carequality"), "batch", *map(str, files), "--workers", str(workers), "--out", str(out), "--quiet"]
    seconds, proc, _ = measure.run_watched(cmd, env={"CAREQUALITY_CACHE": str(cache)})
    if proc.returncode != 0:
        raise RuntimeError(f"carequality batch exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return seconds


def batch_curve(work: Path, files: list[Path], counts: list[int], cache: Path, workers: int, say) -> dict:
    """Batch time for the first k councils, the national file already in the cache (the parse is curve (e))."""
    points = []
    for k in counts:
        seconds = _batch(files[:k], work / "curve-batch", cache, workers)
        points.append({"councils": k, "seconds": seconds})
        say(f"(e) batch of {k} councils: {seconds:.1f} s")
    return {"points": points, "fit": fit([p["councils"] for p in points], [p["seconds"] for p in points])}


def council_file(path: Path, n_locations: int, council: str = "E06000014", seed: int = SEED) -> Path:
    """A ratings CSV of one council with `n_locations` locations, in the national file's shape."""
    import random

    rng = random.Random(seed + n_locations)
    area = next(a for a, _ in _areas(random.Random(seed)) if a.council.ons_code == council)
    locs = [_location(rng, f"1-{900000000 + i * 7919}", area, "Social Care Org", None, None) for i in range(n_locations)]
    from carequality.examples.ratings import HEADERS

    with open(path, "w", encoding="utf-8", newline="") as f:
        import csv

        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADERS)
        for loc in sorted(locs, key=lambda x: x.before[0]):
            for g, d, r, date in loc.rows:
                w.writerow([*loc.before, g, d, r, "" if date is None else date.strftime("%d/%m/%Y"), *loc.after])
    return path


def locations_curve(work: Path, sizes: list[int], say) -> dict:
    """`carequality render` (fresh kernel, HTML) of one council whose file has n locations."""
    from carequality.run.scaffold import new_params

    folder = work / "curve-locations"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    points = []
    for n in sizes:
        cqc = council_file(folder / f"york_{n}.csv", n)
        params, _ = new_params("E06000014", "2025-04-01:2026-03-31", cqc, folder / f"york_{n}.yaml")
        seconds = measure.run_timed([str(BIN / "carequality"), "render", str(params), "--out", str(folder / f"out{n}"),
                                     "--quiet"], env={"CAREQUALITY_CACHE": str(folder / "cache")})
        points.append({"locations": n, "seconds": seconds})
        say(f"(e) render of one council with {n} locations: {seconds:.2f} s")
    return {"points": points, "fit": fit([p["locations"] for p in points], [p["seconds"] for p in points])}


def month_params(folder: Path, k: int, cqc: Path) -> list[Path]:
    """k monthly params files of one council (York), April 2025 onwards, all reading the same ratings file."""
    import datetime as dt

    from carequality.run.scaffold import new_params

    out = []
    for i in range(k):
        start = dt.date(2025 + (3 + i) // 12, (3 + i) % 12 + 1, 1)
        end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1) - dt.timedelta(days=1)
        out.append(new_params("E06000014", f"{start}:{end}", cqc, folder / f"{start:%Y-%m}.yaml", force=True)[0])
    return out


def periods_curve(work: Path, counts: list[int], workers: int, say) -> dict:
    """Batch time for k monthly reports of one council from one ratings file (parsed once, then cached)."""
    folder = work / "curve-periods"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cqc = council_file(folder / "york.csv", 100)
    files = month_params(folder, max(counts), cqc)
    cache = folder / "cache"
    _batch(files[:1], folder / "warm", cache, 1)  # the file into the cache: the curve is the reports'
    points = []
    for k in counts:
        seconds = _batch(files[:k], folder / "out", cache, min(workers, k))
        points.append({"periods": k, "seconds": seconds})
        say(f"(e) {k} monthly reports of one council: {seconds:.1f} s")
    return {"points": points, "fit": fit([p["periods"] for p in points], [p["seconds"] for p in points])}


def extrapolate(parse: dict, batch: dict, real_rows: int) -> dict:
    """Every council for every month of ten years: one national parse a month, then the reports."""
    per_parse = parse["ods"]["a"] + parse["ods"]["b"] * real_rows
    per_report = batch["fit"]["b"]
    start = batch["fit"]["a"]
    months = MONTHS_TEN_YEARS
    total = months * (per_parse + start + per_report * COUNCILS)
    return {"reports": months * COUNCILS, "per_parse": per_parse, "per_report": per_report, "per_batch_start": start,
            "seconds": total}


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8), dpi=110)
    p = results["parse"]["points"]
    ax = axes[0][0]
    ax.plot([x["rows"] for x in p], [x["ods_seconds"] for x in p], "o-", label="ODS")
    ax.plot([x["rows"] for x in p], [x["csv_seconds"] for x in p], "s--", label="CSV")
    ax.set(title="Parse time against rows", xlabel="rows of the national file", ylabel="seconds")
    ax.legend()
    mem = ax.twinx()
    mem.plot([x["rows"] for x in p], [x["ods_peak_mb"] for x in p], "^:", color="grey", label="ODS peak memory")
    mem.set_ylabel("peak memory of the ODS parse (MB)")
    for ax, key, x, title, xlabel in (
        (axes[0][1], "batch", "councils", "Batch time against councils (cache warm)", "councils"),
        (axes[1][0], "locations", "locations", "One council's render against its locations", "locations"),
        (axes[1][1], "periods", "periods", "One council's monthly reports from one ratings file", "monthly reports"),
    ):
        pts = results[key]["points"]
        ax.plot([q[x] for q in pts], [q["seconds"] for q in pts], "o-")
        ax.set(title=title, xlabel=xlabel, ylabel="seconds")
        ax.set_xlim(left=0)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def _points(points: list[dict], x: str, y: str, unit: str, digits: int = 1) -> str:
    return ", ".join(f"{p[x]:,}: {p[y]:.{digits}f} {unit}" for p in points)


def _verdict(f: dict) -> str:
    return {True: "linear", False: "not linear", None: "too few points to tell"}[f["linear"]]


def _growth(f: dict, unit: str) -> str:
    kind = _verdict(f)
    return (f"{kind}: {f['b']:.3g} s a {unit} (R² {f['r2']:.3f}; the last step costs {f['marginal']:.3g} s a {unit}),"
            f" {f['a']:.2f} s fixed")


def doc_lines(results: dict, png: str) -> list[str]:
    p, b, loc, per, x = (results[k] for k in ("parse", "batch", "locations", "periods", "extrapolation"))
    pts = p["points"]
    alt = (f"Four line charts. Top left: parse time of the national ODS rises from {pts[0]['ods_seconds']:.1f} s at"
           f" {pts[0]['rows']:,} rows to {pts[-1]['ods_seconds']:.1f} s at {pts[-1]['rows']:,} rows, its peak memory"
           f" from {pts[0]['ods_peak_mb']:.0f} to {pts[-1]['ods_peak_mb']:.0f} MB, and the CSV's time from"
           f" {pts[0]['csv_seconds']:.1f} to {pts[-1]['csv_seconds']:.1f} s. Top right: batch time from"
           f" {b['points'][0]['seconds']:.0f} s for {b['points'][0]['councils']} council to {b['points'][-1]['seconds']:.0f} s"
           f" for {b['points'][-1]['councils']}. Bottom left: one council's render from {loc['points'][0]['seconds']:.1f} s"
           f" with {loc['points'][0]['locations']} locations to {loc['points'][-1]['seconds']:.1f} s with"
           f" {loc['points'][-1]['locations']}. Bottom right: {per['points'][0]['seconds']:.1f} s for"
           f" {per['points'][0]['periods']} monthly report to {per['points'][-1]['seconds']:.1f} s for"
           f" {per['points'][-1]['periods']}.")
    lines = [
        "## (e) Cost curves",
        "",
        f"![{alt}]({png})",
        "",
        f"*Alt text:* {alt}",
        "",
        "| Curve | Points | Growth |",
        "|---|---|---|",
        f"| National ODS parse against rows | {_points(pts, 'rows', 'ods_seconds', 's')} | {_growth(p['ods'], 'row')} |",
        f"| Peak memory of the ODS parse | {_points(pts, 'rows', 'ods_peak_mb', 'MB', 0)} | "
        f"{_verdict(p['ods_memory'])}: {p['ods_memory']['b'] * 1000:.2f} MB a thousand rows (the interpreter and"
        " libraries included) |",
        f"| National CSV parse against rows | {_points(pts, 'rows', 'csv_seconds', 's')} | {_growth(p['csv'], 'row')} |",
        f"| Batch against councils (cache warm) | {_points(b['points'], 'councils', 'seconds', 's', 0)} | "
        f"{_growth(b['fit'], 'council')} |",
        f"| One council's `carequality render` against its locations (fresh process) | {_points(loc['points'], 'locations', 'seconds', 's')} | "
        f"{_growth(loc['fit'], 'location')} |",
        f"| Monthly reports of one council from one ratings file (batch, file cached) | {_points(per['points'], 'periods', 'seconds', 's')} | "
        f"{_growth(per['fit'], 'report')} |",
        "",
        f"**Every council for every month of ten years** ({x['reports']:,} reports: 153 councils × 120 monthly national"
        f" files), on this machine with the same workers: each month parses its national file once"
        f" ({x['per_parse']:.1f} s, the ODS fit at the real file's rows), starts a batch ({x['per_batch_start']:.1f} s) and"
        f" renders 153 reports at {x['per_report']:.2f} s each, so {x['seconds'] / 3600:.1f} hours in all"
        f" ({x['seconds'] / 120 / 60:.1f} minutes a month). This assumes the curves stay as fitted: reports grow with"
        " a council's locations (bottom left), which a monthly run does not change.",
        "",
    ]
    return lines


def run_curves(work: Path, files: list[Path], cache: Path, args, say, real_rows: int) -> dict:
    ints = lambda text: [int(v) for v in text.split(",") if v]  # noqa: E731
    results = {"parse": parse_curve(work, ints(args.curve_rows), say)}
    results["batch"] = batch_curve(work, files, [k for k in ints(args.curve_councils) if k <= len(files)], cache,
                                   args.workers, say)
    results["locations"] = locations_curve(work, ints(args.curve_locations), say)
    results["periods"] = periods_curve(work, ints(args.curve_periods), args.workers, say)
    results["extrapolation"] = extrapolate(results["parse"], results["batch"], real_rows)
    return results

