"""The council's commentary: blocks keyed by section, unknown keys named with their line, Markdown made safe."""

from __future__ import annotations

import re

import pytest

from carequality.present.commentary import (
    FRONT_SHEET,
    TO_BE_COMPLETED,
    markdown_to_safe_html,
    parse_commentary,
    read_commentary,
)
from carequality.registry import COMMENTARY_BLOCKS, SECTION_NAMES
from conftest import ROOT

KEYS = ("introduction", "market_overview", "recommendations", "next_steps")


def test_blocks_are_cut_at_their_headings_and_comments_dropped():
    c, problems = parse_commentary("<!-- notes\nfor the author -->\n## introduction\nHello.\n\n## market_overview\n"
                                   "Two\nlines.\n## next_steps\n", KEYS)
    assert problems == []
    assert c.blocks == {"introduction": "Hello.", "market_overview": "Two\nlines.", "next_steps": ""}
    assert c.lines == {"introduction": 3, "market_overview": 6, "next_steps": 9}
    assert c.html("next_steps") == ""


def test_an_unknown_key_is_named_with_its_line():
    _, problems = parse_commentary("## introduction\ntext\n\n## market_overveiw\nmore\n", KEYS)
    assert len(problems) == 1
    assert problems[0].startswith("line 4: '## market_overveiw' is not a block")
    assert "did you mean market_overview" in problems[0]


def test_a_key_given_twice_and_text_before_the_first_heading_are_problems():
    _, problems = parse_commentary("Stray text\n## introduction\na\n## introduction\nb\n", KEYS)
    assert problems[0].startswith("line 1: text before the first block heading")
    assert problems[1].startswith("line 4: '## introduction' is given twice (first at line 2)")


def test_a_heading_inside_a_fenced_block_is_text():
    c, problems = parse_commentary("## introduction\n```\n## not_a_key\n```\n", KEYS)
    assert problems == [] and "## not_a_key" in c.blocks["introduction"]


@pytest.mark.parametrize("markdown, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("<style>body{display:none}</style>", "<style"),
    ("<iframe src='https://example.org'></iframe>", "<iframe"),
    ('<a href="https://example.org" onclick="steal()">x</a>', 'onclick="'),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("[click](javascript:alert(1))", 'href="javascript:'),
    ("![picture](https://example.org/p.png)", "<img"),
])
def test_no_script_style_iframe_event_or_javascript_link_passes(markdown, forbidden):
    out = markdown_to_safe_html(markdown)
    tags = re.findall(r"<[^<>]+>", out)  # markup only: the same text escaped as words is harmless
    assert tags and not any(forbidden in t.lower() for t in tags)


def test_markdown_is_rendered_with_headings_under_the_sections():
    out = markdown_to_safe_html("# Big\n\nSome **bold** and [a link](https://www.example.org/p).\n\n"
                                "| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two")
    assert "<h3>Big</h3>" in out and "<strong>bold</strong>" in out
    assert '<a href="https://www.example.org/p" rel="noopener noreferrer">a link</a>' in out
    assert "<table>" in out and "<ol>" in out


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;not bold&lt;/b&gt;" in markdown_to_safe_html("<b>not bold</b>")


def test_the_template_has_every_block_once_and_prints_nothing():
    c, problems = read_commentary(ROOT / "templates" / "commentary.md", COMMENTARY_BLOCKS)
    assert problems == []
    assert sorted(c.blocks) == sorted(COMMENTARY_BLOCKS)
    assert all(c.html(k) == "" for k in c.blocks)
    assert set(SECTION_NAMES) <= set(c.blocks)


def test_the_example_commentary_is_valid(tmp_path):
    c, problems = read_commentary(ROOT / "data" / "example" / "commentary_example.md", COMMENTARY_BLOCKS)
    assert problems == [] and c.html("introduction") and c.html("recommendations")


def test_a_file_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "c.md"
    path.write_bytes(b"## introduction\n\xff\xfe caf\xe9\n")
    _, problems = read_commentary(path, KEYS)
    assert problems and "not UTF-8" in problems[0]


