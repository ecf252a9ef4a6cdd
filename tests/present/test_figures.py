"""Charts (figures.py), their display (Report.display_figure) and the files the renderer writes beside them."""

from __future__ import annotations

import base64
import csv
import json
import re
from html import unescape

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from carequality.measures import compare as bm
from carequality.sources import area_counts
from carequality import areas
from carequality.present import figures as fg
from carequality import vocab
from carequality.councils import council_by_code

from conftest import ROOT

RES, COM = vocab.RESIDENTIAL, vocab.COMMUNITY
YORK = council_by_code("E06000014")
PEERS = areas.peer_group("test peers", ["E08000035", "E08000036"], council=YORK.ons_code, source="test")
PNG = b"\x89PNG\r\n\x1a\n"


def counts(rows):
    out = []
    for month, code, cat, o, g, r, i, n in rows:
        name = areas.ENGLAND_NAME if code == areas.ENGLAND_CODE else council_by_code(code).short_name
        out.append({"month": month, "date": pd.Period(month, "M").end_time.normalize(),
                    "area_type": areas.area_type_of(code), "area_code": code, "area_name": name, "category": cat,
                    "outstanding": o, "good": g, "requires_improvement": r, "inadequate": i, "not_graded": n,
                    "active": o + g + r + i + n, "source": "test"})
    return area_counts.as_counts_frame(out)


COUNTS = counts([
    ("2024-01", YORK.ons_code, RES, 3, 80, 18, 0, 2), ("2024-01", YORK.ons_code, COM, 2, 40, 8, 0, 5),
    ("2024-02", YORK.ons_code, RES, 2, 70, 20, 3, 1), ("2024-02", YORK.ons_code, COM, 2, 41, 7, 0, 5),
    ("2024-03", YORK.ons_code, RES, 1, 59, 25, 5, 1), ("2024-03", YORK.ons_code, COM, 3, 41, 6, 1, 4),
    ("2024-01", "E08000035", RES, 5, 100, 30, 5, 0), ("2024-01", "E08000036", RES, 2, 50, 10, 1, 0),
    ("2024-03", "E08000035", RES, 4, 98, 33, 6, 0), ("2024-03", "E08000036", RES, 2, 48, 12, 1, 0),
    ("2024-01", areas.ENGLAND_CODE, RES, 400, 8000, 2000, 150, 600), ("2024-03", areas.ENGLAND_CODE, RES, 390, 7900, 2100, 160, 500),
    ("2024-01", areas.ENGLAND_CODE, COM, 600, 9000, 1500, 100, 700), ("2024-03", areas.ENGLAND_CODE, COM, 610, 9050, 1480, 95, 690),
])
MONTHS = ["2024-01", "2024-02", "2024-03"]


@pytest.fixture(scope="module")
def trend():
    return bm.trend_good_outstanding(COUNTS, council=YORK, peers=PEERS, months=MONTHS)


@pytest.fixture(scope="module")
def dist():
    return bm.rating_distribution_comparison(COUNTS, council=YORK, peers=PEERS, month="2024-03")


@pytest.fixture(scope="module")
def change():
    return bm.change_since_baseline(COUNTS, council=YORK, peers=PEERS, baseline_month="2024-01", month="2024-03")


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def check_figure(fig: fg.Figure) -> None:
    """What every chart must have: a deterministic PNG without software metadata, alt text with numbers, data."""
    assert fig.png.startswith(PNG)
    assert b"Software" not in fig.png and b"matplotlib" not in fig.png.lower()
    w, h = png_size(fig.png)
    assert (round(w * 96 / fg.DPI), round(h * 96 / fg.DPI)) == (fig.width, fig.height)
    assert re.search(r"\d+(\.\d)?%", fig.alt) and len(fig.alt) > 80
    assert fig.caption and not fig.caption.startswith("Figure")  # Report numbers it
    assert len(fig.data.frame) > 0
    j = fig.to_json()
    assert j["id"] == fig.id and j["columns"] == fig.data.columns and len(j["rows"]) == len(fig.data.frame)


def test_trend_chart(trend):
    fig = fg.trend_chart(trend)
    check_figure(fig)
    assert fig.png == fg.trend_chart(trend).png  # deterministic
    # The numbers in the alt text are the table's: York residential 82.2% in January and 66.7% in March.
    assert "York 82.2% in Jan 2024 and 66.7% in Mar 2024" in fig.alt
    assert "Peer group 77.3% in Jan 2024 and 74.5% in Mar 2024" in fig.alt  # (105 + 52) / (140 + 63), …
    assert "Missing where the data used here do not cover the area or month:" in fig.alt and "Peer group (" in fig.alt
    # Chart data: every plotted area (the council, its region, the peer group, England) × month × category,
    # missing months kept as blanks.
    assert len(fig.data.frame) == len(MONTHS) * 4 * 2
    feb_peers = fig.data.frame[(fig.data.frame["Month"] == "Feb 2024") & (fig.data.frame["Area"] == "Peer group")]
    assert feb_peers["% Good or Outstanding"].isna().all() and (feb_peers["Note"] != "").all()


