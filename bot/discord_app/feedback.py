"""👍/👎 feedback and the passages behind each answer's buttons, in one SQLite file.

Answers are remembered so "Show passages" and the votes keep working after a restart; user ids
are stored only as a salted hash. Every method blocks: call them with asyncio.to_thread.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.discord_app.render import ShownPassage

FILE_NAME = "feedback.sqlite3"
KEEP_ANSWERS = timedelta(days=30)

SCHEMA = """
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
"""


class FeedbackStore:
    """One connection per call, so worker threads never share a connection."""

    def __init__(self, path: Path, salt: str) -> None:
        self.path = path
        self._salt = salt

    @classmethod
    def open(cls, data_dir: Path) -> FeedbackStore:
        """Create the database if needed, forget answers older than 30 days, load the salt."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / FILE_NAME
        with _connect(path) as db:
            db.executescript(SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
            cutoff = (datetime.now(UTC) - KEEP_ANSWERS).isoformat()
            db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
            (salt,) = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        return cls(path, salt)

    def remember(self, answer_id: str, question: str, lang: str, passages: list[ShownPassage]):
        with _connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                (answer_id, question, lang, json.dumps([asdict(p) for p in passages]), _now()),
            )

    def passages(self, answer_id: str) -> tuple[str, list[ShownPassage]] | None:
        """The answer's language and passages, or None when it is unknown or too old."""
        with _connect(self.path) as db:
            row = db.execute("SELECT lang, passages FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None:
            return None
        return row[0], [ShownPassage(**p) for p in json.loads(row[1])]

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Record (or change) one user's vote; False when the answer is unknown or too old."""
        with _connect(self.path) as db:
            row = db.execute("SELECT question FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if row is None:
                return False
            db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?)",
                (answer_id, self.user_hash(user_id), 1 if up else -1, row[0], _now()),
            )
        return True

    def user_hash(self, user_id: int) -> str:
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        yield db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
