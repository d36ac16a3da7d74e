"""Chinese questions translated through the glossary: terms, Latin words, question words, boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.corpus.glossary_file import FILE_NAME
from bot.glossary import Glossary
from bot.indexing.lexical import Tokenizer
from bot.retrieval.expansion import expand, translate
from bot.retrieval.question import Question

ENTRIES = [
    (
        "deemed export",
        ["deemed exports"],
        ["视同出口", "视为出口"],
        "Releasing technology to a foreign person.",
    ),
    ("export", ["exports"], ["出口"], "Sending an item out of the United States."),
    ("published", ["publicly available"], ["公开发布", "已公开"], "Made available to the public."),
    ("development", [], ["开发", "研发"], "The stages before production."),
    ("software", [], ["软件"], "Programs and code."),
    ("ECCN", ["Export Control Classification Number"], ["出口管制分类编号"], "A code on the CCL."),
    ("Entity List", [], ["实体清单"], "A list of parties that need a licence."),
]


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    """A small glossary of export-control terms with their Chinese renderings."""
    data = [
        {
            "term": term,
            "aliases": aliases,
            "zh": zh,
            "definition": f"{definition} A second sentence.",
            "citation": "15 CFR 772.1",
            "related": [],
        }
        for term, aliases, zh, definition in ENTRIES
    ]
    (tmp_path / FILE_NAME).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return Glossary.load(tmp_path)


@pytest.fixture
def tokenizer(glossary: Glossary) -> Tokenizer:
    """A tokenizer taught the glossary's Chinese terms, as the service builds one."""
    return Tokenizer.for_glossary(glossary.entries)


@pytest.mark.parametrize("question", ["什么是视同出口？", "什么是视为出口？", "视为出口是什么意思？"])
def test_both_chinese_renderings_map_to_the_same_term(
    glossary: Glossary, tokenizer: Tokenizer, question: str
) -> None:
    english, terms = translate(question, glossary, tokenizer)
    assert terms == ["deemed export"]  # and not "export" for the 出口 inside the term
    assert english.startswith("deemed export ")
    assert "what" in english.split()


def test_every_term_is_found_once_in_order(glossary: Glossary, tokenizer: Tokenizer) -> None:
    english, terms = translate("视同出口和出口有什么区别？视为出口呢？", glossary, tokenizer)
    assert terms == ["deemed export", "export"]
    # Terms first, in order and once each; the words the glossary lacks follow as CC-CEDICT glosses.
    assert english.startswith("deemed export export what")
    assert english.count("deemed export") == 1


@pytest.mark.parametrize(
    ("question", "latin"),
    [
        ("ECCN（出口管制分类编号）是什么？", "ECCN"),
        ("EAR99 是什么意思？", "EAR99"),
        ("为什么连美国用户也用不了 Fable 5？", "Fable 5"),
        ("Anthropic 的模型发生了什么？", "Anthropic"),
        ("在网上公开发布的开源软件还受EAR管制吗？", "EAR"),
    ],
)
def test_latin_words_are_kept(glossary: Glossary, tokenizer: Tokenizer, question: str, latin: str) -> None:
    english, _ = translate(question, glossary, tokenizer)
    assert latin in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)  # no Chinese left over


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("什么是实体清单？", "what"),
        ("为什么要把公司列入实体清单？", "why"),
        ("谁把公司列入实体清单？", "who"),
        ("如何出口软件？", "how"),
        ("怎么出口软件？", "how"),
        ("哪些软件需要许可证？", "which"),
        ("软件是否受管制？", "whether"),
    ],
)
def test_question_words_are_mapped(
    glossary: Glossary, tokenizer: Tokenizer, question: str, word: str
) -> None:
    english, _ = translate(question, glossary, tokenizer)
    assert word in english.split(), english


