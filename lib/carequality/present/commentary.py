"""The council's own words: a Markdown commentary file cut into blocks, each rendered to safe HTML.

The file (docs/commentary.md; a template in templates/commentary.md) is Markdown with one level-2 heading per
block, the heading being the block's key: `## introduction`, `## market_overview`, `## recommendations` …
Text before the first such heading must be blank. HTML comments (`<!-- … -->`) are notes for whoever fills the
file in and are dropped. A block left empty shows nothing.

Rendering is made safe twice over (rule 4: text from inputs is data):
1. markdown-it-py (CommonMark, with tables) parses the Markdown with raw HTML turned off, so `<script>` in the
   file is text, not markup; images are turned off too (a report loads nothing from the network);
2. nh3 (the Python binding of the Rust sanitiser Ammonia) then keeps only an allow-list of tags and attributes
   and links to https, http and mailto: no script, style or iframe, no on* attribute, no javascript: link.
Headings inside a block start at level 3 (a block sits under its section's level-2 heading).

Front matter (issue 21): the file may open with a YAML block between two lines of `---`, holding the committee
paper's front sheet (FRONT_SHEET: committee, meeting date, agenda item, report of, lead officer and contact, cabinet
member, wards affected, key decision, public or exempt and why). A field left blank is shown as "[to be completed]"
on the front sheet and listed by `carequality check`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

#: A block heading: a line "## key" (the key a word of letters, digits and underscores; spaces around it allowed).
_BLOCK = re.compile(r"^##[ \t]+(?P<key>\S.*?)[ \t]*#*[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FRONT = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)^---[ \t]*$\n?", re.DOTALL | re.MULTILINE)

#: The front sheet's fields (front matter key → the label the front sheet prints), in the order they are printed.
FRONT_SHEET: dict[str, str] = {
    "committee": "Committee",
    "meeting_date": "Date of meeting",
    "agenda_item": "Agenda item",
    "report_of": "Report of",
    "lead_officer": "Lead officer",
    "contact": "Contact",
    "cabinet_member": "Cabinet member",
    "wards_affected": "Wards affected",
    "key_decision": "Key decision",
    "public_or_exempt": "Public or exempt",
    "exempt_reason": "Exempt information (appendix)",
}
#: What a draft shows for a front-sheet field the council has not filled in.
TO_BE_COMPLETED = "[to be completed]"

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "s",
        "sup",
        "sub",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = frozenset({"https", "http", "mailto"})


@dataclass
class Commentary:
    """Blocks of the council's commentary: key → Markdown text (stripped), in file order, and where each began."""

    path: Path | None = None
    blocks: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    #: The front matter's front-sheet fields (FRONT_SHEET keys), as text; a field not given is absent.
    front: dict[str, str] = field(default_factory=dict)

    def front_value(self, key: str) -> str:
        """A front-sheet field as printed: the council's text, or TO_BE_COMPLETED."""
        return self.front.get(key, "").strip() or TO_BE_COMPLETED

    def exempt_title(self, title: str) -> str:
        """The exempt appendix's title, tied to the agenda by the front matter: 'Exempt appendix to agenda item 7,
        Health and Adult Social Care Policy and Scrutiny Committee, 16 June 2026: <title>'; a field the council
        has not given is left out."""
        item, committee, meeting = (self.front.get(k, "").strip() for k in ("agenda_item", "committee", "meeting_date"))
        head = "Exempt appendix" + (f" to agenda item {item}" if item else "")
        return ", ".join([head] + [v for v in (committee, meeting) if v]) + f": {title}"

    def blank_front_fields(self) -> list[str]:
        """The labels of the front-sheet fields left blank, in front-sheet order."""
        return [label for key, label in FRONT_SHEET.items() if not self.front.get(key, "").strip()]

    def html(self, key: str) -> str:
        """The block's sanitised HTML, or "" when the file has no text for it."""
        text = self.blocks.get(key, "")
        return markdown_to_safe_html(text) if text.strip() else ""


