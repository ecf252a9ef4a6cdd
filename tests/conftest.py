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
