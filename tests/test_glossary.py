"""The bilingual glossary: exact, alias, Chinese and fuzzy lookups, "did you mean", autocomplete."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.corpus.glossary_file import FILE_NAME, GlossaryFile, parse_glossary, read_glossary
from bot.corpus.references import parse_refs
from bot.errors import DocumentError
from bot.glossary import Glossary
from bot.indexing.lexical import Tokenizer
from bot.models import CfrRef, UscRef
from bot.retrieval.expansion import translate


@pytest.fixture
def glossary(knowledge_dir: Path) -> Glossary:
    return Glossary.load(knowledge_dir)


def test_loads_every_entry(glossary: Glossary) -> None:
    assert [e.term for e in glossary.entries] == [
        "deemed export",
        "export",
        "release",
        "foreign person",
        "Entity List",
        "license requirement",
        "export control directive",
    ]
    entry = glossary.entries[0]
    assert entry.zh == ("视同出口", "视为出口")
    assert entry.aliases == ("deemed exports", "deemed-export rule")
    assert entry.citation == "15 CFR 734.13(b)"
    assert entry.related == ("release", "foreign person", "export")
    assert entry.definition_zh.startswith("在美国境内")
    assert len(glossary.sha256) == 64


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("deemed export", "deemed export"),  # exact
        ("Deemed Export", "deemed export"),  # case
        ("  deemed   export ", "deemed export"),  # spacing
        ("deemed exports", "deemed export"),  # alias
        ("deemed-export rule", "deemed export"),  # alias with a hyphen
        ("视同出口", "deemed export"),  # preferred Chinese rendering
        ("视为出口", "deemed export"),  # second Chinese rendering
        ("实体清单", "Entity List"),
        ("entity list", "Entity List"),
        ("licence requirement", "license requirement"),  # British alias
    ],
)
def test_exact_alias_and_chinese_lookups(glossary: Glossary, text: str, term: str) -> None:
    result = glossary.define(text)
    assert result.entry is not None and result.entry.term == term
    assert glossary.get(text) is result.entry


def test_exact_match_suggests_related_terms(glossary: Glossary) -> None:
    result = glossary.define("deemed export")
    assert result.suggestions == ("release", "foreign person", "export")


@pytest.mark.parametrize(
    ("typo", "term"), [("deemd export", "deemed export"), ("foriegn person", "foreign person")]
)
def test_fuzzy_match_finds_close_misspellings(glossary: Glossary, typo: str, term: str) -> None:
    result = glossary.define(typo)
    assert result.entry is not None and result.entry.term == term
    assert term not in result.suggestions


def test_did_you_mean_when_nothing_is_close_enough(glossary: Glossary) -> None:
    result = glossary.define("foreign")
    assert result.entry is None
    assert result.suggestions[0] == "foreign person"


def test_nothing_found_for_unrelated_text(glossary: Glossary) -> None:
    result = glossary.define("sourdough")
    assert result.entry is None
    assert "deemed export" not in result.suggestions


def test_autocomplete_prefix_first(glossary: Glossary) -> None:
    assert glossary.complete("dee")[0] == "deemed export"
    assert glossary.complete("视")[0] == "deemed export"
    assert glossary.complete("lic")[0] == "license requirement"
    assert glossary.complete("ent", 1) == ["Entity List"]


def test_autocomplete_lists_each_term_once(glossary: Glossary) -> None:
    hits = glossary.complete("export")
    assert len(hits) == len(set(hits))
    assert {"export", "deemed export"} <= set(hits)


def test_autocomplete_empty_text_lists_terms(glossary: Glossary) -> None:
    assert glossary.complete("") == [e.term for e in glossary.entries]
    assert glossary.complete("", 2) == ["deemed export", "export"]


def test_autocomplete_never_exceeds_25(tmp_path: Path) -> None:
    entries = [
        {
            "term": f"export term {i}",
            "aliases": [f"export alias {i}"],
            "zh": [f"出口{i}"],
            "definition": "d",
            "citation": "c",
            "related": [],
        }
        for i in range(40)
    ]
    (tmp_path / FILE_NAME).write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
    big = Glossary.load(tmp_path)
    assert len(big.entries) == 40
    for text in ("", "e", "export", "export term", "出口", "xport trm"):
        hits = big.complete(text)
        assert 0 < len(hits) <= 25, text
        assert len(hits) == len(set(hits))
    assert len(big.complete("export")) == 25
    assert len(big.complete("export", 5)) == 5


def test_chinese_terms_longest_first(glossary: Glossary) -> None:
    terms = list(glossary.chinese_terms())
    assert terms[0] == "出口管制指令"
    assert {"视同出口", "视为出口", "出口"} <= set(terms)
    assert glossary.chinese_terms()["视为出口"].term == "deemed export"


def test_glossary_as_a_document(knowledge_dir: Path) -> None:
    doc = read_glossary(knowledge_dir).as_document()
    assert doc is not None
    assert doc.id == "glossary" and doc.source_type == "glossary"
    assert doc.text.count("\n## ") + doc.text.startswith("## ") == 7
    assert "## deemed export (视同出口 / 视为出口)" in doc.text
    assert "Citation: 15 CFR 734.13(b)." in doc.text
    assert GlossaryFile().as_document() is None


def test_missing_glossary_is_empty(tmp_path: Path) -> None:
    empty = Glossary.load(tmp_path)
    assert empty.entries == ()
    assert empty.define("export").entry is None
    assert empty.complete("exp") == []


def test_problems_are_reported(tmp_path: Path) -> None:
    data = yaml.safe_dump(
        [
            {"term": "a", "aliases": [], "zh": "甲", "definition": "d", "citation": "c", "related": ["b"]},
            {"term": "a", "aliases": [], "zh": [], "definition": "d", "citation": "c", "related": []},
            {"term": "no-lists", "aliases": "x", "zh": [], "definition": "d", "citation": "c", "related": []},
            {"term": "partial"},
            "not a mapping",
        ]
    ).encode()
    entries, problems = parse_glossary(data, FILE_NAME)
    assert [e.term for e in entries] == ["a", "a"]
    assert entries[0].zh == ("甲",)  # a single Chinese string is accepted as a list of one
    found = {(p.field, p.severity) for p in problems}
    assert ("a", "warning") in found  # related term b is missing
    assert ("a", "error") in found  # duplicate term
    assert ("entry 3 (no-lists): aliases", "error") in found  # each field is named
    assert {("entry 4 (partial): " + key, "error") for key in ("aliases", "zh", "definition")} <= found
    assert ("entry 5", "error") in found
    assert all(str(p).startswith("glossary.yaml: ") for p in problems)


def test_malformed_glossary_refuses_to_load(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("- term: [unclosed\n", "utf-8")
    with pytest.raises(DocumentError, match=r"glossary\.yaml: yaml: malformed"):
        Glossary.load(tmp_path)
    (tmp_path / FILE_NAME).write_text("term: not a list\n", "utf-8")
    with pytest.raises(DocumentError, match="must be a list of entries"):
        Glossary.load(tmp_path)


SEARCH_ALIAS_ENTRY = {
    "term": "IEEPA",
    "aliases": ["International Emergency Economic Powers Act"],
    "zh": ["国际紧急经济权力法"],
    "search_aliases_zh": ["国际紧急经济权利法"],
    "definition": "A statute. It grants emergency powers.",
    "definition_zh": "一部法律。",
    "citation": "50 U.S.C. 1701",
    "related": [],
}


@pytest.fixture
def with_search_alias(tmp_path: Path) -> Path:
    (tmp_path / FILE_NAME).write_text(yaml.safe_dump([SEARCH_ALIAS_ENTRY], allow_unicode=True), "utf-8")
    return tmp_path


def test_a_search_alias_finds_its_entry(with_search_alias: Path) -> None:
    glossary = Glossary.load(with_search_alias)
    (entry,) = glossary.entries
    assert entry.search_aliases_zh == ("国际紧急经济权利法",)
    assert glossary.get("国际紧急经济权利法") is entry
    assert glossary.chinese_terms()["国际紧急经济权利法"] is entry
    tokenizer = Tokenizer.for_glossary(glossary.entries)
    assert "国际紧急经济权利法" in tokenizer.words("国际紧急经济权利法授权总统做什么？")
    _, found = translate("国际紧急经济权利法授权总统做什么？", glossary, tokenizer)
    assert found == ["IEEPA"]


def test_a_search_alias_is_never_shown(with_search_alias: Path) -> None:
    file = read_glossary(with_search_alias)
    (entry,) = file.entries
    assert "国际紧急经济权利法" not in entry.zh  # zh[0] is the translation shown beside the term
    assert "国际紧急经济权利法" not in entry.heading()
    doc = file.as_document()
    assert doc is not None and "国际紧急经济权利法" not in doc.text  # passages quote this text
    assert "search_aliases_zh" not in entry.shown()
    assert "国际紧急经济权利法" not in str(entry.shown())


def test_a_word_cannot_be_both_a_rendering_and_a_search_alias() -> None:
    both = {**SEARCH_ALIAS_ENTRY, "search_aliases_zh": ["国际紧急经济权力法"]}
    _, problems = parse_glossary(yaml.safe_dump([both], allow_unicode=True).encode(), FILE_NAME)
    assert [(p.field, p.severity) for p in problems] == [("entry 1 (IEEPA)", "error")]


def test_an_entry_reads_its_citations_references_once_and_never_shows_them(glossary: Glossary) -> None:
    entry = glossary.get("deemed export")
    assert entry is not None
    assert entry.refs == parse_refs(entry.citation) != ()
    assert all(isinstance(ref, CfrRef | UscRef) for ref in entry.refs)
    assert "refs" not in entry.shown()  # `define --json` shows the citation as written
