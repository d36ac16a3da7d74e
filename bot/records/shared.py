"""The stores kept in PostgreSQL (BASIS_DATABASE_URL): question log, feedback, audit trail and
the single-writer advisory lock, with the same methods as the SQLite and file defaults.

Writes never block an answer: question rows, answers, votes and audit outcome lines are handed to
a bounded write spool (`bot.records.spool`) that retries them while the server is away, and
each carries a key that makes a retried write land once (`write_id`, or the row's primary key).
Only a change's intent line is written inline, under the advisory lock, so a change whose intent
could not be recorded is refused before anything is touched. Reads that need the server say so
in a `SharedStoreError` when it is down.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Protocol

import psycopg
from psycopg.types.json import Jsonb

from bot.errors import BuildInProgressError, LockStoreUnreachableError
from bot.models import Answer, AuditRecord
from bot.records.feedback import KEEP_ANSWERS, Passages, user_hash
from bot.records.postgres import WRITER_KEY, Postgres, is_transient, unreachable
from bot.records.questions import (
    PRUNE_EVERY,
    Clock,
    Downvoted,
    LoggedQuestion,
    logged,
    logged_fields,
    utc_now,
)
from bot.records.writer_lock import BUSY

RECENT_ANSWERS = 2000  # answers this process remembered, kept in memory for "Show passages"
LOCK_UNREACHABLE = (
    "The shared lock store (BASIS_DATABASE_URL) is unreachable, so knowledge-base changes are "
    "refused until it is back; questions are still answered."
)


class Spool(Protocol):
    """What the stores need of `bot.records.spool.WriteSpool` (tests hand in a manual one)."""

    def submit(self, description: str, write: Callable[[], None]) -> None:
        """Queue `write`; never blocks, never raises."""

    def close(self, timeout: float) -> int:
        """Send what it can within `timeout`, stop, and return how many writes were left unsent."""


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Turn a lost connection into a message saying what cannot be done now."""
    try:
        yield
    except psycopg.Error as exc:
        if not is_transient(exc):
            raise
        raise unreachable(what) from exc


def _second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


