"""Render one params file: papermill in-process → executed notebook → HTML (own template), CSV tables, manifest.

Outputs go to <out>/<council-slug>/<period-slug>/ (the full report) or <out>/<council-slug>/<period-slug>-summary/
(the committee paper): each profile has a folder of its own, so rendering one never removes the other's files. They
are written atomically: everything is built in a temporary folder beside the target and swapped in only when the
whole render succeeded. A failed run leaves the previous outputs untouched and keeps the failed executed notebook
beside them, at <out>/<council-slug>/<folder>.failed.ipynb. Folders and files get the user's usual permissions (their
umask), not the private ones of the temporary folder.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version as dist_version
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from carequality import __version__
from carequality.errors import InputError
from carequality.facts import Fact, FactBook
from carequality.model.preflight import preflight
from carequality.params import ReportParams, check_profile, load_params, names_providers, params_for_manifest
from carequality.present.publication import report_marking
from carequality.present.tables import TABLE_MIME, table_json_to_csv
from carequality.registry import DEFAULT_PROFILE, profile_folder
from carequality.run import CELL_TIMEOUT
from carequality.run.atomic import current_umask
from carequality.run.exports import (
    VISIT_SCHEDULE_TABLE,
    WATCH_LIST_TABLE,
    check_formats,
    parse_formats,
    write_exports,
    write_visit_schedule,
    write_watch_list,
)
from carequality.run.site import headline
from carequality.sources.cache import digest_memo
from carequality.sources.provenance import sha256_of_input

if TYPE_CHECKING:
    import nbformat

    from carequality.model.build import Model

#: The report notebook and the HTML template ship inside the package (package data), so a pip-installed
#: carequality renders without a clone; notebooks/annual_report.ipynb in a clone is a copy of it (tests/test_registry.py).
NOTEBOOK = Path(str(files("carequality.run") / "notebooks" / "annual_report.ipynb"))
TEMPLATE_DIR = Path(str(files("carequality.run") / "templates"))
#: Every fact a report's sentences state, beside report.html (docs/facts.md); `carequality audit` reads it.
FACTS_FILE = "facts.json"
#: The clone's root when running from one (lib/carequality/run/render.py): its git commit goes in the manifest.
REPO_DIR = Path(__file__).resolve().parents[3]
LIBRARIES = (
    "carequality",
    "pandas",
    "papermill",
    "nbconvert",
    "matplotlib",
    "pydantic",
    "python-calamine",
    "ipykernel",
    "xlsxwriter",
    "odfpy",
)


#: Optional modules that third-party libraries import eagerly, at a cost out of all proportion to their use here.
#: jsonschema (imported by nbformat, papermill and nbconvert) imports rfc3987-syntax whenever it is installed
#: (jupyterlab brings it, through jupyter-events' jsonschema[format-nongpl]); rfc3987-syntax 1.1 builds an Earley
#: parser of RFC 3987 as it is imported, 2 to 3 seconds of CPU in every process that renders
#: (python-jsonschema/jsonschema#1392), for jsonschema's "iri" format checker, which no schema here uses.
SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


@contextlib.contextmanager
def slow_optional_imports_kept_out() -> Iterator[None]:
    """Import what the block imports as if SLOW_OPTIONAL_IMPORTS were not installed (a module already imported is
    left alone). Afterwards they can be imported as usual; only a library that looked for one during the block
    (jsonschema: its "iri" format checker) goes without it in this process. papermill, nbconvert and nbformat are
    imported inside this block (execute, report_exporter, batch workers)."""
    kept_out = [m for m in SLOW_OPTIONAL_IMPORTS if m not in sys.modules]
    for m in kept_out:
        sys.modules[m] = None  # type: ignore[assignment]  # the import system's "not installed"
    try:
        yield
    finally:
        for m in kept_out:
            if m in sys.modules and sys.modules[m] is None:
                del sys.modules[m]


class RenderError(Exception):
    """The notebook failed. `message` is the failing cell's error, `notebook` where the failed run was kept."""

    def __init__(self, message: str, notebook: Path | None, *, bad_input: bool = False):
        super().__init__(message)
        self.notebook = notebook
        self.bad_input = bad_input


