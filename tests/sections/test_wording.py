"""Issue 19, item 9: three wording slips, each fixed where it was made: a verb agreeing with the count rather than
with its subject ("new placements was suspended at 1 of them"), a plural after 1 ("1 rows need attention"), and a
name written small by str.capitalize ("Monthly counts of cqc ratings for england"). The plain-English patterns of
tests/run/test_plain_english.py (GRAMMAR) catch each kind in every rendered report, the analysts' appendices too."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import carequality.report as report_module
from carequality import vocab
from carequality.measures import qa as mq
from carequality.measures.summary import HighRiskFigures, KeyFigures
from carequality.present.text import lower_first, upper_first
from carequality.report import open_report
from carequality.sections import qa, summary
from conftest import EXAMPLE_PARAMS


def test_upper_first_capitalises_the_first_letter_and_leaves_names_as_written():
    label = vocab.INPUT_LABELS["area_ratings_by_month"]
    assert upper_first(label) == "Monthly counts of CQC ratings for England, regions and councils"
    assert upper_first("") == "" and upper_first("CQC's data") == "CQC's data"


def test_lower_first_runs_a_caption_on_in_a_sentence_but_keeps_a_name_in_capitals():
    assert lower_first("Locations in York by rating") == "locations in York by rating"
    assert lower_first("CQC ratings in York") == "CQC ratings in York"
    assert lower_first("A list") == "a list" and lower_first("") == ""


@pytest.mark.parametrize(("suspended", "ending"), [
    (10, "run by 9 providers; new placements were suspended at all 10 services."),
    (3, "run by 9 providers; new placements were suspended at 3 of the 10 services."),
    (1, "run by 9 providers; new placements were suspended at 1 of the 10 services."),
    (0, "run by 9 providers; new placements were suspended at none of those services."),
])
def test_the_high_risk_key_message_says_suspensions_of_the_services_not_the_providers(suspended, ending):
    """Review r1 item 4: "run by 9 providers; new placements were suspended at 10 of them" read as 10 of 9."""
    k = KeyFigures("York", dt.date(2026, 3, 31), dt.date(2025, 3, 31),
                   high_risk=HighRiskFigures(level=3, in_area=7, out_of_area=3, providers=9, suspended=suspended))
    text = summary.high_risk_bullet(k).plain
    assert text.endswith(ending), text
    assert "10 services were at risk level 3" in text
    assert "of them" not in text


def test_one_high_risk_service_with_placements_suspended_is_said_there():
    k = KeyFigures("York", dt.date(2026, 3, 31), dt.date(2025, 3, 31),
                   high_risk=HighRiskFigures(level=3, in_area=1, out_of_area=None, providers=1, suspended=1))
    text = summary.high_risk_bullet(k).plain
    assert text.endswith("run by 1 provider; new placements were suspended there."), text
    assert "1 service was at risk level 3" in text


@pytest.fixture(scope="module")
def opened():
    return open_report(EXAMPLE_PARAMS)


def test_one_suspension_in_qa_activity_agrees_with_new_placements(opened, monkeypatch):
    real = mq.visit_summary

    def one_suspension(model, params, ctx):
        v = real(model, params, ctx)
        return dataclasses.replace(v, suspensions={"total": 1, "in_area": 1, "out_of_area": 0, "unknown": 0})

    monkeypatch.setattr(mq, "visit_summary", one_suspension)
    text = " ".join(qa.qa_activity(opened.model, opened.params).sentences)
    assert "new placements were suspended at 1 service, in York." in text, text
    assert "placements was" not in text


def test_one_data_quality_row_is_one_row(opened, monkeypatch):
    shown: list[dict] = []
    monkeypatch.setattr(report_module, "display", lambda data, metadata=None, raw=False: shown.append(data))
    dq = opened.model.data_quality
    assert len(dq) > 1
    model = dataclasses.replace(opened.model, data_quality=dq.head(1))
    report_module.Report(params=opened.params, model=model).data_quality()
    text = " ".join(d.get("text/plain", "") for d in shown)
    assert "1 row needs attention; it is listed below and left out of the counts it affects." in text, text


@pytest.mark.parametrize(("kinds", "ending"), [
    ((0, 0, 2, 0), "in the period: both were unchanged."),
    ((0, 0, 0, 3), "in the period: all 3 were first ratings."),
    ((1, 0, 0, 0), "in the period: it improved."),
    ((2, 3, 5, 2), "in the period: 2 improved, 3 declined, 5 unchanged and 2 were first ratings."),
])
def test_the_changes_key_message_says_every_kind_of_new_rating(kinds, ending):
    """Review r1 item 18: the reader is not left to subtract (Oldham: '2 new overall ratings … no improvements and no
    declines')."""
    import pandas as pd

    from carequality.measures.summary import Changes

    up, down, same, first = kinds
    names = pd.DataFrame({"location_name": [], "from_rating": [], "to_rating": []})
    k = KeyFigures("Oldham", dt.date(2025, 3, 31), dt.date(2024, 3, 31), period_start=dt.date(2024, 4, 1),
                   changes=Changes(sum(kinds), names.reindex(range(up)),
                                   names.reindex(range(down)), same, first))
    text = summary.changes_bullet(k, publication=True).plain
    assert text.endswith(ending), text
