"""`carequality counts`: the monthly counts file built from a ratings history, as the report counts it."""

from __future__ import annotations

import csv

from carequality.cli import main
from carequality.sources.area_counts import load_area_counts
from snapshot_files import rows_for, write_snapshots


def test_counts_from_monthly_files_for_one_council(tmp_path, capsys):
    snaps = write_snapshots(tmp_path / "snaps", {
        "01_January_2025_Latest_ratings.csv": rows_for("1-A", "Good", "15/06/2023")
        + rows_for("1-B", "Requires improvement", "01/03/2022"),
        "01_February_2025_Latest_ratings.csv": rows_for("1-A", "Good", "15/06/2023")
        + rows_for("1-B", "Good", "10/02/2025")
        + rows_for("1-C", "Not Rated", "", care_home=False),
    })
    out = tmp_path / "counts.csv"
    assert main(["counts", "--snapshots", str(snaps), "--from", "2024-12", "--to", "2025-02",
                 "--council", "York", "--out", str(out)]) == 0
    assert "rows" in capsys.readouterr().out
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    residential = {r["date"][:7]: r for r in rows if r["category"] == "Residential social care"}
    # December is before the first file: not covered, so absent rather than zero.
    assert sorted(residential) == ["2025-01", "2025-02"]
    counts = load_area_counts(out)
    jan = counts[(counts["month"] == "2025-01") & (counts["category"] == "Residential social care")].iloc[0]
    feb = counts[(counts["month"] == "2025-02") & (counts["category"] == "Residential social care")].iloc[0]
    assert (jan["good"], jan["requires_improvement"], jan["active"]) == (1, 1, 2)
    assert (feb["good"], feb["requires_improvement"], feb["active"]) == (2, 0, 2)
    assert set(counts["area_code"]) == {"E06000014"}  # one council's files cover that council only


def test_counts_need_a_history_and_a_known_council(tmp_path, capsys):
    assert main(["counts", "--from", "2025-01", "--to", "2025-02", "--out", str(tmp_path / "c.csv")]) == 2
    assert "give --snapshots, --api or both" in capsys.readouterr().err
    assert main(["counts", "--api", str(tmp_path), "--from", "2025-01", "--to", "2025-02", "--council", "Atlantis",
                 "--out", str(tmp_path / "c.csv")]) == 2
    assert "'Atlantis' is not one of the 153 councils" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()