@dataclass
class RenderResult:
    out_dir: Path
    html: Path
    tables: list[Path]
    manifest: Path
    seconds: float
    #: Every report file written, by format: {"html": …, "pdf": …, "xlsx": …, "ods": …, "docx": …}.
    outputs: dict[str, Path] = field(default_factory=dict)


def output_dir(params: ReportParams, out_root: Path, profile: str = DEFAULT_PROFILE) -> Path:
    """Where a profile's outputs go: <out_root>/<council>/<period> for the full report (the default profile), and
    <out_root>/<council>/<period>-<profile> for any other (the committee paper: <period>-summary)."""
    council, period = params.output_slug
    return Path(out_root) / council / profile_folder(period, profile)


def git_commit() -> str:
    """The clone's commit (with -dirty for uncommitted changes); 'unknown' for an installed package."""
    if not (REPO_DIR / ".git").exists() or not (REPO_DIR / "pyproject.toml").is_file():
        return "unknown"
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def _relative(path: Path, base: Path) -> str:
    return os.path.relpath(path, base)


def kernel_manager_class(socket_dir: str):
    """Kernels talk to us over local Unix sockets (IPC) in `socket_dir`, not TCP: nothing is exposed on the network."""
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # Socket files live in a private temporary folder, never in the params or output folders.
            kwargs.setdefault("ip", str(Path(socket_dir) / "kernel"))
            super().__init__(*args, **kwargs)

    return LocalKernelManager


# ---- leftovers of a killed run -------------------------------------------------------------------------------
# A render builds its outputs in `.<period>.tmp-<pid>-<random>` beside the target, and its kernel's sockets in
# `<tmp>/cq-kernel-<output key>-<pid>-<random>`. Each holds a `.lock` file that the render keeps locked (flock)
# while it runs: the lock goes when the process does, however it ends. The next render of the same output
# removes the ones whose lock it can take, or, with no lock file yet, whose process is gone; never a live one.

LOCK_FILE = ".lock"


def _owned_lock(folder: Path) -> int:
    """Create and lock `folder`/.lock; the descriptor stays open (and locked) until _release."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(folder: Path, prefix: str) -> bool:
    """True if `folder` (named `prefix`<pid>…) was left by a render that no longer runs."""
    lock = folder / LOCK_FILE
    if lock.exists():
        try:
            fd = os.open(lock, os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # locked: its render is running
        finally:
            os.close(fd)
        return True
    pid = folder.name[len(prefix) :].split("-", 1)[0]
    if not pid.isdigit():
        return True  # an older version's folder (no pid, no lock): nothing can be using it now
    return int(pid) != os.getpid() and not _pid_alive(int(pid))


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Remove the stale folders in `parent` whose names start with `prefix`; return them."""
    import glob

    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for folder in sorted(parent.glob(glob.escape(prefix) + "*")):
        if folder.is_dir() and not folder.is_symlink() and is_stale(folder, prefix):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def output_key(final: Path) -> str:
    """A short key for an output folder, naming its kernel socket folders."""
    return hashlib.sha256(str(Path(final).resolve()).encode()).hexdigest()[:12]


def remove_leftovers(final: Path) -> list[Path]:
    """Remove what killed renders of `final` left: temporary output folders, old outputs half swapped, and kernel
    socket folders. Renders of other outputs, and live renders of this one, are left alone."""
    return (
        remove_stale(final.parent, f".{final.name}.tmp-")
        + remove_stale(final.parent, f".{final.name}.old-")
        + remove_stale(Path(tempfile.gettempdir()), f"cq-kernel-{output_key(final)}-")
    )