def block_key(heading: str, allowed: tuple[str, ...]) -> str:
    """The block a heading names, as people write it: letter case, and spaces or hyphens for underscores, do not
    matter ('## Recommendations', '## Next steps', '## Rating-changes'); a heading that names no block is returned
    as written."""
    folded = "_".join(heading.replace("-", " ").replace("_", " ").split()).casefold()
    return next((a for a in allowed if a.casefold() == folded), heading)


def parse_commentary(text: str, allowed: tuple[str, ...]) -> tuple[Commentary, list[str]]:
    """Cut a commentary file into blocks; return it and the problems found, each naming its line.

    A problem: a block heading whose key is not one of `allowed`, a key given twice, or text before the first
    block heading."""
    text = text.lstrip("\ufeff")
    front, front_problems, text = _front_matter(text)
    # Comments are dropped but their line breaks kept, so line numbers stay those of the file.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    out = Commentary(front=front)
    problems: list[str] = list(front_problems)
    key: str | None = None
    body: list[str] = []
    fence: str | None = None
    seen_heading = False

    def close() -> None:
        if key is not None and key not in out.blocks:
            out.blocks[key] = "\n".join(body).strip("\n")

    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        m = _BLOCK.match(line) if fence is None else None
        if m:
            seen_heading = True
            close()
            name = block_key(m.group("key"), allowed)
            body = []
            if not _KEY.match(name) or name not in allowed:
                near = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.75)
                hint = f" (did you mean {near[0]}?)" if near else ""
                problems.append(
                    f"line {n}: '## {name}' is not a block of the commentary{hint}; expected a section "
                    f"id or purpose, introduction, recommendations, an implications block or next_steps "
                    "(see docs/commentary.md)"
                )
                key = None
                continue
            if name in out.blocks or name == key:
                problems.append(
                    f"line {n}: '## {name}' is given twice (first at line {out.lines[name]}); expected each block once"
                )
                key = None
                continue
            key = name
            out.lines[name] = n
            continue
        if key is None:
            if stripped and not seen_heading:
                problems.append(
                    f"line {n}: text before the first block heading; expected a heading such as '## introduction' first"
                )
                seen_heading = True  # said once
            continue
        body.append(line)
    close()
    return out, problems


def _front_matter(text: str) -> tuple[dict[str, str], list[str], str]:
    """(front-sheet fields, problems, the text with the front matter's lines blanked, so line numbers hold)."""
    import datetime as dt

    import yaml

    m = _FRONT.match(text)
    if not m:
        return {}, [], text
    blanked = "\n" * m.group(0).count("\n") + text[m.end() :]
    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else "line 1"
        return (
            {},
            [f"{where}: the front matter is not valid YAML; expected 'field: text' lines between '---' lines"],
            blanked,
        )
    if data is None:
        return {}, [], blanked
    if not isinstance(data, dict):
        return {}, ["line 2: the front matter is not a list of 'field: text' lines"], blanked
    front, problems = {}, []
    for key, value in data.items():
        if key not in FRONT_SHEET:
            near = difflib.get_close_matches(str(key), FRONT_SHEET, n=1, cutoff=0.75)
            hint = f" (did you mean {near[0]}?)" if near else ""
            problems.append(
                f"front matter: '{key}' is not a front-sheet field{hint}; expected one of {', '.join(FRONT_SHEET)}"
            )
            continue
        if isinstance(value, dt.date):
            value = f"{value.day} {value:%B %Y}"
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        front[key] = str(value)
    return front, problems, blanked


def read_commentary(path: Path, allowed: tuple[str, ...]) -> tuple[Commentary, list[str]]:
    """parse_commentary of a UTF-8 file (a problem, not an exception, when it is not UTF-8)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return Commentary(path=Path(path)), [f"byte {e.start}: not UTF-8 text; expected a Markdown file saved as UTF-8"]
    commentary, problems = parse_commentary(text, allowed)
    commentary.path = Path(path)
    return commentary, problems


def markdown_to_safe_html(text: str) -> str:
    """Markdown → HTML with raw HTML and images off (markdown-it-py), then cleaned by an allow-list (nh3)."""
    import nh3
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.disable("image")
    tokens = md.parse(_COMMENT.sub("", text))
    for t in tokens:
        if t.type in ("heading_open", "heading_close") and t.tag in ("h1", "h2"):
            t.tag = "h3"
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
