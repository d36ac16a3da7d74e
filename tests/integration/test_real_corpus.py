"""The real offline model on the real shared corpus (../shared/corpus), built once for the module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.corpus.knowledge import document_files
from bot.corpus.loaders import load_document
from bot.indexing.chunking import embed_text
from tests.integration import RealIndex, build_real

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="module")
def real(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> RealIndex:
    return build_real(corpus, tmp_path_factory)


def test_every_shared_file_is_plain_markdown_with_title_and_provenance(corpus: Path) -> None:
    files = list(document_files(corpus))
    assert len(files) >= 20
    for path in files:
        raw = path.read_text("utf-8")
        assert raw.lstrip().startswith("<!--"), f"{path.name}: expected a leading provenance comment"
        doc, problems = load_document(path, corpus)
        assert problems == [], path.name
        assert doc.title.strip() and doc.title != "Untitled", path.name
        assert doc.provenance.strip(), path.name
        assert not doc.text.startswith("<!--"), path.name  # leading comments are provenance, not text
        assert doc.source_type in {
            "statute",
            "regulation",
            "rule",
            "guidance",
            "bill",
            "analysis",
            "commentary",
        }
        assert doc.citation, path.name


def test_build_indexes_every_file(real: RealIndex, corpus: Path) -> None:
    """Over 20 s: the first test to ask for `real`, so its set-up embeds the whole shared corpus
    with the real model (minutes on 2 cores); the module's other tests reuse that index."""
    assert real.report.skipped == []
    assert real.report.documents == len(list(document_files(corpus)))
    assert real.report.chunks == len(real.basis.answering.index.dense) > 0
    assert real.basis.answering.index.manifest["model"]["dimension"] == real.embedder.dimension


def test_every_chunk_fits_the_model_window(real: RealIndex) -> None:
    index = real.basis.answering.index
    limit = real.embedder.max_seq_length
    too_long = [
        (chunk.id, pieces)
        for chunk in index.chunks
        if (pieces := real.embedder.count_word_pieces(embed_text(index.documents[chunk.doc_id], chunk)))
        > limit
    ]
    assert too_long == [], f"chunks over {limit} word pieces"
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text


def test_extractive_answers_are_faithful_on_the_dev_set(real: RealIndex, shared_dir: Path) -> None:
    rows = [
        json.loads(line)
        for line in (shared_dir / "eval" / "dev-corpus.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert rows
    quotes = 0
    for row in rows:
        answer = real.basis.answering.answer(row["question"])
        assert answer.mode in ("extractive", "abstained"), row["id"]
        assert answer.footer or (answer.abstained and not answer.citations)  # a decline cites nothing
        for citation in answer.citations:
            quotes += 1
            passage = citation.passage
            assert citation.quote in passage.chunk.text, (row["id"], citation.quote)
            assert passage.chunk.text in passage.document.text, (row["id"], passage.chunk.id)
            assert f"{' '.join(citation.quote.split())} [{citation.n}]" in answer.text, row["id"]
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert quotes >= len(rows)  # most questions are answered, each with at least one quote
