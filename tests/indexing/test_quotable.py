"""A document's quotable sentences and the twin-file skeleton `basis kb twins` prints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.corpus.knowledge import load_knowledge
from bot.corpus.twins import parse_twins
from bot.errors import DocumentError
from bot.indexing.chunking import ChunkerConfig
from bot.indexing.quotable import missing_twins, needs_twins, quotable_sentences, skeleton_for, twin_skeleton
from bot.models import Document, twin_key
from tests.helpers import default_chunker

BODY = (
    "## Deemed exports\n\n"
    "A release of technology to a foreign person in the United States is a deemed export.\n"
    "It is treated as an export to that person's most recent country of citizenship.\n\n"
    "Citation: 15 CFR 734.13(b), the deemed export rule.\n\n"
    'A "quoted" sentence with a back\\slash must survive the skeleton.\n'
)


def _doc(text: str = BODY, path: str = "rules/deemed.md", doc_id: str = "deemed") -> Document:
    return Document(id=doc_id, title="Deemed exports", text=text, path=path, sha256="0")


def test_quotable_sentences_are_the_composers_spans_whitespace_collapsed() -> None:
    assert quotable_sentences(_doc(), default_chunker()) == [
        "A release of technology to a foreign person in the United States is a deemed export.",
        "It is treated as an export to that person's most recent country of citizenship.",
        'A "quoted" sentence with a back\\slash must survive the skeleton.',
    ]


def test_a_sentence_repeated_by_chunk_overlap_is_listed_once() -> None:
    text = " ".join(f"Sentence number {n} says something about export licenses." for n in range(60))
    sentences = quotable_sentences(_doc(text), ChunkerConfig(max_tokens=40, overlap=20))
    assert len(sentences) == len(set(sentences)) == 60


def test_the_skeleton_lists_only_missing_twins_and_parses_back() -> None:
    doc = _doc()
    first = quotable_sentences(doc, default_chunker())[0]
    doc = replace(doc, twins=((twin_key(first), "向美国境内的外国人员发布技术即为视同出口。"),))
    assert first not in missing_twins(doc, default_chunker())
    skeleton = twin_skeleton(doc, default_chunker())
    assert skeleton.startswith("# Chinese twins of rules/deemed.md\n")
    parsed, problems = parse_twins(skeleton.encode(), "zh/deemed.yaml")
    assert problems == []
    assert parsed is not None
    assert [s.en for s in parsed.sentences] == missing_twins(doc, default_chunker())
    assert all(s.zh == "" for s in parsed.sentences)


def test_a_fully_translated_document_has_an_empty_skeleton() -> None:
    doc = _doc()
    doc = replace(
        doc, twins=tuple((twin_key(s), "译文。") for s in quotable_sentences(doc, default_chunker()))
    )
    parsed, problems = parse_twins(twin_skeleton(doc, default_chunker()).encode(), "zh/deemed.yaml")
    assert problems == [] and parsed is not None and parsed.sentences == []


def test_the_glossary_and_uploads_take_no_twins() -> None:
    assert needs_twins(_doc())
    assert not needs_twins(_doc(doc_id="glossary", path="glossary.yaml"))
    assert not needs_twins(_doc(path="imported/upload.md"))
    assert not needs_twins(replace(_doc(), source_type="regulation"))
    assert not needs_twins(replace(_doc(), fetched_at="2026-12-01T00:00:00+00:00"))


def test_skeleton_for_an_unknown_id_says_so(knowledge_dir: Path) -> None:
    with pytest.raises(DocumentError, match="'nope'"):
        skeleton_for(knowledge_dir, "nope", default_chunker())


def test_kb_twins_prints_the_skeleton(knowledge_dir: Path) -> None:
    doc = next(d for d in load_knowledge(knowledge_dir).documents if needs_twins(d))
    (knowledge_dir / "zh" / f"{doc.id}.yaml").unlink()  # the fixture's twins are complete
    result = CliRunner().invoke(app, ["kb", "twins", doc.id, "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 0, result.output
    parsed, problems = parse_twins(result.stdout.encode(), f"zh/{doc.id}.yaml")
    assert problems == [] and parsed is not None
    assert [s.en for s in parsed.sentences] == quotable_sentences(doc, default_chunker())


ZH_SUMMARY = "视同出口是指在美国境内向外国人员发布受管制技术或源代码的行为，它被视为向该人员的国籍国出口。"


def test_chinese_sentences_of_a_document_take_no_twin() -> None:
    doc = _doc(f"{BODY}\n## 中文摘要\n\n{ZH_SUMMARY}\n")
    assert ZH_SUMMARY in quotable_sentences(doc, default_chunker())
    assert missing_twins(doc, default_chunker()) == quotable_sentences(_doc(), default_chunker())


def test_a_key_of_digits_alone_stays_text_in_the_skeleton() -> None:
    sentence = "People acting on behalf of such an entity can be listed too."
    assert twin_key(sentence).isdigit()  # 815523426765: unquoted, YAML would read an int
    parsed, problems = parse_twins(
        twin_skeleton(_doc(f"## Listing\n\n{sentence}\n"), default_chunker()).encode(), "zh/deemed.yaml"
    )
    assert problems == [] and parsed is not None
    assert [s.key for s in parsed.sentences] == [twin_key(sentence)]
