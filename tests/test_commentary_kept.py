"""Issue 19, item 3 (commentary): the council's own words never vanish silently. Block names in any letter case (and
spaces for underscores); a block whose section will not print this time is printed under "The council's commentary
on other matters", said by `check` with why, and in a published report left out with a sentence saying so."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
import yaml

import carequality.report as report_module
from carequality.cli import main
from carequality.present.commentary import parse_commentary
from carequality.registry import COMMENTARY_BLOCKS
from carequality.report import OTHER_COMMENTARY, open_report, unprinted_commentary
from conftest import EXAMPLE_PARAMS

COMMENTARY = """## Introduction
Our introduction.

## QA activity
A case study: the welfare check at Rowan View found the new manager settling in well.

## location_ratings_appendix
Every rating is as CQC published it.

## Recommendations
The panel is asked to note the report.

## Next-steps
- Review the risk levels.
"""


def test_block_names_in_any_letter_case_or_with_spaces_are_the_blocks():
    c, problems = parse_commentary(COMMENTARY, COMMENTARY_BLOCKS)
    assert problems == []
    assert list(c.blocks) == ["introduction", "qa_activity", "location_ratings_appendix", "recommendations",
                              "next_steps"]
    assert c.lines["recommendations"] == 10
    _, problems = parse_commentary("## recommendations\nA\n\n## RECOMMENDATIONS\nB\n", COMMENTARY_BLOCKS)
    assert problems == ["line 4: '## recommendations' is given twice (first at line 1); expected each block once"]


@pytest.fixture
def params_file(tmp_path) -> Path:
    """The example without its QA visits (so qa_activity has no data this time), with COMMENTARY."""
    data = yaml.safe_load(EXAMPLE_PARAMS.read_text(encoding="utf-8"))
    data["inputs"] = {k: str((EXAMPLE_PARAMS.parent / v).resolve()) for k, v in data["inputs"].items() if k != "qa_visits"}
    (tmp_path / "commentary.md").write_text(COMMENTARY, encoding="utf-8")
    data["inputs"]["commentary"] = "commentary.md"
    path = tmp_path / "york.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _closing_text(report) -> str:
    shown: list[str] = []
    original = report_module.display
    report_module.display = lambda data, metadata=None, raw=False: shown.append(data.get("text/html", ""))
    try:
        report.closing()
    finally:
        report_module.display = original
    # The words as read, without the section and paragraph numbers members cite by (issue 21).
    unnumbered = re.sub(r'<span class="cq-[sp]n">[^<]*</span>', " ", " ".join(shown))
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", unnumbered))


def test_a_block_whose_section_has_no_data_is_printed_with_why_before_the_recommendations(params_file):
    report = open_report(params_file)
    assert unprinted_commentary(report.commentary, report.params, "full") == [("qa_activity", "no_data")]
    text = " ".join(_closing_text(report).split())
    assert OTHER_COMMENTARY in text and "Qa activity" not in text
    assert ("QA activity Not shown as a section of this report: the data for that section were not supplied for this "
            "report. A case study: the welfare check at Rowan View") in text
    assert text.index("Rowan View") < text.index("The panel is asked to note the report.")


def test_the_committee_paper_prints_the_words_on_a_section_it_leaves_out(params_file):
    report = open_report(params_file, profile="summary")
    assert unprinted_commentary(report.commentary, report.params, "summary") == [
        ("qa_activity", "no_data"), ("location_ratings_appendix", "profile")]
    text = " ".join(_closing_text(report).split())
    assert "Location ratings appendix Not shown as a section of this report: that section is in the full report only." in text
    assert "Every rating is as CQC published it." in text


def test_a_published_report_leaves_out_the_words_on_a_list_of_services_and_says_so(params_file):
    data = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    data["options"]["mode"] = "publication"
    params_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    text = " ".join(_closing_text(open_report(params_file)).split())
    assert "Every rating is as CQC published it." not in text
    assert ("The council's commentary on location ratings appendix is left out of the published version of this "
            "report, as that section is, so that no service can be identified.") in text


def test_check_names_each_block_that_will_not_print_under_its_section_and_why(params_file, capsys):
    assert main(["check", str(params_file)]) == 0
    out = capsys.readouterr().out
    assert ("commentary.md, line 4: '## qa_activity' will not print under its section in the full report or the "
            "committee paper: its section "
            "needs inputs.qa_visits; it is printed under \"The council's commentary on other matters\"") in out
    assert ("commentary.md, line 7: '## location_ratings_appendix' will not print under its section in the committee "
            "paper: the committee paper (--profile summary) leaves it out") in out
    assert "'## introduction'" not in out and "'## recommendations'" not in out
