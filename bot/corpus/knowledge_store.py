"""Moderator changes to the knowledge directory, each one checked and audited.

An upload is parsed before it is saved, so a malformed file is refused with
its reason and never reaches the index, and it may not take the id of another
document. A change is planned first (`Edit`), then its intent is appended to
the audit log and flushed to disk, then it is applied, then its outcome is
logged: a process killed in between leaves a file whose record says so.
Refused attempts are logged too (who, what, why).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.corpus.knowledge import IMPORTED, document_files
from bot.corpus.loaders import SUFFIXES, document_from_bytes, slugify
from bot.corpus.screening import injection_problem
from bot.errors import BuildInProgressError, KnowledgeBaseError
from bot.models import Document, Problem

AUDIT_FILE = "audit.jsonl"
INTENT = "intent"


@dataclass(frozen=True)
class Edit:
    """A planned change to the knowledge directory: how to make it, and how to take it back."""

    record: AuditRecord
    apply: Callable[[], None]
    undo: Callable[[], None]
    notes: tuple[str, ...] = ()


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
    change: str = ""  # links a change's intent line to its outcome line


def record(action: str, target: str, actor: str, sha256: str, source_url: str = "") -> AuditRecord:
    return AuditRecord(
        action,
        target,
        actor,
        sha256,
        datetime.now(UTC).isoformat(timespec="seconds"),
        source_url,
        uuid.uuid4().hex,
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
    documents: dict[str, Document],
    source_url: str = "",
) -> Edit:
    """Plan saving an upload under `imported/`; refuse anything that would not load, or whose id
    is already another document's (an upload may replace only its own earlier version)."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise KnowledgeBaseError(f"{name}: only {', '.join(SUFFIXES)} files can be added.")
    if len(data) > max_bytes:
        raise KnowledgeBaseError(f"{name} is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    doc, problems = document_from_bytes(data, name)
    target = knowledge_dir / IMPORTED / f"{slugify(doc.id)}{suffix}"
    relative = str(target.relative_to(knowledge_dir))
    _refuse_collision(name, doc.id, relative, documents)

    def save() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    problem = injection_problem(replace(doc, path=relative))
    notes = tuple(str(p) for p in problems if p.severity == "warning")
    notes += (f"warning: {problem}",) if problem else ()
    return Edit(record("add", relative, actor, doc.sha256, source_url), save, _restorer(target), notes)


def _refuse_collision(name: str, doc_id: str, relative: str, documents: dict[str, Document]) -> None:
    other = documents.get(doc_id)
    if other is None or other.path == relative:
        return
    raise KnowledgeBaseError(
        f"{name}: its id {doc_id!r} is already used by {other.path} (“{other.title}”), and an upload "
        "never replaces another document. Rename the file (a file without front matter takes its id "
        "from its name) or give it another `id:` in its front matter; to replace that document, "
        f"remove it first (`/kb remove {doc_id}`)."
    )


def remove(knowledge_dir: Path, doc_id: str, documents: dict[str, Document], actor: str) -> Edit:
    """Plan deleting a document's file (never the glossary, never outside the knowledge directory)."""
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
    return Edit(record("remove", doc.path, actor, sha), path.unlink, _restorer(path))


def audit(data_dir: Path, entry: AuditRecord, outcome: str) -> None:
    """Append one line to the audit log and flush it to disk before returning.

    `outcome` is `INTENT` for the line written before a change is made.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / AUDIT_FILE).open("a", encoding="utf-8") as log:
        log.write(json.dumps({**asdict(entry), "outcome": outcome}, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())


def refused(data_dir: Path, action: str, target: str, actor: str, reason: str) -> None:
    """Log an attempt that was refused: who tried what, and why not."""
    audit(data_dir, record(action, target, actor, ""), f"refused: {reason}")


def audit_rows(data_dir: Path) -> list[dict[str, str]]:
    path = data_dir / AUDIT_FILE
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text("utf-8", errors="replace").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
    return rows


def unaudited(knowledge_dir: Path, data_dir: Path) -> list[Problem]:
    """Imported files the audit log cannot vouch for: no record of who added them, or a change
    whose intent was logged but never finished (the process stopped between saving and rebuilding)."""
    folder = knowledge_dir / IMPORTED
    if not folder.is_dir():
        return []
    latest: dict[tuple[str, str], dict[str, str]] = {}
    finished: set[str] = set()
    for row in audit_rows(data_dir):
        if row.get("outcome") == INTENT:
            latest[(row.get("target", ""), row.get("sha256", ""))] = row
        elif row.get("change"):
            finished.add(row["change"])
        elif row.get("action") == "add":  # a line from before intents were logged
            latest[(row.get("target", ""), row.get("sha256", ""))] = row
    problems = []
    for path in document_files(folder):
        relative = str(path.relative_to(knowledge_dir))
        row = latest.get((relative, hashlib.sha256(path.read_bytes()).hexdigest()))
        if row is None:
            problems.append(
                Problem(
                    relative,
                    "audit",
                    "no audit record says who added this file (it was not added with kb add, or the "
                    "log was lost); check it, then keep it or remove it",
                    "warning",
                )
            )
        elif row.get("outcome") == INTENT and row.get("change") not in finished:
            problems.append(
                Problem(
                    relative,
                    "audit",
                    f"the change by {row.get('actor')} at {row.get('at')} never finished (stopped "
                    "between saving and rebuilding); check the file, then keep it or remove it",
                    "warning",
                )
            )
    return problems
