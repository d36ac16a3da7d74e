"""Answers, definitions and listings as Discord embeds, always within Discord's limits.

Long text is split at paragraph, line, sentence or word boundaries and continued in the next
embed; embeds are packed into as many messages as needed. Nothing is cut off: every citation
and every sentence of an answer reaches the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord

from bot.answering.labels import citation_dates, summary_lines, terms_line
from bot.corpus.glossary_file import GlossaryEntry
from bot.models import Answer, Citation

# Discord's documented limits.
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FOOTER = 2048
MAX_TOTAL = 6000

WARNING_COLOUR = discord.Colour.orange()
ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SOURCES_COLOUR = discord.Colour.dark_grey()

Labeler = Callable[[str, str], str]  # (source_type, lang) -> "regulation", "bill — not law", …

WORDS = {
    "en": {
        "warning": "⚠️ Read this first",
        "answer": "Answer",
        "sources": "Sources",
        "passages": "Passages",
        "continued": "continued",
        "see_also": "See also (/define):",
    },
    "zh": {
        "warning": "⚠️ 请先阅读",
        "answer": "回答",
        "sources": "来源",
        "passages": "原文段落",
        "continued": "续",
        "see_also": "另见（/define）：",
    },
}


@dataclass(frozen=True)
class ShownPassage:
    """What "Show passages" displays for one citation; stored so the button works later."""

    n: int
    heading: str
    label: str
    text: str


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters at the most natural boundary.

    Breaks fall on a blank line, a line end, a sentence end or a space, in that order, so
    `[n]` markers and words stay whole; only a single word longer than `limit` is cut.
    """
    pieces: list[str] = []
    text = text.strip()
    while len(text) > limit:
        cut = _boundary(text, limit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def _boundary(text: str, limit: int) -> int:
    for separator, keep in (("\n\n", 0), ("\n", 0), (". ", 1), ("。", 1), (" ", 0)):
        at = text.rfind(separator, 0, limit - keep + 1)
        if at > 0:
            return at + keep
    return limit


def text_embeds(title: str, text: str, colour: discord.Colour, lang: str) -> list[discord.Embed]:
    """One embed per piece of `text`; later pieces say they continue the first."""
    return _titled(title, split_text(text, MAX_DESCRIPTION), colour, lang)


def block_embeds(title: str, blocks: Sequence[str], colour: discord.Colour, lang: str) -> list[discord.Embed]:
    """Pack whole blocks (one citation, one document) into as few embeds as fit."""
    texts: list[str] = []
    current = ""
    for block in blocks:
        for piece in split_text(block, MAX_DESCRIPTION):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= MAX_DESCRIPTION:
                current = joined
            else:
                texts.append(current)
                current = piece
    if current:
        texts.append(current)
    return _titled(title, texts, colour, lang)


def _titled(title: str, texts: list[str], colour: discord.Colour, lang: str) -> list[discord.Embed]:
    more = f"{title} ({words(lang)['continued']})"
    return [
        discord.Embed(title=title if i == 0 else more, description=text, colour=colour)
        for i, text in enumerate(texts)
    ]


def citation_block(citation: Citation, label: Labeler, lang: str, summary: str = "") -> str:
    """`[n]` pinpoint, title, source type, date and an unfurl-free link."""
    doc = citation.passage.document
    pinpoint = citation.pinpoint or doc.citation
    details = [label(doc.source_type, lang), *citation_dates(citation, lang)]
    if doc.url:
        details.append(f"<{doc.url}>")
    block = f"**[{citation.n}]** {pinpoint} — {doc.title}\n{' · '.join(details)}"
    return f"{block}\n{summary}" if summary else block


def answer_embeds(answer: Answer, label: Labeler) -> list[discord.Embed]:
    """Warnings first in their own colour, then the answer, then its sources."""
    w = words(answer.lang)
    embeds: list[discord.Embed] = []
    if answer.warnings:
        warning_text = "\n\n".join(f"**{notice.message}**" for notice in answer.warnings)
        embeds += text_embeds(w["warning"], warning_text, WARNING_COLOUR, answer.lang)
    body = answer.text
    if terms := terms_line(answer.terms, answer.lang):
        body += f"\n\n{terms}"
    if answer.suggestions and not answer.abstained:  # an abstention already names them
        body += f"\n\n{w['see_also']} " + ", ".join(answer.suggestions)
    colour = ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR
    embeds += text_embeds(w["answer"], body, colour, answer.lang)
    summaries = summary_lines(answer)
    blocks = [citation_block(c, label, answer.lang, summaries.get(c.n, "")) for c in answer.citations]
    embeds += block_embeds(w["sources"], blocks, SOURCES_COLOUR, answer.lang)
    return with_footer(embeds, answer.footer)


def with_footer(embeds: list[discord.Embed], footer: str) -> list[discord.Embed]:
    """Put `footer` on the last embed, or in an embed of its own when it would not fit."""
    if not footer or not embeds:
        return embeds
    last = embeds[-1]
    if len(footer) <= MAX_FOOTER and embed_size(last) + len(footer) <= MAX_TOTAL:
        last.set_footer(text=footer)
        return embeds
    return embeds + text_embeds("ℹ️", footer, last.colour or SOURCES_COLOUR, "en")


def passage_records(answer: Answer, label: Labeler) -> list[ShownPassage]:
    """The cited passages, with the quoted sentence in bold when it appears verbatim."""
    records = []
    for c in answer.citations:
        text = c.passage.chunk.text
        if c.quote and c.quote in text:
            text = text.replace(c.quote, f"**{c.quote}**", 1)
        doc = c.passage.document
        heading = f"[{c.n}] {c.pinpoint or doc.citation}"
        records.append(ShownPassage(c.n, heading, label(doc.source_type, answer.lang), text))
    return records


def passage_embeds(passages: Sequence[ShownPassage], lang: str) -> list[discord.Embed]:
    blocks = [f"**{p.heading}** · {p.label}\n{_quoted(p.text)}" for p in passages]
    return block_embeds(words(lang)["passages"], blocks, SOURCES_COLOUR, lang)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip())


def definition_embeds(entry: GlossaryEntry, status: Sequence[str] = ()) -> list[discord.Embed]:
    """The English term with its Chinese renderings beside it, both definitions, its status on
    today's date (English, then Chinese) and the citation."""
    text = entry.definition
    if entry.definition_zh:
        text += f"\n\n{entry.definition_zh}"
    if status:
        text += "\n\n" + "\n".join(f"**{line}**" for line in status)
    if entry.aliases:
        text += f"\n\n*Also called:* {', '.join(entry.aliases)}"
    if entry.citation:
        text += f"\n\n**Citation:** {entry.citation}"
    if entry.related:
        text += f"\n**Related:** {', '.join(entry.related)}"
    return text_embeds(entry.heading()[:MAX_TITLE], text, ANSWER_COLOUR, "en")


def paginate(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters each."""
    pages: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        n = embed_size(embed)
        if not pages or len(pages[-1]) == MAX_EMBEDS or size + n > MAX_TOTAL:
            pages.append([])
            size = 0
        pages[-1].append(embed)
        size += n
    return pages


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6,000 limit."""
    fields = sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    return (
        len(embed.title or "")
        + len(embed.description or "")
        + len(embed.footer.text or "")
        + len(embed.author.name or "")
        + fields
    )