@contextlib.contextmanager
def _locked_folder(prefix: str, parent: Path) -> Iterator[Path]:
    """A new folder named `prefix`<pid>-<random> in `parent`, locked while in use and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    fd = None
    try:
        fd = _owned_lock(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _release(fd)


def execute(
    params_path: Path,
    executed: Path,
    *,
    progress: bool = False,
    kernel_manager=None,
    socket_key: str | None = None,
    profile: str = DEFAULT_PROFILE,
    engine: str = "inprocess",
    cell_timeout: float | None = CELL_TIMEOUT,
    notebook: Path | None = None,
) -> nbformat.NotebookNode:
    """Run the notebook with papermill in this process, in the params file's folder.

    `engine` is "inprocess" (the cells run in a process forked from this one: run/engine.py) or "kernel" (a Jupyter
    kernel, papermill's own route). For a kernel, `kernel_manager(socket_dir)`, when given, returns the kernel manager
    class to use instead of `kernel_manager_class` (batch workers pass one whose kernels are forked from a warm
    template: kernels.py), and `socket_key` (output_key) names the socket folder so that the next render of the
    same output can find it. A cell running longer than `cell_timeout` seconds is stopped (None: no limit).
    `notebook` replaces the report notebook (NOTEBOOK), for tests and measurements.
    """
    with slow_optional_imports_kept_out():
        import papermill
        from papermill.exceptions import PapermillExecutionError

        from carequality.run.engine import DIED_ERROR, ENGINES, TIMEOUT_ERROR

    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}': expected one of {', '.join(ENGINES)}")
    run = functools.partial(
        papermill.execute_notebook,
        str(notebook or NOTEBOOK),
        str(executed),
        parameters={"params_file": params_path.name, "profile": profile},
        cwd=str(params_path.parent),
        kernel_name="python3",
        engine_name=ENGINES[engine],
        progress_bar=progress,
        log_output=False,
        report_mode=True,
        # Saved once at the end (and on failure), not twice per cell: those saves cost a second a report.
        request_save_on_cell_execute=False,
        execution_timeout=cell_timeout,
    )
    prefix = f"cq-kernel-{socket_key}-" if socket_key else "cq-kernel-"
    try:
        if engine != "kernel":
            return run()
        with _locked_folder(prefix, Path(tempfile.gettempdir())) as sockets:
            return run(kernel_manager_class=(kernel_manager or kernel_manager_class)(str(sockets)))
    except PapermillExecutionError as e:
        bad_input = e.ename in ("InputError", "CombinedInputError", "ParamsError")
        if e.ename in (TIMEOUT_ERROR, DIED_ERROR):
            message = f"the notebook stopped at cell {e.exec_count}: {e.evalue}"
        else:
            message = f"{e.ename}: {e.evalue}" if not bad_input else str(e.evalue)
        raise RenderError(message, executed, bad_input=bad_input) from None


def collect_tables(nb: nbformat.NotebookNode) -> list[dict]:
    tables = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TABLE_MIME in data:
                tables.append(data[TABLE_MIME])
    ids = [t["id"] for t in tables]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise RenderError(f"table ids shown more than once: {', '.join(dups)}", None)
    return tables


def collect_figures(nb: nbformat.NotebookNode) -> list[tuple[dict, str]]:
    """Each chart's data (FIGURE_MIME, figures.py) and its base64 PNG, in report order."""
    from carequality.present.figures import FIGURE_MIME

    figures = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURE_MIME in data:
                figures.append((data[FIGURE_MIME], data.get("image/png", "")))
    ids = [f["id"] for f, _ in figures]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise RenderError(f"figure ids shown more than once: {', '.join(dups)}", None)
    return figures


def collect_facts(nb: nbformat.NotebookNode, tables: list[dict]) -> FactBook:
    """Every fact the sections stated (FACTS_MIME, report.py), in report order, into one book; with each shown
    table's number, caption, formats and the columns whose Total is not a sum (for the audit)."""
    from carequality.report import FACTS_MIME

    book = FactBook()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(FACTS_MIME)
            if data is None:
                continue
            for source, day in data.get("as_of", {}).items():
                book.declare_source(source, day)
            book.extend((Fact.from_json(f) for f in data.get("facts", [])), data.get("section", ""))
    for t in tables:
        book.tables[t["id"]] = {
            "number": t.get("number"),
            "caption": t["caption"],
            "formats": t.get("formats", {}),
            **({"total_not_sum": t["total_not_sum"]} if t.get("total_not_sum") else {}),
        }
    return book


def facts_for_page(book: FactBook) -> list[dict]:
    """The list of numbers at the end of the HTML page: each fact's text, definition, date and tables."""
    from carequality.present.facts import text as fact_text
    from carequality.present.text import long_date

    out = []
    for f in sorted(book, key=lambda f: f.id):
        when = ""
        if f.period is not None:
            when = f"From {long_date(f.period[0])} to {long_date(f.period[1])}."
        elif f.as_of is not None:
            when = f"On {long_date(f.as_of)}."
        shown: list[dict] = []
        for c in f.cells:
            meta = book.tables.get(c.table)
            if meta and c.table not in [t["id"] for t in shown]:
                shown.append({"id": c.table, "label": f"Table {meta['number']}: {meta['caption']}"})
        out.append({"id": f.id, "text": fact_text(f), "definition": f.definition, "when": when, "tables": shown})
    return out


#: The exempt appendix of a committee paper: the names and concerns it leaves out, in a file of its own.
EXEMPT_APPENDIX = "exempt_appendix"
#: The committee paper's method-and-data annex (a background paper): method, data quality, provenance.
METHOD_ANNEX = "method_annex"
#: The committee paper's folder for what is not for publication: its exempt appendix and the executed notebook
#: (which holds the appendix's names), apart from the files a clerk may publish (docs/outputs.md).
EXEMPT_FOLDER = "exempt"
#: The executed notebook's name in the output folder (in EXEMPT_FOLDER for a committee paper).
EXECUTED_NOTEBOOK = "annual_report.ipynb"


def write_part(
    folder: Path, nb: nbformat.NotebookNode, context: dict, name: str, formats: tuple[str, ...]
) -> list[Path]:
    """<name>.html (and .pdf when the PDF is asked for) of one part of the paper (the template's `part`)."""
    html_path = folder / f"{name}.html"
    _write(html_path, to_html(nb, context))
    written = [html_path]
    if "pdf" in formats:
        from carequality.run.exports import html_to_pdf

        written.append(html_to_pdf(html_path, folder / f"{name}.pdf"))
    return written


def has_exempt(nb: nbformat.NotebookNode) -> bool:
    return any(
        o.get("metadata", {}).get("carequality", {}).get("exempt") for c in nb.cells for o in c.get("outputs", [])
    )


def write_exempt_appendix(
    folder: Path, nb: nbformat.NotebookNode, context: dict, params: ReportParams, formats: tuple[str, ...]
) -> list[Path]:
    """exempt_appendix.html (and .pdf when the PDF is asked for): the outputs the notebook marked exempt, under a
    notice that they are not for publication, with the reason the council gives (its commentary's front matter);
    [] when the paper has none."""
    if not has_exempt(nb):
        return []
    from carequality.present.commentary import TO_BE_COMPLETED, Commentary, read_commentary
    from carequality.registry import COMMENTARY_BLOCKS

    commentary = Commentary()
    if params.inputs.commentary is not None:
        commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)
    reason = commentary.front.get("exempt_reason", "").strip() or (
        f"The reason this appendix is exempt (a paragraph of Schedule 12A to the Local Government Act 1972) is "
        f"{TO_BE_COMPLETED}."
    )
    exempt_context = {
        **context,
        "part": "exempt",
        "title": commentary.exempt_title(context["title"]),
        "marking": "NOT FOR PUBLICATION",
        "running_header": f"{context['running_header']}: exempt appendix",
        "exempt_reason": reason,
        "background_papers": [],
        "credit": "",
    }
    return write_part(folder, nb, exempt_context, EXEMPT_APPENDIX, formats)


