"""`Answering`: questions, the glossary and search, over the live index.

Every front end answers through it; none reimplements retrieval. Reads never wait for writes: the
index, glossary and tokenizer are one snapshot (`Snapshot`) swapped in one assignment, so a question
asked during a rebuild is answered from the old index. An index another process published is
swapped in the same way by `refresh_if_published`, which `basis run` polls.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

from bot.answering.answer import compose_answer
from bot.answering.labels import message
from bot.answering.llm import LlmClient
from bot.answering.notices import source_changed
from bot.answering.timeline import define_status
from bot.clock import Clock, system_today
from bot.corpus.glossary_file import GlossaryEntry
from bot.corpus.source_changes import SourceChange, changed_sources
from bot.errors import QuestionError
from bot.glossary import DefineResult, Glossary
from bot.indexing import store
from bot.indexing.build import manifest_settings
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.knowledge_base import chunker_config
from bot.models import Answer, Passage
from bot.ranking.ranker import Ranker
from bot.retrieval.expansion import Query, expand
from bot.retrieval.expansion import english as expand_text
from bot.retrieval.question import Question
from bot.retrieval.search import Pool, SearchOptions, SearchResult, candidate_pool, hybrid_search
from bot.settings import Settings
from bot.text import detect_language, normalise_text, not_text

__all__ = [
    "Answering",
    "GlossaryEntry",
    "SearchResult",
    "Snapshot",
    "check_question",
    "define",
    "english",
    "search_options",
]

log = logging.getLogger(__name__)


class Snapshot(NamedTuple):
    """The index, glossary and tokenizer questions are answered from, swapped together in one assignment;
    `changes` are the curated documents whose synced official sources changed after their as_of."""

    index: LoadedIndex
    glossary: Glossary
    tokenizer: Tokenizer
    changes: dict[str, tuple[SourceChange, ...]]

    @classmethod
    def of(cls, index: LoadedIndex, glossary: Glossary) -> Snapshot:
        """The snapshot for an index and glossary, with a tokenizer taught that glossary's terms."""
        changes = changed_sources(index.documents.values())
        return cls(index, glossary, Tokenizer.for_glossary(glossary.entries, index.segments), changes)


def search_options(settings: Settings, k: int | None = None) -> SearchOptions:
    return SearchOptions(
        k=k or settings.top_k,
        candidates=settings.candidates,
        fusion=settings.fusion,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
        per_section=settings.per_section,
        per_document=settings.per_document,
    )


def _entries(index: LoadedIndex, terms: tuple[str, ...]) -> tuple[Passage, ...]:
    """The glossary passages of `terms` (the terms a definition question asks about)."""
    if not terms:
        return ()
    wanted = set(terms)
    return tuple(
        Passage(chunk=chunk, document=index.documents[chunk.doc_id], rank=len(index.chunks), score=0.0)
        for chunk in index.chunks
        if chunk.term in wanted and chunk.doc_id in index.documents
    )


def english(live: Snapshot, question: str) -> str:
    """A Chinese question as the dense retriever reads it (translated); others as asked."""
    return expand_text(question, live.glossary, live.tokenizer)


def define_in(glossary: Glossary, term: str, today: date) -> DefineResult:
    """The entry for `term` (fuzzy, English or Chinese) with its status on `today`, or suggestions."""
    result = glossary.define(term)
    if result.entry is None:
        return result
    return replace(result, status=define_status(glossary, result.entry.term, today))


def define(settings: Settings, term: str, clock: Clock = system_today) -> DefineResult:
    """`basis define`: the same lookup from the glossary file alone, with no index opened."""
    return define_in(Glossary.load(settings.knowledge_dir), term, clock())


def check_question(question: str, max_chars: int) -> str:
    """The question as it is searched, answered and logged: normalised (`normalise_text`: no
    control characters for a moderator's terminal, no NUL for PostgreSQL, no zero-width or
    fullwidth spellings that would make it decline) and its whitespace folded; QuestionError, in
    the question's language, when empty, too long or not text."""
    if bad := not_text(question):
        raise QuestionError(bad)
    question = " ".join(normalise_text(question).split())
    lang = detect_language(question)
    if not question:
        raise QuestionError(message("question_empty", lang))
    if len(question) > max_chars:
        raise QuestionError(
            message("question_too_long", lang, chars=str(len(question)), limit=str(max_chars))
        )
    return question


