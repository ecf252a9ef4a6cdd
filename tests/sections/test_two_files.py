"""Two monthly files (issue 22): CQC's care directory from the start and the end of the period give rating changes,
services that joined or left the register and changes of provider. The end file is real Lincolnshire rows (June
2026, MM/DD/YYYY dates); the start file is made from them in the same shape, with each difference chosen here, so
the expected counts are made by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from carequality.model.build import build_model
from carequality.params import load_params
from carequality.sections import changes
from conftest import LINCOLNSHIRE_CSV

IMPROVED, DECLINED, FIRST = "1-11477276791", "1-118334608", "1-11686477656"  # rated in the period (real)
OLD = "1-105247794"  # rated Good in August 2019, the same in both files (real)
CLOSED, OLD_PROVIDER, NEW_PROVIDER = "1-999000001", "1-999000002", "1-999000003"


def rows_of(rows: list[dict], loc: str, **change: str) -> list[dict]:
    return [r | change for r in rows if r["Location ID"] == loc]


def write(path: Path, header: list[str], rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def two_files(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("two")
    with open(LINCOLNSHIRE_CSV, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, real = list(reader.fieldnames or []), list(reader)
    old = rows_of(real, OLD)
    end = (
        rows_of(real, IMPROVED) + rows_of(real, DECLINED) + rows_of(real, FIRST) + old
        # A new provider took a service over: a new location id at the same postcode, its rating inherited.
        + rows_of(real, OLD, **{"Location ID": NEW_PROVIDER, "Location Name": "Fen View", "Location Post Code":
                                "PE1 1AA", "Inherited Rating (Y/N)": "Y", "Provider ID": "1-888000002"})
    )
    start = (
        rows_of(real, IMPROVED, **{"Latest Rating": "Requires improvement", "Publication Date": "03/15/2023"})
        + rows_of(real, DECLINED, **{"Latest Rating": "Good", "Publication Date": "02/10/2022"})
        + old
        + rows_of(real, OLD, **{"Location ID": CLOSED, "Location Name": "Closed Home", "Location Post Code": "LN9 9ZZ"})
        + rows_of(real, OLD, **{"Location ID": OLD_PROVIDER, "Location Name": "Fen View", "Location Post Code":
                                "PE1 1AA", "Provider ID": "1-888000001"})
    )
    write(folder / "start.csv", header, start)
    write(folder / "end.csv", header, end)
    params = {"council": {"code": "E10000019", "name": "Lincolnshire"},
              "period": {"start": "2025-06-01", "end": "2026-05-31"},
              "inputs": {"cqc_ratings": "end.csv", "cqc_ratings_start": "start.csv"}}
    (folder / "p.yaml").write_text(yaml.safe_dump(params))
    p = load_params(folder / "p.yaml")
    return build_model(p), p


def test_two_files_give_the_history_sections(two_files):
    _, params = two_files
    assert {"rating_changes", "registrations_in_period", "deregistrations_in_period",
            "provider_changes_in_period"} <= set(params.sections)
    assert "latest_ratings_in_period" not in params.sections  # the fuller sections replace the one-file one


def test_rating_changes_equal_a_count_by_hand(two_files):
    s = changes.rating_changes(*two_files)
    got = s.table("rating_changes").frame.set_index("CQC location ID")["Change"].to_dict()
    assert got == {IMPROVED: "Improved", DECLINED: "Declined", FIRST: "First rating"}
    assert "A location inspected twice in the period shows once" in s.paragraphs[-1]


def test_joiners_leavers_and_changes_of_provider_equal_a_count_by_hand(two_files):
    joined = changes.registrations_in_period(*two_files).table("registrations_in_period_list").frame
    left = changes.deregistrations_in_period(*two_files).table("deregistrations_in_period_list").frame
    taken = changes.provider_changes_in_period(*two_files).table("provider_changes_in_period").frame
    assert list(joined["CQC location ID"]) == [FIRST]  # new in the end file; Fen View is a change of provider
    assert list(left["CQC location ID"]) == [CLOSED]  # gone from the end file; the old Fen View too, but taken over
    assert list(zip(taken["CQC location ID"], taken["Previous CQC location ID"])) == [(NEW_PROVIDER, OLD_PROVIDER)]
