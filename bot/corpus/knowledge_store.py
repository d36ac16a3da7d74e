"""Moderator changes to the knowledge directory, each one checked and audited.

An upload is parsed before it is saved, so a malformed file is refused with
its reason and never reaches the index. Every change is appended to an audit
log (who, what, when, sha256).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.corpus.loaders import SUFFIXES, document_from_bytes, slugify
from bot.errors import BuildInProgressError, KnowledgeBaseError
from bot.models import Document

IMPORTED = "imported"
AUDIT_FILE = "audit.jsonl"


@dataclass(frozen=True)
class Edit:
    """A change made to the knowledge directory, and how to take it back if the rebuild fails."""

    record: AuditRecord
    undo: Callable[[], None]
    notes: tuple[str, ...] = ()  # what the moderator should know, e.g. the encoding a file was read in


def _restorer(path: Path) -> Callable[[], None]:
    """Undo for a write or delete of `path`: put back what was there before."""
    before = path.read_bytes() if path.is_file() else None

    def undo() -> None:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)

    return undo


@dataclass(frozen=True)
class AuditRecord:
    action: str
    target: str
    actor: str
    sha256: str
    at: str
    source_url: str = ""


def record(action: str, target: str, actor: str, sha256: str, source_url: str = "") -> AuditRecord:
    return AuditRecord(
        action, target, actor, sha256, datetime.now(UTC).isoformat(timespec="seconds"), source_url
    )


@contextmanager
def exclusive(lock: threading.Lock) -> Iterator[None]:
    """One knowledge-base writer at a time; a second one is told to wait, not queued."""
    if not lock.acquire(blocking=False):
        raise BuildInProgressError("Another knowledge-base change is running; try again in a minute.")
    try:
        yield
    finally:
        lock.release()


def add_file(
    knowledge_dir: Path,
    filename: str,
    data: bytes,
    actor: str,
    max_bytes: int,
    source_url: str = "",
) -> Edit:
    """Validate an upload and save it under `imported/`; refuse anything that would not load."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise KnowledgeBaseError(f"{name}: only {', '.join(SUFFIXES)} files can be added.")
    if len(data) > max_bytes:
        raise KnowledgeBaseError(f"{name} is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    doc, problems = document_from_bytes(data, name)
    target_dir = knowledge_dir / IMPORTED
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{slugify(doc.id)}{suffix}"
    undo = _restorer(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    notes = tuple(str(p) for p in problems if p.severity == "warning")
    entry = record("add", str(target.relative_to(knowledge_dir)), actor, doc.sha256, source_url)
    return Edit(entry, undo, notes)


def remove(knowledge_dir: Path, doc_id: str, documents: dict[str, Document], actor: str) -> Edit:
    doc = documents.get(doc_id)
    if doc is None:
        raise KnowledgeBaseError(f"There is no document with id {doc_id!r}; `/kb list` shows the ids.")
    path = (knowledge_dir / doc.path).resolve()
    if (
        doc.source_type == "glossary"
        or not path.is_relative_to(knowledge_dir.resolve())
        or not path.is_file()
    ):
        raise KnowledgeBaseError(f"{doc_id!r} cannot be removed from here (its file is {doc.path}).")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    undo = _restorer(path)
    path.unlink()
    return Edit(record("remove", doc.path, actor, sha), undo)


def audit(data_dir: Path, entry: AuditRecord, outcome: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / AUDIT_FILE).open("a", encoding="utf-8") as log:
        log.write(json.dumps({**asdict(entry), "outcome": outcome}, ensure_ascii=False) + "\n")
