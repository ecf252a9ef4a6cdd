"""Report charts: a Figure is a PNG, its alt text (built from the numbers it shows), a caption and its data.

Charts are drawn with matplotlib's object API onto an Agg canvas, never through pyplot, so they do not depend
on the notebook's backend and nothing is left open. The PNG is deterministic: fixed size, dpi and font, and no
software or date metadata. Ratings use CQC's colours (vocab.PALETTE) and hatches (vocab.HATCHES) so that
greyscale print still tells them apart; lines differ by style and marker as well as colour; values are
written on the chart. Each Figure carries its data as a Table, which the renderer writes to
figures/<id>.csv beside figures/<id>.png.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from carequality import vocab
from carequality.areas import COUNCIL, ENGLAND, PEERS, REGION
from carequality.present.tables import Table
from carequality.present.text import format_percent, join_words, month_label, signed_points
from carequality.vocab import GRADED_COLUMNS

FIGURE_MIME = "application/vnd.carequality.figure+json"
#: The headline share's column (measures.overview.PERCENT_GO, the same words): of the locations with a rating.
GO = "% Good or Outstanding"
DPI = 150
#: Display width in CSS pixels: the PNG is drawn at DPI, shown at 96 dpi-equivalent for crisp print.
DISPLAY_SCALE = 96 / DPI
#: Width of every chart in inches: the A4 portrait text width (180 mm), so the chart prints at its own size and its
#: smallest text (SMALL_PT) stays at 8 pt on paper (issue 21: nothing shrunk to fit).
WIDTH_IN = 7.0
SMALL_PT = 8
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
    "hatch.color": "#222222",
    "svg.hashsalt": "carequality",
    "path.simplify": False,
}
#: Lines for areas: distinct style and marker as well as shade, so they read in greyscale.
AREA_STYLE: dict[str, dict] = {
    COUNCIL: {"color": "#1d3557", "linestyle": "-", "marker": "o", "linewidth": 2.4, "markersize": 4.5},
    REGION: {"color": "#6a7f99", "linestyle": "-.", "marker": "D", "linewidth": 1.4, "markersize": 3.5},
    PEERS: {"color": "#4d4d4d", "linestyle": ":", "marker": "^", "linewidth": 1.8, "markersize": 4.5},
    ENGLAND: {"color": "#8c8c8c", "linestyle": "--", "marker": "s", "linewidth": 1.6, "markersize": 3.5},
}
_LIGHT_TEXT = {"Outstanding", "Inadequate"}  # dark fills: white labels
#: Hatch line colour per rating: light on Inadequate's dark red, so in greyscale it is not Outstanding's solid.
HATCH_COLOUR = {"Outstanding": "#222222", "Good": "#222222", "Requires improvement": "#222222", "Inadequate": "#ffffff"}


# matplotlib is imported when the first chart is drawn, not when a report starts: most reports draw none, and the
# import is about half a second of every kernel's start (docs/performance.md).
class _Matplotlib:
    def __getattr__(self, name: str):
        import matplotlib
        import matplotlib.lines

        return getattr(matplotlib, name)


matplotlib = _Matplotlib()

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigureType


def MplFigure(*args, **kwargs):  # noqa: N802
    from matplotlib.figure import Figure as _Figure

    return _Figure(*args, **kwargs)


def FigureCanvasAgg(fig):  # noqa: N802
    from matplotlib.backends.backend_agg import FigureCanvasAgg as _Canvas

    return _Canvas(fig)


def Line2D(*args, **kwargs):  # noqa: N802
    from matplotlib.lines import Line2D as _Line2D

    return _Line2D(*args, **kwargs)


def Patch(*args, **kwargs):  # noqa: N802
    from matplotlib.patches import Patch as _Patch

    return _Patch(*args, **kwargs)


@dataclass
class Figure:
    id: str
    caption: str
    alt: str
    data: Table
    png: bytes
    width: int
    height: int

    def png_base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")

    def to_json(self) -> dict:
        """What the renderer collects: id, caption, alt and the chart's data as table JSON."""
        data = self.data.to_json()
        return {
            "id": self.id,
            "caption": self.caption,
            "alt": self.alt,
            "columns": data["columns"],
            "formats": data["formats"],
            "rows": data["rows"],
            "footnotes": data["footnotes"],
        }

    def to_text(self, number: int | None = None) -> str:
        label = f"Figure {number}: " if number is not None else ""
        return f"{label}{self.caption}"


