"""The command line answers a Chinese question in Chinese, and `basis define` takes Chinese terms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.answering.labels import source_label
from bot.cli import app
from bot.cli_render import answer_json, print_answer
from bot.models import Answer
from bot.service import Basis

runner = CliRunner()
HAN = re.compile(r"[\u4e00-\u9fff]")

BILL_QUESTION = "location tracking 法案要求出口商做什么？"
TERM_QUESTION = "视同出口的 licence 是什么？"
DEFINE_QUESTION = "什么是视同出口？"  # cites the deemed-export explainer twice


def _flat(text: str) -> str:
    return " ".join(text.split())


def _rendered(answer: Answer) -> str:
    console = Console(record=True, width=10_000, soft_wrap=True, color_system=None)
    print_answer(console, answer)
    return console.export_text()


def _summarised_docs(answer: Answer) -> dict[str, str]:
    return {
        c.passage.document.id: c.passage.document.summary_zh
        for c in answer.citations
        if c.passage.document.summary_zh
    }


@pytest.mark.parametrize("question", [TERM_QUESTION, DEFINE_QUESTION])
def test_printed_answer_speaks_chinese_around_english_quotes(basis: Basis, question: str) -> None:
    answer = basis.answering.answer(question)
    assert answer.lang == "zh" and answer.citations
    out = _rendered(answer)
    # Footer and labels in Chinese, none of the English ones.
    assert out.rstrip().endswith("这不是法律意见——请先阅读所引来源再作判断。")
    assert "Not legal advice" not in out
    for citation in answer.citations:
        label = source_label(citation.passage.document.source_type, "zh")
        assert f"({label}" in out
        # A glossary entry speaks in its Chinese definition, other evidence in its reviewed twin
        # (else in English, exactly as quoted).
        term = citation.passage.chunk.term
        entry = basis.answering.glossary.get(term) if term else None
        twin = citation.passage.document.twin(citation.quote)
        assert (entry.definition_zh if entry else twin or _flat(citation.quote)) in out
        assert not HAN.search(citation.quote)
    # Each English term beside its Chinese name.
    if answer.terms:
        assert "术语对照：" + "；".join(f"{en}（{zh}）" for en, zh in answer.terms) in out
    # One Chinese summary per cited document, however often the document is cited.
    summaries = _summarised_docs(answer)
    assert summaries
    for summary in summaries.values():
        assert out.count(f"中文摘要：{summary}") == 1
    assert out.count("中文摘要：") == len(summaries)


def test_a_document_quoted_twice_is_cited_and_summarised_once(basis: Basis) -> None:
    answer = basis.answering.answer(DEFINE_QUESTION)
    cited = [c.passage.document.id for c in answer.citations]
    assert cited.count("deemed-export-explainer") == 1
    out = _rendered(answer)
    summary = basis.answering.index.documents["deemed-export-explainer"].summary_zh
    assert out.count(summary) == 1


def test_printed_bill_warning_and_label(basis: Basis) -> None:
    answer = basis.answering.answer(BILL_QUESTION)
    out = _rendered(answer)
    assert "⚠ H.R. 9999 (119th) 是法案，不是法律：除非国会通过并经总统签署，否则不产生法律效力。" in out
    assert "(法案——不是法律, 2025-05-15, 截至 2026-11-27)" in out
    assert "bill — not law" not in out


def test_printed_sources_heading_is_chinese(basis: Basis) -> None:
    """bot/cli_render.py prints the heading "Sources" in English for every answer; the Discord
    rendering of the same answer says 来源."""
    out = _rendered(basis.answering.answer(BILL_QUESTION))
    assert "Sources" not in out
    assert "来源" in out.splitlines()


def test_json_answer_in_chinese(basis: Basis) -> None:
    answer = basis.answering.answer(BILL_QUESTION)
    data = json.loads(json.dumps(answer_json(answer), ensure_ascii=False))
    assert data["lang"] == "zh" and data["abstained"] is False
    assert data["footer"] == "这不是法律意见——请先阅读所引来源再作判断。"
    assert [w["code"] for w in data["warnings"]] == ["not_law", "status"]
    assert "是法案，不是法律" in data["warnings"][0]["message"]
    by_doc = {c["doc_id"]: c for c in data["citations"]}
    assert by_doc["chip-tracking-bill"]["source_label"] == "法案——不是法律"
    assert by_doc["chip-tracking-bill"]["summary_zh"] == "一项要求对先进处理器进行位置追踪的法案。"
    for cited in data["citations"]:
        assert not HAN.search(cited["quote"]) and cited["quote"] in cited["passage"]
        assert HAN.search(cited["source_label"])
        assert cited["link"] == cited["url"]  # a document's citation links to its own URL
    # The bill's sentences are shown as their reviewed twins, each followed by the English quote
    # it translates (once, as its original); the quotes stay the English evidence.
    bill = basis.answering.index.documents["chip-tracking-bill"]
    for cited in data["citations"]:
        if cited["doc_id"] == "chip-tracking-bill":
            original = f"{bill.twin(cited['quote'])} [{cited['n']}]\n原文：“{cited['quote']}”"
            assert original in data["answer"] and data["answer"].count(cited["quote"]) == 1


def test_define_a_chinese_term_as_json(knowledge_dir: Path) -> None:
    result = runner.invoke(
        app, ["define", "视同出口", "--json"], env={"BASIS_KNOWLEDGE_DIR": str(knowledge_dir)}
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entry"]["term"] == "deemed export"
    assert data["entry"]["zh"] == ["视同出口", "视为出口"]
    assert data["entry"]["definition_zh"].startswith("在美国境内")
    assert data["suggestions"] == ["release", "foreign person", "export"]


def test_define_the_other_chinese_rendering(knowledge_dir: Path) -> None:
    result = runner.invoke(app, ["define", "实体清单", "--json", "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entry"]["term"] == "Entity List"
    printed = runner.invoke(app, ["define", "视为出口", "--knowledge", str(knowledge_dir)])
    assert printed.exit_code == 0
    assert printed.stdout.splitlines()[0] == "deemed export — 视同出口 / 视为出口"
