"""`carequality doctor`: what a render needs, whether this machine has it, and what works without it.

Each check says what it found, and for a missing piece the Debian or Ubuntu command that installs it and what
still works without it: HTML, the spreadsheets (XLSX, ODS) and the CSV tables need neither Chromium nor pandoc.
The tools are found as a render finds them (exports.chromium, exports.pandoc: PATH, or CAREQUALITY_CHROMIUM and
CAREQUALITY_PANDOC), so a test can fake a machine by its PATH.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from carequality.run.exports import chromium, pandoc
from carequality.run.fetch import KEY_ENV
from carequality.sources.cache import cache_dir

#: The font the report's stylesheet names after Arial (report.css): Debian's metric-compatible Arial.
FONT_FILE = "LiberationSans-Regular.ttf"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
#: What a report needs always, whatever the formats.
ALWAYS = "every report"


@dataclass(frozen=True)
class Check:
    """One thing a render may need: whether it is there, what was found, and what to do when it is not."""

    name: str
    ok: bool
    found: str
    needed_for: str
    install: str = ""  # the Debian/Ubuntu command, when a package brings it
    without: str = ""  # what still works without it
    optional: bool = False  # a setting only some commands use: "not set" rather than "MISSING"

    @property
    def essential(self) -> bool:
        return self.needed_for == ALWAYS


def _python() -> Check:
    v = sys.version_info
    ok = (v.major, v.minor) == (3, 11)
    return Check(
        "Python 3.11",
        ok,
        f"Python {v.major}.{v.minor}.{v.micro} at {sys.executable}",
        ALWAYS,
        "sudo apt-get install python3.11 python3.11-venv",
        "" if ok else "carequality is built and tested on Python 3.11 only",
    )


def _package() -> Check:
    from carequality import __version__

    where = Path(__file__).resolve().parents[1]
    return Check("carequality", True, f"carequality {__version__} at {where}", ALWAYS)


def _kernel() -> Check:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception as e:  # a broken Jupyter install: say what it said
        return Check(
            "Python kernel (ipykernel)",
            False,
            f"cannot list kernels: {e}",
            ALWAYS,
            "pip install --force-reinstall carequality",
        )
    ok = "python3" in specs
    return Check(
        "Python kernel (ipykernel)",
        ok,
        f"python3 kernel at {specs['python3']}" if ok else "no python3 kernel",
        ALWAYS,
        "" if ok else "pip install --force-reinstall ipykernel (in the environment carequality is installed in)",
    )


def _tool(name: str, path: str | None, fmt: str, package: str) -> Check:
    return Check(
        name,
        path is not None,
        path or "not found",
        fmt,
        f"sudo apt-get install {package}",
        f"without it, every other format is written and {fmt} is skipped with this advice",
    )


def _fonts(environ: Mapping[str, str]) -> Check:
    dirs = [Path(os.path.expanduser(d)) for d in environ.get("CAREQUALITY_FONT_DIRS", ":".join(FONT_DIRS)).split(":")]
    found = next((p for d in dirs if d.is_dir() for p in d.rglob(FONT_FILE)), None)
    return Check(
        "Liberation Sans font",
        found is not None,
        str(found) if found else f"{FONT_FILE} not found",
        "PDF as designed",
        "sudo apt-get install fonts-liberation",
        "without it the PDF is printed in another sans-serif font; line and page breaks may differ",
    )


def _cache() -> Check:
    folder = cache_dir()
    if folder is None:
        return Check("cache folder", True, "off (CAREQUALITY_CACHE): every render parses the CQC file again", "speed")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as e:
        return Check(
            "cache folder",
            False,
            f"{folder} is not writable ({e.strerror or e})",
            "speed",
            "",
            "set CAREQUALITY_CACHE to a folder you can write, or to off; reports are the same, only slower",
        )
    return Check("cache folder", True, f"{folder} (writable)", "speed")


def _key(environ: Mapping[str, str]) -> Check:
    ok = bool(environ.get(KEY_ENV, "").strip())
    return Check(
        "CQC API key",
        ok,
        f"{KEY_ENV} is set (not shown)" if ok else f"{KEY_ENV} is not set",
        "carequality fetch",
        "",
        "" if ok else "reports from files you downloaded need no key; `carequality fetch` needs one (docs/fetch.md)",
        optional=True,
    )


def run_checks(environ: Mapping[str, str] = os.environ) -> list[Check]:
    """Every check, in the order doctor prints them."""
    return [
        _python(),
        _package(),
        _kernel(),
        _tool("Chromium", chromium(), "PDF", "chromium"),
        _tool("pandoc", pandoc(), "Word (DOCX)", "pandoc"),
        _fonts(environ),
        _cache(),
        _key(environ),
    ]


def formats_available(checks: list[Check]) -> tuple[list[str], list[str]]:
    """The formats this machine can write, and those it cannot, by what the checks found."""
    by_name = {c.name: c.ok for c in checks}
    if not all(c.ok for c in checks if c.essential):
        return [], ["HTML", "XLSX", "ODS", "PDF", "Word (DOCX)"]
    can = ["HTML", "XLSX", "ODS", "CSV tables"]
    cannot: list[str] = []
    for tool, fmt in (("Chromium", "PDF"), ("pandoc", "Word (DOCX)")):
        (can if by_name[tool] else cannot).append(fmt)
    return can, cannot


def report(checks: list[Check]) -> str:
    """What doctor prints: one line per check, the fix under a missing piece, then what works."""
    lines = []
    for c in checks:
        label = "ok" if c.ok else "not set" if c.optional else "MISSING"
        lines.append(f"{label:<7}  {c.name:<26} {c.found}  [{c.needed_for}]")
        if not c.ok:
            if c.install:
                lines.append(f"         install (Debian/Ubuntu): {c.install}")
            if c.without:
                lines.append(f"         {c.without}")
    can, cannot = formats_available(checks)
    lines.append("")
    lines.append(f"Works now: {', '.join(can)}." if can else "Nothing can be rendered until the above is fixed.")
    if cannot and can:
        lines.append(
            f"Not yet: {', '.join(cannot)}. Without admin rights, ask your IT team to run the install commands "
            "above; `carequality render --to html,xlsx,ods` works meanwhile."
        )
    return "\n".join(lines)


__all__ = ["Check", "formats_available", "report", "run_checks"]
