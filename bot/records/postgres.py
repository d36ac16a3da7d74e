"""PostgreSQL for state shared by every process (BASIS_DATABASE_URL): connections, the numbered
schema migrations, the salt, purge.

The same scheme as the SQLite file (`database`): hand-written SQL migrations appended to a
tuple, the applied ones recorded in `schema_version`. They run in one transaction holding a
transaction-level advisory lock, so processes starting together migrate one after the other and
each sees the finished schema. Calls borrow a connection from a small pool (psycopg-pool), which
checks it before lending it, so after a server restart a dead connection is replaced rather
than failing the call; a borrower waits at most `BORROW_TIMEOUT` seconds.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool

from bot.errors import SharedStoreError

CONNECT_TIMEOUT = 3  # seconds before a connection attempt gives up
# A statement the server has not finished in 10 s is cancelled, so a queued write on a stalled
# server fails (and is retried) instead of holding up every write behind it.
SERVER_OPTIONS = "-c statement_timeout=10000"
POOL_SIZE = 4  # connections a process keeps open at most: the spool's writer and a few readers
# Longest wait to borrow a connection: a button press must be answered within Discord's 3 s even
# while the server is away (the pool then has no connection to lend).
BORROW_TIMEOUT = 1.0
# The pool retries a lost connection with growing waits; it gives up after this many seconds
# and starts afresh at the next borrow, so a server that is back is used within seconds.
RECONNECT_SECONDS = 5.0
# The pool warns at every reconnection attempt; the spool already says once per outage that the
# server is unreachable and once that it is back, so only the pool's errors are kept.
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
MIGRATE_KEY = 0x6261_7369_0001  # advisory lock keys: the migrations, and the single writer
WRITER_KEY = 0x6261_7369_0002

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE answers (
        id TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        lang TEXT NOT NULL,
        passages JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE feedback (
        answer_id TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        vote SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
        question TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (answer_id, user_hash)
    );
    CREATE INDEX feedback_created_at ON feedback (created_at);
    CREATE TABLE questions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        write_id TEXT NOT NULL UNIQUE,
        asked_at TIMESTAMPTZ NOT NULL,
        origin TEXT NOT NULL,
        guild_id BIGINT,
        lang TEXT NOT NULL,
        question TEXT NOT NULL,
        declined BOOLEAN NOT NULL,
        decline_kind TEXT NOT NULL,
        passages JSONB NOT NULL,
        cited JSONB NOT NULL,
        answer_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        index_build TEXT NOT NULL
    );
    CREATE INDEX questions_asked_at ON questions (asked_at);
    CREATE INDEX questions_answer_id ON questions (answer_id);
    CREATE TABLE audit (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        write_id TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        actor TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        at TEXT NOT NULL,
        source_url TEXT NOT NULL,
        change TEXT NOT NULL,
        outcome TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE feedback ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    """,
)
PURGED_TABLES = ("questions", "feedback", "answers")


def is_transient(exc: BaseException) -> bool:
    """True for a lost or refused connection (worth retrying), False for a bad statement."""
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def unreachable(what: str) -> SharedStoreError:
    """The error people see when the database is down; never the URL (it may hold a password)."""
    return SharedStoreError(f"The shared database (BASIS_DATABASE_URL) is unreachable, so {what}.")


class Postgres:
    """A database URL and what every store needs from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    def _connections(self) -> ConnectionPool:
        """The pool, opened on first use (it starts connecting in the background)."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_SIZE,
                    timeout=BORROW_TIMEOUT,
                    check=ConnectionPool.check_connection,
                    kwargs={"connect_timeout": CONNECT_TIMEOUT, "options": SERVER_OPTIONS},
                    name="basis",
                    reconnect_timeout=RECONNECT_SECONDS,
                    open=True,
                )
            return self._pool

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        """One connection in one transaction, committed when the block ends without an error."""
        with self._connections().connection() as db:
            yield db

    def close(self) -> None:
        """Close the pool's connections (a later call opens a new pool)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def session(self) -> psycopg.Connection:
        """A connection in autocommit mode for session-level advisory locks; the caller closes it."""
        return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)

    def prepare(self) -> None:
        """Apply the migrations this database lacks (one process at a time) and draw the salt."""
        with self.connect() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_KEY,))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                db.execute(script)
                db.execute("INSERT INTO schema_version VALUES (%s)", (version,))
            db.execute(
                "INSERT INTO meta VALUES ('salt', %s) ON CONFLICT (key) DO NOTHING", (secrets.token_hex(16),)
            )

    def schema_version(self) -> int:
        with self.connect() as db:
            return db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    def salt(self) -> str:
        """The random salt user ids are hashed with; it never leaves the database."""
        with self.connect() as db:
            return db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]

    def purge(self) -> dict[str, int]:
        """Delete every question, vote and remembered answer and draw a new salt, in one
        transaction; returns the rows deleted per table (the audit trail is kept)."""
        self.prepare()
        with self.connect() as db:
            deleted = {table: db.execute(f"DELETE FROM {table}").rowcount for table in PURGED_TABLES}
            db.execute("UPDATE meta SET value = %s WHERE key = 'salt'", (secrets.token_hex(16),))
        return deleted