def _draw(width_in: float, height_in: float) -> MplFigureType:
    return MplFigure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")


def _png(fig: MplFigureType) -> tuple[bytes, int, int]:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    w, h = fig.get_size_inches()
    return buf.getvalue(), round(float(w) * 96), round(float(h) * 96)


def _pct(v: Any) -> str:
    return "no data" if v is None or pd.isna(v) else format_percent(float(v))


def _num(v: Any) -> float:
    return float("nan") if v is None or pd.isna(v) else float(v)


def share_range(values: pd.Series) -> tuple[int, int]:
    """The axis of a chart of shares (0–100): from 5 below the lowest value to 5 above the highest, in steps of 5,
    never below 0 nor above 100. A line chart may start above 0 (the Analysis Function's guidance) as long as the
    chart says so: axis_note."""
    values = values.dropna().astype(float)
    lo = max(0, math.floor((values.min() if len(values) else 50) / 5) * 5 - 5)
    hi = min(100, math.ceil((values.max() if len(values) else 100) / 5) * 5 + 5)
    return lo, hi


def axis_note(lo: float) -> str:
    """What a caption adds when a share axis does not start at 0: "; the axis starts at 65%, not 0"; "" when it
    starts at 0."""
    return f"; the axis starts at {lo:g}%, not 0" if lo > 0 else ""


#: The legend's text size (RC's legend.fontsize is the default 9 pt) and the room each entry's symbol takes.
_LEGEND_PT = 9
_LEGEND_MARK_IN = 0.75


def legend_columns(labels: list[str], width_in: float = WIDTH_IN) -> int:
    """How many legend entries fit side by side across the figure's width: all of them when they fit in one row,
    else fewer (the legend wraps onto more rows), never so many that its ends are cut off the figure."""
    if not labels:
        return 1
    char_in = _LEGEND_PT * 0.6 / 72  # DejaVu Sans' wider usual characters
    for n in range(len(labels), 1, -1):
        per = math.ceil(len(labels) / n)  # matplotlib fills the legend column by column
        columns = [labels[i : i + per] for i in range(0, len(labels), per)]
        if sum(max(len(t) for t in col) * char_in + _LEGEND_MARK_IN for col in columns) <= width_in - 0.2:
            return n
    return 1


