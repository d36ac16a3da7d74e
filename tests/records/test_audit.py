"""The default audit trail: `data/audit.jsonl`, one fsynced JSON line per change."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from bot.errors import RecordWriteError
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


def test_a_torn_last_line_does_not_swallow_the_next_record(tmp_path: Path) -> None:
    """Issue 23 item 6: after a crash cut a line short, the next line appended is still readable."""
    log = FileAuditLog(tmp_path)
    log.append(record("add", "imported/a.md", "m", "a" * 64), "intent")
    with (tmp_path / "audit.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"action": "add", "tar')
    log.append(record("add", "imported/b.md", "m", "b" * 64), "intent")
    assert [r["target"] for r in log.rows()] == ["imported/a.md", "imported/b.md"]
    assert log.unreadable() == [2]


def test_a_failed_write_leaves_no_partial_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk during an append: the error reaches the caller (one readable line) and the file
    is as it was."""
    log = FileAuditLog(tmp_path)
    log.append(record("add", "imported/a.md", "m", "a" * 64), "intent")
    before = (tmp_path / "audit.jsonl").read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(RecordWriteError, match="No space"):
        log.append(record("add", "imported/b.md", "m", "b" * 64), "intent")
    assert (tmp_path / "audit.jsonl").read_bytes() == before
    assert log.unreadable() == []
