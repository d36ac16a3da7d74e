"""One `basis sync` in two halves: `plan_sync` fetches and compares (no lock, nothing written);
`sync_edit` turns the plan into the knowledge-base edit that `KnowledgeBase.change` applies
under the writer lock, with its intent audited first and the rebuild after.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.corpus.knowledge_store import Edit
from bot.errors import SyncError
from bot.models import record
from bot.settings import Settings
from bot.sync.report import SyncReport
from bot.sync.run import Plan, Sleep, Unsettled, snapshot, sync_sources, write
from bot.sync.state import read_state, state_bytes
from bot.sync.tracked import load_tracked

SOURCES_FILE = "sources.yaml"


def sources_path(settings: Settings) -> Path:
    return settings.sources_file or settings.knowledge_dir / SOURCES_FILE


@dataclass
class PlannedSync:
    """What a fetch found: the report so far, the unapplied plan, and the synced folder's name."""

    report: SyncReport
    plan: Plan
    target: str

    @property
    def changes_anything(self) -> bool:
        return self.plan.files_changed or self.plan.state_changed


def plan_sync(
    settings: Settings, *, now: datetime, sleep: Sleep = time.sleep, unsettled: Unsettled | None = None
) -> PlannedSync:
    """Fetch every tracked source and compare it with the synced copies; writes nothing."""
    tracked = load_tracked(sources_path(settings))
    folder = settings.knowledge_dir / tracked.output
    report, plan = sync_sources(settings, tracked, folder, now, sleep, unsettled)
    return PlannedSync(report, plan, str(folder.relative_to(settings.knowledge_dir)))


def sync_edit(planned: PlannedSync, actor: str) -> Edit:
    """The plan as one edit; refused if another sync changed the folder since it was fetched.

    Its record's sha256 is that of the state file it writes; each written file has its intent
    line (path and sha256) so a sync killed before its outcome leaves files the audit reports.
    """
    plan = planned.plan
    if read_state(plan.folder) != plan.original:
        raise SyncError("Another sync changed the synced copies while this one fetched; run it again.")
    state = state_bytes(plan.state)
    files = {f"{planned.target}/{rel}": hashlib.sha256(data).hexdigest() for rel, data in plan.writes.items()}

    def outcome(build_summary: str) -> str:
        if build_summary:
            planned.report.build = build_summary
        return " | ".join(planned.report.lines())

    return Edit(
        record("sync", planned.target, actor, hashlib.sha256(state).hexdigest()),
        lambda: write(plan),
        snapshot(plan),
        files=files,
        rebuild=plan.files_changed,
        outcome=outcome,
    )
