"""The data store under concurrent openers: migrations run once, nobody fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.records import database
from bot.records.questions import QuestionLog
from tests.records.seed import Clock, answer

pytestmark = pytest.mark.faults


def test_many_openers_at_once_migrate_once(tmp_path: Path):
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda _: database.prepare(tmp_path), range(16)))
    assert set(paths) == {tmp_path / database.FILE_NAME}
    assert database.schema_version(paths[0]) == len(database.MIGRATIONS)
    with database.connect(paths[0]) as db:
        assert db.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(database.MIGRATIONS)


def test_concurrent_writers_lose_no_question(tmp_path: Path):
    log = QuestionLog.open(tmp_path, 90, Clock())
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: log.log(answer(f"question {n}"), origin="discord"), range(64)))
    assert len(log.since(Clock().now.replace(year=2000))) == 64
