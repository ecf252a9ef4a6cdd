"""A council's own project (issue 24): `carequality init`, `doctor`, `params upgrade`, `params new`'s stubs, and
`make sysdeps-report` without admin rights."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess

import pytest
import yaml

from carequality import __version__, cli
from carequality import params as schema
from carequality.errors import ParamsError
from carequality.params import SCHEMA_VERSION, Inputs, SchemaChange, load_params, validate_params
from carequality.project import MANIFEST, financial_year, init_project
from carequality.run.atomic import current_umask
from carequality.run.doctor import run_checks
from carequality.run.scaffold import new_params
from carequality.run.upgrade import upgrade_params, upgrade_text
from conftest import EXAMPLE_PARAMS, ROOT

EXAMPLE_DATA = ROOT / "data" / "example"


@pytest.fixture(scope="module")
def york(tmp_path_factory):
    """York's project for 2025-26, as init writes it."""
    folder = tmp_path_factory.mktemp("york-project")
    init_project(folder, "York", "2025-26")
    return folder


def _without_version(text: str) -> str:
    """A params file as carequality 0.1.0 wrote it: no schema_version line."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("schema_version:"))


# ---- init ---------------------------------------------------------------------------------------
def test_init_writes_every_file_the_readme_names(york):
    names = {p.relative_to(york).as_posix() for p in york.rglob("*") if p.is_file()}
    assert {"README.md", ".gitignore", "params/2025-26.yaml", "commentary.md", "example/params.yaml",
            ".github/workflows/carequality.yml", ".gitlab-ci.yml", MANIFEST.as_posix()} <= names
    readme = (york / "README.md").read_text(encoding="utf-8")
    for path in ("params/2025-26.yaml", "data/cqc/latest_ratings.ods", "templates/", "records/", "commentary.md",
                 "outputs/york/2025-04-01_to_2026-03-31/", "carequality doctor", "carequality check",
                 "carequality render", "report.pdf", "watch_list.xlsx", "manifest.json", "using-cqc-data"):
        assert path in readme, path
    assert "$" not in readme.replace("```sh", "")  # every placeholder filled
    assert stat.S_IMODE((york / "README.md").stat().st_mode) == 0o666 & ~current_umask()  # as any file saved


def test_the_record_templates_and_commentary_are_this_repository_s(york):
    repo = ROOT / "templates" / "inputs"
    for p in sorted(repo.glob("*.*sv")) + sorted(repo.glob("*.xlsx")):
        assert (york / "templates" / p.name).read_bytes() == p.read_bytes(), p.name
    assert len(list((york / "templates").iterdir())) == len(list(repo.glob("*.csv"))) + len(list(repo.glob("*.xlsx")))
    assert (york / "commentary.md").read_bytes() == (ROOT / "templates" / "commentary.md").read_bytes()
    # The example's params are York's example params with the data beside them in example/data/.
    example = (york / "example" / "params.yaml").read_text(encoding="utf-8")
    repo_example = EXAMPLE_PARAMS.read_text(encoding="utf-8").replace("../../data/example/", "data/")
    assert example.splitlines()[2:] == repo_example.splitlines()[2:]


def test_check_accepts_the_params_once_the_cqc_file_is_in_place(york, capsys):
    params = york / "params" / "2025-26.yaml"
    with pytest.raises(ParamsError, match=r"inputs.cqc_ratings: file not found: .*data/cqc/latest_ratings.ods"):
        load_params(params)
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION and data["council"] == {"code": "E06000014", "name": "York"}
    # Every input a council may add is a commented stub, under records/.
    for name in Inputs.model_fields:
        assert re.search(rf"^  (# )?{name}: \.\./", params.read_text(encoding="utf-8"), re.M), name
    # CQC's file saved as the README says (the example's rows, as an ODS file like CQC's own).
    import pandas as pd

    frame = pd.read_csv(EXAMPLE_DATA / "cqc_ratings_example.csv", dtype=str, keep_default_na=False)
    (york / "data" / "cqc").mkdir(exist_ok=True)
    frame.to_excel(york / "data" / "cqc" / "latest_ratings.ods", engine="odf", index=False, sheet_name="Locations")
    try:
        assert cli.main(["check", str(params)]) == 0
        out = capsys.readouterr()
        assert "params valid; York (E06000014)" in out.out and "params upgrade" not in out.err
    finally:
        (york / "data" / "cqc" / "latest_ratings.ods").unlink()


def test_git_ignores_outputs_and_the_council_s_records_only(york):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(york)], check=True)
    ignored = ["outputs/york/report.html", "records/risk_register.xlsx", "example/data/cqc_ratings_example.csv"]
    kept = ["records/README.md", "params/2025-26.yaml", "data/cqc/latest_ratings.ods", "templates/qa_visits.xlsx",
            "commentary.md", ".gitlab-ci.yml"]
    run = subprocess.run(["git", "-C", str(york), "check-ignore", "--no-index", *ignored, *kept],
                         capture_output=True, text=True)
    assert run.stdout.split() == ignored


def test_ci_files_are_pinned_to_this_version_and_run_the_project_s_params(york):
    for path in (york / ".github" / "workflows" / "carequality.yml", york / ".gitlab-ci.yml"):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert data  # valid YAML
        assert f'pip install -q "carequality=={__version__}"' in text
        assert "carequality check" in text and "batch params/*.yaml" in text and "outputs/" in text
        assert "pytest" not in text and "make " not in text and "tests/" not in text  # never this repository's tests
        assert '"$f"' in text and "$$" not in text


def test_init_refuses_a_folder_in_use_and_never_overwrites_a_changed_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("the council's own file")
    assert cli.main(["init", str(tmp_path), "--council", "York", "--period", "2025-26"]) == 2
    assert "is not empty; give --force" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert cli.main(["init", str(tmp_path), "--council", "E06000014", "--period", "2025-26", "--force"]) == 0
    (tmp_path / "commentary.md").write_text("## introduction\nOur words.\n", encoding="utf-8")
    gitlab = (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8")
    # A new release: init --force updates the files nobody changed (the CI pin) and keeps the council's.
    import carequality

    monkeypatch.setattr(carequality, "__version__", "9.9.9")
    result = init_project(tmp_path, "York", "2025-26", force=True)
    assert "commentary.md" in result.kept and ".gitlab-ci.yml" in result.updated and "notes.txt" not in result.kept
    assert (tmp_path / "commentary.md").read_text(encoding="utf-8") == "## introduction\nOur words.\n"
    assert (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8") == gitlab.replace(__version__, "9.9.9")
    assert (tmp_path / "notes.txt").read_text() == "the council's own file"
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["council"] == "E06000014" and "commentary.md" in manifest["files"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--council", "Yrok"], "did you mean 'York'"),
        (["--period", "2025-27"], "27 does not follow 2025"),
        (["--period", "25-26"], "expected a financial year as YYYY-YY"),
    ],
)
def test_bad_init_arguments_exit_2_with_a_message(tmp_path, capsys, args, message):
    base = {"--council": "York", "--period": "2025-26"}
    base.update(dict(zip(args[::2], args[1::2])))
    assert cli.main(["init", str(tmp_path / "p"), *[x for kv in base.items() for x in kv]]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def test_the_default_period_is_the_last_financial_year_that_has_ended():
    import datetime as dt

    assert financial_year(None, dt.date(2026, 12, 8)).start == dt.date(2025, 4, 1)
    assert financial_year(None, dt.date(2026, 3, 31)).end == dt.date(2025, 3, 31)
    assert financial_year(None, dt.date(2026, 4, 1)).end == dt.date(2026, 3, 31)
    assert financial_year("2025-04-01:2025-09-30").end == dt.date(2025, 9, 30)


# ---- doctor -------------------------------------------------------------------------------------
def test_doctor_names_what_is_missing_with_its_install_command_and_what_still_works(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pandoc = bin_dir / "pandoc"
    pandoc.write_text("#!/bin/sh\necho pandoc 3\n")
    pandoc.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))  # a machine with pandoc and nothing else
    for var in ("CAREQUALITY_CHROMIUM", "CAREQUALITY_PANDOC", "CQC_SUBSCRIPTION_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CAREQUALITY_FONT_DIRS", str(tmp_path / "no-fonts"))
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("CAREQUALITY_CACHE", str(tmp_path / "file" / "cache"))  # under a file: not writable
    assert cli.main(["doctor"]) == 0  # HTML and the spreadsheets still work
    out = capsys.readouterr().out
    assert re.search(r"^MISSING +Chromium +not found +\[PDF\]$", out, re.M)
    assert "install (Debian/Ubuntu): sudo apt-get install chromium" in out
    assert re.search(rf"^ok +pandoc +{re.escape(str(pandoc))}", out, re.M)
    assert "sudo apt-get install fonts-liberation" in out and "is not writable" in out
    assert re.search(r"^not set +CQC API key", out, re.M)
    assert "Works now: HTML, XLSX, ODS, CSV tables, Word (DOCX)." in out and "Not yet: PDF." in out
    assert f"carequality {__version__}" in out


def test_doctor_finds_everything_on_this_machine():
    checks = {c.name: c for c in run_checks({"CQC_SUBSCRIPTION_KEY": "k"})}
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    assert checks["CQC API key"].found == "CQC_SUBSCRIPTION_KEY is set (not shown)"


# ---- schema versions and params upgrade ---------------------------------------------------------
def test_a_0_1_0_params_file_renders_under_this_version_and_upgrade_states_its_schema(tmp_path, capsys):
    folder = tmp_path / "params" / "york"
    folder.mkdir(parents=True)
    os.symlink(ROOT / "data", tmp_path / "data")
    old = _without_version(EXAMPLE_PARAMS.read_text(encoding="utf-8"))
    path = folder / "2025-26-example.yaml"
    path.write_text(old, encoding="utf-8")
    assert load_params(path).schema_version == 1
    assert cli.main(["check", str(path)]) == 0
    assert f"`carequality params upgrade {path}`" in capsys.readouterr().err
    assert cli.main(["params", "upgrade", str(path)]) == 0
    assert "schema_version: 2 stated" in capsys.readouterr().out
    new = path.read_text(encoding="utf-8")
    assert new == EXAMPLE_PARAMS.read_text(encoding="utf-8")  # comments, order and quoting kept; one line added
    assert load_params(path).schema_version == SCHEMA_VERSION
    assert cli.main(["params", "upgrade", str(path)]) == 0 and "nothing to change" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == new


def test_a_file_for_a_newer_schema_says_to_upgrade_carequality(tmp_path, capsys):
    text = EXAMPLE_PARAMS.read_text(encoding="utf-8").replace("schema_version: 2", "schema_version: 7")
    with pytest.raises(ParamsError, match=r"schema_version: 7 is newer than this carequality .* upgrade carequality"):
        validate_params(yaml.safe_load(text), source="p.yaml", base_dir=tmp_path)
    with pytest.raises(ParamsError, match="schema_version: 'two' is not a params schema version"):
        validate_params({**yaml.safe_load(text), "schema_version": "two"}, source="p.yaml", base_dir=tmp_path)


def test_a_renamed_setting_is_named_with_its_new_form_and_upgrade_renames_it(tmp_path, monkeypatch):
    """The machinery a later schema uses: options.protective_marking renamed options.marking in schema 3."""
    change = SchemaChange(3, "options.protective_marking", "options.marking", "the same words")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(schema, "SCHEMA_RELEASES", {**schema.SCHEMA_RELEASES, 3: "0.3.0"})
    monkeypatch.setattr(schema, "SCHEMA_CHANGES", (change,))
    text = EXAMPLE_PARAMS.read_text(encoding="utf-8").replace("  protective_marking: OFFICIAL\n",
                                                              "  protective_marking: OFFICIAL  # our marking\n")
    with pytest.raises(ParamsError) as e:
        validate_params(yaml.safe_load(text), source="p.yaml", base_dir=tmp_path)
    assert e.value.problems == [
        "options.protective_marking: renamed to options.marking in carequality 0.3.0 (params schema 3); the same "
        "words; `carequality params upgrade FILE` makes this change"
    ]
    new, changes = upgrade_text(text)
    assert changes[0].startswith("options.protective_marking: renamed to options.marking") and len(changes) == 2
    assert re.search(r"^  marking: OFFICIAL +# our marking\n", new, re.M) and "protective_marking" not in new
    assert "schema_version: 3  # the params schema" in new
    back = new.replace("  marking:", "  protective_marking:").replace("schema_version: 3", "schema_version: 2")
    assert re.sub(r" +#", " #", back) == re.sub(r" +#", " #", text)  # every comment and line kept, in place


def test_upgrade_refuses_what_is_not_a_params_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- a\n- list\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="expected a mapping"):
        upgrade_params(path)
    with pytest.raises(ParamsError, match="params file not found"):
        upgrade_params(tmp_path / "none.yaml")


# ---- params new: stubs, and the example's CQC file ---------------------------------------------
def test_params_new_writes_a_commented_stub_for_every_input_and_marks_the_example_data(tmp_path):
    path, params = new_params("Lincolnshire", "2025-04-01:2026-03-31", EXAMPLE_DATA / "cqc_ratings_example.csv",
                              tmp_path / "p" / "lincs.yaml")
    text = path.read_text(encoding="utf-8")
    for name in Inputs.model_fields:
        if name != "cqc_ratings":
            assert re.search(rf"^  # {name}: \.\./\.\./data/lincolnshire/", text, re.M), name
    # A report of another council from the example's CQC file says its data are examples.
    assert params.options.example_data and load_params(path).options.example_data
    plain = tmp_path / "p" / "plain.yaml"
    plain.write_text(text.replace("options:\n  example_data: true\n", ""), encoding="utf-8")
    assert load_params(plain).options.example_data


# ---- without admin rights -----------------------------------------------------------------------
def test_make_sysdeps_report_without_admin_rights_says_what_is_missing_and_goes_on(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for name, body in (("id", "echo 1000"), ("sudo", "echo 'sudo: a password is required' >&2; exit 1"),
                       ("apt-get", "echo apt-get ran >&2; exit 100")):
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    run = subprocess.run(["make", "-s", "-C", str(ROOT), "sysdeps-report", "REPORT_DEBS=nosuchtool24:nosuchpackage24"],
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Cannot install Debian packages without admin rights: nosuchpackage24" in run.stdout
    assert "still written as HTML and spreadsheets" in run.stdout and "apt-get ran" not in run.stderr
    # make test's sysdeps still stops: the suite needs every tool.
    run = subprocess.run(["make", "-s", "-C", str(ROOT), "sysdeps", "TEST_DEBS=nosuchtool24:nosuchpackage24"],
                         env=env, capture_output=True, text=True)
    assert run.returncode != 0
