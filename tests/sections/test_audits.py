"""The audit, visit-schedule and spend sections on small models built in the test: blank files, publication mode,
and a schedule whose every row is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import qa_frames as qf
from carequality.facts import unmark
from carequality.sections import audits as sa
from carequality.sections import spend as ss
from carequality.sources import audits as a
from carequality.sources import council_records as cr
from carequality.sources.council_records import CouncilRecords
from conftest import ROOT

SECTIONS = (sa.audit_results, sa.audit_gaps, sa.audit_vs_cqc, sa.audit_disagreements, sa.visit_schedule,
            sa.visit_schedule_list, ss.spend_by_service_type)


def _audits(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"location_id": i, "audit_date": pd.Timestamp(d), "auditor": "T", "overall_rating": g, "status": s,
          **dict.fromkeys(a.PAMMS_DOMAINS, g), "row": k + 2} for k, (i, d, g, s) in enumerate(rows)],
        columns=[*a.FIXED_COLUMNS, *a.PAMMS_DOMAINS, "row"],
    )
    frame["audit_date"] = frame["audit_date"].astype("datetime64[ns]")
    return frame


def test_every_section_runs_on_the_blank_templates_and_says_so():
    t = ROOT / "templates" / "inputs"
    records = CouncilRecords(
        commissioned_by_location=cr.load_commissioned_services(t / "commissioned_services.csv"),
        audits_by_location_date=a.load_audits(t / "audits.xlsx"),
    )
    m = qf.model([qf.location("1-1", "York")], "York", records=records)
    for mode in ("working", "publication"):
        p = qf.params(mode=mode)
        for fn in SECTIONS:
            s = fn(m, p)
            assert s.id == fn.__name__ and s.paragraphs, fn.__name__
    text = " ".join(unmark(x) for x in sa.audit_results(m, qf.params()).paragraphs)
    assert text.startswith("The quality assurance team completed 0 audits of 0 services in the period, against 0")
    assert "Every service the council commissions had an audit" in text
    assert "The council's record of commissioned services gives no spend" in " ".join(
        ss.spend_by_service_type(m, qf.params()).paragraphs)


@pytest.fixture
def small():
    locs = [qf.location("1-1", "York", "Good", published="2025-01-10"),
            qf.location("1-2", "York", "Inadequate", published="2025-06-01"),
            qf.location("1-3", "York", "Outstanding", published="2023-12-01"),
            qf.location("1-4", "Leeds", "Requires improvement", published="2025-09-01")]
    records = CouncilRecords(
        commissioned_by_location=qf.commissioned([("1-1", "Home care", 10), ("1-2", "Care home", 4),
                                                  ("1-3", "Care home", 6), ("1-4", "Care home", 2)]),
        audits_by_location_date=_audits([("1-1", "2025-10-01", "Poor", "final"), ("1-2", "2025-08-01", "Good", "final"),
                                         ("1-3", "2024-11-01", "Excellent", "final"),
                                         ("1-4", "2025-12-01", "Good", "draft")]),
        visits_by_location_date=qf.visits([("1-3", "2025-02-01", "announced", "Satisfactory")]),
    )
    return qf.model(locs, "York", records=records), qf.params()


def test_the_schedule_is_worked_out_rule_by_rule(small):
    m, p = small
    rows = {r["CQC location ID"]: r for r in sa.visit_schedule_list(m, p).tables[0].frame.to_dict("records")}
    # 1-1: CQC Good but audited Poor (Inadequate): 3 months after the audit.
    assert rows["1-1"]["Next visit due"] == pd.Timestamp("2026-01-01") and rows["1-1"]["Overdue"] == "Overdue"
    # 1-2: CQC Inadequate, audit Good: the lower, 3 months after the later of the inspection and the audit.
    assert rows["1-2"]["Next visit due"] == pd.Timestamp("2025-11-01")
    # 1-3: Outstanding both ways: 24 months after the last of the 2023 inspection, the audit and the visit.
    assert rows["1-3"]["Next visit due"] == pd.Timestamp("2027-02-01") and rows["1-3"]["Overdue"] == ""
    assert rows["1-3"]["Why"] == "Rated Outstanding: within 24 months"
    # 1-4: only a draft audit: the CQC rating (Requires improvement, 6 months) after its inspection.
    assert rows["1-4"]["Next visit due"] == pd.Timestamp("2026-03-01") and rows["1-4"]["Last audit"] is pd.NaT
    counts = sa.visit_schedule(m, p).tables[0].frame.set_index("When the next visit is due")["Services"]
    assert counts["Overdue"] == 3 and counts["Total"] == 4


def test_the_comparison_lists_both_views_and_a_publication_names_no_service(small):
    m, p = small
    s = sa.audit_vs_cqc(m, p)
    cross = s.tables[0].frame.set_index("Audit rating")
    assert cross.loc["Poor", "Good"] == 1 and cross.loc["Good", "Inadequate"] == 1 and cross.loc["Total", "Total"] == 3
    listed = sa.audit_disagreements(m, p).tables[0].frame
    assert listed["CQC location ID"].tolist() == ["1-1", "1-2"]  # three steps apart each; 1-3 agrees
    assert listed["Better view"].tolist() == ["CQC", "Council's audit"]
    assert "2 services where CQC's is" not in unmark(s.paragraphs[0]) and "1 service where CQC's is" in unmark(
        s.paragraphs[0])
