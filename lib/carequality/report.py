"""What the notebook calls: open a report from its params file, then show sections one cell at a time.

Each shown table is displayed as accessible HTML and, beside it, as JSON under TABLE_MIME, so the
renderer can write every table's CSV from the executed notebook alone. Headings carry metadata that the
HTML template turns into the contents list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import display

from carequality import __version__
from carequality.councils import formal_name
from carequality.facts import LITERAL, Fact, FactBook, count, literal, replace_marks, slug, unmark
from carequality.measures import overview as m_overview
from carequality.measures.data import ReportData, report_data
from carequality.measures.facts import FactSet
from carequality.model.asof import data_end_before
from carequality.model.build import Model, build_model
from carequality.params import ReportParams, check_profile, load_params, names_providers
from carequality.present.commentary import FRONT_SHEET, TO_BE_COMPLETED, Commentary, read_commentary
from carequality.present.facts import say
from carequality.present.figures import FIGURE_MIME, Figure
from carequality.present.publication import report_marking
from carequality.present.tables import TABLE_MIME, Table
from carequality.present.text import (
    data_quality_in_annex,
    join_words,
    long_date,
    lower_first,
    plural,
    status_label,
    upper_first,
)
from carequality.registry import BY_NAME, COMMENTARY_BLOCKS, DEFAULT_PROFILE, IMPLICATIONS
from carequality.sections import Section, section_function
from carequality.vocab import BRAND_MARK, INPUT_LABELS, PROVIDER_NOT_NAMED

HEADING_META = "carequality"
#: The facts a section states ride in the notebook under this mime type; the renderer writes them as facts.json.
FACTS_MIME = "application/vnd.carequality.facts+json"
#: The inputs whose dates are CQC's: the report's one as-of date (model/asof.py).
CQC_INPUTS = ("cqc_ratings", "cqc_api", "cqc_snapshots")
#: HTML the report writes or the commentary sanitiser lets through (a type name for the numbering's signature).
html_fragment = str
#: The block tags whose nesting decides which paragraphs are top-level (Report._number_block).
_BLOCK_TAGS = re.compile(r"<(/?)(p|li|ul|ol|blockquote|table)\b[^>]*>")


def _has_top_level_paragraph(block: str) -> bool:
    """Whether the council's HTML has a paragraph outside any list, quote or table."""
    depth = 0
    for m in _BLOCK_TAGS.finditer(block):
        closing, tag = m.group(1), m.group(2)
        if tag in ("ul", "ol", "blockquote", "table"):
            depth += -1 if closing else 1
        elif tag == "p" and not closing and depth == 0:
            return True
    return False


#: The council's own files about its work with providers: with any of them, a list of locations beside the report's
#: other tables could point to a service under the council's intervention.
COUNCIL_CONCERN_INPUTS = frozenset({"risk_register", "qa_visits", "audits", "inspection_themes"})


def _withheld_note(caption: str, where: str, inputs: Iterable[str]) -> str:
    """Why a list of locations is not in a paper that may be published. Without the council's files on its work
    with providers, nothing in the report could point to a service of concern, so it is not said as if something
    were hidden: CQC publishes every rating (review r1 item 20)."""
    what = f"The list of locations ({lower_first(caption)}) is left out of {where}"
    if COUNCIL_CONCERN_INPUTS & set(inputs):
        return f"{what}, so that no service can be identified."
    return f"{what}; CQC publishes each location's rating on its website."


#: Columns that make a table a list of locations one by one: left out of a published report (docs/outputs.md).
PER_LOCATION_COLUMNS = frozenset({"Location", "CQC location ID", "Provider", "Location name", "Provider name"})
#: The sections whose names and concerns the committee paper leaves to its exempt appendix.
EXEMPT_SECTIONS = ("high_risk_in_area", "high_risk_out_of_area")
#: The blocks of the council's commentary that are sections of their own, with their headings.
OWN_BLOCKS = {
    "purpose": "Purpose of the report",
    "introduction": "Introduction",
    "recommendations": "Recommendations",
    "financial_implications": "Financial implications",
    "legal_implications": "Legal implications",
    "equalities_implications": "Equalities implications",
    "risk_implications": "Risk implications",
    "next_steps": "Next steps",
}
#: Where the council's words on sections this report does not show are printed (docs/commentary.md).
OTHER_COMMENTARY = "The council's commentary on other matters"
#: Why a section's commentary block cannot print under it: (kind, the report's words, `check`'s words).
_ABSENT = {
    "no_data": ("the data for that section were not supplied for this report", "its section needs {needs}"),
    "left_out": ("this report leaves that section out", "the params file's sections leave its section out"),
    "profile": ("that section is in the full report only", "the committee paper (--profile summary) leaves it out"),
    "published": ("", "the published version leaves out sections that list services one by one"),
}


