"""A document's quotable sentences, and the skeleton of the twin file its translators fill in.

The composer quotes sentences of chunks, not of whole documents, so the sentences that need a
Chinese twin are found the same way: chunk the document as the index does, then keep the
spans `quotable_spans` allows. A sentence repeated by chunk overlap is listed once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.corpus.glossary_file import DOC_ID as GLOSSARY_ID
from bot.corpus.knowledge import IMPORTED, load_knowledge
from bot.corpus.quotable import quotable_spans
from bot.errors import DocumentError
from bot.indexing.chunking import ChunkerConfig, chunk_document
from bot.models import Document, twin_key
from bot.text import detect_language


def needs_twins(doc: Document) -> bool:
    """Whether the writers owe this document Chinese twins: every curated document written in
    the knowledge base's own words. Official text (a regulation, a copy `basis sync` fetched) is
    the law and stays English; the glossary carries its own Chinese (`definition_zh`); moderators'
    uploads are quoted as they are."""
    return not (
        doc.id == GLOSSARY_ID
        or Path(doc.path).parts[:1] == (IMPORTED,)
        or doc.source_type == "regulation"
        or doc.fetched_at
    )


def quotable_sentences(doc: Document, config: ChunkerConfig) -> list[str]:
    """Every sentence of `doc` the composer may quote, whitespace collapsed, in document order."""
    sentences: dict[str, str] = {}
    for chunk in chunk_document(doc, config):
        for a, b in quotable_spans(chunk.text):
            sentence = re.sub(r"\s+", " ", chunk.text[a:b]).strip()
            sentences.setdefault(twin_key(sentence), sentence)
    return list(sentences.values())


def twinned_sentences(doc: Document, config: ChunkerConfig) -> list[str]:
    """The quotable sentences that take a Chinese twin: the English ones (a Chinese summary
    sentence in the document is already what a Chinese asker reads)."""
    return [s for s in quotable_sentences(doc, config) if detect_language(s) == "en"]


def missing_twins(doc: Document, config: ChunkerConfig) -> list[str]:
    """The quotable English sentences of `doc` that have no Chinese twin yet."""
    have = {key for key, _ in doc.twins}
    return [s for s in twinned_sentences(doc, config) if twin_key(s) not in have]


def twin_skeleton(doc: Document, config: ChunkerConfig) -> str:
    """The YAML of `zh/<id>.yaml` for the sentences still missing a twin, `zh` left empty.

    Strings are written as JSON strings, which YAML reads as double-quoted scalars, so any
    quote or backslash in a sentence survives the round trip."""
    missing = missing_twins(doc, config)
    lines = [
        f"# Chinese twins of {doc.path}",
        f"document: {json.dumps(doc.id)}",
        "sentences:" if missing else "sentences: []",
    ]
    for sentence in missing:
        lines += [
            f'  - key: "{twin_key(sentence)}"',  # quoted: a key of digits alone would read as a number
            f"    en: {json.dumps(sentence, ensure_ascii=False)}",
            '    zh: ""',
        ]
    return "\n".join(lines) + "\n"


def skeleton_for(knowledge_dir: Path, doc_id: str, config: ChunkerConfig) -> str:
    """`basis kb twins DOC_ID`: the skeleton for one document of the knowledge directory."""
    documents = {doc.id: doc for doc in load_knowledge(knowledge_dir).documents}
    doc = documents.get(doc_id)
    if doc is None:
        raise DocumentError(f"No document in {knowledge_dir} has the id {doc_id!r} (see `basis kb list`).")
    if not needs_twins(doc):
        raise DocumentError(f"{doc_id!r} takes no twins: the glossary and uploaded files are not translated.")
    return twin_skeleton(doc, config)