def _spread(wanted: list[float], gap: float) -> list[float]:
    """Label positions near `wanted` (in order of value), at least `gap` apart."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    prev = -math.inf
    for i in order:
        placed[i] = max(wanted[i], prev + gap)
        prev = placed[i]
    return placed


def _plot_lines(
    ax, x: list[int], lines: list[tuple[str, str, list[float]]], lo: float, hi: float, plot_in: float = 2.0
) -> None:
    """A line per area (gaps where missing), its first value labelled at the left and its last at the right,
    labels kept apart so they never overlap (a label's height apart, on a plot about `plot_in` inches tall); a line
    with no data is named as such in the legend."""
    ends: dict[str, list[tuple[float, str, str, str]]] = {"first": [], "last": []}
    for area_type, area, values in lines:
        known = [(i, v) for i, v in zip(x, values) if not math.isnan(v)]
        label = area if known else f"{area} ({vocab.NOT_COVERED})"
        ax.plot(x, values, label=label, **AREA_STYLE[area_type])
        if known:
            ends["first"].append((known[0][1], format_percent(round(known[0][1], 1)), area_type, str(known[0][0])))
            ends["last"].append((known[-1][1], format_percent(round(known[-1][1], 1)), area_type, str(known[-1][0])))
    gap = (hi - lo) * label_gap(plot_in)
    for side, items in ends.items():
        positions = _spread([v for v, *_ in items], gap)
        for (v, text, area_type, i), y in zip(items, positions):
            xi = int(i)
            ax.annotate(
                text,
                (xi, v),
                xytext=(xi - 0.5, y) if side == "first" else (xi + 0.5, y),
                textcoords="data",
                ha="right" if side == "first" else "left",
                va="center",
                fontsize=SMALL_PT,
                color=AREA_STYLE[area_type]["color"],
                fontweight="bold" if area_type == COUNCIL else None,
            )
    ax.set_ylim(lo, hi)
    ax.set_xlim(-3.2, len(x) + 2.2)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def label_gap(plot_in: float) -> float:
    """The least distance between two value labels, as a share of the axis's range: one label's line height
    (SMALL_PT and a quarter) on a plot `plot_in` inches tall."""
    return SMALL_PT * 1.3 / 72 / plot_in


# ---- trend lines -------------------------------------------------------------------------------------------
TREND_AREAS = (COUNCIL, REGION, PEERS, ENGLAND)


def trend_chart(
    trend: pd.DataFrame, *, figure_id: str = "trend_good_outstanding", area_types: tuple[str, ...] = TREND_AREAS
) -> Figure:
    """Share rated Good or Outstanding at each month end, one panel per category, a line per area.
    `trend` is benchmarks.trend_good_outstanding's frame."""
    t = trend[trend["area_type"].isin(area_types)]
    months = list(dict.fromkeys(t["month"]))
    png, w, h = _png(draw_trend(trend, area_types))
    data = _trend_data(t)
    first, last = (month_label(months[0]), month_label(months[-1])) if months else ("", "")
    lo, _ = share_range(t["percent"])
    caption = (
        f"Share of active adult social care locations rated Good or Outstanding at each month end, {first} to {last}"
        f"{axis_note(lo)}"
    )
    return Figure(figure_id, caption, _trend_alt(t, months), data, png, w, h)


def draw_trend(trend: pd.DataFrame, area_types: tuple[str, ...] = TREND_AREAS) -> MplFigureType:
    with matplotlib.rc_context(RC):
        t = trend[trend["area_type"].isin(area_types)]
        months = list(dict.fromkeys(t["month"]))
        areas = list(dict.fromkeys(zip(t["area_type"], t["area"])))
        fig = _draw(WIDTH_IN, 3.6)
        axes = fig.subplots(1, len(vocab.CATEGORIES), sharey=True)
        lo, hi = share_range(t["percent"])
        x = list(range(len(months)))
        for ax, cat in zip(axes, vocab.CATEGORIES):
            sub = t[t["category"] == cat]
            lines = []
            for area_type, area in areas:
                s = sub[(sub["area_type"] == area_type) & (sub["area"] == area)].set_index("month")["percent"]
                lines.append((area_type, area, [_num(s.get(m)) for m in months]))
            _plot_lines(ax, x, lines, lo, hi)
            ax.set_title(vocab.CATEGORY_WORDS[cat].label)
            step = max(1, math.ceil(len(months) / 8))
            ax.set_xticks(x[::step], [month_label(m) for m in months[::step]], rotation=45, ha="right")
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes[0].set_ylabel("% of rated locations\nGood or Outstanding" + (f"\n(axis starts at {lo:g}%)" if lo else ""))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=legend_columns(labels), frameon=False)
    return fig


def trend_frame(t: pd.DataFrame, extra: dict[str, object] | None = None) -> pd.DataFrame:
    """The monthly trend (measures.compare.trend) as the report's table and the trend chart's data show it; `extra`
    columns (the table's active locations and sources) go after the share, before the note."""
    return pd.DataFrame(
        {
            "Month": [month_label(m) for m in t["month"]],
            "As of": t["date"],
            "Area": t["area"],
            "Category": t["category"].map(vocab.category_label),
            "Good or Outstanding": t["good_or_outstanding"],
            "Rated locations": t["rated"],
            **(extra or {}),
            "Note": t["note"],
        }
    )


