"""One place that picks where Basis keeps its state: the SQLite file and `audit.jsonl` in
`data/` with an in-process writer lock (default), or PostgreSQL when BASIS_DATABASE_URL is set.

Both kinds have the same methods, so the service, the CLI and the Discord front end never ask
which one they hold.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import psycopg

from bot.records import database
from bot.records.audit import AuditLog, FileAuditLog
from bot.records.feedback import Feedback, SqliteFeedback
from bot.records.postgres import Postgres, is_transient, unreachable
from bot.records.questions import QuestionLog, QuestionRecords
from bot.records.shared import (
    AdvisoryWriterLock,
    SharedAuditLog,
    SharedFeedback,
    SharedQuestionLog,
    Spool,
)
from bot.records.spool import WriteSpool
from bot.records.writer_lock import LocalWriterLock, WriterLock
from bot.settings import Settings

T = TypeVar("T")
SPOOL_CAPACITY = 10_000  # queued writes kept while PostgreSQL is away; older ones are dropped, logged
SPOOL_CLOSE_SECONDS = 10.0  # how long an exiting process keeps trying to send what is queued


class Stores(Protocol):
    audit: AuditLog
    writer: WriterLock
    questions: Callable[[], QuestionRecords]  # opened (and pruned) on first use
    feedback: Callable[[], Feedback]  # opened on first use

    def purge(self) -> dict[str, int]:
        """Delete every question, vote and remembered answer and draw a new salt."""

    def close(self) -> None:
        """Send what is still queued (as far as it can) and stop."""


class _Once(Generic[T]):
    """A value made on first use, once, whichever thread asks first."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value


class LocalStores:
    """`data/feedback.sqlite3`, `data/audit.jsonl` and a `threading.Lock`: one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.audit = FileAuditLog(settings.data_dir)
        self.writer = LocalWriterLock(settings.data_dir)
        self.questions = _Once(lambda: QuestionLog.open(settings.data_dir, settings.question_log_days))
        self.feedback = _Once(lambda: SqliteFeedback.open(settings.data_dir))

    def purge(self) -> dict[str, int]:
        return database.purge(self.settings.data_dir)

    def close(self) -> None:
        """Nothing is queued: every SQLite and file write is made inline."""


class SharedStores:
    """PostgreSQL for every process, writes through `spool` (see `bot.records.shared`)."""

    def __init__(self, settings: Settings, db: Postgres, spool: Spool) -> None:
        self.settings = settings
        self.db = db
        self.spool = spool
        self.audit = SharedAuditLog(db, spool)
        self.writer = AdvisoryWriterLock(db)
        self.questions = _Once(lambda: SharedQuestionLog.open(db, spool, settings.question_log_days))
        self.feedback = _Once(lambda: SharedFeedback.open(db, spool))

    def purge(self) -> dict[str, int]:
        return self.db.purge()

    def close(self) -> None:
        atexit.unregister(self.spool.close)
        self.spool.close(SPOOL_CLOSE_SECONDS)
        self.db.close()


def open_stores(settings: Settings, spool: Spool | None = None) -> Stores:
    """The stores the settings name; with a database URL its migrations are applied first.

    Without `spool`, a bounded write spool is started and flushed when the process exits, so a
    one-shot command's queued lines are sent before it ends.
    """
    if settings.database_url is None:
        return LocalStores(settings)
    db = Postgres(settings.database_url.get_secret_value())
    try:
        db.prepare()
    except psycopg.OperationalError as exc:
        raise unreachable("Basis cannot open its shared state; check that PostgreSQL is running") from exc
    if spool is None:
        spool = _start_spool()
    return SharedStores(settings, db, spool)


def _start_spool() -> Spool:
    spool = WriteSpool("postgres", SPOOL_CAPACITY, transient=is_transient)
    spool.start()
    atexit.register(spool.close, SPOOL_CLOSE_SECONDS)
    return spool
