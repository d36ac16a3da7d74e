"""Why a 👎: the reason is stored on that user's 👎 only, a changed vote starts without one, a
file from before the column gains it, and a queued reason survives a spill file. And a vote
cast while the question log is being written waits for it rather than failing."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from bot.discord_app.feedback import FeedbackStore
from bot.records import schema
from bot.records.feedback import FeedbackRecords, user_hash
from bot.records.store import FILE_NAME, LATEST, Store, prepare
from bot.records.writes import Reason, Row, Vote, apply, from_record
from tests.fakes import ManualSpool
from tests.records.seed import NOW, USER_ID
from tests.timing import PATIENCE


def _reasons(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path / FILE_NAME) as db:
        return db.execute("SELECT vote, reason FROM feedback ORDER BY user_hash").fetchall()


def test_a_reason_lands_on_the_users_down_vote_only(tmp_path: Path) -> None:
    store = FeedbackStore.open(tmp_path)
    store.remember("a1", "What is a release?", "en", [])
    assert not store.reason("a1", USER_ID, "wrong")  # no vote yet
    assert store.vote("a1", USER_ID, up=True)
    assert not store.reason("a1", USER_ID, "wrong")  # a 👍 has no reason
    assert store.vote("a1", USER_ID, up=False)
    assert store.reason("a1", USER_ID, "outdated")
    assert not store.reason("a1", USER_ID + 1, "other")  # someone else's click
    assert _reasons(tmp_path) == [(-1, "outdated")]
    with pytest.raises(ValueError, match="unknown reason"):
        store.reason("a1", USER_ID, "boring")


def test_a_changed_vote_starts_without_a_reason(tmp_path: Path) -> None:
    store = FeedbackStore.open(tmp_path)
    store.remember("a1", "q", "en", [])
    store.vote("a1", USER_ID, up=False)
    store.reason("a1", USER_ID, "unanswered")
    store.vote("a1", USER_ID, up=True)
    assert _reasons(tmp_path) == [(1, "")]
    store.vote("a1", USER_ID, up=False)
    assert _reasons(tmp_path) == [(-1, "")]


def test_a_version_4_file_gains_the_reason_column_and_keeps_its_votes(tmp_path: Path) -> None:
    Store.sqlite(tmp_path).prepare()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:  # back to version 4: no reason column
        db.execute("ALTER TABLE feedback DROP COLUMN reason")
        db.execute("DELETE FROM schema_version WHERE version > 4")
        db.execute("INSERT INTO feedback VALUES ('a1', 'h', -1, 'q', '2026-11-30T00:00:00+00:00')")
    assert Store.sqlite(tmp_path).prepare().schema_version() == LATEST == 5
    assert _reasons(tmp_path) == [(-1, "")]


def test_a_queued_reason_lands_after_its_vote_and_survives_a_spill_file(tmp_path: Path) -> None:
    store = prepare(tmp_path)
    spool = ManualSpool()
    feedback = FeedbackRecords(store, spool, recent=10)
    feedback.remember("a1", "q", "en", [])
    assert feedback.vote("a1", USER_ID, up=False)
    assert feedback.reason("a1", USER_ID, "wrong")  # acknowledged: the vote is still queued
    *_, (_, queued) = spool.queued
    assert queued.op == Reason("a1", user_hash(store.known_salt, USER_ID), "wrong")
    assert from_record(queued.op.record()) == queued.op
    assert str(USER_ID) not in str(queued.op.record())
    spool.run()
    assert _reasons(tmp_path) == [(-1, "wrong")]


class _VoteWhileAnotherWrites:
    """A vote whose transaction has read the answer when another connection starts writing (the
    question log, written after the answer went out, as its 👎 is clicked)."""

    def __init__(self, store: Store, vote: Vote) -> None:
        self.store, self.vote, self.other = store, vote, threading.Thread(target=self._log_question)

    def _log_question(self) -> None:
        with self.store.connect(exclusive=True) as db:
            db.execute(schema.meta.insert().values(key="other", value="write"))

    def apply(self, db: Connection) -> int:
        db.execute(select(schema.answers.c.id))
        self.other.start()
        time.sleep(0.3)  # the other writer has its write lock by now, unless ours is held
        return self.vote.apply(db)

    def record(self) -> None:
        return None


def test_a_vote_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    store = prepare(tmp_path)
    apply(
        store,
        [Row("answers", {"id": "a1", "question": "q", "lang": "en", "passages": [], "created_at": NOW})],
    )
    racing = _VoteWhileAnotherWrites(store, Vote("a1", "h", -1, NOW))
    assert apply(store, [racing]) == 1
    racing.other.join(PATIENCE)
    assert _reasons(tmp_path) == [(-1, "")]
    with store.connect() as db:
        assert db.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "other")) == "write"
