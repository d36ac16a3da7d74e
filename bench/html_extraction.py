"""HTML main-text extraction: the built-in selectolax walker against trafilatura (prints numbers).

Two page sets, each page with snippets that must appear in the main text and snippets of
page furniture that must not:

Compared: the tag-dropping walker Basis used before, what `bot.corpus.webpage` does now
(trafilatura's main text), and trafilatura with `favor_precision`.

1. `--trafilatura-eval DIR`: the evaluation pages of the trafilatura repository (real
   news, government and blog pages saved from the web; `DIR` holds `evaldata.json` and
   `eval/`). Its snippets were written by trafilatura's authors, so the set may favour it.
2. Government pages built here from `../shared/corpus`: each file's real text (statute,
   CFR, Federal Register, bill, guidance) laid out as its site lays it out (congress.gov,
   ecfr.gov, federalregister.gov, govinfo, bis.gov), inside navigation, banners, sidebars,
   share bars, cookie notices and footers written for this bench, half with semantic tags
   (`<nav>`, `<footer>`) and half as classed `<div>`s, as real sites mix them. Must-have
   snippets are sentences spread over the real text; must-not snippets are the furniture.

Per page: recall (share of must-have snippets found), leak (share of furniture found) and
time; then the means per set. Usage:

    git -C /work/.mirror/adbar+trafilatura/repo archive HEAD tests/eval tests/evaldata.json \
        | tar -x -C /tmp/trafeval
    python bench/html_extraction.py --trafilatura-eval /tmp/trafeval/tests [--quiet]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.corpus.encoding import decode_text  # noqa: E402
from bot.corpus.webpage import html_to_text  # noqa: E402
from bot.text import split_sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SENTENCES_PER_PAGE = 8


@dataclass(frozen=True)
class Page:
    name: str
    group: str
    html: str
    must: list[str]
    must_not: list[str]


def _norm(text: str) -> str:
    """Compare words, not markup: Markdown escapes and emphasis marks and spacing are dropped."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", text).replace("**", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().lower()


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


LEGACY_DROP = (
    "script, style, noscript, nav, header, footer, aside, form, iframe, svg, button, "
    "template, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
)
LEGACY_BLOCKS = {"p", "div", "section", "article", "main", "li", "tr", "blockquote", "pre", "dd", "dt", "br"}
LEGACY_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def legacy_tag_dropping(page: str) -> str:
    """The extractor Basis used before, as it was (the measured baseline): drop furniture tags."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page)
    for node in tree.css(LEGACY_DROP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _legacy_walk(root, parts)
    return "".join(parts)


def _legacy_walk(node, parts: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag in LEGACY_HEADINGS:
            parts.append(f"\n\n{'#' * LEGACY_HEADINGS[child.tag]} {child.text(strip=True)}\n\n")
        elif child.tag in LEGACY_BLOCKS:
            parts.append("\n\n" if child.tag != "br" else "\n")
            _legacy_walk(child, parts)
            parts.append("\n\n" if child.tag != "br" else "")
        else:
            _legacy_walk(child, parts)


def basis(page: str) -> str:
    """What Basis now indexes: trafilatura's main text, as plain text with Markdown headings."""
    return html_to_text(page).text


def trafilatura_precision(page: str) -> str:
    import trafilatura

    return (
        trafilatura.extract(page, output_format="markdown", include_tables=True, favor_precision=True) or ""
    )


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "before: tag dropping (selectolax)": legacy_tag_dropping,
    "now: trafilatura 2.3 (html_to_text)": basis,
    "tried: trafilatura favor_precision": trafilatura_precision,
}


def trafilatura_pages(folder: Path) -> list[Page]:
    data = json.loads((folder / "evaldata.json").read_text("utf-8"))
    pages = []
    for url, row in data.items():
        path = next(
            (p for p in (folder / "eval" / row["file"], folder / "cache" / row["file"]) if p.is_file()), None
        )
        if path is None or not row.get("with"):
            continue
        text, _ = decode_text(path.read_bytes(), path.name)
        group = "government" if _is_government(url) else "news and other"
        pages.append(
            Page(row["file"], f"trafilatura eval, {group}", text, row["with"], row.get("without", []))
        )
    return pages


def _is_government(url: str) -> bool:
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    return bool(
        re.search(
            r"\.gov(\.|$)|\.gv\.at$|\.admin\.ch$|\.gouv\.|(^|\.)bund[a-z-]*\.de$|(^|\.)bm[a-z]+\.de$", host
        )
        or host.endswith(
            ("umweltbundesamt.de", "auswaertiges-amt.de", "zoll.de", "bsi.de", "bka.de", "bfs.de")
        )
        or host.endswith(("arbeitsagentur.de", "bundesrat.de", "bafa.de", "bfn.de", "europa.eu"))
    )


# Page furniture written for this bench; the main text is always the corpus file's own.
SITES = {
    "congress": ("Congress.gov | Library of Congress", "https://www.congress.gov"),
    "ecfr": ("eCFR :: The Electronic Code of Federal Regulations", "https://www.ecfr.gov"),
    "fr": (
        "Federal Register :: The Daily Journal of the United States Government",
        "https://www.federalregister.gov",
    ),
    "uscode": ("Office of the Law Revision Counsel | United States Code", "https://uscode.house.gov"),
    "bis": ("Bureau of Industry and Security", "https://www.bis.gov"),
}
FURNITURE = {
    "menu": ["Browse legislation by congress", "Sign in to your account", "Advanced search options"],
    "banner": ["An official website of the United States government", "Here is how you know"],
    "cookie": ["We use cookies to understand how visitors use this site"],
    "sidebar": ["Most viewed documents this week", "Subscribe to email updates for this page"],
    "share": ["Share this page on social media", "Print this page"],
    "footer": ["Accessibility statement and privacy policy", "Contact the webmaster about this site"],
}