# ---- the front sheet (issue 21) -------------------------------------------------------------------------------
def test_front_matter_fills_the_front_sheet_and_keeps_the_line_numbers():
    text = ("---\ncommittee: Health Scrutiny Panel\nmeeting_date: 2026-06-16\nkey_decision: no\nwards_affected:\n"
            "  - Acomb\n  - Clifton\n---\n## introduction\nHello.\n")
    c, problems = parse_commentary(text, KEYS)
    assert problems == []
    assert c.front == {"committee": "Health Scrutiny Panel", "meeting_date": "16 June 2026", "key_decision": "No",
                       "wards_affected": "Acomb, Clifton"}
    assert c.lines == {"introduction": 9}  # the line of the file, front matter counted
    assert c.front_value("committee") == "Health Scrutiny Panel"
    assert c.front_value("report_of") == TO_BE_COMPLETED
    assert c.blank_front_fields() == [FRONT_SHEET[k] for k in FRONT_SHEET
                                      if k not in ("committee", "meeting_date", "key_decision", "wards_affected")]


def test_an_unknown_front_sheet_field_and_bad_yaml_are_named():
    _, problems = parse_commentary("---\ncommitee: Panel\n---\n## introduction\n", KEYS)
    assert len(problems) == 1 and "'commitee' is not a front-sheet field (did you mean committee?)" in problems[0]
    _, problems = parse_commentary("---\ncommittee: [unclosed\n---\n## introduction\n", KEYS)
    assert len(problems) == 1 and "not valid YAML" in problems[0]


def test_the_example_and_the_template_have_every_front_sheet_field():
    example, problems = read_commentary(ROOT / "data" / "example" / "commentary_example.md", COMMENTARY_BLOCKS)
    assert problems == [] and example.blank_front_fields() == []
    template, problems = read_commentary(ROOT / "templates" / "commentary.md", COMMENTARY_BLOCKS)
    assert problems == [] and template.blank_front_fields() == list(FRONT_SHEET.values())


def test_check_lists_the_blank_front_sheet_fields(tmp_path, capsys):
    from carequality.cli import main

    params = ROOT / "params" / "york" / "2025-26-example.yaml"
    assert main(["check", str(params)]) == 0
    assert "Front sheet" not in capsys.readouterr().out  # the example fills in every field
    commentary = tmp_path / "commentary.md"
    commentary.write_text("---\ncommittee: Panel\n---\n## introduction\nHello.\n", encoding="utf-8")
    import yaml

    data = yaml.safe_load(params.read_text())
    data["inputs"] = {k: str((params.parent / v).resolve()) for k, v in data["inputs"].items()}
    data["inputs"]["commentary"] = str(commentary)
    own = tmp_path / "params.yaml"
    own.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["check", str(own)]) == 0
    out = capsys.readouterr().out
    assert f"Front sheet: {len(FRONT_SHEET) - 1} field(s) left blank, printed as {TO_BE_COMPLETED}:" in out
    assert "  - Date of meeting" in out and "  - Committee\n" not in out


def test_the_exempt_appendix_is_titled_with_its_agenda_item_committee_and_meeting():
    """Review r1, defect 30: the exempt appendix's title tied it to no agenda."""
    example, _ = read_commentary(ROOT / "data" / "example" / "commentary_example.md", COMMENTARY_BLOCKS)
    assert example.exempt_title("Quality of adult social care providers: York") == (
        "Exempt appendix to agenda item 7, Health and Adult Social Care Policy and Scrutiny Committee, 16 June 2026: "
        "Quality of adult social care providers: York"
    )
    c, _ = parse_commentary("---\ncommittee: Health Scrutiny Panel\n---\n## introduction\n", KEYS)
    assert c.exempt_title("T") == "Exempt appendix, Health Scrutiny Panel: T"
    assert parse_commentary("## introduction\n", KEYS)[0].exempt_title("T") == "Exempt appendix: T"
