"""Pinpoint citations: the exact section and paragraph a quoted sentence sits in."""

from __future__ import annotations

import re

from bot.indexing.chunking import SEP, anchors
from bot.models import Chunk, Document

SECTION = re.compile(r"^§\s*(\d+(?:\.\d+)?)")
MARKER = re.compile(r"^\((\w{1,4})\)")
PREFIX = re.compile(r"^(\d+\s+(?:CFR|U\.S\.C\.))")


def path_at(chunk: Chunk, offset: int) -> str:
    """Heading path of the paragraph holding `offset` (an offset in the chunk text)."""
    path = chunk.heading
    for start, anchor_path in anchors(chunk):
        if start <= offset:
            path = anchor_path
    return path


def pinpoint(document: Document, chunk: Chunk, offset: int = 0) -> str:
    """`15 CFR 734.13(b)` for regulation and statute text; the document's own citation otherwise."""
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
