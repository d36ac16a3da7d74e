"""One object that owns the model, the live index and the glossary.

Every front end (CLI, Discord) calls these methods; none reimplements
retrieval. Reads never wait for writes: a knowledge-base change rebuilds into
a new folder under the writer lock and then swaps the live index and glossary in one
assignment, so questions asked meanwhile are answered from the old index.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from bot.answering.answer import compose_answer
from bot.answering.llm import LlmClient
from bot.corpus import knowledge_store
from bot.corpus.knowledge_store import Edit
from bot.errors import QuestionError
from bot.glossary import DefineResult, Glossary
from bot.indexing.build import BuildReport, Progress, build_index, manifest_settings
from bot.indexing.chunking import ChunkerConfig
from bot.indexing.embedder import Embedder, load_embedder
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.models import Answer
from bot.ranking.ranker import Ranker
from bot.records.questions import QuestionLog
from bot.reporting.build import ReportOptions, build_report
from bot.reporting.model import CoverageReport
from bot.reporting.sources import read_source_changes
from bot.retrieval.expansion import Query, expand
from bot.retrieval.instructions import strip_instructions
from bot.retrieval.search import Pool, SearchOptions, SearchResult, candidate_pool, hybrid_search
from bot.settings import Settings


class _Live(NamedTuple):
    """The index, glossary and tokenizer questions are answered from, swapped together in one assignment."""

    index: LoadedIndex
    glossary: Glossary
    tokenizer: Tokenizer

    @classmethod
    def of(cls, index: LoadedIndex, glossary: Glossary) -> _Live:
        """The snapshot for an index and glossary, with a tokenizer taught that glossary's terms."""
        return cls(index, glossary, Tokenizer.for_glossary(glossary.entries))


@dataclass(frozen=True)
class KbChange:
    action: str
    target: str
    report: BuildReport

    @property
    def summary(self) -> str:
        return f"{self.action} {self.target}: {self.report.summary()}"


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


def chunker_config(settings: Settings) -> ChunkerConfig:
    return ChunkerConfig(max_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap)


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


