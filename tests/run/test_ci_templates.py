"""The CI templates for a council's own repository (templates/ci/, docs/ci.md): both parse, install with the
README's command, check and render every params file, run the notebook under nbval and keep the outputs."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from conftest import ROOT

CI = ROOT / "templates" / "ci"
PARAMS_GLOB = "params/*/*.yaml"


def _github() -> tuple[dict, list[str]]:
    data = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    (job,) = data["jobs"].values()
    return data, [step["run"] for step in job["steps"] if "run" in step]


def _gitlab() -> tuple[dict, list[str]]:
    data = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    jobs = [v for k, v in data.items() if isinstance(v, dict) and "script" in v]
    return data, [line for job in jobs for line in job["script"]]


def _commands(scripts: list[str]) -> list[list[str]]:
    """Each shell command of the scripts, as words (for loops and ; or && chains split apart)."""
    out = []
    for script in scripts:
        for part in re.split(r"\n|;|&&|\|\||\bdo\b|\bdone\b", script):
            words = shlex.split(part, comments=True)
            if words:
                out.append(words)
    return out


@pytest.mark.parametrize("load", [_github, _gitlab], ids=["github-actions", "gitlab-ci"])
def test_ci_template_checks_renders_and_runs_nbval_on_every_params_file(load):
    data, scripts = load()
    commands = _commands(scripts)
    text = "\n".join(scripts)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # The README installs with make (`make report` / `make test` create .venv through the venv target).
    assert re.search(r"^venv:", makefile, re.M) and re.search(r"^sysdeps-report:", makefile, re.M)
    assert ["make", "venv"] in commands
    assert ["make", "sysdeps-report"] in commands  # chromium and pandoc for PDF and DOCX
    # check, on every params file (a loop over the glob)
    assert re.search(r"for f in " + re.escape(PARAMS_GLOB) + r"; do\s+\.venv/bin/carequality check \"\$f\"", text)
    # render: every params file, every format, the index too
    batch = next(c for c in commands if c[:2] == [".venv/bin/carequality", "batch"])
    assert PARAMS_GLOB in batch and batch[batch.index("--out") + 1] == "outputs"
    assert set(batch[batch.index("--to") + 1].split(",")) == {"html", "pdf", "xlsx", "ods", "docx"}
    # nbval on the committed notebook
    nbval = next(c for c in commands if "pytest" in c)
    assert "--nbval-lax" in nbval and "notebooks/annual_report.ipynb" in nbval
    # the order: install, check, render, nbval
    order = [text.index(s) for s in ("make venv", "carequality check", "carequality batch", "--nbval-lax")]
    assert order == sorted(order)


def test_github_actions_keeps_the_outputs_even_when_a_step_fails():
    data, _ = _github()
    assert data.get("on", data.get(True))  # PyYAML reads the key `on` as True
    (job,) = data["jobs"].values()
    assert job["container"].startswith("python:3.11-")  # Debian, Python 3.11: the README's platform
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "outputs/"


def test_gitlab_ci_keeps_the_outputs_even_when_a_step_fails():
    data, _ = _gitlab()
    assert data["image"].startswith("python:3.11-")
    (job,) = [v for v in data.values() if isinstance(v, dict) and "script" in v]
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["paths"] == ["outputs/"]


def test_docs_explain_both_templates():
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "templates/ci/github-actions.yml" in doc and "templates/ci/gitlab-ci.yml" in doc
    assert ".github/workflows/" in doc and ".gitlab-ci.yml" in doc
