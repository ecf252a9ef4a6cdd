"""The seed reports' tables (../shared/seeds), reproduced from row-level data consistent with them.

Haringey (Dec 2023 – Nov 2024) Table 1; Rutland (April 2017) paragraph 2.7 and Appendix A; Leicester
(August 2023) paragraph 4.7 and themes 4.12/4.15; Coventry (July 2022) Table One. Each test builds CQC and
council rows that give the published counts and asserts the rendered table or sentence says what the report says.
"""

from __future__ import annotations

import html
import re

import qa_frames as qf
from carequality import vocab
from carequality.sections import qa
from carequality.sources.council_records import CouncilRecords


def rendered_rows(table) -> list[list[str]]:
    """The text of every body row's cells, as the report's HTML shows them."""
    body = table.to_html().split("<tbody>")[1].split("</tbody>")[0]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


# ---- Haringey Table 1 ----------------------------------------------------------------------------------


def haringey_rows():
    """CQC locations and commissioned rows giving Haringey's Table 1.

    In Haringey: 86 providers (55 Good or Outstanding, 8 RI or Inadequate, 23 not yet rated). 51 of the good
    providers run one location each and 4 run two, so they have 59 locations; all 59 are commissioned, with 5
    locations of RI or Inadequate providers: 64 in-borough commissioned. Out of borough: 180 commissioned
    locations in Enfield, Barnet and Islington (150 / 26 / 4), and 12 uncommissioned ones that must not count.
    """
    locs, com, n = [], [], 0

    def add(la, rating, provider=None, commissioned=True, category=vocab.RESIDENTIAL):
        nonlocal n
        n += 1
        loc_id = f"1-{100000 + n}"
        locs.append(qf.location(loc_id, la, rating, provider_id=provider, category=category,
                                published=None if rating == "Not Rated" else "2023-06-01"))
        if commissioned:
            com.append((loc_id, "Care home" if category == vocab.RESIDENTIAL else "Home care", 3))

    for p in range(55):
        for k in range(2 if p < 4 else 1):
            add("Haringey", "Outstanding" if (p + k) % 9 == 0 else "Good", provider=f"GO{p}")
    for p in range(8):
        add("Haringey", "Inadequate" if p == 0 else "Requires improvement", provider=f"RI{p}", commissioned=p < 5,
            category=vocab.COMMUNITY)
    for p in range(23):
        add("Haringey", "Not Rated", provider=f"NR{p}", commissioned=False, category=vocab.COMMUNITY)
    out_la = ["Enfield", "Barnet", "Islington"]
    for i in range(150):
        add(out_la[i % 3], "Good")
    for i in range(26):
        add(out_la[i % 3], "Requires improvement" if i % 4 else "Inadequate", category=vocab.COMMUNITY)
    for i in range(4):
        add(out_la[i % 3], "Not Rated")
    for i in range(12):
        add("Camden", "Good", commissioned=False)
    return locs, com


def test_haringey_table_1_counts_and_rendered_percentages():
    locs, com = haringey_rows()
    m = qf.model(locs, "Haringey", records=CouncilRecords(commissioned_by_location=qf.commissioned(com)))
    p = qf.params("E09000014", "Haringey", "2023-12-01", "2024-11-30", host_unit="providers")
    section = qa.commissioned_by_rating(m, p)
    rows = rendered_rows(section.table("commissioned_by_rating"))
    # Group, number, G/O, G/O %, RI/I, RI/I %, not rated, not rated %
    assert [[r[1], r[2], r[4], r[6]] for r in rows] == [["86", "55", "8", "23"], ["64", "59", "5", "0"],
                                                       ["180", "150", "26", "4"]]
    # The report's one rounding (one decimal place); to whole numbers they are Haringey's printed 64%, 9%, 27% …
    shares = [r[3::2] for r in rows]
    # Haringey prints a dash for its zero; the report writes the true zero, 0.0% (issue 19: a zero is a number in
    # every output, so the spreadsheets do not call it "not available").
    assert shares == [["64.0%", "9.3%", "26.7%"], ["92.2%", "7.8%", "0.0%"], ["83.3%", "14.4%", "2.2%"]]
    whole = [[f"{float(c[:-1]) + 1e-9:.0f}%" for c in r] for r in shares]
    assert whole == [["64%", "9%", "27%"], ["92%", "8%", "0%"], ["83%", "14%", "2%"]]
    assert rows[0][0].startswith("In area: host (every registered provider)")
    text = " ".join(section.sentences)
    assert "As the host authority, Haringey oversees 86 CQC-registered adult social care providers." in text
    assert "23 of 86 (26.7%) are not yet rated" in text
    assert "Haringey commissions 64 locations in its own area. 59 of 64 (92.2%) of those with a rating are Good or Outstanding" in text
    assert "Haringey commissions 180 locations in other areas. 150 of 176 (85.2%) of those with a rating are Good or Outstanding" in text


