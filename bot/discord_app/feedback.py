"""👍/👎 feedback and the passages behind each answer's buttons, in one SQLite file.

Answers are remembered so "Show passages" and the votes keep working after a restart; user ids
are stored only as a salted hash. The file and its schema belong to `bot.records.database`
(the question log lives in it too). Every method blocks: call them with asyncio.to_thread.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.discord_app.render import ShownPassage
from bot.records import database
from bot.records.database import FILE_NAME, connect

__all__ = ["FILE_NAME", "FeedbackStore"]
KEEP_ANSWERS = timedelta(days=30)


class FeedbackStore:
    """One connection per call, so worker threads never share a connection."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, data_dir: Path) -> FeedbackStore:
        """Create or migrate the database and forget answers older than 30 days."""
        path = database.prepare(data_dir)
        with connect(path) as db:
            cutoff = (datetime.now(UTC) - KEEP_ANSWERS).isoformat()
            db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
        return cls(path)

    def remember(self, answer_id: str, question: str, lang: str, passages: list[ShownPassage]):
        with connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                (answer_id, question, lang, json.dumps([asdict(p) for p in passages]), _now()),
            )

    def passages(self, answer_id: str) -> tuple[str, list[ShownPassage]] | None:
        """The answer's language and passages, or None when it is unknown or too old."""
        with connect(self.path) as db:
            row = db.execute("SELECT lang, passages FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None:
            return None
        return row[0], [ShownPassage(**p) for p in json.loads(row[1])]

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Record (or change) one user's vote; False when the answer is unknown or too old."""
        with connect(self.path) as db:
            row = db.execute("SELECT question FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if row is None:
                return False
            db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?)",
                (answer_id, self.user_hash(user_id), 1 if up else -1, row[0], _now()),
            )
        return True

    def user_hash(self, user_id: int) -> str:
        """Read the salt each time: `basis data purge` may have drawn a new one meanwhile."""
        return hashlib.sha256(f"{database.salt(self.path)}:{user_id}".encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
