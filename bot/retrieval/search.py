"""Hybrid search: dense and lexical candidates, fused, re-ranked by a learned model, returned as passages.

The fused top `candidates` are scored for this question by `bot.ranking` (features
such as key-term coverage and proximity, heading match and answer type, weighed
by a model trained on labelled questions) before the caps per section and
document choose the top k. The fused rank is one of the features, so the second
stage refines the first rather than replacing it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.indexing.chunking import SEP
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.models import Passage
from bot.ranking.features import Candidate
from bot.ranking.features import Pool as FeaturePool
from bot.ranking.ranker import Ranker, Scoring, passage_rows
from bot.ranking.scope import JURISDICTIONS, scope_features, uncovered_names
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
    scoring: Scoring
    uncovered: tuple[str, ...] = ()
    scope: tuple[float, ...] = ()


@dataclass(frozen=True)
class Pool:
    """The fused candidates of one question with their feature rows, before the second stage."""

    ids: list[int]
    rows: np.ndarray
    dense: dict[int, float]
    lexical: dict[int, float]
    scoring: Scoring


def candidate_pool(
    index: LoadedIndex, tokenizer: Tokenizer, embedder: Embedder, query: Query, options: SearchOptions
) -> Pool:
    """Dense and lexical candidates fused, the best `options.candidates` kept, each with its features."""
    vector = embedder.encode_query(query.dense)
    dense = index.dense.search(vector, options.candidates)
    lexical = index.lexical.search(query.lexical, options.candidates, tokenizer)
    if options.fusion == "weighted":
        fused = weighted(dense, lexical, options.dense_weight)
    else:
        fused = rrf([dense, lexical], options.rrf_k, [options.dense_weight, 1.0 - options.dense_weight])
    dense_scores = dict(dense)
    lexical_scores = dict(lexical)
    ids = sorted(fused, key=lambda i: (-fused[i], i))[: options.candidates]
    missing = [i for i in ids if i not in dense_scores]
    if missing:
        rows = index.dense.vectors(missing)
        dense_scores.update(zip(missing, (rows @ vector).tolist(), strict=True))
    terms = tokenizer.tokenize(query.lexical)
    idf = index.lexical.idf_table(terms)
    analysis = query.question.analysis
    defined = query.terms if analysis.answer_type == "definition" else ()
    scoring = Scoring(analysis, {t: idf.get(t, 1.0) for t in terms}, tokenizer.tokenize, defined)
    dense_rank = {i: r for r, (i, _) in enumerate(dense, start=1)}
    lexical_rank = {i: r for r, (i, _) in enumerate(lexical, start=1)}
    best_doc: dict[str, float] = {}
    for i in ids:
        doc_id = index.chunks[i].doc_id
        best_doc[doc_id] = max(best_doc.get(doc_id, -1.0), dense_scores[i])
    pool = FeaturePool(
        best_dense=max((dense_scores[i] for i in ids), default=0.0),
        best_lexical=max((lexical_scores.get(i, 0.0) for i in ids), default=0.0),
        best_doc_dense=best_doc,
    )
    seen_in_doc: dict[str, int] = {}
    items: list[tuple[str, Candidate]] = []
    for rank, i in enumerate(ids, start=1):
        chunk = index.chunks[i]
        document = index.documents[chunk.doc_id]
        seen_in_doc[chunk.doc_id] = seen_in_doc.get(chunk.doc_id, 0) + 1
        candidate = Candidate(
            text=chunk.text,
            heading=f"{document.title} {chunk.heading}",
            source_type=document.source_type,
            dense=dense_scores[i],
            lexical=lexical_scores.get(i, 0.0),
            fused_rank=rank,
            dense_rank=dense_rank.get(i),
            lexical_rank=lexical_rank.get(i),
            doc_rank=seen_in_doc[chunk.doc_id],
        )
        items.append((chunk.doc_id, candidate))
    return Pool(ids, passage_rows(scoring, items, pool), dense_scores, lexical_scores, scoring)


def hybrid_search(
    index: LoadedIndex,
    tokenizer: Tokenizer,
    embedder: Embedder,
    query: Query,
    options: SearchOptions,
    ranker: Ranker,
) -> SearchResult:
    """Fused candidates re-ranked by the learned model, then capped per section and document."""
    pool = candidate_pool(index, tokenizer, embedder, query, options)
    scores = dict(zip(pool.ids, ranker.passages.scores(pool.rows).tolist(), strict=True))
    ranked = _diverse(index, sorted(pool.ids, key=lambda i: (-scores[i], i)), options)
    passages = tuple(
        Passage(
            chunk=index.chunks[i],
            document=index.documents[index.chunks[i].doc_id],
            rank=rank,
            score=scores[i],
            dense=pool.dense.get(i),
            lexical=pool.lexical.get(i),
        )
        for rank, i in enumerate(ranked, start=1)
    )
    position = {i: n for n, i in enumerate(pool.ids)}
    top = [position[i] for i in ranked]
    scope = scope_features(
        pool.rows[top],
        np.asarray([scores[i] for i in ranked]),
        max(pool.lexical.values(), default=0.0),
        len(pool.scoring.terms),
        _unknown_share(index, pool.scoring.terms),
    )
    uncovered = _uncovered(index, tokenizer, query, pool.scoring, passages)
    return SearchResult(query, passages, pool.scoring, uncovered, tuple(scope))


def _unknown_share(index: LoadedIndex, terms: dict[str, float]) -> float:
    """IDF-weighted share of the question's terms that no indexed chunk contains."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if not index.lexical.knows(t)) / total if total else 0.0


def _uncovered(
    index: LoadedIndex, tokenizer: Tokenizer, query: Query, scoring: Scoring, passages: tuple[Passage, ...]
) -> tuple[str, ...]:
    """Names in the question that no indexed text contains, and foreign jurisdictions whose own
    rules it asks about when no retrieved document is of that jurisdiction."""

    def known(word: str) -> bool:
        tokens = tokenizer.tokenize(word)
        return bool(tokens) and all(index.lexical.knows(t) for t in tokens)

    covered = {JURISDICTIONS.get(p.document.jurisdiction.casefold(), "") for p in passages}
    return uncovered_names(scoring.analysis, query.question.stripped, covered, known)


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
