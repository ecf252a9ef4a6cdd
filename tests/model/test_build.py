"""The model: every input loaded once and kept to the council."""

from __future__ import annotations

import pandas as pd
import pytest

from carequality.model import area_mask, build_model, council_history
from carequality.params import load_params
from conftest import EXAMPLE_PARAMS


@pytest.fixture(scope="module")
def example():
    params = load_params(EXAMPLE_PARAMS)
    return params, build_model(params)


def test_locations_are_only_the_councils(example):
    params, model = example
    assert set(model.locations["local_authority"]) == {"York"}
    assert model.council_names == ("York",)
    assert len(model.cqc_locations_all) > len(model.locations)  # neighbours stay available for out-of-area services


def test_ratings_and_data_quality_are_kept_to_the_councils_locations(example):
    _, model = example
    ids = set(model.locations["location_id"])
    assert set(model.ratings_by_location_key_question["location_id"]) <= ids
    cqc_rows = model.data_quality[model.data_quality["location_id"].ne("")]
    assert set(cqc_rows["location_id"]) <= ids | set(model.history.locations_all["location_id"]) | set(
        model.records.commissioned_by_location["location_id"]) | set(model.records.visits_by_location_date["location_id"]) | set(
        model.records.risk_by_case_opened["location_id"]) | set(model.records.issues_by_location_report["location_id"])


def test_every_input_is_listed_once_with_its_hash(example):
    params, model = example
    names = [i.name for i in model.inputs]
    assert sorted(names) == sorted(params.input_paths())
    assert all(len(i.sha256) == 64 for i in model.inputs)


def test_council_history_keeps_deregistered_locations_of_the_area(example):
    params, model = example
    h = council_history(model, params)
    assert set(h.locations_all["local_authority"]) == {"York"}
    assert h.locations_all["deregistration_date"].notna().any()


def test_area_mask_accepts_the_extra_cqc_names_in_params(example):
    params, _ = example
    la = pd.Series(["York", "City of York", "Leeds"])
    assert list(area_mask(la, params)) == [True, False, False]
    with_alias = params.model_copy(update={"council": params.council.model_copy(update={"cqc_names": ("City of York",)})})
    assert list(area_mask(la, with_alias)) == [True, True, False]


def test_a_council_record_cell_too_long_for_a_spreadsheet_is_listed_under_data_quality(tmp_path):
    import shutil

    import yaml

    example = EXAMPLE_PARAMS.parent.parent.parent / "data" / "example"
    lines = (example / "commissioned_services_example.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "Spot " + "x" * 40_000  # contract_type: free text, far longer than a spreadsheet cell holds
    lines[1] = ",".join(cells)
    (tmp_path / "commissioned.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(example / "cqc_ratings_example.csv", tmp_path / "cqc.csv")
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump({
        "council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
        "inputs": {"cqc_ratings": "cqc.csv", "commissioned_services": "commissioned.csv"}}), encoding="utf-8")
    model = build_model(load_params(params_file))
    dq = model.data_quality
    rows = dq[(dq["file"] == "commissioned.csv") & dq["issue"].str.contains("characters")]
    assert len(rows) == 1
    assert int(rows["row"].iloc[0]) == 2 and "40,005 characters" in rows["issue"].iloc[0]
