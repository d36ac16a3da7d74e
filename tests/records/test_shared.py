"""The PostgreSQL stores against a real server: migrations, every store's round trip, the
advisory writer lock across processes, purge, and no user id anywhere in the database."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from bot.errors import BuildInProgressError, LockStoreUnreachableError
from bot.models import INTENT, record
from bot.records.feedback import FeedbackRecords
from bot.records.questions import QuestionLog
from bot.records.shared import LOCK_UNREACHABLE, AdvisoryWriterLock, SharedAuditLog
from bot.records.store import LATEST, Store, is_transient
from bot.records.writer_lock import BUSY
from tests.fakes import ManualSpool
from tests.records.seed import NOW, USER_ID, Clock, answer
from tests.services import PostgresServer, free_port, writer_lock_held_elsewhere
from tests.timing import PATIENCE

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]
MIGRATE = "import sys; from bot.records.store import Store; Store.postgres(sys.argv[1]).prepare()"


@pytest.fixture
def db(postgres_server: PostgresServer) -> Iterator[Store]:
    database = Store.postgres(postgres_server.url)
    database.prepare()
    yield database
    database.close()


def _count(db: Store, table: str) -> int:
    with db.connect() as conn:
        return conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()


def test_migrations_from_empty_and_again_add_nothing(postgres_server: PostgresServer) -> None:
    db = Store.postgres(postgres_server.url)
    db.prepare()
    salt = db.salt()
    db.prepare()
    assert db.schema_version() == LATEST
    assert _count(db, "schema_version") == LATEST
    assert db.salt() == salt and len(salt) == 32
    for table in ("meta", "answers", "feedback", "questions", "audit"):
        assert _count(db, table) == (1 if table == "meta" else 0)
    db.close()


def test_two_processes_migrating_at_once_migrate_one_after_the_other(
    postgres_server: PostgresServer,
) -> None:
    env = {"PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, postgres_server.url], env=env, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    assert [c.wait(timeout=60) for c in children] == [0, 0, 0], [c.stderr.read() for c in children]
    db = Store.postgres(postgres_server.url)
    assert _count(db, "schema_version") == LATEST
    assert _count(db, "meta") == 1  # one salt
    db.close()


def test_calls_reuse_a_pooled_connection_and_replace_it_after_a_restart(
    postgres_server: PostgresServer,
) -> None:
    db = Store.postgres(postgres_server.url)
    try:
        pids = []
        for _ in range(10):
            with db.connect() as conn:
                pids.append(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
        assert len(set(pids)) <= 2  # one or two connections lent ten times, not ten new ones
        postgres_server.restart()
        deadline = time.monotonic() + PATIENCE
        while True:  # a dead connection is checked, dropped and replaced once the server answers
            try:
                with db.connect() as conn:
                    assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() not in pids
                break
            except sa_exc.OperationalError:  # the restarted server does not answer yet
                assert time.monotonic() < deadline, f"no new connection within {PATIENCE:g} s of the restart"
    finally:
        db.close()


def test_a_stalled_statement_is_cancelled_so_queued_writes_behind_it_move_on(db: Store) -> None:
    with db.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"
        conn.exec_driver_sql("SET LOCAL statement_timeout = 50")
        with pytest.raises(sa_exc.OperationalError) as stalled:
            conn.exec_driver_sql("SELECT pg_sleep(5)")
    assert is_transient(stalled.value)  # the spool retries it rather than dropping it


def test_question_log_round_trip(db: Store) -> None:
    spool, clock = ManualSpool(), Clock()
    log = QuestionLog.shared(db, spool, 90, clock)
    log.log(
        answer("What is a deemed export?", cited=("deemed", "release"), ms=30), origin="discord", guild_id=7
    )
    log.log(answer("什么是出口管制？", decline="scope", lang="zh"), origin="cli")
    assert log.since(NOW - timedelta(days=1)) == []  # queued, not yet written
    spool.run()
    first, second = log.since(NOW - timedelta(days=1))
    assert (first.origin, first.guild_id, first.lang, first.declined, first.asked_at) == (
        "discord",
        7,
        "en",
        False,
        NOW,
    )
    assert first.cited == ("deemed", "release") and first.latency_ms == 30.0
    assert [(p.doc_id, p.score) for p in first.passages] == [("deemed", 1.0), ("release", 0.5)]
    assert first.index_build == "20261201T120000-ab12"
    assert (second.question, second.declined, second.decline_kind, second.guild_id) == (
        "什么是出口管制？",
        True,
        "scope",
        None,
    )


def test_a_retried_question_row_lands_once(db: Store) -> None:
    spool = ManualSpool()
    log = QuestionLog(db, spool, timedelta(days=90), Clock())
    log.log(answer("q"), origin="cli")
    (_, write), *_prunes = spool.queued
    write()
    write()  # the spool retries a write whose acknowledgement was lost
    assert _count(db, "questions") == 1


def test_a_nul_in_a_question_keeps_its_row(db: Store) -> None:
    """Issue 23 item 11: PostgreSQL refuses NUL in text, so such a row used to be lost."""
    spool = ManualSpool()
    log = QuestionLog.shared(db, spool, 90, Clock())
    log.log(answer("What is a deemed\x00 export?\x1b[2J"), origin="discord")
    spool.run()
    with db.connect() as conn:
        rows = conn.exec_driver_sql("SELECT question FROM questions").fetchall()
    assert [tuple(row) for row in rows] == [("What is a deemed export?[2J",)]


def test_old_rows_are_pruned(db: Store) -> None:
    spool, clock = ManualSpool(), Clock()
    log = QuestionLog.shared(db, spool, 90, clock)
    log.log(answer("old question"), origin="discord")
    spool.run()
    clock.advance(days=91)
    log.log(answer("new question"), origin="discord")  # more than an hour later: a prune is queued
    spool.run()
    assert [q.question for q in log.since(NOW - timedelta(days=365))] == ["new question"]


def test_feedback_round_trip_and_votes_in_the_report(db: Store) -> None:
    spool = ManualSpool()
    log = QuestionLog.shared(db, spool, 90, Clock())
    log.log(answer("What is EAR99?", answer_id="a9"), origin="discord")
    feedback = FeedbackRecords.shared(db, spool)
    passages = [{"rank": 1, "title": "EAR99", "text": "Items not elsewhere listed"}]
    feedback.remember("a9", "What is EAR99?", "en", passages)
    assert feedback.vote("a9", USER_ID, up=False)
    assert feedback.vote("a9", USER_ID + 1, up=True)
    assert feedback.vote("a9", USER_ID + 1, up=False)  # a second press changes the vote
    spool.run()
    assert FeedbackRecords(db, spool).passages("a9") == ("en", passages)  # from the database
    assert FeedbackRecords(db, spool).passages("unknown") is None
    assert not FeedbackRecords(db, spool).vote("unknown", USER_ID, up=True)
    assert FeedbackRecords(db, spool).vote("a9", USER_ID + 2, up=False)  # another process's answer
    assert FeedbackRecords(db, spool).reason("a9", USER_ID + 2, "wrong")
    spool.run()
    assert log.votes(NOW - timedelta(days=1)) == (0, 3)
    (down,) = log.downvoted(NOW - timedelta(days=1))
    assert (down.answer_id, down.question, down.answer, down.down, down.up) == (
        "a9",
        "What is EAR99?",
        "An answer to: What is EAR99?",
        3,
        0,
    )
    assert down.reasons == (("wrong", 1),)  # the same query on PostgreSQL
    with db.connect() as conn:
        hashes = {r[0] for r in conn.exec_driver_sql("SELECT user_hash FROM feedback")}
    assert hashes == {feedback.user_hash(USER_ID + n) for n in range(3)}


def test_a_reason_queued_behind_its_vote_lands_on_the_down_vote_only(db: Store) -> None:
    spool = ManualSpool()
    feedback = FeedbackRecords.shared(db, spool)
    feedback.remember("a1", "What is a release?", "en", [])
    assert feedback.vote("a1", USER_ID, up=False)
    assert feedback.reason("a1", USER_ID, "outdated")  # the vote is still queued
    assert feedback.vote("a1", USER_ID + 1, up=True)
    assert feedback.reason("a1", USER_ID + 1, "wrong")  # acknowledged, but a 👍 keeps none
    spool.run()
    with db.connect() as conn:
        rows = conn.exec_driver_sql("SELECT vote, reason FROM feedback ORDER BY vote").all()
    assert [tuple(r) for r in rows] == [(-1, "outdated"), (1, "")]
    feedback.vote("a1", USER_ID, up=False)  # voting again starts without a reason
    spool.run()
    with db.connect() as conn:
        assert conn.exec_driver_sql("SELECT reason FROM feedback WHERE vote = -1").scalar() == ""


def test_a_version_4_database_gains_the_reason_column_and_keeps_its_votes(db: Store) -> None:
    spool = ManualSpool()
    feedback = FeedbackRecords.shared(db, spool)
    feedback.remember("a1", "q", "en", [])
    feedback.vote("a1", USER_ID, up=False)
    spool.run()
    with db.connect() as conn:  # back to version 4: no reason column
        conn.exec_driver_sql("ALTER TABLE feedback DROP COLUMN reason")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 4")
    assert db.prepare().schema_version() == LATEST == 5
    with db.connect() as conn:
        assert tuple(conn.exec_driver_sql("SELECT vote, reason FROM feedback").one()) == (-1, "")


def test_no_user_id_in_the_database(db: Store) -> None:
    spool = ManualSpool()
    feedback = FeedbackRecords.shared(db, spool)
    QuestionLog.shared(db, spool, 90, Clock()).log(
        answer("What is a release?", answer_id="a1"), origin="discord"
    )
    feedback.remember("a1", "What is a release?", "en", [])
    feedback.vote("a1", USER_ID, up=False)
    spool.run()
    with db.connect() as conn:
        dumped = [
            str(conn.exec_driver_sql(f"SELECT json_agg(t) FROM {table} t").scalar())
            for table in ("meta", "answers", "feedback", "questions", "audit")
        ]
    assert "What is a release?" in "".join(dumped)
    assert str(USER_ID) not in "".join(dumped)


def test_audit_round_trip_lists_lines_still_queued(db: Store) -> None:
    spool = ManualSpool()
    audit = SharedAuditLog(db, spool)
    entry = record("add", "imported/a.md", "mod#1", "a" * 64, "https://example.org/a")
    audit.append_now(entry, INTENT)
    audit.append(entry, "1 document")
    rows = audit.rows()
    assert [(r["target"], r["change"], r["outcome"]) for r in rows] == [
        ("imported/a.md", entry.change, INTENT),
        ("imported/a.md", entry.change, "1 document"),
    ]
    assert _count(db, "audit") == 1  # the outcome is still queued, but already listed
    spool.run()
    assert _count(db, "audit") == 2 and audit.rows() == rows
    assert SharedAuditLog(db, spool).rows()[0]["source_url"] == "https://example.org/a"


def test_purge_deletes_everything_and_draws_a_new_salt(db: Store) -> None:
    spool = ManualSpool()
    log = QuestionLog.shared(db, spool, 90, Clock())
    log.log(answer("What is a release?", answer_id="a1"), origin="discord")
    feedback = FeedbackRecords.shared(db, spool)
    feedback.remember("a1", "What is a release?", "en", [])
    feedback.vote("a1", USER_ID, up=False)
    SharedAuditLog(db, spool).append(record("report", "last 30 days", "cli", ""), "1 questions")
    spool.run()
    old_hash = feedback.user_hash(USER_ID)
    assert db.purge() == {"questions": 1, "feedback": 1, "answers": 1}
    assert log.since(NOW - timedelta(days=1)) == []
    assert feedback.user_hash(USER_ID) != old_hash
    assert _count(db, "audit") == 1  # the audit trail is kept, as `data/audit.jsonl` is


def test_the_writer_lock_refuses_a_second_writer_and_frees_on_release(db: Store) -> None:
    first, second = AdvisoryWriterLock(db), AdvisoryWriterLock(db)
    with first.held():
        with pytest.raises(BuildInProgressError) as refused, second.held():
            pass
        assert str(refused.value) == BUSY
    with second.held():
        pass


def test_a_lock_held_by_another_process_is_freed_when_it_dies(db: Store) -> None:
    with (
        writer_lock_held_elsewhere(db.url),
        pytest.raises(BuildInProgressError, match="try again"),
        AdvisoryWriterLock(db).held(),
    ):
        pass
    deadline = time.monotonic() + PATIENCE
    while True:  # the server notices the lost session and frees its lock
        try:
            with AdvisoryWriterLock(db).held():
                break
        except BuildInProgressError:
            assert time.monotonic() < deadline, "the dead process's lock was never freed"
            time.sleep(0.1)


def test_an_unreachable_lock_store_refuses_with_a_clear_message_and_no_password() -> None:
    db = Store.postgres(f"postgresql://basis:s3cret-pw@127.0.0.1:{free_port()}/basis")
    with pytest.raises(LockStoreUnreachableError) as refused, AdvisoryWriterLock(db).held():
        pass
    assert str(refused.value) == LOCK_UNREACHABLE
    assert "s3cret-pw" not in str(refused.value)
    assert isinstance(refused.value.__cause__, psycopg.OperationalError)