def docx_properties(params: ReportParams) -> dict[str, str]:
    """The Word document's author and date: the report's author from the commentary's front matter ("report of",
    else the lead officer), else the council; the meeting date when the front matter gives one as a date, else the
    end of the reporting period. Both fixed by the inputs, so the same inputs give the same file."""
    from carequality.present.commentary import Commentary, read_commentary
    from carequality.registry import COMMENTARY_BLOCKS

    commentary = Commentary()
    if params.inputs.commentary is not None:
        commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)
    front = commentary.front
    author = front.get("report_of", "").strip() or front.get("lead_officer", "").strip() or params.council.name
    meeting = front.get("meeting_date", "").strip()
    try:
        date = dt.datetime.strptime(meeting, "%d %B %Y").date().isoformat()
    except ValueError:
        date = params.period.end.isoformat()
    return {"author": author, "date": date}


def data_as_of(nb: nbformat.NotebookNode) -> str | None:
    """The CQC data's as-of date (ISO) that the title block carries, or None."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("carequality", {})
            if meta.get("role") == "title":
                return meta.get("as_of")
    return None


def cover_contact(params: ReportParams) -> str:
    """Who the spreadsheets' cover names as the contact: the params file's options.contact when it gives one, else
    the contact on the committee paper's front sheet (the commentary's front matter), else "" (the cover then has no
    contact line; never the placeholder, which is an instruction to the team, not a contact)."""
    from carequality.params import DEFAULT_CONTACT
    from carequality.present.commentary import TO_BE_COMPLETED, Commentary, read_commentary
    from carequality.registry import COMMENTARY_BLOCKS

    if params.options.contact.strip() and params.options.contact != DEFAULT_CONTACT:
        return params.options.contact.strip()
    commentary = Commentary()
    if params.inputs.commentary is not None:
        commentary, _ = read_commentary(params.path(params.inputs.commentary), COMMENTARY_BLOCKS)
    front = commentary.front.get("contact", "").strip()
    return "" if front == TO_BE_COMPLETED else front


def spreadsheet_cover(params: ReportParams, nb: nbformat.NotebookNode, title: str) -> dict:
    """What the spreadsheets' cover sheet says (exports.workbook_sheets)."""
    from carequality.present.text import long_date, upper_first
    from carequality.run.exports import SOURCE_NAMES

    given = params.input_paths()
    sources = [SOURCE_NAMES[name] for name in SOURCE_NAMES if name in given]
    source = "; ".join(sources)
    as_of = data_as_of(nb)
    return {
        "title": title,
        "council": f"{params.council.name} ({params.council.code})",
        "period": f"{long_date(params.period.start)} to {long_date(params.period.end)}",
        "source": upper_first(source),
        "as_of": long_date(dt.date.fromisoformat(as_of)) if as_of else "",
        "marking": params.options.protective_marking,
        "contact": cover_contact(params),
        "example_data": params.options.example_data,
        "licence": source_credit(params),
    }