def test_haringey_eight_fewer_in_borough_locations_than_the_previous_period():
    locs, com = haringey_rows()
    extra = [qf.location(f"1-9{k:05d}", "Haringey", "Good") for k in range(8)]  # commissioned last year only
    previous = com + [(x["location_id"], "Care home", 2) for x in extra]
    records = CouncilRecords(commissioned_by_location=qf.commissioned(com),
                             commissioned_previous_by_location=qf.commissioned(previous))
    m = qf.model(locs + extra, "Haringey", records=records)
    p = qf.params("E09000014", "Haringey", "2023-12-01", "2024-11-30", previous=True, host_unit="providers")
    section = qa.commissioned_by_rating(m, p)
    text = " ".join(section.sentences)
    # The comparison names what it compares (issue 20: the "2 fewer" said after another subject).
    assert "Haringey commissions 64 locations in its own area, 8 fewer than the 72 on 30 November 2023." in text
    assert "Haringey commissions 180 locations in other areas, the same as the 180 on 30 November 2023." in text
    assert "4 are not yet rated." in text
    change = section.table("commissioned_by_rating_change").frame
    loc_rows = change[change["Measure"] == "Locations"]
    assert loc_rows["Change"].tolist()[1:] == [-8, 0]
    assert loc_rows["Previous period"].isna().tolist() == [True, False, False]  # no history: host then unknown


# ---- Rutland 2.7 and Appendix A ------------------------------------------------------------------------

R, G, O = "Requires improvement", "Good", "Outstanding"
KQ = vocab.KEY_QUESTIONS
#: Appendix A: (name, category, before May 2016, after) key-question ratings; None after = not reinspected.
RUTLAND = [
    ("Belton House", vocab.RESIDENTIAL, [R, R, R, R, R], [G, G, G, G, G]),
    ("Chater Lodge", vocab.RESIDENTIAL, [R, R, G, G, G], [G, G, G, G, G]),
    ("Crown House", vocab.RESIDENTIAL, [G] * 5, [G] * 5),
    ("Manton Hall", vocab.RESIDENTIAL, [R, R, R, R, G], [R, G, G, G, G]),
    ("Oak House", vocab.RESIDENTIAL, [G] * 5, [G] * 5),
    ("Tixover House", vocab.RESIDENTIAL, [G] * 5, [G] * 5),
    ("Willowbrook", vocab.RESIDENTIAL, [G] * 5, [G, R, G, G, G]),
    ("Wisteria House", vocab.RESIDENTIAL, [G] * 5, [G] * 5),
    ("Aberdeen House", vocab.RESIDENTIAL, [G] * 5, None),
    ("Rutland Care Village", vocab.RESIDENTIAL, [G, G, G, R, G], None),
    ("The Lodge Trust", vocab.RESIDENTIAL, [R, G, G, G, G], None),
    ("A&R Guardian", vocab.COMMUNITY, None, None),
    ("Care In Comfort", vocab.COMMUNITY, None, None),
    ("Evolving Care", vocab.COMMUNITY, [G] * 5, [G] * 5),
    ("For You Healthcare", vocab.COMMUNITY, [G] * 5, [G] * 5),
    ("Help at Home", vocab.COMMUNITY, [G, G, G, G, R], [G, G, G, G, R]),
    ("The Caring Company", vocab.COMMUNITY, [G] * 5, [G] * 5),
    ("Unique Superior Care", vocab.COMMUNITY, [R, R, G, R, R], [G] * 5),
    ("Velvet Glove", vocab.COMMUNITY, [G] * 5, [G] * 5),
    ("Bluebird Care", vocab.COMMUNITY, [G, G, G, G, O], None),
    ("Provision Care", vocab.COMMUNITY, [G] * 5, None),
]


