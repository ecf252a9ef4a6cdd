"""Review r1 item 20: the "How to read the tables" key is said only for the symbols the page uses (Trafford's
paper, with no tables and no key messages, printed it whole; Oldham's explained [c] with none used)."""

from __future__ import annotations

import nbformat

from carequality.params import load_params
from carequality.run.render import shown_html, symbols_key
from conftest import EXAMPLE_PARAMS

DASH = '<table><tr><td class="num">\u2013</td></tr></table>'
STATUS = '<strong class="cq-status cq-status-green">● Green</strong>'
SUPPRESSED = '<table><tr><td class="txt nw">[c]</td></tr></table>'


def _key(*html: str) -> str:
    return symbols_key(load_params(EXAMPLE_PARAMS), "\n".join(html))


def test_a_page_with_no_symbols_has_no_key():
    assert _key("<p>Trafford 75.4% on 1 April 2026.</p>", "<table><tr><td>3</td></tr></table>") == ""


def test_the_key_names_only_the_symbols_the_page_uses():
    key = _key(DASH)
    assert key.startswith("How to read the tables: a dash") and "[c]" not in key and "Green" not in key
    assert "[c] stands for a count of fewer than" in _key(DASH, SUPPRESSED)
    both = _key(STATUS)
    assert "In the key messages" in both and "dash" not in both and "[c]" not in both


def test_a_suppressed_count_in_a_sentence_is_not_a_table_cell():
    assert _key("<p>[c] in a sentence</p>") == ""


def test_the_page_html_is_every_html_output_of_the_notebook():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": DASH}),
                    nbformat.v4.new_output("display_data", {"text/plain": "x"})]
    nb.cells = [cell]
    assert DASH in shown_html(nb) and "[c]" not in _key(shown_html(nb))
