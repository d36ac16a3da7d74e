"""Issue 14 item 2: an index a separate process publishes is swapped in; answers never fail meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.indexing import store
from bot.service import Basis
from bot.settings import Settings
from tests.faults.index_worker import count_to, paced, result, spawn
from tests.test_answering_service_refresh import NOTE, OLD_QUESTION, QUESTION

pytestmark = pytest.mark.faults

ROUNDS = 12


def _cited(basis: Basis, question: str) -> set[str]:
    return {c.passage.document.id for c in basis.answering.answer(question).citations}


def test_a_build_by_another_process_answers_the_next_question(basis: Basis, settings: Settings) -> None:
    old = basis.answering.index.folder
    assert "encryption-note" not in _cited(basis, QUESTION)
    (settings.knowledge_dir / "encryption-note.md").write_text(NOTE, "utf-8")
    published = result(spawn("build", settings.knowledge_dir, settings.index_dir))["published"]
    assert basis.answering.index.folder == old  # nothing swapped until someone looks
    answer = basis.answering.answer(QUESTION)
    assert (
        str(basis.answering.index.folder) == published
        and answer.index_build == basis.answering.index.folder.name
    )
    assert "encryption-note" in {c.passage.document.id for c in answer.citations}
    assert basis.answering.refresh_if_published() is False


def test_refreshing_while_another_process_rebuilds_never_fails_an_answer(
    basis: Basis, settings: Settings, tmp_path: Path
) -> None:
    """Builds replaced with no grace period while this process keeps polling and answering.

    The rebuilds wait for this process to swap once between builds (see `index_worker`), so it
    swaps at least ROUNDS - 1 times while they run, however busy the machine. That is 12 builds
    and loads in turn: about 12 s on a busy 2-core machine, 25 s under a CPU hog.

    A swap is counted by the build served, not by `refresh_if_published`'s answer: a build
    published just after that poll looked is swapped in by the answer that follows (see
    `Basis._serving`), and a swap left uncounted would keep the rebuilds waiting for good.
    """
    expected = _cited(basis, OLD_QUESTION)
    progress = tmp_path / "swaps"
    pacing = paced(ROUNDS, progress, need=1)
    rebuilding = spawn("rebuild", settings.knowledge_dir, settings.index_dir, pacing)
    swaps = 0
    while rebuilding.poll() is None:
        serving = basis.answering.index.folder
        basis.answering.refresh_if_published()
        assert _cited(basis, OLD_QUESTION) == expected
        if basis.answering.index.folder != serving:
            swaps += 1
            count_to(progress, swaps)
    assert result(rebuilding) == {"builds": ROUNDS}
    basis.answering.refresh_if_published()
    assert swaps >= ROUNDS - 1 and basis.answering.index.folder == store.current_folder(settings.index_dir)
    assert _cited(basis, OLD_QUESTION) == expected
