"""Eval metrics on hand-made results: matching rules of shared/eval/README.md and the faithfulness checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import BasisError
from bot.evaluation import (
    Report,
    faithful_sentences,
    first_hit,
    holds_key_fact,
    lead_is_chinese,
    load_questions,
    normalise,
    passages_in_source,
    repeats_a_citation,
)
from bot.models import Answer, Chunk, Citation, Document, Passage
from bot.service import Basis


def test_normalise_folds_quotes_space_case_and_width() -> None:
    assert normalise("  A “Deemed \n  Export”’s  ") == 'a "deemed export"\'s'
    assert normalise("ＡＢＣ　１２３") == "abc 123"


def test_first_hit_rank(basis: Basis) -> None:
    result = basis.answering.search(
        "What would the bill on location tracking of advanced processors require?"
    )
    assert first_hit(result, ["BUILD LOCATION   verification into every chip"]) == 1
    assert first_hit(result, ["nothing like this", "“location verification”"]) is None
    assert first_hit(result, []) is None


def test_faithfulness_counts(basis: Basis) -> None:
    answer = basis.answering.answer("What is a deemed export?")
    n = len(answer.citations)
    assert faithful_sentences(answer) == (n, n)
    assert passages_in_source(answer) == (n, n)
    forged = replace(answer, citations=(Citation(1, answer.citations[0].passage, "", "An invented quote."),))
    assert faithful_sentences(forged) == (0, 1)


def test_report_buckets_by_language(basis: Basis) -> None:
    report = Report()
    rows = [
        ("en", {"id": "a", "question": "What is a deemed export?", "evidence_any": ["deemed export"]}),
        (
            "zh",
            {
                "id": "b",
                "question": "什么是视同出口？",
                "evidence_any": ["no such phrase"],
                "expect_warning": False,
            },
        ),
    ]
    for lang, row in rows:
        report.add(
            lang, row, basis.answering.search(row["question"]), basis.answering.answer(row["question"])
        )
    metrics = report.as_dict()["metrics"]
    assert metrics["all"]["recall_at_k"] == 0.5
    assert metrics["en"]["recall_at_k"] == 1.0 and metrics["en"]["mrr"] == 1.0
    assert metrics["zh"]["recall_at_k"] == 0.0
    assert metrics["zh"]["warning_accuracy"] == 1.0
    assert metrics["en"]["warning_accuracy"] is None


def test_load_questions_errors(tmp_path: Path) -> None:
    with pytest.raises(BasisError, match="Cannot read the question set"):
        load_questions(tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", "utf-8")
    with pytest.raises(BasisError, match="Cannot read the question set"):
        load_questions(broken)
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "a", "question": "q"}\n\n', "utf-8")
    assert load_questions(good) == [{"id": "a", "question": "q"}]


def test_key_fact_is_read_from_the_answer_text_and_never_from_an_abstention(basis: Basis) -> None:
    answer = replace(
        basis.answering.answer("What is a deemed export?"), text="It is a “Release” of technology [1]."
    )
    assert holds_key_fact(answer, ['"release"', "nothing"])
    assert not holds_key_fact(answer, ["foreign person"])
    abstained = replace(answer, mode="abstained")
    assert not holds_key_fact(abstained, ["release"])
    report = Report()
    row = {"id": "a", "question": "q", "answer_any": ["release"], "expect_abstain": False}
    report.add("en", row, basis.answering.search("What is a deemed export?"), answer)
    report.add("zh", {**row, "id": "b"}, basis.answering.search("What is a deemed export?"), abstained)
    metrics = report.as_dict()["metrics"]
    assert metrics["en"]["answer_has_key_fact"] == 1.0
    assert metrics["zh"]["answer_has_key_fact"] == 0.0
    assert metrics["all"]["answer_has_key_fact"] == 0.5


def test_false_declines_count_on_sets_that_do_not_spell_out_expect_abstain(basis: Basis) -> None:
    """The corpus sets carry no `expect_abstain` key; a decline of their answerable questions is
    still a false decline, and an optional row counts neither way."""
    answer = basis.answering.answer("What is a deemed export?")
    declined = replace(answer, mode="abstained")
    report = Report()
    result = basis.answering.search("What is a deemed export?")
    report.add("en", {"id": "a", "question": "q", "evidence_any": ["x"]}, result, declined)
    report.add("en", {"id": "b", "question": "q", "evidence_any": ["x"]}, result, answer)
    report.add("en", {"id": "c", "question": "q", "abstain_optional": True}, result, declined)
    assert report.as_dict()["metrics"]["en"]["false_abstention_rate"] == 0.5


def test_chinese_lead_and_repeated_citations_are_measured(basis: Basis) -> None:
    report = Report()
    for lang, question in (("zh", "什么是视同出口？"), ("en", "What is a deemed export?")):
        row = {"id": question, "question": question}
        report.add(lang, row, basis.answering.search(question), basis.answering.answer(question))
    metrics = report.as_dict()["metrics"]
    assert metrics["zh"]["chinese_lead"] == 1.0  # the glossary's Chinese definition leads
    assert metrics["en"]["chinese_lead"] is None  # measured on Chinese questions only
    assert metrics["all"]["repeated_citations"] == 0.0


def _answer(text: str, *pinpoints: str) -> Answer:
    doc = Document("d", "D", "", "d.md", "0")
    chunk = Chunk("d#0", "d", "", "x", 0, 1, 1)
    citations = tuple(
        Citation(n, Passage(chunk, doc, n, 1.0), pinpoint, "x")
        for n, pinpoint in enumerate(pinpoints, start=1)
    )
    return Answer(id="a", question="q", text=text, mode="extractive", lang="zh", citations=citations)


def test_a_repeated_pinpoint_and_an_english_lead_are_caught() -> None:
    assert repeats_a_citation(_answer("a [1] b [2]", "15 CFR 734.13(b)", "15 CFR 734.13(b)"))
    assert not repeats_a_citation(_answer("a [1] b [2]", "15 CFR 734.13(b)", "15 CFR 734.13(a)"))
    assert lead_is_chinese(_answer("视同出口指在美国境内向外国人释放受控技术。 [1]", "x"))
    framed = "以下为 15 CFR 734.13(b) 的英文原文：\n(b) Any release of technology is an export. [1]"
    assert not lead_is_chinese(_answer(framed, "x"))