def test_when_is_not_read_as_what(glossary: Glossary, tokenizer: Tokenizer) -> None:
    """什么时候 ("when") is in the question-word table, but jieba cuts it into 什么 + 时候,
    so the table entry never matches and the question reaches the dense retriever as "what"."""
    assert tokenizer.words("实体清单什么时候生效？")[1:3] == ["什么", "时候"]
    english, _ = translate("实体清单什么时候生效？", glossary, tokenizer)
    assert "when" in english.split(), english


def test_published_is_not_misread_as_development(glossary: Glossary, tokenizer: Tokenizer) -> None:
    english, terms = translate("在网上公开发布的开源软件还受EAR管制吗？", glossary, tokenizer)
    assert terms == ["published", "software"]
    assert "development" not in english
    # …while 开发 on its own still means development.
    assert translate("开发软件需要许可证吗？", glossary, tokenizer)[1] == ["development", "software"]


def test_expand_a_chinese_question(glossary: Glossary, tokenizer: Tokenizer) -> None:
    query = expand(Question.parse("什么是视同出口？"), glossary, tokenizer)
    assert query.lang == "zh"
    assert query.terms == ("deemed export",)
    # The dense retriever reads English only: the translation plus the term's first sentence.
    assert query.dense == "deemed export what Releasing technology to a foreign person."
    # The lexical retriever gets the original words and the translation.
    assert query.lexical == "什么是视同出口？ deemed export what"
    assert query.original == "什么是视同出口？"


def test_expand_a_mixed_english_question(glossary: Glossary, tokenizer: Tokenizer) -> None:
    query = expand(Question.parse("What does 视同出口 mean in English law?"), glossary, tokenizer)
    assert query.lang == "en"
    assert query.terms == ("deemed export",)
    assert "视同出口" not in query.dense and "deemed export" in query.dense
    assert query.lexical.startswith("What does 视同出口 mean") and "deemed export" in query.lexical


def test_expand_an_english_question_leaves_it_untranslated(glossary: Glossary, tokenizer: Tokenizer) -> None:
    query = expand(Question.parse("Is publicly available software on the Entity List?"), glossary, tokenizer)
    assert query.lang == "en"
    assert query.lexical == "Is publicly available software on the Entity List?"
    assert set(query.terms) == {"published", "software", "Entity List"}
    assert query.dense.startswith("Is publicly available software on the Entity List? ")


def test_expand_with_context_prefixes_both_forms(glossary: Glossary, tokenizer: Tokenizer) -> None:
    query = expand(Question.parse("那实体清单呢？"), glossary, tokenizer, context="什么是视同出口？")
    assert query.dense.startswith("什么是视同出口？ Entity List")
    assert query.lexical == "什么是视同出口？ 那实体清单呢？ Entity List"
    assert query.terms == ("Entity List",)


def test_a_question_without_glossary_terms(glossary: Glossary, tokenizer: Tokenizer) -> None:
    english, terms = translate("谁赢了昨天的比赛？", glossary, tokenizer)
    assert terms == []
    # No export-control term: only the question word and the CC-CEDICT glosses of the rest.
    assert english.startswith("who") and "deemed" not in english


def test_chinese_dates_become_english_dates() -> None:
    from bot.glossary import Glossary
    from bot.retrieval.expansion import translate

    english, _ = translate("2026年6月30日发生了什么？6月26日呢？13月不是月份。", Glossary(), Tokenizer())
    assert "June 30 , 2026" in english or "June 30, 2026" in english
    assert "June 26" in english
    assert "13" in english and "December" not in english


def test_traditional_characters_are_read_as_simplified(glossary: Glossary, tokenizer: Tokenizer) -> None:
    traditional = expand(Question.parse("什麼是視同出口？"), glossary, tokenizer)
    simplified = expand(Question.parse("什么是视同出口？"), glossary, tokenizer)
    assert traditional.terms == simplified.terms == ("deemed export",)
    assert traditional.dense == simplified.dense
    assert traditional.original == "什麼是視同出口？"  # the asker's own words are kept for the reply
