"""The real model on the shipped knowledge base, with the clock at 2026-12-01: status questions in
English and Chinese never state the lapsed suspension in the present tense, and say what follows;
the same questions asked before the end date do, and a bill turns lapsed after its Congress ends.
The questions are written for this test."""

from __future__ import annotations

from datetime import date

import pytest

from bot.clock import fixed
from bot.models import Answer
from bot.service import Basis
from tests.integration import RealIndex

pytestmark = pytest.mark.integration
TODAY = date(2026, 12, 1)

PRESENT_EN = ("is suspended", "has been suspended", "remains suspended", "is set to end")
PRESENT_ZH = ("暂停中", "起暂停实施", "定于 2026-11-09 结束")
PAST_EN = "was suspended from 2025-11-10 until 2026-11-09"
PAST_ZH = "曾于 2025-11-10 至 2026-11-09 暂停实施"
AFFILIATES = [
    ("Is the 50 percent affiliates rule in force today?", "en"),
    ("Is BIS still holding off on the Entity List affiliates rule?", "en"),
    ("Does the Military End-User List currently reach companies owned 50 percent by listed parties?", "en"),
    ("50%关联规则现在还暂停吗？", "zh"),
    ("实体清单的关联方规则目前仍然暂停实施吗？", "zh"),
]
BILL = "Is the Chip Security Act still waiting for a vote in Congress?"


@pytest.fixture(scope="module")
def basis(real_knowledge: RealIndex) -> Basis:
    """This module's own service over the session's real index (its ranker or clock may be changed)."""
    return Basis.open(real_knowledge.settings, embedder=real_knowledge.embedder)


def _shown(answer: Answer) -> str:
    """Everything the reader sees in our words: the notices and the answer."""
    return "\n".join([*(w.message for w in answer.warnings), answer.text])


def _statuses(answer: Answer) -> list[str]:
    """The status sentences shown: the status notices, and the lead of an answer to a status
    question (which states its status first and then no notice repeats it)."""
    lead = answer.text.split(" [1]")[0]
    return [w.message for w in answer.warnings if w.code == "status"] + [lead]


def _ask(basis: Basis, question: str, day: date) -> Answer:
    basis.answering.clock = fixed(day)
    answer = basis.answering.answer(question)
    assert not answer.abstained, answer.text
    return answer


@pytest.mark.parametrize(("question", "lang"), AFFILIATES)
def test_a_lapsed_suspension_is_never_stated_in_the_present_tense(
    basis: Basis, question: str, lang: str
) -> None:
    answer = _ask(basis, question, TODAY)
    shown = _shown(answer)
    for phrase in PRESENT_EN + PRESENT_ZH:
        assert phrase not in shown, (phrase, shown)
    statuses = _statuses(answer)
    assert any((PAST_ZH if lang == "zh" else PAST_EN) in s for s in statuses), shown
    # What follows from the source, the knowledge base's own date and where to check: the
    # official place that carries the text of the document cited (eCFR for the rule as codified,
    # the Federal Register for the rule as published, depending on which passage answered).
    expected = (
        ("恢复生效，除非暂停期被延长", "本知识库截至 2026-11-27 没有记录延长暂停的规定")
        if lang == "zh"
        else ("in force again from 2026-11-10 unless the suspension is extended", "as of 2026-11-27")
    )
    places = ("eCFR", "federalregister.gov")
    assert any(all(part in s for part in expected) and any(p in s for p in places) for s in statuses), (
        statuses
    )
    as_of = {w.code: w.message for w in answer.warnings}["as_of"]
    assert "2026-11-27" in as_of and "2026-12-01" in as_of


@pytest.mark.parametrize(("question", "lang"), [AFFILIATES[0], AFFILIATES[3]])
def test_the_same_questions_before_the_end_date_are_in_the_present_tense(
    basis: Basis, question: str, lang: str
) -> None:
    answer = _ask(basis, question, date(2026, 11, 9))
    statuses = " ".join(_statuses(answer))
    present = (
        "自 2025-11-10 起暂停实施，定于 2026-11-09 结束"
        if lang == "zh"
        else "has been suspended since 2025-11-10"
    )
    assert present in statuses, statuses
    assert (PAST_ZH if lang == "zh" else PAST_EN) not in statuses


def test_a_bill_shows_its_data_date_and_lapses_after_its_congress(basis: Basis) -> None:
    now = _ask(basis, BILL, TODAY)
    statuses = " ".join(_statuses(now))
    assert "latest recorded action on 2026-03-26 (data as of 2026-06-01)" in statuses, _shown(now)
    assert "lapsed" not in statuses
    stale = {w.code: w.message for w in now.warnings}
    assert "Congress.gov" in stale.get("stale", ""), _shown(now)  # bill data of 2026-06-01 is months old
    later = _ask(basis, BILL, date(2027, 1, 3))
    statuses = " ".join(_statuses(later))
    assert "lapsed when the 119th Congress ended on 2027-01-03" in statuses, _shown(later)
    assert "its latest recorded action was on 2026-03-26 (data as of 2026-06-01)" in statuses