def block_name(key: str) -> str:
    """A commentary block's key in words: 'qa_activity' → 'QA activity', 'ratings_vs_baseline' → 'ratings versus
    baseline'."""
    words = {"qa": "QA", "vs": "versus", "kq": "key question"}
    return " ".join(words.get(w, w) for w in key.split("_"))


def section_absence(key: str, params: ReportParams, profile: str) -> str | None:
    """Why the section `key` will not print in this render ("no_data", "left_out", "profile", "published"), or None
    when it prints (or `key` is not a section: introduction, recommendations … always print)."""
    spec = BY_NAME.get(key)
    if spec is None:
        return None
    if not params.wants(key):
        return "no_data" if spec.unmet({n for n, path in params.inputs if path is not None}) else "left_out"
    if not spec.in_profile(profile):
        return "profile"
    if params.options.mode == "publication" and spec.per_location:
        return "published"
    return None


def unprinted_commentary(commentary: Commentary, params: ReportParams, profile: str) -> list[tuple[str, str]]:
    """The commentary blocks (with text) whose sections will not print in a render of `profile`, in file order,
    each with why (section_absence)."""
    out = []
    for key, text in commentary.blocks.items():
        why = section_absence(key, params, profile) if text.strip() else None
        if why:
            out.append((key, why))
    return out


def commentary_notices(params: ReportParams) -> list[str]:
    """What `carequality check` says about the council's commentary: each block whose section will not print, in
    the full report and in the committee paper, why, and where its words go instead."""
    if params.inputs.commentary is None:
        return []
    path = params.path(params.inputs.commentary)
    commentary, _ = read_commentary(path, COMMENTARY_BLOCKS)
    given = {n for n, p in params.inputs if p is not None}
    found: dict[tuple[str, str], list[str]] = {}  # (block, why) → the documents it will not print under its section in
    for profile, paper in ((DEFAULT_PROFILE, "the full report"), ("summary", "the committee paper")):
        for key, why in unprinted_commentary(commentary, params, profile):
            found.setdefault((key, why), []).append(paper)
    lines = []
    for (key, why), papers in found.items():
        needs = " and ".join(" or ".join(f"inputs.{n}" for n in names) for names in BY_NAME[key].unmet(given))
        where = (
            "it is left out too, and the report says so"
            if why == "published"
            else f'it is printed under "{OTHER_COMMENTARY}", before the recommendations'
        )
        lines.append(
            f"{path.name}, line {commentary.lines[key]}: '## {key}' will not print under its section in "
            f"{' or '.join(papers)}: {_ABSENT[why][1].format(needs=needs)}; {where}"
        )
    return lines


