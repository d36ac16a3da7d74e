"""Issue 11 item 6: readers in other processes never fail while a build publishes.

A superseded build is kept for a grace period and while a reader holds it;
later builds remove it; an open that loses the race retries once on the new
`current`. The bot's own in-process swap keeps answering from a removed folder.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

import pytest

from bot.indexing import builds, store
from bot.indexing.build import manifest_settings
from bot.indexing.dense import DenseIndex
from bot.indexing.loaded import LoadedIndex
from bot.service import Basis, chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.faults.index_worker import build, paced, result, spawn

pytestmark = pytest.mark.faults

ROUNDS = 30


def _folders(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / store.BUILDS).iterdir()}


def _live(index_dir: Path) -> Path:
    return (index_dir / store.CURRENT).resolve()


def test_a_reader_process_never_fails_while_another_rebuilds(tmp_path: Path, knowledge_dir: Path) -> None:
    """Seconds, not milliseconds (15 s on a busy 2-core machine, near 30 s under a CPU hog): two
    processes start, and one builds the index 30 times, each build waiting for two more opens."""
    index_dir = tmp_path / "index"
    build(knowledge_dir, index_dir)
    stop = tmp_path / "stop"
    reader = spawn("open", knowledge_dir, index_dir, str(stop))
    # Between two builds the reader finishes two more opens: the second began after the build
    # before it was published, so the reader opens every build but the last, however busy the machine.
    pacing = paced(ROUNDS, stop.with_name("stop.opens"), need=2)
    try:
        rebuilt = result(spawn("rebuild", knowledge_dir, index_dir, pacing))
    finally:
        stop.touch()
    seen = result(reader)
    assert rebuilt == {"builds": ROUNDS}
    assert seen["failed"] == 0, seen["errors"]
    assert seen["opens"] >= 2 * (ROUNDS - 1)
    assert seen["folders"] >= ROUNDS - 1  # the reader really opened builds that were later replaced
    # With no grace period, the next build removes every superseded build nobody holds.
    build(knowledge_dir, index_dir, keep_seconds=0.0)
    assert _folders(index_dir) == {_live(index_dir).name}


def test_an_open_that_loses_the_race_retries_on_the_new_current(
    settings: Settings, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder vanishes between resolving `current` and loading it (faiss says RuntimeError)."""
    build(settings.knowledge_dir, settings.index_dir)
    first = _live(settings.index_dir)
    load = DenseIndex.load
    calls: list[Path] = []

    def publish_meanwhile(folder: Path) -> DenseIndex:
        calls.append(folder)
        if len(calls) == 1:
            build(settings.knowledge_dir, settings.index_dir, keep_seconds=0.0)
            assert not folder.exists()
        return load(folder)

    monkeypatch.setattr(builds, "reading", lambda folder: nullcontext())
    monkeypatch.setattr(DenseIndex, "load", staticmethod(publish_meanwhile))
    index = LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))
    assert calls[0] == first and index.folder == calls[1] == _live(settings.index_dir) != first


def test_a_genuine_load_error_is_not_retried(
    settings: Settings, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    (_live(settings.index_dir) / "dense.faiss").unlink()
    with pytest.raises(RuntimeError):
        LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))


def test_superseded_builds_are_kept_for_the_grace_period(settings: Settings) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    first = _live(settings.index_dir)
    build(settings.knowledge_dir, settings.index_dir, keep_seconds=300.0)
    assert first.is_dir() and (first / builds.SUPERSEDED).is_file()
    # Past the grace period a later build removes it.
    old = (first / builds.SUPERSEDED).stat().st_mtime - 301
    os.utime(first / builds.SUPERSEDED, (old, old))
    build(settings.knowledge_dir, settings.index_dir, keep_seconds=300.0)
    assert not first.exists()
    assert len(_folders(settings.index_dir)) == 2  # the live build and the one it just replaced


def test_a_build_a_reader_holds_is_kept_past_the_grace_period(settings: Settings) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    first = _live(settings.index_dir)
    with builds.reading(first):
        build(settings.knowledge_dir, settings.index_dir, keep_seconds=0.0)
        assert first.is_dir()
    build(settings.knowledge_dir, settings.index_dir, keep_seconds=0.0)
    assert not first.exists()


def test_the_bots_own_swap_keeps_answering_from_a_removed_build(
    settings: Settings, embedder: HashEmbedder
) -> None:
    """A question that took the old snapshot before a rebuild is answered from it, mapped files and all."""
    fast = settings.model_copy(update={"build_keep_seconds": 0.0})
    build(fast.knowledge_dir, fast.index_dir)
    basis = Basis.open(fast, embedder=embedder)
    before = basis.answering._live
    expected = [p.chunk.id for p in basis.answering.search("What is a deemed export?").passages]
    for _ in range(3):
        basis.kb.reload(actor="test")
    assert not before.index.folder.exists()
    assert basis.answering.index.folder == _live(fast.index_dir) != before.index.folder
    assert [
        p.chunk.id for p in basis.answering._search(before, "What is a deemed export?", None, None).passages
    ] == expected
    assert basis.answering.answer("What is a deemed export?").citations
    assert _folders(fast.index_dir) == {basis.answering.index.folder.name}
