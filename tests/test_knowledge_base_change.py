"""`KnowledgeBase.change` (bot/knowledge_base.py): the order of intent, writes and outcome for a
sync and a build, refusals, and `kb check` reporting a torn audit line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import BuildInProgressError
from bot.models import AuditRecord
from bot.records.audit import FileAuditLog
from bot.service import Basis
from tests.sync.fixtures import NOW, basis, recorder, stub, sync_settings
from tests.sync.stub import ApiStub

__all__ = ["basis", "stub", "sync_settings"]


def test_a_sync_logs_one_intent_per_file_before_writing_any(
    basis: Basis, stub: ApiStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = basis.settings.knowledge_dir / "synced"
    seen: list[tuple[str, str, bool]] = []
    real = FileAuditLog.append

    def watching(log: FileAuditLog, entry: AuditRecord, outcome: str) -> None:
        seen.append((entry.target, outcome, synced.exists()))
        real(log, entry, outcome)

    monkeypatch.setattr(FileAuditLog, "append", watching)
    monkeypatch.setattr(FileAuditLog, "append_now", watching)
    basis.kb.sync(actor="test", now=NOW, sleep=recorder([]))

    *intents, outcome = seen
    assert [t for t, _, _ in intents][:2] == ["synced", "synced/congress/bill-119-hr-3447.md"]
    assert len(intents) == 1 + 7 and all(o == "intent" and not wrote for _, o, wrote in intents)
    assert outcome[0] == "synced" and outcome[1].startswith("eCFR: 3 new") and outcome[2]
    assert "Index: Documents: 7 added" in outcome[1]
    assert basis.kb.unaudited() == []


def test_a_sync_refused_while_another_change_runs_writes_nothing_and_is_audited(
    basis: Basis, stub: ApiStub
) -> None:
    with basis.records.stores.writer.held(), pytest.raises(BuildInProgressError):
        basis.kb.sync(actor="mod#2", now=NOW, sleep=recorder([]))
    assert not (basis.settings.knowledge_dir / "synced").exists()
    (row,) = FileAuditLog(basis.settings.data_dir).rows()
    assert (row["action"], row["target"], row["actor"]) == ("sync", "synced", "mod#2")
    assert row["outcome"].startswith("refused: Another knowledge-base change is running")


def test_a_dry_run_fetches_and_writes_nothing(basis: Basis, stub: ApiStub) -> None:
    report = basis.kb.sync(actor="test", now=NOW, sleep=recorder([]), dry_run=True)
    assert report.dry_run and len(report.sources[0].new) == 3
    assert not (basis.settings.knowledge_dir / "synced").exists()
    assert FileAuditLog(basis.settings.data_dir).rows() == []


def test_a_build_vouches_for_the_curated_files_it_publishes(basis: Basis) -> None:
    basis.kb.reload(actor="mod#1")
    rows = FileAuditLog(basis.settings.data_dir).rows()
    vouched = {r["target"] for r in rows if r["outcome"] == "intent"} - {str(basis.settings.knowledge_dir)}
    assert vouched and all(not t.startswith("imported/") for t in vouched)
    (basis.settings.knowledge_dir / "rules").mkdir(exist_ok=True)
    (basis.settings.knowledge_dir / "rules" / "late.md").write_text("# Late\n\nA late rule text.\n", "utf-8")
    (problem,) = basis.kb.unaudited()
    assert problem.file == "rules/late.md"
    basis.kb.reload(actor="mod#1")  # the second build vouches for it, and only for it
    assert basis.kb.unaudited() == []
    latest = [
        r for r in FileAuditLog(basis.settings.data_dir).rows()[len(rows) :] if r["outcome"] == "intent"
    ]
    assert [r["target"] for r in latest] == [str(basis.settings.knowledge_dir), "rules/late.md"]


def test_kb_check_reports_a_torn_audit_line(basis: Basis) -> None:
    basis.kb.add_file("note.md", b"# Note\n\nWidgets need a widget licence.\n", actor="mod#1")
    with (basis.settings.data_dir / "audit.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"action": "add", "tar')
    env = {"BASIS_DATA_DIR": str(basis.settings.data_dir)}
    result = CliRunner().invoke(app, ["kb", "check", str(basis.settings.knowledge_dir)], env=env)
    assert "warning audit trail: line: unreadable line(s) 3 (cut short by a crash?)" in result.stdout
