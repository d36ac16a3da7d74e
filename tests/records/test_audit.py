"""The default audit trail: `data/audit.jsonl`, one fsynced JSON line per change."""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import record
from bot.records.audit import FileAuditLog


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path: Path) -> None:
    log = FileAuditLog(tmp_path)
    log.append(record("add", "imported/a.md", "m", "a" * 64), "intent")
    with (tmp_path / "audit.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"action": "add", "tar')
    assert [r["outcome"] for r in log.rows()] == ["intent"]


def test_audit_log_appends_json_lines(tmp_path: Path) -> None:
    log = FileAuditLog(tmp_path / "data")
    log.append(record("add", "imported/a.md", "mod#1", "a" * 64, "https://example.org/a"), "ok")
    log.append(record("remove", "b.md", "mod#2", "b" * 64), "done")
    lines = (tmp_path / "data" / "audit.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["action"], r["target"], r["actor"], r["outcome"]) for r in rows] == [
        ("add", "imported/a.md", "mod#1", "ok"),
        ("remove", "b.md", "mod#2", "done"),
    ]
    assert rows[0]["source_url"] == "https://example.org/a"
    assert log.rows() == rows
