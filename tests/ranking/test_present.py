"""Questions about how things stand now are recognised in English and Chinese; others are not."""

from __future__ import annotations

import pytest

from bot.ranking.question import asks_about_present


@pytest.mark.parametrize(
    "question",
    [
        "Is the entity listing still in place?",
        "What does the EAR currently say about deemed exports?",
        "Has the Senate voted on it yet?",
        "Which version applies now?",
        "Is that rule in effect today?",
        "Is the rule in force?",
        "这个规则目前适用吗？",
        "现在要申请许可证吗？",
        "该法案仍然在委员会吗？",
        "这项暂停还有效吗？",
        "如今情况怎样？",
    ],
)
def test_present_tense_questions(question: str) -> None:
    assert asks_about_present(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is a deemed export?",
        "When was the suspension published?",
        "Who signed the letter?",
        "什么是视同出口？",
        "还有哪些法案涉及芯片？",
        "这是法律还是法案？",
    ],
)
def test_other_questions(question: str) -> None:
    assert not asks_about_present(question)
