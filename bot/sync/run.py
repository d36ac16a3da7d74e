"""Run every tracked source, each on its own: fetch, convert, compare, then plan the writes.

Nothing is written while fetching, and no lock is held. A source that fails contributes
nothing to the plan, so it changes nothing of itself and is tried again next time; the others
still sync. A document that could not be written whole (over the size cap, a file name the disk
refuses) is such a failure, found before anything is written. A file an earlier sync wrote but
never finished (killed before its audit outcome) counts as not synced, so it is written again
and audited. `snapshot` keeps what the plan will overwrite, `write` writes it (synced folder
only, each file atomically, the state last).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

from pydantic import SecretStr

from bot.corpus.ledger import file_sha256
from bot.corpus.yaml_text import load_front_matter
from bot.errors import SyncError
from bot.settings import Settings
from bot.sync import congress, ecfr, federal_register
from bot.sync.documents import SyncedDoc, short_diff
from bot.sync.http import ApiClient, SourceFailure
from bot.sync.report import Change, SourceReport, SyncReport
from bot.sync.state import STATE_FILE, Entry, read_state, state_bytes, write_atomically
from bot.sync.tracked import CongressSource, EcfrSource, FederalRegisterSource, TrackedSources

Sleep = Callable[[float], None]
Unsettled = Callable[[Path, str], bool]  # (file, sha256): written by a sync that never finished
NAME_MAX = 250  # bytes in one file name: 255 on Linux, less the ".….tmp" of the atomic write
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Plan:
    """Files to write or delete under the synced folder, and the state entries that go with them."""

    folder: Path
    state: dict[str, Entry]
    writes: dict[str, bytes] = field(default_factory=dict)
    deletes: list[str] = field(default_factory=list)
    original: dict[str, Entry] = field(default_factory=dict)
    max_bytes: int | None = None
    unsettled: Unsettled = lambda file, sha256: False

    @property
    def files_changed(self) -> bool:
        return bool(self.writes or self.deletes)

    @property
    def state_changed(self) -> bool:
        return self.state != self.original


class _Source:
    """Collects one source's report and planned changes; merged into the plan only on success."""

    def __init__(self, name: str, plan: Plan, fetched_at: str) -> None:
        self.report = SourceReport(name)
        self._plan = plan
        self._fetched_at = fetched_at
        self.writes: dict[str, bytes] = {}
        self.deletes: list[str] = []
        self.state: dict[str, Entry | None] = {}

    def old(self, doc_id: str) -> Entry | None:
        """The synced copy on disk, unless missing or written by a sync that never finished."""
        entry = self._plan.state.get(doc_id)
        if entry is None or not (path := self._plan.folder / entry.path).is_file():
            return None
        return None if self._plan.unsettled(path, file_sha256(path)) else entry

    def same_version(self, doc_id: str, version: str) -> bool:
        old = self.old(doc_id)
        if old is not None and old.version == version:
            self.report.unchanged += 1
            return True
        return False

    def offer(self, doc: SyncedDoc) -> None:
        """New, changed or unchanged by content hash; a new version id with the same text is unchanged."""
        old = self.old(doc.doc_id)
        if old is not None and old.sha256 == doc.sha256:
            self.report.unchanged += 1
            self.state[doc.doc_id] = replace(old, version=doc.version)
            return
        self.writes[doc.relpath] = _writable(doc.key, doc.relpath, doc.render(self._fetched_at), self._plan)
        self.state[doc.doc_id] = Entry(
            doc.source,
            doc.key,
            doc.relpath,
            doc.version,
            doc.sha256,
            doc.changed_on.isoformat(),
            self._fetched_at,
        )
        if old is None:
            self.report.new.append(doc.key)
        else:
            before = load_front_matter((self._plan.folder / old.path).read_text("utf-8")).content
            self.report.changed.append(
                Change(doc.key, doc.changed_on.isoformat(), short_diff(before, doc.body))
            )

    def remove(self, doc_id: str) -> None:
        old = self.old(doc_id)
        if old is not None:
            self.deletes.append(old.path)
            self.state[doc_id] = None
            self.report.removed.append(old.key)

    def commit(self) -> None:
        self._plan.writes.update(self.writes)
        self._plan.deletes.extend(self.deletes)
        for doc_id, entry in self.state.items():
            if entry is None:
                self._plan.state.pop(doc_id, None)
            else:
                self._plan.state[doc_id] = entry


def _writable(key: str, relpath: str, data: bytes, plan: Plan) -> bytes:
    """The rendered document, or SourceFailure when it could not be written and served whole."""
    if plan.max_bytes is not None and len(data) > plan.max_bytes:
        raise SourceFailure(
            f"{key}: {len(data):,} bytes is over the {plan.max_bytes:,}-byte limit for one document; "
            "nothing of this source was written, and it is tried again next sync"
        )
    for part in Path(relpath).parts:
        if not SAFE_NAME.match(part) or len(part.encode()) > NAME_MAX:
            raise SourceFailure(
                f"{key}: {part[:80]!r}… is not a usable file name (letters, digits, . _ - and at most "
                f"{NAME_MAX} bytes); nothing of this source was written"
            )
    return data


