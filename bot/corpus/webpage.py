"""Main text of a web page: no navigation, scripts, styles or page furniture.

Headings become Markdown headings so the chunker can split on them. Named `webpage`
so it never shadows the standard `html` module.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

DROP = (
    "script, style, noscript, nav, header, footer, aside, form, iframe, svg, button, "
    "template, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
)
BLOCKS = {"p", "div", "section", "article", "main", "li", "tr", "blockquote", "pre", "dd", "dt", "br"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def html_to_text(html: str) -> tuple[str, str]:
    """Return (title, text) of the page's main content."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    for node in tree.css(DROP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return title, ""
    parts: list[str] = []
    _walk(root, parts)
    text = re.sub(r"[ \t]+", " ", "".join(parts))
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not title:
        h1 = root.css_first("h1")
        title = h1.text(strip=True) if h1 else ""
    return title, text + "\n" if text else ""


def _walk(node: Node, parts: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag in HEADINGS:
            parts.append(f"\n\n{'#' * HEADINGS[tag]} {child.text(strip=True)}\n\n")
        elif tag in BLOCKS:
            parts.append("\n\n" if tag != "br" else "\n")
            _walk(child, parts)
            parts.append("\n\n" if tag != "br" else "")
        else:
            _walk(child, parts)
