"""👍/👎 feedback and the passages behind each answer's buttons, in the SQLite file or PostgreSQL.

Answers are remembered so "Show passages" and the votes keep working after a restart. User ids
are stored only as a salted SHA-256, computed here in Python for both databases (so a vote
copied from one to the other is the same row), when the vote is cast: a vote queued while
PostgreSQL is away is hashed with the salt last read, and nothing on disk ever holds the id.
Passages are plain dicts here (the Discord front end turns them into what it shows). Every
method blocks: call them from a worker thread.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from bot.records import schema
from bot.records.store import Store, is_transient, prepare, salt
from bot.records.writes import InlineWrites, Pending, Prune, Reason, Row, Spool, Vote, apply

KEEP_ANSWERS = timedelta(days=30)
RECENT_ANSWERS = 2000  # answers a PostgreSQL process remembered, kept in memory for "Show passages"
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


class FeedbackRecords:
    """Answers and votes in one store, written through `writes` (at once for SQLite, the spool
    for PostgreSQL). With `recent`, this process's last answers are also kept in memory, so
    their "Show passages" works while PostgreSQL is away."""

    def __init__(self, store: Store, writes: Spool, recent: int = 0) -> None:
        self.store = store
        self._writes = writes
        self._recent: OrderedDict[str, tuple[str, Passages]] = OrderedDict()
        self._size = recent
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, store: Store, spool: Spool) -> FeedbackRecords:
        """PostgreSQL's, with answers older than 30 days queued for deletion (opening never waits)."""
        forget = Prune("answers", "created_at", datetime.now(UTC) - KEEP_ANSWERS)
        spool.submit("old answers forgotten", Pending(store, forget))
        return cls(store, spool, RECENT_ANSWERS)

    def remember(self, answer_id: str, question: str, lang: str, passages: Passages) -> None:
        if self._size:
            with self._lock:
                self._recent[answer_id] = (lang, passages)
                self._recent.move_to_end(answer_id)
                while len(self._recent) > self._size:
                    self._recent.popitem(last=False)
        row = {"id": answer_id, "question": question, "lang": lang, "passages": passages}
        self._writes.submit(
            "remembered answer", Pending(self.store, Row("answers", row | {"created_at": _now()}))
        )

    def _cached(self, answer_id: str) -> tuple[str, Passages] | None:
        with self._lock:
            return self._recent.get(answer_id)

    def passages(self, answer_id: str) -> tuple[str, Passages] | None:
        if (found := self._cached(answer_id)) is not None:
            return found
        a = schema.answers
        unavailable = "the passages of that answer cannot be shown now; try again in a minute"
        with self.store.reading(unavailable, fail_fast=True) as db:
            row = db.execute(select(a.c.lang, a.c.passages).where(a.c.id == answer_id)).first()
        return None if row is None else (row[0], row[1])

    def vote(self, answer_id: str, user_id: int, up: bool) -> bool:
        """Record the vote; False only when the database says the answer is unknown (while
        PostgreSQL is away the vote is queued and acknowledged, and lands if the answer exists)."""
        known = True
        if not self.store.away():
            try:
                with self.store.connect() as db:
                    known = self._cached(answer_id) is not None or db.scalar(
                        select(schema.answers.c.id).where(schema.answers.c.id == answer_id)
                    )
                    self.store.known_salt = salt(db)
            except sa_exc.SQLAlchemyError as exc:
                if not is_transient(exc):
                    raise
        if not known:
            return False
        vote = Vote(answer_id, user_hash(self.store.known_salt, user_id), 1 if up else -1, _now())
        self._writes.submit("vote", Pending(self.store, vote))
        return True

    def reason(self, answer_id: str, user_id: int, reason: str) -> bool:
        """Store the reason for the user's 👎. Writes made at once (the SQLite file) say whether
        there was a 👎 to set it on; a spooled one (PostgreSQL) is queued behind their vote, which
        may itself still be queued, so it is acknowledged and lands only if that vote is a 👎."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        if isinstance(self._writes, InlineWrites):
            return apply(self.store, [Reason(answer_id, self.user_hash(user_id), reason)]) > 0
        if not self.store.away():
            try:
                self.store.salt()
            except sa_exc.SQLAlchemyError as exc:
                if not is_transient(exc):
                    raise
        op = Reason(answer_id, user_hash(self.store.known_salt, user_id), reason)
        self._writes.submit("vote reason", Pending(self.store, op))
        return True

    def user_hash(self, user_id: int) -> str:
        """Read the salt each time: `basis data purge` may have drawn a new one meanwhile."""
        return user_hash(self.store.salt(), user_id)


class SqliteFeedback(FeedbackRecords):
    """The SQLite file's feedback, each write made at once."""

    @classmethod
    def open(cls, data_dir: Path) -> SqliteFeedback:
        """Create or migrate the database and forget answers older than 30 days."""
        store = prepare(data_dir)
        apply(store, [Prune("answers", "created_at", datetime.now(UTC) - KEEP_ANSWERS)])
        return cls(store, InlineWrites())


def _now() -> datetime:
    return datetime.now(UTC)
