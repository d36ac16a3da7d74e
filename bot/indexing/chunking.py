"""Structure-aware, token-bounded chunks.

Text is cut first where its structure says (Markdown headings, `§ 734.13`
section lines, `(a)`/`(1)`/`(i)`/`(A)` paragraphs), and only then by size, so a
chunk is a stretch of one section and each sentence keeps a pinpoint path.
Budgets count tiktoken tokens of what is embedded (title, heading path and
text), which keeps each chunk inside the embedding model's word-piece window.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus.glossary_file import GlossaryEntry
from bot.indexing.tokens import ENCODING_NAME, count_tokens, encoding
from bot.models import Anchor, Chunk, Document
from bot.text import clause_cuts

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SECTION_LINE = re.compile(r"^§\s*\d+[.\d]*\s")
MARKER = re.compile(r"^\(([a-z]{1,4}|\d{1,3}|[A-Z])\)(?:\s*\*([^*]{1,80}?)\.?\*)?")
DEFINED_TERM = re.compile(r"^(?:\*([A-Z“\"][^*]{1,80}?)\.?\*|[“\"]([A-Z][^”\"]{1,80}?)\.?[”\"]\.?)\s")
MIN_UNIT_TOKENS = 40
ROMAN = re.compile(r"^(i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii|xiii|xiv|xv|xvi|xvii|xviii|xix|xx)$")
SEP = " › "


VERSION = 6  # bump when the splitting rules change, so old chunks are not reused


@dataclass(frozen=True)
class ChunkerConfig:
    """Chunk budget from Settings; the encoding and rules version are facts of this code."""

    max_tokens: int
    overlap: int
    encoding: str = ENCODING_NAME
    version: int = VERSION


@dataclass
class _Block:
    start: int
    end: int
    headings: tuple[str, ...]
    markers: tuple[str, ...]

    @property
    def path(self) -> str:
        return SEP.join(self.headings + self.markers)


def embed_text(doc: Document, chunk: Chunk) -> str:
    """What the embedder and lexical index see: the chunk with its title and heading."""
    return (
        f"{context_line(doc)}\n{chunk.heading}\n{chunk.text}"
        if chunk.heading
        else f"{context_line(doc)}\n{chunk.text}"
    )


def context_line(doc: Document) -> str:
    """Title plus citation and date, so "the September 2025 rule" can find its text."""
    day = doc.published.strftime("%B %-d, %Y") if doc.published else ""
    extra = ", ".join(x for x in (doc.citation if doc.citation != doc.title else "", day) if x)
    return f"{doc.title} ({extra})" if extra else doc.title


def chunk_document(
    doc: Document, config: ChunkerConfig, entries: Sequence[GlossaryEntry] = ()
) -> list[Chunk]:
    """The document's chunks; pass the glossary's `entries` with the glossary document, so each
    chunk of an entry's section records that entry's term and source."""
    by_heading = {e.heading(): e for e in entries}
    blocks = _blocks(doc)
    chunks: list[Chunk] = []
    group: list[_Block] = []
    group_tokens = 0
    for block in blocks:
        tokens = count_tokens(doc.text[block.start : block.end])
        # A title and heading path that fill the chunk still leave a quarter of it for the text.
        context = count_tokens(f"{context_line(doc)}\n{block.path}\n")
        budget = max(config.max_tokens // 4, config.max_tokens - context)
        same_section = bool(group) and group[0].headings == block.headings
        new_unit = len(block.markers) == 1 and group_tokens >= MIN_UNIT_TOKENS
        if group and (not same_section or new_unit or group_tokens + tokens > budget):
            chunks.append(_make(doc, group, len(chunks), by_heading))
            group, group_tokens = [], 0
        if tokens > budget:
            for start, end in _split(doc.text, block.start, block.end, budget, config.overlap):
                piece = _Block(start, end, block.headings, block.markers)
                chunks.append(_make(doc, [piece], len(chunks), by_heading))
            continue
        group.append(block)
        group_tokens += tokens
    if group:
        chunks.append(_make(doc, group, len(chunks), by_heading))
    return chunks


def _make(doc: Document, group: list[_Block], index: int, entries: dict[str, GlossaryEntry]) -> Chunk:
    start, end = group[0].start, group[-1].end
    text = doc.text[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    common = _common_path(group)
    entry = entries.get(group[0].headings[0]) if group[0].headings else None
    return Chunk(
        id=f"{doc.id}#{index}",
        doc_id=doc.id,
        heading=common,
        text=text.strip(),
        start=start + lead,
        end=start + trail,
        tokens=count_tokens(embed_text(doc, Chunk("", "", common, text.strip(), 0, 0, 0))),
        anchors=tuple(Anchor(max(0, b.start - start - lead), b.path) for b in group),
        term=entry.term if entry else "",
        source=entry.citation if entry else "",
        refs=entry.refs if entry else (),
    )


def _common_path(group: list[_Block]) -> str:
    headings = group[0].headings
    markers = list(group[0].markers)
    for block in group[1:]:
        n = 0
        while n < min(len(markers), len(block.markers)) and markers[n] == block.markers[n]:
            n += 1
        markers = markers[:n]
    return SEP.join(headings + tuple(markers))


def _blocks(doc: Document) -> list[_Block]:
    """Cut the text at every structural boundary, recording each piece's path."""
    headings: list[tuple[int, str]] = []
    markers: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    offset = 0
    current: _Block | None = None
    for line in doc.text.splitlines(keepends=True):
        stripped = line.strip()
        heading = MD_HEADING.match(stripped)
        boundary = False
        if heading:
            level = len(heading.group(1))
            title = heading.group(2).strip()
            if title.startswith("§"):
                level = min([level] + [lvl for lvl, text in headings if text.startswith("§")])
            headings = [h for h in headings if h[0] < level]
            if not (level == 1 and title == doc.title and not headings):
                headings.append((level, title))
            markers = []
            boundary = True
        elif SECTION_LINE.match(stripped):
            level = next((lvl for lvl, text in headings if text.startswith("§")), 7)
            headings = [h for h in headings if h[0] < level] + [(level, stripped[:120])]
            markers = []
            boundary = True
        else:
            marker = MARKER.match(stripped)
            term = DEFINED_TERM.match(stripped) if not marker else None
            if marker:
                level = _marker_level(marker.group(1), markers)
                caption = f" {marker.group(2).strip()}" if marker.group(2) else ""
                markers = [m for m in markers if m[0] < level] + [(level, f"({marker.group(1)}){caption}")]
                boundary = True
            elif term:
                markers = [(1, (term.group(1) or term.group(2)).strip())]
                boundary = True
        if boundary or current is None:
            current = _Block(
                offset,
                offset,
                tuple(h[1] for h in headings),
                tuple(m[1] for m in markers),
            )
            if heading or SECTION_LINE.match(stripped):
                offset += len(line)
                current.start = current.end = offset
                blocks.append(current)
                continue
            blocks.append(current)
        offset += len(line)
        current.end = offset
    return [b for b in blocks if doc.text[b.start : b.end].strip()]


