"""Chunks follow the text's structure, stay inside the token budget and point back at exact spans."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.corpus.loaders import load_document
from bot.indexing.chunking import ChunkerConfig, chunk_document, embed_text
from bot.indexing.tokens import count_tokens
from bot.models import Chunk, Document
from tests.helpers import default_chunker

SEP = " › "


def _doc(text: str, title: str = "Test document", doc_id: str = "test-doc") -> Document:
    return Document(id=doc_id, title=title, text=text, path=f"{doc_id}.md", sha256="0" * 64)


def _regulation(knowledge_dir: Path) -> Document:
    return load_document(knowledge_dir / "ecfr-part734-excerpt.md", knowledge_dir)[0]


def _assert_well_formed(doc: Document, chunks: list[Chunk], config: ChunkerConfig) -> None:
    assert chunks, "a document with text must give at least one chunk"
    for n, chunk in enumerate(chunks):
        assert chunk.id == f"{doc.id}#{n}"
        assert chunk.doc_id == doc.id
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert chunk.tokens == count_tokens(embed_text(doc, chunk))
        assert chunk.tokens <= config.max_tokens, (chunk.id, chunk.tokens)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


def test_regulation_heading_paths(knowledge_dir: Path) -> None:
    doc = _regulation(knowledge_dir)
    config = default_chunker()
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    headings = [c.heading for c in chunks]
    assert headings == [
        "§ 734.13 Export. › (a)",
        "§ 734.13 Export. › (b)",
        "§ 734.15 Release. › (a)",
    ]
    # The title heading (`# 15 CFR Part 734 …`) is the document title, not part of any path.
    assert not any("15 CFR Part 734" in h for h in headings)
    (b,) = [c for c in chunks if c.heading == "§ 734.13 Export. › (b)"]
    assert b.text.startswith("(b) Any release in the United States")
    assert b.text.endswith("permanent residency.")


def test_paragraph_paths_recorded_inside_a_chunk(knowledge_dir: Path) -> None:
    doc = _regulation(knowledge_dir)
    first = chunk_document(doc, default_chunker())[0]
    assert [a.path for a in first.anchors] == [
        "§ 734.13 Export. › (a)",
        "§ 734.13 Export. › (a) › (1)",
        "§ 734.13 Export. › (a) › (1) › (i)",
        "§ 734.13 Export. › (a) › (1) › (ii)",
        "§ 734.13 Export. › (a) › (2)",
    ]
    # Each anchor offset is where its paragraph starts in the chunk text.
    for anchor in first.anchors:
        marker = anchor.path.rsplit(SEP, 1)[-1]
        assert first.text[anchor.offset :].startswith(marker)


def test_sections_never_share_a_chunk(knowledge_dir: Path) -> None:
    doc = _regulation(knowledge_dir)
    release_start = doc.text.index("§ 734.15 Release.")
    for config in (default_chunker(), ChunkerConfig(max_tokens=60, overlap=8)):
        for chunk in chunk_document(doc, config):
            in_release = chunk.heading.startswith("§ 734.15")
            assert (chunk.start > release_start) == in_release
            assert "§ 734.1" not in chunk.text  # the section line is a boundary, not chunk text


def test_small_budget_splits_at_paragraphs(knowledge_dir: Path) -> None:
    doc = _regulation(knowledge_dir)
    config = ChunkerConfig(max_tokens=60, overlap=8)
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    for chunk in chunks:
        if chunk.text.startswith("("):  # a paragraph starts here (not a size-split continuation)
            marker = chunk.text[: chunk.text.index(")") + 1]
            assert chunk.heading.endswith(SEP + marker), (chunk.heading, chunk.text[:40])
    headings = {c.heading for c in chunks}
    assert "§ 734.13 Export. › (b)" in headings
    assert "§ 734.13 Export. › (a) › (2)" in headings
    assert "§ 734.15 Release. › (a) › (2)" in headings


def test_markdown_headings_nest_and_reset() -> None:
    text = (
        "# Test document\n\nIntro paragraph before any section.\n\n"
        "## Licences\n\nWhen a licence is needed.\n\n"
        "### Exceptions\n\nWhen no licence is needed.\n\n"
        "## Penalties\n\nWhat happens on a violation.\n"
    )
    doc = _doc(text)
    config = default_chunker()
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    assert [(c.heading, c.text) for c in chunks] == [
        ("", "Intro paragraph before any section."),
        ("Licences", "When a licence is needed."),
        ("Licences › Exceptions", "When no licence is needed."),
        ("Penalties", "What happens on a violation."),
    ]
    assert embed_text(doc, chunks[2]) == "Test document\nLicences › Exceptions\nWhen no licence is needed."
    assert embed_text(doc, chunks[0]) == "Test document\nIntro paragraph before any section."


def test_markdown_section_headings_like_the_ecfr_mirror() -> None:
    text = (
        "# 15 CFR Part 734 — Scope\n\n"
        "##### § 734.13 Export. #####\n\n(a) Export means a shipment.\n\n"
        "(b) A release is a deemed export.\n\n"
        "##### § 734.15 Release. #####\n\n(a) Technology is released by inspection.\n"
    )
    doc = _doc(text, title="15 CFR Part 734 — Scope")
    chunks = chunk_document(doc, ChunkerConfig(max_tokens=30, overlap=4))
    assert [c.heading for c in chunks] == [
        "§ 734.13 Export. › (a)",
        "§ 734.13 Export. › (b)",
        "§ 734.15 Release. › (a)",
    ]


def test_fixture_documents_chunk_on_their_sections(knowledge_dir: Path) -> None:
    doc = load_document(knowledge_dir / "deemed-export-explainer.md", knowledge_dir)[0]
    config = default_chunker()
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    assert [c.heading for c in chunks] == ["What a deemed export is", "Who needs a licence"]
    assert all("##" not in c.text for c in chunks)


@pytest.mark.parametrize("max_tokens", [40, 80, 200])
def test_oversize_paragraph_is_split_at_sentences_within_budget(max_tokens: int) -> None:
    sentences = [
        f"Sentence number {i} explains how a release of controlled technology to a foreign person works."
        for i in range(40)
    ]
    doc = _doc("## Long section\n\n" + " ".join(sentences) + "\n")
    config = ChunkerConfig(max_tokens=max_tokens, overlap=8)
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    assert len(chunks) > 1
    assert all(c.heading == "Long section" for c in chunks)
    # Cut at sentence ends: every piece starts a sentence and ends one.
    assert all(c.text.startswith("Sentence number") and c.text.endswith("works.") for c in chunks)
    # Nothing lost: together the pieces cover every sentence.
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_text_without_sentence_ends_falls_back_to_token_windows() -> None:
    words = " ".join(f"word{i}" for i in range(900))
    doc = _doc(f"## Run-on\n\n{words}\n")
    config = ChunkerConfig(max_tokens=100, overlap=10)
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    assert len(chunks) >= 9
    assert chunks[0].text.startswith("word0") and chunks[-1].text.endswith("word899")
    # Windows overlap, so no text is dropped between them.
    for left, right in itertools.pairwise(chunks):
        assert right.start < left.end


def test_chinese_and_special_token_text_is_counted_safely() -> None:
    doc = _doc("## 中文要点\n\n在美国境内向外国人释放受控技术视同出口。<|endoftext|> 不是特殊标记。\n")
    config = default_chunker()
    chunks = chunk_document(doc, config)
    _assert_well_formed(doc, chunks, config)
    assert chunks[0].heading == "中文要点"
    assert "<|endoftext|>" in chunks[0].text


def test_empty_sections_give_no_empty_chunks() -> None:
    doc = _doc("## Empty\n\n## Also empty\n\n## Full\n\nOnly this section has text.\n")
    chunks = chunk_document(doc, default_chunker())
    assert [(c.heading, c.text) for c in chunks] == [("Full", "Only this section has text.")]


def test_a_token_window_of_only_whitespace_makes_no_chunk() -> None:
    """Found by the property tests: an oversize run ending in a lone "\\r" gave an empty chunk."""
    text = "0:0:0000:0< 0:0:0:0:\x81\x81\U00010000\U00010000\U0001e000\U0001e000\r"
    chunks = chunk_document(_doc(text), ChunkerConfig(max_tokens=40, overlap=0))
    assert chunks and all(c.text.strip() and c.start < c.end for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_a_title_longer_than_the_chunk_still_leaves_room_for_the_text() -> None:
    """Found by the property tests: a title that used up the whole budget made it negative."""
    title = " ".join(f"S. {n}:0:J0" for n in range(40))
    words = " ".join(f"word{i}" for i in range(120))
    doc = _doc(f"{words}\n", title=title)
    config = ChunkerConfig(max_tokens=40, overlap=8)
    assert count_tokens(title) > config.max_tokens
    chunks = chunk_document(doc, config)
    assert chunks and all(c.text.strip() for c in chunks)
    assert all(count_tokens(c.text) <= config.max_tokens // 4 for c in chunks)
    assert chunks[0].text.startswith("word0") and chunks[-1].text.endswith("word119")
