"""Main text of a web page: no navigation, banners, sidebars, share bars or footers.

The main text is found by trafilatura, which scores the page's blocks rather than
trusting tag names (most sites put their furniture in classed `<div>`s, not `<nav>`):
measured in bench/html_extraction.py and docs/moderators/importing.md. Its result is turned into plain
text with Markdown headings, so the chunker can split on them and quotes stay the
page's own words (no Markdown escapes or emphasis marks). The `<title>` and the
page's own address (canonical link or og:url) are read with selectolax. Named
`webpage` so it never shadows the standard `html` module.

Text a reader cannot see is dropped before any of that (`drop_hidden`): a page can hide a planted
instruction from the moderator who imports it with `display:none`, the `hidden` attribute,
`aria-hidden`, a zero font size, white-on-white text or off-screen positioning, in a `style`
attribute or a stylesheet rule, and none of it may reach the index.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import trafilatura
from lxml.etree import _Element as Element
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode, SelectolaxError

HEADER_CHARS = 3000
# A declaration that makes an element's text invisible; `_white_on_white` covers colours.
_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)"
    r"|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)|(?:left|top|right|text-indent)\s*:\s*-\d{3,}"
    r"|clip\s*:\s*rect\(\s*0[a-z]*[\s,]+0|transform\s*:\s*scale\(\s*0\s*\)"
    r"|(?:width|height)\s*:\s*0(?:px)?\s*;[^}]*overflow\s*:\s*hidden",
    re.IGNORECASE,
)
_WHITE = r"(?:white|#fff(?:fff)?|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*1(?:\.0*)?\s*)?\))"
_COLOUR = re.compile(rf"(?:^|;|\s)color\s*:\s*{_WHITE}\s*(?:;|$|!)", re.IGNORECASE)
_DARK_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*(?!\s*(?:white|#fff|transparent|none))", re.I)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


class Page(NamedTuple):
    title: str
    text: str
    url: str
    header: str  # the start of the whole page's visible text, for the citation printed beside the main text


def html_to_text(html: str) -> Page:
    """The page's title, main text, own address (when it names one) and the start of its visible text."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    url = _own_url(tree)
    drop_hidden(tree)
    shown = tree.html or ""
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    visible = tree.body.text(separator="\n") if tree.body else ""
    header = re.sub(r"\s*\n\s*", "\n", visible)[:HEADER_CHARS]
    text = _main_text(shown)
    if not title:
        heading = re.search(r"^#+ (.+)$", text, re.M)
        title = heading.group(1).strip() if heading else ""
    return Page(title, text, url, header)


def drop_hidden(tree: HTMLParser) -> None:
    """Remove every element a browser would not show, by attribute, inline style or stylesheet rule."""
    hidden = list(tree.css('[hidden], [aria-hidden="true" i], input[type="hidden" i]'))
    hidden += [node for node in tree.css("[style]") if _hides(node.attributes.get("style") or "")]
    for sheet in tree.css("style"):
        for selectors, declarations in _RULE.findall(sheet.text() or ""):
            if _hides(declarations):
                hidden += _matching(tree, selectors)
    for node in hidden:
        if node.parent is not None:  # not already gone with an ancestor
            node.decompose()


def _hides(declarations: str) -> bool:
    if _HIDING.search(declarations):
        return True
    return bool(_COLOUR.search(declarations)) and not _DARK_BACKGROUND.search(declarations)


def _matching(tree: HTMLParser, selectors: str) -> list[LexborNode]:
    """Elements matched by a stylesheet rule's selectors; a selector the parser rejects matches none."""
    found: list[LexborNode] = []
    for selector in selectors.split(","):
        selector = selector.strip()
        if not selector or selector.startswith("@") or ":" in selector:
            continue  # at-rules and pseudo-classes (:hover, ::before) hide nothing on their own
        try:
            found += tree.css(selector)
        except SelectolaxError:  # a selector the parser cannot read
            continue
    return found


def _main_text(html: str) -> str:
    extracted = trafilatura.bare_extraction(
        html,
        include_tables=True,
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        with_metadata=False,
        deduplicate=False,
    )
    body = getattr(extracted, "body", None) if extracted is not None else None
    if body is None:
        return ""
    for node in body.iter("lb"):
        node.text = "\n"
    parts = [_block(child) for child in body]
    text = "\n\n".join(p for p in parts if p)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text + "\n" if text else ""


def _block(node: Element) -> str:
    tag = node.tag
    if tag == "head":
        rend = node.get("rend") or "h2"
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        return f"{'#' * level} {_flat(node)}" if _flat(node) else ""
    if tag == "list":
        return "\n".join(_flat(item) for item in node.findall("item") if _flat(item))
    if tag == "table":
        rows = (" ".join(_flat(cell) for cell in row.findall("cell")) for row in node.iter("row"))
        return "\n".join(row.strip() for row in rows if row.strip())
    if tag == "code":
        return "".join(node.itertext()).strip("\n")
    return _flat(node)


def _flat(node: Element) -> str:
    return re.sub(r"[ \t]+", " ", "".join(node.itertext())).strip()


def _own_url(tree: HTMLParser) -> str:
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attribute) or "").strip() if node else ""
        if value.startswith(("http://", "https://")):
            return value
    return ""
