"""docs/performance.md keeps the hand-measured "Where a report's time goes" that bench/run.py writes back each run."""

from __future__ import annotations

import re

from conftest import ROOT


def test_the_performance_page_holds_the_section_the_benchmark_writes_back():
    section = (ROOT / "bench" / "report_time.md").read_text(encoding="utf-8").rstrip("\n")
    assert section.startswith("## Where a report's time goes\n")
    assert section in (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")


def test_the_benchmark_writes_the_section_into_the_page():
    source = (ROOT / "bench" / "run.py").read_text(encoding="utf-8")
    write_doc = source[source.index("def write_doc("):source.index("\nREADER_NAMES")]
    assert re.search(r"lines \+= REPORT_TIME\.read_text\(", write_doc)
    assert 'REPORT_TIME = BENCH / "report_time.md"' in source
