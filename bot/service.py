"""`Basis`: the three services a front end uses, made over one model, one index and one set of stores.

- `answering` (`bot.answering_service.Answering`): questions, the glossary and search, from a
  snapshot of the live index swapped in one assignment;
- `kb` (`bot.knowledge_base.KnowledgeBase`): every change to what the index serves (lock, audit,
  rebuild, rollback) and what it holds;
- `records` (`bot.records_service.Records`): the question log, feedback and the coverage report.

Basis only wires them together: a knowledge-base change swaps the new index into `answering`,
the knowledge base borrows `records`' stores for its audit trail and writer lock, and the report
reads `answering`'s snapshot. Each front end takes the one service a command needs.
"""

from __future__ import annotations

import logging

from bot.answering_service import Answering, english, search_options
from bot.clock import Clock, system_today
from bot.glossary import Glossary
from bot.indexing.build import manifest_settings
from bot.indexing.embedder import Embedder
from bot.indexing.loaded import LoadedIndex
from bot.knowledge_base import KnowledgeBase, chunker_config, embedder_for
from bot.ranking.ranker import Ranker
from bot.records_service import Records, ReportCorpus
from bot.settings import Settings

__all__ = ["Basis", "Embedder", "chunker_config", "embedder_for", "search_options"]

log = logging.getLogger(__name__)


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
        self.embedder = embedder
        self.answering = Answering(settings, embedder, index, glossary, ranker, clock)
        self.records = Records(settings, self._report_corpus)
        self.kb = KnowledgeBase(
            settings,
            lambda: self.embedder,
            lambda: self.records.stores,
            served=lambda: self.answering.index,
            published=self.answering.swap_in_published,
        )
        self._settings = settings

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        ranker: Ranker | None = None,
        clock: Clock = system_today,
    ) -> Basis:
        """Open the live index (the model loads when it first embeds, see `warm`); slow, so front
        ends call it off the event loop. Files the audit trail cannot vouch for are logged."""
        embedder = embedder or embedder_for(settings)
        index = LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))
        basis = cls(settings, embedder, index, Glossary.load(settings.knowledge_dir), ranker, clock)
        for problem in basis.kb.unaudited():
            log.warning("%s", problem)
        return basis

    def warm(self) -> None:
        """Load the embedding model now, before the first question (`basis run`)."""
        self.answering.warm()

    def close(self) -> None:
        """Send the writes still queued for the shared database, as far as it can."""
        self.records.close()

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        """New settings reach every service (tests and a reconfigured bot swap them)."""
        self._settings = self.answering.settings = self.kb.settings = self.records.settings = settings

    def _report_corpus(self) -> ReportCorpus:
        """What the coverage report reads of the served index, from one snapshot."""
        live = self.answering.snapshot()
        return ReportCorpus(
            self.embedder,
            live.index.documents.values(),
            lambda question: english(live, question),
            {doc: max(c.changed_on for c in cs) for doc, cs in live.changes.items()},
        )