def sync_sources(
    settings: Settings,
    tracked: TrackedSources,
    folder: Path,
    now: datetime,
    sleep: Sleep = time.sleep,
    unsettled: Unsettled | None = None,
) -> tuple[SyncReport, Plan]:
    """Fetch and compare every tracked source; returns the report and the (unapplied) plan."""
    state = read_state(folder)
    plan = Plan(folder, dict(state), original=state, max_bytes=settings.max_document_bytes)
    if unsettled is not None:
        plan.unsettled = unsettled
    fetched_at = now.isoformat(timespec="seconds")
    report = SyncReport([])
    today = now.date()
    runs: list[tuple[str, Callable[[_Source], None] | None]] = []
    if tracked.ecfr:
        client = partial(_client, settings, "ecfr", sleep)
        runs.append((ecfr.NAME, partial(_ecfr, client, tracked.ecfr)))
    if tracked.federal_register:
        client = partial(_client, settings, "fr", sleep)
        runs.append((federal_register.NAME, partial(_fr, client, tracked.federal_register, today)))
    if tracked.congress:
        client = partial(_client, settings, "congress", sleep)
        bills = partial(_bills, client, tracked.congress, today) if _has(settings.congress_api_key) else None
        runs.append((congress.NAME, bills))
    for name, run in runs:
        out = _Source(name, plan, fetched_at)
        if run is None:
            out.report.skipped = congress.NO_KEY
        else:
            try:
                run(out)
            except SourceFailure as failure:
                out.report = SourceReport(name, failed=str(failure))
            else:
                out.commit()
        report.sources.append(out.report)
    return report, plan


def _has(key: SecretStr | None) -> bool:
    return key is not None and bool(key.get_secret_value().strip())


def _client(settings: Settings, which: str, sleep: Sleep) -> ApiClient:
    base, headers = {
        "ecfr": (settings.ecfr_api_base, {}),
        "fr": (settings.federal_register_api_base, {}),
        "congress": (
            settings.congress_api_base,
            {"X-Api-Key": settings.congress_api_key.get_secret_value()}
            if _has(settings.congress_api_key)
            else {},
        ),
    }[which]
    return ApiClient(
        base,
        timeout=settings.sync_timeout,
        retries=settings.sync_retries,
        max_wait=settings.sync_max_wait,
        headers=headers,
        sleep=sleep,
        max_bytes=2 * settings.max_document_bytes,  # a body carries markup besides the document
    )


def _ecfr(connect: Callable[[], ApiClient], source: EcfrSource, out: _Source) -> None:
    with connect() as client:
        as_of = ecfr.up_to_date_as_of(client, source.title)
        for part in source.parts:
            versions = ecfr.latest_versions(client, source.title, part.part, as_of)
            for section in part.sections:
                version = versions.get(section)
                if version is None:
                    raise SourceFailure(
                        f"{source.title} CFR {section} is not in eCFR's version list of part {part.part}"
                    )
                doc_id = f"ecfr-{source.title}-cfr-{section.replace('.', '-')}"
                if version.removed:
                    out.remove(doc_id)
                elif not out.same_version(doc_id, version.version):
                    body = ecfr.section_text(client, source.title, version, as_of)
                    out.offer(ecfr.to_document(source.title, version, body, as_of))


def _fr(connect: Callable[[], ApiClient], source: FederalRegisterSource, today: date, out: _Source) -> None:
    with connect() as client:
        rows = federal_register.listed(client, source, today)
        dates = {str(r["document_number"]): str(r.get("publication_date")) for r in rows}
        for row in rows:
            number = str(row["document_number"])
            if out.old(f"fr-{number}") is not None:
                out.report.unchanged += 1
                continue
            doc = federal_register.fetch_document(client, number, dates)
            out.offer(doc)
            corrects = federal_register.corrected_number(row)
            if corrects:
                out.report.notes.append(f"FR Doc. {number} corrects FR Doc. {corrects}")


def _bills(connect: Callable[[], ApiClient], source: CongressSource, today: date, out: _Source) -> None:
    with connect() as client:
        for bill in source.bills:
            out.offer(congress.fetch_bill(client, bill, today))


def snapshot(plan: Plan) -> Callable[[], None]:
    """How to undo `write(plan)`: every file it touches as it is now (taken before writing)."""
    folder = plan.folder.resolve()
    before: dict[Path, bytes | None] = {}
    for relpath in [*plan.writes, *plan.deletes, STATE_FILE]:
        path = (folder / relpath).resolve()
        if not path.is_relative_to(folder):
            raise SyncError(f"refusing to write outside {folder}: {relpath}")
        before[path] = path.read_bytes() if path.is_file() else None

    def undo() -> None:
        for path, data in before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, data)

    return undo


def write(plan: Plan) -> None:
    """Write the plan into the synced folder: each file atomically, the state file last."""
    for relpath, data in plan.writes.items():
        write_atomically(plan.folder / relpath, data)
    for relpath in plan.deletes:
        (plan.folder / relpath).unlink(missing_ok=True)
    write_atomically(plan.folder / STATE_FILE, state_bytes(plan.state))