def _trend_data(t: pd.DataFrame) -> Table:
    return Table(
        "trend_good_outstanding_chart",
        "Data of the trend chart",
        trend_frame(t, {GO: t["percent"]}).reset_index(drop=True),
        formats={GO: "percent", "As of": "date"},
    )


def _trend_alt(t: pd.DataFrame, months: list[str]) -> str:
    if not months:
        return "Line chart with no data."
    parts = [
        f"Line chart of the share of active adult social care locations rated Good or Outstanding at each "
        f"month end from {month_label(months[0])} to {month_label(months[-1])}."
    ]
    for cat in vocab.CATEGORIES:
        sub = t[t["category"] == cat]
        bits = []
        for area in dict.fromkeys(sub["area"]):
            s = sub[sub["area"] == area].dropna(subset=["percent"])
            if s.empty:
                bits.append(f"{area}: no data")
                continue
            a, b = s.iloc[0], s.iloc[-1]
            if a["month"] == b["month"]:
                bits.append(f"{area} {_pct(a['percent'])} in {month_label(a['month'])}")
            else:
                bits.append(
                    f"{area} {_pct(a['percent'])} in {month_label(a['month'])} and "
                    f"{_pct(b['percent'])} in {month_label(b['month'])}"
                )
        parts.append(f"{vocab.CATEGORY_WORDS[cat].label}: {'; '.join(bits)}.")
    gaps = t[t["percent"].isna()]
    if len(gaps):
        missing = [f"{area} ({len(g)} month-categories)" for area, g in gaps.groupby("area", sort=False)]
        parts.append(f"Missing where the data used here do not cover the area or month: {join_words(missing)}.")
    return " ".join(parts)


# ---- rating distribution ------------------------------------------------------------------------------------
def distribution_chart(dist: pd.DataFrame, *, figure_id: str = "rating_distribution_comparison") -> Figure:
    """Stacked horizontal bars: each area's overall ratings as shares of its rated locations, one panel per
    category. `dist` is benchmarks.rating_distribution_comparison's frame."""
    png, w, h = _png(draw_distribution(dist))
    month = dist["month"].iloc[0] if len(dist) else ""
    caption = (
        f"Overall CQC ratings of active adult social care locations, {month_label(month)}: shares of rated locations"
    )
    return Figure(figure_id, caption, _distribution_alt(dist), _distribution_data(dist), png, w, h)


