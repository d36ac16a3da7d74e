"""Which language a question is in: English, Chinese, and the mixed questions people really ask."""

from __future__ import annotations

import pytest

from bot.lang import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "What is a deemed export?",
        "Does EAR99 mean I never need a license?",
        "15 CFR 734.13(b)",
        "",
        "   ",
        "2026-06-12?",
    ],
)
def test_english_and_text_without_chinese(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "什么是视同出口？",
        "实体清单",
        "什麼是視同出口？",  # traditional characters
        "视",  # one character is enough when nothing else is there
    ],
)
def test_chinese(text: str) -> None:
    assert detect_language(text) == "zh"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # A Chinese question quoting English terms is still a Chinese question.
        ("ECCN（出口管制分类编号）是什么？", "zh"),
        ("EAR99 是什么意思？", "zh"),
        ("什么是“视同出口”（deemed export）？", "zh"),
        ("为什么连美国用户也用不了 Fable 5？", "zh"),
        ("2026年6月12日 Anthropic 的模型发生了什么？", "zh"),
        ("在网上公开发布的开源软件还受EAR管制吗？", "zh"),
        # An English question quoting a Chinese term is still an English question.
        ("What does 视同出口 mean in English law?", "en"),
        ("Is 实体清单 the Chinese name of the Entity List?", "en"),
    ],
)
def test_mixed_text_follows_the_language_that_carries_the_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_the_margin_between_chinese_and_latin() -> None:
    # Chinese wins while its characters are at least a third of the Latin letters.
    assert detect_language("abcdef 视同") == "zh"  # 2 × 3 = 6 letters: a tie goes to Chinese
    assert detect_language("abcdefg 视同") == "en"  # 7 letters outweigh two characters
    assert detect_language("a b c d e f g h 视") == "zh"  # single letters are not words
