"""The real curated knowledge base (knowledge/): schema, sources, honesty markers, glossary coverage.

These tests read the shipped files, not the fixture, so a careless edit to knowledge/ fails CI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import pytest
import yaml

from bot.corpus.check import check_knowledge
from bot.corpus.glossary_file import FILE_NAME, REQUIRED_KEYS, GlossaryEntry
from bot.corpus.knowledge import document_files, load_knowledge
from bot.corpus.schema import REQUIRED, validate_front_matter
from bot.glossary import Glossary
from bot.indexing.lexical import Tokenizer
from bot.models import SOURCE_TYPES, Document
from bot.retrieval.expansion import translate

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
FILES = sorted(document_files(KNOWLEDGE)) if KNOWLEDGE.is_dir() else []
HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_DOCUMENTS = 35
MIN_TERMS = 60

# How the documents say that something was not made public (read from the event documents).
NOT_PUBLIC = re.compile(
    r"not been (?:officially |publicly |formally )?(?:made public|published|released|disclosed)"
    r"|\bnot (?:officially |publicly )?(?:public|published|released|disclosed)\b"
    r"|\bnever (?:been )?(?:officially |publicly )?(?:published|released|made public|disclosed)"
    r"|\bno federal register\b"
    r"|\b(?:not|never|no [a-z ]{1,40}?) publicly (?:explained|said|stated)",
    re.IGNORECASE,
)
SAYS_IT_IS_A_BILL = re.compile(r"\bis (?:only |still )?a bill\b[^.]*?\bnot (?:yet )?(?:a )?law\b", re.I)


def _name(path: Path) -> str:
    return str(path.relative_to(KNOWLEDGE))


def _post(path: Path) -> frontmatter.Post:
    return frontmatter.loads(path.read_text("utf-8"))


def _metadata(path: Path) -> Document:
    """The document as its front matter describes it (the status a timeline records included)."""
    post = _post(path)
    meta, problems = validate_front_matter(post.metadata, _name(path))
    assert meta is not None, [str(p) for p in problems]
    return meta.document(post.content, _name(path), "")


def _files_where(test: Callable[[dict[str, Any]], bool]) -> list[Path]:
    return [p for p in FILES if p.read_text("utf-8").startswith("---") and test(_post(p).metadata)]


def _first_section(body: str) -> str:
    sections = re.split(r"(?m)^## ", body.strip())
    return sections[1] if body.strip().startswith("## ") else sections[0]


def test_the_knowledge_directory_is_there() -> None:
    assert KNOWLEDGE.is_dir(), KNOWLEDGE
    assert FILES


def test_kb_check_reports_no_errors() -> None:
    errors = [str(p) for p in check_knowledge(KNOWLEDGE) if p.severity == "error"]
    assert errors == []
    loaded = load_knowledge(KNOWLEDGE)
    assert loaded.skipped == []


def test_enough_documents_and_terms() -> None:
    loaded = load_knowledge(KNOWLEDGE)
    documents = [d for d in loaded.documents if d.source_type != "glossary"]
    assert len(documents) >= MIN_DOCUMENTS
    assert len(documents) == len(FILES)
    assert len(loaded.glossary.entries) >= MIN_TERMS


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_front_matter_follows_the_schema(path: Path) -> None:
    raw = path.read_text("utf-8")
    assert raw.startswith("---\n"), "every document starts with YAML front matter"
    post = frontmatter.loads(raw)
    missing = [key for key in REQUIRED if key not in post.metadata]
    assert missing == []
    meta, problems = validate_front_matter(post.metadata, _name(path))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert meta is not None
    assert meta.id == path.stem
    assert meta.source_type in SOURCE_TYPES and meta.source_type != "glossary"
    assert isinstance(meta.as_of, date)
    assert meta.title and meta.citation and meta.url.startswith("https://")
    assert meta.topics and all(t == t.lower() for t in meta.topics)
    assert HAN.search(meta.summary_zh) and "\n" not in meta.summary_zh  # one line of Chinese
    assert post.content.strip().startswith("## "), "the body is made of ## sections"
    if meta.status is not None:
        assert meta.status.date is not None, "a status says when it began"


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_a_source_with_url_and_date(path: Path) -> None:
    meta = _metadata(path)
    dated = [s for s in meta.sources if s.url.startswith(("http://", "https://")) and s.date]
    assert dated, "at least one source needs both a url and a date"
    assert all(s.title.strip() for s in meta.sources)


def test_source_dates_are_stated_dates() -> None:
    # A date the source does not give (a consulted date, a guess) is written `undated`.
    flagged = [str(p) for p in check_knowledge(KNOWLEDGE) if re.search(r"sources\[\d+\]\.date$", p.field)]
    assert flagged == []


@pytest.mark.parametrize("path", _files_where(lambda m: m.get("legal_basis") == "not_public"), ids=_name)
def test_not_public_documents_say_what_is_not_public(path: Path) -> None:
    body = _post(path).content
    found = NOT_PUBLIC.search(body)
    assert found, "a legal_basis: not_public document must say in its text what has not been made public"


def test_there_are_not_public_documents() -> None:
    # The directive's legal basis was never published; the event documents must carry that.
    assert len(_files_where(lambda m: m.get("legal_basis") == "not_public")) >= 3


@pytest.mark.parametrize("path", _files_where(lambda m: m.get("source_type") == "bill"), ids=_name)
def test_bills_are_labelled_as_bills(path: Path) -> None:
    meta = _metadata(path)
    assert meta.status is not None and meta.status.state == "proposed"
    assert meta.status.date is not None
    first = _first_section(_post(path).content)
    assert SAYS_IT_IS_A_BILL.search(first), "the first section says the bill is not law"
    # The status date is the latest recorded action, which the first section reports.
    assert meta.status.date.isoformat() in first


def test_there_are_bills() -> None:
    assert len(_files_where(lambda m: m.get("source_type") == "bill")) >= 4


def test_the_affiliates_rule_is_suspended_until_november_9() -> None:
    (path,) = [p for p in FILES if p.stem.startswith("affiliates-rule")]
    meta = _metadata(path)
    assert meta.status is not None and meta.status.state == "suspended"
    assert meta.status.until == date(2026, 11, 9)
    assert meta.status.date is not None and meta.status.date < meta.status.until
    body = _post(path).content
    assert "extension" in body.lower() or "extended" in body.lower()  # a later extension may exist
    assert meta.as_of is not None
    as_of_words = f"{meta.as_of:%B} {meta.as_of.day}, {meta.as_of.year}"
    assert meta.as_of.isoformat() in body or as_of_words in body


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "event"], ids=_name)
def test_event_documents_end_with_a_chinese_summary(path: Path) -> None:
    body = _post(path).content.strip()
    last = body.rsplit("\n## ", 1)[-1]
    assert last.startswith("中文要点")
    assert len(HAN.findall(last)) >= 20


# The glossary


@pytest.fixture(scope="module")
def raw_glossary() -> list[dict[str, Any]]:
    data = yaml.safe_load((KNOWLEDGE / FILE_NAME).read_text("utf-8"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(KNOWLEDGE)


def test_every_glossary_entry_is_complete(raw_glossary: list[dict[str, Any]]) -> None:
    terms = {item["term"] for item in raw_glossary}
    assert len(terms) == len(raw_glossary), "terms are unique"
    for item in raw_glossary:
        term = item["term"]
        assert [k for k in REQUIRED_KEYS if k not in item] == [], term
        assert isinstance(item["aliases"], list), term
        assert isinstance(item["zh"], list) and item["zh"], term
        assert all(isinstance(z, str) and z.strip() for z in item["zh"]), term
        # A rendering without Chinese characters must be a name Chinese text keeps in Latin letters.
        for zh in item["zh"]:
            assert HAN.search(zh) or zh in (term, *item["aliases"]), (term, zh)
        assert any(HAN.search(z) for z in item["zh"]) or term[0].isupper(), term
        assert str(item["definition"]).strip(), term
        assert str(item["citation"]).strip(), term
        assert isinstance(item["related"], list), term
        assert term not in item["related"], term
        assert [r for r in item["related"] if r not in terms] == [], term


def test_definitions_are_at_least_two_sentences(glossary: Glossary) -> None:
    short = [
        e.term for e in glossary.entries if len(re.findall(r"[.!?](?=\s+[A-Z(\"“]|\s*$)", e.definition)) < 2
    ]
    assert short == []


def test_every_name_leads_to_its_own_entry(glossary: Glossary) -> None:
    clashes = [(name, e.term) for e in glossary.entries for name in e.names if glossary.get(name) is not e]
    assert clashes == []


# The glossary covers the terms the development questions use.

EVAL_TERMS = [
    # (the words as a question in ../shared/eval uses them, the glossary entry they must reach)
    ("deemed export", "deemed export"),
    ("export", "export"),
    ("reexport", "reexport"),
    ("in-country transfer", "in-country transfer"),
    ("released", "release"),
    ("technology", "technology"),
    ("software", "software"),
    ("subject to the EAR", "subject to the EAR"),
    ("published", "published"),
    ("fundamental research", "fundamental research"),
    ("EAR99", "EAR99"),
    ("ECCN", "ECCN"),
    ("license", "license"),
    ("License Exception", "License Exception"),
    ("foreign person", "foreign person"),
    ("foreign national", "foreign national"),
    ("green card holders", "lawful permanent resident"),
    ("knowledge", "knowledge"),
    ("Entity List", "Entity List"),
    ("affiliates rule", "affiliates rule"),
    ("is-informed letter", "is-informed letter"),
    ("Federal Register", "Federal Register"),
    ("export directive", "export control directive"),
    ("legal authority", "national security authorities"),
]

ZH_QUESTION_TERMS = {
    # question id → glossary terms its Chinese words must translate to
    "c33": {"deemed export"},
    "c34": {"EAR99"},
    "c35": {"ECCN"},
    "c36": {"published", "software"},
    "k16": {"deemed export"},
}


@pytest.fixture(scope="module")
def eval_rows(shared_dir: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted((shared_dir / "eval").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
    assert rows
    return rows


def _lookup(glossary: Glossary, text: str) -> GlossaryEntry | None:
    return glossary.get(text) or glossary.define(text).entry


@pytest.mark.parametrize(("words", "term"), EVAL_TERMS)
def test_glossary_covers_the_eval_questions(
    eval_rows: dict[str, dict[str, Any]], glossary: Glossary, words: str, term: str
) -> None:
    english = " ".join(r["question"] for r in eval_rows.values() if r["lang"] == "en").casefold()
    assert words.casefold() in english, f"no question uses {words!r}; update EVAL_TERMS"
    entry = _lookup(glossary, words)
    assert entry is not None and entry.term == term


@pytest.mark.parametrize(("row_id", "terms"), sorted(ZH_QUESTION_TERMS.items()))
def test_chinese_eval_questions_translate_through_the_glossary(
    eval_rows: dict[str, dict[str, Any]],
    glossary: Glossary,
    row_id: str,
    terms: set[str],
) -> None:
    tokenizer = Tokenizer.for_glossary(glossary.entries)  # as the service builds it on start-up
    row = eval_rows[row_id]
    assert row["lang"] == "zh"
    _, found = translate(row["question"], glossary, tokenizer)
    assert terms <= set(found), found
