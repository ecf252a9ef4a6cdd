"""Issue 12, item 3: the example report reads as plain English in every format a councillor opens (HTML, PDF, Word).
The rendered text is searched for patterns that betray a template or a setting: option and input names, "nan" and
"None", "0 are", "1 locations", "as of unknown", another council's name. Option and file names are allowed only in
the two appendices written for analysts ("How this report was made" and "Data quality")."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from carequality.councils import all_councils
from carequality.model.build import build_model
from carequality.params import Inputs, Options, Standard, load_params
from carequality.run.render import render
from conftest import EXAMPLE_PARAMS

pytestmark = pytest.mark.slow

#: Sections written for the analyst who makes the report again: settings and file names belong there.
ANALYST_SECTIONS = ("method", "data_quality", "provenance")


class _Text(HTMLParser):
    """The visible text of an HTML report, by section (text before the first section heading is keyed ""), and the
    section titles in order. Scripts, styles and the values of attributes are not text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_section: dict[str, list[str]] = {"": []}
        self.titles: list[tuple[str, str]] = []
        self.current = ""
        self.skip = 0
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        ident = dict(attrs).get("id") or ""
        if tag in ("h1", "h2", "h3") and (ident.startswith("section-") or ident == "provenance"):
            self.current = ident.removeprefix("section-")
            self.by_section.setdefault(self.current, [])
            self.titles.append((self.current, ""))
            self.in_heading = True

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in ("h1", "h2", "h3"):
            self.in_heading = False

    def handle_data(self, data):
        if self.skip:
            return
        self.by_section[self.current].append(data)
        if self.in_heading:
            key, title = self.titles[-1]
            self.titles[-1] = (key, " ".join((title + data).split()))


