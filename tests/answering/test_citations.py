"""Pinpoint citations: the section and paragraph a quoted sentence sits in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.citations import Quote, citation_link, number_citations, official_link, path_at, pinpoint
from bot.answering.labels import source_label
from bot.corpus.loaders import load_document
from bot.corpus.references import parse_refs, with_refs
from bot.indexing.chunking import chunk_document
from bot.models import CfrRef, Chunk, Document, FrRef, Passage, UscRef
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


def test_a_citation_carries_the_reference_its_pinpoint_names(
    regulation: tuple[Document, list[Chunk]],
) -> None:
    doc, chunks = regulation
    (chunk,) = [c for c in chunks if "(b) Any release in the United States" in c.text]
    passage = Passage(chunk, doc, 1, 1.0)
    offset = chunk.text.index("(b) Any release")
    _, (citation,) = number_citations([Quote(passage, "Any release", offset)])
    assert citation.pinpoint == "15 CFR 734.13(b)"
    assert citation.refs == (CfrRef(15, 734, "13", ("b",)),)
    assert citation.refs[0].display() == citation.pinpoint


def test_a_citation_of_other_text_carries_its_documents_references(knowledge_dir: Path) -> None:
    doc = load_document(knowledge_dir / "affiliates-rule-suspension.md", knowledge_dir)[0]
    chunk = chunk_document(doc, default_chunker())[0]
    _, (citation,) = number_citations([Quote(Passage(chunk, doc, 1, 1.0), "x")])
    assert citation.pinpoint == "90 FR 47201"
    assert citation.refs == doc.refs == (FrRef(90, 47201),)


def test_a_glossary_citation_links_to_the_first_section_its_entry_cites() -> None:
    glossary = Document("glossary", "Basis glossary", "", "g", "0", "glossary", "Basis glossary")
    source = "50 U.S.C. 4801(6); 15 CFR 734.16"
    chunk = Chunk("g#1", "glossary", "", "Text.", 0, 5, 1, term="in-country transfer", source=source)
    chunk = replace(chunk, refs=parse_refs(source))
    _, (citation,) = number_citations([Quote(Passage(chunk, glossary, 1, 1.0), "Text.")])
    assert citation.refs == (UscRef(50, "4801", ("6",)), CfrRef(15, 734, "16"))
    assert citation_link(citation) == "https://www.ecfr.gov/current/title-15/section-734.16"


@pytest.mark.parametrize(
    ("citation", "link"),
    [
        ("15 CFR 734.13(b)", "https://www.ecfr.gov/current/title-15/section-734.13"),
        ("Supplement No. 4 to 15 CFR part 744", "https://www.ecfr.gov/current/title-15/part-744"),
        ("Part 744; 15 CFR part 744; 15 CFR 744.11", "https://www.ecfr.gov/current/title-15/section-744.11"),
        (
            "50 U.S.C. 4817(b)(1)",
            "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title50-section4817",
        ),
        ("90 FR 47201 (Sept. 30, 2025)", "https://www.federalregister.gov/citation/90-FR-47201"),
        ("FR Doc. 2025-19846; H.R. 2683; 15 CFR; 50 U.S.C. ch. 58", ""),
    ],
)
def test_official_link_of_typed_references(citation: str, link: str) -> None:
    assert official_link(parse_refs(citation)) == link
