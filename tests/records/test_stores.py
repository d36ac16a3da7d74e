"""The one factory: SQLite and files by default, PostgreSQL with a URL; and what the PostgreSQL
stores do when the server cannot be reached (no server is started here)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import event

from bot.errors import SharedStoreError
from bot.records.audit import FileAuditLog
from bot.records.feedback import FeedbackRecords
from bot.records.store import Store
from bot.records.stores import LocalStores, open_stores
from bot.records.writer_lock import LocalWriterLock
from bot.settings import load_settings
from tests.fakes import ManualSpool
from tests.services import free_port

PASSWORD = "s3cret-pw"


def _nowhere() -> str:
    return f"postgresql://basis:{PASSWORD}@127.0.0.1:{free_port()}/basis"


def test_without_a_url_the_stores_are_the_sqlite_file_and_audit_jsonl(tmp_path: Path) -> None:
    stores = open_stores(load_settings(data_dir=tmp_path / "data", _env_file=None))
    assert isinstance(stores, LocalStores)
    assert isinstance(stores.audit, FileAuditLog) and isinstance(stores.writer, LocalWriterLock)
    assert not (tmp_path / "data").exists()  # nothing is created before it is used
    assert stores.questions() is stores.questions()  # opened once
    assert (tmp_path / "data" / "feedback.sqlite3").is_file()


def test_an_unreachable_database_at_start_says_so_without_the_password(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, database_url=SecretStr(_nowhere()), _env_file=None)
    with pytest.raises(SharedStoreError) as refused:
        open_stores(settings, spool=ManualSpool())
    assert "BASIS_DATABASE_URL" in str(refused.value) and PASSWORD not in str(refused.value)
    assert PASSWORD not in repr(settings)


def test_while_the_server_is_away_votes_are_queued_and_old_passages_say_why() -> None:
    spool = ManualSpool()
    nowhere = Store.postgres(_nowhere())
    feedback = FeedbackRecords(nowhere, spool, recent=10)
    feedback.remember("recent", "q", "en", [{"rank": 1}])
    assert feedback.passages("recent") == ("en", [{"rank": 1}])  # this process's answer, from memory
    assert feedback.vote("older", 42, up=True)  # unknown here, unreachable there: queued, acknowledged
    assert [d for d, _ in spool.queued] == ["remembered answer", "vote"]
    started = time.monotonic()
    with pytest.raises(SharedStoreError, match="cannot be shown now") as refused:
        feedback.passages("older")
    # A button press is still answered within Discord's 3 s: the pool waits BORROW_TIMEOUT (1 s) for
    # a connection, which leaves 2 s for a loaded machine; the limit is Discord's, so it stays.
    assert time.monotonic() - started < 3
    assert PASSWORD not in str(refused.value)
    nowhere.close()


def test_after_a_failed_connection_button_presses_answer_at_once_for_a_while() -> None:
    """A server whose host does not answer costs a connection attempt of up to 3 s; one such wait
    per AWAY_SECONDS, not one per button press."""
    spool = ManualSpool()
    nowhere = Store.postgres(_nowhere())
    attempts: list[object] = []
    event.listen(nowhere.engine, "do_connect", lambda *args: attempts.append(args))
    feedback = FeedbackRecords(nowhere, spool, recent=10)
    with pytest.raises(SharedStoreError):
        feedback.passages("older")
    assert len(attempts) == 1 and nowhere.away()
    with pytest.raises(SharedStoreError, match="cannot be shown now"):
        feedback.passages("older")
    assert feedback.vote("older", 42, up=True)  # queued, acknowledged
    assert len(attempts) == 1  # neither tried to connect
    assert [d for d, _ in spool.queued] == ["vote"]
    nowhere.close()
