"""What the audit trail vouches for (`bot.corpus.ledger`), from hand-written audit rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.corpus.ledger import Ledger, unaudited, unvouched_curated

NOTE = b"# Note\n\nWidgets need a widget licence.\n"
SHA = hashlib.sha256(NOTE).hexdigest()


def _row(action: str, target: str, sha: str, change: str, outcome: str, actor: str = "mod") -> dict[str, str]:
    return {
        "action": action,
        "target": target,
        "sha256": sha,
        "change": change,
        "outcome": outcome,
        "actor": actor,
    }


def _knowledge(tmp_path: Path, *files: str) -> Path:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(NOTE)
    return tmp_path


def test_a_finished_change_vouches_for_the_files_its_intent_named(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "synced/ecfr/a.md", "rules/b.md")
    rows = [
        _row("build", str(knowledge), "", "b1", "intent"),
        _row("build", "rules/b.md", SHA, "b1", "intent"),
        _row("build", str(knowledge), "", "b1", "Documents: 1 added"),
        _row("sync", "synced", "s", "s1", "intent"),
        _row("sync", "synced/ecfr/a.md", SHA, "s1", "intent"),
        _row("sync", "synced", "s", "s1", "eCFR: 1 new"),
    ]
    assert unaudited(knowledge, rows) == []


def test_files_of_an_unfinished_or_failed_change_are_reported_anywhere(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "synced/ecfr/a.md", "synced/ecfr/c.md")
    rows = [
        _row("sync", "synced/ecfr/a.md", SHA, "s1", "intent", actor="daily sync"),  # killed: no outcome
    ]
    (problem,) = [p for p in unaudited(knowledge, rows) if p.file == "synced/ecfr/a.md"]
    assert "the change by daily sync" in problem.message and "never finished" in problem.message
    assert [p.file for p in unaudited(knowledge, rows)] == ["synced/ecfr/a.md"]  # no baseline yet
    failed = [*rows, _row("sync", "synced", "s", "s1", "failed and undone: disk full")]
    assert [p.file for p in unaudited(knowledge, failed)] == ["synced/ecfr/a.md"]


def test_after_an_audited_build_a_file_with_no_record_is_reported_outside_imported(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "rules/b.md")
    rows = [_row("build", str(knowledge), "", "b1", "intent"), _row("build", str(knowledge), "", "b1", "ok")]
    (problem,) = unaudited(knowledge, rows)
    assert (
        problem.file == "rules/b.md" and "no audit record says who put this version here" in problem.message
    )
    assert unaudited(knowledge, []) == []  # never built through the audited path: not checked


def test_imported_files_are_checked_always_and_legacy_add_lines_still_vouch(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "imported/a.md")
    (problem,) = unaudited(knowledge, [])
    assert "no audit record says who added this file" in problem.message
    legacy = [{"action": "add", "target": "imported/a.md", "sha256": SHA, "outcome": "Documents: …"}]
    assert unaudited(knowledge, legacy) == []


def test_an_unfinished_removal_is_reported_until_a_later_change_finishes(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "rules/b.md")
    rows = [_row("remove", "imported/gone.md", SHA, "r1", "intent", actor="mod#1")]
    (problem,) = unaudited(knowledge, rows)
    assert problem.file == "imported/gone.md" and "may still be served" in problem.message
    later = [*rows, _row("reload", str(knowledge), "", "l1", "intent"), _row("reload", "k", "", "l1", "ok")]
    assert [p.file for p in unaudited(knowledge, later)] == ["rules/b.md"]  # the rebuild unserved it


def test_a_build_vouches_only_for_curated_files_no_change_left_pending(tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path, "rules/b.md", "imported/a.md", "synced/ecfr/a.md", "glossary.yaml")
    pending = [_row("sync", "synced/ecfr/a.md", SHA, "s1", "intent")]
    assert unvouched_curated(knowledge, Ledger.of(pending)) == {"rules/b.md": SHA, "glossary.yaml": SHA}
    unfinished_build = [_row("build", "rules/b.md", SHA, "b1", "intent")]  # a killed build wrote nothing
    assert "rules/b.md" in unvouched_curated(knowledge, Ledger.of(unfinished_build))
