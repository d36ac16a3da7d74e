"""The "official text changed" notice: on answers citing a flagged document, in the asker's language."""

from __future__ import annotations

from datetime import date

from bot.answering.notices import source_changed
from bot.corpus.source_changes import SourceChange
from bot.models import Chunk, Citation, Document, Passage

DOC = Document("explainer", "Deemed exports in plain words", "t", "e.md", "0", as_of=date(2026, 11, 27))
OTHER = Document("other", "Other", "t", "o.md", "0", as_of=date(2026, 11, 27))
CHANGES = {"explainer": (SourceChange("15 CFR 734.13", date(2026, 11, 30), "synced/x.md"),)}


def _cite(*docs: Document) -> tuple[Citation, ...]:
    return tuple(
        Citation(n, Passage(Chunk(f"c{n}", d.id, "", "t", 0, 1, 1), d, n, 1.0), d.citation, "t")
        for n, d in enumerate(docs, start=1)
    )


def test_an_answer_citing_a_flagged_document_says_when_the_text_changed() -> None:
    (notice,) = source_changed(_cite(DOC, OTHER, DOC), CHANGES, "en")
    assert notice.code == "source_changed"
    assert notice.message == (
        "Deemed exports in plain words: the official text of 15 CFR 734.13 changed on 2026-11-30, "
        "after this explainer was written (as of 2026-11-27); check the current text."
    )


def test_the_notice_is_in_chinese_for_a_chinese_question() -> None:
    (notice,) = source_changed(_cite(DOC), CHANGES, "zh")
    assert "15 CFR 734.13 的官方文本已于 2026-11-30 修改" in notice.message


def test_no_notice_when_no_cited_document_is_flagged() -> None:
    assert source_changed(_cite(OTHER), CHANGES, "en") == ()