def shown_html(nb: nbformat.NotebookNode) -> str:
    """Every HTML output of the executed notebook, joined: what the page shows, before the template wraps it."""
    return "\n".join(str(o.get("data", {}).get("text/html", "")) for cell in nb.cells for o in cell.get("outputs", []))


def symbols_key(params: ReportParams, shown: str) -> str:
    """The key to the symbols the page uses, said once under the contents: only the symbols `shown` (the page's
    HTML) holds, a dash in a table cell, a status in the key messages, a suppressed count; "" when it holds none."""
    from carequality.present.publication import SUPPRESSED
    from carequality.present.text import STATUS_LABELS

    parts = []
    if re.search(r"<td[^>]*>\s*\u2013\s*</td>", shown):
        parts.append("a dash (\u2013) means there is no figure for that cell.")
    if "cq-status" in shown:
        statuses = ", ".join(f"{sym} {word}" for sym, word in STATUS_LABELS.values())
        parts.append(f"In the key messages, {statuses} compare a share with the council's standard.")
    if re.search(rf"<td[^>]*>\s*{re.escape(SUPPRESSED)}\s*</td>", shown):
        parts.append(
            f"{SUPPRESSED} stands for a count of fewer than {params.options.suppress_below} people, left out so "
            "that no one can be identified."
        )
    if not parts:
        return ""
    return ("How to read the tables: " if parts[0].startswith("a dash") else "How to read this report: ") + " ".join(
        parts
    )


def source_credit(params: ReportParams) -> str:
    """The licence's attribution when the report uses data published under the Open Government Licence (not for
    generated example data, which is nobody's information)."""
    from carequality.vocab import OGL_CREDIT, OGL_INPUTS

    given = params.input_paths()
    return OGL_CREDIT if not params.options.example_data and any(name in given for name in OGL_INPUTS) else ""


