"""Search result → `Answer`: extractive by default, LLM prose when configured and verified."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import numpy as np

from bot.answering.citations import Quote, number_citations
from bot.answering.extractive import choose_sentences
from bot.answering.labels import message
from bot.answering.lead import lead_quotes
from bot.answering.llm import LlmClient, parse_generated, supported
from bot.answering.notices import warnings_for
from bot.glossary import Glossary
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import Tokenizer
from bot.models import Answer, Citation, Passage, text_of
from bot.ranking.ranker import Ranker
from bot.retrieval.search import SearchResult


def relevance(result: SearchResult, ranker: Ranker) -> float:
    """How likely the knowledge base covers the question: the learned scope model over the top
    passages' best cosine, key-term coverage and proximity, BM25 and re-ranker probability.
    (The re-ranker's probabilities alone are relative to the pool: its best candidate always
    looks good, even for a question about pizza.)"""
    if not result.passages:
        return 0.0
    return float(ranker.scope.scores(np.asarray([result.scope]))[0])


DEFAULT_THRESHOLD = 0.5  # for a scope model that carries no calibrated threshold


def decline_reason(
    result: SearchResult, ranker: Ranker, abstain_threshold: float | None = None
) -> str | None:
    """Why Basis declines this question, or None: `request` (not a question Basis exists to
    answer), `uncovered` (it is about a name no indexed text holds, or a foreign regime), or
    `scope` (the best absolute relevance is below the threshold: the setting when given, else
    the one calibrated with the scope model on held-apart training questions)."""
    query = result.query
    if query.question.request:
        return "request"
    if result.uncovered:
        return "uncovered"
    threshold = abstain_threshold if abstain_threshold is not None else ranker.scope.threshold
    if not result.passages or relevance(result, ranker) < (
        threshold if threshold is not None else DEFAULT_THRESHOLD
    ):
        return "scope"
    return None


def compose_answer(
    result: SearchResult,
    glossary: Glossary,
    tokenizer: Tokenizer,
    embedder: Embedder,
    ranker: Ranker,
    abstain_threshold: float | None,
    llm: LlmClient | None = None,
    *,
    today: date,
    stale_after_days: int = 30,
    entries: Sequence[Passage] = (),
) -> Answer:
    """The answer to a search result, or a decline: for a request that is not Basis's job, for a
    question naming something no retrieved passage mentions, or below the relevance threshold
    (`decline_reason`).
    Otherwise the best sentences are quoted (scored by `ranker`), replaced by LLM prose when
    `llm` is set and its sentences are supported by the passages they cite (checked with `embedder`).
    Statuses and dates are described as they stand on `today`. `entries` are the glossary
    passages of the terms a definition question names, so its answer can lead with the definition
    even when the search ranked other passages higher."""
    query = result.query
    lang = query.lang
    answer_id = uuid.uuid4().hex[:12]
    declined = decline_reason(result, ranker, abstain_threshold)
    if declined == "request":  # an instruction inside a question changes nothing
        return _decline(answer_id, query.original, lang, message("decline_request", lang), "request")
    if declined == "uncovered":
        names = ", ".join(result.uncovered)
        reason = message("decline_uncovered", lang, names=names)
        return _decline(answer_id, query.original, lang, reason, "uncovered")
    if declined == "scope":
        return _abstain(answer_id, query.original, lang, result, glossary)
    picks = choose_sentences(result.scoring, result.passages, ranker.sentences)
    if not picks:
        return _abstain(answer_id, query.original, lang, result, glossary)
    mode = "extractive"
    analysis = result.scoring.analysis
    passages = (*result.passages, *entries)
    asked = f"{query.original} {query.dense}"
    lead = lead_quotes(analysis, picks, passages, glossary, lang, today, result.scoring.defined, asked)
    quotes: Sequence[Quote] = lead.quotes
    if llm is not None:
        generated = _generate(llm, query.original, result.passages, embedder, tokenizer)
        if generated:
            quotes = generated
            mode = "llm"
    lines, citations = number_citations(quotes)
    text = text_of(lines)
    warnings = warnings_for(
        analysis,
        quotes,
        citations,
        result.passages,
        lang,
        today=today,
        glossary=glossary,
        stale_after_days=stale_after_days,
        stated=lead.stated if mode == "extractive" else (),
        asked=asked,
    )
    terms_shown = tuple(
        (e.term, e.zh[0]) for e in glossary.mentioned(lead.english(text)) if e.zh and e.zh[0] != e.term
    )
    return Answer(
        id=answer_id,
        question=query.original,
        text=text,
        lines=lines,
        mode=mode,
        lang=lang,
        citations=citations,
        warnings=warnings,
        footer=message("footer", lang),
        suggestions=_see_also(citations, glossary),
        terms=terms_shown,
    )


def _generate(
    llm: LlmClient,
    question: str,
    passages: tuple[Passage, ...],
    embedder: Embedder,
    tokenizer: Tokenizer,
) -> list[Quote]:
    """The generated sentences each supported by the passage it cites; none when the model gave no
    reply or none of its sentences is supported."""
    reply = llm.complete(llm.prompt(question, passages))
    if reply is None:
        return []
    kept: list[Quote] = []
    for item in parse_generated(reply):
        if not 1 <= item.passage <= len(passages):
            continue
        passage = passages[item.passage - 1]
        if supported(item.sentence, passage, embedder, tokenizer):
            kept.append(Quote(passage, item.sentence))
    return kept


SEE_ALSO = 3


def _see_also(citations: tuple[Citation, ...], glossary: Glossary) -> tuple[str, ...]:
    """Terms for "see also (/define)": a cited glossary entry's definition is already shown in
    full, so its related terms (not the entry itself), at most `SEE_ALSO`."""
    cited = [glossary.get(c.passage.chunk.term) for c in citations if c.passage.chunk.term]
    entries = [e for e in cited if e is not None]
    shown = {e.term for e in entries}
    related = (glossary.get(name) for e in entries for name in e.related)
    terms = dict.fromkeys(r.term for r in related if r is not None and r.term not in shown)
    return tuple(terms)[:SEE_ALSO]


def _decline(answer_id: str, question: str, lang: str, reason: str, kind: str) -> Answer:
    """A short, polite decline that says what Basis does instead; it cites nothing, so it has
    no "read the cited sources" footer."""
    return Answer(
        id=answer_id,
        question=question,
        text=f"{reason} {message('covers', lang)}",
        mode="abstained",
        lang=lang,
        decline=kind,
    )


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
        decline="scope",
    )
