"""Pinpoint citations: the exact section and paragraph a quoted sentence sits in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.indexing.chunking import SEP
from bot.models import AnswerLine, CfrRef, Chunk, Citation, Document, FrRef, OfficialRef, Passage, UscRef

SECTION = re.compile(r"^§\s*(\d+(?:\.\d+)?)")
MARKER = re.compile(r"^\((\w{1,4})\)")


def path_at(chunk: Chunk, offset: int) -> str:
    """Heading path of the paragraph holding `offset` (an offset in the chunk text)."""
    path = chunk.heading
    for anchor in chunk.anchors:
        if anchor.offset <= offset:
            path = anchor.path
    return path


def pinpoint_ref(document: Document, chunk: Chunk, offset: int = 0) -> CfrRef | UscRef | None:
    """The section and paragraph of a regulation or statute (a document whose citation opens
    with a CFR or U.S.C. title) that `offset` sits in, from its heading path (`§ 734.13` › `(b)`);
    None for any other text, or where no section heading is above it."""
    if chunk.term or document.code is None:
        return None
    section = ""
    markers: list[str] = []
    for part in path_at(chunk, offset).split(SEP):
        part = part.strip()
        found = SECTION.match(part)
        if found:
            section, markers = found.group(1), []
            continue
        marker = MARKER.match(part)
        if marker and section:
            markers.append(marker.group(1))
    return document.code.at(section, tuple(markers)) if section else None


def pinpoint(document: Document, chunk: Chunk, offset: int = 0) -> str:
    """`15 CFR 734.13(b)` for regulation and statute text, the entry's own source for a
    glossary term, and the document's own citation otherwise."""
    if chunk.term:
        source = f" ({chunk.source})" if chunk.source else ""
        return f"{document.citation}: {chunk.term}{source}"
    ref = pinpoint_ref(document, chunk, offset)
    return ref.display() if ref else (document.citation or document.title)


def pinpoint_refs(document: Document, chunk: Chunk, offset: int = 0) -> tuple[OfficialRef, ...]:
    """The official references a pinpoint names: the paragraph it sits in, a glossary entry's
    sources, else those of the document's citation."""
    if chunk.term:
        return chunk.refs
    ref = pinpoint_ref(document, chunk, offset)
    return (ref,) if ref else document.refs


@dataclass(frozen=True)
class Quote:
    """One sentence of an answer: the exact words of its passage that are its evidence (`quote`, at
    `offset` in the chunk), and what the answer shows for it (`shown`): the quote itself, its
    reviewed Chinese twin, or a fixed template filled from a typed record (a glossary definition,
    a status timeline). `framing` is a line of our own words put before it (a Chinese reader's
    note that an official text stays in English); `new_line` starts it on a line of its own.
    `original` is the line shown after a translated sentence: the exact English it translates, in
    a fixed template, so a reader can check the translation against the words it rests on."""

    passage: Passage
    quote: str
    offset: int = 0
    shown: str = ""
    framing: str = ""
    new_line: bool = False
    original: str = ""


def citation_key(passage: Passage, offset: int = 0) -> tuple[str, str]:
    """What one number stands for: a document and the pinpoint a sentence sits at, so sentences
    from the same section share one `[n]` even when they come from different chunks."""
    return passage.document.id, pinpoint(passage.document, passage.chunk, offset)


def number_citations(quotes: Iterable[Quote]) -> tuple[tuple[AnswerLine, ...], tuple[Citation, ...]]:
    """Answer lines and their citations.

    Each shown sentence is followed by `[n]`; one number per (document, pinpoint), in the order
    first cited; the citation keeps the first quote and passage, and the passages of later quotes
    under the same number (from another chunk of that section) in `more`. Sentences run on in
    one line; a framing line, a sentence marked `new_line` and the original line after a
    translated sentence start new ones.
    """
    numbers: dict[tuple[str, str], int] = {}
    firsts: dict[int, Quote] = {}
    more: dict[int, list[tuple[Passage, str]]] = {}
    lines: list[AnswerLine] = []
    running: list[str] = []  # the sentences of the line being written

    def end_line() -> None:
        if running:
            lines.append(AnswerLine(" ".join(running)))
            running.clear()

    for item in quotes:
        key = citation_key(item.passage, item.offset)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            firsts[numbers[key]] = item
            more[numbers[key]] = []
        n = numbers[key]
        first = firsts[n]
        if item.passage.chunk.id != first.passage.chunk.id and all(
            p.chunk.id != item.passage.chunk.id for p, _ in more[n]
        ):
            more[n].append((item.passage, item.quote))
        if item.framing or item.new_line:
            end_line()
        if item.framing:
            lines.append(AnswerLine(item.framing))
        running.append(f"{' '.join((item.shown or item.quote).split())} [{n}]")
        if item.original:
            end_line()
            lines.append(AnswerLine(" ".join(item.original.split()), original=True))
    end_line()
    citations = tuple(
        Citation(
            n=n,
            passage=first.passage,
            pinpoint=key[1],
            quote=first.quote,
            more=tuple(more[n]),
            refs=pinpoint_refs(first.passage.document, first.passage.chunk, first.offset),
        )
        for key, n in numbers.items()
        for first in (firsts[n],)
    )
    return tuple(lines), citations


def official_link(refs: Iterable[OfficialRef]) -> str:
    """The official page of the first section named (eCFR, else the U.S. Code, else the Federal
    Register), built from its numbers by a fixed pattern; "" when none is named."""
    named = tuple(refs)
    cfr = [r for r in named if isinstance(r, CfrRef) and r.part is not None]
    if section := next((r for r in cfr if r.section), None):
        return f"https://www.ecfr.gov/current/title-{section.title}/section-{section.part}.{section.section}"
    if cfr:
        return f"https://www.ecfr.gov/current/title-{cfr[0].title}/part-{cfr[0].part}"
    if usc := next((r for r in named if isinstance(r, UscRef) and r.section), None):
        return f"https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title{usc.title}-section{usc.section}"
    if fr := next((r for r in named if isinstance(r, FrRef) and r.volume is not None), None):
        return f"https://www.federalregister.gov/citation/{fr.volume}-FR-{fr.page}"
    return ""


def citation_link(citation: Citation) -> str:
    """Where a citation links: a glossary entry to the official text its own citation names, any
    other source to its document's own http(s) URL; "" when there is none. No link in an answer
    comes from anywhere else (never from a document's text)."""
    chunk = citation.passage.chunk
    if chunk.term:
        return official_link(citation.refs)
    url = citation.passage.document.url
    return url if url.startswith(("https://", "http://")) else ""


def link_text(citation: Citation) -> str:
    """The short text a citation's link shows: a glossary entry's official source (else its
    term), otherwise the pinpoint."""
    chunk = citation.passage.chunk
    if chunk.term:
        return chunk.source or chunk.term
    return citation.pinpoint or citation.passage.document.citation or citation.passage.document.title
