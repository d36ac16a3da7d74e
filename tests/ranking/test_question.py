"""Answer-type detection and name extraction, in English and Chinese."""

from __future__ import annotations

import pytest

from bot.ranking.question import analyse, answer_type, is_yesno, named_things


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much can BIS fine a company per violation?", "number"),
        ("what's the max penalty for breaking export rules", "number"),
        ("How many votes did the bill pass the House by?", "number"),
        ("When did the suspension start?", "date"),
        ("what time did the letter arrive?", "date"),
        ("Which section of the EAR covers deemed exports?", "citation"),
        ("under what authority did Commerce act?", "citation"),
        ("Who signed the letter?", "who"),
        ("which agency runs the Entity List", "who"),
        ("What is a deemed export?", "definition"),
        ("what counts as published software", "definition"),
        ("Why did Anthropic switch the models off for everyone?", "reason"),
        ("Is a green card holder a foreign person?", "yesno"),
        ("can BIS control remote access to a model?", "yesno"),
        ("tell me about the affiliates rule", "other"),
        ("罚款最高是多少？", "number"),
        ("这个暂停什么时候结束？", "date"),
        ("是谁签署了这封信？", "who"),
        ("什么是视同出口？", "definition"),
        ("为什么所有人都被切断了？", "reason"),
        ("绿卡持有人受影响吗？", "yesno"),
    ],
)
def test_answer_type(question: str, expected: str) -> None:
    assert answer_type(question) == expected


def test_yes_no_is_found_after_a_lead_in_and_in_a_second_sentence() -> None:
    assert is_yesno("so does the EAR apply to open weights?")
    assert is_yesno("I read about the rule. Does it still apply?")
    assert not is_yesno("What does the EAR say about open weights?")
    assert is_yesno("这个规则是否还有效")


def test_names_skip_question_words_and_keep_acronyms_and_titles() -> None:
    assert named_things("What penalty did Seagate pay BIS?") == ("Seagate", "BIS")
    assert named_things("Is the UK part of this?") == ("UK",)
    assert named_things("中国的《出口管制法》怎么规定的？") == ("出口管制法",)
    assert named_things("what is a deemed export") == ()


def test_analysis_carries_language_and_section_numbers() -> None:
    analysis = analyse("Does 734.13(b) cover ECCN 3A090 chips?")
    assert analysis.lang == "en" and analysis.yesno
    assert analysis.sections == ("734.13", "3A090")
    assert analyse("视同出口是什么意思？").lang == "zh"