def test_trend_lines_differ_by_style_and_marker_and_leave_gaps(trend):
    mpl = fg.draw_trend(trend)
    lines = [l for l in mpl.axes[0].get_lines() if len(l.get_xdata()) == len(MONTHS)]
    assert len({(l.get_linestyle(), l.get_marker()) for l in lines}) == len(lines) == 4
    peers = next(l for l in lines if l.get_label() == "Peer group")
    y = list(peers.get_ydata())
    assert y[1] != y[1] and y[0] == pytest.approx(77.3)  # February missing: a gap (NaN), never 0
    labels = [t.get_text() for t in mpl.axes[0].texts]
    assert "82.2%" in labels and "66.7%" in labels  # values written on the chart


def test_distribution_chart_uses_cqc_colours_and_hatches(dist):
    fig = fg.distribution_chart(dist)
    check_figure(fig)
    assert ("York: Outstanding 1.1%, Good 65.6%, Requires improvement 27.8%, Inadequate 5.6% of 90 rated"
            in fig.alt)
    assert "Region" not in fig.alt and "Yorkshire and The Humber: not covered by the data used here" in fig.alt
    mpl = fg.draw_distribution(dist)
    ax = mpl.axes[0]
    bars = []
    for container in ax.containers:  # one per rating segment, labelled with its rating
        word = container.get_label()
        for p in container.patches:
            assert mcolors.to_hex(p.get_facecolor()) == vocab.PALETTE[word]
            assert (p.get_hatch() or "") == vocab.HATCHES[word]
            assert mcolors.to_hex(p.get_hatchcolor()) == fg.HATCH_COLOUR[word]  # light hatch on dark red
            bars.append(p)
    assert {c.get_label() for c in ax.containers} == set(vocab.GRADED)
    # Each covered area's bar adds up to 100%.
    by_row = {}
    for p in bars:
        by_row[round(p.get_y(), 2)] = by_row.get(round(p.get_y(), 2), 0) + p.get_width()
    assert all(v == pytest.approx(100, abs=0.3) for v in by_row.values())
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "65.6%" in texts and "27.8%" in texts and "Inad. 5.6%" in texts and "not covered by the data used here" in texts
    assert len({vocab.HATCHES[w] for w in vocab.GRADED}) == 4  # greyscale print tells them apart


def test_change_chart(change):
    fig = fg.change_chart(change)
    check_figure(fig)
    assert "York: 82.2% to 66.7% (−15.5 percentage points)" in fig.alt
    assert "England: 79.6% to 78.6% (−1.0 percentage points)" in fig.alt  # 8,400 / 10,550 to 8,290 / 10,550
    assert "England: 85.7% to 86.0% (+0.3 percentage points)" in fig.alt
    assert "Peer group: 77.3% to 74.5% (−2.8 percentage points)" in fig.alt
    row = fig.data.frame[(fig.data.frame["Area"] == "York") & (fig.data.frame["Category"] == vocab.category_label(RES))].iloc[0]
    assert (row["% Good or Outstanding at baseline"], row["% Good or Outstanding now"], row["Change (percentage points)"]) == (82.2, 66.7, -15.5)


def test_external_chart_is_labelled_external():
    series = pd.DataFrame({"month": ["2024-01", "2024-02"] * 2, "area_type": [areas.COUNCIL] * 2 + [areas.ENGLAND] * 2,
                           "area_code": ["E06000014"] * 2 + [areas.ENGLAND_CODE] * 2,
                           "area": ["York"] * 2 + ["England"] * 2, "value": [81.0, 80.46, 78.8, float("nan")],
                           "note": ["", "", "", "no value in the external series"]})
    fig = fg.external_chart(series, indicator="Percentage of care homes rated good", source="LG Inform")
    check_figure(fig)
    assert fig.caption.startswith("External benchmark, not computed by this report (LG Inform)")
    assert "York: 81.0% in Jan 2024 and 80.5% in Feb 2024." in fig.alt
    assert "England: 78.8% in Jan 2024 only." in fig.alt


