"""Moderator changes to the knowledge directory, each one checked and audited.

An upload is parsed before it is saved, so a malformed file is refused with
its reason and never reaches the index, and it may not take the id of another
document. A change is planned first (`Edit`), then its intent is appended to
the audit trail (kept by `bot.records.audit`, durable before the change),
then it is applied, then its outcome is logged: a process killed in between
leaves a file whose record says so. Refused attempts are logged too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.corpus.knowledge import IMPORTED, document_files
from bot.corpus.loaders import SUFFIXES, document_from_bytes, slugify
from bot.corpus.quarantine import ACCEPTED_FILE, Held, accept
from bot.errors import KnowledgeBaseError
from bot.models import INTENT, AuditRecord, Document, Problem, record


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
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as exc:  # a full disk, a read-only folder: one line, and no half-written file
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise KnowledgeBaseError(f"Could not save {relative}: {exc.strerror or exc}.") from exc

    notes = tuple(str(replace(p, file=relative)) for p in problems if p.severity == "warning")
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


def accept_flagged(knowledge_dir: Path, doc_id: str, held: list[Held], actor: str, at: str) -> Edit:
    """Plan serving a quarantined document as it is now; the notes list every flagged sentence,
    so the moderator's reply says exactly what they accepted."""
    found = next((h for h in held if h.doc.id == doc_id), None)
    if found is None:
        ids = ", ".join(h.doc.id for h in held) or "none"
        raise KnowledgeBaseError(f"{doc_id!r} is not quarantined (quarantined now: {ids}).")
    shown = tuple(f"flagged: “{sentence}”" for sentence in found.sentences)
    return Edit(
        record("accept", found.doc.path, actor, found.doc.sha256),
        lambda: accept(knowledge_dir, found.doc, actor, at),
        _restorer(knowledge_dir / ACCEPTED_FILE),
        shown,
    )


def unaudited(knowledge_dir: Path, audit_rows: Iterable[Mapping[str, str]]) -> list[Problem]:
    """Imported files the audit rows (the audit trail's lines, oldest first) cannot vouch for: no
    record of who added them, or a change whose intent was logged but never finished (the process
    stopped between saving and rebuilding)."""
    folder = knowledge_dir / IMPORTED
    if not folder.is_dir():
        return []
    latest: dict[tuple[str, str], Mapping[str, str]] = {}
    finished: set[str] = set()
    for row in audit_rows:
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
