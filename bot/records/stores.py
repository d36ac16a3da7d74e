"""One place that picks where Basis keeps its state: the SQLite file and `audit.jsonl` in
`data/` with an in-process writer lock (default), or PostgreSQL when BASIS_DATABASE_URL is set.

Both kinds have the same methods, so the service, the CLI and the Discord front end never ask
which one they hold.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from sqlalchemy import exc as sa_exc

from bot.records.audit import AuditLog, FileAuditLog
from bot.records.feedback import Feedback, FeedbackRecords, SqliteFeedback
from bot.records.questions import QuestionLog, QuestionRecords
from bot.records.shared import AdvisoryWriterLock, SharedAuditLog
from bot.records.spill import SpillFolder
from bot.records.spool import WriteSpool
from bot.records.store import Store, is_transient, unreachable
from bot.records.writer_lock import LocalWriterLock, WriterLock
from bot.records.writes import Spool, run_batch
from bot.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
SPOOL_CAPACITY = 10_000  # queued writes kept while PostgreSQL is away; older ones are dropped, logged
# How long an exiting process keeps trying to send what is queued while the server answers;
# what is left then (or at once, while the server is away) is spilled to `data/spool/`.
SPOOL_CLOSE_SECONDS = 10.0
# While PostgreSQL is away the spool retries its oldest batch at most this far apart, so a
# server that is back is written to within about a second, not after a backoff of 30 s.
PROBE_SECONDS = 1.0
BATCH = 200  # queued writes sent in one transaction once the server is back


class Stores(Protocol):
    audit: AuditLog
    writer: WriterLock
    questions: Callable[[], QuestionRecords]  # opened (and pruned) on first use
    feedback: Callable[[], Feedback]  # opened on first use

    def purge(self) -> dict[str, int]:
        """Delete every question, vote and remembered answer and draw a new salt."""

    def close(self) -> None:
        """Send what is still queued (as far as it can, keeping the rest for the next start) and stop."""


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
        return Store.sqlite(self.settings.data_dir).purge()

    def close(self) -> None:
        """Nothing is queued: every SQLite and file write is made inline."""


class SharedStores:
    """PostgreSQL for every process, writes through `spool`."""

    def __init__(self, settings: Settings, db: Store, spool: Spool) -> None:
        self.settings = settings
        self.db = db
        self.spool = spool
        self.audit = SharedAuditLog(db, spool)
        self.writer = AdvisoryWriterLock(db)
        self.questions = _Once(lambda: QuestionLog.shared(db, spool, settings.question_log_days))
        self.feedback = _Once(lambda: FeedbackRecords.shared(db, spool))

    def purge(self) -> dict[str, int]:
        return self.db.purge()

    def close(self) -> None:
        atexit.unregister(self.spool.close)
        self.spool.close(SPOOL_CLOSE_SECONDS)
        self.db.close()


def open_stores(settings: Settings, spool: Spool | None = None) -> Stores:
    """The stores the settings name; with a database URL its migrations are applied first and
    the writes an earlier process spilled at shutdown are replayed (each file once).

    Without `spool`, a bounded write spool is started and closed when the process exits, so a
    one-shot command's queued lines are sent (or spilled) before it ends.
    """
    if settings.database_url is None:
        return LocalStores(settings)
    db = Store.postgres(settings.database_url.get_secret_value())
    spill = SpillFolder(settings.data_dir)
    try:
        db.prepare()
        replayed = spill.replay(db)
    except sa_exc.OperationalError as exc:
        raise unreachable("Basis cannot open its shared state; check that PostgreSQL is running") from exc
    if replayed:
        log.info("postgres: replayed %d writes spilled by an earlier process", replayed)
    if spool is None:
        spool = postgres_spool(spill)
        spool.start()
        atexit.register(spool.close, SPOOL_CLOSE_SECONDS)
    return SharedStores(settings, db, spool)


def postgres_spool(spill: SpillFolder, **timing: Callable[..., object]) -> WriteSpool:
    """The spool in front of PostgreSQL: batches, a retry at least every PROBE_SECONDS, and a
    spill file for what is unsent at close. `timing` (sleep, clock) is for tests."""
    return WriteSpool(
        "postgres",
        SPOOL_CAPACITY,
        transient=is_transient,
        retry_max=PROBE_SECONDS,
        run=run_batch,
        batch=BATCH,
        spill=spill.save,
        **timing,  # type: ignore[arg-type]
    )