def _marker_level(token: str, stack: list[tuple[int, str]]) -> int:
    if token.isdigit():
        return 2
    if token.isupper():
        return 4
    if ROMAN.match(token) and any(level >= 2 for level, _ in stack):
        return 3
    return 1


def _split(text: str, start: int, end: int, budget: int, overlap: int) -> list[tuple[int, int]]:
    """Split an oversize block at sentence ends, falling back to token windows."""
    spans: list[tuple[int, int]] = []
    cuts = [start] + [start + cut for cut in clause_cuts(text[start:end])] + [end]
    piece_start = start
    last_good = start
    for cut in cuts[1:]:
        if count_tokens(text[piece_start:cut]) <= budget:
            last_good = cut
            continue
        if last_good > piece_start:
            spans.append((piece_start, last_good))
            piece_start = last_good
        if count_tokens(text[piece_start:cut]) > budget:
            spans.extend(_token_windows(text, piece_start, cut, budget, overlap))
            piece_start = last_good = cut
        else:
            last_good = cut
    if piece_start < end:
        spans.append((piece_start, end))
    # A token window can hold only whitespace (a lone "\r" after the last word): no chunk for it.
    return [(lo, hi) for lo, hi in spans if text[lo:hi].strip()]


def _token_windows(text: str, start: int, end: int, budget: int, overlap: int) -> list[tuple[int, int]]:
    enc = encoding()
    tokens = enc.encode(text[start:end], disallowed_special=())
    _, offsets = enc.decode_with_offsets(tokens)
    step = max(1, budget - overlap)
    spans = []
    for i in range(0, len(tokens), step):
        lo = start + offsets[i]
        hi = start + offsets[i + budget] if i + budget < len(tokens) else end
        spans.append((lo, hi))
        if i + budget >= len(tokens):
            break
    return spans
