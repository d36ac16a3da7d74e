"""`KnowledgeBase.change`: the one path by which anything changes what the index serves.

`/kb add|remove|accept|reload|sync`, `basis kb add|remove|accept`, `basis sync` (and the daily sync) and
`basis index build` all go through it, with the same guarantees:

1. the writer lock (`bot.records.writer_lock`; across processes) is held for the whole change,
   and only for the write and the rebuild: uploads are parsed and sources fetched before;
2. the intent (one audit line per file the change vouches for) is on disk, fsynced, before any
   file is touched;
3. the files are written, the index rebuilt and published (atomically, `bot.indexing.build`);
   if either fails the files are put back as they were, the old index keeps serving and the
   outcome line says so;
4. the outcome line follows; a change killed before it leaves intent lines with no outcome, and
   `unaudited` reports its files (anywhere in the knowledge directory, `bot.corpus.ledger`) until
   a later change settles them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.corpus import knowledge_store
from bot.corpus.knowledge import load_knowledge
from bot.corpus.knowledge_store import Edit, Upload
from bot.corpus.ledger import Ledger, unaudited, unvouched_curated
from bot.corpus.quarantine import Held
from bot.errors import BasisError
from bot.indexing import store
from bot.indexing.build import BuildReport, Progress, build_index
from bot.indexing.chunking import ChunkerConfig
from bot.indexing.embedder import Embedder, lazy_embedder
from bot.indexing.loaded import LoadedIndex
from bot.indexing.progress import ProgressLines
from bot.models import INTENT, AuditRecord, Document, Problem, record
from bot.records.audit import refused
from bot.settings import Settings

if TYPE_CHECKING:  # the stores (SQLAlchemy) and sync (trafilatura) load only when a change needs them
    from bot.indexing.twin_check import TwinCoverage
    from bot.records.stores import Stores
    from bot.sync.job import PlannedSync
    from bot.sync.report import SyncReport
    from bot.sync.run import Sleep

__all__ = [
    "DocSummary",
    "KbChange",
    "KbCheck",
    "KbStatus",
    "KnowledgeBase",
    "Progress",
    "ProgressLines",
    "build",
    "chunker_config",
    "embedder_for",
]

log = logging.getLogger(__name__)
DONE = {
    "add": "Added",
    "import": "Imported",
    "remove": "Removed",
    "reload": "Reloaded",
    "build": "Built",
    "accept": "Accepted",
}


@dataclass(frozen=True)
class KbChange:
    action: str
    target: str
    report: BuildReport
    notes: tuple[str, ...] = ()  # what the moderator should know besides the build summary

    @property
    def summary(self) -> str:
        return "\n".join([f"{DONE[self.action]} {self.target}: {self.report.summary()}", *self.notes])


@dataclass(frozen=True)
class DocSummary:
    id: str
    title: str
    source_type: str
    path: str


@dataclass(frozen=True)
class KbStatus:
    documents: int
    chunks: int
    built_at: str
    model: str
    as_of: str | None
    folder: str
    unaudited: tuple[str, ...] = ()
    quarantined: tuple[str, ...] = ()  # ids held out of this build until a moderator accepts them


@dataclass(frozen=True)
class KbCheck:
    """`basis kb check`: every problem found (file checks, twins, the audit trail) and the twins' coverage."""

    problems: list[Problem]
    coverage: TwinCoverage


def chunker_config(settings: Settings) -> ChunkerConfig:
    return ChunkerConfig(max_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap)


def embedder_for(settings: Settings) -> Embedder:
    """The embedding model the settings name, on their runtime, with its ONNX model cached;
    loaded when it first embeds, so commands that never embed never pay for it."""
    return lazy_embedder(
        settings.model, settings.model_threads, settings.runtime, settings.device, settings.model_cache_dir
    )


