"""Issue 21: safe to publish by default. The committee paper (summary profile) and a publication-mode report name
no provider or location on the risk register or the watch list, in any format; the committee paper's exempt
appendix (its own HTML and PDF, marked not for publication with the council's Schedule 12A reason) does."""

from __future__ import annotations

import csv
import html as html_lib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    """What a reader of the file sees, as one line of words."""
    if path.suffix == ".pdf":
        # -raw: the text in the order it is drawn, cell by cell (a name over two lines of a cell stays whole).
        raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    elif path.suffix in (".xlsx", ".ods", ".docx"):
        with zipfile.ZipFile(path) as z:
            raw = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        raw = html_lib.unescape(re.sub(r"<[^>]+>", " ", raw))
    elif path.suffix in (".html", ".csv", ".json"):
        raw = html_lib.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    else:
        return ""
    return " ".join(raw.split())


def _outputs(folder: Path) -> list[Path]:
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".pdf", ".xlsx", ".ods", ".docx", ".csv", ".json")
    ]


def _public(folder: Path) -> list[Path]:
    """The committee paper's files a clerk may publish: all but the exempt/ folder."""
    return [p for p in _outputs(folder) if p.relative_to(folder).parts[0] != "exempt"]


@pytest.fixture(scope="module")
def identifying_names(renders) -> set[str]:
    """Every provider and location name on the risk register (the high-risk tables) or the watch list, as the
    analyst's full report (working mode) names them."""
    tables = renders[0].out_dir / "tables"
    names: set[str] = set()
    for name in ("high_risk_in_area", "high_risk_out_of_area", "watch_list"):
        with open(tables / f"{name}.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names |= {row[c].strip() for c in ("Provider", "Location") if row.get(c, "").strip()}
    assert len(names) >= 10  # the example's register and watch list name many services
    return names


def _named(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))


def test_the_committee_paper_names_no_provider_under_intervention(summary_render, identifying_names):
    outputs = _public(summary_render.out_dir)
    assert {p.suffix for p in outputs} >= {".html", ".pdf", ".xlsx", ".ods", ".docx", ".csv"}
    for path in outputs:
        assert not _named(_text(path), identifying_names), path.name


def test_a_publication_mode_report_names_no_provider_under_intervention(published_render, identifying_names):
    outputs = _outputs(published_render.out_dir)
    assert {p.suffix for p in outputs} >= {".html", ".pdf", ".xlsx", ".ods", ".docx", ".csv"}
    for path in outputs:
        assert not _named(_text(path), identifying_names), path.name


def test_the_exempt_appendix_names_them_and_says_why_it_is_exempt(summary_render, renders):
    folder = summary_render.out_dir
    high_risk = set()
    for name in ("high_risk_in_area", "high_risk_out_of_area"):
        with open(renders[0].out_dir / "tables" / f"{name}.csv", newline="", encoding="utf-8") as f:
            high_risk |= {r["Location"] for r in csv.DictReader(f)}
    for suffix in (".html", ".pdf"):
        text = _text(folder / "exempt" / f"exempt_appendix{suffix}")
        assert high_risk and set(_named(text, high_risk)) == high_risk
        assert "NOT FOR PUBLICATION" in text and "Schedule 12A" in text
        assert "Summary of risk" in text  # the concerns' text is here, not in the paper
    assert "Summary of risk" not in _text(folder / "report.html")


def test_the_committee_paper_opens_with_its_front_sheet_and_recommends_early(summary_render):
    pdf = summary_render.outputs["pdf"]

    def page(n: int) -> str:
        return " ".join(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )

    first = page(1)
    for label in (
        "Committee",
        "Date of meeting",
        "Report of",
        "Lead officer",
        "Contact",
        "Cabinet member",
        "Wards affected",
        "Key decision",
        "Public or exempt",
    ):
        assert label in first
    assert "Health and Adult Social Care Policy and Scrutiny Committee" in first
    assert "16 June 2026" in first
    assert any("Recommendations" in page(n) and "The panel is asked to" in page(n) for n in (2, 3))
    # The contents list gives each section's page (the PDF is printed twice to fill them in).
    layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "3", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    listed = dict(re.findall(r"^\s*\d+ (Key messages|Recommendations|Implications)\s+(\d+)\s*$", layout, re.M))
    assert set(listed) == {"Key messages", "Recommendations", "Implications"}
    for heading, number in listed.items():
        assert re.search(rf"\d+ {heading}", page(int(number))), heading
    text = _text(pdf)
    assert "Provenance" not in text and "SHA-256" not in text  # in the method-and-data annex instead
    method = _text(summary_render.out_dir / "method_annex.pdf")
    assert "SHA-256" in method and "Data quality" in method
    assert "Background papers" in text and "Method and data annex" in text
    for heading in (
        "Purpose of the report",
        "Implications",
        "Financial implications",
        "Legal implications",
        "Equalities implications",
        "Risk implications",
    ):
        assert heading in text


def test_the_committee_paper_counts_high_risk_services_and_lists_none(summary_render):
    """Review r1, defect 1: a row per high-risk service (its type, risk level and people funded, under a provider
    reference) joins with the public rating counts to pick out the service under intervention. The paper counts
    them by risk level alone (review r3: a type at a level named a service); the rows are in the exempt appendix only."""
    folder = summary_render.out_dir
    for name in ("high_risk_in_area", "high_risk_out_of_area"):
        with open(folder / "tables" / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and list(rows[0]) == ["Risk level", "Services", "Placements suspended"], name
    public = _public(folder)
    for path in public:
        text = _text(path)
        assert not re.search(r"\bP-[0-9A-Z]{6}\b", text), path.name  # no provider reference
        assert "Provider ref" not in text, path.name
    assert "People funded" in _text(folder / "exempt" / "exempt_appendix.html")


def test_what_is_not_for_publication_is_in_a_folder_of_its_own(summary_render, identifying_names):
    """Review r1, defect 15: the exempt appendix and the executed notebook (which holds the appendix's names) sat
    beside report.* and tables/, so a clerk uploading the folder published them."""
    import json

    folder = summary_render.out_dir
    assert not list(folder.glob("exempt_appendix.*")) and not list(folder.glob("*.ipynb"))
    exempt = {p.name for p in (folder / "exempt").iterdir()}
    assert exempt == {"exempt_appendix.html", "exempt_appendix.pdf", "annual_report.ipynb"}
    assert _named((folder / "exempt" / "annual_report.ipynb").read_text(encoding="utf-8"), identifying_names)
    outputs = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert {"exempt/exempt_appendix.html", "exempt/exempt_appendix.pdf"} <= set(outputs)
    assert all((folder / o).is_file() for o in outputs)
