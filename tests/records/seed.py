"""Answers and a question log seeded with them, for the records and reporting tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.models import Answer, Chunk, Citation, Document, Passage
from bot.records.questions import QuestionLog

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
USER_ID = 987_654_321_012_345_678  # a Discord-sized snowflake, never to be stored


def document(
    doc_id: str, as_of: date | None = date(2026, 11, 27), source_type: str = "explainer"
) -> Document:
    return Document(
        id=doc_id,
        title=f"About {doc_id}",
        text="text",
        path=f"{doc_id}.md",
        sha256="0" * 64,
        source_type=source_type,
        as_of=as_of,
    )


def answer(
    question: str,
    *,
    decline: str = "",
    cited: tuple[str, ...] = (),
    lang: str = "en",
    ms: float = 40.0,
    answer_id: str | None = None,
) -> Answer:
    passages = tuple(
        Passage(Chunk(f"{d}#0", d, "", "text", 0, 4, 1), document(d), rank, 1.0 / rank)
        for rank, d in enumerate(cited, start=1)
    )
    citations = tuple(Citation(p.rank, p, p.document.id, "quote") for p in passages)
    return Answer(
        id=answer_id or f"a{abs(hash(question)) % 10**10}",
        question=question,
        text="Declined." if decline else f"An answer to: {question}",
        mode="abstained" if decline else "extractive",
        lang=lang,
        citations=() if decline else citations,
        passages=passages,
        decline=decline,
        timings_ms={"search": ms / 2, "compose": ms / 2, "load": 9000.0},
        index_build="20261201T120000-ab12",
    )


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def seeded_log(data_dir: Path, clock: Clock, rows: list[tuple[timedelta, Answer]]) -> QuestionLog:
    """A log holding `rows`, each asked `delta` before `clock.now`; the clock ends at its start."""
    end = clock.now
    log = QuestionLog.open(data_dir, 90, clock)
    for delta, item in sorted(rows, key=lambda r: -r[0]):
        clock.now = end - delta
        log.log(item, origin="discord", guild_id=42)
    clock.now = end
    return log
