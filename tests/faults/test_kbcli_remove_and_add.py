"""Issue 23 item 11: `kb remove` killed after the delete leaves its document reported until a
rebuild unserves it; `kb add` parses before it takes the writer lock and shows progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.corpus.knowledge_store
from bot.cli import app
from bot.errors import BuildInProgressError
from bot.service import Basis
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.timing import PATIENCE

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
NOTE = b"# Widget note\n\nWidgets bound for Ruritania need a widget licence.\n"
STALLED_REMOVE = """
import sys, time
from pathlib import Path
from bot.knowledge_base import KnowledgeBase
from bot.service import Basis
from bot.settings import load_settings
from tests.fakes import HashEmbedder

knowledge, index, data = map(Path, sys.argv[1:4])
settings = load_settings(knowledge_dir=knowledge, index_dir=index, data_dir=data, _env_file=None)
basis = Basis.open(settings, embedder=HashEmbedder())

def stalled(self, progress=None, strict=False):
    print("deleted", flush=True)
    time.sleep(120)

KnowledgeBase.rebuild = stalled
basis.kb.remove("widget-note", actor="mod#1")
"""


def test_a_remove_killed_after_the_delete_is_reported_until_a_rebuild(basis: Basis) -> None:
    basis.kb.add_file("widget-note.md", NOTE, actor="mod#1")
    settings = basis.settings
    folders = (settings.knowledge_dir, settings.index_dir, settings.data_dir)
    child = subprocess.Popen(
        [sys.executable, "-c", STALLED_REMOVE, *map(str, folders)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"deleted"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(PATIENCE)
    assert not (settings.knowledge_dir / "imported" / "widget-note.md").exists()
    reopened = Basis.open(settings, embedder=basis.embedder)
    assert "widget-note" in reopened.answering.index.documents  # still served: the rebuild never ran …
    (problem,) = reopened.kb.unaudited()  # … and said so wherever moderators look
    assert problem.file == "imported/widget-note.md" and "removal by mod#1" in problem.message
    assert "may still be served" in problem.message
    assert reopened.kb.status().unaudited == (str(problem),)

    reopened.kb.reload(actor="mod#2")  # the next rebuild unserves it and settles the report
    assert "widget-note" not in reopened.answering.index.documents
    assert reopened.kb.unaudited() == []


def test_kb_add_parses_before_taking_the_writer_lock(basis: Basis, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing a large PDF takes minutes; other changes must not be refused meanwhile."""
    free_while_parsing: list[bool] = []
    real_parse = bot.corpus.knowledge_store.document_from_bytes

    def parse(data: bytes, name: str) -> object:
        try:
            with basis.records.stores.writer.held():
                free_while_parsing.append(True)
        except BuildInProgressError:
            free_while_parsing.append(False)
        return real_parse(data, name)

    monkeypatch.setattr(bot.corpus.knowledge_store, "document_from_bytes", parse)
    basis.kb.add_file("widget-note.md", NOTE, actor="mod#1")
    assert free_while_parsing == [True]
    assert "widget-note" in basis.answering.index.documents


def test_cli_kb_add_shows_progress(
    fake_model: HashEmbedder, settings: Settings, built: object, tmp_path: Path
) -> None:
    upload = tmp_path / "widget-note.md"
    upload.write_bytes(NOTE)
    env = {"BASIS_DATA_DIR": str(settings.data_dir)}
    args = ["--index", str(settings.index_dir), "--knowledge", str(settings.knowledge_dir)]
    result = CliRunner().invoke(app, ["kb", "add", str(upload), *args], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"Reading {upload} ({len(NOTE):,} bytes) …"
    assert lines[1] == "Read imported/widget-note.md; writing and rebuilding …"
    assert any(line.startswith("embedding") for line in lines[2:])  # the build's own progress lines
    assert result.stdout.startswith("Added widget-note.md:")
