"""Issue 11 item 12: the audit intent is on disk before a change is made, its outcome after;
a file the log cannot vouch for is reported; refused attempts are logged.

The kill case uses a real process: `kb add` in a child whose rebuild stalls after the file is
saved, killed with SIGKILL there, as a crash would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import BuildInProgressError, KnowledgeBaseError
from bot.models import AuditRecord, record
from bot.records.audit import FileAuditLog
from bot.service import Basis
from bot.settings import Settings
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
NOTE = b"# Widget note\n\nWidgets bound for Ruritania need a widget licence.\n"
STALLED_ADD = """
import sys, time
from pathlib import Path
from bot.service import Basis
from bot.settings import load_settings
from tests.fakes import HashEmbedder

knowledge, index, data = map(Path, sys.argv[1:4])
settings = load_settings(knowledge_dir=knowledge, index_dir=index, data_dir=data, _env_file=None)
basis = Basis.open(settings, embedder=HashEmbedder())

def stalled_rebuild(progress=None, strict=False):
    print("saved", flush=True)
    time.sleep(60)

basis.kb.rebuild = stalled_rebuild
basis.kb.add_file("widget-note.md", sys.stdin.buffer.read(), actor="mod#1")
"""


def audit_rows(settings: Settings) -> list[dict]:
    return FileAuditLog(settings.data_dir).rows()


def test_intent_is_logged_before_the_file_is_saved(basis: Basis, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []
    real_audit = FileAuditLog.append
    target = basis.settings.knowledge_dir / "imported" / "widget-note.md"

    def watching(log: FileAuditLog, entry: AuditRecord, outcome: str) -> None:
        seen.append((outcome, target.exists()))
        real_audit(log, entry, outcome)

    monkeypatch.setattr(FileAuditLog, "append", watching)
    monkeypatch.setattr(FileAuditLog, "append_now", watching)
    change = basis.kb.add_file("widget-note.md", NOTE, actor="mod#1")
    assert seen == [("intent", False), (change.report.summary(), True)]
    intent, outcome = audit_rows(basis.settings)
    assert intent["change"] == outcome["change"] and intent["sha256"] == outcome["sha256"]
    assert basis.kb.unaudited() == []


def test_kill_between_save_and_rebuild_leaves_a_reported_intent(
    basis: Basis, settings: Settings, fake_model: HashEmbedder
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [str(settings.knowledge_dir), str(settings.index_dir), str(settings.data_dir)]
    child = subprocess.Popen(
        [sys.executable, "-c", STALLED_ADD, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    try:
        child.stdin.write(NOTE)
        child.stdin.close()
        assert child.stdout.readline().strip() == b"saved"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert (settings.knowledge_dir / "imported" / "widget-note.md").read_bytes() == NOTE
    (intent,) = audit_rows(settings)  # who and what were on disk before the file was
    assert intent["outcome"] == "intent" and intent["actor"] == "mod#1"
    assert intent["target"] == "imported/widget-note.md"

    (problem,) = basis.kb.unaudited()
    assert problem.file == "imported/widget-note.md" and "never finished" in problem.message
    assert basis.kb.status().unaudited == (str(problem),)
    result = CliRunner().invoke(app, ["kb", "check", str(settings.knowledge_dir)], env=_env(settings))
    assert "warning imported/widget-note.md: audit: the change by mod#1" in " ".join(result.stdout.split())
    built = CliRunner().invoke(
        app,
        ["index", "build", "--knowledge", str(settings.knowledge_dir), "--index", str(settings.index_dir)],
        env=_env(settings),
    )
    assert built.exit_code == 0 and "never finished" in built.stderr


def test_a_file_with_no_audit_record_is_reported(basis: Basis, caplog: pytest.LogCaptureFixture) -> None:
    folder = basis.settings.knowledge_dir / "imported"
    folder.mkdir()
    (folder / "dropped.md").write_bytes(NOTE)
    change = basis.kb.reload(actor="mod#1")
    assert any("imported/dropped.md: audit: no audit record" in note for note in change.notes)
    assert "no audit record" in change.summary  # what the moderator reads
    Basis.open(basis.settings, embedder=basis.embedder)
    assert "imported/dropped.md: audit: no audit record" in caplog.text  # said at start-up


def test_refused_attempts_are_logged(basis: Basis) -> None:
    with pytest.raises(KnowledgeBaseError):
        basis.kb.remove("no-such-doc", actor="eve")
    with pytest.raises(KnowledgeBaseError):
        basis.kb.add_file("tool.exe", b"MZ", actor="eve")
    with basis.records.stores.writer.held(), pytest.raises(BuildInProgressError):  # another writer holds it
        basis.kb.reload(actor="mod#2")
    rows = [
        (r["action"], r["target"], r["actor"], r["outcome"].split(":")[0]) for r in audit_rows(basis.settings)
    ]
    assert rows == [
        ("remove", "no-such-doc", "eve", "refused"),
        ("add", "tool.exe", "eve", "refused"),
        ("reload", str(basis.settings.knowledge_dir), "mod#2", "refused"),
    ]


def _env(settings: Settings) -> dict[str, str]:
    return {"BASIS_DATA_DIR": str(settings.data_dir), "BASIS_INDEX_DIR": str(settings.index_dir)}


def test_audit_lines_are_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    FileAuditLog(tmp_path).append(record("add", "imported/a.md", "m", "a" * 64), "intent")
    assert len(synced) == 1
    assert json.loads((tmp_path / "audit.jsonl").read_text("utf-8"))["outcome"] == "intent"