class SharedQuestionLog:
    def __init__(self, db: Postgres, spool: Spool, retention: timedelta, clock: Clock = utc_now) -> None:
        self.db = db
        self.retention = retention
        self._spool = spool
        self._clock = clock
        self._pruned_at: datetime | None = None

    @classmethod
    def open(
        cls, db: Postgres, spool: Spool, retention_days: int, clock: Clock = utc_now
    ) -> SharedQuestionLog:
        """The log with a prune queued (opening never waits on the server)."""
        log = cls(db, spool, timedelta(days=retention_days), clock)
        log._pruned_at = clock()
        spool.submit("question log prune", log.prune)
        return log

    def log(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> None:
        """Queue one row; it is written once, however often the spool has to retry it."""
        fields = logged_fields(answer)
        values = [Jsonb(v) if isinstance(v, list) else v for v in fields.values()]
        now = self._clock()
        params = (uuid.uuid4().hex, _second(now), origin, guild_id, *values)
        statement = (
            f"INSERT INTO questions (write_id, asked_at, origin, guild_id, {', '.join(fields)}) "
            f"VALUES (%s, %s, %s, %s{', %s' * len(fields)}) ON CONFLICT (write_id) DO NOTHING"
        )
        self._spool.submit("question log row", lambda: self._write(statement, params))
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            self._spool.submit("question log prune", self.prune)

    def _write(self, statement: str, params: tuple[object, ...]) -> None:
        with self.db.connect() as db:
            db.execute(statement, params)

    def prune(self) -> int:
        """Delete questions and votes older than the retention; returns how many rows went."""
        now = self._clock()
        cutoff = now - self.retention
        with self.db.connect() as db:
            gone = db.execute("DELETE FROM questions WHERE asked_at < %s", (cutoff,)).rowcount
            gone += db.execute("DELETE FROM feedback WHERE created_at < %s", (cutoff,)).rowcount
        self._pruned_at = now
        return gone

    def since(self, start: datetime) -> list[LoggedQuestion]:
        with _reading("the question log cannot be read now"), self.db.connect() as db:
            rows = db.execute(
                "SELECT asked_at, origin, guild_id, lang, question, declined, decline_kind, passages, "
                "cited, answer_id, answer, latency_ms, index_build FROM questions WHERE asked_at >= %s "
                "ORDER BY asked_at, id",
                (_second(start),),
            ).fetchall()
        return [logged(r[0].astimezone(UTC), *r[1:]) for r in rows]

    def downvoted(self, start: datetime) -> list[Downvoted]:
        with _reading("the votes cannot be read now"), self.db.connect() as db:
            rows = db.execute(
                "SELECT f.answer_id, MAX(f.question), COALESCE(MAX(q.answer), ''), "
                "COUNT(*) FILTER (WHERE f.vote = -1), COUNT(*) FILTER (WHERE f.vote = 1), "
                "MAX(f.created_at) FROM feedback f LEFT JOIN questions q ON q.answer_id = f.answer_id "
                "WHERE f.created_at >= %s GROUP BY f.answer_id "
                "HAVING COUNT(*) FILTER (WHERE f.vote = -1) > 0 ORDER BY 4 DESC, 6 DESC",
                (_second(start),),
            ).fetchall()
        return [Downvoted(r[0], r[1], r[2], r[3], r[4], r[5].astimezone(UTC)) for r in rows]

    def votes(self, start: datetime) -> tuple[int, int]:
        with _reading("the votes cannot be read now"), self.db.connect() as db:
            up, down = db.execute(
                "SELECT COUNT(*) FILTER (WHERE vote = 1), COUNT(*) FILTER (WHERE vote = -1) "
                "FROM feedback WHERE created_at >= %s",
                (_second(start),),
            ).fetchone()
        return up, down


VOTE = (
    "INSERT INTO feedback (answer_id, user_hash, vote, question, created_at) "
    "SELECT a.id, encode(sha256(convert_to(m.value || ':' || %s, 'UTF8')), 'hex'), %s, a.question, %s "
    "FROM answers a JOIN meta m ON m.key = 'salt' WHERE a.id = %s "
    "ON CONFLICT (answer_id, user_hash) DO UPDATE SET vote = EXCLUDED.vote, "
    "question = EXCLUDED.question, created_at = EXCLUDED.created_at"
)


class SharedFeedback:
    """Answers and votes in PostgreSQL; this process's recent answers also in memory, so their
    "Show passages" works while the server is away. A vote is hashed with the salt in SQL when
    it is written, so a vote queued during an outage needs no salt beforehand."""

    def __init__(self, db: Postgres, spool: Spool, recent: int = RECENT_ANSWERS) -> None:
        self.db = db
        self._spool = spool
        self._recent: OrderedDict[str, tuple[str, Passages]] = OrderedDict()
        self._size = recent
        self._lock = threading.Lock()

    @classmethod
    def open(cls, db: Postgres, spool: Spool) -> SharedFeedback:
        """The store with answers older than 30 days queued for deletion (opening never waits)."""
        cutoff = datetime.now(UTC) - KEEP_ANSWERS

        def forget() -> None:
            with db.connect() as conn:
                conn.execute("DELETE FROM answers WHERE created_at < %s", (cutoff,))

        spool.submit("old answers forgotten", forget)
        return cls(db, spool)

    def remember(self, answer_id: str, question: str, lang: str, passages: Passages) -> None:
        with self._lock:
            self._recent[answer_id] = (lang, passages)
            self._recent.move_to_end(answer_id)
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)
        params = (answer_id, question, lang, Jsonb(passages), _second(datetime.now(UTC)))

        def write() -> None:
            with self.db.connect() as db:
                db.execute(
                    "INSERT INTO answers VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                    "question = EXCLUDED.question, lang = EXCLUDED.lang, passages = EXCLUDED.passages, "
                    "created_at = EXCLUDED.created_at",
                    params,
                )

        self._spool.submit("remembered answer", write)

    def _cached(self, answer_id: str) -> tuple[str, Passages] | None:
        with self._lock:
            return self._recent.get(answer_id)

    def passages(self, answer_id: str) -> tuple[str, Passages] | None:
        if (found := self._cached(answer_id)) is not None:
            return found
        unavailable = "the passages of that answer cannot be shown now; try again in a minute"
        with _reading(unavailable), self.db.connect() as db:
            row = db.execute("SELECT lang, passages FROM answers WHERE id = %s", (answer_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Queue the vote; False only when the server says the answer is unknown (while it is
        away the vote is queued and acknowledged, and lands if the answer exists)."""
        if self._cached(answer_id) is None:
            try:
                with self.db.connect() as db:
                    known = db.execute("SELECT 1 FROM answers WHERE id = %s", (answer_id,)).fetchone()
                if known is None:
                    return False
            except psycopg.Error as exc:
                if not is_transient(exc):
                    raise
        params = (str(user_id), 1 if up else -1, _second(datetime.now(UTC)), answer_id)

        def write() -> None:
            with self.db.connect() as db:
                db.execute(VOTE, params)

        self._spool.submit("vote", write)
        return True

    def user_hash(self, user_id: int) -> str:
        return user_hash(self.db.salt(), user_id)


AUDIT_COLUMNS = ("action", "target", "actor", "sha256", "at", "source_url", "change", "outcome")
AUDIT_INSERT = (
    f"INSERT INTO audit (write_id, {', '.join(AUDIT_COLUMNS)}) "
    f"VALUES (%s{', %s' * len(AUDIT_COLUMNS)}) ON CONFLICT (write_id) DO NOTHING"
)


class SharedAuditLog:
    """The audit trail as a table. Lines still in the spool are listed by `rows` too, so a change
    just made is vouched for at once."""

    def __init__(self, db: Postgres, spool: Spool) -> None:
        self.db = db
        self._spool = spool
        self._pending: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def _insert(self, write_id: str, row: dict[str, str]) -> None:
        with self.db.connect() as db:
            db.execute(AUDIT_INSERT, (write_id, *(row[c] for c in AUDIT_COLUMNS)))

    def append(self, entry: AuditRecord, outcome: str) -> None:
        write_id, row = uuid.uuid4().hex, {**asdict(entry), "outcome": outcome}
        with self._lock:
            self._pending[write_id] = row

        def write() -> None:
            self._insert(write_id, row)
            with self._lock:
                self._pending.pop(write_id, None)

        self._spool.submit(f"audit line ({entry.action})", write)

    def append_now(self, entry: AuditRecord, outcome: str) -> None:
        with _reading("the audit trail cannot be written and the change was refused; nothing was changed"):
            self._insert(uuid.uuid4().hex, {**asdict(entry), "outcome": outcome})

    def rows(self) -> list[dict[str, str]]:
        with _reading("the audit trail cannot be read now"), self.db.connect() as db:
            stored = db.execute(
                f"SELECT write_id, {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY id"
            ).fetchall()
        written = {r[0] for r in stored}
        with self._lock:
            pending = [row for key, row in self._pending.items() if key not in written]
        return [dict(zip(AUDIT_COLUMNS, r[1:], strict=True)) for r in stored] + pending

    def unreadable(self) -> list[int]:
        """None: a table row is written whole or not at all."""
        return []


class AdvisoryWriterLock:
    """A session-level `pg_try_advisory_lock` on a connection of its own, held for the whole
    change; the server frees it if this process dies or loses the connection."""

    def __init__(self, db: Postgres) -> None:
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
