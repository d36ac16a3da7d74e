"""👍/👎 feedback and the passages behind each answer's buttons, in the SQLite file.

Answers are remembered so "Show passages" and the votes keep working after a restart; user ids
are stored only as a salted hash. Passages are plain dicts here (the Discord front end turns
them into what it shows). Every method blocks: call them from a worker thread.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.records import database
from bot.records.database import connect

KEEP_ANSWERS = timedelta(days=30)
Passages = list[dict[str, Any]]
# Why a 👎: the short choice it opens, stored with the vote ("" until one is chosen).
REASONS: tuple[str, ...] = ("wrong", "unanswered", "outdated", "other")


class Feedback(Protocol):
    def remember(self, answer_id: str, question: str, lang: str, passages: Passages) -> None: ...

    def passages(self, answer_id: str) -> tuple[str, Passages] | None:
        """The answer's language and passages, or None when it is unknown or too old."""

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Record (or change) one user's vote; False when the answer is unknown or too old."""

    def reason(self, answer_id: str, user_id: int, reason: str) -> bool:
        """Store why the user voted 👎 (one of `REASONS`); False when they have no 👎 on it."""

    def user_hash(self, user_id: int) -> str: ...


def user_hash(salt: str, user_id: int) -> str:
    """The salted SHA-256 a vote carries instead of the user id."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteFeedback:
    """One connection per call, so worker threads never share a connection."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, data_dir: Path) -> SqliteFeedback:
        """Create or migrate the database and forget answers older than 30 days."""
        path = database.prepare(data_dir)
        with connect(path) as db:
            cutoff = (datetime.now(UTC) - KEEP_ANSWERS).isoformat()
            db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
        return cls(path)

    def remember(self, answer_id: str, question: str, lang: str, passages: Passages) -> None:
        with connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                (answer_id, question, lang, json.dumps(passages), now_stamp()),
            )

    def passages(self, answer_id: str) -> tuple[str, Passages] | None:
        with connect(self.path) as db:
            row = db.execute("SELECT lang, passages FROM answers WHERE id = ?", (answer_id,)).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        with connect(self.path) as db:
            row = db.execute("SELECT question FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if row is None:
                return False
            db.execute(  # a changed vote starts without a reason
                "INSERT OR REPLACE INTO feedback (answer_id, user_hash, vote, question, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (answer_id, self.user_hash(user_id), 1 if up else -1, row[0], now_stamp()),
            )
        return True

    def reason(self, answer_id: str, user_id: int, reason: str) -> bool:
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        with connect(self.path) as db:
            changed = db.execute(
                "UPDATE feedback SET reason = ? WHERE answer_id = ? AND user_hash = ? AND vote = -1",
                (reason, answer_id, self.user_hash(user_id)),
            ).rowcount
        return changed > 0

    def user_hash(self, user_id: int) -> str:
        """Read the salt each time: `basis data purge` may have drawn a new one meanwhile."""
        return user_hash(database.salt(self.path), user_id)
