"""Discord embeds for a Chinese question: Chinese headings, warnings and footer, English evidence.

Rendering only (no emulator): the answers come from the fixture knowledge base.
"""

from __future__ import annotations

import re

import discord
import pytest

from bot.answering.labels import source_label
from bot.discord_app.render import answer_embeds, definition_embeds, passage_embeds, passage_records, safe
from bot.service import Basis
from tests.discord_app.emulator import limit_errors

HAN = re.compile(r"[\u4e00-\u9fff]")
BILL_QUESTION = "location tracking 法案要求出口商做什么？"
TERM_QUESTION = "视同出口的 licence 是什么？"
DEFINE_QUESTION = "什么是视同出口？"  # leads with the glossary definition, then the explainer
FOOTER = "这不是法律意见——请先阅读所引来源再作判断。"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _by_title(embeds: list[discord.Embed]) -> dict[str, str]:
    return {e.title or "": e.description or "" for e in embeds}


@pytest.mark.parametrize("question", [TERM_QUESTION, DEFINE_QUESTION])
def test_chinese_answer_embeds(basis: Basis, question: str) -> None:
    answer = basis.answering.answer(question)
    assert answer.lang == "zh" and answer.citations
    embeds = answer_embeds(answer, source_label)
    assert not limit_errors({"embeds": [e.to_dict() for e in embeds]})
    parts = _by_title(embeds)
    assert {"回答", "来源"} <= set(parts)
    assert not {"Answer", "Sources", "⚠️ Read this first"} & set(parts)
    assert embeds[-1].footer.text == FOOTER
    body, sources = parts["回答"], parts["来源"]
    # A glossary entry is shown in its Chinese definition; other evidence without a twin stays in
    # English, and the term line pairs the English terms it uses with their Chinese names.
    for citation in answer.citations:
        term = citation.passage.chunk.term
        entry = basis.answering.glossary.get(term) if term else None
        twin = citation.passage.document.twin(citation.quote)
        assert (entry.definition_zh if entry else twin or _flat(citation.quote)) in body
        assert f"**[{citation.n}]**" in sources
        assert source_label(citation.passage.document.source_type, "zh") in sources
    # The English a translated sentence rests on follows it on its own line as Discord subtext
    # (small, dim), made safe like every text from a document.
    originals = [line for line in answer.lines if line.original]
    assert originals
    for line in originals:
        assert f"\n-# {safe(line.text)}" in body
    assert body.count("\n-# ") == len(originals)
    if answer.terms:
        assert "\n\n术语对照：" + "；".join(f"{en}（{zh}）" for en, zh in answer.terms) in body
    if answer.suggestions:
        assert "另见（/define）：" in body and "See also" not in body
    # 中文摘要 once per cited document, under that document's first citation.
    summaries = {
        c.passage.document.id: c.passage.document.summary_zh
        for c in answer.citations
        if c.passage.document.summary_zh
    }
    assert summaries
    assert sources.count("中文摘要：") == len(summaries)
    for summary in summaries.values():
        assert sources.count(f"中文摘要：{summary}") == 1


def test_a_document_quoted_twice_is_cited_and_summarised_once(basis: Basis) -> None:
    answer = basis.answering.answer(DEFINE_QUESTION)
    (only,) = [c.n for c in answer.citations if c.passage.document.id == "deemed-export-explainer"]
    sources = _by_title(answer_embeds(answer, source_label))["来源"]
    blocks = {int(b[3 : b.index("]")]): b for b in sources.split("\n\n")}
    summary = "中文摘要：" + basis.answering.index.documents["deemed-export-explainer"].summary_zh
    assert blocks[only].endswith(summary)
    assert sources.count(summary) == 1


def test_chinese_warnings_come_first(basis: Basis) -> None:
    answer = basis.answering.answer(BILL_QUESTION)
    embeds = answer_embeds(answer, source_label)
    assert embeds[0].title == "⚠️ 请先阅读"
    assert embeds[0].description == (
        "**H.R. 9999 (119th) 是法案，不是法律：除非国会通过并经总统签署，否则不产生法律效力。**\n\n"
        "**H.R. 9999 (119th)：最近记录的行动在 2025-05-20（数据截至 2026-11-27）。**"
    )
    sources = _by_title(embeds)["来源"]
    assert "法案——不是法律 · 2025-05-15" in sources and "bill — not law" not in sources


def test_passages_for_a_chinese_answer(basis: Basis) -> None:
    answer = basis.answering.answer(BILL_QUESTION)
    records = passage_records(answer, source_label)
    (embed,) = passage_embeds(records, answer.lang)
    assert embed.title == "原文段落"
    labels = {c.passage.document.id: r.label for c, r in zip(answer.citations, records, strict=True)}
    assert labels["chip-tracking-bill"] == "法案——不是法律"
    assert all(HAN.search(label) for label in labels.values())
    for citation in answer.citations:
        assert f"**{citation.quote}**" in embed.description.replace("\n> ", "\n")


def test_define_a_chinese_term_without_the_emulator(basis: Basis) -> None:
    for term in ("视同出口", "视为出口"):
        result = basis.answering.define(term)
        assert result.entry is not None and result.entry.term == "deemed export"
    (embed,) = definition_embeds(basis.answering.define("视为出口").entry)  # type: ignore[arg-type]
    assert embed.title == "deemed export (视同出口 / 视为出口)"
    assert "在美国境内向外国人释放受控技术" in embed.description
    ecfr = "https://www.ecfr.gov/current/title-15/section-734.13"
    assert f"**Citation:** [15 CFR 734.13(b)](<{ecfr}>)" in embed.description