def test_report_numbers_figures_and_sends_alt_caption_and_data(monkeypatch, trend, dist):
    from carequality import report as report_module

    shown = []
    monkeypatch.setattr(report_module, "display", lambda data, metadata=None, raw=False: shown.append((data, metadata)))
    r = report_module.Report(params=None, model=None)
    for f in (fg.trend_chart(trend), fg.distribution_chart(dist)):
        r.display_figure(f)
    assert r.figures_shown == 2
    for n, (data, meta) in enumerate(shown, start=1):
        assert set(data) == {"image/png", "text/plain", fg.FIGURE_MIME}
        assert base64.b64decode(data["image/png"]).startswith(PNG)
        assert meta["image/png"]["caption"].startswith(f"Figure {n}: ") and data["text/plain"] == meta["image/png"]["caption"]
        assert meta["image/png"]["alt"] and json.dumps(data[fg.FIGURE_MIME])  # JSON-ready


def test_example_report_shows_the_charts_with_alt_text_and_writes_their_data(example_render):
    out = example_render.out_dir
    html = (out / "report.html").read_text(encoding="utf-8")
    tags = re.findall(r"<img [^>]*>", html)
    imgs = [(re.search(r'src="data:image/png;base64,([^"]+)"', t)[1], re.search(r'alt="([^"]*)"', t)[1]) for t in tags]
    captions = re.findall(r"<figcaption>(Figure \d+): ([^<]*)</figcaption>", html)
    assert len(imgs) >= 3 and len(captions) == len(imgs)
    assert [c[0] for c in captions] == [f"Figure {n}" for n in range(1, len(imgs) + 1)]
    assert all(re.search(r"\d%", alt) for _, alt in imgs)
    manifest = json.loads((out / "manifest.json").read_text())
    for fid in ("trend_good_outstanding", "rating_distribution_comparison", "change_since_baseline"):
        png = (out / "figures" / f"{fid}.png").read_bytes()
        assert png.startswith(PNG) and any(base64.b64decode(b) == png for b, _ in imgs)
        with open(out / "figures" / f"{fid}.csv", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert len(rows) > 2 and f"figures/{fid}.csv" in manifest["figures"]
    assert (out / "tables" / "trend_good_outstanding.csv").exists()
    # The example compares York with a generated region, England and peer group, every month present.
    with open(out / "figures" / "trend_good_outstanding.csv", encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    areas = {r["Area"] for r in data}
    assert areas == {"York", "Yorkshire and The Humber", "Peer group", "England"}
    assert all(r["% Good or Outstanding"] for r in data)


def test_trafford_params_render_the_real_lg_inform_series(shared_data, tmp_path):
    from carequality.run.render import render

    result = render(ROOT / "params" / "trafford" / "2025-26.yaml", tmp_path)
    with open(result.out_dir / "figures" / "external_benchmark.csv", encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    assert len(data) == 30 * 3  # 30 months × Trafford, peer group average, England
    lg = shared_data / "cqc" / "derived" / "trafford_themes_care_homes_rating.csv"
    with open(lg, encoding="utf-8") as f:
        raw = {(r["area_name"], r["period"]): r["value"] for r in csv.DictReader(f)}
    for r in data:
        if r["Area"] in ("Trafford", "England"):
            assert float(r["Value"]) == float(raw[(r["Area"], r["Month"])])
    html = (result.out_dir / "report.html").read_text(encoding="utf-8")
    assert "External benchmark, not computed by this report (LG Inform)" in html
    assert "NHS England adult social care near-neighbour peer group" in html
    assert "Trafford 75.4% on 1 April 2026, LG Inform's count at the end of the period" in unescape(re.sub(r"<[^>]+>", "", html))  # the sentence, from the numbers


def test_a_share_axis_that_does_not_start_at_zero_says_so_in_the_caption():
    from carequality.present.figures import axis_note, share_range

    assert share_range(pd.Series([81.1, 84.8, 89.3])) == (75, 95)
    assert share_range(pd.Series([2.0, 40.0])) == (0, 45)
    assert axis_note(75) == "; the axis starts at 75%, not 0" and axis_note(0) == ""


def test_end_labels_are_kept_a_line_apart():
    from carequality.present.figures import SMALL_PT, _spread, label_gap

    lo, hi, plot_in = 65, 100, 2.0
    placed = _spread([84.8, 81.1, 81.1], (hi - lo) * label_gap(plot_in))
    inches = sorted(p * plot_in / (hi - lo) for p in placed)
    assert all(b - a >= SMALL_PT / 72 for a, b in zip(inches, inches[1:]))


def test_a_legend_too_wide_for_the_page_wraps_onto_more_rows():
    from carequality.present.figures import legend_columns

    assert legend_columns(["York", "Yorkshire and The Humber", "England"]) == 3
    long = ["Oldham", "North West (not covered by the data used here)", "Peer group",
            "England (not covered by the data used here)"]
    assert 1 <= legend_columns(long) < 4
