"""report.data (measures/data.py) and docs/recipes.md: every recipe runs, in order, on the example council, and its
answer agrees with the measures the report's sections use (issue 19: questions after the committee)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from carequality.measures.data import COMMISSIONED_COLUMNS, LOCATION_COLUMNS, change_between
from carequality.measures.qa import high_risk_at, overall_at
from carequality.model.history import ratings_at
from conftest import EXAMPLE_PARAMS, ROOT

RECIPES = ROOT / "docs" / "recipes.md"


def recipes() -> list[str]:
    return re.findall(r"```python\n(.*?)```", RECIPES.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def ran():
    """Every recipe run in order in one namespace, from the repository's root folder, as the page says."""
    import contextlib
    import io
    import os

    namespace: dict = {}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            for code in recipes():
                exec(compile(code, str(RECIPES), "exec"), namespace)
    finally:
        os.chdir(here)
    return namespace, printed.getvalue()


def test_the_page_has_its_recipes():
    assert len(recipes()) >= 6


def test_the_recipes_run_and_print_their_answers(ran):
    ns, printed = ran
    assert "2 declined; the council spends £" in printed
    assert "care home beds" in printed and "rated Good or Outstanding" in printed


def test_declined_is_the_rating_now_against_the_previous_period_end(ran):
    ns, _ = ran
    report, declined = ns["report"], ns["declined"]
    before = overall_at(ratings_at(report.model.history, report.params.period.previous.end))
    assert len(declined) == 2
    for r in declined.itertuples():
        assert r.rating_before == before[r.location_id]
        assert change_between(r.rating_before, r.overall_rating) == "Declined"
    assert ns["declined"]["annual_spend"].sum() == pytest.approx(196560.0 + 503880.0)


def test_beds_in_good_or_outstanding_homes_are_the_model_s(ran):
    ns, _ = ran
    loc = ns["report"].model.locations
    homes = loc[loc["care_home"]]
    assert ns["beds_good"] == int(homes.loc[homes["overall_rating"].astype(str).isin(["Good", "Outstanding"]), "beds"].sum())
    assert 0 < ns["beds_good"] < ns["beds_all"]


def test_high_risk_services_are_those_the_report_lists(ran):
    ns, _ = ran
    report = ns["report"]
    expected = high_risk_at(report.model.records.risk_by_case_opened, report.params.period.end, 3)
    assert sorted(ns["high"]["case_ref"]) == sorted(expected["case_ref"])


def test_the_frames_have_their_documented_columns_and_are_copies(ran):
    ns, _ = ran
    data, report = ns["data"], ns["report"]
    assert tuple(data.locations.columns) == LOCATION_COLUMNS
    assert tuple(data.commissioned.columns) == COMMISSIONED_COLUMNS
    page = RECIPES.read_text(encoding="utf-8")
    for frame, columns in (("locations", LOCATION_COLUMNS), ("commissioned", COMMISSIONED_COLUMNS)):
        row = next(line for line in page.splitlines() if line.startswith(f"| `{frame}` |"))
        assert all(f"`{c}`" in row for c in columns), frame
    data.locations.loc[0, "location_name"] = "changed"
    assert report.model.locations.loc[0, "location_name"] != "changed"
    assert report.data is data  # built once


@pytest.mark.parametrize("before, now, expected", [
    ("Good", "Requires improvement", "Declined"), ("Inadequate", "Good", "Improved"), ("Good", "Good", "Unchanged"),
    ("", "Good", "First rating"), (pd.NA, "Outstanding", "First rating"), ("Good", "Not Rated", ""),
])
def test_change_between(before, now, expected):
    assert change_between(before, now) == expected


def test_without_a_history_or_commissioned_file_the_frames_say_so(tmp_path):
    import shutil

    import yaml

    from carequality.report import open_report

    shutil.copy(ROOT / "data" / "example" / "cqc_ratings_example.csv", tmp_path / "cqc.csv")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({
        "council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
        "inputs": {"cqc_ratings": "cqc.csv"}}))
    data = open_report(tmp_path / "p.yaml").data
    assert data.commissioned.empty and tuple(data.commissioned.columns) == COMMISSIONED_COLUMNS
    assert data.rating_changes is None and data.risk_register is None
    assert data.locations["beds"].isna().all() and not data.locations["commissioned"].any()
    assert EXAMPLE_PARAMS.exists()