def draw_distribution(dist: pd.DataFrame) -> MplFigureType:
    ratings = list(GRADED_COLUMNS)
    with matplotlib.rc_context(RC):
        areas = list(dict.fromkeys(dist["area"]))
        fig = _draw(WIDTH_IN, 1.1 + 0.5 * len(areas) * len(vocab.CATEGORIES))
        axes = fig.subplots(len(vocab.CATEGORIES), 1, sharex=True)
        for ax, cat in zip(axes, vocab.CATEGORIES):
            sub = dist[dist["category"] == cat].set_index("area")
            ys = list(range(len(areas)))[::-1]
            labels = []
            for y, area in zip(ys, areas):
                r = sub.loc[area]
                rated = r["rated"]
                labels.append(f"{area}\n(n = {int(rated):,})" if not pd.isna(rated) else f"{area}\n(no data)")
                if pd.isna(rated) or not rated:
                    ax.text(
                        1,
                        y,
                        vocab.NOT_COVERED if pd.isna(rated) else "no rated locations",
                        va="center",
                        fontsize=SMALL_PT,
                        style="italic",
                    )
                    continue
                left = 0.0
                small = []
                for word in ratings:
                    v = float(r[f"percent_{GRADED_COLUMNS[word]}"])
                    ax.barh(
                        y,
                        v,
                        left=left,
                        height=0.62,
                        color=vocab.PALETTE[word],
                        hatch=vocab.HATCHES[word],
                        hatchcolor=HATCH_COLOUR[word],
                        edgecolor="#222222",
                        linewidth=0.5,
                        label=word,
                    )
                    if v >= 7:
                        ax.text(
                            left + v / 2,
                            y,
                            format_percent(v),
                            ha="center",
                            va="center",
                            fontsize=SMALL_PT,
                            color="white" if word in _LIGHT_TEXT else "black",
                            fontweight="bold",
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": vocab.PALETTE[word], "edgecolor": "none"},
                        )
                    elif v > 0:
                        small.append(f"{_abbrev(word)} {format_percent(v)}")
                    left += v
                if small:
                    ax.text(101, y, ", ".join(small), va="center", fontsize=SMALL_PT)
            ax.set_yticks(ys, labels)
            ax.set_ylim(-0.6, len(areas) - 0.4)
            ax.set_xlim(0, 122)  # room on the right for the labels of narrow segments
            ax.set_xticks(range(0, 101, 20))
            ax.set_title(vocab.CATEGORY_WORDS[cat].label, loc="left")
            ax.tick_params(axis="y", length=0)
        axes[-1].set_xlabel("% of locations with a graded overall rating")
        handles = [
            Patch(
                facecolor=vocab.PALETTE[w],
                hatch=vocab.HATCHES[w],
                hatchcolor=HATCH_COLOUR[w],
                edgecolor="#222222",
                label=w,
            )
            for w in ratings
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    return fig


def _abbrev(word: str) -> str:
    return {"Outstanding": "Outst.", "Good": "Good", "Requires improvement": "RI", "Inadequate": "Inad."}[word]


def _distribution_data(dist: pd.DataFrame) -> Table:
    frame = pd.DataFrame(
        {"Category": dist["category"].map(vocab.category_label), "Area": dist["area"], "As of": dist["date"]}
    )
    for word, col in GRADED_COLUMNS.items():
        frame[word] = dist[col]
    frame["Rated locations"] = dist["rated"]
    for word, col in GRADED_COLUMNS.items():
        frame[f"% {word}"] = dist[f"percent_{col}"]
    frame["Note"] = dist["note"]
    return Table(
        "rating_distribution_comparison_chart",
        "Data of the rating distribution chart",
        frame.reset_index(drop=True),
        formats={f"% {w}": "percent" for w in GRADED_COLUMNS} | {"As of": "date"},
    )


def _distribution_alt(dist: pd.DataFrame) -> str:
    month = month_label(dist["month"].iloc[0]) if len(dist) else ""
    parts = [f"Stacked bar chart of overall CQC ratings in {month}, as shares of locations with a graded rating."]
    for cat in vocab.CATEGORIES:
        bits = []
        for r in dist[dist["category"] == cat].itertuples():
            if pd.isna(r.rated):
                bits.append(f"{r.area}: {vocab.NOT_COVERED}")
                continue
            shares = ", ".join(f"{w} {_pct(getattr(r, 'percent_' + c))}" for w, c in GRADED_COLUMNS.items())
            bits.append(f"{r.area}: {shares} of {int(r.rated):,} rated")
        parts.append(f"{vocab.CATEGORY_WORDS[cat].label}: {'; '.join(bits)}.")
    return " ".join(parts)


# ---- change since a baseline --------------------------------------------------------------------------------
def change_chart(change: pd.DataFrame, *, figure_id: str = "change_since_baseline") -> Figure:
    """For each area and category, the share rated Good or Outstanding at the baseline (open circle) and now
    (filled circle), joined by an arrow and labelled. `change` is benchmarks.change_since_baseline's frame."""
    with matplotlib.rc_context(RC):
        areas = list(dict.fromkeys(change["area"]))
        fig = _draw(WIDTH_IN, 1.1 + 0.42 * len(areas) * len(vocab.CATEGORIES))
        axes = fig.subplots(len(vocab.CATEGORIES), 1, sharex=True)
        lo, hi = share_range(pd.concat([change["baseline_percent"], change["percent"]]))
        for ax, cat in zip(axes, vocab.CATEGORIES):
            sub = change[change["category"] == cat].set_index("area")
            ys = list(range(len(areas)))[::-1]
            for y, area in zip(ys, areas):
                r = sub.loc[area]
                style = AREA_STYLE[r["area_type"]]
                b, n = _num(r["baseline_percent"]), _num(r["percent"])
                if not math.isnan(b) and not math.isnan(n):
                    ax.annotate(
                        "",
                        xy=(n, y),
                        xytext=(b, y),
                        arrowprops={
                            "arrowstyle": "-|>",
                            "color": style["color"],
                            "lw": 1.4,
                            "shrinkA": 4,
                            "shrinkB": 4,
                        },
                    )
                if not math.isnan(b):
                    ax.plot(
                        [b],
                        [y],
                        marker="o",
                        markersize=7,
                        markerfacecolor="white",
                        markeredgecolor=style["color"],
                        markeredgewidth=1.6,
                        linestyle="none",
                    )
                if not math.isnan(n):
                    ax.plot([n], [y], marker="o", markersize=7, color=style["color"], linestyle="none")
                ax.text(hi + (hi - lo) * 0.03, y, _change_label(r), va="center", fontsize=SMALL_PT)
            ax.set_yticks(ys, areas)
            ax.set_ylim(-0.6, len(areas) - 0.4)
            ax.set_xlim(lo, hi + (hi - lo) * 0.6)  # room on the right for the labels
            ax.set_xticks(range(int(lo), int(hi) + 1, 5 if hi - lo <= 40 else 10))
            ax.set_title(vocab.CATEGORY_WORDS[cat].label, loc="left")
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.tick_params(axis="y", length=0)
        axes[-1].set_xlabel(
            "% of rated locations that are Good or Outstanding" + (f" (axis starts at {lo:g}%)" if lo else "")
        )
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor="#333333",
                linestyle="none",
                label=f"Baseline ({_when(change, 'baseline')})",
            ),
            Line2D(
                [],
                [],
                marker="o",
                markersize=7,
                color="#333333",
                linestyle="none",
                label=f"Now ({_when(change, 'now')})",
            ),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        png, w, h = _png(fig)
    caption = (
        f"Change in the share of active adult social care locations rated Good or Outstanding, "
        f"{_when(change, 'baseline')} to {_when(change, 'now')}{axis_note(lo)}"
    )
    return Figure(figure_id, caption, _change_alt(change), _change_data(change), png, w, h)


