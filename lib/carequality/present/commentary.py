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
    # Comments are dropped but their line breaks kept, so line numbers stay those of the file.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    out = Commentary()
    problems: list[str] = []
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
                    f"id or introduction, recommendations or next_steps (see docs/commentary.md)"
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
