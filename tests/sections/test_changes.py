"""The history sections: tables and sentences from small histories built here; params; Oldham counted independently
from the raw JSON; and one end-to-end render of the Oldham params (slow)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from carequality import vocab
from carequality.errors import ParamsError
from carequality.sources.frames import History, normalise_locations, normalise_outcomes
from carequality.model.build import Model, build_model
from carequality.params import load_params, parse_params
from carequality.registry import SECTION_NAMES
from carequality.sections import changes
from conftest import OLDHAM_API, ROOT, assert_one_headline

OLDHAM_PARAMS = ROOT / "params" / "oldham" / "2024-25.yaml"
HISTORY_SECTIONS = ("inspections_in_period", "rating_changes", "registrations_in_period",
                    "deregistrations_in_period", "not_inspected_since", "key_question_ratings_at_dates")


# ---- params -------------------------------------------------------------------------------------------

def params_data(**inputs) -> dict:
    return {"council": {"code": "E06000014", "name": "York"}, "period": {"start": "2025-04-01", "end": "2026-03-31"},
            "inputs": inputs}


def make_params(tmp_path: Path, *, options: dict | None = None, sections=None):
    (tmp_path / "api").mkdir(exist_ok=True)
    data = params_data(cqc_api="api") | ({"options": options} if options else {})
    if sections is not None:
        data["sections"] = sections
    return parse_params(data, source="test.yaml", base_dir=tmp_path)


def test_history_sections_are_registered_and_chosen_by_their_inputs(tmp_path):
    assert set(HISTORY_SECTIONS) <= set(SECTION_NAMES)
    p = make_params(tmp_path)
    assert set(HISTORY_SECTIONS) <= set(p.sections)
    assert "market_overview" in p.sections  # latest ratings come from the API without a ratings file
    (tmp_path / "r.csv").write_text("x")
    only_ratings = parse_params(params_data(cqc_ratings="r.csv"), source="t", base_dir=tmp_path)
    assert not set(HISTORY_SECTIONS) & set(only_ratings.sections)


def test_a_history_section_without_history_input_is_named(tmp_path):
    (tmp_path / "r.csv").write_text("x")
    data = params_data(cqc_ratings="r.csv") | {"sections": ["rating_changes"]}
    with pytest.raises(ParamsError) as e:
        parse_params(data, source="t", base_dir=tmp_path)
    assert "section 'rating_changes' needs inputs.cqc_api or inputs.cqc_snapshots" in str(e.value)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ParamsError, match="inputs.cqc_snapshots: folder not found"):
        parse_params(params_data(cqc_snapshots="nowhere"), source="t", base_dir=tmp_path)


def test_history_date_defaults(tmp_path):
    p = make_params(tmp_path)
    assert p.not_inspected_before == dt.date(2022, 4, 1)
    assert p.compare_ratings_dates == (dt.date(2025, 3, 31), dt.date(2026, 3, 31))
    p = make_params(tmp_path, options={"not_inspected_before": "2020-01-01", "compare_ratings_from": "2024-01-01"})
    assert p.not_inspected_before == dt.date(2020, 1, 1)
    assert p.compare_ratings_dates == (dt.date(2024, 1, 1), dt.date(2026, 3, 31))


def test_history_dates_are_checked(tmp_path):
    with pytest.raises(ParamsError) as e:
        make_params(tmp_path, options={"compare_ratings_from": "2026-06-01", "not_inspected_before": "2027-01-01"})
    msg = str(e.value)
    assert "options.compare_ratings_from 2026-06-01 is not before options.compare_ratings_to 2026-03-31" in msg
    assert "options.not_inspected_before 2027-01-01 is after the period end 2026-03-31" in msg


# ---- sections on a small history -----------------------------------------------------------------------

def outcome(loc, date, rating, kqs=vocab.DOMAINS):
    return [{"location_id": loc, "report_date": date, "key_question": q, "rating": rating, "source": "api"} for q in kqs]


def loc(i, category=vocab.RESIDENTIAL, registered="2015-01-01", deregistered=None, la="York"):
    return {"location_id": i, "location_name": f"Service {i}", "category": category, "care_home": category == vocab.RESIDENTIAL,
            "registration_date": registered, "deregistration_date": deregistered,
            "registration_status": "Deregistered" if deregistered else "Registered", "local_authority": la,
            "service_types": "Nursing homes" if category == vocab.RESIDENTIAL else "Homecare agencies",
            "location_type": "Social Care Org"}


def model_with(history: History) -> Model:
    empty = pd.DataFrame()
    return Model(council_names=("York",), locations=empty, ratings_by_location_key_question=empty,
                 service_groups_by_location=empty, data_quality=empty, excluded_by_location_type=empty, inputs=[],
                 as_of=None, history=history)


@pytest.fixture
def small(tmp_path):
    rows = (
        # Two inspections in the period (one declines Good → RI), seven in the previous one.
        outcome("A", "2020-01-01", "Good") + outcome("A", "2025-06-01", "Requires improvement")
        + outcome("B", "2025-09-01", "Good")
        + [r for i in range(7) for r in outcome(f"P{i}", f"2024-{i + 4:02d}-15", "Good")]
        + outcome("X", "2025-07-01", "Inadequate")  # another council's location: left out
    )
    locs = [loc("A"), loc("B", vocab.COMMUNITY, registered="2025-05-01"), loc("X", la="Leeds"),
            loc("N", vocab.COMMUNITY, registered="2025-10-01"), loc("G", deregistered="2026-01-31")]
    locs += [loc(f"P{i}", registered="2014-01-01") for i in range(7)]
    h = History(normalise_outcomes(pd.DataFrame(rows)), normalise_locations(pd.DataFrame(locs)))
    return model_with(h), make_params(tmp_path)


def test_inspections_section(small):
    s = changes.inspections_in_period(*small)
    assert s.sentences[0] == ("CQC published 2 inspection reports on 2 adult social care locations in York between "
                               "1 April 2025 and 31 March 2026, down from 7 in the previous period.")
    assert s.sentences[1] == "Of these, 1 gave an overall rating of Good or Outstanding and 1 Requires improvement or Inadequate."
    t = s.table("inspections_in_period").frame.set_index("Category")
    assert t.loc["Total", "Total"] == 2 and t.loc["Total", "Previous period"] == 7
    assert t.loc["Care homes", "Requires improvement"] == 1 and t.loc["Community-based services", "Good"] == 1
    assert s.table("inspections_in_previous_period").frame.set_index("Category").loc["Care homes", "Good"] == 7
    assert list(s.table("inspections_in_period_list").frame["CQC location ID"]) == ["A", "B"]


def test_previous_period_phrase():
    from carequality.present.text import previous_period_phrase

    assert previous_period_phrase(2, 7) == "down from 7 in the previous period"
    assert previous_period_phrase(8, 1) == "up from 1 in the previous period"
    assert previous_period_phrase(3, 3) == "the same number as in the previous period"


def test_rating_changes_section(small):
    s = changes.rating_changes(*small)
    assert s.sentences[0] == (
        "CQC published 2 overall ratings for adult social care locations in York between 1 April 2025 and "
        "31 March 2026: none improved on the location's previous rating, 1 declined, none stayed the same and "
        "1 was a first rating.")
    assert s.sentences[1] == "Declined: Service A (care home) from Good to Requires improvement on 1 June 2025."
    summary = s.table("rating_changes_summary").frame.set_index("Change")
    assert summary.loc["Declined", "Care homes"] == 1 and summary.loc["First rating", "Community-based services"] == 1
    assert summary.loc["Total", "Total"] == 2


def test_registration_sections(small):
    s = changes.registrations_in_period(*small)
    assert s.sentences[0] == ("2 new adult social care services opened in York between 1 April 2025 and "
                               "31 March 2026 (both community-based services), up from none in the previous period.")
    assert list(s.table("registrations_in_period_list").frame["CQC location ID"]) == ["B", "N"]
    d = changes.deregistrations_in_period(*small)
    assert d.sentences[0].startswith("1 adult social care service in York closed between")
    assert "(1 care home), up from none in the previous period" in d.sentences[0]
    assert d.table("deregistrations_in_period").frame.iloc[-1].to_dict() == {
        "Category": "Total", "Service type": "", "This period": 1, "Previous period": 0}


def test_not_inspected_section(small):
    s = changes.not_inspected_since(*small)
    # Active on 31 March 2026: A, B, N and P0–P6; before 1 April 2022 none was last inspected; N never was.
    assert s.sentences[0] == ("On 31 March 2026, none of the 10 active adult social care locations in York had last "
                               "been inspected before 1 April 2022; 1 had never been inspected.")
    assert list(s.table("not_inspected_since").frame["CQC location ID"]) == ["N"]


def test_key_question_ratings_at_dates_section(small):
    s = changes.key_question_ratings_at_dates(*small)
    counts = s.table("key_question_ratings_at_dates_counts").frame.set_index("Rating")
    assert counts.loc["Requires improvement", "Ratings, 31 Mar 2025"] == 0
    assert counts.loc["Requires improvement", "Ratings, 31 Mar 2026"] == 5
    assert counts.loc["Requires improvement", "Locations, 31 Mar 2026"] == 1
    assert ("On 31 March 2025, no location had a Requires improvement rating in any of the five key questions; "
            "on 31 March 2026, 1 location had 5.") in s.sentences
    wide = s.table("key_question_ratings_at_dates").frame.set_index("CQC location ID")
    assert wide.loc["A", "Safe, 31 Mar 2025"] == "Good" and wide.loc["A", "Safe, 31 Mar 2026"] == "Requires improvement"
    assert wide.loc["N", "Safe, 31 Mar 2026"] == ""


def test_sections_escape_and_neutralise_names(small):
    model, params = small
    model.history.locations_all.loc[model.history.locations_all["location_id"] == "A", "location_name"] = "=HYPERLINK(\"x\")<b>"
    t = changes.rating_changes(model, params).table("rating_changes")
    assert "&lt;b&gt;" in t.to_html() and "<b>" not in t.to_html()
    assert "'=HYPERLINK" in t.to_csv()


# ---- Oldham, counted independently from the raw JSON -----------------------------------------------

def oldham_social_care() -> list[dict]:
    raw = [json.loads(f.read_text()) for f in sorted((OLDHAM_API / "location_details").glob("*.json"))]
    return [d for d in raw if d["type"] == "Social Care Org" and d["localAuthority"] == "Oldham"]


def independent_inspections(start: dt.date, end: dt.date) -> Counter:
    """(Care homes | Community based, overall rating) → number of reports published from start to end.

    A report is a distinct publication date with a rating, from currentRatings, historicRatings and Single
    Assessment Framework blocks, not dated before the location registered (those are a predecessor's). Its
    rating is the overall rating of that date, or, for a report that rated only key questions, the latest
    earlier overall rating other than 'Inspected but not rated'."""
    counts: Counter = Counter()
    for d in oldham_social_care():
        overall_on: dict[str, str | None] = {}
        current = (d.get("currentRatings") or {}).get("overall") or {}
        if current.get("reportDate"):
            overall_on[current["reportDate"]] = current.get("rating")
        for k in current.get("keyQuestionRatings", []):
            if k.get("reportDate"):
                overall_on.setdefault(k["reportDate"], None)
        for h in d.get("historicRatings") or []:
            o = h.get("overall") or {}
            if o.get("rating") or o.get("keyQuestionRatings"):
                if o.get("rating") or h["reportDate"] not in overall_on:
                    overall_on[h["reportDate"]] = o.get("rating") or overall_on.get(h["reportDate"])
        for a in d.get("assessment") or []:
            groups = a["ratings"]["asgRatings"]
            if len(groups) == 1 and groups[0].get("rating"):
                overall_on[a["assessmentPlanPublishedDateTime"][:10]] = groups[0]["rating"]
        for date in sorted(overall_on):
            if not (start.isoformat() <= date <= end.isoformat()) or date < d["registrationDate"]:
                continue
            rating = overall_on[date]
            if rating is None:
                earlier = [overall_on[x] for x in sorted(overall_on) if x < date
                           and overall_on[x] not in (None, "Inspected but not rated")]
                rating = earlier[-1] if earlier else "No published rating"
            counts[("Care homes" if d["careHome"] == "Y" else "Community-based services", rating)] += 1
    return counts


def continues_another(d: dict) -> bool:
    """A registration that continues an earlier one: CQC links it to a predecessor, or its ratings are another
    location's (organisationId) or dated before it registered."""
    if any(r.get("type") == "HSCA Predecessor" for r in d.get("relationships") or []):
        return True
    ratings = [*(d.get("historicRatings") or []), *(((d.get("currentRatings") or {}).get("overall") or {})
                                                    .get("keyQuestionRatings") or [])]
    return any(r.get("organisationId") not in (None, d["locationId"]) or
               (r.get("reportDate") and r["reportDate"] < d["registrationDate"]) for r in ratings)


def continued_by_another(d: dict, everyone: list[dict]) -> bool:
    """A closure of a service that goes on: CQC links it to a successor, or another location names it as its
    predecessor."""
    if any(r.get("type") == "HSCA Successor" for r in d.get("relationships") or []):
        return True
    return any(r.get("type") == "HSCA Predecessor" and r.get("relatedLocationId") == d["locationId"]
               for e in everyone for r in e.get("relationships") or [])


def independent_register(field: str, start: dt.date, end: dt.date) -> Counter:
    """New services (registrationDate) or closures (deregistrationDate) from start to end, changes of provider and
    moves left out."""
    everyone = oldham_social_care()
    skip = continues_another if field == "registrationDate" else (lambda d: continued_by_another(d, everyone))
    return Counter("Care homes" if d["careHome"] == "Y" else "Community-based services" for d in everyone
                   if d.get(field) and start.isoformat() <= d[field] <= end.isoformat() and not skip(d))


def independent_provider_changes(start: dt.date, end: dt.date) -> set[str]:
    return {d["locationId"] for d in oldham_social_care()
            if start.isoformat() <= d.get("registrationDate", "") <= end.isoformat() and continues_another(d)}


def check_inspections(rows: list[dict], now: Counter, before: Counter) -> None:
    got = {r["Category"]: r for r in rows}
    for cat in ("Care homes", "Community-based services"):
        for rating in vocab.GRADED:
            assert int(got[cat][rating]) == now[(cat, rating)], (cat, rating)
        assert int(got[cat]["Total"]) == sum(n for (c, _), n in now.items() if c == cat)
        assert int(got[cat]["Previous period"]) == sum(n for (c, _), n in before.items() if c == cat)
    assert int(got["Total"]["Total"]) == sum(now.values())
    assert int(got["Total"]["Previous period"]) == sum(before.values())


def check_register(rows: list[dict], now: Counter, before: Counter) -> None:
    total = rows[-1]
    assert total["Category"] == "Total"
    assert int(total["This period"]) == sum(now.values()) and int(total["Previous period"]) == sum(before.values())
    for cat in ("Care homes", "Community-based services"):
        assert sum(int(r["This period"]) for r in rows if r["Category"] == cat) == now[cat]
        assert sum(int(r["Previous period"]) for r in rows if r["Category"] == cat) == before[cat]


def table_rows(section, table_id: str) -> list[dict]:
    """A section's table as the CSV the renderer writes, read back."""
    return list(csv.DictReader(section.table(table_id).to_csv().splitlines()))


@pytest.fixture(scope="module")
def oldham(shared_data):
    params = load_params(OLDHAM_PARAMS)
    return build_model(params), params


def test_oldham_sections_equal_independent_counts(oldham):
    model, params = oldham
    p, q = params.period, params.period.previous
    now, before = independent_inspections(p.start, p.end), independent_inspections(q.start, q.end)
    assert sum(before.values()) > 5  # the test means something
    check_inspections(table_rows(changes.inspections_in_period(model, params), "inspections_in_period"), now, before)
    for field, fn in (("registrationDate", changes.registrations_in_period),
                      ("deregistrationDate", changes.deregistrations_in_period)):
        now_r, before_r = independent_register(field, p.start, p.end), independent_register(field, q.start, q.end)
        assert sum(now_r.values()) > 0
        check_register(table_rows(fn(model, params), fn.__name__), now_r, before_r)
    for start, end in ((p.start, p.end), (q.start, q.end)):
        got = changes.provider_changes_in_period(model, params.model_copy(update={
            "period": params.period.model_copy(update={"start": start, "end": end})}))
        assert set(got.table("provider_changes_in_period").frame["CQC location ID"]) == \
            independent_provider_changes(start, end)


def test_oldham_renders_without_a_ratings_file(oldham):
    model, params = oldham
    assert params.inputs.cqc_ratings is None
    assert len(model.locations) == 106 and model.history is not None
    assert [i.name for i in model.inputs] == ["cqc_api"]


@pytest.mark.slow
def test_oldham_render_end_to_end_equals_independent_counts(shared_data, tmp_path):
    from carequality.run.render import render

    result = render(OLDHAM_PARAMS, tmp_path)
    params = load_params(OLDHAM_PARAMS)
    p, q = params.period, params.period.previous

    def read(name: str) -> list[dict]:
        with open(result.out_dir / "tables" / f"{name}.csv", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    check_inspections(read("inspections_in_period"), independent_inspections(p.start, p.end),
                      independent_inspections(q.start, q.end))
    check_register(read("registrations_in_period"), independent_register("registrationDate", p.start, p.end),
                   independent_register("registrationDate", q.start, q.end))
    check_register(read("deregistrations_in_period"), independent_register("deregistrationDate", p.start, p.end),
                   independent_register("deregistrationDate", q.start, q.end))
    manifest = json.loads(result.manifest.read_text())
    assert manifest["inputs"]["cqc_api"]["file"] == "../../../shared/data/cqc/api/oldham_2025-03"
    assert len(manifest["inputs"]["cqc_api"]["sha256"]) == 64
    html = result.html.read_text()
    for s in HISTORY_SECTIONS:
        assert f'id="section-{s}"' in html
    # One headline everywhere (issue 19): 63 of the 74 rated, not of the 106 (32 have no published rating).
    assert_one_headline(result, 63, 74, 85.1)


def test_monthly_files_alone_give_the_model_and_the_sections(tmp_path):
    from snapshot_files import rows_for, write_snapshots

    write_snapshots(tmp_path / "monthly", {
        "01_March_2025.csv": rows_for("1-A", "Good", "15/06/2023") + rows_for("1-B", "Requires improvement", "01/03/2022"),
        "01_March_2026.csv": rows_for("1-A", "Good", "15/06/2023") + rows_for("1-B", "Good", "10/02/2026")
        + rows_for("1-C", "Not Rated", "", care_home=False),
    })
    params = parse_params(params_data(cqc_snapshots="monthly"), source="t", base_dir=tmp_path)
    model = build_model(params)
    assert sorted(model.locations["location_id"]) == ["1-A", "1-B", "1-C"]
    assert [i.name for i in model.inputs] == ["cqc_snapshots"]
    s = changes.inspections_in_period(model, params)
    assert s.sentences[0].startswith("CQC published 1 inspection report on 1 adult social care location in York")
    r = changes.registrations_in_period(model, params)
    assert list(r.table("registrations_in_period_list").frame["CQC location ID"]) == ["1-C"]
    assert any("first file that lists" in n for n in r.table("registrations_in_period").footnotes)


# ---- changes of provider, coverage and the as-of date ------------------------------------------------------------

@pytest.fixture
def taken_over(tmp_path):
    """York's Larch Lodge shape: a new provider's registration linked to the old one's (as CQC's API links them)."""
    rows = outcome("OLD", "2022-01-01", "Good") + [r | {"inherited": True} for r in outcome("NEW", "2022-01-01", "Good")]
    locs = [loc("OLD", deregistered="2025-06-29") | {"successor_id": "NEW", "successor_reason": "New Provider",
                                                    "postcode": "YO1 1AA"},
            loc("NEW", registered="2025-06-29") | {"predecessor_id": "OLD", "predecessor_reason": "New Provider",
                                                  "postcode": "YO1 1AA"},
            loc("OPEN", vocab.COMMUNITY, registered="2025-09-01")]
    h = History(normalise_outcomes(pd.DataFrame(rows)), normalise_locations(pd.DataFrame(locs)))
    return model_with(h), make_params(tmp_path)


def test_a_change_of_provider_has_its_own_section_and_is_not_a_new_service_or_closure(taken_over):
    s = changes.provider_changes_in_period(*taken_over)
    assert s.sentences[0] == ("1 adult social care service in York changed provider or moved between 1 April 2025 "
                               "and 31 March 2026 (1 care home), up from none in the previous period. It is not "
                               "counted as a new service or a closure.")
    t = s.table("provider_changes_in_period").frame
    assert t[["CQC location ID", "Previous CQC location ID", "Change"]].to_dict("records") == [
        {"CQC location ID": "NEW", "Previous CQC location ID": "OLD", "Change": "New provider"}]
    new = changes.registrations_in_period(*taken_over)
    assert list(new.table("registrations_in_period_list").frame["CQC location ID"]) == ["OPEN"]
    closed = changes.deregistrations_in_period(*taken_over)
    assert closed.sentences[0].startswith("No adult social care service in York closed between")


def test_the_not_inspected_list_marks_inherited_ratings(taken_over):
    t = changes.not_inspected_since(*taken_over).table("not_inspected_since").frame.set_index("CQC location ID")
    assert t.loc["NEW", "Overall rating"] == "Good (inherited)" and t.loc["NEW", "Status"] == "Never inspected"


def test_sections_say_what_a_ratings_file_does_not_cover(small):
    from carequality.model.coverage import Coverage

    model, params = small
    model.coverage = Coverage(closures=False, registrations=False)
    assert changes.deregistrations_in_period(model, params).sentences == [
        "CQC's data used here list only services registered on their date, not those that left the register, so "
        "closures in York cannot be counted for this period."]
    assert changes.registrations_in_period(model, params).tables == []
    assert "cannot be found" in changes.provider_changes_in_period(model, params).sentences[0]


def test_sections_say_when_monthly_files_begin_after_the_period_starts(small):
    from carequality.model.coverage import Coverage

    model, params = small
    model.coverage = Coverage(register_from=pd.Timestamp("2025-06-01"))
    assert "The monthly CQC files begin on 1 June 2025, after the period starts" in \
        changes.registrations_in_period(model, params).sentences[0]
    s = changes.inspections_in_period(model, params)
    assert "CQC's data used here do not cover the whole previous period, so no comparison is made" in s.sentences[0]
    assert any("begin on 1 June 2025" in n for n in s.table("inspections_in_period").footnotes)
    assert changes.rating_changes(model, params).sentences == [
        "The monthly CQC files begin on 1 June 2025, after the period starts (1 April 2025): the rating each "
        "location held before its new one is not known, so changes of rating in York cannot be measured for this "
        "period."]
    assert "cannot be compared" in changes.key_question_ratings_at_dates(model, params).sentences[0]


def test_sections_say_when_community_services_are_not_covered(small):
    from carequality.model.coverage import Coverage

    model, params = small
    model.coverage = Coverage(community_services=False, community_missing_because="the CQC data used here list care homes only")
    s = changes.inspections_in_period(model, params)
    assert ("Community-based services are not covered: the CQC data used here list care homes only. The figures below are for "
            "care homes only.") in s.sentences
    r = changes.registrations_in_period(model, params)
    assert "(no care homes)" in r.sentences[0] and "community-based" not in r.sentences[0]


def test_end_of_period_figures_are_dated_no_later_than_the_data(small):
    model, params = small
    model.as_of = pd.Timestamp("2026-02-25")
    s = changes.not_inspected_since(model, params)
    assert s.sentences[0].startswith("On 25 February 2026 (the latest CQC data; the period ends on 31 March 2026), ")
    assert "active on 25 February 2026" in s.table("not_inspected_since").caption
    k = changes.key_question_ratings_at_dates(model, params)
    assert "25 February 2026, the date of the latest CQC data (the period ends on 31 March 2026)" in k.sentences[0]
    assert "Safe, 25 Feb 2026" in k.table("key_question_ratings_at_dates").frame.columns


def test_dates_are_named_for_what_they_are_springfields(oldham):
    """Springfields (1-125056365, real): rated Good on 14 February 2019; inspected on 25 December 2020 without a
    rating. The last inspection report and the rating's publication are two columns, never one word for both."""
    from carequality.sections import overview

    model, params = oldham
    gap = changes.not_inspected_since(model, params).table("not_inspected_since").frame.set_index("CQC location ID")
    row = gap.loc["1-125056365"]
    assert (row["Last inspection report"], row["Rating published"]) == (
        pd.Timestamp("2020-12-25"), pd.Timestamp("2019-02-14"))
    assert row["Overall rating"] == "Good"
    appendix = overview.location_ratings_appendix(model, params).table("location_ratings_appendix").frame
    row = appendix.set_index("CQC location ID").loc["1-125056365"]
    assert row["Rating published"] == pd.Timestamp("2019-02-14") and "Publication date" not in appendix
    assert row["Provider"] == "Not in CQC's data"  # no provider file, no brand: said, never blank
    assert appendix["Provider"].ne("").all()


def test_an_inherited_rating_is_marked_in_its_own_cell_not_a_column_of_its_own():
    from carequality.sections import with_inherited

    ratings = pd.Series(["Good", None, "Not Rated"], index=["A", "B", "C"])
    out = with_inherited(ratings, pd.Series([True, True, False], index=["A", "B", "C"]))
    assert out.tolist()[0] == "Good (inherited)" and out.isna().tolist()[1] and out.tolist()[2] == "Not yet rated"
