"""Rendering stays within Discord's limits and never drops a sentence or a citation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from bot.answering.labels import source_label
from bot.discord_app.render import (
    MAX_DESCRIPTION,
    answer_embeds,
    paginate,
    passage_embeds,
    passage_records,
    split_text,
)
from bot.models import Answer, CfrRef, Chunk, Citation, Document, Notice, Passage
from tests.discord_app.emulator import limit_errors


def citation(n: int, *, title: str = "Deemed exports", url: str = "https://example.org/a") -> Citation:
    doc = Document(
        id=f"doc-{n}",
        title=title,
        text="",
        path="doc.md",
        sha256="0",
        source_type="bill",
        citation=f"H.R. {n}",
        url=url,
        published=date(2026, 1, 2),
    )
    chunk = Chunk(f"c{n}", doc.id, "", "A release is an export. Licences apply.", 0, 40, 9)
    return Citation(n, Passage(chunk, doc, n, 1.0), f"H.R. {n} § 2", "A release is an export.")


def answer(text: str, citations: tuple[Citation, ...], mode: str = "extractive", **extra: object) -> Answer:
    return Answer(
        id="abc123",
        question="q",
        text=text,
        mode=mode,  # type: ignore[arg-type]
        lang="en",
        citations=citations,
        footer="Not legal advice.",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("limit", [10, 50, 300])
def test_split_text_keeps_every_word_and_marker(limit: int):
    text = " ".join(f"Claim {n} is supported [{n}]." for n in range(200)) + "\n\nLast paragraph."
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(pieces).split() == text.split()
    if limit >= 50:
        assert all(p.endswith((".", "]")) for p in pieces)  # sentence ends, not mid-marker


def test_split_text_cuts_only_an_overlong_word():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_huge_answer_pages_fit_and_lose_nothing():
    text = " ".join(f"Sentence {n} of the answer [{n % 60 + 1}]." for n in range(2000))
    cites = tuple(citation(n, title="T" * 200, url="https://example.org/" + "p" * 300) for n in range(1, 61))
    warnings = (Notice("legal_basis_not_public", "W" * 5000),)
    pages = paginate(answer_embeds(answer(text, cites, warnings=warnings), source_label))
    assert len(pages) > 3
    for page in pages:
        assert not limit_errors({"embeds": [e.to_dict() for e in page]})
    embeds = [e for page in pages for e in page]
    assert embeds[0].title == "⚠️ Read this first"
    assert embeds[-1].footer.text == "Not legal advice."
    answer_text = " ".join(e.description for e in embeds if e.title.startswith("Answer"))
    assert answer_text.split() == text.split()
    sources = "\n".join(e.description for e in embeds if e.title.startswith("Sources"))
    for n in range(1, 61):
        link = f"[H.R. {n} § 2](<https://example.org/{'p' * 300}>)"
        assert f"**[{n}]** {link} — {'T' * 89}… · bill — not law · 2026-01-02" in sources


def test_abstention_is_grey_and_has_no_sources():
    abstained = answer("Not covered.", (), mode="abstained", suggestions=("export",))
    (embed,) = answer_embeds(abstained, source_label)
    assert embed.description == "Not covered." and embed.footer.text == "Not legal advice."


def test_see_also_terms_follow_the_answer():
    (body, _sources) = answer_embeds(
        answer("Yes [1].", (citation(1),), suggestions=("release",)), source_label
    )
    assert body.description == "Yes [1].\n\nSee also (/define): release"


def test_passages_quote_the_cited_sentence_in_bold():
    records = passage_records(answer("Yes [1].", (citation(1),)), source_label)
    (embed,) = passage_embeds(records, "en")
    assert (
        embed.description
        == "**[1] H.R. 1 § 2** · bill — not law\n> **A release is an export.** Licences apply."
    )
    assert len(embed.description) <= MAX_DESCRIPTION


def test_chinese_answers_get_chinese_headings():
    zh = Answer(
        id="z",
        question="q",
        text="是 [1]。",
        mode="extractive",
        lang="zh",
        citations=(citation(1),),
    )
    body, sources = answer_embeds(zh, source_label)
    assert (body.title, sources.title) == (
        "回答",
        "来源",
    ) and "法案——不是法律" in sources.description


HOSTILE = "See the [official page](https://evil.example/login) <@123> <@&456> @everyone **now** https://evil.example/x"


def test_document_markdown_links_and_mentions_render_as_plain_text():
    """Issue 23 item 7: a document's masked link was clickable under Basis's name, and role and
    user pills rendered in titles and "Show passages"."""
    hostile = citation(1, title=f"Title {HOSTILE}", url="https://example.org/a")
    doc = hostile.passage.document
    chunk = replace(hostile.passage.chunk, text=f"{HOSTILE} A release is an export.")
    hostile = replace(hostile, passage=replace(hostile.passage, chunk=chunk, document=doc), quote=HOSTILE)
    shown = answer(f"{HOSTILE} [1]", (hostile,), warnings=(Notice("status", f"{doc.title} was rescinded."),))
    embeds = answer_embeds(shown, source_label)
    passages = passage_embeds(passage_records(shown, source_label), "en")
    for embed in [*embeds, *passages]:
        text = f"{embed.title}\n{embed.description}"
        links = re.findall(r"(?<!\\)\[[^\]\n]*\]\(<?(https?://[^>)]+)", text)
        assert set(links) <= {"https://example.org/a"}  # no masked link but the citation's own
        assert "<@123>" not in text and "<@&456>" not in text and "@everyone" not in text
        assert "https://evil" not in text  # a bare link in a source is not clickable either
        assert "**now**" not in text
    # The only link is the citation's own URL.
    sources = next(e.description for e in embeds if e.title == "Sources")
    assert re.findall(r"\]\(<([^>]+)>\)", sources) == ["https://example.org/a"]


def test_a_non_web_url_is_never_a_link():
    cited = citation(1, url="javascript:alert(1)")
    sources = next(
        e.description for e in answer_embeds(answer("x [1]", (cited,)), source_label) if e.title == "Sources"
    )
    assert "](" not in sources and "**[1]** H.R. 1 § 2 —" in sources


def test_a_glossary_citation_links_to_its_official_source():
    doc = Document(
        id="glossary", title="Basis glossary", text="", path="g", sha256="0", source_type="glossary"
    )
    chunk = Chunk(
        "g#1",
        "glossary",
        "",
        "A deemed export is a release.",
        0,
        30,
        6,
        term="deemed export",
        source="15 CFR 734.13(b)",
    )
    cited = Citation(
        1,
        Passage(chunk, doc, 1, 1.0),
        "Basis glossary: deemed export (15 CFR 734.13(b))",
        "A deemed",
        refs=(CfrRef(15, 734, "13", ("b",)),),
    )
    sources = next(
        e.description for e in answer_embeds(answer("x [1]", (cited,)), source_label) if e.title == "Sources"
    )
    assert sources.startswith(
        "**[1]** [15 CFR 734.13(b)](<https://www.ecfr.gov/current/title-15/section-734.13>) — "
        "Basis glossary: deemed export · glossary"
    )
