"""One `basis sync`: fetch and compare, write what changed, re-index, audit; undo if the build fails.

The caller holds the knowledge-base writer lock and passes the rebuild (the service's, which
publishes the new index atomically, so questions are answered from the old one until then).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.models import record
from bot.records.audit import AuditLog
from bot.settings import Settings
from bot.sync.report import SyncReport
from bot.sync.run import Sleep, apply, sync_sources
from bot.sync.state import STATE_FILE
from bot.sync.tracked import load_tracked

SOURCES_FILE = "sources.yaml"


def sources_path(settings: Settings) -> Path:
    return settings.sources_file or settings.knowledge_dir / SOURCES_FILE


def run_sync(
    settings: Settings,
    rebuild: Callable[[], str] | None,
    *,
    actor: str,
    now: datetime,
    dry_run: bool = False,
    sleep: Sleep = time.sleep,
    audit: AuditLog | None = None,
) -> SyncReport:
    """Sync every tracked source; `rebuild` (returning its summary) runs only when files changed,
    and the outcome goes to `audit`. Without both it is a dry run."""
    tracked = load_tracked(sources_path(settings))
    folder = settings.knowledge_dir / tracked.output
    report, plan = sync_sources(settings, tracked, folder, now, sleep)
    report.dry_run = dry_run or rebuild is None or audit is None
    if report.dry_run or audit is None or not (plan.files_changed or plan.state_changed):
        return report
    undo = apply(plan)
    target = str(folder.relative_to(settings.knowledge_dir))
    entry = record("sync", target, actor, _digest(folder / STATE_FILE))
    if plan.files_changed:
        try:
            report.build = rebuild()
        except Exception as exc:
            undo()
            audit.append(entry, f"failed and undone: {exc}")
            raise
    audit.append(entry, " | ".join(report.lines()))
    return report


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