@dataclass
class Report:
    params: ReportParams
    model: Model
    tables_shown: int = 0
    exempt_tables: int = 0
    #: The number of the section shown last and of its last paragraph (numbered sections and paragraphs).
    section_no: int = 0
    para_no: int = 0
    figures_shown: int = 0
    shown: list[str] = field(default_factory=list)
    #: Long tables that sections send to the data appendix: shown by appendix_tables() at the end, on landscape
    #: pages.
    deferred: list[Table] = field(default_factory=list)
    #: "full" (every section and the annexes) or "summary" (the committee paper): registry.PROFILES.
    profile: str = DEFAULT_PROFILE
    #: The council's own words (inputs.commentary), by block.
    commentary: Commentary = field(default_factory=Commentary)
    #: While True, every output is printed on landscape pages (an annex).
    landscape: bool = False
    #: Every fact the report has shown so far (docs/facts.md).
    book: FactBook = field(default_factory=FactBook)
    #: The params as the council wrote them (its own mode): the exempt appendix names providers with them.
    working: ReportParams | None = None
    #: While True, every output belongs to the exempt appendix (its own file, not for publication).
    exempt: bool = False
    #: While True, every output belongs to the method-and-data annex (a background paper, its own file).
    annex_file: bool = False
    _data: ReportData | None = field(default=None, repr=False)

    @property
    def data(self) -> ReportData:
        """The report's data as frames with documented names, for questions after the committee (docs/recipes.md):
        locations, commissioned, ratings, rating_changes, the council's records and data quality."""
        if self._data is None:
            self._data = report_data(self.model, self.params)
        return self._data

    @property
    def publication(self) -> bool:
        return self.params.options.mode == "publication"

    @property
    def names_providers(self) -> bool:
        """Whether this report names the services the council has concerns about (params.names_providers), so
        is marked not for publication (present.publication.report_marking)."""
        return names_providers(self.params, self.profile)

    @property
    def marking(self) -> str:
        return report_marking(self.params.options.protective_marking, names_providers=self.names_providers)

    def _meta(self, **extra: object) -> dict:
        """The carequality metadata of an output: what the caller gives, and landscape while in an annex."""
        meta = dict(extra)
        if self.landscape:
            meta["landscape"] = True
        if self.exempt:
            meta["exempt"] = True
        if self.annex_file:
            meta["method_annex"] = True
        return {HEADING_META: meta} if meta else {}

    # -- blocks ----------------------------------------------------------------------------
    def title_block(self) -> None:
        p = self.params
        parts = [
            f'<p class="cq-marking">{html.escape(self.marking)}</p>',
            f'<h1 id="top">{html.escape(p.title)}: {html.escape(p.council.name)}</h1>',
            f'<p class="cq-period">Reporting period {html.escape(long_date(p.period.start))} to '
            f"{html.escape(long_date(p.period.end))}. {html.escape(self._data_as_of())}</p>",
        ]
        if self.names_providers:
            parts.append(
                '<p class="cq-notice" role="note"><strong>Not for publication.</strong> This report names the '
                "services the council has concerns about and quotes its records of them. The committee paper is the "
                "version that may be published.</p>"
            )
        gap = self.data_end_sentence()
        if gap:
            parts.append(f'<p class="cq-notice" role="note">{html.escape(gap)}</p>')
        if p.options.example_data:
            parts.append(
                '<p class="cq-notice" role="note"><strong>Example data.</strong> This report was built from generated '
                "example data in CQC's published format. It does not describe real services.</p>"
            )
        contents: dict[str, str] = {}
        if self.profile == "summary":
            parts.insert(0, self.front_sheet_html())
            purpose = self.commentary.html("purpose") or self._to_be_completed()
            if purpose:
                self.shown.append("purpose")
                number = self._next_section()
                parts.append(
                    f'<h2 id="section-purpose"><span class="cq-sn">{number}</span> {OWN_BLOCKS["purpose"]}</h2>'
                    f'<div class="cq-commentary">{self._number_block(purpose)}</div>'
                )
                contents = {"heading": OWN_BLOCKS["purpose"], "number": number, "anchor": "section-purpose"}
        # role "title": the HTML template lifts this block into the page header, above the contents list.
        as_of = None if self.model.as_of is None else self.model.as_of.date().isoformat()
        self.book.declare_source("cqc", as_of)
        for i in self.model.inputs:
            if i.name not in CQC_INPUTS and i.as_of:
                self.book.declare_source(i.name, str(i.as_of))
        display(
            {
                "text/html": "".join(parts),
                "text/plain": f"{p.title}: {p.council.name}",
                FACTS_MIME: {"section": "title", "facts": [], "as_of": dict(self.book.as_of)},
            },
            metadata={HEADING_META: {"role": "title", "as_of": as_of, **contents}},
            raw=True,
        )

    def front_sheet_html(self) -> str:
        """The committee paper's first page: the council's name, the title and the front-sheet fields from the
        commentary's front matter (a field left blank reads "[to be completed]"). The protective marking is in the
        page's header and footer, not printed again here."""
        p = self.params
        rows = "".join(
            f'<tr><th scope="row">{html.escape(label)}</th><td>{html.escape(self.commentary.front_value(key))}</td></tr>'
            for key, label in FRONT_SHEET.items()
            if key != "exempt_reason" or self.has_exempt_appendix  # no appendix, no reason for one
        )
        return (
            '<section class="cq-front-sheet" aria-label="Front sheet">'
            # The council's name once, as it signs its papers; the marking is in every page's header and footer.
            f'<p class="cq-front-council">{html.escape(formal_name(p.council.code, p.council.name))}</p>'
            f'<p class="cq-front-title">{html.escape(p.title)}</p>'
            f'<table class="cq-front"><tbody>{rows}</tbody></table>'
            "</section>"
        )

    def data_end_sentence(self) -> str:
        """One plain sentence when CQC's data end before the reporting period does; "" otherwise."""
        end, as_of = self.params.period.end, self.model.as_of
        if not data_end_before(end, as_of):
            return ""
        return (
            f"The reporting period ends on {long_date(end)}, but the latest CQC data are from "
            f"{long_date(as_of)}: figures for the end of the period describe {long_date(as_of)}."
        )

    def _data_as_of(self) -> str:
        if self.model.as_of is not None:
            return f"CQC data as of {long_date(self.model.as_of)}."
        if all(i.name in ("external_benchmark", "peer_group") for i in self.model.inputs):
            return "No CQC data: this report shows external benchmarks only."
        return ""

    def show(self, section_fn: Callable[[Model, ReportParams], Section]) -> Section | None:
        """Build a section if params include it and the profile shows it (a per-location list is left out of a
        published report), and display its heading, the council's words for it, sentences, tables and figures."""
        name = section_fn.__name__
        spec = BY_NAME.get(name)
        if not self.params.wants(name):
            return None
        if spec is not None and (not spec.in_profile(self.profile) or (self.publication and spec.per_location)):
            return None
        with data_quality_in_annex(self.profile == "summary"):  # the paper's Data quality is in its annex
            section = section_fn(self.model, self.params)
        if spec is not None and spec.annex:
            self.landscape = True
            try:
                self.display_section(section, defer=False)
            finally:
                self.landscape = False
        else:
            self.display_section(section, lead=name == "key_messages")
        return section

    def _display(self, data: dict, **meta: object) -> None:
        display(data, metadata=self._meta(**meta), raw=True)

    # -- numbered sections and paragraphs (members cite "4.6"); the annexes in files of their own are not numbered --
    @property
    def numbered(self) -> bool:
        return not (self.exempt or self.annex_file)

    def _next_section(self) -> str:
        self.section_no += 1
        self.para_no = 0
        return str(self.section_no)

    def _pn(self) -> str:
        """The next paragraph's number as the HTML that starts it, or "" outside the numbered paper."""
        if not self.numbered or not self.section_no:
            return ""
        self.para_no += 1
        return f'<span class="cq-pn">{self.section_no}.{self.para_no}</span> '

    def _number_block(self, block: html_fragment) -> html_fragment:
        """The council's sanitised HTML with each top-level paragraph numbered. A list under a paragraph stays the
        council's own; a block that is only lists (Next steps as bullets) has each item numbered as a paragraph of its
        own, the bullets dropped, so a member can cite "15.2" (review r1 item 20)."""
        if not self.numbered or not self.section_no:
            return block
        items_only = not _has_top_level_paragraph(block)
        out, depth, pos = [], 0, 0
        for m in _BLOCK_TAGS.finditer(block):
            closing, tag = m.group(1), m.group(2)
            start = block[pos : m.end()]
            if items_only and not closing and tag in ("ul", "ol") and depth == 0:
                start = start[: -len(m.group(0))] + m.group(0)[:-1] + ' class="cq-numbered">'
            out.append(start)
            pos = m.end()
            if tag in ("ul", "ol", "blockquote", "table"):
                depth += -1 if closing else 1
            elif not closing and tag == "p" and depth == 0:
                out.append(self._pn())
            elif items_only and not closing and tag == "li" and depth == 1:
                out.append(self._pn())
        out.append(block[pos:])
        return "".join(out)

    def _heading(self, anchor: str, title: str, **meta: object) -> None:
        number = self._next_section() if self.numbered else ""
        label = f'<span class="cq-sn">{number}</span> ' if number else ""
        if number:
            meta["number"] = number
        self._display(
            {"text/html": f'<h2 id="{html.escape(anchor)}">{label}{html.escape(title)}</h2>', "text/plain": title},
            heading=title,
            anchor=anchor,
            **meta,
        )

    def _commentary(self, key: str, **meta: object) -> bool:
        """The council's words for `key` (sanitised HTML), if the commentary file has any."""
        block = self.commentary.html(key)
        if block:
            self._display(
                {
                    "text/html": f'<div class="cq-commentary">{self._number_block(block)}</div>',
                    "text/plain": self.commentary.blocks.get(key, ""),
                },
                role="commentary",
                **meta,
            )
        return bool(block)

    def display_section(self, section: Section, *, defer: bool = True, lead: bool = False) -> None:
        self.shown.append(section.id)
        meta = {"lead": True} if lead else {}
        self._heading(f"section-{section.id}", section.title, **meta)
        self._commentary(section.id, **meta)
        tables, notes = [], []
        # The committee paper shows a chart, not the table of its numbers too: that goes to its method-and-data annex.
        charted = {f.id for f in section.figures}
        moved = 0
        for t in section.tables:
            if self.publication and not self.exempt and PER_LOCATION_COLUMNS & set(t.columns):
                where = (
                    "this paper, which may be published"
                    if self.profile == "summary"
                    else "the published version of this report"
                )
                notes.append(_withheld_note(t.caption, where, self.params.input_paths()))
            elif (t.appendix or t.id in charted) and defer and self.profile == "summary":
                self.deferred.append(t)
                moved += t.id in charted
            elif t.appendix and defer:
                self.deferred.append(t)
            else:
                tables.append(t)
        if section.tables and section.id in EXEMPT_SECTIONS and self.has_exempt_appendix and not self.exempt:
            notes.append(
                "Each service, with its provider, the people the council funds there and the risk register's "
                "summaries of risk and of actions, is listed in the exempt appendix to this report, which is not for "
                "publication."
            )
        # The committee paper (12 pages at most) shows a section's lead chart; its sentences state the numbers of the
        # others, whose tables go to the method and data annex with the lead chart's (the full report shows them all).
        figures = section.figures[:1] if self.profile == "summary" and defer else section.figures
        if moved:
            besides = " and the other charts of the full report" if len(figures) < len(section.figures) else ""
            notes.append(
                f"The numbers behind {'the charts' if len(figures) > 1 else 'the chart'} in this section{besides} are "
                "in the method and data annex, a background paper to this report."
            )
        for p in section.paragraphs:
            self._display({"text/html": f"<p>{self._pn()}{sentence_html(p)}</p>", "text/plain": unmark(p)}, **meta)
        if section.bullets:
            items = []
            for b in section.bullets:
                badge = (
                    f'<strong class="cq-status cq-status-{html.escape(b.status)}">{html.escape(status_label(b.status))}'
                    "</strong> "
                    if b.status
                    else ""
                )
                items.append(f"<li>{self._pn()}{badge}{sentence_html(b.text)}</li>")
            plain = "\n".join(
                f"- {status_label(b.status) + ': ' if b.status else ''}{unmark(b.text)}" for b in section.bullets
            )
            self._display(
                {
                    "text/html": f'<ul class="cq-bullets{" cq-numbered" if self.numbered else ""}">{"".join(items)}</ul>',
                    "text/plain": plain,
                },
                **meta,
            )
        for f in figures:
            self.display_figure(f)
        for t in tables:
            self.display_table(t)
        for n in notes:
            self._display(
                {"text/html": f'<p class="cq-pointer">{self._pn()}{html.escape(n)}</p>', "text/plain": n}, **meta
            )
        self.show_facts(section)

    def show_facts(self, section: Section) -> None:
        """Gather the section's facts into the book and display them (FACTS_MIME, no visible output) for the
        renderer's facts.json."""
        if not section.facts:
            return
        self.book.extend(section.facts, section.id)
        display(
            {"text/plain": "", FACTS_MIME: {"section": section.id, "facts": [f.to_json() for f in section.facts]}},
            metadata=self._meta(),
            raw=True,
        )

    def introduction(self) -> None:
        """After the key messages: the council's recommendations (in the committee paper, before the body, as the
        councils' papers put them), then its introduction."""
        if self.profile == "summary":
            self._own_block("recommendations")
        self._own_block("introduction")

    def closing(self) -> None:
        """At the end of the report's body: the council's words on sections this report does not show, the
        recommendations (full report), the implications in the council's own words, and the next steps."""
        self.other_commentary()
        if self.profile != "summary":
            self._own_block("recommendations")
        self._implications()
        self._own_block("next_steps")

    def _implications(self) -> None:
        """One section "Implications": each of the council's implications blocks under its own subheading; in the
        committee paper every one of them, "[to be completed]" where the council has not written it."""
        skeleton = self.profile == "summary"
        given = [k for k in IMPLICATIONS if skeleton or self.commentary.html(k)]
        if not given:
            return
        self.shown.append("implications")
        self._heading("section-implications", "Implications")
        for key in given:
            title = OWN_BLOCKS[key]
            self._display({"text/html": f"<h3>{html.escape(title)}</h3>", "text/plain": title})
            if not self._commentary(key):
                self._placeholder()

    def other_commentary(self) -> None:
        """The council's words are never lost: a block for a section this report does not show is printed here, under
        the section's name and why it is not in the report; in a published report, a block for a section left out
        because it lists services is left out too, and the report says so."""
        blocks = unprinted_commentary(self.commentary, self.params, self.profile)
        printed = [(k, why) for k, why in blocks if why != "published"]
        withheld = [k for k, why in blocks if why == "published"]
        if not blocks:
            return
        self.shown.append("other_commentary")
        self._heading("section-other_commentary", OTHER_COMMENTARY)
        for key, why in printed:
            name = upper_first(block_name(key))
            self._display({"text/html": f"<h3>{html.escape(name)}</h3>", "text/plain": name})
            note = f"Not shown as a section of this report: {_ABSENT[why][0]}."
            self._display(
                {"text/html": f'<p class="cq-pointer">{self._pn()}{html.escape(note)}</p>', "text/plain": note}
            )
            self._commentary(key)
        if withheld:
            names = join_words([block_name(k) for k in withheld])
            note = (
                f"The council's commentary on {names} is left out of the published version of this report, as "
                f"{'that section is' if len(withheld) == 1 else 'those sections are'}, so that no service can be "
                "identified."
            )
            self._display(
                {"text/html": f'<p class="cq-pointer">{self._pn()}{html.escape(note)}</p>', "text/plain": note}
            )

    #: The council's sections every committee paper has, "[to be completed]" until the council writes them (the
    #: purpose and the implications are placed by title_block and _implications).
    SKELETON = ("recommendations", "next_steps")

    def _own_block(self, key: str) -> None:
        skeleton = self.profile == "summary" and key in self.SKELETON
        if not self.commentary.html(key) and not skeleton:
            return
        self.shown.append(key)
        self._heading(f"section-{key}", OWN_BLOCKS[key])
        if not self._commentary(key):
            self._placeholder()

    def _to_be_completed(self) -> html_fragment:
        """The placeholder of a committee paper's section the council has not written (the purpose) as a paragraph
        of the council's own block, numbered with it."""
        return f'<p class="cq-placeholder">{TO_BE_COMPLETED}</p>' if self.profile == "summary" else ""

    def _placeholder(self) -> None:
        text = TO_BE_COMPLETED
        self._display({"text/html": f'<p class="cq-placeholder">{self._pn()}{text}</p>', "text/plain": text})

    def display_figure(self, figure: Figure) -> None:
        """A chart as PNG with its alt text and numbered caption; its data rides along under FIGURE_MIME so the
        renderer writes figures/<id>.csv (and .png)."""
        self.figures_shown += 1
        caption = figure.to_text(number=self.figures_shown)
        display(
            {
                "image/png": figure.png_base64(),
                "text/plain": caption,
                FIGURE_MIME: {**figure.to_json(), "number": self.figures_shown},
            },
            metadata={
                "image/png": {"alt": figure.alt, "caption": caption, "width": figure.width, "height": figure.height},
                **self._meta(),
            },
            raw=True,
        )

    def display_table(self, table: Table) -> None:
        """A table with its number; one too wide for a portrait page is printed on a landscape page of its own."""
        if self.exempt:  # the exempt appendix's tables are in its own file only: no CSV, no spreadsheet sheet
            self.exempt_tables += 1
            label = f"A{self.exempt_tables}"
            html_table = table.to_html(number=None).replace("<caption>", f"<caption>Table {label}: ", 1)
            display({"text/html": html_table, "text/plain": table.to_text()}, metadata=self._meta(), raw=True)
            return
        self.tables_shown += 1
        n = self.tables_shown
        # A table too wide even for a landscape page is shown as parts of fewer columns under one number; the CSV and
        # the spreadsheets keep it whole (its JSON rides on the first part).
        for i, part in enumerate(table.split()):
            data: dict[str, object] = {"text/html": part.to_html(number=n), "text/plain": part.to_text()}
            if i == 0:
                data[TABLE_MIME] = {**table.to_json(), "number": n}
            display(data, metadata=self._meta(**({"landscape": True} if part.wide else {})), raw=True)

    def appendix_tables(self) -> None:
        """The tables the sections deferred: long reference tables (the monthly series behind a chart), printed on
        landscape pages; in the committee paper, its method-and-data annex."""
        tables, self.deferred = self.deferred, []
        if not tables:
            return
        if self.profile == "summary":  # the committee paper: in its method-and-data annex, a background paper
            self.annex_file = True
            try:
                self.display_section(Section("appendix_data", "Data behind the charts", [], tables), defer=False)
            finally:
                self.annex_file = False
            return
        paras = [
            "These tables are too long for the body of the report: the series behind the charts. Each is also "
            "in a file of its own beside the report."
        ]
        self.landscape = True
        try:
            self.display_section(
                Section("appendix_data", "Appendix: data behind the charts", paras, tables), defer=False
            )
        finally:
            self.landscape = False

    @property
    def has_exempt_appendix(self) -> bool:
        """Whether this paper has an exempt appendix: the committee paper, when the council's own mode names
        providers and the params ask for a section whose names it holds (exempt_appendix)."""
        working = self.working
        return (
            self.profile == "summary"
            and working is not None
            and working.options.mode != "publication"
            and any(working.wants(n) and BY_NAME[n].in_profile(self.profile) for n in EXEMPT_SECTIONS)
        )

    def exempt_appendix(self) -> None:
        """The names and concerns a paper that may be public leaves out: the high-risk tables as the council's own
        mode gives them, in an appendix written as a file of its own, marked not for publication (the template's
        "exempt" part). Only for the committee paper, and only when the council's mode names providers."""
        working = self.working
        if not self.has_exempt_appendix or working is None:
            return
        self.exempt = True
        try:
            for name in EXEMPT_SECTIONS:
                if working.wants(name) and BY_NAME[name].in_profile(self.profile):
                    with data_quality_in_annex(True):
                        section = section_function(name)(self.model, working)
                    self.display_section(section, defer=False)
        finally:
            self.exempt = False

    def background(self) -> None:
        """Data quality and "How this report was made": in the full report, its last sections; in the committee
        paper, the method-and-data annex, a background paper of its own (the template's "method" part)."""
        self.annex_file = self.profile == "summary"
        try:
            self.data_quality()
            self.method_note()
        finally:
            self.annex_file = False

    def data_quality(self) -> None:
        """List rows the report could not use as they are; say so plainly when there are none."""
        dq = self.model.data_quality
        excluded = self.model.excluded_by_location_type
        paras = []
        f = FactSet("data_quality", as_of=self.model.as_of, source="cqc")
        if len(excluded):
            kinds = "; ".join(
                f"{r.location_type}: "
                + plural(
                    f.count(
                        f"excluded.{slug(r.location_type)}",
                        r.locations,
                        f"Locations of type {r.location_type} in CQC's file, outside this report.",
                        "location",
                    ),
                    "location",
                )
                for r in excluded.itertuples()
            )
            paras.append(
                "The CQC file also lists services that are not adult social care; they are outside this report "
                f"({kinds})."
            )
        unnamed = providers_facts(self.model)
        if unnamed is not None:
            paras.append(providers_sentence(*unnamed))
        tables = []
        if len(dq):
            if self.publication:  # a location id joins to CQC's public directory, which names the service
                dq = dq.drop(columns="location_id")
            # The source in the report's words; the file's name only in the working report (the analysts').
            dq = dq.assign(file=source_words(dq["file"], self.model.inputs)) if self.publication else dq
            dq = dq.assign(issue=dq["issue"].astype(str).str.replace("location id", "CQC location ID", regex=False))
            frame = dq.rename(
                columns={
                    "file": "Source" if self.publication else "File",
                    "row": "Row",
                    "location_id": "CQC location ID",
                    "issue": "Issue",
                }
            )
            tables.append(Table("data_quality", "Rows the report could not use as they are", frame))
            rows = f.keep_as("data_quality.rows", len(dq), "Rows of the data supplied that need attention.", "row")
            paras.append(
                f"{plural(rows, 'row')} {'needs' if len(dq) == 1 else 'need'} attention; "
                f"{'it is' if len(dq) == 1 else 'they are'} listed below and left out of the counts "
                f"{'it affects' if len(dq) == 1 else 'they affect'}."
            )
        else:
            paras.append("Every row of the data supplied for this council was used; no data-quality issues were found.")
        section = Section("data_quality", "Data quality", paras, tables, facts=f.made)
        section.state(*(unnamed or ()))
        self.display_section(section)

    def method_note(self) -> None:
        """The "How this report was made" appendix: the sources (the files, the date each is as of), how locations
        are counted, the headline measure and its rounding, and every setting of the params file. The one place in
        the report where file names, settings and CQC's own column names appear, for the analyst who makes it again."""
        model = self.model
        # The committee paper keeps to its pages: no table of sources (Provenance still lists every file).
        full = self.profile == "full"
        version = literal(__version__)
        paras = [
            f"This report was made with carequality {version} from the sources in the table below: the "
            "same sources and settings give the same tables."
            if full
            else f"This report was made with carequality {version}; the full report lists its sources and the "
            "date each is as of."
        ]
        if model.as_of is not None:
            paras.append(
                f"The report's CQC data are as of {long_date(model.as_of)}: the latest date in CQC's data "
                "used here (a report's publication, a registration or a closure), leaving out dates after the day "
                "the report was made."
            )
        paras += [
            "Locations counted are those CQC lists as adult social care (location type 'Social Care Org') in the "
            "council area, named by CQC's 'Location Local Authority'. Each location is counted once.",
            "The headline measure is the share of locations with a CQC rating (Outstanding, Good, Requires "
            "improvement or Inadequate) that are rated Good or Outstanding, written as the number of such locations "
            f"of the number rated, with the share. Shares are rounded to one decimal place, halves rounded away "
            f"from zero (so {literal('12.25%')} is written {literal('12.3%')}); a change in a share is given in "
            "percentage points, worked out before rounding. Where a table uses another denominator, its column "
            "header names it.",
            KEY_QUESTION_RULE,
        ]
        frameworks = m_overview.framework_facts(
            model.locations, model.service_groups_by_location, model.key_question_scores, model.as_of
        )
        paras.append(frameworks_sentence(*frameworks))
        if model.records.risk_by_case_opened is not None and self.params.wants("risk_levels"):
            paras.append(RISK_LEVELS_SOURCE)
        paras.append(
            "Each file's checksum, and every setting of the parameters file the report was made with, are "
            "listed under Provenance at the end of the report."
        )
        tables = []
        if full:
            sources = pd.DataFrame(
                [
                    {
                        "Source": INPUT_LABELS.get(i.name, i.name),
                        "File": i.path.name,
                        "Data as of": i.as_of or "not stated",
                        "Note": i.note,
                    }
                    for i in model.inputs
                ],
                columns=["Source", "File", "Data as of", "Note"],
            )
            tables.append(
                Table(
                    "method_sources",
                    "Sources this report was made from",
                    sources,
                    footnotes=["Data as of: the latest date the source itself gives."],
                )
            )
        # Not deferred to the landscape annex: the analysts' appendix keeps its sources with it.
        section = Section("method", "How this report was made", paras, tables)
        section.state(*[f for f in frameworks if f.value or f.id != "overview.framework.unrecognised"])
        self.display_section(section, defer=False)