@functools.cache
def report_exporter():
    """The HTML exporter, made once per process: its Jinja template is compiled once, not once a report.

    It is nbconvert's HTMLExporter with our template, rendering the executed notebook and nothing else. Three
    steps of HTMLExporter.from_notebook_node (nbconvert 7) do nothing for our notebook, yet took most of the
    export's time, and are left out:

    - Its last pass parses the finished page with BeautifulSoup (pure Python) to give every <img> without alt
      text a placeholder alt and a tabindex to JupyterLab's input and output wrappers (.jp-Cell-inputWrapper,
      .jp-OutputArea-output), then serialises the page again. Our template writes every <img> itself, always
      with the figure's alt text (index.html.j2, macro figure), and has no JupyterLab wrappers; the outputs'
      own HTML (headings, paragraphs, tables) is built and escaped by carequality and holds no <img>. So the
      pass only re-serialised the page: attributes sorted, void elements written `<meta/>`, character
      references such as `&#x27;` written as the character. The page is the same document without it: parsed,
      it serialises exactly as the old pass wrote it (tests/run/test_render.py), and axe-core still finds no
      violation (tests/run/test_exports.py).
    - Preprocessors: nbconvert's defaults are off, or do nothing for a notebook without cell tags to remove,
      regex patterns or cell magics; nbconvert validated the whole notebook after each of the eleven, and
      papermill had validated it when it saved it. None runs here.
    - Copies: the notebook was deep-copied three times (before preprocessing, for it, and to normalise it for
      them). The template only reads the notebook, so it renders the one papermill returned.
    """
    with slow_optional_imports_kept_out():
        from nbconvert import HTMLExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter's, TemplateExporter's and Exporter's from_notebook_node in one, less the three steps above.
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            if "language" in nb.metadata:
                resources["language"] = nb.metadata["language"].lower()
            meta = resources.get("metadata", {})
            self._nb_metadata[os.path.join(meta.get("path", ""), meta.get("name", ""))] = nb.metadata
            resources.setdefault("raw_mimetypes", self.raw_mimetypes)
            resources.setdefault("output_mimetype", self.output_mimetype)
            resources["global_content_filter"] = {
                "include_code": not self.exclude_code_cell,
                "include_markdown": not self.exclude_markdown,
                "include_raw": not self.exclude_raw,
                "include_unknown": not self.exclude_unknown,
                "include_input": not self.exclude_input,
                "include_output": not self.exclude_output,
                "include_output_stdin": not self.exclude_output_stdin,
                "include_input_prompt": not self.exclude_input_prompt,
                "include_output_prompt": not self.exclude_output_prompt,
                "no_prompt": self.exclude_input_prompt and self.exclude_output_prompt,
            }
            return self.template.render(nb=nb, resources=resources).lstrip("\r\n"), resources

    return ReportExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name="carequality",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        default_preprocessors=[],
    )


def to_html(nb: nbformat.NotebookNode, context: dict) -> str:
    body, _ = report_exporter().from_notebook_node(nb, resources={"carequality": context})
    return body


@functools.cache
def library_versions() -> dict[str, str]:
    """The installed versions of LIBRARIES, read once per process (from each package's metadata: 10 ms a report)."""
    libs = {}
    for lib in LIBRARIES:
        try:
            libs[lib] = dist_version(lib)
        except Exception:
            libs[lib] = "not installed"
    return libs


