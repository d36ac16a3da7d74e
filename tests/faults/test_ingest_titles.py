"""Issue 23 item 9: a giant title or heading is cut at load with a note, so an answer citing its
document stays a few Discord messages (a 1.9 MB heading made every such answer 928 messages)."""

from __future__ import annotations

import pytest

from bot.answering.labels import source_label
from bot.corpus.loaders import MAX_HEADING_CHARS, MAX_TITLE_CHARS
from bot.discord_app.render import answer_embeds, paginate
from bot.service import Basis

pytestmark = pytest.mark.faults

HUGE = "Entity List " * 79_000  # two of them: 1.9 MB of headings
BODY = (
    "The Entity List names foreign parties subject to license requirements under the EAR. "
    "A license is required to export any item subject to the EAR to a listed entity.\n"
)


def test_a_giant_heading_is_cut_at_load_and_the_answer_stays_short(basis: Basis) -> None:
    upload = f"# {HUGE}\n\n{BODY}\n## {HUGE}\n\n{BODY}"
    change = basis.kb.add_file("giant.md", upload.encode(), actor="mod#1")
    assert "title: 947,999 characters, cut to 200" in change.summary
    assert f"2 heading(s) longer than {MAX_HEADING_CHARS} characters" in change.summary
    doc = basis.answering.index.documents["giant"]
    assert len(doc.title) <= MAX_TITLE_CHARS
    assert all(len(line) <= MAX_HEADING_CHARS + 8 for line in doc.text.splitlines())
    answer = basis.answering.answer("Is a license required to export to a listed entity on the Entity List?")
    assert "giant" in {c.passage.document.id for c in answer.citations}
    pages = paginate(answer_embeds(answer, lambda kind, lang: source_label(kind)))
    assert len(pages) <= 2


def test_a_giant_front_matter_title_is_cut_too(basis: Basis) -> None:
    head = (
        "---\nid: long-title\ntitle: " + "T" * 5000 + "\nsource_type: explainer\ncitation: Note\n"
        "url: https://example.org\nas_of: 2026-11-01\ntopics: [entity-list]\nsummary_zh: 说明\n"
        "sources:\n  - {title: BIS, url: 'https://www.bis.gov', date: 2026-11-01}\n---\n"
    )
    change = basis.kb.add_file("long-title.md", (head + BODY).encode(), actor="mod#1")
    assert "title: 5,000 characters, cut to 200" in change.summary
    assert len(basis.answering.index.documents["long-title"].title) == MAX_TITLE_CHARS
