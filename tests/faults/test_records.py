"""The data store under concurrent openers: migrations run once, nobody fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.records.questions import QuestionLog
from bot.records.store import FILE_NAME, LATEST, prepare
from tests.records.seed import Clock, answer

pytestmark = pytest.mark.faults


def test_many_openers_at_once_migrate_once(tmp_path: Path):
    with ThreadPoolExecutor(8) as pool:
        stores = list(pool.map(lambda _: prepare(tmp_path), range(16)))
    assert {store.path for store in stores} == {tmp_path / FILE_NAME}
    assert stores[0].schema_version() == LATEST
    with stores[0].connect() as db:
        assert db.exec_driver_sql("SELECT COUNT(*) FROM schema_version").scalar() == LATEST


def test_concurrent_writers_lose_no_question(tmp_path: Path):
    log = QuestionLog.open(tmp_path, 90, Clock())
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: log.log(answer(f"question {n}"), origin="discord"), range(64)))
    assert len(log.since(Clock().now.replace(year=2000))) == 64