def source_words(files: pd.Series, inputs: list) -> pd.Series:
    """Each data-quality row's file as the report names its source ("The council's record of the services it
    commissions"), found among the inputs by the file's name (or as a file in an input folder); a file no input
    holds keeps its name."""
    words: dict[str, str] = {}
    for i in inputs:
        label = upper_first(INPUT_LABELS.get(i.name, i.name))
        words.setdefault(i.path.name, label)
        if i.path.is_dir():
            for name in set(map(str, files)) - set(words):
                if (i.path / name).exists():
                    words[name] = label
    return files.map(lambda f: words.get(str(f), f))


def providers_facts(model: Model) -> tuple[Fact, Fact, Fact] | None:
    """The council's locations whose provider CQC's data used here do not name: all of them, those shown by their
    CQC brand and those shown as not named (model.coverage); None when every provider is named."""
    cov = model.coverage
    if not (cov.providers_by_brand or cov.providers_not_named):
        return None
    where = {"as_of": None if model.as_of is None else model.as_of.date(), "source": "cqc"}
    return (
        count(
            "data_quality.providers_unnamed",
            cov.providers_by_brand + cov.providers_not_named,
            "Locations whose provider CQC's data used here do not name.",
            "location",
            **where,
        ),
        count(
            "data_quality.providers_by_brand",
            cov.providers_by_brand,
            "Of them, locations shown by their CQC brand.",
            "location",
            **where,
        ),
        count(
            "data_quality.providers_not_named",
            cov.providers_not_named,
            "Of them, locations with no CQC brand, shown as not in CQC's data.",
            "location",
            **where,
        ),
    )


