"""What `KnowledgeBase` says about the knowledge base without changing it: `kb list`, `kb status`,
`index status`, `kb check`, `kb twins` and the source `kb add` is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BasisError
from bot.knowledge_base import KnowledgeBase
from bot.service import Basis
from bot.settings import Settings


def test_the_list_is_the_served_documents_by_id(basis: Basis) -> None:
    listed = basis.kb.list_documents()
    assert [d.id for d in listed] == sorted(basis.answering.index.documents)
    assert all(d.title == basis.answering.index.documents[d.id].title for d in listed)


def test_status_counts_the_served_build(basis: Basis) -> None:
    status = basis.kb.status()
    index = basis.answering.index
    assert (status.documents, status.chunks) == (len(index.documents), len(index.chunks))
    assert status.folder == str(index.folder)


def test_index_status_reads_the_published_manifest_without_loading_it(
    basis: Basis, settings: Settings
) -> None:
    manifest = KnowledgeBase.open(settings).published_manifest()
    assert manifest == basis.answering.index.manifest


def test_a_knowledge_base_opened_alone_has_no_served_index(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings)
    assert kb.list_documents() == []
    with pytest.raises(TypeError, match="without the index"):
        kb.status()


def test_check_adds_the_audit_trails_problems_to_the_file_checks(basis: Basis, settings: Settings) -> None:
    stray = settings.knowledge_dir / "imported" / "stray.md"
    stray.parent.mkdir(exist_ok=True)
    stray.write_text("---\nid: stray\n---\nText.\n", "utf-8")
    found = KnowledgeBase.open(settings).check()
    assert any("stray.md" in str(p) for p in found.problems)
    assert found.coverage == KnowledgeBase.open(settings).check().coverage


def test_twins_is_a_yaml_skeleton_for_one_document(basis: Basis) -> None:
    doc_id = sorted(basis.answering.index.documents)[0]
    skeleton = basis.kb.twins(doc_id)
    assert doc_id in skeleton


def test_a_url_is_checked_and_fetched_later_and_a_file_is_read_now(tmp_path: Path) -> None:
    assert KnowledgeBase.read_source("https://example.org/rule") is None
    with pytest.raises(BasisError):
        KnowledgeBase.read_source("ftp://example.org/rule")
    note = tmp_path / "note.md"
    note.write_bytes(b"# A note\n")
    assert KnowledgeBase.read_source(str(note)) == b"# A note\n"
    with pytest.raises(BasisError):
        KnowledgeBase.read_source(str(tmp_path / "missing.md"))
