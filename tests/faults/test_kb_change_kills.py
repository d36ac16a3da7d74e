"""Issue 22 item 2 and issue 23 item 4: a sync and a CLI build killed with SIGKILL at each step of
`KnowledgeBase.change` leave the served index and the audit trail consistent.

Consistent means: the index still opens (the old build or the new one, never a mix); the audit
trail has no torn line; every file the served index was built from that no finished change
vouches for is reported by `unaudited` (kb status, kb check, the build's warnings); and the next
run of the same command settles everything, leaving nothing unaudited.

Each case is a real child process that stalls at one step (a patched function prints the step
and sleeps) and is killed there with SIGKILL, as a crash or an OOM kill would.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.corpus.ledger import Ledger
from bot.indexing import store
from bot.knowledge_base import KnowledgeBase
from bot.records.audit import FileAuditLog
from bot.service import Basis
from bot.settings import Settings
from tests.sync.fixtures import NOW, basis, recorder, stub, sync_settings
from tests.sync.stub import KEY, ApiStub
from tests.timing import PATIENCE

pytestmark = pytest.mark.faults
__all__ = ["basis", "stub", "sync_settings"]

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys, time
from datetime import datetime, UTC
from pathlib import Path
import bot.indexing.builds, bot.sync.job, bot.sync.run
from bot.knowledge_base import KnowledgeBase
from bot.records.stores import open_stores
from bot.settings import load_settings
from pydantic import SecretStr
from tests.fakes import HashEmbedder

command, step, knowledge, index, data, api = sys.argv[1:7]
settings = load_settings(
    knowledge_dir=Path(knowledge), index_dir=Path(index), data_dir=Path(data), ecfr_api_base=api,
    federal_register_api_base=api, congress_api_base=api, congress_api_key=SecretStr(sys.argv[7]),
    _env_file=None,
)

def stall():
    print(step, flush=True)
    time.sleep(120)

def stalled(real=None, after=0):
    calls = []
    def patched(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            if step == "published":
                real(*args, **kwargs)
            stall()
        return real(*args, **kwargs)
    return patched

if step == "intent":  # intent lines on disk, nothing written
    bot.sync.job.write = stalled()
    KnowledgeBase.rebuild = lambda self, progress=None, strict=False: stall()
elif step == "writing":  # one file written, the others and the state not yet
    bot.sync.run.write_atomically = stalled(bot.sync.run.write_atomically, after=1)
elif step == "rebuild":  # every file written, the index not yet rebuilt
    KnowledgeBase.rebuild = lambda self, progress=None, strict=False: stall()
elif step == "published":  # the new index published, the outcome line not yet written
    bot.indexing.builds.publish = stalled(bot.indexing.builds.publish)

kb = KnowledgeBase(settings, HashEmbedder, lambda: open_stores(settings))
if command == "sync":
    kb.sync(actor="killed", now=datetime(2026, 12, 1, 6, tzinfo=UTC), sleep=lambda s: None)
else:
    kb.build(actor="killed")
print("finished", flush=True)
"""
SYNC_STEPS = ["intent", "writing", "rebuild", "published"]
BUILD_STEPS = ["intent", "published"]


def _kill_at(command: str, step: str, settings: Settings, api: str) -> None:
    args = [str(settings.knowledge_dir), str(settings.index_dir), str(settings.data_dir), api, KEY]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, command, step, *args],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == step.encode()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(PATIENCE)
    assert child.returncode == -signal.SIGKILL


def _served_paths(basis: Basis) -> dict[str, str]:
    """path → sha256 of every file the served index was built from, read fresh from disk."""
    fresh = Basis.open(basis.settings, embedder=basis.embedder)
    knowledge = basis.settings.knowledge_dir
    return {
        d.path: hashlib.sha256((knowledge / d.path).read_bytes()).hexdigest()
        for d in fresh.answering.index.documents.values()
        if (knowledge / d.path).is_file()
    }


def _assert_consistent(basis: Basis) -> None:
    log = FileAuditLog(basis.settings.data_dir)
    assert log.unreadable() == []
    store.current_folder(basis.settings.index_dir)  # the published index still opens
    ledger = Ledger.of(log.rows())
    reported = {p.file for p in basis.kb.unaudited()}
    for path, sha in _served_paths(basis).items():
        assert ledger.vouches(path, sha) or path in reported, f"{path} is served but not vouched for"


@pytest.mark.parametrize("step", SYNC_STEPS)
def test_a_sync_killed_at_each_step_leaves_index_and_audit_consistent(
    basis: Basis, stub: ApiStub, step: str
) -> None:
    basis.kb.reload(actor="setup")  # the audited baseline: every curated file vouched for
    before = dict(basis.answering.index.documents)
    _kill_at("sync", step, basis.settings, stub.base)

    _assert_consistent(basis)
    served = Basis.open(basis.settings, embedder=basis.embedder).answering.index.documents
    if step != "published":
        assert served.keys() == before.keys()  # nothing new is served before the publish
    else:
        assert "ecfr-15-cfr-744-11" in served  # served, and therefore reported until a sync finishes
    rows = FileAuditLog(basis.settings.data_dir).rows()
    sync_rows = [r for r in rows if r["action"] == "sync"]
    assert sync_rows and all(r["outcome"] == "intent" for r in sync_rows)  # on disk before any file
    if step in ("writing", "rebuild", "published"):
        assert any("synced/" in p.file and "never finished" in p.message for p in basis.kb.unaudited())

    report = basis.kb.sync(actor="again", now=NOW, sleep=recorder([]))  # the next sync settles it
    assert not report.failed
    assert basis.kb.unaudited() == []
    assert {
        "ecfr-15-cfr-734-13",
        "ecfr-15-cfr-734-15",
        "ecfr-15-cfr-744-11",
    } <= basis.answering.index.documents.keys()
    assert FileAuditLog(basis.settings.data_dir).rows()[-1]["actor"] == "again"


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_cli_build_killed_at_each_step_leaves_index_and_audit_consistent(
    basis: Basis, stub: ApiStub, step: str
) -> None:
    basis.kb.reload(actor="setup")
    new = basis.settings.knowledge_dir / "dropped-note.md"
    new.write_text("# Dropped note\n\nWidgets bound for Ruritania need a widget licence.\n", "utf-8")
    (problem,) = basis.kb.unaudited()  # a curated file no audited build published yet
    assert problem.file == "dropped-note.md" and "no audit record" in problem.message
    _kill_at("build", step, basis.settings, stub.base)

    _assert_consistent(basis)
    build_rows = [r for r in FileAuditLog(basis.settings.data_dir).rows() if r["actor"] == "killed"]
    assert {r["target"] for r in build_rows} == {str(basis.settings.knowledge_dir), "dropped-note.md"}
    assert all(r["outcome"] == "intent" for r in build_rows)
    (problem,) = basis.kb.unaudited()
    assert problem.file == "dropped-note.md"

    change = KnowledgeBase(basis.settings, lambda: basis.embedder, lambda: basis.records.stores).build(
        actor="cli"
    )
    assert change.notes == ()
    assert basis.kb.unaudited() == []
    assert "dropped-note" in Basis.open(basis.settings, embedder=basis.embedder).answering.index.documents
