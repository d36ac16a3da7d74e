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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.corpus.knowledge import IMPORTED
from bot.corpus.loaders import SUFFIXES, document_from_bytes, slugify
from bot.corpus.quarantine import ACCEPTED_FILE, Held, accept
from bot.errors import KnowledgeBaseError
from bot.models import AuditRecord, Document, record


def _nothing() -> None:
    """The apply, undo or check of an edit that has none."""


def _same(summary: str) -> str:
    return summary


@dataclass(frozen=True)
class Edit:
    """A planned change to the knowledge directory: how to make it, and how to take it back.

    `files` maps each file (relative to the knowledge directory) the change vouches for to its
    sha256 once made; one intent line each is on disk before anything is touched, and they are
    vouched for only when the change's outcome line follows. `rebuild` is False for a change that
    publishes nothing new (a sync whose only news is version ids); `outcome` turns the build
    summary into the outcome line.
    """

    record: AuditRecord
    apply: Callable[[], None]
    undo: Callable[[], None]
    notes: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    rebuild: bool = True
    outcome: Callable[[str], str] = _same


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
class Upload:
    """A parsed upload, checked before the writer lock is taken (parsing a large PDF takes time)."""

    name: str
    data: bytes
    doc: Document
    target: Path
    relative: str
    notes: tuple[str, ...]
    source_url: str = ""


def parse_upload(
    knowledge_dir: Path, filename: str, data: bytes, max_bytes: int, source_url: str = ""
) -> Upload:
    """Parse an upload that would go under `imported/`; refuse anything that would not load."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise KnowledgeBaseError(f"{name}: only {', '.join(SUFFIXES)} files can be added.")
    if len(data) > max_bytes:
        raise KnowledgeBaseError(f"{name} is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    doc, problems = document_from_bytes(data, name)
    target = knowledge_dir / IMPORTED / f"{slugify(doc.id)}{suffix}"
    relative = str(target.relative_to(knowledge_dir))
    notes = tuple(str(replace(p, file=relative)) for p in problems if p.severity == "warning")
    return Upload(name, data, doc, target, relative, notes, source_url)


def add_upload(upload: Upload, actor: str, documents: Mapping[str, Document]) -> Edit:
    """Plan saving a parsed upload; refused when its id is already another document's (an upload
    may replace only its own earlier version). Cheap, so it runs under the writer lock."""
    _refuse_collision(upload.name, upload.doc.id, upload.relative, documents)
    target = upload.target

    def save() -> None:
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(upload.data)
            os.replace(tmp, target)
        except OSError as exc:  # a full disk, a read-only folder: one line, and no half-written file
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise KnowledgeBaseError(f"Could not save {upload.relative}: {exc.strerror or exc}.") from exc

    entry = record("add", upload.relative, actor, upload.doc.sha256, upload.source_url)
    return Edit(entry, save, _restorer(target), (recognised(upload.doc), *upload.notes))


def recognised(doc: Document) -> str:
    """What an upload was recognised as (type, citation, dates), one line under the summary:
    a file without front matter has these read from its text, and a moderator should see a wrong
    guess (a rule taken for an explainer, a missing date) before anyone is answered from it."""
    dates = [
        f"{label} {day.isoformat()}"
        for label, day in (("published", doc.published), ("as of", doc.as_of))
        if day
    ]
    citation = doc.citation or "no citation"
    return f"Recognised as {doc.source_type}: {citation}; {', '.join(dates) or 'no date'} (“{doc.title}”)."


def _refuse_collision(name: str, doc_id: str, relative: str, documents: Mapping[str, Document]) -> None:
    other = documents.get(doc_id)
    if other is None or other.path == relative:
        return
    raise KnowledgeBaseError(
        f"{name}: its id {doc_id!r} is already used by {other.path} (“{other.title}”), and an upload "
        "never replaces another document. Rename the file (a file without front matter takes its id "
        "from its name) or give it another `id:` in its front matter; to replace that document, "
        f"remove it first (`/kb remove {doc_id}`)."
    )


def remove(knowledge_dir: Path, doc_id: str, documents: Mapping[str, Document], actor: str) -> Edit:
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
