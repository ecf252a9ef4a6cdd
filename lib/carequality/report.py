"""What the notebook calls: open a report from its params file, then show sections one cell at a time.

Each shown table is displayed as accessible HTML and, beside it, as JSON under TABLE_MIME, so the
renderer can write every table's CSV from the executed notebook alone. Headings carry metadata that the
HTML template turns into the contents list.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import display

from carequality import __version__
from carequality.facts import Fact, FactBook, count, replace_marks, unmark
from carequality.measures import overview as m_overview
from carequality.measures.data import ReportData, report_data
from carequality.measures.headline import DIGITS
from carequality.model.asof import data_end_before
from carequality.model.build import Model, build_model
from carequality.params import ReportParams, check_profile, load_params
from carequality.present.commentary import Commentary, read_commentary
from carequality.present.facts import say
from carequality.present.figures import FIGURE_MIME, Figure
from carequality.present.tables import TABLE_MIME, Table
from carequality.present.text import join_words, long_date, lower_first, plural, status_label, upper_first
from carequality.registry import BY_NAME, COMMENTARY_BLOCKS, DEFAULT_PROFILE
from carequality.sections import Section
from carequality.vocab import BRAND_MARK, INPUT_LABELS, PROVIDER_NOT_NAMED

HEADING_META = "carequality"
#: The facts a section states ride in the notebook under this mime type; the renderer writes them as facts.json.
FACTS_MIME = "application/vnd.carequality.facts+json"
#: The inputs whose dates are CQC's: the report's one as-of date (model/asof.py).
CQC_INPUTS = ("cqc_ratings", "cqc_api", "cqc_snapshots")
#: Columns that make a table a list of locations one by one: left out of a published report (docs/outputs.md).
PER_LOCATION_COLUMNS = frozenset({"Location", "CQC location ID", "Provider", "Location name", "Provider name"})
#: The blocks of the council's commentary that are sections of their own, with their headings.
OWN_BLOCKS = {"introduction": "Introduction", "recommendations": "Recommendations", "next_steps": "Next steps"}
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
    figures_shown: int = 0
    shown: list[str] = field(default_factory=list)
    #: Long tables that sections send to the data appendix, and tables too wide for a portrait page: shown by
    #: appendix_tables() at the end, on landscape pages.
    deferred: list[Table] = field(default_factory=list)
    #: "full" (every section and the annexes) or "summary" (the committee paper): registry.PROFILES.
    profile: str = DEFAULT_PROFILE
    #: The council's own words (inputs.commentary), by block.
    commentary: Commentary = field(default_factory=Commentary)
    #: While True, every output is printed on landscape pages (an annex).
    landscape: bool = False
    #: Every fact the report has shown so far (docs/facts.md).
    book: FactBook = field(default_factory=FactBook)
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

    def _meta(self, **extra: object) -> dict:
        """The carequality metadata of an output: what the caller gives, and landscape while in an annex."""
        meta = dict(extra)
        if self.landscape:
            meta["landscape"] = True
        return {HEADING_META: meta} if meta else {}

    # -- blocks ----------------------------------------------------------------------------
    def title_block(self) -> None:
        p = self.params
        parts = [
            f'<p class="cq-marking">{html.escape(p.options.protective_marking)}</p>',
            f'<h1 id="top">{html.escape(p.title)}: {html.escape(p.council.name)}</h1>',
            f'<p class="cq-period">Reporting period {html.escape(long_date(p.period.start))} to '
            f"{html.escape(long_date(p.period.end))}. {html.escape(self._data_as_of())}</p>",
        ]
        gap = self.data_end_sentence()
        if gap:
            parts.append(f'<p class="cq-notice" role="note">{html.escape(gap)}</p>')
        if p.options.example_data:
            parts.append(
                '<p class="cq-notice" role="note"><strong>Example data.</strong> This report was built from generated '
                "example data in CQC's published format. It does not describe real services.</p>"
            )
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
            metadata={HEADING_META: {"role": "title", "as_of": as_of}},
            raw=True,
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

    def _heading(self, anchor: str, title: str, **meta: object) -> None:
        self._display(
            {"text/html": f'<h2 id="{html.escape(anchor)}">{html.escape(title)}</h2>', "text/plain": title},
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
                    "text/html": f'<div class="cq-commentary">{block}</div>',
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
        for t in section.tables:
            if self.publication and PER_LOCATION_COLUMNS & set(t.columns):
                notes.append(
                    f"The list of locations ({lower_first(t.caption)}) is left out of the "
                    "published version of this report, so that no service can be identified."
                )
            elif t.appendix and defer:
                self.deferred.append(t)
            elif t.wide and defer and not self.landscape:
                self.deferred.append(t)
                where = (
                    "in the annex at the end of this report, and in its spreadsheet"
                    if self.profile == "full"
                    else "in the full version of this report and its spreadsheet"
                )
                notes.append(f"The table \u201c{t.caption}\u201d is too wide for this page: it is {where}.")
            else:
                tables.append(t)
        for p in section.paragraphs:
            self._display({"text/html": f"<p>{sentence_html(p)}</p>", "text/plain": unmark(p)}, **meta)
        if section.bullets:
            items = []
            for b in section.bullets:
                badge = (
                    f'<strong class="cq-status cq-status-{html.escape(b.status)}">{html.escape(status_label(b.status))}'
                    "</strong> "
                    if b.status
                    else ""
                )
                items.append(f"<li>{badge}{sentence_html(b.text)}</li>")
            plain = "\n".join(
                f"- {status_label(b.status) + ': ' if b.status else ''}{unmark(b.text)}" for b in section.bullets
            )
            self._display({"text/html": f'<ul class="cq-bullets">{"".join(items)}</ul>', "text/plain": plain}, **meta)
        for f in section.figures:
            self.display_figure(f)
        for t in tables:
            self.display_table(t)
        for n in notes:
            self._display({"text/html": f'<p class="cq-pointer">{html.escape(n)}</p>', "text/plain": n}, **meta)
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
        """The council's introduction (its commentary's `introduction` block), after the key messages."""
        self._own_block("introduction")

    def closing(self) -> None:
        """The council's words on sections this report does not show, then its recommendations and next steps, at
        the end of the report's body."""
        self.other_commentary()
        self._own_block("recommendations")
        self._own_block("next_steps")

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
            self._display({"text/html": f'<p class="cq-pointer">{html.escape(note)}</p>', "text/plain": note})
            self._commentary(key)
        if withheld:
            names = join_words([block_name(k) for k in withheld])
            note = (
                f"The council's commentary on {names} is left out of the published version of this report, as "
                f"{'that section is' if len(withheld) == 1 else 'those sections are'}, so that no service can be "
                "identified."
            )
            self._display({"text/html": f'<p class="cq-pointer">{html.escape(note)}</p>', "text/plain": note})

    def _own_block(self, key: str) -> None:
        if not self.commentary.html(key):
            return
        self.shown.append(key)
        self._heading(f"section-{key}", OWN_BLOCKS[key])
        self._commentary(key)

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
        self.tables_shown += 1
        n = self.tables_shown
        display(
            {
                "text/html": table.to_html(number=n),
                "text/plain": table.to_text(),
                TABLE_MIME: {**table.to_json(), "number": n},
            },
            metadata=self._meta(),
            raw=True,
        )

    def appendix_tables(self) -> None:
        """The tables the sections deferred: long reference tables (the monthly series behind a chart) and tables
        too wide for a portrait page, printed on landscape pages. The summary profile has no annex."""
        tables, self.deferred = self.deferred, []
        if not tables or self.profile != "full":
            return
        paras = [
            "These tables are too wide or too long for the body of the report: the series behind the charts, "
            "and the comparisons across many columns. Each is also in the spreadsheet and in a file of its own beside "
            "the report."
        ]
        self.landscape = True
        try:
            self.display_section(
                Section("appendix_data", "Appendix: wide tables and data behind the charts", paras, tables), defer=False
            )
        finally:
            self.landscape = False

    def data_quality(self) -> None:
        """List rows the report could not use as they are; say so plainly when there are none."""
        dq = self.model.data_quality
        excluded = self.model.excluded_by_location_type
        paras = []
        if len(excluded):
            kinds = "; ".join(f"{r.location_type}: {plural(r.locations, 'location')}" for r in excluded.itertuples())
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
            frame = dq.rename(
                columns={"file": "File", "row": "Row", "location_id": "CQC location ID", "issue": "Issue"}
            )
            tables.append(Table("data_quality", "Rows the report could not use as they are", frame))
            paras.append(
                f"{plural(len(dq), 'row')} {'needs' if len(dq) == 1 else 'need'} attention; "
                f"{'it is' if len(dq) == 1 else 'they are'} listed below and left out of the counts "
                f"{'it affects' if len(dq) == 1 else 'they affect'}."
            )
        else:
            paras.append("Every row of the data supplied for this council was used; no data-quality issues were found.")
        section = Section("data_quality", "Data quality", paras, tables)
        section.state(*(unnamed or ()))
        self.display_section(section)

    def method_note(self) -> None:
        """The "How this report was made" appendix: the sources (the files, the date each is as of), how locations
        are counted, the headline measure and its rounding, and every setting of the params file. The one place in
        the report where file names, settings and CQC's own column names appear, for the analyst who makes it again."""
        model = self.model
        # The committee paper keeps to its pages: no table of sources (Provenance still lists every file).
        full = self.profile == "full"
        paras = [
            f"This report was made with carequality {__version__} from the sources in the table below: the "
            "same sources and settings give the same tables."
            if full
            else f"This report was made with carequality {__version__}; the full report lists its sources and the "
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
            f"of the number rated, with the share. Shares are rounded to {DIGITS} decimal place, halves rounded away "
            "from zero (so 12.25% is written 12.3%); a change in a share is given in percentage points, worked out "
            "before rounding. Where a table uses another denominator, its column header names it.",
        ]
        frameworks = m_overview.framework_facts(
            model.locations, model.service_groups_by_location, model.key_question_scores, model.as_of
        )
        paras.append(frameworks_sentence(*frameworks))
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


def sentence_html(text: str) -> str:
    """A sentence as HTML: escaped, each fact's number a link to its definition in the list of numbers at the end
    of the report (docs/facts.md). The link looks like the text in print."""
    return replace_marks(
        html.escape(text),
        lambda fact_id, shown: (
            f'<a class="cq-fact" href="#fact-{fact_id.split("@")[0]}" data-fact="{fact_id}">{shown}</a>'
        ),
    )


def open_report(params_file: str | Path, profile: str = DEFAULT_PROFILE) -> Report:
    """Validate params (and the profile: registry.PROFILES), load the model and the council's commentary, and return
    the Report the notebook's cells use."""
    params = load_params(params_file)
    check_profile(profile)
    commentary = Commentary()
    if params.inputs.commentary is not None:
        commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)  # checked by params
    return Report(params=params, model=build_model(params), profile=profile, commentary=commentary)
