"""The required scenario against the stub: import, nothing changed, one section amended."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from bot.corpus.check import check_knowledge
from bot.indexing import store
from bot.knowledge_base import KnowledgeBase
from bot.service import Basis
from bot.sync.state import STATE_FILE
from tests.helpers import front_matter_doc
from tests.sync.fixtures import NOW, recorder
from tests.sync.stub import ApiStub
from tests.timing import PATIENCE


def _sync(basis: Basis, **kwargs):
    return basis.kb.sync(actor="test", now=NOW, sleep=recorder([]), **kwargs)


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "synced" not in p.parts
    }


def test_import_then_unchanged_then_exactly_the_amended_section(basis: Basis, stub: ApiStub) -> None:
    knowledge = basis.settings.knowledge_dir
    first = _sync(basis)
    assert not first.failed
    ecfr, fr, bills = first.sources
    assert ecfr.new == ["15 CFR 734.13", "15 CFR 734.15", "15 CFR 744.11"]
    assert fr.new == ["FR Doc. 2026-17003", "FR Doc. 2026-09002", "FR Doc. 2026-01001"]
    assert "FR Doc. 2026-17003 corrects FR Doc. 2026-01001" in fr.notes
    assert bills.new == ["H.R. 3447 (119th Congress)"]
    assert (knowledge / "synced" / STATE_FILE).is_file()
    assert {"ecfr-15-cfr-734-13", "fr-2026-09002", "bill-119-hr-3447"} <= set(basis.answering.index.documents)
    assert check_knowledge(knowledge) == []  # synced copies pass the schema; nothing is flagged yet

    second = _sync(basis)
    assert [(len(s.new), len(s.changed), len(s.removed), s.unchanged) for s in second.sources] == [
        (0, 0, 0, 3),
        (0, 0, 0, 3),
        (0, 0, 0, 1),
    ]
    assert "nothing changed, not rebuilt" in second.text()

    stub.amend_734_13("2026-11-30")
    third = _sync(basis)
    changed = [c for s in third.sources for c in s.changed]
    assert [c.key for c in changed] == ["15 CFR 734.13"]
    assert changed[0].changed_on == "2026-11-30" and changed[0].diff == "changed (b)"
    assert "15 CFR 734.13 (official text of 2026-11-30; changed (b))" in third.text()
    assert not [s for s in third.sources if s.new or s.removed]

    hits = basis.answering.search("quantum lattice keys release", k=3).passages
    assert hits[0].document.id == "ecfr-15-cfr-734-13" and "quantum lattice keys" in hits[0].chunk.text

    warnings = [p for p in check_knowledge(knowledge) if p.field == "sources"]
    assert [(p.file, p.severity) for p in warnings] == [("deemed-export-explainer.md", "warning")]
    assert (
        "15 CFR 734.13 changed on 2026-11-30, after this document's as_of 2026-11-27" in warnings[0].message
    )

    answer = basis.answering.answer("What is a deemed export to a foreign person?")
    assert "deemed-export-explainer" in {c.passage.document.id for c in answer.citations}
    notices = [w.message for w in answer.warnings if w.code == "source_changed"]
    assert notices == [
        "Deemed exports in plain words: the official text of 15 CFR 734.13 changed on 2026-11-30, after "
        "this explainer was written (as of 2026-11-27); check the current text."
    ]


def test_curated_folders_are_never_written(basis: Basis, stub: ApiStub) -> None:
    knowledge = basis.settings.knowledge_dir
    for folder in ("event", "rules", "bills"):
        (knowledge / folder).mkdir()
        (knowledge / folder / "ecfr-15-cfr-734-13.md").write_text(
            front_matter_doc(f"curated-{folder}"), encoding="utf-8"
        )
    before = _hashes(knowledge)
    _sync(basis)
    stub.amend_734_13()
    _sync(basis)
    assert _hashes(knowledge) == before
    written = {str(p.relative_to(knowledge)) for p in (knowledge / "synced").rglob("*.md")}
    assert "synced/ecfr/ecfr-15-cfr-734-13.md" in written


def test_dry_run_writes_nothing_and_keeps_the_index(basis: Basis, stub: ApiStub) -> None:
    folder = store.current_folder(basis.settings.index_dir)
    report = _sync(basis, dry_run=True)
    assert report.dry_run and report.sources[0].new == ["15 CFR 734.13", "15 CFR 734.15", "15 CFR 744.11"]
    assert "Dry run: nothing was written" in report.text()
    assert not (basis.settings.knowledge_dir / "synced").exists()
    assert store.current_folder(basis.settings.index_dir) == folder


def test_no_request_asks_past_up_to_date_as_of(basis: Basis, stub: ApiStub) -> None:
    _sync(basis)
    full = [r for r in stub.requests if "/full/" in r]
    assert full and all(r.split("/")[5] <= stub.up_to_date_as_of for r in full)
    assert len(full) == 3  # one per tracked section, never for the scheduled 2026-12-15 version
    stub.requests.clear()
    _sync(basis)
    assert not [r for r in stub.requests if "/full/" in r]  # same version ids: no text fetched


def test_questions_use_the_old_index_until_the_sync_build_is_published(
    basis: Basis, stub: ApiStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, building = threading.Event(), threading.Event()
    real_rebuild = KnowledgeBase.rebuild

    def slow_rebuild(self: KnowledgeBase, progress: object = None, *, strict: bool = False) -> object:
        building.set()
        gate.wait(PATIENCE)
        return real_rebuild(self)

    monkeypatch.setattr(KnowledgeBase, "rebuild", slow_rebuild)
    worker = threading.Thread(target=_sync, args=(basis,))
    worker.start()
    try:
        assert building.wait(PATIENCE)
        assert "ecfr-15-cfr-744-11" not in basis.answering.index.documents
        assert basis.answering.answer("What is a deemed export?").citations  # answered meanwhile, old index
    finally:
        gate.set()
        worker.join(PATIENCE)
    assert "ecfr-15-cfr-744-11" in basis.answering.index.documents
