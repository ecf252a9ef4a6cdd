"""The bad-input corpus: every case of cases.yaml run through the CLI, with the exit code and message it expects.

One small file per class of bad input from issue 13 (files/, written by make_files.py; params/ for broken
params files). A refused case must exit 2, print no traceback and name what cases.yaml says; an accepted one
(exit 0) must list its data-quality row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from carequality.cli import main

HERE = Path(__file__).resolve().parent
SPEC = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
CASES = SPEC["cases"]


def _runs() -> list:
    out = []
    for case in CASES:
        for command in case.get("commands", ["check"]):
            out.append(pytest.param(case, command, id=f"{command}: {case['name']}"))
    return out


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base.get(k, {}), v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _absolute(inputs: dict) -> dict:
    return {k: (None if v is None else str((HERE / v).resolve())) for k, v in inputs.items()}


def _params_file(case: dict, tmp_path: Path) -> Path:
    path = tmp_path / "params.yaml"
    if "params_file" in case:
        (tmp_path / "files").symlink_to(HERE / "files")
        path.write_bytes((HERE / case["params_file"]).read_bytes())
        return path
    data = _merge(SPEC["base"], case.get("params", {}))
    data["inputs"] = {k: v for k, v in _absolute(data["inputs"]).items() if v is not None}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "cache"))


def test_every_case_names_a_file_that_exists():
    for case in CASES:
        named = [case["params_file"]] if "params_file" in case else [
            v for v in case.get("params", {}).get("inputs", {}).values() if v]
        for name in named + ([case["warm"]] if "warm" in case else []):
            assert (HERE / name).exists(), (case["name"], name)


@pytest.mark.parametrize("case, command", _runs())
def test_bad_input_is_refused_by_name(case, command, tmp_path, capsys):
    if "warm" in case:
        warm = _merge(SPEC["base"], {"inputs": {"cqc_ratings": case["warm"]}})
        warm["inputs"] = _absolute(warm["inputs"])
        (tmp_path / "warm.yaml").write_text(yaml.safe_dump(warm), encoding="utf-8")
        assert main(["check", str(tmp_path / "warm.yaml")]) == 0
    params = _params_file(case, tmp_path)
    argv = [command, str(params)] + (["--out", str(tmp_path / "out"), "--quiet"] if command == "render" else [])
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    printed = out + err
    assert code == case.get("exit", 2), printed
    assert "Traceback" not in printed and "unexpected error" not in printed, printed
    if "message" in case:
        assert re.search(case["message"], printed), printed
    if command == "render" and code != 0:  # refused: nothing left beside the outputs, no kernel started for CQC data
        council = tmp_path / "out" / "york"
        assert not council.exists() or not [p for p in council.iterdir() if p.name.startswith(".")]
    if "data_quality" in case or "as_of" in case:
        from carequality.run.render import check

        _, model = check(params)
        issues = list(model.data_quality["issue"])
        assert any(re.search(case["data_quality"], i) for i in issues), issues
        if "as_of" in case:
            assert model.as_of.date().isoformat() == case["as_of"]
