"""Issue 11 item 7: a build killed with SIGKILL leaves debris that the next build removes.

The temporaries carry their owner's pid; the next build (holding the writer lock)
removes those whose owner is gone and keeps any a running process still owns.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.indexing import builds, store
from tests.faults.index_worker import build, spawn

pytestmark = pytest.mark.faults


def _kill_at(mode: str, knowledge_dir: Path, index_dir: Path) -> dict[str, str]:
    """Start a build that stops at a point, wait until it says it is there, then `kill -9` it."""
    process = spawn(mode, knowledge_dir, index_dir)
    assert process.stdout is not None
    reached = json.loads(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    return reached


def _debris(index_dir: Path) -> list[str]:
    folders = [p.name for p in (index_dir / store.BUILDS).glob(f"{builds.TMP}*")]
    return sorted(folders + [p.name for p in index_dir.glob(f"{builds.TMP_LINK}*")])


def test_a_build_killed_after_writing_vectors_is_cleaned_up(tmp_path: Path, knowledge_dir: Path) -> None:
    index_dir = tmp_path / "index"
    build(knowledge_dir, index_dir)
    live = (index_dir / store.CURRENT).resolve()
    reached = _kill_at("hang-after-vectors", knowledge_dir, index_dir)
    assert Path(reached["written"]).is_file()
    assert len(_debris(index_dir)) == 1
    assert (index_dir / store.CURRENT).resolve() == live
    build(knowledge_dir, index_dir)
    assert _debris(index_dir) == []


def test_a_build_killed_before_the_swap_leaves_no_link_or_folder(tmp_path: Path, knowledge_dir: Path) -> None:
    index_dir = tmp_path / "index"
    build(knowledge_dir, index_dir)
    live = (index_dir / store.CURRENT).resolve()
    reached = _kill_at("hang-before-swap", knowledge_dir, index_dir)
    assert Path(reached["link"]).is_symlink() and Path(reached["link"]).name.startswith(builds.TMP_LINK)
    assert (index_dir / store.CURRENT).resolve() == live
    orphan = {p.name for p in (index_dir / store.BUILDS).iterdir()} - {live.name}
    assert len(orphan) == 1  # renamed to its final name, never made current
    build(knowledge_dir, index_dir, keep_seconds=0.0)
    assert _debris(index_dir) == []
    assert {p.name for p in (index_dir / store.BUILDS).iterdir()} == {
        (index_dir / store.CURRENT).resolve().name
    }


def test_temporaries_of_a_running_owner_are_kept(tmp_path: Path, knowledge_dir: Path) -> None:
    index_dir = tmp_path / "index"
    build(knowledge_dir, index_dir)
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        held = index_dir / store.BUILDS / f"{builds.TMP}20261201T000000000000-{owner.pid}"
        held.mkdir()
        link = index_dir / f"{builds.TMP_LINK}{owner.pid}"
        link.symlink_to(held)
        build(knowledge_dir, index_dir)
        assert held.is_dir() and link.is_symlink()
    finally:
        owner.kill()
        owner.wait()
    build(knowledge_dir, index_dir)
    assert _debris(index_dir) == []
