"""Issue 11 item 8: a full disk while writing the index is one readable line, and nothing changes.

The disk is made full for real: one file of the new build is a symlink to
/dev/full, where every write fails with ENOSPC in the kernel.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import IndexWriteError
from bot.indexing import builds, store
from bot.settings import Settings
from tests.faults.index_worker import build
from tests.helpers import run_basis

pytestmark = pytest.mark.faults

FULL = Path("/dev/full")
FILES = [
    "documents.jsonl",
    "chunks.jsonl",
    "vectors.npy",
    "dense.faiss",
    "lexical/data.csc.index.npy",
    "manifest.json",
]


def _fill_disk_at(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new build folder gets `name` pointing at /dev/full."""
    new_build_folder = builds.new_build_folder

    def with_full_file(index_dir: Path, stamp: str) -> Path:
        folder = new_build_folder(index_dir, stamp)
        target = folder / name
        target.parent.mkdir(exist_ok=True)
        target.symlink_to(FULL)
        return folder

    monkeypatch.setattr(builds, "new_build_folder", with_full_file)


def _state(index_dir: Path) -> tuple[Path, set[str], set[str]]:
    return (
        (index_dir / store.CURRENT).resolve(),
        {p.name for p in (index_dir / store.BUILDS).iterdir()},
        {p.name for p in index_dir.iterdir()},
    )


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("name", FILES)
def test_a_full_disk_leaves_the_live_index(
    name: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    before = _state(settings.index_dir)
    _fill_disk_at(name, monkeypatch)
    with pytest.raises(IndexWriteError) as caught:
        build(settings.knowledge_dir, settings.index_dir)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"Could not write the new index in {settings.index_dir}: No space left on device. "
        "The live index is unchanged; free some disk space and build again."
    )
    assert _state(settings.index_dir) == before  # same live build, no temporary left behind


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
def test_the_cli_prints_one_line_and_exits_1(
    fake_model: object,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    before = _state(settings.index_dir)
    _fill_disk_at("dense.faiss", monkeypatch)
    argv = ["index", "build", "--knowledge", str(settings.knowledge_dir), "--index", str(settings.index_dir)]
    assert run_basis(argv, monkeypatch) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    progress = [line for line in lines if line.startswith(("reading", "chunking", "embedding", "writing"))]
    assert len(lines) == len(progress) + 1
    assert lines[-1].startswith(
        f"Error: Could not write the new index in {settings.index_dir}: No space left"
    )
    assert "Traceback" not in captured.err and "faiss" not in captured.err
    assert _state(settings.index_dir) == before
