"""The spreadsheets' cover names a real contact, never the params placeholder (review r1, defect 10)."""

from __future__ import annotations

from carequality.params import DEFAULT_CONTACT, load_params
from carequality.run.render import cover_contact
from conftest import EXAMPLE_PARAMS


def _with(params, *, contact=None, commentary="keep"):
    options = params.options.model_copy(update={"contact": contact or DEFAULT_CONTACT})
    update = {"options": options}
    if commentary != "keep":
        update["inputs"] = params.inputs.model_copy(update={"commentary": commentary})
    return params.model_copy(update=update)


def test_the_params_contact_comes_first():
    params = _with(load_params(EXAMPLE_PARAMS), contact="Quality team, qa@example.org")
    assert cover_contact(params) == "Quality team, qa@example.org"


def test_without_one_the_front_sheet_contact_is_used():
    contact = cover_contact(_with(load_params(EXAMPLE_PARAMS)))
    assert "qualityassurance@york.example" in contact and DEFAULT_CONTACT not in contact


def test_without_either_the_cover_has_no_contact(tmp_path):
    commentary = tmp_path / "commentary.md"
    commentary.write_text("---\ncommittee: Health scrutiny\n---\n## introduction\n\nText.\n", encoding="utf-8")
    params = _with(load_params(EXAMPLE_PARAMS), commentary=commentary)
    assert cover_contact(params) == ""
    assert cover_contact(_with(load_params(EXAMPLE_PARAMS), commentary=None)) == ""