def providers_sentence(unnamed: Fact, by_brand: Fact, not_named: Fact) -> str:
    """What the tables show where CQC's data do not name a provider."""
    return (
        f"CQC's data used here do not name the provider of {say(unnamed, noun=True)}: "
        f"{say(by_brand, zero='none')} {'is' if by_brand.value == 1 else 'are'} shown by the location's CQC brand, "
        f"marked{BRAND_MARK}, and {say(not_named, zero='none')} as '{PROVIDER_NOT_NAMED}'. Downloading from CQC the "
        "details of every provider the locations name adds the names."
    )


def frameworks_sentence(earlier: Fact, single: Fact, unknown: Fact) -> str:
    """Which of CQC's frameworks the report's current ratings come from (measures.overview.framework_facts)."""
    have = "has" if earlier.value == 1 else "have"
    text = (
        "CQC has rated services under two frameworks: inspections under its earlier framework (2014 to 2023: five "
        "key questions and an overall rating, no scores) and assessments under its single assessment framework "
        "(since November 2023: ratings by service group, with percentage scores CQC published until December "
        f"2024). Of the locations in this report, {say(earlier, zero='none')} {have} a current rating "
        f"from the earlier framework and {say(single, zero='none')} from a single assessment"
    )
    if unknown.value:
        carry = "carries" if unknown.value == 1 else "carry"
        text += (
            f"; {say(unknown, noun=True)} {carry} a rating word this report does not know (a newer framework's?), "
            "listed as CQC wrote it under data quality and not counted as a graded rating"
        )
    return text + ". Scores are shown only where CQC published them and are never compared across the two frameworks."


