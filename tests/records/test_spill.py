"""The PostgreSQL spool's shutdown path, on the SQLite store (the same writes and queries): what
close could not send is spilled to `data/spool/`, replayed once by the next start, and a retry
comes at least every second, so a server that is back is written to at once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc

from bot.records.feedback import FeedbackRecords, user_hash
from bot.records.questions import QuestionLog
from bot.records.spill import CLAIMED, SpillFolder
from bot.records.store import Store, prepare
from bot.records.stores import PROBE_SECONDS, postgres_spool
from bot.records.writes import Pending
from tests.fakes import ManualSpool
from tests.records.seed import USER_ID, Clock, answer
from tests.timing import PATIENCE


class Refused:
    """A write the server refuses `times` times (connection lost), then makes."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.made = 0

    def apply(self, db: Connection) -> int:
        if self.times:
            self.times -= 1
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        self.made += 1
        return 1

    def record(self) -> None:
        return None


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return prepare(tmp_path / "db")


def _queued(store: Store) -> list[Pending]:
    """A question row, a remembered answer and a vote, as the stores queue them."""
    spool = ManualSpool()
    log = QuestionLog.shared(store, spool, 90, Clock())
    spool.queued.clear()  # the prune queued at opening has nothing to keep
    log.log(answer("What is a deemed export?", answer_id="a1"), origin="discord", guild_id=7)
    feedback = FeedbackRecords(store, spool, recent=10)
    feedback.remember("a1", "What is a deemed export?", "en", [{"rank": 1}])
    assert feedback.vote("a1", USER_ID, up=False)
    return [write for _, write in spool.queued]


def _counts(store: Store) -> tuple[int, ...]:
    with store.connect() as db:
        return tuple(
            db.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar()
            for t in ("questions", "answers", "feedback")
        )


def test_spilled_writes_are_replayed_once_and_hold_no_user_id(tmp_path: Path, store: Store) -> None:
    folder = SpillFolder(tmp_path / "data")
    assert folder.save(_queued(store)) == []
    (spilled,) = folder.folder.iterdir()
    text = spilled.read_text("utf-8")
    assert [json.loads(line)["op"] for line in text.splitlines()] == ["row", "row", "vote"]
    assert str(USER_ID) not in text and user_hash(store.known_salt, USER_ID) in text

    assert folder.replay(store) == 3
    assert _counts(store) == (1, 1, 1)
    assert list(folder.folder.iterdir()) == []
    assert folder.replay(store) == 0  # nothing left to replay


def test_a_write_replayed_twice_changes_nothing(tmp_path: Path, store: Store) -> None:
    """A process killed between a replay's commit and the file's deletion costs nothing."""
    writes = _queued(store)
    for write in writes + writes:
        write()
    assert _counts(store) == (1, 1, 1)
    with store.connect() as db:
        assert db.exec_driver_sql("SELECT vote FROM feedback").scalar() == -1


def test_a_file_claimed_by_a_process_that_died_is_claimed_again(tmp_path: Path, store: Store) -> None:
    folder = SpillFolder(tmp_path / "data")
    folder.save(_queued(store))
    (spilled,) = folder.folder.iterdir()
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    spilled.rename(spilled.with_name(f"{spilled.name}{CLAIMED}{dead}"))
    alive = folder.folder / f"spill-other.jsonl{CLAIMED}{os.getppid()}"
    alive.write_text("", "utf-8")  # claimed by a process that still runs: left to it
    assert folder.replay(store) == 3
    assert list(folder.folder.iterdir()) == [alive]


def test_a_replay_cut_short_by_the_server_puts_the_file_back(tmp_path: Path, store: Store) -> None:
    folder = SpillFolder(tmp_path / "data")
    folder.save(_queued(store))
    (spilled,) = folder.folder.iterdir()
    away = Store.sqlite(tmp_path / "missing-folder")  # cannot be opened, as a server that is away
    with pytest.raises(sa_exc.OperationalError):
        folder.replay(away)
    assert list(folder.folder.iterdir()) == [spilled]


def test_the_postgres_spool_retries_at_least_every_second(tmp_path: Path, store: Store) -> None:
    """Issue 23: the backoff doubled to 30 s, so a server back for 30 s was still not written to."""
    sleeps: list[float] = []
    refused = Refused(times=12)
    spool = postgres_spool(SpillFolder(tmp_path), sleep=sleeps.append)
    spool.submit("row", Pending(store, refused))
    spool.start()
    assert spool.flush(PATIENCE)
    assert refused.made == 1 and len(sleeps) == 12
    assert max(sleeps) == PROBE_SECONDS == 1.0
    assert spool.close(1.0) == 0