def _when(change: pd.DataFrame, which: str) -> str:
    col = "baseline_month" if which == "baseline" else "month"
    return month_label(change[col].iloc[0]) if len(change) else ""


def _change_label(r: pd.Series) -> str:
    if pd.isna(r["baseline_percent"]) and pd.isna(r["percent"]):
        return vocab.NOT_COVERED
    if pd.isna(r["change_points"]):
        return f"{_pct(r['baseline_percent'])} → {_pct(r['percent'])}"
    return f"{_pct(r['baseline_percent'])} → {_pct(r['percent'])} ({signed_points(r['change_points'])})"


def change_frame(change: pd.DataFrame) -> pd.DataFrame:
    """The change since the baseline (measures.compare.change_since_baseline) as the report's table and the change
    chart's data show it: one set of column names for both."""
    return pd.DataFrame(
        {
            "Category": change["category"].map(vocab.category_label),
            "Area": change["area"],
            "Baseline as of": change["baseline_date"],
            "Good or Outstanding at baseline": change["baseline_good_or_outstanding"],
            "Rated at baseline": change["baseline_rated"],
            f"{GO} at baseline": change["baseline_percent"],
            "Now as of": change["date"],
            "Good or Outstanding now": change["good_or_outstanding"],
            "Rated now": change["rated"],
            f"{GO} now": change["percent"],
            "Change (percentage points)": change["change_points"],
            "Note": change["note"],
        }
    )


