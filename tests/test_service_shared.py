"""The service with BASIS_DATABASE_URL: a knowledge-base change is refused with the busy message
while another process holds the advisory lock, and goes through once that process is gone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.clock import fixed
from bot.errors import BuildInProgressError
from bot.indexing.build import BuildReport
from bot.records.writer_lock import BUSY
from bot.service import Basis
from bot.settings import Settings
from tests.conftest import TODAY
from tests.fakes import HashEmbedder
from tests.services import PostgresServer, writer_lock_held_elsewhere
from tests.timing import PATIENCE

pytestmark = pytest.mark.services

NOTE = b"# Widget note\n\nWidgets bound for Ruritania need a widget licence.\n"


@pytest.fixture
def shared(
    postgres_server: PostgresServer, settings: Settings, embedder: HashEmbedder, built: BuildReport
) -> Iterator[Basis]:
    configured = settings.model_copy(update={"database_url": SecretStr(postgres_server.url)})
    basis = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    yield basis
    basis.close()


def test_a_change_waits_for_the_writer_in_another_process(
    shared: Basis, postgres_server: PostgresServer
) -> None:
    target = shared.settings.knowledge_dir / "imported" / "widget-note.md"
    with writer_lock_held_elsewhere(postgres_server.url), pytest.raises(BuildInProgressError) as refused:
        shared.kb.add_file("widget-note.md", NOTE, actor="mod#2")
    assert str(refused.value) == BUSY and not target.exists()
    deadline = time.monotonic() + PATIENCE
    while True:  # the server frees the dead process's lock when it notices the lost session
        try:
            shared.kb.add_file("widget-note.md", NOTE, actor="mod#2")
            break
        except BuildInProgressError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert target.is_file() and "widget-note" in shared.answering.index.documents
    assert shared.records.stores.spool.flush(30)
    outcomes = [r["outcome"].split(":")[0] for r in shared.records.stores.audit.rows()]
    assert outcomes[0] == "refused" and outcomes[-2] == "intent"
