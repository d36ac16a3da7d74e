"""PostgreSQL killed mid-run: questions keep being answered, their log rows, answers and votes
wait in the spool and land exactly once after the restart; a process stopped during the outage
or just after the server's return keeps its backlog in `data/spool/` and the next start writes it
exactly once; and a /kb change is refused with a clear message while the lock store is away and
succeeds once it is back."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.clock import fixed
from bot.errors import LockStoreUnreachableError
from bot.indexing.build import BuildReport
from bot.models import INTENT
from bot.records.shared import LOCK_UNREACHABLE
from bot.records.spill import FOLDER
from bot.service import Basis
from bot.settings import Settings
from tests.conftest import TODAY
from tests.fakes import HashEmbedder
from tests.records.seed import USER_ID
from tests.services import PostgresServer

pytestmark = [pytest.mark.faults, pytest.mark.services]

QUESTIONS = (
    "What is a deemed export?",
    "Which rule on affiliates was suspended?",
    "What does the chip tracking bill require?",
    "What is a release of technology?",
)
NOTE = b"# Widget note\n\nWidgets bound for Ruritania need a widget licence.\n"
PASSAGES = [{"rank": 1, "title": "A title", "text": "A passage"}]


def _count(basis: Basis, table: str) -> int:
    with basis.records.stores.db.connect() as db:  # type: ignore[attr-defined]
        return db.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()


@pytest.fixture
def configured(postgres_server: PostgresServer, settings: Settings, built: BuildReport) -> Settings:
    # The fake embedder's relevance scores mean nothing, and these tests are about writes through
    # an outage, not about declining: every question is answered (threshold 0).
    return settings.model_copy(
        update={"database_url": SecretStr(postgres_server.url), "abstain_threshold": 0.0}
    )


@pytest.fixture
def shared(configured: Settings, embedder: HashEmbedder) -> Basis:
    basis = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    yield basis
    basis.close()


def _ask(basis: Basis, question: str, user_id: int) -> str:
    """What the Discord front end does per question: answer, log, remember, and a 👍."""
    answer = basis.answering.answer(question)
    basis.records.record(answer, origin="discord", guild_id=1)
    feedback = basis.records.stores.feedback()
    feedback.remember(answer.id, answer.question, answer.lang, PASSAGES)
    assert feedback.vote(answer.id, user_id, up=True)
    return answer.id


def test_questions_are_answered_and_every_write_lands_once_after_a_restart(
    shared: Basis, postgres_server: PostgresServer
) -> None:
    _ask(shared, "What is an export?", 1)
    assert shared.records.stores.spool.flush(30)
    assert _count(shared, "questions") == 1

    postgres_server.kill()
    during = [_ask(shared, question, 100 + n) for n, question in enumerate(QUESTIONS)]
    assert all(shared.answering.answer(q).citations for q in QUESTIONS)  # still answering, with citations
    assert shared.records.stores.feedback().passages(during[0]) == (
        "en",
        PASSAGES,
    )  # from this process's memory
    assert shared.records.stores.spool.status().pending >= 3 * len(QUESTIONS)  # queued, not lost

    postgres_server.start()  # same port and data folder
    assert shared.records.stores.spool.flush(60)
    status = shared.records.stores.spool.status()
    assert (status.pending, status.dropped, status.failed) == (0, 0, 0)
    assert _count(shared, "questions") == 1 + len(QUESTIONS)
    assert _count(shared, "answers") == 1 + len(QUESTIONS)
    assert _count(shared, "feedback") == 1 + len(QUESTIONS)
    report = shared.records.report(actor="mod#1")
    assert (report.questions, report.up) == (1 + len(QUESTIONS), 1 + len(QUESTIONS))


def _counts(basis: Basis) -> tuple[int, int, int]:
    return _count(basis, "questions"), _count(basis, "answers"), _count(basis, "feedback")


def test_a_process_stopped_during_an_outage_keeps_its_writes_for_the_next_start(
    configured: Settings, embedder: HashEmbedder, postgres_server: PostgresServer
) -> None:
    first = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    _ask(first, "What is an export?", 1)
    postgres_server.kill()
    for n, question in enumerate(QUESTIONS):
        _ask(first, question, USER_ID + n)  # every vote acknowledged ("thanks") while the server is away
    first.close()  # without waiting, the server being away: the backlog goes to data/spool/
    (spilled,) = (configured.data_dir / FOLDER).iterdir()
    kept = spilled.read_text("utf-8")
    assert "What is a deemed export?" in kept
    assert not any(str(USER_ID + n) in kept for n in range(len(QUESTIONS)))  # votes only as hashes

    postgres_server.start()
    second = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    assert _counts(second) == (1 + len(QUESTIONS),) * 3  # replayed at start: 0 lost
    assert list((configured.data_dir / FOLDER).iterdir()) == []
    second.close()
    third = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    assert _counts(third) == (1 + len(QUESTIONS),) * 3  # replayed once, not again
    third.close()


def test_a_process_stopped_right_after_the_server_returns_loses_nothing(
    configured: Settings, embedder: HashEmbedder, postgres_server: PostgresServer
) -> None:
    """Whatever `close` finds unsent, while the backlog drains in batches, is spilled and replayed.
    (Issue 23 lost half a backlog here after an outage long enough for the backoff to reach 30 s;
    that part is held, without a minute-long outage, by `tests/records/test_spill.py`'s
    `test_the_postgres_spool_retries_at_least_every_second`.)"""
    first = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    _ask(first, "What is an export?", 1)
    postgres_server.kill()
    answers = [_ask(first, question, 100 + n) for n, question in enumerate(QUESTIONS * 25)]
    postgres_server.start()
    first.close()  # drains what it can in batches, spills the rest

    second = Basis.open(configured, embedder=embedder, clock=fixed(TODAY))
    assert _counts(second) == (1 + len(answers), 1 + len(set(answers)), 1 + len(answers))
    second.close()


def test_a_kb_change_is_refused_while_the_lock_store_is_down_and_succeeds_after(
    shared: Basis, postgres_server: PostgresServer
) -> None:
    target = shared.settings.knowledge_dir / "imported" / "widget-note.md"
    postgres_server.kill()
    with pytest.raises(LockStoreUnreachableError) as refused:
        shared.kb.add_file("widget-note.md", NOTE, actor="mod#1")
    assert str(refused.value) == LOCK_UNREACHABLE
    assert "questions are still answered" in str(refused.value)
    assert not target.exists()  # nothing applied
    assert shared.answering.answer("What is a deemed export?").citations

    postgres_server.start()
    change = shared.kb.add_file("widget-note.md", NOTE, actor="mod#1")
    assert target.is_file() and "widget-note" in shared.answering.index.documents
    assert shared.records.stores.spool.flush(60)
    outcomes = [(r["action"], r["outcome"]) for r in shared.records.stores.audit.rows()]
    # the refusal was queued during the outage; the intent was written inline, so it may come first
    assert sorted(outcomes) == sorted(
        [("add", f"refused: {LOCK_UNREACHABLE}"), ("add", INTENT), ("add", change.report.summary())]
    )
    assert outcomes.index(("add", INTENT)) < outcomes.index(("add", change.report.summary()))
    assert not (shared.settings.data_dir / "audit.jsonl").exists()  # the trail is in PostgreSQL
    assert shared.kb.unaudited() == []
