"""The facts core: Fact, FactBook, marks (carequality.facts), how a fact is said (present.facts), shares and changes
as facts (measures.shares) and the audit's checks on small reports built here (run.audit)."""

from __future__ import annotations

import datetime as dt

import pytest

from carequality.facts import Cell, Fact, FactBook, count, day, mark, marks, setting, strip_mark_characters, unmark
from carequality.measures.shares import change, share
from carequality.present.facts import cell, compared, n_of_n, say
from carequality.report import sentence_html
from carequality.run.audit import audit_parts, describe

MARCH = dt.date(2025, 3, 31)
FEB = dt.date(2026, 2, 25)


def locations(value: int, as_of: dt.date = FEB, fid: str = "qa.commissioned.in_area") -> Fact:
    return count(
        fid, value, "Locations the council commissions in its own area.", "location", as_of=as_of, source="cqc"
    )


def test_a_fact_checks_its_id_unit_and_parts():
    with pytest.raises(ValueError, match="dotted lower-case"):
        count("Bad Id", 1, "x", "location")
    with pytest.raises(ValueError, match="unknown unit"):
        Fact("a.b", 1, "apples", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="both its numerator"):
        Fact("a.b", 1.0, "percent", "x", numerator=1)
    with pytest.raises(ValueError, match="definition"):
        count("a.b", 1, " ", "location")
    with pytest.raises(ValueError, match="needs a number"):
        Fact("a.b", "3", "count", "x")


def test_a_fact_round_trips_through_json():
    f = share("headline.good", 82, 102, "Share rated Good or Outstanding.", as_of=FEB, source="cqc").at(
        "ratings", "Total", "% Good or Outstanding"
    )
    assert f.value == 80.4
    assert Fact.from_json(f.to_json()) == f
    d = day("cqc.as_of", FEB, "The date CQC's data are as of.", source="cqc")
    assert Fact.from_json(d.to_json()) == d and d.value == "2026-02-25"


def test_the_book_joins_one_fact_and_records_two_values():
    book = FactBook()
    book.add(locations(61).at("t1", "York", "Locations"), "qa")
    book.add(locations(61).at("t2", "Total", "Locations"), "summary")
    assert book["qa.commissioned.in_area"].cells == (Cell("t1", "York", "Locations"), Cell("t2", "Total", "Locations"))
    assert book.stated_in["qa.commissioned.in_area"] == ["qa", "summary"]
    book.add(locations(60), "watch_list")
    assert [(c.id, c.values, c.where) for c in book.conflicts] == [
        ("qa.commissioned.in_area", (61, 60), ("qa", "watch_list"))
    ]
    book.declare_source("cqc", FEB)
    book.declare_source("cqc", dt.date(2026, 2, 28))
    again = FactBook.from_json(book.to_json())
    assert again.to_json() == book.to_json()


def test_marks_carry_the_fact_and_leave_the_text():
    s = f"York commissions {say(locations(61), noun=True)}."
    assert unmark(s) == "York commissions 61 locations."
    assert marks(s) == [("qa.commissioned.in_area", "61")]
    assert strip_mark_characters(s) == "York commissions qa.commissioned.in_area61 locations."
    html = sentence_html(s + " <b>")
    assert '<a class="cq-fact" href="#fact-qa.commissioned.in_area" data-fact="qa.commissioned.in_area">61</a>' in html
    assert "&lt;b&gt;" in html


def test_say_writes_each_unit():
    assert unmark(say(count("a.one", 1, "x", "location"), noun=True)) == "1 location"
    assert unmark(say(count("a.people", 1204, "x", "person"), noun=True)) == "1,204 people"
    assert unmark(say(count("a.zero", 0, "x", "location"), zero="none")) == "none"
    assert unmark(say(setting("s.level", 3, "Risk level from which a provider is high risk."))) == "3"
    assert unmark(say(setting("s.pct", 82.5, "Standard."))) == "82.5"
    assert unmark(say(Fact("a.money", 12400.0, "pounds", "Spend."))) == "£12,400"
    assert unmark(say(day("a.day", MARCH, "Baseline."))) == "31 March 2025"
    assert unmark(n_of_n(share("a.s", 82, 102, "x"))) == "82 of 102 (80.4%)"
    assert unmark(n_of_n(share("a.s", 0, 0, "x"))) == "0 of 0"
    assert cell(day("a.day", MARCH, "Baseline.")) == MARCH


def test_a_comparison_names_what_it_compares():
    now, before = locations(61), locations(63, MARCH, "qa.commissioned.in_area_baseline")
    diff = change("qa.commissioned.in_area_change", now, before, "Change since the baseline.")
    assert diff.value == -2 and diff.difference_of == (now.id, before.id)
    said = compared(now, before, diff, noun=True)
    assert unmark(said) == "61 locations, 2 fewer than the 63 on 31 March 2025"
    same = change("x.same", now, locations(61, MARCH, "x.before"), "Change.")
    assert unmark(compared(now, locations(61, MARCH, "x.before"), same)) == "61, the same as the 61 on 31 March 2025"
    with pytest.raises(ValueError, match="not the difference"):
        compared(before, now, diff)


