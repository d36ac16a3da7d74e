"""`/kb report` in Discord: the summary embed and the HTML report as an attachment.

Questions are user text: they are shown with Discord markdown escaped and cut to fit
Discord's field limits; the full report is the attached file.
"""

from __future__ import annotations

import io

import discord

from bot.discord_app.render import SOURCES_COLOUR
from bot.reporting.html import render_html
from bot.reporting.model import CoverageReport

TOP_GAPS = 5
TOP_STALE = 10
FIELD_CHARS = 1024
EXAMPLE_CHARS = 150


def summary_embed(report: CoverageReport) -> discord.Embed:
    r = report
    embed = discord.Embed(
        title=f"Coverage report — last {r.days} days",
        description=(
            f"{r.questions} questions: {r.answered} answered, {r.declined} declined "
            f"({r.decline_rate:.0%}). 👍 {r.up} · 👎 {r.down}. Full report attached."
        ),
        colour=SOURCES_COLOUR,
    )
    gaps = [f"**{g.count}×** {_quote(g.examples[0])}" for g in r.gaps[:TOP_GAPS]]
    embed.add_field(name=f"Top {TOP_GAPS} gaps", value=_fit(gaps) or "No declined questions.", inline=False)
    downs = [f"**{d.down}×** {_quote(d.question)}" for d in r.downvoted[:TOP_GAPS]]
    embed.add_field(name=f"👎 {r.down}", value=_fit(downs) or "No 👎 in this period.", inline=False)
    stale = [f"`{s.doc_id}` — {s.reason}" for s in r.stale[:TOP_STALE]]
    if len(r.stale) > TOP_STALE:
        stale.append(f"… and {len(r.stale) - TOP_STALE} more")
    embed.add_field(name=f"Stale documents: {len(r.stale)}", value=_fit(stale) or "None.", inline=False)
    return embed


def report_file(report: CoverageReport) -> discord.File:
    data = render_html(report).encode("utf-8")
    return discord.File(io.BytesIO(data), filename=f"basis-report-{report.generated_at:%Y-%m-%d}.html")


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > EXAMPLE_CHARS:
        text = text[: EXAMPLE_CHARS - 1] + "…"
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _fit(lines: list[str]) -> str:
    """As many whole lines as fit in one embed field."""
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > FIELD_CHARS:
            break
        kept.append(line)
    return "\n".join(kept)
