"""End to end: params → papermill → HTML, CSV tables and manifest, on the example and on real data."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from carequality.cli import main
from carequality.run.render import render
from conftest import EXAMPLE_PARAMS, LINCOLNSHIRE_CSV, ROOT

pytestmark = pytest.mark.slow


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_example_writes_html_tables_and_manifest(example_render):
    out = example_render.out_dir
    assert out.parts[-2:] == ("york", "2025-04-01_to_2026-03-31")
    names = {p.name for p in (out / "tables").glob("*.csv")}
    assert {"market_overview.csv", "ratings_overview.csv", "key_question_ratings.csv", "location_ratings_appendix.csv"} <= names
    assert (out / "annual_report.ipynb").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["cqc_ratings"]["sha256"] and len(manifest["inputs"]["cqc_ratings"]["sha256"]) == 64
    assert manifest["params"]["council"]["code"] == "E06000014"
    assert {"pandas", "papermill", "nbconvert"} <= set(manifest["libraries"])
    assert manifest["git_commit"]
    assert str(ROOT) not in (out / "manifest.json").read_text()


def test_html_has_no_code_and_no_scripts(example_render):
    html = example_render.html.read_text()
    assert "open_report" not in html and "report.show" not in html
    assert "<script" not in html.lower()
    assert "In&nbsp;[" not in html and "jp-InputPrompt" not in html
    assert '<html lang="en-GB">' in html
    assert "Example data." in html


def test_example_ratings_overview_equals_an_independent_count(example_render):
    rows = read_csv(ROOT / "data" / "example" / "cqc_ratings_example.csv")
    overall = {
        r["Location ID"]: (r["Location Primary Inspection Category"], r["Latest Rating"])
        for r in rows
        if r["Location Type"] == "Social Care Org" and r["Location Local Authority"] == "York"
        and r["Service / Population Group"] == "Overall" and r["Domain"] == "Overall"
    }
    assert_overview_matches(example_render.out_dir / "tables" / "ratings_overview.csv", overall)


def assert_overview_matches(table: Path, overall: dict[str, tuple[str, str]]) -> None:
    counts = Counter(overall.values())
    got = {r["Category"]: r for r in read_csv(table)}
    for category in ("Residential social care", "Community based adult social care services"):
        row = got[category]
        for rating in ("Outstanding", "Good", "Requires improvement", "Inadequate"):
            assert int(row[rating]) == counts[(category, rating)], (category, rating)
        assert int(row["Total"]) == sum(n for (c, _), n in counts.items() if c == category)
        graded = sum(counts[(category, r)] for r in ("Outstanding", "Good", "Requires improvement", "Inadequate"))
        good = counts[(category, "Outstanding")] + counts[(category, "Good")]
        assert float(row["% Good or Outstanding"]) == pytest.approx(round(100 * good / graded, 1))
    assert int(got["Total"]["Total"]) == len(overall)


def test_lincolnshire_counts_equal_an_independent_count(shared_data, tmp_path):
    result = render(ROOT / "params" / "lincolnshire" / "2025-26.yaml", tmp_path)
    rows = read_csv(LINCOLNSHIRE_CSV)
    overall = {
        r["Location ID"]: (r["Location Primary Inspection Category"], r["Latest Rating"])
        for r in rows
        if r["Location Type"] == "Social Care Org" and r["Service / Population Group"] == "Overall" and r["Domain"] == "Overall"
    }
    assert len(overall) == 356
    assert_overview_matches(result.out_dir / "tables" / "ratings_overview.csv", overall)
    appendix = read_csv(result.out_dir / "tables" / "location_ratings_appendix.csv")
    assert {r["CQC location ID"] for r in appendix} == set(overall)


def test_bad_input_exits_2_keeps_previous_output_and_the_failed_notebook(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    good = ROOT / "data" / "example" / "cqc_ratings_example.csv"
    shutil.copy(good, data / "cqc.csv")
    params = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    params["inputs"] = {"cqc_ratings": "data/cqc.csv"}
    params_path = tmp_path / "york.yaml"
    params_path.write_text(yaml.safe_dump(params))
    out = tmp_path / "out"
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 0
    report = out / "york" / "2025-04-01_to_2026-03-31" / "report.html"
    before = report.read_bytes()

    text = (data / "cqc.csv").read_text().splitlines()
    text[5] = text[5].replace(",Good,", ",Excellent,", 1) if ",Good," in text[5] else text[5].replace(",Requires improvement,", ",Excellent,", 1)
    (data / "cqc.csv").write_text("\n".join(text) + "\n")
    capsys.readouterr()
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cqc.csv, row 6, column 'Latest Rating': 'Excellent' is not a CQC rating" in err
    assert "Traceback" not in err
    assert report.read_bytes() == before
    failed = out / "york" / "2025-04-01_to_2026-03-31.failed.ipynb"
    assert failed.is_file() and "Excellent" in failed.read_text()
    assert not [p for p in (out / "york").iterdir() if p.name.startswith(".")]


def test_params_errors_exit_2_before_anything_runs(tmp_path, capsys):
    params = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    params["period"] = {"start": "2026-03-31", "end": "2025-04-01"}
    params["inputs"]["cqc_ratings"] = str((EXAMPLE_PARAMS.parent / params["inputs"]["cqc_ratings"]).resolve())
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(params))
    assert main(["render", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "period: end 2025-04-01 is before start 2026-03-31" in err
    assert not (tmp_path / "out").exists()


def test_check_validates_inputs_without_rendering(capsys, tmp_path):
    assert main(["check", str(EXAMPLE_PARAMS)]) == 0
    assert "104 adult social care locations" in capsys.readouterr().out


def test_console_script_shows_no_traceback(tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "carequality"
    bad = tmp_path / "p.yaml"
    bad.write_text("council: {code: E99999999, name: Nowhere}\n")
    proc = subprocess.run([str(exe), "check", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert re.search(r"council\.code: 'E99999999' is not the ONS code", proc.stderr)


def test_long_series_tables_go_to_the_data_appendix(example_render):
    html = example_render.html.read_text()
    appendix = html.index('id="section-appendix_data"')
    assert html.index('id="table-trend_good_outstanding"') > appendix
    assert html.index('id="table-ratings_overview"') < appendix
    assert (example_render.out_dir / "tables" / "trend_good_outstanding.csv").is_file()


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    import carequality.run.render

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(carequality.run.render, "check", broken)
    assert main(["check", str(EXAMPLE_PARAMS)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error (ZeroDivisionError: division by zero)" in err and "Traceback" not in err
    monkeypatch.setenv("CAREQUALITY_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(EXAMPLE_PARAMS)])


def test_the_page_is_the_document_nbconverts_html_exporter_writes(example_render):
    """report_exporter leaves out HTMLExporter's BeautifulSoup pass, its no-op preprocessors and its copies. The page is
    the same document: parsed and serialised as that pass did, it is what the stock exporter writes, byte for byte."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from carequality.run.render import TEMPLATE_DIR, to_html

    nb = nbformat.read(example_render.out_dir / "annual_report.ipynb", as_version=4)
    context = {"title": "Title & <more>", "council": "York", "version": "0", "commit": "abc", "generated": "now",
               "inputs": [{"name": "cqc_ratings", "file": "a 'b'.csv", "sha256": "0" * 64}], "params_file": "p.yaml",
               "params_sha256": "1" * 64, "marking": "OFFICIAL", "running_header": "York: Title",
               "params": {"council": {"name": "York's"}}, "libraries": {"pandas": "3"}}
    stock = HTMLExporter(extra_template_basedirs=[str(TEMPLATE_DIR)], template_name="carequality", exclude_input=True,
                         exclude_input_prompt=True, exclude_output_prompt=True)
    expected, _ = stock.from_notebook_node(nb, resources={"carequality": context})
    ours = to_html(nb, context)
    assert "<img" in ours and not re.search(r"<img(?![^>]*\balt=)", ours)  # every image has its alt text
    assert str(BeautifulSoup(ours, features="html.parser")) == expected
    assert to_html(nb, context) == ours  # the exporter made once serves every report alike
