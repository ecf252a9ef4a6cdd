"""Shared fixtures. Real CQC data is read from ../shared/data beside the clone, never copied into the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CAREQUALITY_SHARED_DATA", ROOT.parent / "shared" / "data"))
EXAMPLE_PARAMS = ROOT / "params" / "york" / "2025-26-example.yaml"
LINCOLNSHIRE_CSV = SHARED_DATA / "cqc" / "latest_ratings" / "cqc_lincolnshire_prefiltered.csv"
OLDHAM_API = SHARED_DATA / "cqc" / "api" / "oldham_2025-03"


#: The longest test file by far (it builds, installs and runs the package in a fresh virtual environment): run first.
LONGEST_FIRST = "tests/run/test_installed_package.py"


def pytest_collection_modifyitems(config, items):
    """Longest work first, so that under xdist (`make test`: --dist loadfile --no-loadscope-reorder) no worker starts
    a long file while the other has nothing left: the installed-package test, then the files with tests marked
    slow (renders, browsers), then the rest, each group in collection order. The same order in every worker."""

    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path == LONGEST_FIRST:
            return 0
        return 1 if path in slow_files else 2

    slow_files = {i.nodeid.split("::", 1)[0] for i in items if i.get_closest_marker("slow")}
    items[:] = sorted(items, key=rank)  # stable: the order within a file is kept


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data; tests that need it are skipped outside the team (in CI it is always there)."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared/data is missing at {SHARED_DATA}; CI must have it beside the clone")
        pytest.skip("../shared/data is not beside this clone")
    return SHARED_DATA


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (a header list then data lists) as a CSV file and return its path."""
    import csv

    def _write(rows: list[list[str]], name: str = "input.csv") -> Path:
        path = tmp_path / name
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        return path

    return _write


@pytest.fixture(scope="session")
def example_render(tmp_path_factory):
    """The default report rendered once per test session (HTML, tables, manifest)."""
    from carequality.run.render import render

    out = tmp_path_factory.mktemp("example-out")
    return render(EXAMPLE_PARAMS, out)


ALL_FORMATS = ("html", "pdf", "xlsx", "ods", "docx")
#: The params files that read real CQC data from ../shared/data (every one is printed and measured).
REAL_PARAMS = tuple(sorted(p for p in (ROOT / "params").glob("*/*.yaml") if "example" not in p.name))


def need_tools(*tools: str) -> None:
    import shutil

    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make sysdeps` (make test installs them)")


@pytest.fixture(scope="session")
def summary_render(tmp_path_factory):
    """The example's committee paper (summary profile) in every format, rendered once per session."""
    from carequality.run.render import render

    need_tools("chromium", "pandoc", "pdfinfo", "pdftotext", "pdftohtml")
    return render(EXAMPLE_PARAMS, tmp_path_factory.mktemp("summary"), formats=ALL_FORMATS, profile="summary")


@pytest.fixture(scope="session")
def published_render(tmp_path_factory):
    """The example's full report in publication mode, every format, rendered once per session."""
    import yaml

    from carequality.run.render import render

    need_tools("chromium", "pandoc", "pdfinfo", "pdftotext")
    folder = tmp_path_factory.mktemp("published")
    data = yaml.safe_load(EXAMPLE_PARAMS.read_text())
    data["options"]["mode"] = "publication"
    params = EXAMPLE_PARAMS.parent / ".publication-test.yaml"  # beside the example, so its paths hold
    params.write_text(yaml.safe_dump(data))
    try:
        return render(params, folder, formats=ALL_FORMATS)
    finally:
        params.unlink()


@pytest.fixture(scope="session")
def renders(tmp_path_factory):
    """The example rendered to every format, then again (HTML, XLSX and ODS) into another folder for determinism."""
    from carequality.run.render import render

    need_tools("chromium", "pandoc", "pdfinfo", "pdftoppm", "pdftotext")
    first = render(EXAMPLE_PARAMS, tmp_path_factory.mktemp("outputs-a"), formats=ALL_FORMATS)
    second = render(EXAMPLE_PARAMS, tmp_path_factory.mktemp("outputs-b"), formats=("html", "xlsx", "ods"))
    return first, second


def assert_one_headline(result, n: int, of: int, percent: float) -> None:
    """Issue 19, item 6: the report, its manifest.json and the site index give the same n, N and share."""
    import html as html_lib
    import json
    import re

    from carequality.run.site import write_site

    page = result.html.read_text(encoding="utf-8")
    start = page.index('<h2 id="section-ratings_overview"')
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page[start : page.index("</p>", start)]))
    said = re.search(r"([\d,]+) of ([\d,]+) \(([\d.]+)%\)", text)
    assert said and said.groups() == (f"{n:,}", f"{of:,}", f"{percent:g}"), text
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["headline"]["good_or_outstanding"] == {"n": n, "of": of, "percent": percent}
    index = write_site(result.out_dir.parents[1]).read_text(encoding="utf-8")
    assert f'{percent:g}% <span class="cq-sub">({n:,} of {of:,} rated)</span>' in index