def test_rutland_requires_improvement_before_and_after():
    locs, outcomes, hist_locs, now, com = [], [], [], {}, []
    for k, (name, cat, before, after) in enumerate(RUTLAND):
        loc_id = f"1-{200000 + k}"
        current = after or before
        locs.append(qf.location(loc_id, "Rutland", G if current else "Not Rated", category=cat, name=name,
                                published="2016-09-13" if after else ("2015-10-05" if before else None)))
        hist_locs.append(qf.history_location(loc_id, "Rutland", category=cat))
        if before:
            outcomes += [(loc_id, "2015-06-01", q, r) for q, r in zip(KQ, before)]
        if current:
            now[loc_id] = dict(zip(KQ, current))
        com.append((loc_id, "Care home" if cat == vocab.RESIDENTIAL else "Home care", 4))
    m = qf.model(locs, "Rutland", kq=qf.kq_frame(now), history=qf.history(outcomes, hist_locs),
                 records=CouncilRecords(commissioned_by_location=qf.commissioned(com)))
    p = qf.params("E06000017", "Rutland", "2016-04-01", "2017-03-31", baseline_date="2016-05-01")
    section = qa.ratings_vs_baseline(m, p)
    t = section.table("commissioned_requires_improvement_vs_baseline").frame.set_index("Category")
    then = ["Locations with a key question rated Requires improvement, 1 May 2016",
            "Key questions rated Requires improvement, 1 May 2016"]
    now_cols = ["Locations with a key question rated Requires improvement, now",
                "Key questions rated Requires improvement, now"]
    # "Previously there were 5 in-county residential providers with 13 ratings of Requires Improvement between
    # them; this is now 4 providers with 4" and "2 domiciliary care providers with 5 …; this is now 1 … 1".
    assert t.loc["Care homes", then].tolist() == [5, 13]
    assert t.loc["Care homes", now_cols].tolist() == [4, 4]
    assert t.loc["Community-based services", then].tolist() == [2, 5]
    assert t.loc["Community-based services", now_cols].tolist() == [1, 1]
    assert ("At the baseline (1 May 2016), 5 care homes Rutland commissions in its area had a key question rated Requires "
            "improvement (13 such ratings between them); now 4 have (4 such ratings).") in section.sentences
    assert ("At the baseline (1 May 2016), 2 community-based services Rutland commissions in its area had a key question rated "
            "Requires improvement (5 such ratings between them); now 1 has (1 such rating).") in section.sentences


def test_rutland_without_a_history_says_so_and_shows_now_only():
    locs = [qf.location("1-300001", "Rutland", G)]
    m = qf.model(locs, "Rutland", kq=qf.kq_frame({"1-300001": dict(zip(KQ, [R, G, G, G, G]))}),
                 records=CouncilRecords(commissioned_by_location=qf.commissioned([("1-300001", "Care home", 3)])))
    p = qf.params("E06000017", "Rutland", "2016-04-01", "2017-03-31", baseline_date="2016-05-01")
    section = qa.ratings_vs_baseline(m, p)
    assert any("need a CQC ratings history, which this report was not given" in s for s in section.sentences)
    cols = list(section.table("commissioned_requires_improvement_vs_baseline").frame.columns)
    assert cols == ["Category", "Commissioned locations", "Locations with a key question rated Requires improvement, now",
                    "Key questions rated Requires improvement, now"]
    assert list(section.table("ratings_vs_baseline").frame.columns) == ["Rating", "Care homes, now",
                                                                         "Community-based services, now"]


# ---- Leicester 4.7 -------------------------------------------------------------------------------------


def test_leicester_baseline_comparison_three_outstanding_this_is_now_one():
    """2020 area profile: 3 Outstanding, 80 Good, 18 RI, 0 Inadequate; June 2023: 1, 59, 25, 5."""
    then = [O] * 3 + [G] * 80 + [R] * 18
    now = [O] * 1 + [G] * 59 + [R] * 25 + ["Inadequate"] * 5
    locs, outcomes, hist_locs = [], [], []
    for k, r in enumerate(then):  # 101 homes in 2020; the first 11 have closed since
        loc_id = f"1-{400000 + k}"
        hist_locs.append(qf.history_location(loc_id, "Leicester", deregistered="2021-06-30" if k < 11 else None))
        outcomes.append((loc_id, "2019-11-01", "Overall", r))
    for k, r in enumerate(now):  # the 90 open now, rated as they are now
        loc_id = f"1-{400000 + 11 + k}"
        locs.append(qf.location(loc_id, "Leicester", r, published="2023-03-01"))
    m = qf.model(locs, "Leicester", history=qf.history(outcomes, hist_locs),
                 records=CouncilRecords(commissioned_by_location=qf.commissioned([(x["location_id"], "Care home", 9)
                                                                                   for x in locs[1:]])))
    p = qf.params("E06000016", "Leicester", "2022-07-01", "2023-06-30", baseline_date="2020-06-30")
    section = qa.ratings_vs_baseline(m, p)
    homes = next(s for s in section.sentences if s.startswith("Care homes in Leicester"))
    assert "Outstanding 3, now 1;" in homes
    assert "Good 80, now 59;" in homes
    assert "Requires improvement 18, now 25;" in homes
    assert "Inadequate 0, now 5." in homes
    t = section.table("ratings_vs_baseline").frame.set_index("Rating")
    assert t.loc[list(vocab.GRADED), "Care homes, 30 June 2020"].tolist() == [3, 80, 18, 0]
    assert t.loc[list(vocab.GRADED), "Care homes, now"].tolist() == [1, 59, 25, 5]


