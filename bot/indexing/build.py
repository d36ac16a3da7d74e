"""Build the index from a knowledge directory: incremental, atomic, one writer at a time.

Documents whose sha256 is unchanged reuse their stored chunks and vectors (only
new or edited text is embedded); removed documents disappear. Everything is
written to a fresh folder and published with one rename, so a build that fails
or is interrupted leaves the live index exactly as it was.
"""

from __future__ import annotations

import errno
import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.corpus.glossary_file import DOC_ID as GLOSSARY_ID
from bot.corpus.glossary_file import GlossaryEntry
from bot.corpus.knowledge import load_knowledge
from bot.corpus.quarantine import Held
from bot.errors import BuildInProgressError, IndexMissingError, IndexWriteError, KnowledgeBaseError
from bot.indexing import builds, store
from bot.indexing.chunking import ChunkerConfig, chunk_document, embed_text
from bot.indexing.dense import DenseIndex
from bot.indexing.embedder import Embedder
from bot.indexing.lexical import LexicalIndex, Tokenizer
from bot.models import Chunk, Document

Progress = Callable[[str, int, int], None]  # stage, done, total (0 when unknown)
LOCK_FILE = ".build.lock"
SLICE = 64  # texts per encode call: few calls, yet a progress update every few seconds on a slow CPU


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    quarantined: list[Held] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    folder: Path | None = None

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.changed)} changed",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.skipped)} skipped",
        ]
        if self.quarantined:
            parts.append(f"{len(self.quarantined)} quarantined")
        return "\n".join(
            [
                f"Documents: {', '.join(parts)}. {self.documents} documents, {self.chunks} chunks "
                f"({self.embedded} embedded) in {self.seconds:.1f} s.",
                *(f"warning: {held.problem()}" for held in self.quarantined),
            ]
        )


def manifest_settings(embedder: Embedder, config: ChunkerConfig) -> dict[str, object]:
    """What must match between an index and the settings reading it."""
    return {
        "model": {"name": embedder.name, "dimension": embedder.dimension},
        "chunker": {
            "max_tokens": config.max_tokens,
            "overlap": config.overlap,
            "encoding": config.encoding,
            "version": config.version,
        },
    }


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Only one build at a time per index directory, across processes."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgressError(
                "Another index build is running; try again when it has finished."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    config: ChunkerConfig,
    ann_threshold: int,
    progress: Progress | None = None,
    *,
    keep_seconds: float = 300.0,
    max_document_bytes: int | None = None,
    strict: bool = False,
) -> BuildReport:
    """Build and publish a new index; superseded builds are kept `keep_seconds` for other readers.

    Files over `max_document_bytes` are skipped with the reason. With `strict`, any
    skipped file stops the build before anything is written.
    """
    started = time.perf_counter()
    report_progress = progress or _silent
    with writer_lock(index_dir):
        builds.remove_debris(index_dir)
        report_progress("reading", 0, 0)
        loaded = load_knowledge(knowledge_dir, max_document_bytes)
        if strict and (loaded.skipped or loaded.quarantined):
            reasons = [reason for _, reason in loaded.skipped] + [
                str(h.problem()) for h in loaded.quarantined
            ]
            held = f" and {len(loaded.quarantined)} quarantined" if loaded.quarantined else ""
            raise KnowledgeBaseError(
                f"--strict: {len(loaded.skipped)} file(s) skipped{held}, so nothing was published and "
                f"the live index is unchanged: {'; '.join(reasons)}"
            )
        report = BuildReport(skipped=loaded.skipped, quarantined=loaded.quarantined)
        previous = _previous(index_dir, manifest_settings(embedder, config))
        docs = loaded.documents
        if not docs:
            raise KnowledgeBaseError(f"No usable documents in {knowledge_dir}; the index was left as it was.")
        chunks, vectors = _chunks_and_vectors(
            docs, loaded.glossary.entries, previous, embedder, config, report, report_progress
        )
        current_ids = {d.id for d in docs}
        report.removed = sorted(set(previous.hashes) - current_ids)
        report_progress("writing", 0, 0)
        folder: Path | None = None
        try:
            folder = builds.new_build_folder(index_dir, datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f"))
            store.write_documents(folder, docs)
            store.write_chunks(folder, chunks, vectors)
            DenseIndex.build(vectors, ann_threshold).save(folder)
            by_id = {d.id: d for d in docs}
            tokenizer = Tokenizer.for_glossary(loaded.glossary.entries)
            LexicalIndex.build([_lexical_text(by_id[c.doc_id], c) for c in chunks], tokenizer).save(folder)
            tokenizer.segments().save(folder)
            report.documents, report.chunks = len(docs), len(chunks)
            report.seconds = time.perf_counter() - started
            store.write_manifest(folder, _manifest(docs, chunks, embedder, config, ann_threshold, report))
            report.folder = builds.publish(index_dir, folder, keep_seconds)
        except BaseException as exc:
            if folder is not None:
                builds.discard(folder)
            if isinstance(exc, OSError):
                raise IndexWriteError(_write_failure(exc, index_dir)) from exc
            raise
    report.seconds = time.perf_counter() - started
    return report


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback of a build nobody watches."""


def _write_failure(exc: OSError, index_dir: Path) -> str:
    """One line for a failed write: what failed, that nothing changed, what to do."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        advice = "free some disk space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "make it writable"
    else:
        advice = "fix the cause"
    return (
        f"Could not write the new index in {index_dir}: {exc.strerror or exc}{where}. "
        f"The live index is unchanged; {advice} and build again."
    )


def _lexical_text(doc: Document, chunk: Chunk) -> str:
    """Lexical matching also sees the document's Chinese summary, so Chinese questions match."""
    return f"{embed_text(doc, chunk)}\n{doc.summary_zh}"


@dataclass
class _Previous:
    hashes: dict[str, str] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)
    vectors: np.ndarray | None = None


