"""Issue 19, item 5: names matched as people write them. Every place a council is named (the params file's council
and peer group, a risk case's lead council) accepts what `carequality params new` accepts, an ONS code or any of
the council's names ("Leeds City Council" is Leeds), and refuses a name of no council, naming where it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import qa_frames as qf
from carequality.sections import qa as sections
from carequality.cli import main
from carequality.councils import closest_council_name, find_any_council
from carequality.errors import InputError, ParamsError
from carequality.model.records import lead_councils
from carequality.params import load_params
from carequality.sources.council_records import CouncilRecords
from conftest import EXAMPLE_PARAMS


def _model(lead: str):
    """York's report with one high-risk case out of the area (Cedar Court, in Leeds) led by `lead`."""
    locs = [qf.location("1-1", "York", "Good", provider_id="A", name="Acorn House"),
            qf.location("1-3", "Leeds", "Requires improvement", provider_id="C", name="Cedar Court")]
    records = CouncilRecords(
        risk_by_case_opened=qf.risk([
            {"case_ref": "R1", "location_id": "1-1", "risk_level": 2, "opened": "2025-05-01"},
            {"case_ref": "R2", "location_id": "1-3", "risk_level": 4, "opened": "2025-06-01", "lead_authority": lead},
        ]),
        files={"risk_register": Path("risk.csv")},
    )
    return qf.model(locs, "York", records=records)


@pytest.mark.parametrize("lead", ["City of York Council", "york", "E06000014", "  York  "])
def test_the_council_itself_written_another_way_leads_its_own_intervention(lead):
    model, params = _model(lead), qf.params()
    lead_councils(model.records, params)
    assert model.records.risk_by_case_opened["lead_authority"].tolist() == ["", "York"]
    out = sections.high_risk_out_of_area(model, params)
    assert out.table("high_risk_out_of_area").frame["Lead council"].tolist() == ["York"]
    assert "York leads the intervention for it" in out.paragraphs[0], out.paragraphs[0]
    assert "Another council" not in " ".join(out.paragraphs)


def test_another_council_by_any_of_its_names_is_named_as_the_report_names_it():
    model, params = _model("Leeds City Council"), qf.params()
    lead_councils(model.records, params)
    assert model.records.risk_by_case_opened["lead_authority"].tolist() == ["", "Leeds"]
    assert "Another council leads the intervention for it" in sections.high_risk_out_of_area(model, params).paragraphs[0]


def test_a_lead_council_of_no_name_is_refused_with_file_row_column_and_the_nearest_name():
    model = _model("Leeds Citty Council")
    with pytest.raises(InputError) as e:
        lead_councils(model.records, qf.params())
    text = str(e.value)
    assert text.startswith("risk.csv, row 3, column 'lead_authority': 'Leeds Citty Council' is not the name or ONS code")
    assert "did you mean 'Leeds'?" in text


def test_find_any_council_knows_current_and_replaced_councils_by_any_name():
    assert find_any_council("leeds city council").ons_code == "E08000035"
    assert find_any_council("Brighton & Hove City Council").ons_code == "E06000043"
    assert find_any_council("North Yorkshire").ons_code == "E06000065"  # the current council first
    assert find_any_council("North Yorkshire County Council").ons_code == "E10000023"  # a replaced one's own name
    assert find_any_council("E10000023").ons_code == "E10000023"  # and its code
    with pytest.raises(KeyError):
        find_any_council("Atlantis")
    assert closest_council_name("Leeds Citty Council") == "Leeds" and closest_council_name("Atlantis") is None


def test_the_councils_name_in_params_is_matched_as_params_new_matches_it(tmp_path):
    data = yaml.safe_load(EXAMPLE_PARAMS.read_text(encoding="utf-8"))
    data["council"] = {"code": "E06000043", "name": "Brighton & Hove City Council"}
    data["inputs"] = {"cqc_ratings": str(EXAMPLE_PARAMS.parent / data["inputs"]["cqc_ratings"])}
    data["options"] = {}
    path = tmp_path / "brighton.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_params(path).council.code == "E06000043"


def test_peer_group_councils_by_name_or_code_and_an_unknown_one_refused(tmp_path, capsys):
    data = yaml.safe_load(EXAMPLE_PARAMS.read_text(encoding="utf-8"))
    given = list(data["options"]["peer_group_codes"])
    data["options"]["peer_group_codes"] = ["Leeds City Council", *given[1:]] if given else ["Leeds City Council"]
    data["inputs"] = {"cqc_ratings": str(EXAMPLE_PARAMS.parent / data["inputs"]["cqc_ratings"])}
    data["options"].pop("reference_docx", None)
    path = tmp_path / "york.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_params(path).options.peer_group_codes[0] == "E08000035"

    data["options"]["peer_group_codes"] = ["Leeds Citty Council"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ParamsError) as e:
        load_params(path)
    assert "options.peer_group_codes: 'Leeds Citty Council' (did you mean 'Leeds'?) not the ONS code or name" in str(e.value)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "options.peer_group_codes" in err
