"""The knowledge directory: which files are documents, and loading them all.

Bad files never stop the others: each is reported by name with its reason and
left out, and duplicate ids are refused rather than silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.corpus.glossary_file import FILE_NAME as GLOSSARY_FILE
from bot.corpus.glossary_file import GlossaryFile, read_glossary
from bot.corpus.loaders import SUFFIXES, load_document
from bot.corpus.quarantine import Held, screen
from bot.corpus.twins import FOLDER as TWINS_FOLDER
from bot.corpus.twins import read_twins
from bot.errors import DocumentError
from bot.models import Document, Problem

IGNORED_NAMES = {"readme.md", "sources.tsv", GLOSSARY_FILE}
IMPORTED = "imported"  # where moderators' uploads are saved


@dataclass
class LoadedKnowledge:
    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    glossary: GlossaryFile = field(default_factory=GlossaryFile)
    quarantined: list[Held] = field(default_factory=list)  # flagged, not accepted: never indexed


def document_files(knowledge_dir: Path) -> Iterator[Path]:
    """Every document file; uploads under `imported/` last, so a curated file keeps a shared id.
    The Chinese twins folder (`zh/`) holds translations of documents, never documents."""
    for path in sorted(knowledge_dir.rglob("*"), key=lambda p: (_imported(knowledge_dir, p), p)):
        relative = path.relative_to(knowledge_dir)
        if any(part.startswith(".") for part in relative.parts) or relative.parts[0] == TWINS_FOLDER:
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.name.lower() not in IGNORED_NAMES:
            yield path


def _imported(knowledge_dir: Path, path: Path) -> bool:
    return path.relative_to(knowledge_dir).parts[0] == IMPORTED


def load_knowledge(knowledge_dir: Path, max_bytes: int | None = None) -> LoadedKnowledge:
    """Load every document and the glossary, collecting problems instead of stopping.

    Files over `max_bytes` are skipped unread: one huge file must not hold a build for hours.
    Documents whose sentences instruct an AI are held back until accepted (`bot.corpus.quarantine`).
    """
    result = LoadedKnowledge()
    if not knowledge_dir.is_dir():
        raise DocumentError(f"The knowledge directory {knowledge_dir} does not exist.")
    seen: dict[str, str] = {}
    for path in document_files(knowledge_dir):
        name = str(path.relative_to(knowledge_dir))
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            reason = f"{size:,} bytes is over the {max_bytes:,}-byte limit for one document"
            result.skipped.append((name, f"{name}: file: {reason}"))
            result.problems.append(Problem(name, "file", reason))
            continue
        try:
            doc, problems = load_document(path, knowledge_dir)
        except DocumentError as exc:
            result.skipped.append((name, str(exc)))
            result.problems.extend(exc.problems or (Problem(name, "file", str(exc).split(": ", 2)[-1]),))
            continue
        result.problems.extend(problems)
        if doc.id in seen:
            reason = f"{name}: id: {doc.id!r} is already used by {seen[doc.id]}"
            result.skipped.append((name, reason))
            result.problems.append(Problem(name, "id", f"{doc.id!r} is already used by {seen[doc.id]}"))
            continue
        seen[doc.id] = name
        result.documents.append(doc)
    result.documents, result.quarantined = screen(knowledge_dir, result.documents)
    result.problems.extend(held.problem() for held in result.quarantined)
    try:
        result.glossary = read_glossary(knowledge_dir)
    except DocumentError as exc:
        result.skipped.append((GLOSSARY_FILE, str(exc)))
        result.problems.extend(exc.problems)
    glossary_doc = result.glossary.as_document()
    if glossary_doc:
        result.documents.append(glossary_doc)
    _attach_twins(knowledge_dir, result)
    return result


def _attach_twins(knowledge_dir: Path, result: LoadedKnowledge) -> None:
    """Give each document its reviewed Chinese twins from `zh/<id>.yaml`, so they reach the index.
    A quarantined document's twins wait with it: they name a document, just not a served one."""
    files, problems = read_twins(knowledge_dir)
    result.problems.extend(problems)
    ids = {doc.id for doc in result.documents} | {held.doc.id for held in result.quarantined}
    for doc_id in sorted(set(files) - ids):
        name = f"{TWINS_FOLDER}/{doc_id}.yaml"
        result.problems.append(Problem(name, "document", f"no document has the id {doc_id!r}"))
    result.documents = [
        replace(doc, twins=files[doc.id].twins()) if doc.id in files else doc for doc in result.documents
    ]
