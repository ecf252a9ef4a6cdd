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
from conftest import EXAMPLE_PARAMS, LINCOLNSHIRE_CSV, ROOT, assert_one_headline

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


def test_the_report_its_manifest_and_the_site_index_give_one_headline(example_render):
    assert_one_headline(example_render, 78, 97, 80.4)


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
    # CQC's category (the file's column) → the report's one label for it.
    labels = {"Residential social care": "Care homes", "Community based adult social care services": "Community-based services"}
    for category, label in labels.items():
        row = got[label]
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
    # One monthly file: the latest ratings published in the period (1 June 2025 to 31 May 2026), counted from the
    # file by hand: MM/DD/YYYY dates, location-level rows, inherited ratings left out.
    latest = {
        r["Location ID"]: r["Latest Rating"]
        for r in rows
        if r["Location Type"] == "Social Care Org" and r["Service / Population Group"] == "Overall"
        and r["Domain"] == "Overall" and r["Inherited Rating (Y/N)"] == "N"
        and "2025-06-01" <= "-".join(r["Publication Date"].split("/")[::-1][:1] + r["Publication Date"].split("/")[:2])
        <= "2026-05-31"
    }
    total = {r["Category"]: r for r in read_csv(result.out_dir / "tables" / "latest_ratings_in_period.csv")}["Total"]
    assert len(latest) == 52 and Counter(latest.values()) == {
        "Good": 41, "Outstanding": 3, "Requires improvement": 6, "Inadequate": 2}
    assert {k: int(v) for k, v in total.items() if k != "Category"} == {
        "Outstanding": 3, "Good": 41, "Requires improvement": 6, "Inadequate": 2, "Total": 52}
    listed = read_csv(result.out_dir / "tables" / "latest_ratings_in_period_list.csv")
    assert {r["CQC location ID"]: r["Overall rating"] for r in listed} == latest
    page = (result.out_dir / "report.html").read_text()
    assert "One monthly CQC file cannot show which services improved or declined" in page


