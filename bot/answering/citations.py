"""Pinpoint citations: the exact section and paragraph a quoted sentence sits in."""

from __future__ import annotations

import re

from bot.indexing.chunking import SEP
from bot.models import Chunk, Document

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
