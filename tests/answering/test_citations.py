"""Pinpoint citations: the section and paragraph a quoted sentence sits in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.citations import path_at, pinpoint
from bot.answering.labels import source_label
from bot.corpus.loaders import load_document
from bot.corpus.references import with_refs
from bot.indexing.chunking import chunk_document
from bot.models import Chunk, Document
from tests.helpers import default_chunker


@pytest.fixture
def regulation(knowledge_dir: Path) -> tuple[Document, list[Chunk]]:
    doc = load_document(knowledge_dir / "ecfr-part734-excerpt.md", knowledge_dir)[0]
    return doc, chunk_document(doc, default_chunker())


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("(a) Except as set out elsewhere", "15 CFR 734.13(a)"),
        ("(1) A shipment or transmission", "15 CFR 734.13(a)(1)"),
        ("(i) Mailing a drive", "15 CFR 734.13(a)(1)(i)"),
        ("(ii) Uploading controlled source code", "15 CFR 734.13(a)(1)(ii)"),
        ("(2) Releasing or otherwise transferring", "15 CFR 734.13(a)(2)"),
        ("(b) Any release in the United States", "15 CFR 734.13(b)"),
        ("(1) Visual inspection by a foreign person", "15 CFR 734.15(a)(1)"),
        ("(2) Oral or written exchanges", "15 CFR 734.15(a)(2)"),
    ],
)
def test_pinpoint_from_the_plain_regulation(
    regulation: tuple[Document, list[Chunk]], sentence: str, expected: str
) -> None:
    doc, chunks = regulation
    (chunk,) = [c for c in chunks if sentence in c.text]
    offset = chunk.text.index(sentence)
    assert pinpoint(doc, chunk, offset) == expected
    # Anywhere inside that paragraph gives the same pinpoint.
    assert pinpoint(doc, chunk, offset + len(sentence) - 1) == expected


def test_path_at_reads_the_paragraph_path(regulation: tuple[Document, list[Chunk]]) -> None:
    _, chunks = regulation
    first = chunks[0]
    assert path_at(first, 0) == "§ 734.13 Export. › (a)"
    assert path_at(first, first.text.index("(ii)")) == "§ 734.13 Export. › (a) › (1) › (ii)"


def test_pinpoint_for_a_statute() -> None:
    doc = with_refs(
        Document(
            id="ecra",
            title="50 U.S.C. ch. 58",
            text="§ 4817 Emerging technologies\n\n(b) Review.\n\n(1) The Secretary shall act.\n",
            path="ecra.md",
            sha256="0" * 64,
            source_type="statute",
            citation="50 U.S.C. ch. 58",
        )
    )
    chunk = chunk_document(doc, default_chunker())[0]
    assert pinpoint(doc, chunk, chunk.text.index("(1) The Secretary")) == "50 U.S.C. 4817(b)(1)"


def test_pinpoint_falls_back_to_the_document_citation(knowledge_dir: Path) -> None:
    for name, expected in [
        ("chip-tracking-bill.md", "H.R. 9999 (119th)"),
        ("affiliates-rule-suspension.md", "90 FR 47201"),
        ("deemed-export-explainer.md", "15 CFR 734.13(b)"),
        ("directive-2026.md", "Commerce letter of 2026-06-12 (unpublished)"),
    ]:
        doc = load_document(knowledge_dir / name, knowledge_dir)[0]
        chunk = chunk_document(doc, default_chunker())[0]
        assert pinpoint(doc, chunk, 10) == expected
    untitled = replace(doc, citation="")
    assert pinpoint(untitled, chunk) == untitled.title


@pytest.mark.parametrize(
    ("source_type", "label"),
    [
        ("statute", "law"),
        ("regulation", "regulation"),
        ("rule", "rule"),
        ("guidance", "agency guidance"),
        ("bill", "bill — not law"),
        ("reporting", "reporting"),
        ("analysis", "analysis"),
        ("commentary", "commentary"),
        ("explainer", "explainer"),
    ],
)
def test_source_labels_in_plain_words(source_type: str, label: str) -> None:
    assert source_label(source_type) == label
    assert source_label(source_type, "zh")
