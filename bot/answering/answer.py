"""Search result → `Answer`: extractive by default, LLM prose when configured and verified."""

from __future__ import annotations

import re
import uuid

from bot.answering.citations import number_citations
from bot.answering.extractive import choose_sentences
from bot.answering.labels import message
from bot.answering.llm import LlmClient, parse_generated, supported
from bot.answering.notices import warnings_for
from bot.glossary import Glossary
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import LexicalIndex, Tokenizer
from bot.models import Answer, Citation, Passage
from bot.retrieval.expansion import Query
from bot.retrieval.search import SearchResult


def relevance(result: SearchResult) -> float:
    """How well the best passage matches: its cosine similarity to the (English form of the) question."""
    return max((p.dense or 0.0 for p in result.passages), default=0.0)


def compose_answer(
    result: SearchResult,
    lexical: LexicalIndex,
    glossary: Glossary,
    tokenizer: Tokenizer,
    embedder: Embedder,
    abstain_threshold: float,
    llm: LlmClient | None = None,
) -> Answer:
    """The answer to a search result: abstain below `abstain_threshold`, else quote the best
    sentences (IDF from `lexical`), replaced by LLM prose when `llm` is set and its sentences
    are supported by the passages they cite (checked with `embedder`)."""
    query = result.query
    lang = query.lang
    answer_id = uuid.uuid4().hex[:12]
    if not result.passages or relevance(result) < abstain_threshold:
        return _abstain(answer_id, query.original, lang, result, glossary)
    terms = tokenizer.tokenize(query.lexical)
    picks = choose_sentences(
        terms,
        result.passages,
        lexical.idf_table(terms),
        tokenizer,
        _asked_to_define(query, glossary),
    )
    if not picks:
        return _abstain(answer_id, query.original, lang, result, glossary)
    mode = "extractive"
    text, citations = number_citations((p.passage, p.text, p.start) for p in picks)
    if llm is not None:
        generated = _generate(llm, query.original, result.passages, embedder, tokenizer)
        if generated is not None:
            text, citations = generated
            mode = "llm"
    warnings = warnings_for(query.original, citations, result.passages, lang)
    terms = tuple((e.term, e.zh[0]) for e in glossary.mentioned(text) if e.zh and e.zh[0] != e.term)
    return Answer(
        id=answer_id,
        question=query.original,
        text=text,
        mode=mode,
        lang=lang,
        citations=citations,
        warnings=warnings,
        footer=message("footer", lang),
        suggestions=_defined_terms(citations, glossary),
        terms=terms,
    )


ASKS_DEFINITION = re.compile(
    r"^\s*(?:what\s+(?:is|are|does|do)\b|what's\b|define\b|meaning of\b|who is\b)"
    r"|什么是|是什么|什么意思|定义",
    re.IGNORECASE,
)


def _asked_to_define(query: Query, glossary: Glossary) -> tuple[str, ...]:
    """Names (term and aliases) of the glossary terms a "what is X?" question asks about."""
    if not ASKS_DEFINITION.search(query.original):
        return ()
    names: list[str] = []
    for term in query.terms:
        entry = glossary.get(term)
        if entry:
            names.extend([entry.term, *entry.aliases])
    return tuple(names)


def _generate(
    llm: LlmClient,
    question: str,
    passages: tuple[Passage, ...],
    embedder: Embedder,
    tokenizer: Tokenizer,
) -> tuple[str, tuple[Citation, ...]] | None:
    reply = llm.complete(llm.prompt(question, passages))
    if reply is None:
        return None
    kept: list[tuple[Passage, str, int]] = []
    for item in parse_generated(reply):
        if not 1 <= item.passage <= len(passages):
            continue
        passage = passages[item.passage - 1]
        if supported(item.sentence, passage, embedder, tokenizer):
            kept.append((passage, item.sentence, 0))
    if not kept:
        return None
    return number_citations(kept)


def _defined_terms(citations: tuple[Citation, ...], glossary: Glossary) -> tuple[str, ...]:
    """Glossary terms that the cited passages are about, for "see also" and Chinese labels."""
    terms: list[str] = []
    for citation in citations:
        if citation.passage.chunk.term:
            entry = glossary.get(citation.passage.chunk.term)
            if entry and entry.term not in terms:
                terms.append(entry.term)
    return tuple(terms)


def _abstain(answer_id: str, question: str, lang: str, result: SearchResult, glossary: Glossary) -> Answer:
    suggestions = (
        tuple(glossary.complete(" ".join(result.query.terms) or question, 3)) if glossary.entries else ()
    )
    hint = (
        message("abstain_hint", lang, terms=", ".join(suggestions))
        if suggestions
        else message("abstain_hint_none", lang)
    )
    return Answer(
        id=answer_id,
        question=question,
        text=f"{message('abstain', lang)} {hint}",
        mode="abstained",
        lang=lang,
        suggestions=suggestions,
        warnings=(),
        footer=message("footer", lang),
    )
