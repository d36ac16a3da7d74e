"""`Answering.refresh_if_published`: an index another process published is loaded fully, then swapped in."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from bot.indexing import store
from bot.indexing.build import build_index
from bot.indexing.loaded import LoadedIndex
from bot.service import Basis, chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.helpers import front_matter_doc
from tests.timing import PATIENCE

NOTE = front_matter_doc(
    "encryption-note",
    body="## Encryption\n\nMass-market encryption items may qualify for a licence exception.\n",
    title="Encryption items",
)
QUESTION = "Do mass-market encryption items qualify for a licence exception?"
OLD_QUESTION = "When is releasing technology to a foreign person a deemed export?"
TERM = """
- term: mass-market encryption
  aliases: []
  zh: [大众市场加密]
  definition: "Encryption sold to the public in ordinary retail channels."
  citation: "15 CFR 740.17(b)(1)"
  related: []
"""


def _cited(basis: Basis, question: str = QUESTION) -> set[str]:
    return {c.passage.document.id for c in basis.answering.answer(question).citations}


def _publish_elsewhere(settings: Settings) -> Path:
    """Add the note and rebuild through a second `Basis`, as another `basis run` would."""
    (settings.knowledge_dir / "encryption-note.md").write_text(NOTE, "utf-8")
    Basis.open(settings, embedder=HashEmbedder()).kb.reload(actor="test")
    return store.current_folder(settings.index_dir)


def test_a_build_published_elsewhere_is_swapped_in_after_a_full_load(
    basis: Basis, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the new build loads, the old one stays in place and a question waits for the new one."""
    old = basis.answering.index.folder
    published = _publish_elsewhere(settings)
    assert published != old
    during_load: list[tuple[Path, bool]] = []
    asked: list[set[str]] = []
    askers: list[threading.Thread] = []
    open_index = LoadedIndex.open

    def open_and_ask(index_dir: Path, expected: dict[str, object]) -> LoadedIndex:
        loaded = open_index(index_dir, expected)
        asker = threading.Thread(target=lambda: asked.append(_cited(basis)))
        asker.start()
        asker.join(0.5)  # still waiting after 0.5 s: a loaded machine can't make this fail, only pass
        during_load.append((basis.answering.index.folder, asker.is_alive()))  # loaded, not swapped in
        askers.append(asker)
        return loaded

    monkeypatch.setattr(LoadedIndex, "open", staticmethod(open_and_ask))
    assert basis.answering.refresh_if_published() is True
    askers[0].join(PATIENCE)
    ((folder, waiting),) = during_load
    assert folder == old and waiting  # the question asked during the load waited for it
    assert asked == [_cited(basis)] and "encryption-note" in asked[0]
    assert basis.answering.index.folder == published
    assert basis.answering.refresh_if_published() is False  # nothing new: no second load
    assert len(during_load) == 1


def test_a_question_asked_after_a_publish_is_answered_from_the_new_build(
    basis: Basis, settings: Settings
) -> None:
    """No poll needed: the answer itself notices the published build and names it."""
    old = basis.answering.index.folder
    assert basis.answering.answer(OLD_QUESTION).index_build == old.name
    published = _publish_elsewhere(settings)
    answer = basis.answering.answer(QUESTION)
    assert answer.index_build == published.name != old.name
    assert "encryption-note" in {c.passage.document.id for c in answer.citations}
    assert basis.answering.refresh_if_published() is False  # already swapped by the question


def test_the_glossary_is_reloaded_with_the_index(basis: Basis, settings: Settings) -> None:
    glossary = settings.knowledge_dir / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8") + TERM, "utf-8")
    assert basis.answering.define("mass-market encryption").entry is None
    _publish_elsewhere(settings)
    assert basis.answering.refresh_if_published() is True
    entry = basis.answering.define("mass-market encryption").entry
    assert entry is not None and entry.citation == "15 CFR 740.17(b)(1)"


def test_its_own_rebuild_is_not_loaded_again(basis: Basis) -> None:
    basis.kb.reload(actor="test")
    assert basis.answering.refresh_if_published() is False


def test_a_build_that_does_not_load_keeps_the_old_index_and_is_retried(
    basis: Basis, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A build made with another model is refused by the manifest check; the old index answers."""
    old = basis.answering.index.folder
    before = _cited(basis, OLD_QUESTION)
    (settings.knowledge_dir / "encryption-note.md").write_text(NOTE, "utf-8")
    other_model = HashEmbedder(name="other-model")
    config = chunker_config(settings)
    build_index(settings.knowledge_dir, settings.index_dir, other_model, config, settings.ann_threshold)
    with caplog.at_level(logging.WARNING, logger="bot.answering_service"):
        assert basis.answering.refresh_if_published() is False
        assert basis.answering.refresh_if_published() is False
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]  # once per build, not per poll
    assert "did not load" in warning.getMessage() and "other-model" in warning.getMessage()
    assert basis.answering.index.folder == old and _cited(basis, OLD_QUESTION) == before != set()
    assert "encryption-note" not in _cited(basis)
    build_index(settings.knowledge_dir, settings.index_dir, HashEmbedder(), config, settings.ann_threshold)
    assert basis.answering.refresh_if_published() is True
    assert "encryption-note" in _cited(basis)


def test_a_removed_index_keeps_the_loaded_one(basis: Basis, settings: Settings) -> None:
    before = _cited(basis, OLD_QUESTION)
    (settings.index_dir / store.CURRENT).unlink()
    assert basis.answering.refresh_if_published() is False
    assert _cited(basis, OLD_QUESTION) == before != set()