def test_bad_input_exits_2_keeps_previous_output_and_the_failed_notebook(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    good = ROOT / "data" / "example" / "cqc_ratings_example.csv"
    shutil.copy(good, data / "cqc.csv")
    shutil.copy(ROOT / "data" / "example" / "qa_visits_example.csv", data / "visits.csv")
    params = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    params["inputs"] = {"cqc_ratings": "data/cqc.csv", "qa_visits": "data/visits.csv"}
    params_path = tmp_path / "york.yaml"
    params_path.write_text(yaml.safe_dump(params))
    out = tmp_path / "out"
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 0
    report = out / "york" / "2025-04-01_to_2026-03-31" / "report.html"
    before = report.read_bytes()

    # A council record is read inside the kernel: its error keeps the failed notebook.
    text = (data / "visits.csv").read_text().splitlines()
    text[3] = text[3].replace("contract monitoring", "surprise", 1)
    (data / "visits.csv").write_text("\n".join(text) + "\n")
    capsys.readouterr()
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "visits.csv, row 4, column 'visit_type': 'surprise' is not a known value" in err
    assert "Traceback" not in err
    assert report.read_bytes() == before
    failed = out / "york" / "2025-04-01_to_2026-03-31.failed.ipynb"
    assert failed.is_file() and "surprise" in failed.read_text()
    assert not [p for p in (out / "york").iterdir() if p.name.startswith(".")]


def test_bad_cqc_data_is_named_before_a_kernel_starts(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "example" / "cqc_ratings_example.csv", data / "cqc.csv")
    params = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    params["inputs"] = {"cqc_ratings": "data/cqc.csv"}
    params_path = tmp_path / "york.yaml"
    params_path.write_text(yaml.safe_dump(params))
    text = (data / "cqc.csv").read_text().splitlines()
    text[5] = text[5].replace(",Safe,", ",Kind,", 1)  # a key question the vocabulary does not know
    (data / "cqc.csv").write_text("\n".join(text) + "\n")
    out = tmp_path / "out"
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cqc.csv, row 6, column 'Domain': 'Kind' is not a key question" in err
    assert not (out / "york" / "2025-04-01_to_2026-03-31.failed.ipynb").exists()  # no kernel ran
    assert not (out / "york").exists() or not list((out / "york").iterdir())


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


# ---- leftovers of a killed render ---------------------------------------------------------------------------


def _leftovers(parent: Path, final: Path) -> list[str]:
    import tempfile

    from carequality.run.render import output_key

    hidden = sorted(p.name for p in parent.iterdir() if p.name.startswith(".")) if parent.is_dir() else []
    sockets = sorted(p.name for p in Path(tempfile.gettempdir()).glob(f"cq-kernel-{output_key(final)}-*"))
    return hidden + sockets


def _render_until_mid_run(tmp_path: Path, engine: str = "inprocess", **popen):
    """Start `carequality render` of the example in another process (`popen`: how to start it) and wait until it is
    mid-run: its temporary output folder exists, and its kernel's sockets, or the process its cells run in (or it
    ended, or 5 minutes passed). Returns the process, the --out folder and the report's final folder."""
    import subprocess
    import sys
    import tempfile
    import time

    import psutil

    from carequality.run.render import output_key

    out = tmp_path / "out"
    final = out / "york" / "2025-04-01_to_2026-03-31"
    exe = Path(sys.executable).parent / "carequality"
    proc = subprocess.Popen([str(exe), "render", str(EXAMPLE_PARAMS), "--out", str(out), "--quiet", "--engine", engine],
                            stdout=subprocess.DEVNULL, **popen)
    parent = final.parent
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        tmp_made = parent.is_dir() and any(p.name.startswith(f".{final.name}.tmp-") for p in parent.iterdir())
        if engine == "kernel":
            running = any(Path(tempfile.gettempdir()).glob(f"cq-kernel-{output_key(final)}-*"))
        else:
            running = bool(psutil.Process(proc.pid).children())
        if tmp_made and running:
            break
        time.sleep(0.05)
    return proc, out, final


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_a_render_killed_mid_run_is_cleaned_up_by_the_next_render_of_the_same_output(tmp_path, engine):
    import os
    import signal
    import subprocess
    import time

    import psutil

    proc, out, final = _render_until_mid_run(tmp_path, engine, stderr=subprocess.DEVNULL, start_new_session=True)
    parent = final.parent
    runners = psutil.Process(proc.pid).children(recursive=True)
    try:
        assert proc.poll() is None, "the render ended before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    left = _leftovers(parent, final)
    assert any(".tmp-" in n for n in left)  # what a kill leaves
    if engine == "kernel":
        assert any(n.startswith("cq-kernel-") for n in left)
    _, alive = psutil.wait_procs(runners, timeout=10)
    assert not alive, "a process the render started outlived it"
    time.sleep(0.1)

    assert main(["render", str(EXAMPLE_PARAMS), "--out", str(out), "--quiet"]) == 0
    assert _leftovers(parent, final) == []
    assert (final / "report.html").is_file()


def test_a_live_renders_folders_are_never_taken_for_leftovers(tmp_path):
    import os

    from carequality.run.render import _owned_lock, _release, is_stale, remove_stale

    live = tmp_path / f".p.tmp-{os.getpid()}-abc"
    live.mkdir()
    fd = _owned_lock(live)
    other_output = tmp_path / ".q.tmp-999999999-abc"  # another output's: not ours to judge
    other_output.mkdir()
    assert remove_stale(tmp_path, ".p.tmp-") == [] and live.is_dir()
    _release(fd)
    assert is_stale(live, ".p.tmp-")  # its lock is free: the render that held it has ended
    assert remove_stale(tmp_path, ".p.tmp-") == [live] and other_output.is_dir()


def test_a_folder_without_its_lock_yet_is_stale_only_when_its_process_is_gone(tmp_path):
    import os

    from carequality.run.render import is_stale

    starting = tmp_path / f".p.tmp-{os.getpid()}-abc"  # made, lock not yet taken
    starting.mkdir()
    assert not is_stale(starting, ".p.tmp-")
    gone = tmp_path / ".p.tmp-999999999-abc"
    gone.mkdir()
    assert is_stale(gone, ".p.tmp-")


def test_a_failed_render_leaves_no_kernel_socket_folder(tmp_path):
    from carequality.run.render import output_key  # noqa: F401 (used by _leftovers)

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "example" / "cqc_ratings_example.csv", data / "cqc.csv")
    (data / "visits.csv").write_text("location_id,visit_date,visit_type,outcome\n1-900324679,2024-04-06,surprise,\n")
    params = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    params["inputs"] = {"cqc_ratings": "data/cqc.csv", "qa_visits": "data/visits.csv"}
    params_path = tmp_path / "york.yaml"
    params_path.write_text(yaml.safe_dump(params))
    out = tmp_path / "out"
    assert main(["render", str(params_path), "--out", str(out), "--quiet"]) == 2  # fails inside the kernel
    assert _leftovers(out / "york", out.resolve() / "york" / "2025-04-01_to_2026-03-31") == []


