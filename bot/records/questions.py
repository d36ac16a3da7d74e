"""The question log: every question Basis answered or declined, for the coverage report.

Stored: when, where (origin and guild id), language, the question, answered or declined (and
why), the top passages with their scores, the cited documents, the answer and its latency.
Never a user id: votes carry only a salted hash (see `feedback`), questions carry nothing
about the asker. Rows older than the retention are deleted when the log is opened and then at
most once an hour while it is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import ColumnElement, case, func, select

from bot.models import Answer
from bot.records import schema
from bot.records.feedback import REASONS
from bot.records.store import Store, prepare
from bot.records.writes import InlineWrites, Pending, Prune, Row, Spool, apply
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
    reasons: tuple[tuple[str, int], ...] = ()  # why, as chosen after the 👎: (reason, count), most first

    def why(self) -> str:
        """The reasons in one line ("wrong 2, outdated 1"), or "" when nobody said."""
        return ", ".join(f"{reason} {n}" for reason, n in self.reasons)


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


def latency_ms(answer: Answer) -> float:
    """Time spent answering: every stage Basis timed, except loading the model."""
    return round(sum(v for k, v in answer.timings_ms.items() if k != "load"), 2)


class QuestionLog:
    """The log in one store; its writes go through `writes`: at once for the SQLite file, or the
    spool for PostgreSQL (a row is then written once, however often the spool retries it)."""

    def __init__(self, store: Store, writes: Spool, retention: timedelta, clock: Clock = utc_now) -> None:
        self.store = store
        self.retention = retention
        self._writes = writes
        self._clock = clock
        self._pruned_at: datetime | None = None

    @classmethod
    def open(cls, data_dir: Path, retention_days: int, clock: Clock = utc_now) -> QuestionLog:
        """The SQLite log in `data_dir`, created or migrated, rows past the retention pruned."""
        log = cls(prepare(data_dir), InlineWrites(), timedelta(days=retention_days), clock)
        log.prune()
        return log

    @classmethod
    def shared(cls, store: Store, spool: Spool, retention_days: int, clock: Clock = utc_now) -> QuestionLog:
        """The log in PostgreSQL with a prune queued (opening never waits on the server)."""
        log = cls(store, spool, timedelta(days=retention_days), clock)
        log._prune_due(clock())
        return log

    def log(self, answer: Answer, *, origin: str, guild_id: int | None = None) -> None:
        """Record one answered or declined question (blocking for SQLite: call it from a worker thread)."""
        now = self._clock()
        values = {"write_id": uuid.uuid4().hex, "asked_at": now, "origin": origin, "guild_id": guild_id}
        self._writes.submit(
            "question log row", Pending(self.store, Row("questions", values | logged_fields(answer)))
        )
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._prune_due(now)

    def _prunes(self, now: datetime) -> list[Prune]:
        cutoff = now - self.retention
        return [Prune("questions", "asked_at", cutoff), Prune("feedback", "created_at", cutoff)]

    def _prune_due(self, now: datetime) -> None:
        self._pruned_at = now
        for prune in self._prunes(now):
            self._writes.submit("question log prune", Pending(self.store, prune))

    def prune(self) -> int:
        """Delete questions and votes older than the retention now; returns how many rows went."""
        now = self._clock()
        gone = apply(self.store, self._prunes(now))
        self._pruned_at = now
        return gone

    def since(self, start: datetime) -> list[LoggedQuestion]:
        """Questions asked at or after `start`, oldest first."""
        q = schema.questions
        columns = [c for c in q.columns if c.name not in ("id", "write_id")]
        with self.store.reading("the question log cannot be read now") as db:
            rows = db.execute(select(*columns).where(q.c.asked_at >= start).order_by(q.c.asked_at, q.c.id))
            return [_logged(row._asdict()) for row in rows]

    def downvoted(self, start: datetime) -> list[Downvoted]:
        """Answers with at least one 👎 cast at or after `start`, most 👎 first."""
        f, q = schema.feedback, schema.questions
        down, up = _count(f.c.vote == -1).label("down"), _count(f.c.vote == 1)
        last = func.max(f.c.created_at).label("last")
        why = [_count((f.c.vote == -1) & (f.c.reason == reason)) for reason in REASONS]
        statement = (
            select(
                f.c.answer_id,
                func.max(f.c.question),
                func.coalesce(func.max(q.c.answer), ""),
                down,
                up,
                last,
                *why,
            )
            .select_from(f.outerjoin(q, q.c.answer_id == f.c.answer_id))
            .where(f.c.created_at >= start)
            .group_by(f.c.answer_id)
            .having(_count(f.c.vote == -1) > 0)
            .order_by(down.desc(), last.desc())
        )
        with self.store.reading("the votes cannot be read now") as db:
            rows = db.execute(statement).all()
        return [Downvoted(*row[:6], reasons=_reasons(row[6:])) for row in rows]

    def votes(self, start: datetime) -> tuple[int, int]:
        """(👍, 👎) cast at or after `start`."""
        f = schema.feedback
        statement = select(_count(f.c.vote == 1), _count(f.c.vote == -1)).where(f.c.created_at >= start)
        with self.store.reading("the votes cannot be read now") as db:
            up, down = db.execute(statement).one()
        return up, down


def _reasons(counts: Sequence[int]) -> tuple[tuple[str, int], ...]:
    given = [(reason, int(n)) for reason, n in zip(REASONS, counts, strict=True) if n]
    return tuple(sorted(given, key=lambda pair: -pair[1]))


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet `condition` (0 for none), in SQL both databases accept."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _logged(row: dict[str, Any]) -> LoggedQuestion:
    passages = tuple(LoggedPassage(**p) for p in row.pop("passages"))
    return LoggedQuestion(
        **row | {"passages": passages, "cited": tuple(row["cited"]), "declined": bool(row["declined"])}
    )
