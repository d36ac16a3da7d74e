"""The audit trail of knowledge-base changes: by default `data/audit.jsonl`, one JSON line each.

Every line is flushed to disk before `append` returns, so the intent line written before a
change is on disk before the change is made. With BASIS_DATABASE_URL the same rows live in
PostgreSQL instead (`bot.records.shared`); both have `append`, `append_now` and `rows`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

from bot.errors import RecordWriteError
from bot.models import AuditRecord, record

AUDIT_FILE = "audit.jsonl"


class AuditLog(Protocol):
    def append(self, entry: AuditRecord, outcome: str) -> None:
        """Record one line; it may be queued, but it is never dropped silently."""

    def append_now(self, entry: AuditRecord, outcome: str) -> None:
        """Record one line durably before returning, or raise."""

    def rows(self) -> list[dict[str, str]]:
        """Every line, oldest first, as dicts with the `AuditRecord` fields and `outcome`."""


def refused(log: AuditLog, action: str, target: str, actor: str, reason: str) -> None:
    """Log an attempt that was refused: who tried what, and why not."""
    log.append(record(action, target, actor, ""), f"refused: {reason}")


class FileAuditLog:
    """`audit.jsonl` in the data directory; each line fsynced."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def append(self, entry: AuditRecord, outcome: str) -> None:
        """Append one line and flush it to disk before returning; RecordWriteError (one readable
        line, never a traceback) when the disk is full or the folder cannot be written."""
        path = self.data_dir / AUDIT_FILE
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(json.dumps({**asdict(entry), "outcome": outcome}, ensure_ascii=False) + "\n")
                log.flush()
                os.fsync(log.fileno())
        except OSError as exc:
            raise RecordWriteError(
                f"Could not write the audit trail {path}: {exc.strerror or exc}. "
                "Free some disk space (or make it writable) and retry."
            ) from exc

    append_now = append

    def rows(self) -> list[dict[str, str]]:
        path = self.data_dir / AUDIT_FILE
        if not path.is_file():
            return []
        rows = []
        for line in path.read_text("utf-8", errors="replace").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
        return rows