#: The one rule for key-question ratings, stated once here and used by every table (model/history.ratings_at).
KEY_QUESTION_RULE = (
    "How key questions are counted: each location's rating for a key question is the latest CQC has published for it. A "
    "focused inspection that rates only some key questions leaves the others at their earlier ratings, which are "
    "carried forward, as CQC itself shows them; a later 'Inspected but not rated' does not replace an earlier "
    "rating. Every table of key-question ratings in this report counts them by this rule."
)


#: Where the risk levels come from, named in the analysts' appendix (the risk levels' table points here).
RISK_LEVELS_SOURCE = (
    "The four risk levels and their descriptions follow Coventry City Council's published four-level approach (its "
    "Table One of provider risk levels); the oversight forums are the council's own where its parameters name them."
)


def sentence_html(text: str) -> str:
    """A sentence as HTML: escaped, each fact's number a link to its definition in the list of numbers at the end
    of the report (docs/facts.md). The link looks like the text in print."""
    return replace_marks(
        html.escape(text),
        lambda fact_id, shown: (
            f'<span class="cq-literal">{shown}</span>'  # a worked example: no fact to link to
            if fact_id == LITERAL
            else f'<a class="cq-fact" href="#fact-{fact_id.split("@")[0]}" data-fact="{fact_id}">{shown}</a>'
        ),
    )


def safe_params(params: ReportParams) -> ReportParams:
    """The params of a paper that may be public: publication mode (providers by reference, no concern's text, no
    list of locations, small counts of people suppressed)."""
    return params.model_copy(update={"options": params.options.model_copy(update={"mode": "publication"})})


def open_report(params_file: str | Path, profile: str = DEFAULT_PROFILE) -> Report:
    """Validate params (and the profile: registry.PROFILES), load the model and the council's commentary, and return
    the Report the notebook's cells use. The committee paper (summary profile) is safe to publish by default: it is
    built in publication mode, and the names and concerns go to its exempt appendix (Report.exempt_appendix)."""
    params = load_params(params_file)
    check_profile(profile)
    working = params
    if profile == "summary":
        params = safe_params(params)
    commentary = Commentary()
    if params.inputs.commentary is not None:
        commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)  # checked by params
    return Report(params=params, model=build_model(params), profile=profile, commentary=commentary, working=working)
