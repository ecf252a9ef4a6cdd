"""`carequality params new`: a valid params file for any of the 153 councils, paths relative to the file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from carequality import cli
from carequality.councils import all_councils
from carequality.params import load_params
from carequality.run.scaffold import ScaffoldError, default_path, new_params, period_from_arg, period_label


@pytest.fixture
def national(tmp_path) -> Path:
    path = tmp_path / "data" / "cqc" / "national.ods"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"any bytes: params new checks that the file exists, `check` reads it")
    return path


def test_every_council_gets_a_params_file_that_validates(tmp_path, national):
    for c in all_councils():
        path, params = new_params(c.ons_code, "2025-04-01:2026-03-31", national, tmp_path / "params" / c.slug / "p.yaml")
        loaded = load_params(path)
        assert loaded == params
        assert (loaded.council.code, loaded.council.name) == (c.ons_code, c.name)
        assert loaded.period.start == dt.date(2025, 4, 1) and loaded.period.end == dt.date(2026, 3, 31)
        assert loaded.path(loaded.inputs.cqc_ratings) == national.resolve()
    assert len(list((tmp_path / "params").rglob("*.yaml"))) == 153


def test_the_input_path_is_written_relative_to_the_params_file(tmp_path, national):
    path, _ = new_params("York", "2025-04-01:2026-03-31", national, tmp_path / "params" / "york" / "2025-26.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["inputs"]["cqc_ratings"] == "../../data/cqc/national.ods"
    assert data["council"] == {"code": "E06000014", "name": "York"}
    assert data["period"] == {"start": dt.date(2025, 4, 1), "end": dt.date(2026, 3, 31)}
    # The params folder can move with its data: nothing absolute is written.
    assert str(tmp_path) not in path.read_text(encoding="utf-8")


def test_default_path_and_labels(tmp_path, national, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path, _ = new_params("kingston upon hull", "2025-06-01:2026-05-31", national)
    assert path == Path("params/kingston-upon-hull/2025-26.yaml")
    assert load_params(path).council.name == "Kingston upon Hull, City of"
    assert period_label(period_from_arg("2024-01-01:2024-06-30")) == "2024-01-01_to_2024-06-30"
    hull = next(c for c in all_councils() if c.ons_code == "E06000010")
    assert default_path(hull, period_from_arg("2025-04-01:2026-03-31")) == Path("params/kingston-upon-hull/2025-26.yaml")


def test_cli_writes_a_file_that_check_accepts_the_params_of(tmp_path, national, capsys):
    out = tmp_path / "p" / "lincs.yaml"
    code = cli.main(["params", "new", "--council", "E10000019", "--period", "2025-04-01:2026-03-31",
                     "--cqc", str(national), "--out", str(out)])
    assert code == 0
    assert "Lincolnshire (E10000019)" in capsys.readouterr().out
    assert load_params(out).council.name == "Lincolnshire"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--council", "Yrok"], "did you mean 'York'"),
        (["--council", "E99999999"], "not one of the 153 councils"),
        (["--period", "2025-04-01"], "expected START:END"),
        (["--period", "2025-04-01:2025-13-01"], "YYYY-MM-DD"),
        (["--period", "2026-04-01:2025-03-31"], "before start"),
        (["--cqc", "missing.ods"], "file not found"),
        (["--out", "params.txt"], "expected a .yaml file"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, national, capsys, args, message):
    base = {"--council": "York", "--period": "2025-04-01:2026-03-31", "--cqc": str(national),
            "--out": str(tmp_path / "p.yaml")}
    base.update(dict(zip(args[::2], args[1::2])))
    argv = ["params", "new"] + [x for kv in base.items() for x in kv]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_an_existing_file_is_kept_unless_forced(tmp_path, national):
    out = tmp_path / "york.yaml"
    new_params("York", "2025-04-01:2026-03-31", national, out)
    before = out.read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_params("Kent", "2025-04-01:2026-03-31", national, out)
    assert out.read_text(encoding="utf-8") == before
    new_params("Kent", "2025-04-01:2026-03-31", national, out, force=True)
    assert load_params(out).council.name == "Kent"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    assert os.access(out, os.R_OK)