def build(
    settings: Settings, embedder: Embedder, progress: Progress | None = None, *, strict: bool = False
) -> BuildReport:
    """Build and publish the index the settings describe (unaudited: `KnowledgeBase.build` is the
    audited way; this is for tests and for the read-only corpus index of `basis eval`)."""
    return build_index(
        settings.knowledge_dir,
        settings.index_dir,
        embedder,
        chunker_config(settings),
        settings.ann_threshold,
        progress,
        keep_seconds=settings.build_keep_seconds,
        max_document_bytes=settings.max_document_bytes,
        strict=strict,
    )


def _nothing() -> None:
    """Called when an index was published and nobody in this process serves it."""


class KnowledgeBase:
    """Every write to the knowledge directory and the index it publishes."""

    def __init__(
        self,
        settings: Settings,
        embedder: Callable[[], Embedder],
        stores: Callable[[], Stores],
        *,
        served: Callable[[], LoadedIndex | None] = lambda: None,
        published: Callable[[], None] = _nothing,
    ) -> None:
        self.settings = settings
        self._embedder = embedder  # loaded on first rebuild: a dry run or a refusal needs no model
        self._stores = stores
        self._served = served  # the index this process serves (id collisions, removals, list, status)
        self._published = published  # swaps the new index in where this process serves questions

    @classmethod
    def open(cls, settings: Settings) -> KnowledgeBase:
        """The knowledge base alone, for commands that change or check it without answering
        questions; the model loads only when a rebuild needs it, the stores when first used."""
        from bot.records.stores import open_stores

        return cls(settings, cache(lambda: embedder_for(settings)), cache(lambda: open_stores(settings)))

    def _documents(self) -> Mapping[str, Document]:
        index = self._served()
        return index.documents if index is not None else {}

    def rebuild(self, progress: Progress | None = None, *, strict: bool = False) -> BuildReport:
        """Build and publish; only `change` calls it, under the writer lock."""
        report = build(self.settings, self._embedder(), progress, strict=strict)
        self._published()
        return report

    def change(
        self, plan: Callable[[], Edit], progress: Progress | None = None, *, strict: bool = False
    ) -> tuple[BuildReport, Edit]:
        """Plan one edit under the writer lock, log its intent durably, apply it and rebuild, then
        log the outcome; if applying or the rebuild fails the edit is undone and the old index
        stays. A refusal (busy, a plan that fails, an intent that could not be logged) is raised
        to the caller, who logs it (`refusals_logged`). Returns the build report (empty when the
        edit publishes nothing new) and the edit."""
        stores = self._stores()
        with ExitStack() as held:
            held.enter_context(stores.writer.held())
            edit = plan()
            for entry in _intent_lines(edit):
                stores.audit.append_now(entry, INTENT)
            held = held.pop_all()  # keep the writer lock past the refusal window
        with held:
            try:
                edit.apply()
                report = self.rebuild(progress, strict=strict) if edit.rebuild else BuildReport()
            except BaseException as exc:
                edit.undo()
                stores.audit.append(edit.record, f"failed and undone: {exc}")
                raise
            stores.audit.append(edit.record, edit.outcome(report.summary() if edit.rebuild else ""))
        return report, edit

    @contextmanager
    def refusals_logged(self, action: str, target: str, actor: str) -> Iterator[None]:
        """Audit a change refused inside the block (BasisError), then let the error go on."""
        try:
            yield
        except BasisError as exc:
            self.refused(action, target, actor, str(exc))
            raise

    def refused(self, action: str, target: str, actor: str, reason: str) -> None:
        """Audit a /kb attempt that was refused (not a moderator, bad upload, busy, …)."""
        refused(self._stores().audit, action, target, actor, reason)

    def unaudited(self) -> list[Problem]:
        """Files anywhere in the knowledge directory the audit trail cannot vouch for, removals that
        never finished, and unreadable audit lines (`bot.corpus.ledger`)."""
        audit = self._stores().audit
        problems = unaudited(self.settings.knowledge_dir, audit.rows())
        torn = audit.unreadable()
        if torn:
            lines = ", ".join(map(str, torn[:10])) + (" …" if len(torn) > 10 else "")
            problems.append(
                Problem(
                    "audit trail", "line", f"unreadable line(s) {lines} (cut short by a crash?)", "warning"
                )
            )
        return problems

    def _change(
        self,
        action: str,
        target: str,
        actor: str,
        plan: Callable[[], Edit],
        progress: Progress | None = None,
        strict: bool = False,
    ) -> KbChange:
        with self.refusals_logged(action, target, actor):
            report, edit = self.change(plan, progress, strict=strict)
        return KbChange(action, target, report, edit.notes + self._unaudited_notes())

    def _unaudited_notes(self) -> tuple[str, ...]:
        return tuple(f"warning: {p}" for p in self.unaudited())

    def parse_upload(self, filename: str, data: bytes, *, actor: str, source_url: str = "") -> Upload:
        """Parse an upload before any lock is taken (a large PDF takes time); refusals are audited."""
        action = "import" if source_url else "add"
        with self.refusals_logged(action, source_url or filename, actor):
            return knowledge_store.parse_upload(
                self.settings.knowledge_dir, filename, data, self.settings.max_upload_bytes, source_url
            )

    def add(self, upload: Upload, *, actor: str, progress: Progress | None = None) -> KbChange:
        action = "import" if upload.source_url else "add"
        return self._change(
            action,
            upload.source_url or upload.name,
            actor,
            lambda: knowledge_store.add_upload(upload, actor, self._documents()),
            progress,
        )

    def add_file(
        self, filename: str, data: bytes, *, actor: str, progress: Progress | None = None
    ) -> KbChange:
        return self.add(self.parse_upload(filename, data, actor=actor), actor=actor, progress=progress)

    def add_url(self, url: str, *, actor: str, progress: Progress | None = None) -> KbChange:
        from bot.corpus.fetch import fetch_url

        with self.refusals_logged("import", url, actor):
            fetched = fetch_url(
                url,
                self.settings.max_upload_bytes,
                self.settings.fetch_timeout,
                self.settings.url_allow_hosts,
            )
        upload = self.parse_upload(fetched.filename, fetched.data, actor=actor, source_url=url)
        return self.add(upload, actor=actor, progress=progress)

    def remove(self, doc_id: str, *, actor: str, progress: Progress | None = None) -> KbChange:
        return self._change(
            "remove",
            doc_id,
            actor,
            lambda: knowledge_store.remove(self.settings.knowledge_dir, doc_id, self._documents(), actor),
            progress,
        )

    def quarantined(self) -> list[Held]:
        """Documents held out of the index for sentences that instruct an AI, with those sentences."""
        return load_knowledge(self.settings.knowledge_dir, self.settings.max_document_bytes).quarantined

    def accept(self, doc_id: str, *, actor: str, progress: Progress | None = None) -> KbChange:
        """Serve a quarantined document as it is now (`basis kb accept`, `/kb accept`): audited like
        any change, and the summary lists every flagged sentence the moderator accepted. The
        quarantine is read again under the writer lock, so what is accepted is what is on disk."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        return self._change(
            "accept",
            doc_id,
            actor,
            lambda: knowledge_store.accept_flagged(
                self.settings.knowledge_dir, doc_id, self.quarantined(), actor, at
            ),
            progress,
        )

    def build(
        self, *, actor: str, action: str = "build", progress: Progress | None = None, strict: bool = False
    ) -> KbChange:
        """`basis index build` (and `/kb reload`): publish the knowledge directory as it is, vouching
        for the curated files no change vouched for yet (never imported ones, nor those an
        unfinished change wrote)."""
        target = str(self.settings.knowledge_dir)

        def plan() -> Edit:
            files = unvouched_curated(self.settings.knowledge_dir, Ledger.of(self._stores().audit.rows()))
            return Edit(record(action, target, actor, ""), _nothing, _nothing, files=files)

        return self._change(action, target, actor, plan, progress, strict)

    def sync(
        self,
        *,
        actor: str,
        dry_run: bool = False,
        now: datetime | None = None,
        sleep: Sleep = time.sleep,
        progress: Progress | None = None,
    ) -> SyncReport:
        """`basis sync`, /kb sync and the daily sync: fetch with no lock held, then write what
        changed and rebuild through `change`; a failed source changes nothing of itself."""
        from bot.sync.job import sync_edit

        planned = self.plan_sync(now=now, sleep=sleep)
        planned.report.dry_run = dry_run
        if dry_run or not planned.changes_anything:
            return planned.report
        with self.refusals_logged("sync", planned.target, actor):
            self.change(lambda: sync_edit(planned, actor), progress)
        return planned.report

    def plan_sync(self, *, now: datetime | None = None, sleep: Sleep = time.sleep) -> PlannedSync:
        """Fetch and compare; a synced file an unfinished sync wrote counts as not synced yet
        (hashed only when the trail has unfinished changes at all)."""
        from bot.sync.job import plan_sync

        ledger = Ledger.of(self._stores().audit.rows())
        knowledge = self.settings.knowledge_dir

        def unsettled(path: Path, sha256: str) -> bool:
            return ledger.unsettled(str(path.relative_to(knowledge)), sha256)

        return plan_sync(
            self.settings,
            now=now or datetime.now(UTC),
            sleep=sleep,
            unsettled=unsettled if ledger.pending else None,
        )

    def reload(self, *, actor: str) -> KbChange:
        """/kb reload: publish the knowledge directory as it is (audited like `basis index build`)."""
        return self.build(actor=actor, action="reload")

    # What the knowledge base holds: read-only, no lock.

    def list_documents(self) -> list[DocSummary]:
        """The documents the served index holds, by id."""
        return [
            DocSummary(d.id, d.title, d.source_type, d.path)
            for d in sorted(self._documents().values(), key=lambda d: d.id)
        ]

    def status(self) -> KbStatus:
        """/kb status: the served build, and the files and documents a moderator should look at."""
        index = self._served()
        if index is None:
            raise TypeError("this knowledge base was opened without the index it serves")
        manifest = index.manifest
        return KbStatus(
            documents=manifest["counts"]["documents"],
            chunks=manifest["counts"]["chunks"],
            built_at=manifest["built_at"],
            model=manifest["model"]["name"],
            as_of=manifest.get("knowledge_as_of"),
            folder=str(Path(index.folder)),
            unaudited=tuple(str(p) for p in self.unaudited()),
            quarantined=tuple(str(held["id"]) for held in manifest.get("quarantined", [])),
        )

    def published_manifest(self) -> dict[str, object]:
        """`basis index status`: the manifest of the build `current` names, read without loading it."""
        return store.read_manifest(store.current_folder(self.settings.index_dir))

    def check(self) -> KbCheck:
        """`basis kb check`: the file checks, the twin checks and coverage, and the audit trail's."""
        from bot.indexing.twin_check import review_knowledge

        review = review_knowledge(self.settings.knowledge_dir, chunker_config(self.settings))
        return KbCheck(review.problems + self.unaudited(), review.coverage)

    def twins(self, doc_id: str) -> str:
        """`basis kb twins DOC_ID`: the YAML skeleton of its sentences with no Chinese twin yet."""
        from bot.indexing.quotable import skeleton_for

        return skeleton_for(self.settings.knowledge_dir, doc_id, chunker_config(self.settings))

    @staticmethod
    def read_source(source: str) -> bytes | None:
        """What `basis kb add SOURCE` adds, checked before anything opens: None for an http(s) URL
        (fetched later, under audit), else the named file's bytes; a readable error otherwise."""
        from bot.corpus.fetch import check_scheme, url_scheme
        from bot.corpus.loaders import read_upload

        if url_scheme(source) is not None:
            check_scheme(source)
            return None
        return read_upload(Path(source))


def _intent_lines(edit: Edit) -> list[AuditRecord]:
    """The change's own line, then one per file it vouches for (unless that is the same line)."""
    main = edit.record
    files = [replace(main, target=path, sha256=sha) for path, sha in sorted(edit.files.items())]
    return [main, *(f for f in files if (f.target, f.sha256) != (main.target, main.sha256))]