def parse_html(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def html_text(parser: _Text) -> tuple[str, str]:
    """(reader-facing text, text of the analysts' appendices) of an HTML report."""
    reader = " ".join(" ".join(v) for k, v in parser.by_section.items() if k not in ANALYST_SECTIONS)
    analyst = " ".join(" ".join(v) for k, v in parser.by_section.items() if k in ANALYST_SECTIONS)
    return " ".join(reader.split()), " ".join(analyst.split())


def without_analyst_sections(text: str, titles: list[tuple[str, str]]) -> str:
    """PDF or Word text without the analysts' appendices. Each section's heading is found from the end backwards
    (so a title in the contents list or in a sentence before the section is not taken for it); an analysts' section
    runs from its heading to the next section's."""
    positions, end = [], len(text)
    for _, title in reversed(titles):
        end = text.rfind(title, 0, end)
        assert end >= 0, f"section title not found: {title}"
        positions.append(end)
    positions.reverse()
    keep, last = [], 0
    for i, (key, _) in enumerate(titles):
        if key in ANALYST_SECTIONS:
            keep.append(text[last:positions[i]])
            last = positions[i + 1] if i + 1 < len(titles) else len(text)
    keep.append(text[last:])
    return " ".join(keep)


def setting_names() -> set[str]:
    """Every name a params file can hold: options, the standard's fields and inputs."""
    return {n for model in (Options, Standard, Inputs) for n in model.model_fields if "_" in n}


def data_words(model) -> set[str]:
    """Every text cell of the council's inputs as loaded: a council named there (the area of an out-of-area service,
    the lead council of a risk case) is data the report may show."""
    frames = [model.locations, model.cqc_locations_all]
    frames += [getattr(model.records, f.name) for f in dataclasses.fields(model.records)]
    words = set()
    for frame in frames:
        if isinstance(frame, pd.DataFrame):
            for column in frame.columns:
                if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                    words |= {str(v) for v in frame[column].dropna().unique()}
    return words


def other_council_names(params, data: set[str]) -> set[str]:
    """Names of councils the example has no reason to name: not the council, its peers or a council the inputs
    name (Coventry's Table One in York's report, say)."""
    own = {params.council.code, *params.options.peer_group_codes}
    keep = {c.short_name for c in all_councils() if c.ons_code in own} | data
    names = set()
    for c in all_councils():
        if c.ons_code in own:
            continue
        for name in (c.name, c.short_name):
            # A name inside a kept name ("York" in "North Yorkshire" is the other way round) is not evidence of
            # another council.
            if not any(name in k for k in keep) and name not in params.council.name:
                names.add(name)
    return names


#: (what it betrays, pattern) — searched in the reader-facing text.
BANNED: list[tuple[str, re.Pattern[str]]] = [
    ("a missing value printed as nan", re.compile(r"\b(?:nan|NaN|NaT)\b")),
    ("Python's None", re.compile(r"\bNone\b")),
    ("a zero written as a number with a verb", re.compile(r"(?<![\d.,%£])\b0 (?:are|is|were|was|have|has)\b")),
    ("a plural after 1", re.compile(r"(?<![\d.,])\b1 (?:locations|services|providers|homes|visits|cases|people|"
                                    r"councils|reports|ratings|rows|days|months|years|inspections)\b")),
    ("an unknown as-of date", re.compile(r"as of unknown|unknown date", re.I)),
    ("a params file word", re.compile(r"\bparams\b|\boptions\.|\binputs\.")),
    ("a file-format word", re.compile(r"\bheader era\b|\bCSV\b|\bYAML\b|\bJSON\b")),
    ("a change of a share written as a percentage", re.compile(r"(?<![\w])[+−-]\d+(?:\.\d+)?%")),
    ("a template's doubled word", re.compile(r"\b(the|a|of|in|and) \1\b", re.I)),
]
#: Slips of grammar and of names that no part of a report may have, the analysts' appendices included (issue 19).
GRAMMAR: list[tuple[str, re.Pattern[str]]] = [
    ("a plural after 1", BANNED[3][1]),
    ("a verb agreeing with a count, not with its plural subject",
     re.compile(r"\bplacements (?:was|is|has)\b|\b(?:rows|people|providers|homes) (?:was|is|has|needs)\b")),
    ("a name written small", re.compile(r"(?<![\w./@:-])(?:cqc|england|nhs|ons|lg inform)(?![\w./@-])")),
]
BANNED += GRAMMAR[1:]


def offences(text: str, settings: set[str], councils: set[str]) -> list[str]:
    found = []
    for what, pattern in BANNED:
        found += [f"{what}: …{text[max(0, m.start() - 40):m.end() + 40]}…" for m in pattern.finditer(text)]
    for name in sorted(settings):
        if re.search(rf"\b{re.escape(name)}\b", text):
            found.append(f"a setting's name: {name}")
    for name in sorted(councils):
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        if m:
            found.append(f"another council's name: …{text[max(0, m.start() - 40):m.end() + 40]}…")
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    missing = [t for t in ("chromium", "pandoc", "pdftotext") if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make sysdeps` (make test installs them)")
    return render(EXAMPLE_PARAMS, tmp_path_factory.mktemp("plain"), formats=("html", "pdf", "docx"))


@pytest.fixture(scope="module")
def rules():
    params = load_params(EXAMPLE_PARAMS)
    return setting_names(), other_council_names(params, data_words(build_model(params)))


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _docx_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    # Word splits a paragraph into runs: join runs, then paragraphs with a space.
    paragraphs = [" ".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)).split())
                  for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)]
    return unescape(" ".join(p for p in paragraphs if p))


def test_the_rules_catch_what_issue_12_found():
    """The patterns fail on the sentences the issue quotes, and pass their plain rewrites."""
    settings, councils = setting_names(), {"Coventry"}
    bad = ["set options.baseline_date", "from params (options.peer_group_codes)", "header era 'Domain'",
           "as of unknown", "Coventry City Council's Table One", "0 are rated Requires improvement", "1 locations",
           "a change of -1%", "value nan", "None", "new placements was suspended at 1 of them",
           "1 rows need attention", "Monthly counts of cqc ratings for england"]
    for text in bad:
        assert offences(text, settings, councils), text
    good = ["none are rated Requires improvement", "1 location", "down 1.0 percentage points", "78 of 97 (80.4%)",
            "between 70% and 80%", "the baseline date", "new placements were suspended at 1 of them",
            "1 row needs attention", "Monthly counts of CQC ratings for England", "cqc_ratings_example.csv",
            "https://www.cqc.org.uk/about-us"]
    for text in good:
        assert offences(text, settings, councils) == [], text


@pytest.fixture(scope="module")
def html(rendered):
    return parse_html(rendered.html.read_text(encoding="utf-8"))


def test_the_html_report_reads_as_plain_english(html, rules):
    reader, analyst = html_text(html)
    assert "How this report was made" in analyst and "options.standard.green_from" in analyst
    assert "Sources this report was made from" in analyst and "Key-question ratings" not in analyst
    assert offences(reader, *rules) == []
    # The analysts' appendices may name settings and files, but never print a missing value as text, nor slip in
    # grammar or names.
    kinds = ("a missing", "Python", *(what for what, _ in GRAMMAR))
    assert [o for o in offences(analyst, set(), set()) if o.startswith(kinds)] == []


def test_the_pdf_reads_as_plain_english(rendered, html, rules):
    text = _pdf_text(rendered.out_dir / "report.pdf")
    assert "Key messages" in text and len(text) > 20_000  # the whole report was read
    assert offences(without_analyst_sections(text, html.titles), *rules) == []


def test_the_word_document_reads_as_plain_english(rendered, html, rules):
    text = _docx_text(rendered.out_dir / "report.docx")
    assert "Key messages" in text and len(text) > 20_000
    assert offences(without_analyst_sections(text, html.titles), *rules) == []