# ---- preflight: the data hold the params file's council (before any kernel) -------------------------------------


def _york_params(tmp_path: Path, inputs: dict, **council) -> Path:
    params = {"council": {"code": "E06000014", "name": "York", **council},
              "period": {"start": "2024-04-01", "end": "2025-03-31"}, "inputs": inputs}
    path = tmp_path / "york.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def _moved_to(tmp_path: Path, name: str, area: str) -> Path:
    rows = (ROOT / "data" / "example" / "cqc_ratings_example.csv").read_text().splitlines()
    out = [rows[0]] + [r.replace(",York,Yorkshire and The Humber,", f",{area},Yorkshire and The Humber,") for r in rows[1:]]
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n")
    return path


def test_check_names_the_council_a_cqc_file_holds(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))
    _moved_to(tmp_path, "cqc.csv", "Leeds")
    assert main(["check", str(_york_params(tmp_path, {"cqc_ratings": "cqc.csv"}))]) == 2
    err = capsys.readouterr().err
    assert "cqc.csv: holds no location of York (E06000014)" in err
    assert re.search(r"by CQC's 'Location Local Authority' its 1\d\d locations are in Leeds \(1\d\d locations\), "
                     r"North Yorkshire \(\d+ locations\)", err)


def test_an_extra_cqc_spelling_of_the_council_is_its_data(tmp_path, monkeypatch):
    from carequality.params import load_params
    from carequality.model.preflight import preflight

    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))
    _moved_to(tmp_path, "cqc.csv", "City of York Council")
    preflight(load_params(_york_params(tmp_path, {"cqc_ratings": "cqc.csv"}, cqc_names=["City of York Council"])))


def test_a_snapshot_folder_of_another_council_is_named(tmp_path, monkeypatch):
    from carequality.errors import InputError
    from carequality.params import load_params
    from carequality.model.preflight import preflight

    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))
    (tmp_path / "monthly").mkdir()
    _moved_to(tmp_path / "monthly", "01_March_2025_Latest_ratings.csv", "Leeds")
    with pytest.raises(InputError, match="holds no location of York .* are in Leeds"):
        preflight(load_params(_york_params(tmp_path, {"cqc_snapshots": "monthly"})))


def test_many_councils_are_summed_up_not_listed(tmp_path):
    from collections import Counter

    from carequality.sources.preflight import describe

    counts = Counter({f"Area {i}": i for i in range(1, 9)})
    assert describe(counts) == ("Area 8 (8 locations), Area 7 (7 locations), Area 6 (6 locations), Area 5 (5 locations), "
                                "Area 4 (4 locations) and 3 more areas")


def test_a_national_file_passes_the_preflight(tmp_path, monkeypatch):
    from carequality.params import load_params
    from carequality.model.preflight import preflight

    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))
    york = (ROOT / "data" / "example" / "cqc_ratings_example.csv").read_text().splitlines()
    leeds = _moved_to(tmp_path, "leeds.csv", "Leeds").read_text().splitlines()
    (tmp_path / "both.csv").write_text("\n".join(york + [r.replace("1-9", "2-9") for r in leeds[1:]]) + "\n")
    preflight(load_params(_york_params(tmp_path, {"cqc_ratings": "both.csv"})))


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_a_render_stopped_by_sigterm_cleans_up_and_exits_143(tmp_path, engine):
    import signal
    import subprocess

    proc, _, final = _render_until_mid_run(tmp_path, engine, stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and "terminated" in err and "Traceback" not in err
    assert _leftovers(final.parent, final) == []


def test_an_output_folder_that_is_a_file_is_bad_input_not_a_bug(tmp_path, capsys):
    taken = tmp_path / "out"
    taken.write_text("not a folder")
    assert main(["render", str(EXAMPLE_PARAMS), "--out", str(taken), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"cannot use {taken}" in err and "unexpected error" not in err


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
