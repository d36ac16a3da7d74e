"""One database behind one SQLAlchemy engine: the SQLite file in `data/` or PostgreSQL
(BASIS_DATABASE_URL). Connections, the numbered migrations, the salt, purge.

Both databases share the table definitions of `schema` and the queries of `questions`,
`feedback` and `writes`; only how a connection is made differs. SQLite: a new connection per
call (worker threads never share one), `secure_delete` on, so purged rows are overwritten.
PostgreSQL: a pool of `POOL_SIZE` connections, each checked before it is lent, so after a
server restart a dead connection is replaced at once rather than failing the call.

Migrations are rows in `schema_version`, as before SQLAlchemy: a new database is created from
`schema` and stamped `LATEST`; an older one runs the steps it lacks, in one transaction, under
SQLite's write lock or a PostgreSQL advisory lock, so processes starting together migrate one
after the other. Versions 1-3 are the SQLite file's history and 1 PostgreSQL's; version 4 gave
SQLite the `write_id` PostgreSQL had, and from then on one step serves both (version 5: the
reason a 👎 was given).
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, insert, inspect, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from bot.errors import SharedStoreError
from bot.records import schema

FILE_NAME = "feedback.sqlite3"
CONNECT_TIMEOUT = 3  # seconds before a PostgreSQL connection attempt gives up
# A statement the server has not finished in 10 s is cancelled, so a queued write on a stalled
# server fails (and is retried) instead of holding up every write behind it.
SERVER_OPTIONS = "-c statement_timeout=10000"
POOL_SIZE = 4  # connections a process keeps open at most: the spool's writer and a few readers
# Longest wait to borrow a connection when all are lent: a button press must be answered
# within Discord's 3 s.
BORROW_TIMEOUT = 1.0
# After a connection attempt failed, a button press ("Show passages", a vote) is answered at once
# for this long rather than each waiting out a connection attempt of up to 3 s; every other call
# still tries, and the first connection that succeeds (the spool retries every second) ends it.
AWAY_SECONDS = 5.0
MIGRATE_KEY = 0x6261_7369_0001  # PostgreSQL advisory lock keys: the migrations, and the single writer
WRITER_KEY = 0x6261_7369_0002

Step = str | Callable[[Connection], None]

SQLITE_V2 = """
CREATE TABLE questions (
    id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, origin TEXT NOT NULL, guild_id INTEGER,
    lang TEXT NOT NULL, question TEXT NOT NULL, declined INTEGER NOT NULL CHECK (declined IN (0, 1)),
    decline_kind TEXT NOT NULL, passages TEXT NOT NULL, cited TEXT NOT NULL, answer_id TEXT NOT NULL,
    answer TEXT NOT NULL, latency_ms REAL NOT NULL
);
CREATE INDEX questions_asked_at ON questions (asked_at);
CREATE INDEX questions_answer_id ON questions (answer_id);
CREATE INDEX feedback_created_at ON feedback (created_at);
"""
SQLITE_V3 = "ALTER TABLE questions ADD COLUMN index_build TEXT NOT NULL DEFAULT ''"
FEEDBACK_REASON = "ALTER TABLE feedback ADD COLUMN reason TEXT NOT NULL DEFAULT ''"  # version 5, both


def _sqlite_write_ids(db: Connection) -> None:
    """Rebuild `questions` from `schema` (SQLite cannot add a NOT NULL UNIQUE column), giving
    every old row a random `write_id`, so the file can be copied into PostgreSQL idempotently."""
    db.exec_driver_sql("ALTER TABLE questions RENAME TO questions_v3")
    for index in ("questions_asked_at", "questions_answer_id"):
        db.exec_driver_sql(f"DROP INDEX {index}")
    schema.questions.create(db)
    kept = ", ".join(c.name for c in schema.questions.columns if c.name != "write_id")
    fresh = "lower(hex(randomblob(16)))"
    db.exec_driver_sql(f"INSERT INTO questions ({kept}, write_id) SELECT {kept}, {fresh} FROM questions_v3")
    db.exec_driver_sql("DROP TABLE questions_v3")


# Version 1 is never run: a database without it is new and made from `schema` (a SQLite file from
# before the version table already holds version 1's three tables). PostgreSQL's version 1 was
# already what `schema` makes, so it has nothing to catch up on.
STEPS: dict[str, tuple[Step, ...]] = {
    "sqlite": ("", SQLITE_V2, SQLITE_V3, _sqlite_write_ids, FEEDBACK_REASON),
    "postgresql": ("", "", "", "", FEEDBACK_REASON),
}
LATEST = 5


def is_transient(exc: BaseException) -> bool:
    """True for a lost, refused or timed-out PostgreSQL connection (worth retrying), False for a
    statement the server rejected."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection free within BORROW_TIMEOUT
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def unreachable(what: str) -> SharedStoreError:
    """The error people see when the database is down; never the URL (it may hold a password)."""
    return SharedStoreError(f"The shared database (BASIS_DATABASE_URL) is unreachable, so {what}.")


def upsert(dialect: str, table: Table) -> Any:
    """The dialect's INSERT, which has ON CONFLICT in both SQLite and PostgreSQL."""
    return (sqlite if dialect == "sqlite" else postgresql).insert(table)


def salt(db: Connection) -> str:
    """The random salt user ids are hashed with; it never leaves the database."""
    return db.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "salt"))


