"""`carequality audit` on rendered reports (issue 20): the example (the session's render), its committee paper and
every params file that reads real data agree with themselves; a report made to disagree is caught, with where, and
exits with status 3 (bad input stays 2)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from carequality.cli import main
from carequality.cli.exits import EXIT_AUDIT, EXIT_BAD_INPUT
from carequality.run.audit import AUDIT_EXIT, FACTS_FILE, audit, audit_in_memory

ROOT = Path(__file__).resolve().parents[2]
REAL = [ROOT / "params" / "lincolnshire" / "2025-26.yaml", ROOT / "params" / "oldham" / "2024-25.yaml",
        ROOT / "params" / "trafford" / "2025-26.yaml"]


def test_the_example_render_agrees_with_itself_and_lists_facts_json(example_render):
    out = example_render.out_dir
    assert audit(out) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["facts"] == FACTS_FILE
    book = json.loads((out / FACTS_FILE).read_text())
    assert book["conflicts"] == [] and len(book["facts"]) > 100
    html = (out / "report.html").read_text()
    # Every number in a sentence links to its fact's entry, which gives its definition and its table.
    link = re.search(r'<a class="cq-fact" href="#fact-([^"]+)"', html)
    assert link and f'<dt id="fact-{link.group(1)}">' in html


def test_the_committee_paper_agrees_with_itself():
    assert audit_in_memory(ROOT / "params" / "york" / "2025-26-example.yaml", "summary") == []


@pytest.mark.parametrize("params", REAL, ids=lambda p: p.parent.name)
def test_every_real_data_report_agrees_with_itself(params, shared_data):
    assert audit_in_memory(params) == []


def test_a_report_that_disagrees_is_caught_with_where_and_exit_3(example_render, tmp_path, capsys):
    out = tmp_path / "report"
    shutil.copytree(example_render.out_dir, out)
    html = (out / "report.html").read_text()
    html = html.replace("Placement teams also get it", "Placement teams (12 of them) also get it", 1)
    (out / "report.html").write_text(html)
    findings = audit(out)
    assert [f.kind for f in findings] == ["not a fact"]
    assert re.match(r"section '(\d+ )?Provider watch list', sentence “The watch list has", findings[0].where)
    assert str(findings[0]).endswith("the number 12 is not a fact")
    assert main(["audit", str(out)]) == EXIT_AUDIT == AUDIT_EXIT == 3
    assert "The report disagrees with itself in 1 place:" in capsys.readouterr().out
    assert main(["audit", str(tmp_path / "nothing")]) == EXIT_BAD_INPUT
