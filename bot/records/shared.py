"""What only PostgreSQL (BASIS_DATABASE_URL) keeps: the audit trail as a table and the
single-writer advisory lock, with the same methods as `audit.jsonl` and the in-process lock.
(The question log and feedback are one implementation for both databases: `questions`,
`feedback`.)

Audit outcome lines are handed to the write spool (`bot.records.spool`) with a `write_id` that
makes a retried line land once. Only a change's intent line is written inline, under the
advisory lock, so a change whose intent could not be recorded is refused before anything is
touched. Reads that need the server say so in a `SharedStoreError` when it is down.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict

import psycopg
from sqlalchemy import select

from bot.errors import BuildInProgressError, LockStoreUnreachableError
from bot.models import AuditRecord
from bot.records import schema
from bot.records.store import WRITER_KEY, Store
from bot.records.writer_lock import BUSY
from bot.records.writes import Pending, Row, Spool

LOCK_UNREACHABLE = (
    "The shared lock store (BASIS_DATABASE_URL) is unreachable, so knowledge-base changes are "
    "refused until it is back; questions are still answered."
)


AUDIT_COLUMNS = ("action", "target", "actor", "sha256", "at", "source_url", "change", "outcome")


class SharedAuditLog:
    """The audit trail as a table. Lines still in the spool are listed by `rows` too, so a change
    just made is vouched for at once."""

    def __init__(self, db: Store, spool: Spool) -> None:
        self.db = db
        self._spool = spool
        self._pending: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def append(self, entry: AuditRecord, outcome: str) -> None:
        write_id, row = uuid.uuid4().hex, {**asdict(entry), "outcome": outcome}
        with self._lock:
            self._pending[write_id] = row
        self._spool.submit(
            f"audit line ({entry.action})", Pending(self.db, Row("audit", {"write_id": write_id, **row}))
        )

    def append_now(self, entry: AuditRecord, outcome: str) -> None:
        row = Row("audit", {"write_id": uuid.uuid4().hex, **asdict(entry), "outcome": outcome})
        with self.db.reading(
            "the audit trail cannot be written and the change was refused; nothing was changed"
        ) as db:
            row.apply(db)

    def rows(self) -> list[dict[str, str]]:
        audit = schema.audit
        with self.db.reading("the audit trail cannot be read now") as db:
            stored = db.execute(
                select(audit.c.write_id, *(audit.c[c] for c in AUDIT_COLUMNS)).order_by(audit.c.id)
            ).all()
        written = {r[0] for r in stored}
        with self._lock:  # lines still queued are listed too, and forgotten once written
            for key in written & self._pending.keys():
                del self._pending[key]
            pending = list(self._pending.values())
        return [dict(zip(AUDIT_COLUMNS, r[1:], strict=True)) for r in stored] + pending

    def unreadable(self) -> list[int]:
        """None: a table row is written whole or not at all."""
        return []


class AdvisoryWriterLock:
    """A session-level `pg_try_advisory_lock` on a connection of its own, held for the whole
    change; the server frees it if this process dies or loses the connection."""

    def __init__(self, db: Store) -> None:
        self.db = db

    @contextmanager
    def held(self) -> Iterator[None]:
        try:
            session = self.db.session()
        except psycopg.OperationalError as exc:
            raise LockStoreUnreachableError(LOCK_UNREACHABLE) from exc
        with session:
            try:
                taken = session.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_KEY,)).fetchone()[0]
            except psycopg.OperationalError as exc:
                raise LockStoreUnreachableError(LOCK_UNREACHABLE) from exc
            if not taken:
                raise BuildInProgressError(BUSY)
            try:
                yield
            finally:
                with suppress(psycopg.OperationalError):  # a lost session has freed it already
                    session.execute("SELECT pg_advisory_unlock(%s)", (WRITER_KEY,))
