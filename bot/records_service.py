"""`Records`: what Basis keeps about its use — the question log, feedback and the coverage report.

It owns the stores (`data/`, or PostgreSQL with BASIS_DATABASE_URL), opened on first use, so a
command that never logs or reports never loads SQLAlchemy; the knowledge base borrows them for
the audit trail and the writer lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.indexing.embedder import Embedder
from bot.models import Answer, Document, record
from bot.records.feedback import REASONS, Feedback
from bot.settings import Settings

if TYPE_CHECKING:  # stores (SQLAlchemy), reporting (scikit-learn): loaded when used
    from bot.records.migrate import Copied
    from bot.records.questions import QuestionRecords
    from bot.records.stores import Stores
    from bot.reporting.model import CoverageReport

__all__ = ["REASONS", "Feedback", "Records", "ReportCorpus", "sqlite_feedback"]


class ReportCorpus(NamedTuple):
    """What the coverage report reads of the served index, from one snapshot: its documents, the
    model it was built with (to group declined questions), a question in the form the dense
    retriever reads, and when each document's official source changed."""

    embedder: Embedder
    documents: Iterable[Document]
    english: Callable[[str], str]
    source_changes: Mapping[str, date]


def sqlite_feedback(data_dir: Path) -> Feedback:
    """The feedback store in the SQLite file in `data_dir`, created or migrated."""
    from bot.records.feedback import SqliteFeedback

    return SqliteFeedback.open(data_dir)


class Records:
    """The question log, feedback, the coverage report and the data commands (`basis data`)."""

    def __init__(
        self,
        settings: Settings,
        corpus: Callable[[], ReportCorpus] | None = None,
    ) -> None:
        self.settings = settings
        self._corpus = corpus  # the served index, for the report; None where nothing is served
        self._stores: Stores | None = None
        self._lock = threading.Lock()

    @property
    def stores(self) -> Stores:
        """Where feedback, the question log, the audit trail and the writer lock live (`data/`,
        or PostgreSQL with BASIS_DATABASE_URL), opened on first use."""
        from bot.records.stores import open_stores

        with self._lock:
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

    def feedback(self) -> Feedback:
        """The votes and the answers they are about, opened on first use."""
        return self.stores.feedback()

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
        from bot.reporting.build import ReportOptions, build_report

        if self._corpus is None:
            raise TypeError("these records were opened without an index to report on")
        corpus = self._corpus()
        options = ReportOptions(
            days=days or self.settings.report_days,
            cluster_distance=self.settings.report_cluster_distance,
            stale_days=self.settings.report_stale_days,
        )
        report = build_report(
            self.questions(),
            corpus.documents,
            corpus.embedder,
            options,
            now or datetime.now(UTC),
            english=corpus.english,
            source_changes=corpus.source_changes,
        )
        entry = record("report", f"last {options.days} days", actor, "")
        outcome = f"{report.questions} questions, {len(report.gaps)} gaps, {report.down} 👎"
        self.stores.audit.append(entry, outcome)
        return report

    def purge(self) -> dict[str, int]:
        """Delete every logged question, vote and remembered answer (`basis data purge`)."""
        return self.stores.purge()

    def migrate_to(self, url: str) -> list[Copied]:
        """Copy the SQLite data directory into the PostgreSQL database at `url` (safe to repeat)."""
        from bot.records.migrate import migrate

        return migrate(self.settings.data_dir, url)