def _change_data(change: pd.DataFrame) -> Table:
    return Table(
        "change_since_baseline_chart",
        "Data of the change chart",
        change_frame(change).reset_index(drop=True),
        formats={f"{GO} at baseline": "percent", f"{GO} now": "percent", "Baseline as of": "date", "Now as of": "date"},
    )


def _change_alt(change: pd.DataFrame) -> str:
    parts = [
        f"Chart of the share of rated adult social care locations that are Good or Outstanding at the baseline "
        f"({_when(change, 'baseline')}) and now ({_when(change, 'now')})."
    ]
    for cat in vocab.CATEGORIES:
        bits = []
        for _, r in change[change["category"] == cat].iterrows():
            if pd.isna(r["change_points"]):
                bits.append(f"{r['area']}: {_pct(r['baseline_percent'])} at the baseline and {_pct(r['percent'])} now")
            else:
                bits.append(
                    f"{r['area']}: {_pct(r['baseline_percent'])} to {_pct(r['percent'])} "
                    f"({signed_points(r['change_points'])})"
                )
        parts.append(f"{vocab.CATEGORY_WORDS[cat].label}: {'; '.join(bits)}.")
    return " ".join(parts)


# ---- external series ---------------------------------------------------------------------------------------
def external_chart(
    series: pd.DataFrame, *, indicator: str, source: str, figure_id: str = "external_benchmark"
) -> Figure:
    """An external series (LG Inform) as lines per area. `series` has month, area_type, area, value (the
    frame of benchmarks' external_comparison)."""
    with matplotlib.rc_context(RC):
        months = sorted(set(series["month"]))
        areas = list(dict.fromkeys(zip(series["area_type"], series["area"])))
        fig = _draw(WIDTH_IN, 3.6)
        ax = fig.subplots()
        lo, hi = share_range(series["value"])
        x = list(range(len(months)))
        lines = []
        for area_type, area in areas:
            s = series[(series["area_type"] == area_type) & (series["area"] == area)].set_index("month")["value"]
            lines.append((area_type, area, [_num(s.get(m)) for m in months]))
        _plot_lines(ax, x, lines, lo, hi, plot_in=2.2)
        step = max(1, math.ceil(len(months) / 12))
        ax.set_xticks(x[::step], [month_label(m) for m in months[::step]], rotation=45, ha="right")
        ax.set_ylabel("%" + (f" (axis starts at {lo:g}%)" if lo else ""))
        ax.set_title(f"External benchmark ({source}): {indicator}", loc="left", fontsize=9)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=legend_columns(labels), frameon=False)
        png, w, h = _png(fig)
    first, last = (month_label(months[0]), month_label(months[-1])) if months else ("", "")
    caption = (
        f"External benchmark, not computed by this report ({source}): {indicator}, {first} to {last}{axis_note(lo)}"
    )
    frame = pd.DataFrame(
        {
            "Month": [month_label(m) for m in series["month"]],
            "Area": series["area"],
            "Value": series["value"],
            "Note": series["note"],
        }
    )
    data = Table("external_benchmark_chart", "Data of the external benchmark chart", frame.reset_index(drop=True))
    alt = [f"Line chart of an external series from {source}, {indicator}, from {first} to {last}."]
    for area_type, area in areas:
        s = series[(series["area_type"] == area_type) & (series["area"] == area)].dropna(subset=["value"])
        if s.empty:
            alt.append(f"{area}: no data.")
        else:
            a, b = s.iloc[0], s.iloc[-1]
            first_value = f"{format_percent(round(float(a['value']), 1))} in {month_label(a['month'])}"
            if len(s) == 1:  # one month with a value: said once, not as a change from itself
                alt.append(f"{area}: {first_value} only.")
            else:
                alt.append(
                    f"{area}: {first_value} and "
                    f"{format_percent(round(float(b['value']), 1))} in {month_label(b['month'])}."
                )
    return Figure(figure_id, caption, " ".join(alt), data, png, w, h)


__all__ = ["FIGURE_MIME", "Figure", "change_chart", "distribution_chart", "external_chart", "trend_chart"]
