"""The shipped knowledge base (copied to tmp) and its own sources.yaml against the stub.

The fake embedder keeps it fast; the build, loaders, schema and checks are the real ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.corpus.check import check_knowledge
from bot.corpus.knowledge import load_knowledge
from bot.corpus.source_changes import source_keys
from bot.indexing.build import build_index
from bot.service import Basis, chunker_config
from bot.settings import Settings
from bot.sync.tracked import load_tracked
from tests.fakes import HashEmbedder
from tests.sync.fixtures import NOW, recorder
from tests.sync.stub import ApiStub, section_xml, version

pytestmark = pytest.mark.integration
KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture
def real(tmp_path: Path, stub: ApiStub) -> Basis:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    tracked = load_tracked(knowledge / "sources.yaml")
    stub.versions = {
        str(p.part): [version(s, str(p.part), f"Section {s}.", "2016-06-03") for s in p.sections]
        for p in tracked.ecfr.parts
    }
    stub.texts = {
        s: section_xml(s, f"Section {s}.", [f"(a) The text of section {s}."], "81 FR 35603, June 3, 2016")
        for p in tracked.ecfr.parts
        for s in p.sections
    }
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        knowledge_dir=knowledge,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        ecfr_api_base=stub.base,
        federal_register_api_base=stub.base,
        congress_api_base=stub.base,
        congress_api_key=None,
    )
    embedder = HashEmbedder()
    build_index(knowledge, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold)
    return Basis.open(settings, embedder=embedder)


def test_the_explainers_citing_an_amended_section_are_flagged(real: Basis, stub: ApiStub) -> None:
    knowledge = real.settings.knowledge_dir
    curated = {p: p.read_bytes() for p in knowledge.rglob("*.md")}
    first = real.kb.sync(actor="test", now=NOW, sleep=recorder([]))
    ecfr, fr, bills = first.sources
    assert len(ecfr.new) == 17 and len(fr.new) == 3 and bills.skipped.startswith("skipped: no API key")
    assert [p for p in check_knowledge(knowledge) if p.field == "sources"] == []

    stub.amend_734_13()
    second = real.kb.sync(actor="test", now=NOW, sleep=recorder([]))
    assert [c.key for s in second.sources for c in s.changed] == ["15 CFR 734.13"]
    flagged = {p.file for p in check_knowledge(knowledge) if p.field == "sources"}
    docs = [d for d in load_knowledge(knowledge).documents if not d.fetched_at]
    citing = {
        d.path
        for d in docs
        if {"ecfr:15:734.13", "ecfr:15:part-734"}
        & {k for r in d.sources for k in source_keys(r.official)[:1]}
    }
    assert "rules/release-and-deemed-export.md" in flagged and len(flagged) >= 5
    assert flagged == citing
    assert {p: p.read_bytes() for p in curated} == curated  # no curated file was touched
