"""Real-data shapes end to end (issue 22): a location response with a block of ratings or a rating label the loader
has not seen (CQC's next framework) renders, with what it could not read listed in data quality (on copies of real
Oldham files made in tmp_path); a name longer than a spreadsheet cell is cut saying so."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from carequality import vocab
from carequality.run.render import render
from conftest import OLDHAM_API

pytestmark = pytest.mark.slow

#: Franklin House (assessed under the single assessment framework), Springfields-like history, an inherited rating.
REAL = ("1-5312102242", "1-109570155", "1-9588358014", "1-18648277454")


def test_an_unknown_framework_block_and_rating_label_render_and_are_listed(shared_data, tmp_path):
    api = tmp_path / "api"
    (api / "location_details").mkdir(parents=True)
    for loc in REAL:
        shutil.copy(OLDHAM_API / "location_details" / f"location_{loc}.json", api / "location_details")
    path = api / "location_details" / "location_1-5312102242.json"
    d = json.loads(path.read_text())
    d["assessment"][0]["ratings"]["asgRatings"][0]["rating"] = "Meets the standard"  # a 2026-framework word
    path.write_text(json.dumps(d, indent=4))
    path = api / "location_details" / "location_1-109570155.json"
    d = json.loads(path.read_text())
    d["frameworkRatings"] = [{"name": "Care Homes", "rating": "Good", "reportDate": "2026-01-05"}]  # a new block
    path.write_text(json.dumps(d, indent=4))
    params = {
        "council": {"code": "E08000004", "name": "Oldham"},
        "period": {"start": "2024-04-01", "end": "2025-03-31"},
        "inputs": {"cqc_api": "api"},
    }
    (tmp_path / "oldham.yaml").write_text(yaml.safe_dump(params))

    result = render(tmp_path / "oldham.yaml", tmp_path / "out")

    with open(result.out_dir / "tables" / "data_quality.csv", newline="", encoding="utf-8") as f:
        dq = list(csv.DictReader(f))
    issues = {(r["CQC location ID"], r["Row"]): r["Issue"] for r in dq}
    assert "'Meets the standard' is not a rating this report knows" in issues[
        ("1-5312102242", "assessment[0].ratings.asgRatings[0].rating")
    ]
    assert "frameworkRatings holds ratings in a form this report does not know" in issues[
        ("1-109570155", "frameworkRatings")
    ]
    with open(result.out_dir / "tables" / "location_ratings_appendix.csv", newline="", encoding="utf-8") as f:
        appendix = {r["CQC location ID"]: r for r in csv.DictReader(f)}
    assert appendix["1-5312102242"]["Overall"] == vocab.UNRECOGNISED  # shown, never dropped
    html = result.out_dir.joinpath("report.html").read_text()
    assert "carries a rating word this report does not know" in html


def test_a_name_longer_than_a_spreadsheet_cell_is_cut_saying_so_in_the_cell_and_the_notes(tmp_path):
    """A 100,000-character location name: the report's spreadsheet cuts it at Excel's 32,767 characters, says so
    in the cell and in its notes sheet, and the data-quality table lists it."""
    import openpyxl

    from carequality.run import exports
    from conftest import ROOT

    rows = (ROOT / "tests" / "badinputs" / "files" / "cqc_york_small.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    at = header.index("Location Name")
    long_name = "Long " + "x" * 100_000
    out_rows = [rows[0]] + [",".join(long_name if i == at else c for i, c in enumerate(r.split(","))) if k == 0 else r
                             for k, r in enumerate(rows[1:])]
    (tmp_path / "cqc.csv").write_text("\n".join(out_rows) + "\n", encoding="utf-8")
    params = {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2024-04-01", "end": "2025-03-31"},
              "inputs": {"cqc_ratings": "cqc.csv"}}
    (tmp_path / "york.yaml").write_text(yaml.safe_dump(params))

    result = render(tmp_path / "york.yaml", tmp_path / "out", formats=("html", "xlsx"))

    book = openpyxl.load_workbook(result.out_dir / "report.xlsx")
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    cut = [v for v in cells if v.startswith("Long xxx")]
    assert cut and all(len(v) == exports.CELL_LIMIT and v.endswith(exports.CUT_MARKER) for v in cut)
    notes = [v for v in (c.value for row in book["Notes"].iter_rows() for c in row) if isinstance(v, str)]
    assert any("32,767 characters" in v for v in notes)
    with open(result.out_dir / "tables" / "data_quality.csv", newline="", encoding="utf-8") as f:
        dq = list(csv.DictReader(f))
    assert any("100,005 characters, more than the 32,767 a spreadsheet cell holds" in r["Issue"] for r in dq)
