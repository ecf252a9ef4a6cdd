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

from IPython.display import display

from carequality import __version__
from carequality.present.figures import FIGURE_MIME, Figure
from carequality.model.asof import data_end_before
from carequality.model.build import Model, build_model
from carequality.params import ReportParams, load_params
from carequality.sections import Section
from carequality.present.tables import TABLE_MIME, Table
from carequality.present.text import long_date

HEADING_META = "carequality"


@dataclass
class Report:
    params: ReportParams
    model: Model
    tables_shown: int = 0
    figures_shown: int = 0
    shown: list[str] = field(default_factory=list)
    #: Long tables that sections send to the data appendix, shown by appendix_tables() at the end.
    deferred: list[Table] = field(default_factory=list)

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
        display({"text/html": "".join(parts), "text/plain": f"{p.title}: {p.council.name}"},
                metadata={HEADING_META: {"role": "title", "as_of": as_of}}, raw=True)

    def data_end_sentence(self) -> str:
        """One plain sentence when CQC's data end before the reporting period does; "" otherwise."""
        end, as_of = self.params.period.end, self.model.as_of
        if not data_end_before(end, as_of):
            return ""
        return (f"The reporting period ends on {long_date(end)}, but the latest CQC data are from "
                f"{long_date(as_of)}: figures for the end of the period describe {long_date(as_of)}.")

    def _data_as_of(self) -> str:
        if self.model.as_of is not None:
            return f"CQC data as of {long_date(self.model.as_of)}."
        if all(i.name in ("external_benchmark", "peer_group") for i in self.model.inputs):
            return "No CQC data: this report shows external benchmarks only."
        return ""

    def show(self, section_fn: Callable[[Model, ReportParams], Section]) -> Section | None:
        """Build a section if params include it, and display its heading, sentences, tables and figures."""
        name = section_fn.__name__
        if not self.params.wants(name):
            return None
        section = section_fn(self.model, self.params)
        self.display_section(section)
        return section

    def display_section(self, section: Section, *, defer: bool = True) -> None:
        self.shown.append(section.id)
        heading = f'<h2 id="section-{html.escape(section.id)}">{html.escape(section.title)}</h2>'
        display(
            {"text/html": heading, "text/plain": section.title},
            metadata={HEADING_META: {"heading": section.title, "anchor": f"section-{section.id}"}},
            raw=True,
        )
        for p in section.paragraphs:
            display({"text/html": f"<p>{html.escape(p)}</p>", "text/plain": p}, raw=True)
        for f in section.figures:
            self.display_figure(f)
        for t in section.tables:
            if t.appendix and defer:
                self.deferred.append(t)
            else:
                self.display_table(t)

    def display_figure(self, figure: Figure) -> None:
        """A chart as PNG with its alt text and numbered caption; its data rides along under FIGURE_MIME so the
        renderer writes figures/<id>.csv (and .png)."""
        self.figures_shown += 1
        caption = figure.to_text(number=self.figures_shown)
        display(
            {"image/png": figure.png_base64(), "text/plain": caption,
             FIGURE_MIME: {**figure.to_json(), "number": self.figures_shown}},
            metadata={"image/png": {"alt": figure.alt, "caption": caption, "width": figure.width,
                                    "height": figure.height}},
            raw=True,
        )

    def display_table(self, table: Table) -> None:
        self.tables_shown += 1
        n = self.tables_shown
        display(
            {"text/html": table.to_html(number=n), "text/plain": table.to_text(),
             TABLE_MIME: {**table.to_json(), "number": n}},
            raw=True,
        )

    def appendix_tables(self) -> None:
        """The long reference tables the sections deferred (for example monthly series behind a chart)."""
        if not self.deferred:
            return
        paras = ["These tables hold the full series behind the charts and comparisons above; each is also written "
                 "as a CSV file beside the report."]
        tables, self.deferred = self.deferred, []
        self.display_section(Section("appendix_data", "Appendix: data behind the charts", paras, tables), defer=False)

    def data_quality(self) -> None:
        """List rows the report could not use as they are; say so plainly when there are none."""
        dq = self.model.data_quality
        excluded = self.model.excluded_by_location_type
        paras = []
        if len(excluded):
            kinds = "; ".join(f"{r.location_type}: {r.locations:,} locations" for r in excluded.itertuples())
            paras.append(
                "The CQC file also lists services that are not adult social care; they are outside this report "
                f"({kinds})."
            )
        tables = []
        if len(dq):
            frame = dq.rename(columns={"file": "File", "row": "Row", "location_id": "CQC location ID", "issue": "Issue"})
            tables.append(Table("data_quality", "Rows the report could not use as they are", frame))
            paras.append(f"{len(dq):,} rows need attention; they are listed below and left out of the counts they affect.")
        else:
            paras.append("Every row of the input for this council was used; no data-quality issues were found.")
        self.display_section(Section("data_quality", "Data quality", paras, tables))

    def method_note(self) -> None:
        inputs = "; ".join(
            f"{i.path.name} (as of {i.as_of or 'unknown'}; {i.note})" for i in self.model.inputs
        )
        paras = [f"Built with carequality {__version__} from: {inputs}."]
        if self.model.as_of is not None:
            paras.append(
                f"The report's CQC data are as of {long_date(self.model.as_of)}: the latest date in CQC's data "
                "used here (a report's publication, a registration or a closure), leaving out dates after the day "
                "the report was made.")
        paras += [
            "Locations counted are those CQC lists as adult social care ('Social Care Org') in the council area, "
            "named by CQC's 'Location Local Authority'. Each location is counted once.",
        ]
        self.display_section(Section("method", "Method and sources", paras))


def open_report(params_file: str | Path) -> Report:
    """Validate params, load the model, and return the Report the notebook's cells use."""
    params = load_params(params_file)
    return Report(params=params, model=build_model(params))