class Store:
    """One database and what every store needs from it. `known_salt` is the salt last read, for
    hashing a vote while PostgreSQL is away."""

    def __init__(self, engine: Engine, tables: tuple[Table, ...], url: str = "") -> None:
        self.engine = engine
        self.tables = tables
        self.url = url
        self.known_salt = ""
        self._failed_at: float | None = None

    @classmethod
    def sqlite(cls, data_dir: Path) -> Store:
        """The SQLite file in `data_dir` (created, with the folder, by `prepare`)."""
        path = data_dir / FILE_NAME
        engine = create_engine(
            URL.create("sqlite", database=str(path)), poolclass=NullPool, connect_args={"timeout": 10}
        )

        @event.listens_for(engine, "connect")
        def _opened(dbapi: sqlite3.Connection, _record: object) -> None:
            dbapi.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's implicit one
            dbapi.execute("PRAGMA secure_delete = ON")

        @event.listens_for(engine, "begin")
        def _begin(db: Connection) -> None:
            db.exec_driver_sql(db.get_execution_options().get("sqlite_begin", "BEGIN"))

        return cls(engine, schema.LOCAL)

    @classmethod
    def postgres(cls, url: str) -> Store:
        """A pooled PostgreSQL database; nothing connects before the first call."""
        engine = create_engine(
            make_url(url).set(drivername="postgresql+psycopg"),
            pool_size=POOL_SIZE,
            max_overflow=0,
            pool_timeout=BORROW_TIMEOUT,
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT, "options": SERVER_OPTIONS},
        )
        return cls(engine, schema.SHARED, url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path:
        """The SQLite file."""
        return Path(str(self.engine.url.database))

    @contextmanager
    def connect(self, *, exclusive: bool = False) -> Iterator[Connection]:
        """One connection in one transaction, committed when the block ends without an error;
        `exclusive` takes SQLite's write lock at the start (one migrating process at a time,
        a write that reads first waits for another writer instead of failing)."""
        try:
            with self.engine.connect() as db:
                if exclusive and self.is_sqlite:
                    db.execution_options(sqlite_begin="BEGIN IMMEDIATE")
                with db.begin():
                    yield db
        except sa_exc.SQLAlchemyError as exc:
            if is_transient(exc):
                self._failed_at = time.monotonic()
            raise
        self._failed_at = None

    def away(self) -> bool:
        """True within AWAY_SECONDS of a failed connection, until one succeeds."""
        failed = self._failed_at
        return failed is not None and time.monotonic() - failed < AWAY_SECONDS

    @contextmanager
    def reading(self, what: str, *, fail_fast: bool = False) -> Iterator[Connection]:
        """A connection whose loss becomes a message saying what cannot be done now; with
        `fail_fast` (someone is waiting: a button press) also while the server is `away`."""
        if fail_fast and self.away():
            raise unreachable(what)
        try:
            with self.connect() as db:
                yield db
        except sa_exc.SQLAlchemyError as exc:
            if not is_transient(exc):
                raise
            raise unreachable(what) from exc

    def session(self) -> psycopg.Connection:
        """A PostgreSQL connection of its own in autocommit mode, for session-level advisory
        locks; the caller closes it."""
        return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)

    def prepare(self) -> Store:
        """Create the database if needed, apply the steps it lacks and draw the salt."""
        if self.is_sqlite:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect(exclusive=True) as db:
            if not self.is_sqlite:
                db.execute(select(func.pg_advisory_xact_lock(MIGRATE_KEY)))
            schema.schema_version.create(db, checkfirst=True)
            current = db.scalar(select(func.max(schema.schema_version.c.version))) or 0
            if current == 0 and not inspect(db).has_table("meta"):
                schema.metadata.create_all(db, tables=self.tables)
                current = self._stamp(db, 0, LATEST)
            for version, step in enumerate(STEPS[self.engine.dialect.name][current:], start=current + 1):
                if callable(step):
                    step(db)
                else:
                    for statement in filter(str.strip, step.split(";")):
                        db.exec_driver_sql(statement)
                self._stamp(db, version - 1, version)
            db.execute(
                self._insert(schema.meta)
                .values(key="salt", value=secrets.token_hex(16))
                .on_conflict_do_nothing()
            )
            self.known_salt = salt(db)
        return self

    @staticmethod
    def _stamp(db: Connection, after: int, upto: int) -> int:
        """Record versions after+1 … upto as applied; returns `upto`."""
        db.execute(insert(schema.schema_version), [{"version": v} for v in range(after + 1, upto + 1)])
        return upto

    def _insert(self, table: Table) -> Any:
        return upsert(self.engine.dialect.name, table)

    def schema_version(self) -> int:
        with self.connect() as db:
            return db.scalar(select(func.max(schema.schema_version.c.version)))

    def salt(self) -> str:
        with self.connect() as db:
            self.known_salt = salt(db)
        return self.known_salt

    def purge(self) -> dict[str, int]:
        """Delete every question, vote and remembered answer and draw a new salt, in one
        transaction, so old hashes can no longer be linked to anyone; returns the rows deleted per
        table. The audit trail is kept. SQLite's file is then compacted."""
        self.prepare()
        with self.connect() as db:
            deleted = {table.name: db.execute(table.delete()).rowcount for table in schema.PURGED}
            db.execute(
                schema.meta.update().where(schema.meta.c.key == "salt").values(value=secrets.token_hex(16))
            )
        if self.is_sqlite:
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.execute("VACUUM")
        return deleted

    def close(self) -> None:
        """Close pooled connections (a later call opens new ones)."""
        self.engine.dispose()


def prepare(data_dir: Path) -> Store:
    """The SQLite store in `data_dir`, created or migrated."""
    return Store.sqlite(data_dir).prepare()
