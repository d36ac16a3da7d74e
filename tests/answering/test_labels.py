"""Our own words around an answer follow the asker's language; quoted evidence never does."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from bot.answering.labels import (
    MESSAGES,
    SOURCE_LABELS,
    STATES,
    message,
    source_label,
    state_label,
    summary_lines,
    terms_line,
)
from bot.glossary import Glossary
from bot.models import SOURCE_TYPES, Answer, Chunk, Citation, Document, Passage
from bot.service import Basis

HAN = re.compile(r"[\u4e00-\u9fff]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("source_type", SOURCE_TYPES)
def test_every_source_type_has_a_chinese_label(source_type: str) -> None:
    assert source_type in SOURCE_LABELS
    english, chinese = source_label(source_type), source_label(source_type, "zh")
    assert english == SOURCE_LABELS[source_type][0] and not HAN.search(english)
    assert HAN.search(chinese), chinese


def test_a_bill_is_labelled_not_law_in_both_languages() -> None:
    assert source_label("bill") == "bill — not law"
    assert source_label("bill", "zh") == "法案——不是法律"
    assert source_label("unknown-type", "zh") == "unknown-type"  # never a KeyError


@pytest.mark.parametrize("key", [k for k in MESSAGES if k != "summary_zh"])
def test_every_message_exists_in_both_languages(key: str) -> None:
    english, chinese = MESSAGES[key]
    assert english and not HAN.search(english)
    assert HAN.search(chinese)
    # The Chinese wording may use fewer placeholders, never ones the caller does not pass.
    assert _fields(chinese) <= _fields(english)


def test_messages_are_filled_in() -> None:
    assert message("footer", "zh") == "这不是法律意见——请先阅读所引来源再作判断。"
    assert message("footer") == "Not legal advice — read the cited sources before relying on this."
    assert message("not_law", "zh", titles="H.R. 1", verb="is a bill", it="it", them="it").startswith(
        "H.R. 1 是法案，不是法律"
    )
    assert message("abstain_hint", "zh", terms="deemed export") == (
        "最接近的术语：deemed export。可以试试 /define，或请管理员添加资料来源。"
    )
    assert message("bill_data", "zh", as_of="2026-06-01") == "（数据截至 2026-06-01）"


@pytest.mark.parametrize("state", list(STATES))
def test_states_in_chinese(state: str) -> None:
    assert state_label(state) == state.replace("_", " ")
    assert HAN.search(state_label(state, "zh"))
    assert state_label("unknown_state", "zh") == "unknown_state"  # an unknown state passes through


def test_terms_line_only_for_chinese_readers() -> None:
    terms = (("deemed export", "视同出口"), ("Entity List", "实体清单"))
    assert terms_line(terms, "zh") == "术语对照：deemed export（视同出口）；Entity List（实体清单）"
    assert terms_line(terms, "en") == ""
    assert terms_line((), "zh") == ""


def _doc(doc_id: str, summary_zh: str) -> Document:
    return Document(id=doc_id, title=doc_id, text="", path=f"{doc_id}.md", sha256="0", summary_zh=summary_zh)


def _citation(n: int, doc: Document) -> Citation:
    chunk = Chunk(f"{doc.id}-{n}", doc.id, "", "A quoted sentence.", 0, 18, 4)
    return Citation(n, Passage(chunk, doc, n, 1.0), doc.id, "A quoted sentence.")


def _answer(lang: str, citations: tuple[Citation, ...]) -> Answer:
    return Answer(id="a", question="q", text="t", mode="extractive", lang=lang, citations=citations)


def test_summary_lines_once_per_document() -> None:
    explainer, bill, glossary = (
        _doc("explainer", "视同出口的解释。"),
        _doc("bill", "一项法案。"),
        _doc("g", ""),
    )
    citations = (
        _citation(1, explainer),
        _citation(2, glossary),
        _citation(3, explainer),
        _citation(4, bill),
    )
    assert summary_lines(_answer("zh", citations)) == {
        1: "中文摘要：视同出口的解释。",
        4: "中文摘要：一项法案。",
    }
    assert summary_lines(_answer("en", citations)) == {}


# The same labels on a real (fixture) answer to a Chinese question.

QUESTION = "location tracking 法案要求出口商做什么？"
TERM_QUESTION = "视同出口的 licence 是什么？"


@pytest.fixture
def answer(basis: Basis) -> Answer:
    return basis.answering.answer(QUESTION)


def test_a_chinese_question_gets_chinese_warnings_and_footer(answer: Answer) -> None:
    assert answer.lang == "zh" and not answer.abstained
    assert "chip-tracking-bill" in {c.passage.document.id for c in answer.citations}
    notice, status = answer.warnings
    assert notice.code == "not_law"
    assert notice.message.startswith("H.R. 9999 (119th) 是法案，不是法律")
    assert (status.code, status.message) == (
        "status",
        "H.R. 9999 (119th)：最近记录的行动在 2025-05-20（数据截至 2026-11-27）。",
    )
    assert answer.footer == "这不是法律意见——请先阅读所引来源再作判断。"


def test_a_chinese_reader_gets_the_twins_and_the_evidence_stays_english(answer: Answer) -> None:
    assert answer.citations
    for citation in answer.citations:
        assert citation.quote in citation.passage.chunk.text
        assert not HAN.search(citation.quote)
        twin = citation.passage.document.twin(citation.quote)
        original = " ".join(citation.quote.split())
        # the twin is what is read; the English it translates follows once, marked as its original
        assert twin and f"{twin} [{citation.n}]\n原文：“{original}”" in answer.text
        assert answer.text.count(original) == 1


def test_terms_only_for_the_english_an_answer_still_shows(basis: Basis) -> None:
    answer = basis.answering.answer(TERM_QUESTION)
    assert answer.lang == "zh" and answer.citations
    english = " ".join(re.findall(r"[A-Za-z][^\u4e00-\u9fff\[\]]*", answer.text))
    for term, chinese in answer.terms:
        entry = basis.answering.glossary.get(term)
        assert entry and any(name in english for name in (entry.term, *entry.aliases))  # or an alias
        assert HAN.search(chinese)
    if "deemed export" not in english:  # every quote is shown as its twin: no term list to add
        assert ("deemed export", "视同出口") not in answer.terms


def test_a_term_before_a_full_stop_is_mentioned(knowledge_dir: Path) -> None:
    """`Glossary.mentioned` keeps full stops (for "U.S." and "734.13") and then looks for
    " deemed export ", so a term right before a full stop is never found."""
    mentioned = Glossary.load(knowledge_dir).mentioned
    assert [e.term for e in mentioned("Is it a deemed export?")] == ["deemed export"]  # works
    assert [e.term for e in mentioned("Releasing it is a deemed export.")] == ["deemed export"]
    assert [e.term for e in mentioned("Add them to the Entity List.")] == ["Entity List"]


def test_a_chinese_definition_question_reads_the_glossary_and_the_twins(basis: Basis) -> None:
    """The reader's complaint: a Chinese question got English sentences and a list of terms."""
    answer = basis.answering.answer("什么是视同出口？")
    entry = basis.answering.glossary.get("视同出口")
    assert entry and answer.text.startswith(f"{entry.definition_zh} [1]")
    # Every explainer sentence is its twin; English appears only as the original a translation
    # rests on (marked 原文, right after it) or as official text (the law is English), on the
    # line after its one-line Chinese framing.
    lines = answer.text.split("\n")
    english = ""
    for before, line in zip(["", *lines], lines, strict=False):
        if line.startswith("原文："):
            assert re.search(r"\[\d+\]$", before), answer.text  # right after the sentence it translates
        elif re.search(r"[A-Za-z]{4,}", line.replace("CFR", "")):
            assert before.startswith("以下为") and "英文原文" in before, answer.text
            english += line.lower()
    # The term list names only terms the English official text uses (none when it has none).
    assert all(term in english for term, _ in answer.terms), answer.terms
