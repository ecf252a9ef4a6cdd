"""Params: every problem gets one clear message naming the field; nothing runs on bad params."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from carequality.errors import ParamsError
from carequality.params import load_params
from carequality.registry import SECTION_NAMES as SECTIONS
from conftest import EXAMPLE_PARAMS


def write(tmp_path: Path, data: dict, name: str = "p.yaml") -> Path:
    (tmp_path / "cqc.csv").write_text("Location ID\n1\n")
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def good() -> dict:
    return {
        "council": {"code": "E06000014", "name": "York"},
        "period": {"start": "2025-04-01", "end": "2026-03-31"},
        "inputs": {"cqc_ratings": "cqc.csv"},
    }


def problems(tmp_path, data) -> list[str]:
    with pytest.raises(ParamsError) as e:
        load_params(write(tmp_path, data))
    return e.value.problems


def only_problem(tmp_path, **changes: dict) -> str:
    """The one problem found in good() params with `changes` (section → {key: value}) set in them."""
    data = good()
    for section, keys in changes.items():
        data[section] = data.get(section, {}) | keys
    [msg] = problems(tmp_path, data)
    return msg


def test_example_params_are_valid():
    p = load_params(EXAMPLE_PARAMS)
    assert p.council.code == "E06000014"
    assert p.period.start == dt.date(2025, 4, 1)
    assert p.path(p.inputs.cqc_ratings).is_file()
    assert p.output_slug == ("york", "2025-04-01_to_2026-03-31")


def test_paths_are_relative_to_the_params_file(tmp_path):
    p = load_params(write(tmp_path, good()))
    assert p.path(p.inputs.cqc_ratings) == (tmp_path / "cqc.csv").resolve()


def test_default_sections_are_those_whose_inputs_are_given(tmp_path):
    p = load_params(write(tmp_path, good()))
    assert set(p.sections) <= set(SECTIONS)
    assert "ratings_overview" in p.sections


def test_unknown_key(tmp_path):
    data = good() | {"colour": "blue"}
    assert problems(tmp_path, data) == ["colour: unknown key; check the spelling (allowed keys are in docs/params.md)"]


def test_unknown_nested_key(tmp_path):
    data = good()
    data["period"]["middle"] = "2025-10-01"
    assert problems(tmp_path, data)[0].startswith("period.middle: unknown key")


def test_missing_file(tmp_path):
    msg = only_problem(tmp_path, inputs={"cqc_ratings": "nowhere.csv"})
    assert msg.startswith("inputs.cqc_ratings: file not found:") and msg.endswith("nowhere.csv")


def test_end_before_start(tmp_path):
    msg = only_problem(tmp_path, period={"start": "2026-03-31", "end": "2025-04-01"})
    assert msg == "period: end 2025-04-01 is before start 2026-03-31; expected end on or after start"


def test_unknown_ons_code(tmp_path):
    msg = only_problem(tmp_path, council={"code": "E07000001"})
    assert msg.startswith("council.code: 'E07000001' is not the ONS code of one of the 153 English councils")


def test_name_must_match_code(tmp_path):
    msg = only_problem(tmp_path, council={"name": "Leeds"})
    assert "name 'Leeds' does not match ONS code E06000014 (York)" in msg


def test_bad_date(tmp_path):
    msg = only_problem(tmp_path, period={"start": "first of April"})
    assert msg.startswith("period.start: 'first of April' is not a date")


def test_unknown_section(tmp_path):
    data = good() | {"sections": ["ratings_overview", "horoscope"]}
    [msg] = problems(tmp_path, data)
    assert "'horoscope' not a section" in msg


def test_every_problem_is_listed(tmp_path):
    data = {"council": {"code": "X", "name": "Y"}, "period": {"start": "2026-01-01"}, "inputs": {}}
    found = problems(tmp_path, data)
    assert any(p.startswith("council.code") for p in found)
    assert any(p == "period.end: required, but missing" for p in found)
    assert any(p.startswith("inputs: cqc_ratings: required, but missing") for p in found)


def test_not_a_mapping(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(ParamsError, match="expected a mapping"):
        load_params(path)


def test_previous_period_has_the_same_length():
    p = load_params(EXAMPLE_PARAMS)
    prev = p.period.previous
    assert prev.end == dt.date(2025, 3, 31)
    assert (prev.end - prev.start) == (p.period.end - p.period.start)


@pytest.mark.parametrize(
    "start, end, prev_start, prev_end",
    [
        ("2024-04-01", "2025-03-31", "2023-04-01", "2024-03-31"),  # whole months across a leap year
        ("2023-12-01", "2024-11-30", "2022-12-01", "2023-11-30"),  # Haringey's Dec–Nov year
        ("2024-03-01", "2024-03-31", "2024-02-01", "2024-02-29"),  # one month
        ("2025-01-10", "2025-01-19", "2024-12-31", "2025-01-09"),  # not whole months: same number of days
    ],
)
def test_previous_period(start, end, prev_start, prev_end):
    from carequality.params import Period

    prev = Period(start=start, end=end).previous
    assert (prev.start.isoformat(), prev.end.isoformat()) == (prev_start, prev_end)


def test_input_paths_keep_a_symlinked_folder_as_written(tmp_path):
    real = tmp_path / "elsewhere" / "data"
    real.mkdir(parents=True)
    (real / "cqc.csv").write_text("Location ID\n1\n")
    (tmp_path / "shared").symlink_to(real)
    base = tmp_path / "repo" / "params"
    base.mkdir(parents=True)
    path = base / "p.yaml"
    data = good()
    data["inputs"]["cqc_ratings"] = "../../shared/cqc.csv"
    path.write_text(yaml.safe_dump(data))
    p = load_params(path)
    assert p.path(p.inputs.cqc_ratings) == tmp_path / "shared" / "cqc.csv"


# ---- bounds and what the YAML itself can hold (issue 13) ------------------------------------------------------

def raw_problems(tmp_path, text: bytes) -> list[str]:
    (tmp_path / "cqc.csv").write_text("Location ID\n1\n")
    path = tmp_path / "p.yaml"
    path.write_bytes(text)
    with pytest.raises(ParamsError) as e:
        load_params(path)
    return e.value.problems


GOOD_TEXT = "council: {code: E06000014, name: York}\nperiod: {start: 2025-04-01, end: 2026-03-31}\ninputs: {cqc_ratings: cqc.csv}\n"


@pytest.mark.parametrize("date", ["2025-02-30", "2025-13-01", "2025-04-31"])
def test_an_impossible_date_names_its_field(tmp_path, date):
    [msg] = raw_problems(tmp_path, GOOD_TEXT.replace("start: 2025-04-01", f"start: {date}").encode())
    assert msg == f"period.start: '{date}' is not a date; expected YYYY-MM-DD"


def test_year_0001_names_the_period(tmp_path):
    [msg] = raw_problems(tmp_path, GOOD_TEXT.replace("start: 2025-04-01", "start: 0001-04-01").encode())
    assert msg.startswith("period: start 0001-04-01 is outside the dates a report can use")


def test_a_key_given_twice_names_the_key_and_both_lines(tmp_path):
    [msg] = raw_problems(tmp_path, (GOOD_TEXT + "period: {start: 2024-04-01, end: 2025-03-31}\n").encode())
    assert msg == "key 'period' is given twice in the same mapping, on line 2 and line 4; expected it once"


def test_a_nested_key_given_twice_is_found_too(tmp_path):
    text = GOOD_TEXT.replace("name: York}", "name: York, code: E06000015}")
    [msg] = raw_problems(tmp_path, text.encode())
    assert msg.startswith("key 'code' is given twice in the same mapping, on line 1 and line 1")


def test_a_params_file_not_in_utf8_names_the_byte_and_line(tmp_path):
    [msg] = raw_problems(tmp_path, GOOD_TEXT.encode() + "title: Qualité\n".encode("latin-1"))
    at = len(GOOD_TEXT.encode()) + len("title: Qualit")
    assert msg == f"not UTF-8 text: byte 0xe9 at offset {at:,} (line 4) is not valid UTF-8; save the file as UTF-8"


def test_a_period_longer_than_20_years_is_refused(tmp_path):
    msg = only_problem(tmp_path, period={"start": "2005-04-01", "end": "2026-03-31"})
    assert "longer than 20 years" in msg


def test_a_period_of_exactly_20_years_less_a_day_is_allowed(tmp_path):
    data = good()
    data["period"] = {"start": "2006-04-01", "end": "2026-03-31"}
    assert load_params(write(tmp_path, data)).period.start == dt.date(2006, 4, 1)


@pytest.mark.parametrize("field, value", [("period.start", "1989-12-31"), ("options.baseline_date", "1985-01-01")])
def test_dates_before_1990_are_refused_by_default(tmp_path, field, value):
    data = good()
    if field == "period.start":
        data["period"] = {"start": value, "end": "2005-12-31"}
    else:
        data["options"] = {"baseline_date": value}
    [msg] = problems(tmp_path, data)
    assert msg.startswith(f"{field} {value} is outside the dates this report allows; expected a date from 1990-01-01")


def test_dates_more_than_a_year_ahead_are_refused(tmp_path):
    from carequality.params import default_latest_date

    latest = default_latest_date()
    msg = only_problem(tmp_path, period={"start": str(latest), "end": str(latest + dt.timedelta(days=1))})
    assert msg.startswith(f"period.end {latest + dt.timedelta(days=1)} is outside the dates this report allows")


def test_the_date_bounds_are_options(tmp_path):
    data = good()
    data["period"] = {"start": "1985-04-01", "end": "1986-03-31"}
    data["options"] = {"earliest_date": "1980-01-01"}
    assert load_params(write(tmp_path, data)).period.start == dt.date(1985, 4, 1)
    data["options"] = {"earliest_date": "1800-01-01"}
    [msg] = problems(tmp_path, data)
    assert msg.startswith("options.earliest_date: 1800-01-01 is outside the dates a report can use")


def test_a_path_with_a_nul_character_is_named(tmp_path):
    msg = only_problem(tmp_path, inputs={"cqc_ratings": "cqc\x00.csv"})
    assert msg == "inputs.cqc_ratings: 'cqc\\x00.csv' holds a NUL character; expected a file name"


def test_a_path_too_long_for_the_system_is_named(tmp_path):
    msg = only_problem(tmp_path, inputs={"cqc_ratings": "a" * 300 + ".csv"})
    assert msg.startswith("inputs.cqc_ratings:") and "is not a usable path (File name too long)" in msg


def test_no_location_types_is_refused(tmp_path):
    msg = only_problem(tmp_path, options={"location_types": []})
    assert msg.startswith("options.location_types:")


def test_a_key_that_overrides_a_yaml_merge_is_not_a_duplicate(tmp_path):
    text = GOOD_TEXT.replace("period: {start: 2025-04-01, end: 2026-03-31}",
                             "period:\n  <<: {start: 2025-04-01, end: 2025-12-31}\n  end: 2026-03-31")
    (tmp_path / "cqc.csv").write_text("Location ID\n1\n")
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert load_params(path).period.end == dt.date(2026, 3, 31)


def test_each_date_out_of_bounds_is_its_own_line(tmp_path):
    data = good()
    data["options"] = {"latest_date": "1995-01-01"}
    found = problems(tmp_path, data)
    assert [p.split(" ")[0] for p in found] == ["period.start", "period.end"]


# ---- the council's commentary, its standard, the watch list and the Word template (issue 12) ----------------
def _with_commentary(tmp_path: Path, text: str) -> Path:
    (tmp_path / "commentary.md").write_text(text, encoding="utf-8")
    data = good()
    data["inputs"]["commentary"] = "commentary.md"
    return write(tmp_path, data)


def test_a_commentary_block_of_an_unknown_key_is_a_params_error_naming_the_key_and_the_line(tmp_path):
    path = _with_commentary(tmp_path, "## introduction\nHello.\n\n## rating_chnages\nText.\n")
    with pytest.raises(ParamsError) as e:
        load_params(path)
    assert e.value.file.endswith("commentary.md")
    assert e.value.problems[0].startswith("line 4: '## rating_chnages' is not a block")
    assert "did you mean rating_changes" in e.value.problems[0]


def test_a_valid_commentary_file_passes(tmp_path):
    p = load_params(_with_commentary(tmp_path, "## introduction\nHello.\n## recommendations\n1. Note it.\n"))
    assert p.path(p.inputs.commentary).is_file()


def test_carequality_check_refuses_a_bad_commentary_with_exit_code_2(tmp_path, capsys):
    from carequality.cli import main

    path = _with_commentary(tmp_path, "## introdution\nHello.\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1: '## introdution' is not a block" in err and "Traceback" not in err


def test_the_standard_defaults_and_its_order(tmp_path):
    p = load_params(write(tmp_path, good()))
    assert (p.options.standard.green_from, p.options.standard.amber_from) == (80.0, 70.0)
    assert p.options.inspection_overdue_months == 30
    data = good() | {"options": {"standard": {"green_from": 60, "amber_from": 75}}}
    assert any("amber_from 75 is above green_from 60" in x for x in problems(tmp_path, data))


def test_a_missing_word_template_is_named(tmp_path):
    data = good() | {"options": {"reference_docx": "council.docx"}}
    assert any(x.startswith("options.reference_docx: file not found") for x in problems(tmp_path, data))


def test_an_unknown_profile_names_the_profiles():
    from carequality.params import check_profile

    assert check_profile("summary") == "summary"
    with pytest.raises(ValueError, match="expected one of full, summary"):
        check_profile("councillors")


def test_the_manifest_never_writes_the_secret_reference_key(tmp_path):
    from carequality.params import SECRET_SHOWN, params_for_manifest, parse_params

    (tmp_path / "r.csv").write_text("x\n")
    p = parse_params({"council": {"code": "E06000014", "name": "York"},
                      "period": {"start": "2025-04-01", "end": "2026-03-31"},
                      "inputs": {"cqc_ratings": "r.csv"}, "options": {"reference_key": "a-very-secret-key"}},
                     source=tmp_path / "p.yaml", base_dir=tmp_path)
    data = params_for_manifest(p)
    assert data["options"]["reference_key"] == SECRET_SHOWN
    assert "a-very-secret-key" not in str(data)
    assert p.options.reference_key == "a-very-secret-key"  # still used to make the references
