"""The required scenario against the stub: import, nothing changed, one section amended."""

from __future__ import annotations

from bot.corpus.check import check_knowledge
from bot.service import Basis
from bot.sync.state import STATE_FILE
from tests.sync.conftest import NOW, recorder
from tests.sync.stub import ApiStub


def _sync(basis: Basis, **kwargs):
    return basis.sync(actor="test", now=NOW, sleep=recorder([]), **kwargs)


def test_import_then_unchanged_then_exactly_the_amended_section(basis: Basis, stub: ApiStub) -> None:
    knowledge = basis.settings.knowledge_dir
    first = _sync(basis)
    print(first.text())
    assert not first.failed
    ecfr, fr, bills = first.sources
    assert ecfr.new == ["15 CFR 734.13", "15 CFR 734.15", "15 CFR 744.11"]
    assert fr.new == ["FR Doc. 2026-17003", "FR Doc. 2026-09002", "FR Doc. 2026-01001"]
    assert "FR Doc. 2026-17003 corrects FR Doc. 2026-01001" in fr.notes
    assert bills.new == ["H.R. 3447 (119th Congress)"]
    assert (knowledge / "synced" / STATE_FILE).is_file()
    assert "fr-2026-09002" in basis.index.documents

    second = _sync(basis)
    print(second.text())
    assert [(len(s.new), len(s.changed), len(s.removed)) for s in second.sources] == [(0, 0, 0)] * 3
    assert "nothing changed, not rebuilt" in second.text()

    stub.amend_734_13("2026-11-30")
    third = _sync(basis)
    print(third.text())
    changed = [c for s in third.sources for c in s.changed]
    assert [c.key for c in changed] == ["15 CFR 734.13"]
    assert changed[0].changed_on == "2026-11-30" and changed[0].diff == "changed (b)"
    hits = basis.search("quantum lattice keys release", k=3).passages
    assert hits[0].document.id == "ecfr-15-cfr-734-13" and "quantum lattice keys" in hits[0].chunk.text
    warnings = [p for p in check_knowledge(knowledge) if p.field == "sources"]
    assert [p.file for p in warnings] == ["deemed-export-explainer.md"]
    assert "changed on 2026-11-30" in warnings[0].message
    answer = basis.answer("What is a deemed export to a foreign person?")
    print(answer.text, answer.warnings, [c.passage.document.id for c in answer.citations])