# ---- Leicester 4.12 and 4.15 ---------------------------------------------------------------------------

LEICESTER_THEMES = {
    "Medication": 27, "Health & Safety": 22, "Nutrition / Eating & Drinking / dietary": 18,
    "Inclusion and person-centred support": 16, "Infection Prevention and Control": 15, "Leadership": 15,
    "Staff training & Development": 12, "Assessment / care planning/ monitoring & review": 12,
    "Safeguarding / Incident & accident management / lessons learnt": 12, "Mental Capacity Assessments": 10,
    "Staffing levels / deployment": 9, "Moving & Handling": 9, "Recruitment": 8, "Fire Safety": 7,
    "Pressure area care": 4, "Diabetes": 3, "Personal care / Dignity & Control": 4, "End of Life": 2, "Covid 19": 5,
}


def test_leicester_themes_ranked_by_issues_with_their_offers():
    import pandas as pd

    rows = []
    for t, n in LEICESTER_THEMES.items():
        rows += [{"location_id": f"1-{500000 + i % 29}", "report_date": pd.Timestamp(2021, 1, 1) + pd.Timedelta(days=i % 39),
                  "theme": t, "issue": f"{t} issue {i}", "row": len(rows) + 2} for i in range(n)]
    issues = pd.DataFrame(rows)
    offers = pd.DataFrame({"theme": ["medication", "Health & Safety", "Leadership", "End of Life"],
                           "offer": ["Meds optimisation team", "LCC Corporate Health & Safety Team", "Skills for Care", "LOROS training offer"],
                           "row": [2, 3, 4, 5]})
    m = qf.model([qf.location("1-500000", "Leicester")], "Leicester",
                 records=CouncilRecords(issues_by_location_report=issues, offers_by_theme=offers))
    section = qa.inspection_themes(m, qf.params("E06000016", "Leicester"))
    t = section.table("inspection_themes").frame
    assert t["Theme"].tolist()[:6] == ["Medication", "Health & Safety", "Nutrition / Eating & Drinking / dietary",
                                       "Inclusion and person-centred support", "Infection Prevention and Control", "Leadership"]
    assert t["Rank"].tolist()[:6] == [1, 2, 3, 4, 5, 5]  # 15 and 15 share fifth place
    assert t["Issues"].sum() == sum(LEICESTER_THEMES.values()) and len(t) == 19
    assert t.set_index("Theme").loc["Medication", "Support offer"] == "Meds optimisation team"  # matched ignoring case
    assert pd.isna(t.set_index("Theme").loc["Recruitment", "Support offer"])
    assert "The most frequent are Medication (27), Health & Safety (22) and Nutrition / Eating & Drinking / dietary (18)." in section.sentences[0]


# ---- Coventry Table One --------------------------------------------------------------------------------


def test_coventry_risk_levels_with_their_oversight():
    m = qf.model([qf.location("1-600001", "Coventry"), qf.location("1-600002", "Coventry")], "Coventry",
                 records=CouncilRecords(risk_by_case_opened=qf.risk([
                     {"case_ref": "A", "location_id": "1-600001", "risk_level": 2, "opened": "2021-09-01", "closed": "2022-02-01"},
                     {"case_ref": "A", "location_id": "1-600001", "risk_level": 3, "opened": "2022-02-01"},
                     {"case_ref": "B", "location_id": "1-600002", "risk_level": 1, "opened": "2022-03-01"},
                 ])))
    section = qa.risk_levels(m, qf.params("E08000026", "Coventry", "2021-07-01", "2022-06-30"))
    t = section.table("risk_levels").frame.set_index("Level")
    # 3.7: "Oversight of level 3 and 4 provision is through the Provider Escalation Panel (PEP) … Level 2 provision
    # is held at Quality Peer Support Group (QPSG) level … Level 1 … individual contract officers and clinical nurses".
    assert t.loc[3, "Oversight"] == t.loc[4, "Oversight"] == "Provider Escalation Panel"
    assert t.loc[2, "Oversight"] == "Quality Peer Support Group"
    assert "contract" in t.loc[1, "Oversight"].lower()
    assert t["Services at period end"].tolist() == [1, 0, 1, 0]
    assert t.loc[3, "Escalated to this level"] == 1
