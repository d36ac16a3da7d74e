"""The audit trail of knowledge-base changes: by default `data/audit.jsonl`, one JSON line each.

Every line is flushed to disk before `append` returns, so the intent line written before a
change is on disk before the change is made. A line torn by a crash or a full disk never
swallows the next one: a write that fails is cut back off, and a partial last line left by a
killed process is closed with a newline before anything is appended, so it stays one unreadable
line that `kb check` reports (by number) and every later line stays whole. With
BASIS_DATABASE_URL the same rows live in PostgreSQL instead (`bot.records.shared`); both have
`append`, `append_now`, `rows` and `unreadable`.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO, Protocol

from bot.errors import RecordWriteError
from bot.models import AuditRecord, record

AUDIT_FILE = "audit.jsonl"


class AuditLog(Protocol):
    def append(self, entry: AuditRecord, outcome: str) -> None:
        """Record one line; it may be queued, but it is never dropped silently."""

    def append_now(self, entry: AuditRecord, outcome: str) -> None:
        """Record one line durably before returning, or raise."""

    def rows(self) -> list[dict[str, str]]:
        """Every readable line, oldest first, as dicts with the `AuditRecord` fields and `outcome`."""

    def unreadable(self) -> list[int]:
        """The numbers (from 1) of lines that cannot be read back, such as one torn by a crash."""


def refused(log: AuditLog, action: str, target: str, actor: str, reason: str) -> None:
    """Log an attempt that was refused: who tried what, and why not."""
    log.append(record(action, target, actor, ""), f"refused: {reason}")


class FileAuditLog:
    """`audit.jsonl` in the data directory; each line fsynced."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @property
    def path(self) -> Path:
        return self.data_dir / AUDIT_FILE

    def append(self, entry: AuditRecord, outcome: str) -> None:
        """Append one line and flush it to disk before returning; a failed write leaves no part of it
        and raises RecordWriteError (one readable line, never a traceback): a full disk, a folder
        that cannot be written."""
        line = (json.dumps({**asdict(entry), "outcome": outcome}, ensure_ascii=False) + "\n").encode()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as log:
                start = _close_torn_line(log)
                try:
                    log.write(line)
                    log.flush()
                    os.fsync(log.fileno())
                except OSError:
                    _cut_back(log, start)
                    raise
        except OSError as exc:
            raise RecordWriteError(
                f"Could not write the audit trail {self.path}: {exc.strerror or exc}. "
                "Free some disk space (or make it writable) and retry."
            ) from exc

    append_now = append

    def _lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        return self.path.read_text("utf-8", errors="replace").splitlines()

    def rows(self) -> list[dict[str, str]]:
        return [row for line in self._lines() if (row := _parsed(line)) is not None]

    def unreadable(self) -> list[int]:
        return [n for n, line in enumerate(self._lines(), start=1) if line.strip() and _parsed(line) is None]


def _parsed(line: str) -> dict[str, str] | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None
    return row if isinstance(row, dict) else None


def _close_torn_line(log: BinaryIO) -> int:
    """End a partial last line (a crash cut it short) with a newline; returns where the new line starts."""
    size = log.seek(0, os.SEEK_END)
    if size:
        with open(log.name, "rb") as reader:
            reader.seek(size - 1)
            if reader.read(1) != b"\n":
                log.write(b"\n")
                log.flush()
                size += 1
    return size


def _cut_back(log: BinaryIO, size: int) -> None:
    """Best effort after a failed write (full disk): drop what part of the line reached the file."""
    with contextlib.suppress(OSError):  # else the next append closes the torn line instead
        log.truncate(size)
