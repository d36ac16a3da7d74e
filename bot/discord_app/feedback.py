"""The feedback store as the buttons see it: passages as `ShownPassage`, storage in `bot.records`.

The SQLite file (default) or PostgreSQL (BASIS_DATABASE_URL) keeps the answers and votes; this
wrapper only converts passages. Every method blocks: call them with asyncio.to_thread.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from bot.discord_app.render import ShownPassage
from bot.records_service import Feedback, sqlite_feedback


class FeedbackStore:
    def __init__(self, backend: Feedback) -> None:
        self.backend = backend

    @classmethod
    def open(cls, data_dir: Path) -> FeedbackStore:
        """The SQLite store in `data_dir`, created or migrated, answers older than 30 days forgotten."""
        return cls(sqlite_feedback(data_dir))

    def remember(self, answer_id: str, question: str, lang: str, passages: list[ShownPassage]) -> None:
        self.backend.remember(answer_id, question, lang, [asdict(p) for p in passages])

    def passages(self, answer_id: str) -> tuple[str, list[ShownPassage]] | None:
        """The answer's language and passages, or None when it is unknown or too old."""
        found = self.backend.passages(answer_id)
        if found is None:
            return None
        lang, passages = found
        return lang, [ShownPassage(**p) for p in passages]

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Record (or change) one user's vote; False when the answer is unknown or too old."""
        return self.backend.vote(answer_id, user_id, up)

    def reason(self, answer_id: str, user_id: int, reason: str) -> bool:
        """Store why the user voted 👎; False when they have no 👎 on that answer."""
        return self.backend.reason(answer_id, user_id, reason)

    def user_hash(self, user_id: int) -> str:
        return self.backend.user_hash(user_id)