def build_manifest(params: ReportParams, params_path: Path, tables: list[dict], commit: str) -> dict:
    inputs = {}
    for name, path in params.input_paths().items():
        inputs[name] = {
            "file": _relative(path, params_path.parent),
            "sha256": sha256_of_input(path, digest_memo()),
            "bytes": _bytes(path),
        }
    return {
        "carequality_version": __version__,
        "git_commit": commit,
        "params_file": params_path.name,
        "params_sha256": sha256_of_input(params_path),
        "params": params_for_manifest(params),
        "inputs": inputs,
        "tables": sorted(f"tables/{t['id']}.csv" for t in tables),
        "libraries": library_versions(),
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _swap_in(tmp: Path, final: Path) -> None:
    """Replace `final` with `tmp` so that at every moment one complete version exists."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def render(
    params_path: str | Path,
    out_root: str | Path = "outputs",
    *,
    progress: bool = False,
    now: dt.datetime | None = None,
    formats: str | tuple[str, ...] = ("html",),
    kernel_manager=None,
    profile: str = DEFAULT_PROFILE,
    commit: str | None = None,
    engine: str = "inprocess",
    cell_timeout: float | None = CELL_TIMEOUT,
    notebook: Path | None = None,
) -> RenderResult:
    """Validate params and the profile, execute the notebook, write HTML, CSV tables, the manifest, the watch list
    spreadsheet (when the report has one) and any other formats (pdf, xlsx, ods, docx: see exports.py) atomically.

    `profile` is "full" (every section and the annexes) or "summary" (the committee paper): registry.PROFILES.
    `commit`, when given, is the clone's git commit (git_commit(); a batch asks git once for all its reports).
    `engine` runs the notebook's cells: "inprocess" (default) or "kernel" (execute); a cell running longer than
    `cell_timeout` seconds fails the report. `notebook` replaces the report notebook (tests, measurements)."""
    started = dt.datetime.now(dt.UTC)
    params_path = Path(params_path).absolute()
    params = load_params(params_path)  # raises ParamsError before anything runs
    check_profile(profile)  # ValueError naming the profiles, before anything runs
    formats = parse_formats(formats)
    check_formats(formats)  # a missing Chromium or pandoc is named before the notebook runs
    preflight(params)  # data of another council, say, is named before a kernel starts (model/preflight.py)
    final = output_dir(params, Path(out_root), profile).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final)  # of a render of this output that was killed
    failed_nb = final.with_name(final.name + ".failed.ipynb")
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-{os.getpid()}-", dir=final.parent))
    os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp's folder is the owner's alone; the outputs are not
    lock = None
    try:
        lock = _owned_lock(tmp)
        executed = tmp / EXECUTED_NOTEBOOK
        try:
            nb = execute(
                params_path,
                executed,
                progress=progress,
                kernel_manager=kernel_manager,
                socket_key=output_key(final),
                profile=profile,
                engine=engine,
                cell_timeout=cell_timeout,
                notebook=notebook,
            )
        except RenderError as e:
            if executed.exists():
                shutil.copyfile(executed, failed_nb)
                e.notebook = failed_nb
            raise
        tables = collect_tables(nb)
        for t in tables:
            _write(tmp / "tables" / f"{t['id']}.csv", table_json_to_csv(t))
        figures = collect_figures(nb)
        for f, png in figures:  # every chart's data beside its image
            _write(tmp / "figures" / f"{f['id']}.csv", table_json_to_csv(f))
            (tmp / "figures" / f"{f['id']}.png").write_bytes(base64.b64decode(png))
        book = collect_facts(nb, tables)
        _write(tmp / FACTS_FILE, json.dumps(book.to_json(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        commit = commit or git_commit()
        manifest = build_manifest(params, params_path, tables, commit)
        manifest["facts"] = FACTS_FILE
        manifest["figures"] = sorted(f"figures/{f['id']}.{ext}" for f, _ in figures for ext in ("csv", "png"))
        generated = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
        marking = report_marking(params.options.protective_marking, names_providers=names_providers(params, profile))
        context = {
            "title": f"{params.title}: {params.council.name}",
            "council": params.council.name,
            "version": __version__,
            "commit": commit,
            "generated": generated,
            "inputs": [{"name": k, **v} for k, v in manifest["inputs"].items()],
            "params_file": manifest["params_file"],
            "params_sha256": manifest["params_sha256"],
            "marking": marking,
            "running_header": f"{params.council.name}: {params.title}",
            "params": manifest["params"],
            "libraries": manifest["libraries"],
            "facts": facts_for_page(book),
            "credit": source_credit(params),
            "symbols": symbols_key(params, shown_html(nb)),
        }
        if profile == "summary":  # the committee paper: provenance and method in a background paper of their own
            context["method_annex"] = True
            context["background_papers"] = [
                "Method and data annex, beside this paper as a web page and a PDF: how this paper was made, the "
                "quality of its data, the data behind its charts, its input files with their checksums, and its "
                "settings.",
                "The data behind the tables and charts: "
                + ("the spreadsheet beside this paper and " if {"xlsx", "ods"} & set(formats) else "")
                + "a file for each table and chart beside it.",
            ]
        _write(tmp / "report.html", to_html(nb, context))
        parts = []
        if profile == "summary":  # not for publication: apart from the files a clerk may publish
            (tmp / EXEMPT_FOLDER).mkdir()
            os.replace(executed, tmp / EXEMPT_FOLDER / EXECUTED_NOTEBOOK)
            parts = write_exempt_appendix(tmp / EXEMPT_FOLDER, nb, context, params, formats)
            parts += write_part(
                tmp,
                nb,
                {
                    **context,
                    "part": "method",
                    "method_annex": False,
                    "title": f"Method and data annex: {context['title']}",
                },
                METHOD_ANNEX,
                formats,
            )
        manifest["profile"] = profile
        manifest["outputs"] = [f"report.{f}" for f in formats]
        manifest["headline"] = headline(tables, params.council.name, params.sections, params.period.start.isoformat())
        cover = {**spreadsheet_cover(params, nb, context["title"]), "marking": marking}
        reference = params.path(params.options.reference_docx) if params.options.reference_docx else None
        outputs = write_exports(
            tmp,
            formats,
            tables,
            title=context["title"],
            subject=marking,
            comments=f"carequality {__version__}, params {manifest['params_file']}",
            figures=[f for f, _ in figures],
            cover=cover,
            header=context["running_header"],
            reference_docx=reference,
            **docx_properties(params),
        )
        watch = [t for t in tables if t["id"] == WATCH_LIST_TABLE]
        if watch:
            outputs["watch_list"] = write_watch_list(tmp / "watch_list.xlsx", watch[0], cover=cover, subject=marking)
            manifest["outputs"].append("watch_list.xlsx")
        schedule = [t for t in tables if t["id"] == VISIT_SCHEDULE_TABLE]
        if schedule:
            outputs["visit_schedule"] = write_visit_schedule(
                tmp / "visit_schedule.xlsx", schedule[0], cover=cover, subject=marking
            )
            manifest["outputs"].append("visit_schedule.xlsx")
        manifest["outputs"].extend(p.relative_to(tmp).as_posix() for p in parts)
        _write(tmp / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        (tmp / LOCK_FILE).unlink()  # the lock stays held (by its open descriptor) until _release below
        _swap_in(tmp, final)
        if failed_nb.exists():
            failed_nb.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _release(lock)
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return RenderResult(
        out_dir=final,
        html=final / "report.html",
        tables=sorted((final / "tables").glob("*.csv")),
        manifest=final / "manifest.json",
        seconds=seconds,
        outputs={f: final / p.name for f, p in outputs.items()},
    )


def check(params_path: str | Path) -> tuple[ReportParams, Model]:
    """Validate params and load every input (the model), running nothing else."""
    from carequality.model.build import build_model

    params = load_params(params_path)
    preflight(params)
    return params, build_model(params)


def check_notes(params: ReportParams, model: Model) -> list[str]:
    """What the data cannot give, as the report says it: each section left out for want of an input (and the
    inputs that would add it), and the comparison's areas the data do not cover."""
    from carequality.measures.compare import comparison
    from carequality.registry import SECTIONS

    given = {name for name, p in params.inputs if p is not None}
    notes = []
    for spec in SECTIONS:
        unmet = spec.unmet(given)
        if not params.wants(spec.name) and unmet and not set(spec.replaced_by) & given:
            needs = "; ".join(" or ".join(f"inputs.{n}" for n in names) for names in unmet)
            notes.append(f"section {spec.name!r} is left out: it needs {needs}")
    if params.wants("benchmarks"):
        uncovered = comparison(model, params).uncovered
        if uncovered:
            notes.append(
                f"section 'benchmarks' shows {params.council.name} without {', '.join(uncovered)}: the data do not "
                "cover them; inputs.area_ratings_by_month (or monthly files for all of England) would add them"
            )
    return notes


__all__ = ["InputError", "RenderError", "RenderResult", "check", "check_notes", "render"]
