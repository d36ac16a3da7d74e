"""One object that owns the model, the live index and the glossary.

Every front end (CLI, Discord) calls these methods; none reimplements
retrieval. Reads never wait for writes: a knowledge-base change rebuilds into
a new folder under the writer lock and then swaps the live index and glossary in one
assignment, so questions asked meanwhile are answered from the old index. An index another
process published is swapped in the same way by `refresh_if_published`, which `basis run` polls.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.answering.answer import compose_answer
from bot.answering.labels import message
from bot.answering.llm import LlmClient
from bot.answering.notices import source_changed
from bot.answering.timeline import define_status
from bot.clock import Clock, system_today
from bot.corpus.quarantine import Held
from bot.corpus.source_changes import SourceChange, changed_sources
from bot.errors import QuestionError
from bot.glossary import DefineResult, Glossary
from bot.indexing import store
from bot.indexing.build import manifest_settings
from bot.indexing.embedder import Embedder, lazy_embedder
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.knowledge_base import KbChange, KnowledgeBase, chunker_config
from bot.models import Answer, Passage, Problem, record
from bot.ranking.ranker import Ranker
from bot.retrieval.expansion import Query, expand
from bot.retrieval.instructions import strip_instructions
from bot.retrieval.search import Pool, SearchOptions, SearchResult, candidate_pool, hybrid_search
from bot.settings import Settings
from bot.text import detect_language, normalise_text, not_text

if TYPE_CHECKING:  # stores (SQLAlchemy), reporting (scikit-learn), sync (trafilatura): loaded when used
    from bot.records.questions import QuestionRecords
    from bot.records.stores import Stores
    from bot.reporting.model import CoverageReport
    from bot.sync.report import SyncReport
    from bot.sync.run import Sleep

log = logging.getLogger(__name__)


class _Live(NamedTuple):
    """The index, glossary and tokenizer questions are answered from, swapped together in one assignment;
    `changes` are the curated documents whose synced official sources changed after their as_of."""

    index: LoadedIndex
    glossary: Glossary
    tokenizer: Tokenizer
    changes: dict[str, tuple[SourceChange, ...]]

    @classmethod
    def of(cls, index: LoadedIndex, glossary: Glossary) -> _Live:
        """The snapshot for an index and glossary, with a tokenizer taught that glossary's terms."""
        changes = changed_sources(index.documents.values())
        return cls(index, glossary, Tokenizer.for_glossary(glossary.entries, index.segments), changes)


@dataclass(frozen=True)
class DocSummary:
    id: str
    title: str
    source_type: str
    path: str


@dataclass(frozen=True)
class KbStatus:
    documents: int
    chunks: int
    built_at: str
    model: str
    as_of: str | None
    folder: str
    unaudited: tuple[str, ...] = ()
    quarantined: tuple[str, ...] = ()  # ids held out of this build until a moderator accepts them


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


def _english(live: _Live, question: str) -> str:
    """A Chinese question as the dense retriever reads it (translated); others as asked."""
    query = expand(question, live.glossary, live.tokenizer)
    return query.dense if query.lang == "zh" else question


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


def embedder_for(settings: Settings) -> Embedder:
    """The embedding model the settings name, on their runtime, with its ONNX model cached;
    loaded when it first embeds, so commands that never embed never pay for it."""
    return lazy_embedder(
        settings.model, settings.model_threads, settings.runtime, settings.device, settings.model_cache_dir
    )


