"""Hybrid search: dense and lexical candidates, fused, returned as passages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.indexing.chunking import SEP
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.models import Passage
from bot.retrieval.expansion import Query
from bot.retrieval.fusion import rrf, weighted


@dataclass(frozen=True)
class SearchOptions:
    """How many passages to return and how to merge and cap them; built from Settings."""

    k: int
    candidates: int
    fusion: str
    rrf_k: int
    dense_weight: float
    per_section: int
    per_document: int


@dataclass(frozen=True)
class SearchResult:
    query: Query
    passages: tuple[Passage, ...]


def hybrid_search(
    index: LoadedIndex, tokenizer: Tokenizer, embedder: Embedder, query: Query, options: SearchOptions
) -> SearchResult:
    vector = embedder.encode_query(query.dense)
    dense = index.dense.search(vector, options.candidates)
    lexical = index.lexical.search(query.lexical, options.candidates, tokenizer)
    if options.fusion == "weighted":
        fused = weighted(dense, lexical, options.dense_weight)
    else:
        fused = rrf([dense, lexical], options.rrf_k, [options.dense_weight, 1.0 - options.dense_weight])
    dense_scores = dict(dense)
    lexical_scores = dict(lexical)
    missing = [i for i in fused if i not in dense_scores]
    if missing:
        rows = index.dense.vectors(missing)
        dense_scores.update(zip(missing, (rows @ vector).tolist(), strict=True))
    ranked = _diverse(index, sorted(fused, key=lambda i: (-fused[i], i)), options)
    passages = tuple(
        Passage(
            chunk=index.chunks[i],
            document=index.documents[index.chunks[i].doc_id],
            rank=rank,
            score=fused[i],
            dense=dense_scores.get(i),
            lexical=lexical_scores.get(i),
        )
        for rank, i in enumerate(ranked, start=1)
    )
    return SearchResult(query, passages)


def _diverse(index: LoadedIndex, ranked: list[int], options: SearchOptions) -> list[int]:
    """Top k with at most `per_section` passages per document section, `per_document` per
    document, and no repeated text; when the caps leave slots empty, the best capped
    passages fill them. A glossary entry (its English and Chinese halves) takes one slot.

    Bills repeat their text once per version and long rules say one thing many
    times; without this, one document can fill every slot.
    """
    chosen: list[int] = []
    per_section: dict[tuple[str, str], int] = {}
    per_doc: dict[str, int] = {}
    seen_text: set[str] = set()
    for i in ranked:
        chunk = index.chunks[i]
        text = _key(index, i)
        section = (chunk.doc_id, _section(chunk.heading))
        section_cap = 1 if index.documents[chunk.doc_id].source_type == "glossary" else options.per_section
        if (
            text in seen_text
            or per_section.get(section, 0) >= section_cap
            or per_doc.get(chunk.doc_id, 0) >= options.per_document
        ):
            continue
        seen_text.add(text)
        per_section[section] = per_section.get(section, 0) + 1
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
        chosen.append(i)
        if len(chosen) == options.k:
            return chosen
    skipped = [i for i in ranked if i not in chosen and _key(index, i) not in seen_text]
    return chosen + skipped[: options.k - len(chosen)]


def _key(index: LoadedIndex, i: int) -> str:
    return " ".join(index.chunks[i].text.split()).casefold()


def _section(heading: str) -> str:
    """The first heading that is a real section, not a paragraph marker like `(a)`."""
    return next((part for part in heading.split(SEP) if part and not part.startswith("(")), "")