def test_a_change_of_a_share_is_worked_out_before_rounding():
    now = share("h.now", 1, 3, "x")  # 33.33…
    before = share("h.before", 1, 6, "x")  # 16.66…
    diff = change("h.change", now, before, "x")
    assert diff.unit == "points" and diff.value == 16.7
    assert unmark(compared(now, before, diff, when="the baseline")) == (
        "33.3%, up 16.7 percentage points from 16.7% on the baseline"
    )


# -- the audit on small reports -----------------------------------------------------------------------------------
def page(*paragraphs: str, section: str = "Quality assurance") -> str:
    body = "".join(f"<p>{sentence_html(p)}</p>" for p in paragraphs)
    return f'<html><body><main><h2 id="s">{section}</h2>{body}<div class="cq-commentary"><p>42 words</p></div></main></body></html>'


def book_of(*facts: Fact) -> FactBook:
    book = FactBook()
    book.declare_source("cqc", FEB)
    book.extend(facts, "qa")
    return book


def kinds(findings) -> list[str]:
    return [f.kind for f in findings]


def test_the_audit_finds_nothing_in_a_report_that_agrees_with_itself():
    now, before = locations(61), locations(63, MARCH, "qa.commissioned.in_area_baseline")
    diff = change("qa.commissioned.in_area_change", now, before, "Change.")
    tables = {"market": [["Area", "Locations"], ["York", "61"], ["Other", "2"], ["Total", "63"]]}
    book = book_of(now.at("market", "York", "Locations"), before, diff)
    html = page(f"York commissions {compared(now, before, diff, noun=True)} (Table 3), since 2019-20.")
    findings = audit_parts(book, tables, html)
    assert findings == [], describe(findings)
    assert describe([]).startswith("The report agrees with itself")


def test_the_audit_finds_the_subject_slip():
    """Today's qa.py: '12 are rated Requires improvement or Inadequate. That is 2 fewer than on 31 March 2025.'"""
    now, before = locations(61), locations(63, MARCH, "qa.commissioned.in_area_baseline")
    low = count("qa.low_rated", 12, "Commissioned locations rated RI or Inadequate.", "location", as_of=FEB)
    diff = change("qa.commissioned.in_area_change", now, before, "Change.")
    html = page(f"{say(low)} are rated Requires improvement or Inadequate. That is {say(diff)} fewer.")
    findings = audit_parts(book_of(now, before, low, diff), {}, html)
    assert kinds(findings) == ["comparison"]
    assert "said without the numbers it compares (qa.commissioned.in_area, qa.commissioned.in_area_baseline)" in str(
        findings[0]
    )
    assert "section 'Quality assurance', sentence “12 are rated" in findings[0].where


def test_the_audit_finds_a_number_that_is_no_fact_and_names_its_sentence():
    html = page("The watch list has 71 locations, as of 25 February 2026 (Table 2).")
    findings = audit_parts(book_of(), {}, html)
    assert [str(f) for f in findings] == [
        "section 'Quality assurance', sentence “The watch list has 71 locations, as of 25 February 2026 (Table 2).”: "
        "the number 71 is not a fact"
    ]


def test_the_audit_finds_a_fact_with_two_values():
    f = locations(61).at("market", "York", "Locations")
    tables = {"market": [["Area", "Locations"], ["York", "60"]]}
    book = book_of(f)
    book.add(locations(62), "summary")
    html = page(f"It commissions {mark(f.id, '71')} locations and {mark('no.such', '3')} others.")
    findings = audit_parts(book, tables, html)
    assert kinds(findings) == ["two values", "two values", "two values", "unknown fact"]
    assert "fact qa.commissioned.in_area is 61 but the table says '60'" in str(findings[1])


def test_the_audit_finds_totals_shares_dates_and_changes():
    tables = {
        "t": [["Rating", "Locations", "%"], ["Good", "5", "50.0"], ["Other", "4", "50.0"], ["Total", "10", "100"]]
    }
    bad_share = Fact("s.bad", 40.0, "percent", "x", numerator=1, denominator=2)
    late = locations(3, dt.date(2026, 3, 1), "x.late")
    wrong_asof = day("area_counts.as_of", dt.date(2026, 2, 28), "x", source="cqc")
    a, b = locations(5, FEB, "c.a"), locations(3, MARCH, "c.b")
    bad_change = Fact("c.change", 1, "count", "x", difference_of=("c.a", "c.b"))
    book = book_of(bad_share, late, wrong_asof, a, b, bad_change)
    book.tables["t"] = {"formats": {"Locations": "int", "%": "percent"}}
    html = page(f"{n_of_n(bad_share).replace('of', 'of', 1)}")
    findings = audit_parts(book, tables, html)
    assert sorted(kinds(findings)) == ["as of", "as of", "comparison", "share", "total"]
    book.tables["t"]["total_not_sum"] = ["Locations"]
    assert "total" not in kinds(audit_parts(book, tables, html))
