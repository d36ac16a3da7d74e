"""Property tests: arbitrary Unicode into the question check, `define` and both renderers.

Each must give a result or a clear `BasisError`, never another exception. Questions and terms
include lone surrogates (what undecodable input becomes); document fields do not, since every
loader decodes text strictly, so no document can hold one.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bot.answering.labels import source_label
from bot.cli_render import answer_json, error_json, print_answer, search_json
from bot.corpus.glossary_file import GlossaryEntry
from bot.discord_app.render import (
    answer_embeds,
    definition_embeds,
    embed_size,
    paginate,
    passage_embeds,
    passage_records,
)
from bot.errors import BasisError
from bot.models import Answer, Notice
from bot.service import Basis

pytestmark = pytest.mark.faults

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=700)  # surrogates too
DOC_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
# No deadline and no "too slow" health check: both time each example on the wall clock, and a
# busy machine would fail a correct test (issue 24).
UNTIMED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=UNTIMED)
MARKUP_TOKENS = ("[/bold]", "[sic]", "[red]", ":warning:")
MARKUPISH = st.sampled_from([*MARKUP_TOKENS, "\\", "[", "]", "**", "`", "\x00"])
HOSTILE = st.lists(st.one_of(DOC_TEXT, MARKUPISH), max_size=6).map("".join)


@BOUNDED
@given(question=st.one_of(ANY_TEXT, HOSTILE))
def test_check_question_returns_text_or_a_basis_error(basis: Basis, question: str) -> None:
    try:
        checked = basis.answering.check_question(question)
    except BasisError as exc:
        assert str(exc)
        return
    checked.encode("utf-8")  # what passes is always valid text
    assert checked and len(checked) <= basis.settings.max_question_chars


@BOUNDED
@given(term=st.one_of(ANY_TEXT, HOSTILE))
def test_define_and_complete_never_crash(basis: Basis, term: str) -> None:
    try:
        result = basis.answering.define(term)
        terms = basis.answering.complete_terms(term)
    except BasisError:
        return
    assert result.entry is None or result.entry.term
    assert len(terms) <= 25


@settings(max_examples=25, deadline=None, suppress_health_check=UNTIMED)
@given(question=st.one_of(ANY_TEXT, HOSTILE))
def test_answer_and_search_give_a_result_or_a_basis_error(basis: Basis, question: str) -> None:
    try:
        answer = basis.answering.answer(question)
        result = basis.answering.search(question)
    except BasisError:
        return
    json.dumps(answer_json(answer), ensure_ascii=False).encode("utf-8")
    json.dumps(search_json(result), ensure_ascii=False).encode("utf-8")


def _hostile_answer(answer: Answer, title: str, quote: str, url: str, text: str) -> Answer:
    citations = tuple(
        replace(
            c,
            quote=quote,
            pinpoint=title,
            passage=replace(
                c.passage,
                document=replace(c.passage.document, title=title, url=url, summary_zh=text),
                chunk=replace(c.passage.chunk, text=text),
            ),
        )
        for c in answer.citations
    )
    return replace(
        answer, text=text, citations=citations, warnings=(Notice("x", quote),), terms=((title, text),)
    )


@BOUNDED
@given(title=HOSTILE, quote=HOSTILE, url=HOSTILE, text=HOSTILE, question=ANY_TEXT)
def test_renderers_take_any_document_text(
    basis: Basis, title: str, quote: str, url: str, text: str, question: str
) -> None:
    answer = _hostile_answer(_base_answer(basis), title, quote, url, text)
    out = io.StringIO()
    print_answer(Console(file=out, width=10_000, emoji=False), answer)
    shown = out.getvalue()
    assert all(token in shown for token in MARKUP_TOKENS if token in text)  # printed, not interpreted
    json.dumps(answer_json(answer), ensure_ascii=False)
    json.dumps(error_json(1, question, BasisError("refused")), ensure_ascii=False).encode("utf-8")
    for page in paginate(answer_embeds(answer, source_label)):
        assert sum(embed_size(e) for e in page) <= 6000
    records = passage_records(answer, source_label)
    assert all(embed_size(e) <= 6000 for e in passage_embeds(records, answer.lang))


@BOUNDED
@given(term=HOSTILE, definition=HOSTILE, citation=HOSTILE)
def test_definition_embeds_take_any_glossary_text(term: str, definition: str, citation: str) -> None:
    entry = GlossaryEntry(term or "x", (), (definition,), definition, citation, (term,))
    assert all(embed_size(e) <= 6000 for e in definition_embeds(entry))


_ANSWERS: dict[int, Answer] = {}


def _base_answer(basis: Basis) -> Answer:
    """One real answer with citations from the fixture index (cached per Basis)."""
    if id(basis) not in _ANSWERS:
        _ANSWERS.clear()
        _ANSWERS[id(basis)] = basis.answering.answer("What is a deemed export?")
    answer = _ANSWERS[id(basis)]
    assert answer.citations
    return answer