def _site(name: str) -> str:
    if name.startswith("bills/"):
        return "congress"
    if name.startswith("ecfr-"):
        return "ecfr"
    if name.startswith("fr-"):
        return "fr"
    if name.startswith("usc"):
        return "uscode"
    return "bis"


def _body_html(markdown: str) -> str:
    markdown = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)", block)
        if heading and "\n" not in block:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif block.startswith("- "):
            items = "".join(
                f"<li>{_inline(line[2:])}</li>" for line in block.splitlines() if line.startswith("- ")
            )
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{_inline(block)}</p>")
    return "\n".join(out)


def _furniture(kind: str, semantic: bool) -> str:
    lines = "".join(f'<li><a href="/{kind}/{i}">{text}</a></li>' for i, text in enumerate(FURNITURE[kind]))
    tags = {"menu": "nav", "banner": "header", "footer": "footer", "sidebar": "aside"}
    if semantic and kind in tags:
        return f"<{tags[kind]}><ul>{lines}</ul></{tags[kind]}>"
    return f'<div class="usa-{kind} site-{kind}"><ul>{lines}</ul></div>'


def corpus_pages(corpus: Path) -> list[Page]:
    pages = []
    files = sorted(p for p in corpus.rglob("*.md") if p.name not in {"QA_CANDIDATES.md", "README.md"})
    for n, path in enumerate(files):
        name = str(path.relative_to(corpus))
        markdown = path.read_text("utf-8")
        site_name, base = SITES[_site(name)]
        semantic = n % 2 == 0
        plain = re.sub(r"\s+", " ", re.sub(r"<!--.*?-->", "", markdown, flags=re.S))
        spans = split_sentences(plain)
        # Prose sentences only: not headings, not list items run together by the whitespace fold.
        sentences = [
            plain[a:b] for a, b in spans if 60 <= b - a <= 300 and not re.search(r"#|(^| )- ", plain[a:b])
        ]
        step = max(1, len(sentences) // SENTENCES_PER_PAGE)
        must = sentences[::step][:SENTENCES_PER_PAGE]
        page = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(path.stem)} | '
            f'{site_name}</title><link rel="canonical" href="{base}/{path.stem}">'
            "<script>window.dataLayer=[];</script>"
            f"<style>.usa-banner{{color:#000}}</style></head><body>"
            + _furniture("banner", semantic)
            + _furniture("cookie", semantic)
            + _furniture("menu", semantic)
            + '<div class="grid-container"><div class="grid-row">'
            + _furniture("sidebar", semantic)
            + f'<div class="main-content" id="content">{_body_html(markdown)}</div>'
            + _furniture("share", semantic)
            + "</div></div>"
            + _furniture("footer", semantic)
            + "</body></html>"
        )
        must_not = [text for texts in FURNITURE.values() for text in texts]
        pages.append(Page(name, "corpus, government", page, must, must_not))
    return pages


def measure(pages: list[Page], quiet: bool) -> None:
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for page in pages:
        row = [page.name[:48].ljust(48)]
        for label, extract in EXTRACTORS.items():
            started = time.perf_counter()
            try:
                text = _norm(extract(page.html))
            except Exception as exc:  # a crash on a real page counts as an empty extraction
                print(f"  {label} failed on {page.name}: {exc.__class__.__name__}", file=sys.stderr)
                text = ""
            ms = (time.perf_counter() - started) * 1000
            recall = sum(_norm(s) in text for s in page.must) / len(page.must)
            leak = sum(_norm(s) in text for s in page.must_not) / len(page.must_not) if page.must_not else 0.0
            results.setdefault((page.group, label), []).append((recall, leak, ms))
            row.append(f"{recall:4.2f} {leak:4.2f} {ms:6.1f}ms")
        if not quiet:
            print("  ".join(row))
    print()
    print(
        "| page set | pages | extractor | recall | furniture leaked | F1 (recall, 1 − leak) "
        "| ms / page (median) |"
    )
    print("|---|---|---|---|---|---|---|")
    for (group, label), rows in sorted(results.items()):
        recall = statistics.mean(r for r, _, _ in rows)
        leak = statistics.mean(x for _, x, _ in rows)
        keep = 1 - leak
        f1 = 2 * recall * keep / (recall + keep) if recall + keep else 0.0
        ms = statistics.median(m for _, _, m in rows)
        print(f"| {group} | {len(rows)} | {label} | {recall:.3f} | {leak:.3f} | {f1:.3f} | {ms:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trafilatura-eval", type=Path, help="folder with evaldata.json and eval/")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--quiet", action="store_true", help="only the summary table")
    args = parser.parse_args()
    pages = corpus_pages(args.corpus)
    if args.trafilatura_eval:
        pages += trafilatura_pages(args.trafilatura_eval)
    print("page  then per extractor: recall, furniture leaked, time", ", ".join(EXTRACTORS))
    measure(pages, args.quiet)


if __name__ == "__main__":
    main()
