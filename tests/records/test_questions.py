"""The question log: what a row holds, retention, purge, schema versions, and no user ids."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.discord_app.feedback import FeedbackStore
from bot.records.questions import QuestionLog
from bot.records.store import FILE_NAME, LATEST, Store
from tests.records.legacy import SQLITE_V1
from tests.records.seed import NOW, USER_ID, Clock, answer, seeded_log


def test_a_row_holds_what_the_report_needs(tmp_path: Path):
    clock = Clock()
    log = QuestionLog.open(tmp_path, 90, clock)
    log.log(
        answer("What is a deemed export?", cited=("deemed", "release"), ms=30), origin="discord", guild_id=7
    )
    log.log(answer("Write a poem", decline="request", lang="en"), origin="cli")
    first, second = log.since(NOW - timedelta(days=1))
    assert (first.origin, first.guild_id, first.lang, first.declined, first.decline_kind) == (
        "discord",
        7,
        "en",
        False,
        "",
    )
    assert first.cited == ("deemed", "release") and first.latency_ms == 30.0  # model load excluded
    assert [(p.doc_id, p.score) for p in first.passages] == [("deemed", 1.0), ("release", 0.5)]
    assert first.answer.startswith("An answer to") and first.asked_at == NOW
    assert first.index_build == "20261201T120000-ab12"  # which build answered
    assert (second.declined, second.decline_kind, second.guild_id, second.cited) == (
        True,
        "request",
        None,
        (),
    )


def test_rows_past_the_retention_are_pruned_on_open_and_while_writing(tmp_path: Path):
    clock = Clock()
    log = QuestionLog.open(tmp_path, 90, clock)
    log.log(answer("old question"), origin="discord")
    clock.advance(days=89)
    log.log(answer("newer question"), origin="discord")
    assert [q.question for q in log.since(NOW - timedelta(days=365))] == ["old question", "newer question"]

    clock.advance(days=2)  # the first row is now 91 days old
    reopened = QuestionLog.open(tmp_path, 90, clock)
    assert [q.question for q in reopened.since(NOW - timedelta(days=365))] == ["newer question"]

    clock.advance(days=89)  # more than an hour later: the next write prunes too
    reopened.log(answer("latest"), origin="discord")
    assert [q.question for q in reopened.since(NOW - timedelta(days=365))] == ["latest"]


def test_old_votes_are_pruned_too(tmp_path: Path):
    store = FeedbackStore.open(tmp_path)
    store.remember("a1", "q", "en", [])
    assert store.vote("a1", USER_ID, up=False)
    clock = Clock(NOW + timedelta(days=365))
    assert QuestionLog.open(tmp_path, 90, clock).votes(NOW) == (0, 0)


def test_purge_deletes_everything_and_draws_a_new_salt(tmp_path: Path):
    log = seeded_log(tmp_path, Clock(), [(timedelta(hours=1), answer("What is a release?", answer_id="a1"))])
    store = FeedbackStore.open(tmp_path)
    store.remember("a1", "What is a release?", "en", [])
    store.vote("a1", USER_ID, up=False)
    old_hash = store.user_hash(USER_ID)

    assert Store.sqlite(tmp_path).purge() == {"questions": 1, "feedback": 1, "answers": 1}
    assert log.since(NOW - timedelta(days=1)) == []
    assert store.user_hash(USER_ID) != old_hash  # a running bot hashes with the new salt at once
    assert b"What is a release?" not in (tmp_path / FILE_NAME).read_bytes()


def test_an_old_database_is_migrated_in_place(tmp_path: Path):
    """A feedback file from before the question log (no version table) keeps its rows."""
    path = tmp_path / FILE_NAME
    with sqlite3.connect(path) as db:
        db.executescript(SQLITE_V1)
        db.execute("INSERT INTO meta VALUES ('salt', 'old-salt')")
        db.execute("INSERT INTO feedback VALUES ('a1', 'h', -1, 'q', '2026-11-30T00:00:00+00:00')")
    log = QuestionLog.open(tmp_path, 90, Clock())
    assert Store.sqlite(tmp_path).schema_version() == LATEST
    assert Store.sqlite(tmp_path).salt() == "old-salt"
    assert log.votes(NOW - timedelta(days=5)) == (0, 1)
    log.log(answer("q"), origin="cli")
    assert QuestionLog.open(tmp_path, 90, Clock()).since(NOW - timedelta(days=1))[0].question == "q"
    assert Store.sqlite(tmp_path).schema_version() == LATEST  # opening again adds nothing


def test_downvotes_join_the_logged_answer(tmp_path: Path):
    clock = Clock()
    log = seeded_log(tmp_path, clock, [(timedelta(hours=2), answer("What is EAR99?", answer_id="a9"))])
    store = FeedbackStore.open(tmp_path)
    store.remember("a9", "What is EAR99?", "en", [])
    store.vote("a9", USER_ID, up=False)
    store.vote("a9", USER_ID + 1, up=True)
    (down,) = log.downvoted(NOW - timedelta(days=1))
    assert (down.question, down.answer, down.down, down.up) == (
        "What is EAR99?",
        "An answer to: What is EAR99?",
        1,
        1,
    )
    assert down.reasons == () and down.why() == ""  # nobody said why yet


def test_downvotes_carry_the_reasons_chosen(tmp_path: Path):
    log = seeded_log(tmp_path, Clock(), [(timedelta(hours=2), answer("What is EAR99?", answer_id="a9"))])
    store = FeedbackStore.open(tmp_path)
    store.remember("a9", "What is EAR99?", "en", [])
    for offset, reason in ((0, "outdated"), (1, "wrong"), (2, "outdated"), (3, None)):
        store.vote("a9", USER_ID + offset, up=False)
        if reason:
            assert store.reason("a9", USER_ID + offset, reason)
    (down,) = log.downvoted(NOW - timedelta(days=1))
    assert down.down == 4
    assert down.reasons == (("outdated", 2), ("wrong", 1))
    assert down.why() == "outdated 2, wrong 1"


def test_no_user_id_in_the_database_file(tmp_path: Path):
    store = FeedbackStore.open(tmp_path)
    seeded_log(
        tmp_path, Clock(), [(timedelta(minutes=5), answer("What is a deemed export?", answer_id="a1"))]
    )
    store.remember("a1", "What is a deemed export?", "en", [])
    store.vote("a1", USER_ID, up=False)
    raw = (tmp_path / FILE_NAME).read_bytes()
    assert str(USER_ID).encode() not in raw
    assert USER_ID.to_bytes(8, "little", signed=True) not in raw  # nor as an integer column
    assert USER_ID.to_bytes(8, "big", signed=True) not in raw