def _previous(index_dir: Path, expected: dict[str, object]) -> _Previous:
    """The live index's reusable parts, when it was built with the same model and chunker."""
    try:
        folder = store.current_folder(index_dir)
        manifest = store.read_manifest(folder)
    except (IndexMissingError, OSError, ValueError):
        return _Previous()
    hashes = {doc_id: info["sha256"] for doc_id, info in manifest.get("documents", {}).items()}
    if any(manifest.get(key) != value for key, value in expected.items()):
        return _Previous(hashes=hashes)
    result = _Previous(hashes=hashes, vectors=store.read_vectors(folder))
    for row, chunk in enumerate(store.read_chunks(folder)):
        result.chunks.setdefault(chunk.doc_id, []).append(chunk)
        result.rows.setdefault(chunk.doc_id, []).append(row)
    return result


def _chunks_and_vectors(
    docs: list[Document],
    glossary: tuple[GlossaryEntry, ...],
    previous: _Previous,
    embedder: Embedder,
    config: ChunkerConfig,
    report: BuildReport,
    progress: Progress,
) -> tuple[list[Chunk], np.ndarray]:
    chunks: list[Chunk] = []
    pieces: list[np.ndarray | None] = []
    to_embed: list[tuple[int, str]] = []
    for done, doc in enumerate(docs):
        progress("chunking", done, len(docs))
        old_hash = previous.hashes.get(doc.id)
        reusable = old_hash == doc.sha256 and doc.id in previous.chunks and previous.vectors is not None
        if reusable:
            report.unchanged.append(doc.id)
            chunks.extend(previous.chunks[doc.id])
            pieces.extend(np.asarray(previous.vectors[r]) for r in previous.rows[doc.id])
            continue
        (report.changed if old_hash else report.added).append(doc.id)
        for chunk in chunk_document(doc, config, glossary if doc.id == GLOSSARY_ID else ()):
            to_embed.append((len(chunks), embed_text(doc, chunk)))
            chunks.append(chunk)
            pieces.append(None)
    progress("chunking", len(docs), len(docs))
    total = len(to_embed)
    to_embed.sort(key=lambda item: len(item[1]))  # similar lengths per batch: less padding
    for start in range(0, total, SLICE):
        batch = to_embed[start : start + SLICE]
        for (slot, _), vector in zip(batch, embedder.encode([t for _, t in batch]), strict=True):
            pieces[slot] = vector
        progress("embedding", min(start + SLICE, total), total)
    report.embedded = total
    if not pieces:
        return chunks, np.zeros((0, embedder.dimension), dtype=np.float32)
    return chunks, np.vstack([p for p in pieces if p is not None]).astype(np.float32)


def _manifest(
    docs: list[Document],
    chunks: list[Chunk],
    embedder: Embedder,
    config: ChunkerConfig,
    ann_threshold: int,
    report: BuildReport,
) -> dict[str, object]:
    per_doc: dict[str, int] = {}
    for chunk in chunks:
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
    as_of = max((d.as_of for d in docs if d.as_of), default=None)
    return {
        **manifest_settings(embedder, config),
        "dense": {"kind": "hnsw" if len(chunks) > ann_threshold else "flat", "ann_threshold": ann_threshold},
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(report.seconds, 3),
        "counts": {"documents": len(docs), "chunks": len(chunks), "embedded": report.embedded},
        "knowledge_as_of": as_of.isoformat() if as_of else None,
        "documents": {
            d.id: {"sha256": d.sha256, "path": d.path, "chunks": per_doc.get(d.id, 0), "title": d.title}
            for d in docs
        },
        "skipped": [{"file": f, "reason": r} for f, r in report.skipped],
        "quarantined": [
            {"file": h.doc.path, "id": h.doc.id, "sentences": len(h.sentences)} for h in report.quarantined
        ],
    }
