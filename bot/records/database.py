"""The one SQLite file under `data/`: connections, numbered schema migrations, the salt, purge.

Every table Basis keeps (answers behind Discord buttons, 👍/👎 feedback, the question log)
lives in this file, and its schema changes only by appending a migration, recorded in the
`schema_version` table, so an old database is upgraded in place when it is opened.
`secure_delete` is on, so pruned and purged rows are overwritten, not left in free pages.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

FILE_NAME = "feedback.sqlite3"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS answers (
        id TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        lang TEXT NOT NULL,
        passages TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS feedback (
        answer_id TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        question TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (answer_id, user_hash)
    );
    """,
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        guild_id INTEGER,
        lang TEXT NOT NULL,
        question TEXT NOT NULL,
        declined INTEGER NOT NULL CHECK (declined IN (0, 1)),
        decline_kind TEXT NOT NULL,
        passages TEXT NOT NULL,
        cited TEXT NOT NULL,
        answer_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX questions_asked_at ON questions (asked_at);
    CREATE INDEX questions_answer_id ON questions (answer_id);
    CREATE INDEX feedback_created_at ON feedback (created_at);
    """,
    """
    ALTER TABLE questions ADD COLUMN index_build TEXT NOT NULL DEFAULT '';
    """,
    """
    ALTER TABLE feedback ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    """,
)
PURGED_TABLES = ("questions", "feedback", "answers")


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """One short-lived connection in one transaction, so worker threads never share one."""
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute("PRAGMA secure_delete = ON")
        yield db


def prepare(data_dir: Path) -> Path:
    """Create `data_dir` and the database if needed and apply the migrations it lacks."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")  # two processes opening at once migrate one after the other
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = row[0] or 0
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO schema_version VALUES (?)", (version,))
        db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
    return path


def schema_version(path: Path) -> int:
    with connect(path) as db:
        return db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]


def salt(path: Path) -> str:
    """The random salt user ids are hashed with; it never leaves this file."""
    with connect(path) as db:
        return db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]


def purge(data_dir: Path) -> dict[str, int]:
    """Delete every question, vote and remembered answer, draw a new salt (old hashes can no
    longer be linked to anyone) and compact the file; returns the rows deleted per table."""
    path = prepare(data_dir)
    with connect(path) as db:
        deleted = {table: db.execute(f"DELETE FROM {table}").rowcount for table in PURGED_TABLES}
        db.execute("UPDATE meta SET value = ? WHERE key = 'salt'", (secrets.token_hex(16),))
    with closing(sqlite3.connect(path, timeout=10)) as db:
        db.execute("VACUUM")
    return deleted
