"""The audit file (sources/audits.py): the templates, the example, the council's own scale and domains, notes kept
out, and every way a file can be wrong named by file, row and column."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from carequality.errors import InputError
from carequality.examples.audits import FILE, NOTE_MARKER, example_audits, write_example_audits
from carequality.sources import audits as a
from conftest import ROOT

TEMPLATES = ROOT / "templates" / "inputs"
EXAMPLE = ROOT / "data" / "example"
OWN_SCALE = ("Outstanding", "Good", "Adequate", "Weak", "Unacceptable")
OWN_DOMAINS = ("Safe care", "Dignity", "Management")
OWN = a.audit_format(OWN_SCALE, OWN_DOMAINS)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _own_file(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    header = header or ["location_id", "audit_date", "auditor", "overall_rating", "status", *OWN_DOMAINS, "notes"]
    return _write(tmp_path / "own_audits.csv", header, rows)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_blank_template_has_pammss_columns_and_loads_empty(suffix):
    frame = a.load_audits(TEMPLATES / f"audits.{suffix}")
    assert frame.empty
    assert list(frame.columns) == [*a.FIXED_COLUMNS, *a.PAMMS_DOMAINS, "row"]  # notes read, then dropped


def test_the_example_is_what_the_generator_writes_and_its_notes_never_leave_the_loader(tmp_path):
    p = write_example_audits(tmp_path)
    assert hashlib.sha256(p.read_bytes()).digest() == hashlib.sha256((EXAMPLE / FILE).read_bytes()).digest()
    rows = example_audits()
    assert sum(NOTE_MARKER in str(r["notes"]) for r in rows) > 10
    frame = a.load_audits(EXAMPLE / FILE)
    assert len(frame) == len(rows) and "notes" not in frame.columns
    assert not frame.astype(str).apply(lambda c: c.str.contains(NOTE_MARKER)).any().any()


def test_a_councils_own_scale_and_domains_load(tmp_path):
    path = _own_file(
        tmp_path,
        [
            ["1-100000001", "2025-06-01", "Team A", "adequate", "final", "Weak", "", "Good", "see file"],
            ["1-100000002", "2025-07-01", "Team B", "Outstanding", "Draft", "Outstanding", "Good", "Good", ""],
        ],
    )
    frame = a.load_audits(path, None, OWN)
    assert frame["overall_rating"].tolist() == ["Adequate", "Outstanding"]  # spelt as the scale spells it
    assert frame["status"].tolist() == ["final", "draft"]
    assert frame["Dignity"].tolist() == ["", "Good"]
    assert a.domain_columns(OWN) == list(OWN_DOMAINS)


def _refused(path: Path, fmt=OWN) -> InputError:
    with pytest.raises(InputError) as e:
        a.load_audits(path, None, fmt)
    return e.value


def test_an_unknown_grade_is_refused_naming_file_row_and_column(tmp_path):
    path = _own_file(
        tmp_path,
        [
            ["1-100000001", "2025-06-01", "Team A", "Good", "final", "Good", "Good", "Good", ""],
            ["1-100000002", "2025-07-01", "Team A", "Good", "final", "Good", "Requires Improvement", "Good", ""],
        ],
    )
    e = _refused(path)
    assert "own_audits.csv, row 3, column 'Dignity'" in str(e)
    assert "'Requires Improvement' is not a known value; expected one of: Outstanding, Good, Adequate" in str(e)


def test_a_pamms_grade_in_a_pamms_file_is_refused_in_a_domain_it_does_not_use(tmp_path):
    header = ["location_id", "audit_date", "auditor", "overall_rating", "status", *a.PAMMS_DOMAINS]
    path = _write(tmp_path / "audits.csv", header, [["1-100000001", "2025-06-01", "T", "Adequate", "final", *["Good"] * 6]])
    e = _refused(path, a.AUDITS)
    assert "row 2, column 'overall_rating'" in str(e) and "expected one of: Excellent, Good" in str(e)


def test_a_missing_domain_column_and_a_bad_status_are_refused(tmp_path):
    header = ["location_id", "audit_date", "auditor", "overall_rating", "status", "Safe care", "Dignity"]
    e = _refused(_own_file(tmp_path, [["1-100000001", "2025-06-01", "T", "Good", "final", "Good", "Good"]], header))
    assert "missing column(s) 'Management'" in str(e)
    e = _refused(_own_file(tmp_path, [["1-100000001", "2025-06-01", "T", "Good", "agreed", "Good", "Good", "Good", ""]]))
    assert "row 2, column 'status'" in str(e) and "expected one of: draft, final" in str(e)


def test_two_audits_of_one_service_on_one_day_are_refused(tmp_path):
    row = ["1-100000001", "2025-06-01", "T", "Good", "final", "Good", "Good", "Good", ""]
    e = _refused(_own_file(tmp_path, [row, row]))
    assert "row 3, column 'location_id'" in str(e) and "same location and audit date as row 2" in str(e)


def test_a_bad_date_and_a_bad_location_id_are_refused(tmp_path):
    e = _refused(_own_file(tmp_path, [["1-100000001", "31/02/2025", "T", "Good", "final", "Good", "Good", "Good", ""]]))
    assert "row 2, column 'audit_date'" in str(e)
    e = _refused(_own_file(tmp_path, [["RXX01", "2025-02-01", "T", "Good", "final", "Good", "Good", "Good", ""]]))
    assert "row 2, column 'location_id'" in str(e) and "is not a CQC location id" in str(e)