class Basis:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        index: LoadedIndex,
        glossary: Glossary,
        ranker: Ranker | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self._live = _Live.of(index, glossary)
        self._llm = LlmClient.from_settings(settings)
        self.ranker = ranker or Ranker.load()
        self._write_lock = threading.Lock()
        self._questions: QuestionLog | None = None

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder | None = None, ranker: Ranker | None = None
    ) -> Basis:
        """Load the model and the live index; slow, so front ends call it off the event loop."""
        embedder = embedder or load_embedder(settings.model, settings.device)
        index = LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))
        return cls(settings, embedder, index, Glossary.load(settings.knowledge_dir), ranker)

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
        return self._search(self._live, question, k, context)

    def pool(self, question: str) -> Pool:
        """The fused candidates and their features before re-ranking (for training the ranker)."""
        live = self._live
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
        live = self._live  # one consistent snapshot, even while a rebuild swaps it
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
        )
        timings = {
            "search": round((searched - started) * 1000, 2),
            "compose": round((time.perf_counter() - searched) * 1000, 2),
        }
        return replace(answer, timings_ms=timings, passages=result.passages)

    # The question log and the coverage report (bot/records, bot/reporting).

    def questions(self) -> QuestionLog:
        """The question log in `data/`, opened (and pruned) on first use."""
        if self._questions is None:
            self._questions = QuestionLog.open(self.settings.data_dir, self.settings.question_log_days)
        return self._questions

    def record(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> bool:
        """Log an answered or declined question unless BASIS_QUESTION_LOG is off, or off for
        this guild (BASIS_QUESTION_LOG_OFF_GUILDS); blocking."""
        if not self.settings.question_log or guild_id in self.settings.question_log_off_guilds:
            return False
        self.questions().log(answer, origin=origin, guild_id=guild_id)
        return True

    def report(self, days: int | None = None, *, actor: str, now: datetime | None = None) -> CoverageReport:
        """The coverage and feedback report over the last `days` (default BASIS_REPORT_DAYS);
        it shows what people asked, so who read it is written to the audit log."""
        live = self._live
        options = ReportOptions(
            days=days or self.settings.report_days,
            cluster_distance=self.settings.report_cluster_distance,
            stale_days=self.settings.stale_days,
        )
        report = build_report(
            self.questions(),
            live.index.documents.values(),
            self.embedder,
            options,
            now or datetime.now(UTC),
            english=lambda question: _english(live, question),
            source_changes=read_source_changes(self.settings.data_dir),
        )
        entry = knowledge_store.record("report", f"last {options.days} days", actor, "")
        outcome = f"{report.questions} questions, {len(report.gaps)} gaps, {report.down} 👎"
        knowledge_store.audit(self.settings.data_dir, entry, outcome)
        return report

    def define(self, term: str) -> DefineResult:
        return self.glossary.define(term)

    def complete_terms(self, text: str, limit: int = 25) -> list[str]:
        return self.glossary.complete(text, limit)

    def check_question(self, question: str) -> str:
        """The question with whitespace folded; QuestionError when empty or too long."""
        question = " ".join(question.split())
        if not question:
            raise QuestionError("Please ask a question — the message was empty.")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                f"That question is {len(question)} characters long; please keep it under "
                f"{self.settings.max_question_chars} and ask one thing at a time."
            )
        return question

    # Knowledge-base changes: one writer at a time, readers never blocked.

    def rebuild(self, progress: Progress | None = None) -> BuildReport:
        report = build_index(
            self.settings.knowledge_dir,
            self.settings.index_dir,
            self.embedder,
            chunker_config(self.settings),
            self.settings.ann_threshold,
            progress,
        )
        glossary = Glossary.load(self.settings.knowledge_dir)
        index = LoadedIndex.open(
            self.settings.index_dir, manifest_settings(self.embedder, chunker_config(self.settings))
        )
        self._live = _Live.of(index, glossary)
        return report

    def _change(self, action: str, target: str, apply: Callable[[], Edit]) -> KbChange:
        """Apply one edit and rebuild; if the rebuild fails, the edit is undone and the old index stays."""
        with knowledge_store.exclusive(self._write_lock):
            edit = apply()
            try:
                report = self.rebuild()
            except Exception as exc:
                edit.undo()
                knowledge_store.audit(self.settings.data_dir, edit.record, f"failed and undone: {exc}")
                raise
            knowledge_store.audit(self.settings.data_dir, edit.record, report.summary())
        return KbChange(action, target, report)

    def kb_add_file(self, filename: str, data: bytes, *, actor: str) -> KbChange:
        limit = self.settings.max_upload_bytes
        return self._change(
            "Added",
            filename,
            lambda: knowledge_store.add_file(self.settings.knowledge_dir, filename, data, actor, limit),
        )

    def kb_add_url(self, url: str, *, actor: str) -> KbChange:
        from bot.corpus.fetch import fetch_url

        fetched = fetch_url(url, self.settings.max_upload_bytes, self.settings.fetch_timeout)
        return self._change(
            "Imported",
            url,
            lambda: knowledge_store.add_file(
                self.settings.knowledge_dir,
                fetched.filename,
                fetched.data,
                actor,
                self.settings.max_upload_bytes,
                source_url=url,
            ),
        )

    def kb_remove(self, doc_id: str, *, actor: str) -> KbChange:
        documents = self.index.documents
        return self._change(
            "Removed",
            doc_id,
            lambda: knowledge_store.remove(self.settings.knowledge_dir, doc_id, documents, actor),
        )

    def kb_reload(self, *, actor: str) -> KbChange:
        return self._change(
            "Reloaded",
            str(self.settings.knowledge_dir),
            lambda: Edit(knowledge_store.record("reload", "", actor, ""), lambda: None),
        )

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
        )
