"""Pinpoint citations: the exact section and paragraph a quoted sentence sits in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.indexing.chunking import SEP
from bot.models import Chunk, Citation, Document, Passage

SECTION = re.compile(r"^§\s*(\d+(?:\.\d+)?)")
MARKER = re.compile(r"^\((\w{1,4})\)")
PREFIX = re.compile(r"^(\d+\s+(?:CFR|U\.S\.C\.))")


def path_at(chunk: Chunk, offset: int) -> str:
    """Heading path of the paragraph holding `offset` (an offset in the chunk text)."""
    path = chunk.heading
    for anchor in chunk.anchors:
        if anchor.offset <= offset:
            path = anchor.path
    return path


def pinpoint(document: Document, chunk: Chunk, offset: int = 0) -> str:
    """`15 CFR 734.13(b)` for regulation and statute text, the entry's own source for a
    glossary term, and the document's own citation otherwise."""
    if chunk.term:
        source = f" ({chunk.source})" if chunk.source else ""
        return f"{document.citation}: {chunk.term}{source}"
    prefix = PREFIX.match(document.citation)
    if not prefix:
        return document.citation or document.title
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
            markers.append(f"({marker.group(1)})")
    if not section:
        return document.citation
    return f"{prefix.group(1)} {section}{''.join(markers)}"


def number_citations(quotes: Iterable[tuple[Passage, str, int]]) -> tuple[str, tuple[Citation, ...]]:
    """Answer text and its citations from (passage, quote, offset of the quote in the passage).

    Each quote is followed by `[n]`; a passage gets one number, in the order it is
    first cited, and its pinpoint is that of the paragraph its first quote sits in.
    """
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for passage, quote, offset in quotes:
        chunk_id = passage.chunk.id
        if chunk_id not in numbers:
            numbers[chunk_id] = len(numbers) + 1
            citations.append(
                Citation(
                    n=numbers[chunk_id],
                    passage=passage,
                    pinpoint=pinpoint(passage.document, passage.chunk, offset),
                    quote=quote,
                )
            )
        parts.append(f"{' '.join(quote.split())} [{numbers[chunk_id]}]")
    return " ".join(parts), tuple(citations)
