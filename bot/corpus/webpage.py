"""Main text of a web page: no navigation, scripts, styles or page furniture.

Headings become Markdown headings so the chunker can split on them. Named `webpage`
so it never shadows the standard `html` module.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

DROP = (
    "script, style, noscript, nav, header, footer, aside, form, iframe, svg, button, "
    "template, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
)
BLOCKS = {"p", "div", "section", "article", "main", "li", "tr", "blockquote", "pre", "dd", "dt", "br"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class Page(NamedTuple):
    title: str
    text: str
    url: str


def html_to_text(html: str) -> Page:
    """The page's title, main text and its own address (canonical link or og:url), when it names one."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    url = _own_url(tree)
    for node in tree.css(DROP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return Page(title, "", url)
    parts: list[str] = []
    _walk(root, parts)
    text = re.sub(r"[ \t]+", " ", "".join(parts))
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not title:
        h1 = root.css_first("h1")
        title = h1.text(strip=True) if h1 else ""
    return Page(title, text + "\n" if text else "", url)


def _own_url(tree: HTMLParser) -> str:
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attribute) or "").strip() if node else ""
        if value.startswith(("http://", "https://")):
            return value
    return ""


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
