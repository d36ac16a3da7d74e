"""The question log: every question Basis answered or declined, for the coverage report.

Stored: when, where (origin and guild id), language, the question, answered or declined (and
why), the top passages with their scores, the cited documents, the answer and its latency.
Never a user id: votes carry only a salted hash (see `database`), questions carry nothing
about the asker. Rows older than the retention are deleted when the log is opened and then at
most once an hour while it is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.models import Answer
from bot.records import database
from bot.text import strip_controls

Clock = Callable[[], datetime]
PRUNE_EVERY = timedelta(hours=1)
TOP_PASSAGES = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class LoggedPassage:
    chunk_id: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class LoggedQuestion:
    asked_at: datetime
    origin: str
    guild_id: int | None
    lang: str
    question: str
    declined: bool
    decline_kind: str
    passages: tuple[LoggedPassage, ...]
    cited: tuple[str, ...]
    answer_id: str
    answer: str
    latency_ms: float
    index_build: str = ""  # the index build that answered ("" in rows from before it was logged)


@dataclass(frozen=True)
class Downvoted:
    """An answer someone marked 👎, with the question and the answer text when logged."""

    answer_id: str
    question: str
    answer: str
    down: int
    up: int
    last_at: datetime


class QuestionRecords(Protocol):
    """What the service and the report use of a question log (SQLite here, or `shared`)."""

    def log(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> None: ...

    def prune(self) -> int: ...

    def since(self, start: datetime) -> list[LoggedQuestion]: ...

    def downvoted(self, start: datetime) -> list[Downvoted]: ...

    def votes(self, start: datetime) -> tuple[int, int]: ...


def logged_fields(answer: Answer) -> dict[str, object]:
    """The columns of one logged question that come from the answer, in table order. Text carries
    no NUL or other control character: PostgreSQL refuses a NUL (the row would be lost) and a
    terminal obeys escape sequences when `basis report` prints the question."""
    return {
        "lang": answer.lang,
        "question": strip_controls(answer.question),
        "declined": answer.abstained,
        "decline_kind": answer.decline,
        "passages": [
            {"chunk_id": p.chunk.id, "doc_id": p.document.id, "score": round(p.score, 6)}
            for p in answer.passages[:TOP_PASSAGES]
        ],
        "cited": sorted({c.passage.document.id for c in answer.citations}),
        "answer_id": answer.id,
        "answer": strip_controls(answer.text),
        "latency_ms": latency_ms(answer),
        "index_build": answer.index_build,
    }


def logged(
    asked_at: datetime,
    origin: str,
    guild_id: int | None,
    lang: str,
    question: str,
    declined: object,
    decline_kind: str,
    passages: list[dict],
    cited: list[str],
    answer_id: str,
    answer: str,
    latency_ms: float,
    index_build: str,
) -> LoggedQuestion:
    """A stored row as a `LoggedQuestion` (the columns of `since`'s SELECT, JSON decoded)."""
    return LoggedQuestion(
        asked_at=asked_at,
        origin=origin,
        guild_id=guild_id,
        lang=lang,
        question=question,
        declined=bool(declined),
        decline_kind=decline_kind,
        passages=tuple(LoggedPassage(**p) for p in passages),
        cited=tuple(cited),
        answer_id=answer_id,
        answer=answer,
        latency_ms=latency_ms,
        index_build=index_build,
    )


def latency_ms(answer: Answer) -> float:
    """Time spent answering: every stage Basis timed, except loading the model."""
    return round(sum(v for k, v in answer.timings_ms.items() if k != "load"), 2)


class QuestionLog:
    def __init__(self, path: Path, retention: timedelta, clock: Clock = utc_now) -> None:
        self.path = path
        self.retention = retention
        self._clock = clock
        self._pruned_at: datetime | None = None

    @classmethod
    def open(cls, data_dir: Path, retention_days: int, clock: Clock = utc_now) -> QuestionLog:
        """Create or migrate the database and prune rows past the retention."""
        log = cls(database.prepare(data_dir), timedelta(days=retention_days), clock)
        log.prune()
        return log

    def log(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> None:
        """Record one answered or declined question (blocking: call it from a worker thread)."""
        fields = logged_fields(answer)
        now = self._clock()
        with database.connect(self.path) as db:
            db.execute(
                f"INSERT INTO questions (asked_at, origin, guild_id, {', '.join(fields)}) "
                f"VALUES (?, ?, ?{', ?' * len(fields)})",
                (
                    _stamp(now),
                    origin,
                    guild_id,
                    *(json.dumps(v) if isinstance(v, list) else v for v in fields.values()),
                ),
            )
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self.prune()

    def prune(self) -> int:
        """Delete questions and votes older than the retention; returns how many rows went."""
        now = self._clock()
        cutoff = _stamp(now - self.retention)
        with database.connect(self.path) as db:
            gone = db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
            gone += db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount
        self._pruned_at = now
        return gone

    def since(self, start: datetime) -> list[LoggedQuestion]:
        """Questions asked at or after `start`, oldest first."""
        with database.connect(self.path) as db:
            rows = db.execute(
                "SELECT asked_at, origin, guild_id, lang, question, declined, decline_kind, passages, "
                "cited, answer_id, answer, latency_ms, index_build FROM questions WHERE asked_at >= ? "
                "ORDER BY asked_at, id",
                (_stamp(start),),
            ).fetchall()
        return [
            logged(datetime.fromisoformat(r[0]), *r[1:7], json.loads(r[7]), json.loads(r[8]), *r[9:])
            for r in rows
        ]

    def downvoted(self, start: datetime) -> list[Downvoted]:
        """Answers with at least one 👎 cast at or after `start`, most 👎 first."""
        with database.connect(self.path) as db:
            rows = db.execute(
                "SELECT f.answer_id, MAX(f.question), COALESCE(MAX(q.answer), ''), "
                "SUM(f.vote = -1), SUM(f.vote = 1), MAX(f.created_at) "
                "FROM feedback f LEFT JOIN questions q ON q.answer_id = f.answer_id "
                "WHERE f.created_at >= ? GROUP BY f.answer_id HAVING SUM(f.vote = -1) > 0 "
                "ORDER BY 4 DESC, 6 DESC",
                (_stamp(start),),
            ).fetchall()
        return [Downvoted(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])) for r in rows]

    def votes(self, start: datetime) -> tuple[int, int]:
        """(👍, 👎) cast at or after `start`."""
        with database.connect(self.path) as db:
            up, down = db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback "
                "WHERE created_at >= ?",
                (_stamp(start),),
            ).fetchone()
        return up, down


def _stamp(moment: datetime) -> str:
    """UTC ISO text, which sorts in time order (the feedback table uses the same form)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
