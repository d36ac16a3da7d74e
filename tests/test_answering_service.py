"""`Answering`: questions, the glossary and search over one snapshot of the live index."""

from __future__ import annotations

import pytest

from bot.answering_service import check_question, define, english
from bot.clock import fixed
from bot.errors import QuestionError
from bot.service import Basis
from bot.settings import Settings
from tests.conftest import TODAY


def test_the_cli_definition_is_the_services_definition(basis: Basis, settings: Settings) -> None:
    """`basis define` reads the glossary file alone; what it says is what `/define` says."""
    for term in ("deemed export", "视同出口", "deemd export", "no such term at all"):
        assert define(settings, term, fixed(TODAY)) == basis.answering.define(term)


def test_a_chinese_question_reaches_the_report_in_its_english_form(basis: Basis) -> None:
    live = basis.answering.snapshot()
    assert "deemed export" in english(live, "什么是视同出口？")
    assert english(live, "What is a deemed export?") == "What is a deemed export?"


def test_a_snapshot_is_what_answers_come_from(basis: Basis) -> None:
    live = basis.answering.snapshot()
    assert (live.index, live.glossary, live.tokenizer) == (
        basis.answering.index,
        basis.answering.glossary,
        basis.answering.tokenizer,
    )
    answer = basis.answering.answer("What is a deemed export?")
    assert answer.index_build == live.index.folder.name


@pytest.mark.parametrize("question", ["   ", "x" * 5000, "\udcff broken"])
def test_a_question_that_cannot_be_asked_is_refused_before_any_search(question: str, basis: Basis) -> None:
    with pytest.raises(QuestionError):
        check_question(question, basis.settings.max_question_chars)
    basis.embedder.calls.clear()
    with pytest.raises(QuestionError):
        basis.answering.search(question)
    assert basis.embedder.calls == []