class Answering:
    """Answers, definitions and searches, each from one consistent snapshot of the live index."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        index: LoadedIndex,
        glossary: Glossary,
        ranker: Ranker | None = None,
        clock: Clock = system_today,
    ) -> None:
        self.settings = settings
        self.clock = clock  # "today" for every status and date an answer states; tests freeze it
        self.embedder = embedder
        self._live = Snapshot.of(index, glossary)
        self._llm = LlmClient.from_settings(settings)
        self.ranker = ranker or Ranker.load()
        self._swap_lock = threading.Lock()  # loads then swaps `_live` one at a time, newest last
        self._refused: Path | None = None  # the published build that last failed to load

    def warm(self) -> None:
        """Load the embedding model now: a long-running bot pays for it at start, not on its first
        question (a one-off command loads it only if it embeds)."""
        self.embedder.encode_query("warm up")

    @property
    def index(self) -> LoadedIndex:
        return self._live.index

    @property
    def glossary(self) -> Glossary:
        return self._live.glossary

    @property
    def tokenizer(self) -> Tokenizer:
        return self._live.tokenizer

    def snapshot(self) -> Snapshot:
        """What questions are answered from now (the coverage report reads one snapshot too)."""
        return self._live

    def check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    def search(self, question: str, k: int | None = None, context: str | None = None) -> SearchResult:
        return self._search(self._serving(), question, k, context)

    def pool(self, question: str) -> Pool:
        """The fused candidates and their features before re-ranking (for training the ranker)."""
        live = self._serving()
        query = self._query(live, question, None)
        return candidate_pool(live.index, live.tokenizer, self.embedder, query, search_options(self.settings))

    def _query(self, live: Snapshot, question: str, context: str | None) -> Query:
        parsed = Question.parse(self.check_question(question))  # the one reading of the asker's words
        return expand(parsed, live.glossary, live.tokenizer, context)

    def _search(self, live: Snapshot, question: str, k: int | None, context: str | None) -> SearchResult:
        query = self._query(live, question, context)
        return hybrid_search(
            live.index, live.tokenizer, self.embedder, query, search_options(self.settings, k), self.ranker
        )

    def answer(self, question: str, *, context: str | None = None) -> Answer:
        live = self._serving()  # one consistent snapshot, even while a rebuild swaps it
        started = time.perf_counter()
        result = self._search(live, question, None, context)
        searched = time.perf_counter()
        answer = compose_answer(
            result,
            live.glossary,
            live.tokenizer,
            self.embedder,
            self.ranker,
            self.settings.abstain_threshold,
            self._llm,
            today=self.clock(),
            stale_after_days=self.settings.stale_after_days,
            entries=_entries(live.index, result.scoring.defined),
        )
        timings = {
            "search": round((searched - started) * 1000, 2),
            "compose": round((time.perf_counter() - searched) * 1000, 2),
        }
        changed = source_changed(answer.citations, live.changes, answer.lang)
        return replace(
            answer,
            warnings=answer.warnings + changed,
            timings_ms=timings,
            passages=result.passages,
            index_build=live.index.folder.name,
        )

    def define(self, term: str) -> DefineResult:
        return define_in(self.glossary, term, self.clock())

    def complete_terms(self, text: str, limit: int = 25) -> list[str]:
        return self.glossary.complete(text, limit)

    def _serving(self) -> Snapshot:
        """The snapshot to answer from. A build published since the last look (by any process) is
        loaded first, so no answer begun after a publish comes from the index it replaced; the
        look is one link read, and the poll in `basis run` usually swaps before anyone asks."""
        published = (self.settings.index_dir / store.CURRENT).resolve()
        if published not in (self._live.index.folder, self._refused):
            self.refresh_if_published()
        return self._live

    def swap_in_published(self) -> None:
        """After this process published a build: answer from it (unless a question already swapped it in)."""
        with self._swap_lock:
            if store.current_folder(self.settings.index_dir) != self._live.index.folder:
                self._live = _load(self.settings, self.embedder)

    def refresh_if_published(self) -> bool:
        """Swap in the index another process published (`basis index build`, `basis kb add`,
        `basis sync`, another `basis run`) when `current` names a build this one does not serve.

        The index and glossary are loaded completely before one assignment swaps them in. If
        loading fails, the old ones keep answering, a warning is logged (once per build) and the
        next call retries; this never raises, so a poll loop keeps running. True when swapped.
        """
        with self._swap_lock:
            try:
                if store.current_folder(self.settings.index_dir) == self._live.index.folder:
                    return False
                self._live = live = _load(self.settings, self.embedder)
            except Exception as exc:  # any unreadable build: keep serving the loaded one
                published = (self.settings.index_dir / store.CURRENT).resolve()
                if published != self._refused:
                    log.warning("kept index %s; the published one did not load: %s", self.index.folder, exc)
                self._refused = published
                return False
            self._refused = None
        log.info("swapped to the published index %s", live.index.folder)
        return True


def _load(settings: Settings, embedder: Embedder) -> Snapshot:
    """The published index and the glossary, fully loaded (not yet answering anything)."""
    index = LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))
    return Snapshot.of(index, Glossary.load(settings.knowledge_dir))
