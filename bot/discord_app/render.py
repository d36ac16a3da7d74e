"""Answers, definitions and listings as Discord embeds, always within Discord's limits.

Long text is split at paragraph, line, sentence or word boundaries and continued in the next
embed; embeds are packed into as many messages as needed. Nothing is cut off: every citation
and every sentence of an answer reaches the reader.

Every string that comes from a document (quotes, titles, pinpoints, passages, glossary entries)
goes through `safe` first: Markdown, mention markup and bare links in a source render as plain
text, so a document cannot put a clickable link or a role pill under Basis's name. The only
links are the masked links built here from a citation's own URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote as url_quote

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.answering.citations import citation_link, link_text, official_link
from bot.answering.labels import citation_dates, summary_lines, terms_line
from bot.answering_service import GlossaryEntry
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
MAX_SOURCE_TITLE = 90  # a source line's title is cut here; the link and pinpoint say the rest
ZWSP = "\u200b"
MENTION = re.compile(r"<(?=[@#]|/|t:|a?:\w+:)")  # <@user>, <@&role>, <#channel>, </cmd:1>, <t:…>, <:emoji:1>
HEADING = re.compile(r"^(\s*)(#{1,3}\s|-#\s)", re.MULTILINE)
BARE_LINK = re.compile(r"\b(https?|discord|steam)://", re.IGNORECASE)
URL_SAFE = ":/?#[]@!$&'*+,;=%-._~"  # everything else in a URL is percent-encoded (spaces, <, >, parentheses)

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


def safe(text: str) -> str:
    """Document-derived text as plain text in Discord: Markdown escaped (so a masked link or a
    heading in a source is shown, not rendered), mentions and @everyone broken with a zero-width
    space, and bare URLs made unclickable."""
    text = escape_mentions(escape_markdown(text))
    text = MENTION.sub(f"<{ZWSP}", text)
    text = HEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return BARE_LINK.sub(lambda m: f"{m.group(1)}:{ZWSP}//", text)


def masked_link(text: str, url: str) -> str:
    """`[text](<url>)`: the safe text, linking to `url` without an embed preview; the text alone
    when `url` is not an http(s) address."""
    shown = safe(text).replace("[", "\\[").replace("]", "\\]")
    if not url.lower().startswith(("https://", "http://")):
        return shown
    return f"[{shown}](<{url_quote(url, safe=URL_SAFE)}>)"


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
    """One short source line: `[n]`, the pinpoint as a masked link to the citation's own URL
    (a glossary entry's: the official text it cites), the title cut short, source type and date."""
    doc = citation.passage.document
    title = doc.title if len(doc.title) <= MAX_SOURCE_TITLE else doc.title[: MAX_SOURCE_TITLE - 1] + "…"
    if citation.passage.chunk.term:
        title = f"{doc.title}: {citation.passage.chunk.term}"
    details = [label(doc.source_type, lang), *citation_dates(citation, lang)]
    link = masked_link(link_text(citation), citation_link(citation))
    block = f"**[{citation.n}]** {link} — {safe(title)} · {' · '.join(details)}"
    return f"{block}\n{safe(summary)}" if summary else block


def answer_embeds(answer: Answer, label: Labeler) -> list[discord.Embed]:
    """Warnings first in their own colour, then the answer, then its sources."""
    w = words(answer.lang)
    embeds: list[discord.Embed] = []
    if answer.warnings:
        warning_text = "\n\n".join(f"**{safe(notice.message)}**" for notice in answer.warnings)
        embeds += text_embeds(w["warning"], warning_text, WARNING_COLOUR, answer.lang)
    body = "\n".join(
        f"-# {safe(line.text)}" if line.original else safe(line.text) for line in answer.shown_lines()
    )
    if terms := terms_line(answer.terms, answer.lang):
        body += f"\n\n{safe(terms)}"
    if answer.suggestions and not answer.abstained:  # an abstention already names them
        body += f"\n\n{w['see_also']} " + safe(", ".join(answer.suggestions))
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
    """Every passage each citation stands for, made safe, with the quoted sentence in bold when
    it appears verbatim."""
    records = []
    for c in answer.citations:
        doc = c.passage.document
        heading = f"[{c.n}] {safe(c.pinpoint or doc.citation)}"
        for passage, quote in ((c.passage, c.quote), *c.more):
            text = passage.chunk.text
            if quote and quote in text:
                before, after = text.split(quote, 1)
                shown = f"{safe(before)}**{safe(quote)}**{safe(after)}"
            else:
                shown = safe(text)
            records.append(ShownPassage(c.n, heading, label(doc.source_type, answer.lang), shown))
    return records


def passage_embeds(passages: Sequence[ShownPassage], lang: str) -> list[discord.Embed]:
    blocks = [f"**{p.heading}** · {p.label}\n{_quoted(p.text)}" for p in passages]
    return block_embeds(words(lang)["passages"], blocks, SOURCES_COLOUR, lang)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip())


def definition_embeds(entry: GlossaryEntry, status: Sequence[str] = ()) -> list[discord.Embed]:
    """The English term with its Chinese renderings beside it, both definitions, its status on
    today's date (English, then Chinese) and the citation."""
    text = safe(entry.definition)
    if entry.definition_zh:
        text += f"\n\n{safe(entry.definition_zh)}"
    if status:
        text += "\n\n" + "\n".join(f"**{safe(line)}**" for line in status)
    if entry.aliases:
        text += f"\n\n*Also called:* {safe(', '.join(entry.aliases))}"
    if entry.citation:
        text += f"\n\n**Citation:** {masked_link(entry.citation, official_link(entry.refs))}"
    if entry.related:
        text += f"\n**Related:** {safe(', '.join(entry.related))}"
    return text_embeds(safe(entry.heading())[:MAX_TITLE], text, ANSWER_COLOUR, "en")


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