class Basis:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        index: LoadedIndex,
        glossary: Glossary,
        ranker: Ranker | None = None,
        clock: Clock = system_today,
    ) -> None:
        self._settings = settings
        self.clock = clock  # "today" for every status and date an answer states; tests freeze it
        self.embedder = embedder
        self._live = _Live.of(index, glossary)
        self._llm = LlmClient.from_settings(settings)
        self.ranker = ranker or Ranker.load()
        self._stores: Stores | None = None
        self._stores_lock = threading.Lock()
        self._swap_lock = threading.Lock()  # loads then swaps `_live` one at a time, newest last
        self._refused: Path | None = None  # the published build that last failed to load
        self.kb = KnowledgeBase(
            settings,
            lambda: self.embedder,
            lambda: self.stores,
            documents=lambda: self.index.documents,
            published=self._swap_in_published,
        )

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        ranker: Ranker | None = None,
        clock: Clock = system_today,
    ) -> Basis:
        """Open the live index (the model loads when it first embeds, see `warm`); slow, so front
        ends call it off the event loop."""
        embedder = embedder or embedder_for(settings)
        index = LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))
        basis = cls(settings, embedder, index, Glossary.load(settings.knowledge_dir), ranker, clock)
        for problem in basis.unaudited():
            log.warning("%s", problem)
        return basis

    def warm(self) -> None:
        """Load the embedding model now: a long-running bot pays for it at start, not on its first
        question (a one-off command loads it only if it embeds)."""
        self.embedder.encode_query("warm up")

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        """New settings reach the knowledge base too (tests and a reconfigured bot swap them)."""
        self._settings = self.kb.settings = settings

    @property
    def index(self) -> LoadedIndex:
        return self._live.index

    @property
    def glossary(self) -> Glossary:
        return self._live.glossary

    @property
    def tokenizer(self) -> Tokenizer:
        return self._live.tokenizer

    def search(self, question: str, k: int | None = None, context: str | None = None) -> SearchResult:
        return self._search(self._serving(), question, k, context)

    def pool(self, question: str) -> Pool:
        """The fused candidates and their features before re-ranking (for training the ranker)."""
        live = self._serving()
        query = self._query(live, question, None)
        return candidate_pool(live.index, live.tokenizer, self.embedder, query, search_options(self.settings))

    def _query(self, live: _Live, question: str, context: str | None) -> Query:
        question = self.check_question(question)
        return replace(
            expand(strip_instructions(question), live.glossary, live.tokenizer, context), original=question
        )

    def _search(self, live: _Live, question: str, k: int | None, context: str | None) -> SearchResult:
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

    def _serving(self) -> _Live:
        """The snapshot to answer from. A build published since the last look (by any process) is
        loaded first, so no answer begun after a publish comes from the index it replaced; the
        look is one link read, and the poll in `basis run` usually swaps before anyone asks."""
        published = (self.settings.index_dir / store.CURRENT).resolve()
        if published not in (self._live.index.folder, self._refused):
            self.refresh_if_published()
        return self._live

    # The question log and the coverage report (bot/records, bot/reporting).

    @property
    def stores(self) -> Stores:
        """Where feedback, the question log, the audit trail and the writer lock live (`data/`,
        or PostgreSQL with BASIS_DATABASE_URL), opened on first use."""
        from bot.records.stores import open_stores

        with self._stores_lock:
            if self._stores is None:
                self._stores = open_stores(self.settings)
            return self._stores

    def close(self) -> None:
        """Send the writes still queued for the shared database, as far as it can."""
        if self._stores is not None:
            self._stores.close()

    def questions(self) -> QuestionRecords:
        """The question log, opened (and pruned) on first use."""
        return self.stores.questions()

    def record(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> bool:
        """Log an answered or declined question unless BASIS_QUESTION_LOG is off, or off for
        this guild (BASIS_QUESTION_LOG_OFF_GUILDS); blocking."""
        if not self.settings.question_log or guild_id in self.settings.question_log_off_guilds:
            return False
        self.questions().log(answer, origin=origin, guild_id=guild_id)
        return True

    def report(self, days: int | None = None, *, actor: str, now: datetime | None = None) -> CoverageReport:
        from bot.reporting.build import ReportOptions, build_report

        """The coverage and feedback report over the last `days` (default BASIS_REPORT_DAYS);
        it shows what people asked, so who read it is written to the audit log."""
        live = self._live
        options = ReportOptions(
            days=days or self.settings.report_days,
            cluster_distance=self.settings.report_cluster_distance,
            stale_days=self.settings.report_stale_days,
        )
        report = build_report(
            self.questions(),
            live.index.documents.values(),
            self.embedder,
            options,
            now or datetime.now(UTC),
            english=lambda question: _english(live, question),
            source_changes={doc: max(c.changed_on for c in cs) for doc, cs in live.changes.items()},
        )
        entry = record("report", f"last {options.days} days", actor, "")
        outcome = f"{report.questions} questions, {len(report.gaps)} gaps, {report.down} 👎"
        self.stores.audit.append(entry, outcome)
        return report

    def define(self, term: str) -> DefineResult:
        result = self.glossary.define(term)
        if result.entry is None:
            return result
        return replace(result, status=define_status(self.glossary, result.entry.term, self.clock()))

    def complete_terms(self, text: str, limit: int = 25) -> list[str]:
        return self.glossary.complete(text, limit)

    def check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    # Knowledge-base changes: one writer at a time, readers never blocked.

    def _swap_in_published(self) -> None:
        """After this process published a build: answer from it (unless a question already swapped it in)."""
        with self._swap_lock:
            if store.current_folder(self.settings.index_dir) != self._live.index.folder:
                self._live = self._load_live()

    def _load_live(self) -> _Live:
        """The published index and the glossary, fully loaded (not yet answering anything)."""
        index = LoadedIndex.open(
            self.settings.index_dir, manifest_settings(self.embedder, chunker_config(self.settings))
        )
        return _Live.of(index, Glossary.load(self.settings.knowledge_dir))

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
                self._live = live = self._load_live()
            except Exception as exc:  # any unreadable build: keep serving the loaded one
                published = (self.settings.index_dir / store.CURRENT).resolve()
                if published != self._refused:
                    log.warning("kept index %s; the published one did not load: %s", self.index.folder, exc)
                self._refused = published
                return False
            self._refused = None
        log.info("swapped to the published index %s", live.index.folder)
        return True

    def kb_refused(self, action: str, target: str, actor: str, reason: str) -> None:
        """Audit a /kb attempt that was refused (not a moderator, bad upload, busy, …)."""
        self.kb.refused(action, target, actor, reason)

    def unaudited(self) -> list[Problem]:
        """Files the audit trail cannot vouch for (see `KnowledgeBase.unaudited`)."""
        return self.kb.unaudited()

    def kb_add_file(self, filename: str, data: bytes, *, actor: str) -> KbChange:
        return self.kb.add_file(filename, data, actor=actor)

    def kb_add_url(self, url: str, *, actor: str) -> KbChange:
        return self.kb.add_url(url, actor=actor)

    def kb_remove(self, doc_id: str, *, actor: str) -> KbChange:
        return self.kb.remove(doc_id, actor=actor)

    def quarantined(self) -> list[Held]:
        """Documents held out of the index for sentences that instruct an AI, with those sentences."""
        return self.kb.quarantined()

    def kb_accept(self, doc_id: str, *, actor: str) -> KbChange:
        """Serve a quarantined document as it is now (`basis kb accept`, `/kb accept`)."""
        return self.kb.accept(doc_id, actor=actor)

    def kb_reload(self, *, actor: str) -> KbChange:
        return self.kb.build(actor=actor, action="reload")

    def sync(
        self, *, actor: str, dry_run: bool = False, now: datetime | None = None, sleep: Sleep = time.sleep
    ) -> SyncReport:
        """`basis sync` and /kb sync (`KnowledgeBase.sync`): the old index serves questions until
        the new one is published."""
        return self.kb.sync(actor=actor, dry_run=dry_run, now=now, sleep=sleep)

    def kb_list(self) -> list[DocSummary]:
        return [
            DocSummary(d.id, d.title, d.source_type, d.path)
            for d in sorted(self.index.documents.values(), key=lambda d: d.id)
        ]

    def kb_status(self) -> KbStatus:
        manifest = self.index.manifest
        return KbStatus(
            documents=manifest["counts"]["documents"],
            chunks=manifest["counts"]["chunks"],
            built_at=manifest["built_at"],
            model=manifest["model"]["name"],
            as_of=manifest.get("knowledge_as_of"),
            folder=str(Path(self.index.folder)),
            unaudited=tuple(str(p) for p in self.unaudited()),
            quarantined=tuple(str(held["id"]) for held in manifest.get("quarantined", [])),
        )
