"""CQC's next framework: a location response with a block of ratings or a rating label the loader has not seen
renders, and what it could not read is listed in the report's data quality (issue 22). On copies of real Oldham
files made in tmp_path."""

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
